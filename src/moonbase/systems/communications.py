"""Links from every site to Earth: contact windows, data rates and data volumes.

A direct link holds from a site to a ground station while the station stands above
the site's skyline (the site's :class:`~moonbase.environment.horizon.Horizon`, terrain
included) and the Moon stands above the station's minimum elevation. A relay link
holds while the relay stands above the site's skyline and some ground station sees the
relay (above its limit, not behind the Moon): data flow through in real time, at the
lesser of the two hops' rates. Window edges are located to ``epsilon_s`` with
:func:`~moonbase.environment.windows.find_windows`; rates follow the range through
:class:`~moonbase.systems.link_budget.HopBudget`, and volumes are the rate integrated
over each window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr
from skyfield.timelib import Time

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.environment.site_environment import SurfaceSite
from moonbase.environment.windows import Windows, find_windows
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.times import utc_labels
from moonbase.scenario import communications as model
from moonbase.scenario.communications import Communications
from moonbase.systems.link_budget import HopBudget
from moonbase.systems.link_geometry import (
    EarthMoonTable,
    GroundStation,
    Instants,
    RelayOrbitFrame,
    moon_elevation_deg,
    station_me_km,
    station_sees_relay,
)
from moonbase.systems.orbit import OrbitalElements

ALL_LINKS = "all links"

STATISTICS_ATTRS: dict[str, tuple[str, str]] = {
    "contact_fraction": ("1", "fraction of the span with the link up"),
    "longest_gap_h": ("h", "longest stretch without the link"),
    "contacts": ("1", "number of contact windows"),
    "mean_contact_h": ("h", "mean length of a contact window"),
    "mean_rate_mbit_s": ("Mbit s-1", "mean data rate while in contact"),
    "volume_per_day_gbit": ("Gbit d-1", "data volume per day, averaged over the span"),
    "volume_per_lunar_month_gbit": ("Gbit", "mean data volume per synodic month"),
    "worst_lunar_month_gbit": ("Gbit", "least volume in any whole synodic month of the span"),
}


@dataclass(frozen=True, eq=False)
class LinkResults:
    """Per site and link: statistics ``(site, link)``, rate series ``(site, link, time)``,
    the contact table, and the windows themselves (for planning) keyed by (site, link).

    The ``link`` coordinate ``kind`` says what each entry is: ``link`` (a scenario link,
    via the best station in view), ``station`` (a direct link to one station),
    ``leg`` (a relay link's site-to-relay hop alone, as with store-and-forward) or
    ``all`` (any link up; volumes summed, as separate terminals).
    """

    statistics: xr.Dataset
    rates: xr.Dataset
    contacts: pd.DataFrame
    windows: dict[tuple[str, str], Windows]


def stations_of(ground_stations: Sequence) -> list[GroundStation]:
    """Return the scenario's ground stations as geometry objects."""
    return [
        GroundStation(
            g.name, g.lat_deg, g.lon_deg, g.altitude_m, g.min_elevation_deg, g.antenna_diameter_m
        )
        for g in ground_stations
    ]


def relay_frame(relay: model.Relay, *, ephemeris: Ephemeris) -> RelayOrbitFrame:
    """Return a scenario relay's elements in the Moon-centred inertial frame of its epoch."""
    orbit = relay.orbit
    epoch = ephemeris.ts.from_datetime(orbit.epoch)
    elements = OrbitalElements(
        orbit.semi_major_axis_km_value,
        orbit.eccentricity_value,
        np.radians(orbit.inclination_deg),
        np.radians(orbit.raan_deg),
        np.radians(orbit.argument_of_periapsis_deg),
        np.radians(orbit.mean_anomaly_deg),
        float(epoch.tt),
    )
    return RelayOrbitFrame(relay.name, elements, ephemeris.moon_frame.rotation_at(epoch).T)


def union(windows: Sequence[Windows], span_tt: tuple[float, float]) -> Windows:
    """Return the windows where any of ``windows`` holds (De Morgan on complements)."""
    gaps = Windows(np.array([span_tt[0]]), np.array([span_tt[1]]), span_tt)
    for w in windows:
        gaps = gaps.intersection(w.complement())
    return gaps.complement()


def inside(windows: Windows, tt: np.ndarray) -> np.ndarray:
    """Return whether each TT instant lies in a window (edges included)."""
    i = np.searchsorted(windows.starts_tt, tt, side="right") - 1
    found = i >= 0
    found[found] = tt[found] <= windows.stops_tt[i[found]] + 1e-9
    return found


def _window_samples(windows: Windows, grid_tt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return sample instants for integrating over each window (its edges and the grid
    instants inside) and each sample's window index."""
    lo = np.searchsorted(grid_tt, windows.starts_tt, side="right")
    hi = np.searchsorted(grid_tt, windows.stops_tt, side="left")
    counts = np.maximum(hi - lo, 0) + 2
    index = np.repeat(np.arange(len(counts)), counts)
    position = np.arange(index.size) - np.repeat(np.cumsum(counts) - counts, counts)
    tt = grid_tt[np.minimum(lo[index] + position - 1, grid_tt.size - 1)]
    tt = np.where(position == 0, windows.starts_tt[index], tt)
    tt = np.where(position == counts[index] - 1, windows.stops_tt[index], tt)
    return tt, index


@dataclass(frozen=True, eq=False)
class _Entry:
    """One row of a site's link table: windows, the rate inside them, and the volume."""

    name: str
    kind: str  # link | station | leg | all
    via: str
    windows: Windows
    rate: Callable[[np.ndarray], np.ndarray] | None = None  # bit/s at TT instants
    volume_bit: np.ndarray | None = None  # per window
    sample_tt: np.ndarray | None = None
    cumulative_bit: np.ndarray | None = None

    def integrated(self, grid_tt: np.ndarray) -> _Entry:
        """Return this entry with the rate integrated over each window (trapezoids on the
        window edges and the grid instants inside)."""
        tt, index = _window_samples(self.windows, grid_tt)
        rate = self.rate(tt) if tt.size else np.zeros(0)
        pieces = 0.5 * (rate[1:] + rate[:-1]) * np.diff(tt) * 86_400.0
        pieces[index[1:] != index[:-1]] = 0.0  # nothing flows between windows
        volume = np.bincount(index[1:], weights=pieces, minlength=len(self.windows.starts_tt))
        cumulative = np.concatenate(([0.0], np.cumsum(pieces)))
        return replace(self, volume_bit=volume, sample_tt=tt, cumulative_bit=cumulative)

    def statistics(self) -> dict[str, float]:
        w = self.windows
        span_d, contact_d, count = w.span_days, float(w.durations_days.sum()), len(w.starts_tt)
        total = float(self.volume_bit.sum())
        months = int(span_d // SYNODIC_MONTH_D)
        worst = np.nan
        if months and self.sample_tt is not None:
            edges = w.span_tt[0] + SYNODIC_MONTH_D * np.arange(months + 1)
            at_edges = np.interp(edges, self.sample_tt, self.cumulative_bit) if count else 0 * edges
            worst = float(np.diff(at_edges).min()) / 1e9
        return {
            "contact_fraction": w.fraction(),
            "longest_gap_h": w.complement().longest_days() * 24.0,
            "contacts": float(count),
            "mean_contact_h": 24.0 * contact_d / count if count else 0.0,
            "mean_rate_mbit_s": total / (contact_d * 86_400.0) / 1e6 if contact_d else 0.0,
            "volume_per_day_gbit": total / span_d / 1e9,
            "volume_per_lunar_month_gbit": total / span_d * SYNODIC_MONTH_D / 1e9,
            "worst_lunar_month_gbit": worst,
        }


class _SiteView:
    """The geometry seen from one site, evaluated at any instants."""

    def __init__(self, site: SurfaceSite):
        self.site = site
        self.enu = site.point.enu_axes()
        self.position_km = site.point.position_km()

    def sees(self, target_me_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return whether Moon-centred ME points (3, n) clear the skyline, and their range."""
        enu = self.enu @ (target_me_km - self.position_km[:, None])
        distance = np.linalg.norm(enu, axis=0)
        elevation = np.degrees(np.arcsin(enu[2] / distance))
        azimuth = np.degrees(np.arctan2(enu[0], enu[1])) % 360.0
        return self.site.horizon.is_above(elevation, azimuth), distance


@dataclass(frozen=True, eq=False)
class _Context:
    """What every site's links share: tables, stations, relays, site-free windows."""

    table: EarthMoonTable
    t: Time
    grid: Instants
    stations: list[GroundStation]
    relays: dict[str, RelayOrbitFrame]
    epsilon_s: float
    moon_up: dict[str, Windows] = field(default_factory=dict)
    relay_to_station: dict[tuple[str, str], Windows] = field(default_factory=dict)

    @property
    def span_tt(self) -> tuple[float, float]:
        return (float(self.t.tt[0]), float(self.t.tt[-1]))

    def windows(self, holds: Callable[[Instants], np.ndarray]) -> Windows:
        """Find where a condition on the geometry holds over the span."""
        found, _, _ = find_windows(
            lambda times: holds(self.table.at(times.tt)),
            self.t,
            grid_holds=holds(self.grid),
            epsilon_s=self.epsilon_s,
        )
        return found


def _direct(link: model.Link, view: _SiteView, ctx: _Context) -> list[_Entry]:
    budgets = {g.name: HopBudget.of(link.from_site, g.antenna_diameter_m) for g in ctx.stations}
    per_station = {
        g.name: ctx.windows(lambda i, g=g: view.sees(station_me_km(i, g))[0]).intersection(
            ctx.moon_up[g.name]
        )
        for g in ctx.stations
    }

    def station_rate(g: GroundStation) -> Callable[[np.ndarray], np.ndarray]:
        return lambda tt: budgets[g.name].rate_bps(view.sees(station_me_km(ctx.table.at(tt), g))[1])

    def best_rate(tt: np.ndarray) -> np.ndarray:
        instants, rate = ctx.table.at(tt), np.zeros(tt.size)
        for g in ctx.stations:
            up = inside(per_station[g.name], tt)
            if up.any():
                distance = view.sees(station_me_km(instants, g))[1][up]
                rate[up] = np.maximum(rate[up], budgets[g.name].rate_bps(distance))
        return rate

    entries = [
        _Entry(link.name, "link", "best station in view",
               union(list(per_station.values()), ctx.span_tt), best_rate)
    ]  # fmt: skip
    entries += [
        _Entry(f"{link.name} / {g.name}", "station", g.name, per_station[g.name], station_rate(g))
        for g in ctx.stations
    ]
    return entries


def _relayed(link: model.Link, view: _SiteView, ctx: _Context) -> list[_Entry]:
    relay = ctx.relays[link.relay]
    up_budget = HopBudget.of(link.from_site)
    down_budgets = {
        g.name: HopBudget.of(link.relay_to_earth, g.antenna_diameter_m) for g in ctx.stations
    }
    leg = ctx.windows(lambda i: view.sees(i.to_me(i.relay_icrf_km(relay)))[0])
    to_earth = union(
        [ctx.relay_to_station[(relay.name, g.name)] for g in ctx.stations], ctx.span_tt
    )

    def leg_rate_at(instants: Instants) -> np.ndarray:
        return up_budget.rate_bps(view.sees(instants.to_me(instants.relay_icrf_km(relay)))[1])

    def through_rate(tt: np.ndarray) -> np.ndarray:
        instants = ctx.table.at(tt)
        relay_km = instants.relay_icrf_km(relay)
        down = np.zeros(tt.size)
        for g in ctx.stations:
            up = inside(ctx.relay_to_station[(relay.name, g.name)], tt)
            if up.any():
                distance = station_sees_relay(instants, g, relay_km)[1][up]
                down[up] = np.maximum(down[up], down_budgets[g.name].rate_bps(distance))
        return np.minimum(leg_rate_at(instants), down)

    return [
        _Entry(link.name, "link", relay.name, leg.intersection(to_earth), through_rate),
        _Entry(
            f"{link.name} / site to relay",
            "leg",
            relay.name,
            leg,
            lambda tt: leg_rate_at(ctx.table.at(tt)),
        ),
    ]


def links(
    sites: Sequence[SurfaceSite],
    t: Time,
    communications: Communications,
    ground_stations: Sequence,
    *,
    ephemeris: Ephemeris,
    progress: Callable[[str], None] | None = None,
    epsilon_s: float = 1.0,
) -> LinkResults:
    """Compute every site's links to Earth over the time grid ``t``.

    Parameters
    ----------
    sites : sequence of SurfaceSite
        Sites with their skylines (terrain-aware where the scenario has terrain).
    t : Time
        1-D increasing grid; its step is the shortest window that is sure to be found.
    communications : Communications
        The scenario's relays and links.
    ground_stations : sequence of scenario GroundStation
        Where the links end on Earth.
    ephemeris : Ephemeris
        From :func:`~moonbase.geometry.ephemeris.load_ephemeris`.
    progress : callable, optional
        Called with ``"links <site>"`` once each site is done.
    epsilon_s : float
        Precision of the window edges, s.
    """
    table = EarthMoonTable.build(t, ephemeris=ephemeris)
    grid_tt = np.asarray(t.tt, dtype=float)
    ctx = _Context(
        table,
        t,
        table.at(grid_tt),
        stations_of(ground_stations),
        {r.name: relay_frame(r, ephemeris=ephemeris) for r in communications.relays},
        epsilon_s,
    )
    # What does not depend on the site: the Moon above each station, the relay from it.
    for g in ctx.stations:
        ctx.moon_up[g.name] = ctx.windows(
            lambda i, g=g: moon_elevation_deg(i, g) > g.min_elevation_deg
        )
        for r in ctx.relays.values():
            ctx.relay_to_station[(r.name, g.name)] = ctx.windows(
                lambda i, g=g, r=r: station_sees_relay(i, g, i.relay_icrf_km(r))[0]
            )

    per_site: list[list[_Entry]] = []
    for site in sites:
        view = _SiteView(site)
        entries: list[_Entry] = []
        for link in communications.links:
            found = _direct(link, view, ctx) if link.relay is None else _relayed(link, view, ctx)
            entries += [entry.integrated(grid_tt) for entry in found]
        links_only = [e for e in entries if e.kind == "link"]
        entries.append(
            _Entry(
                ALL_LINKS,
                "all",
                "",
                union([e.windows for e in links_only], ctx.span_tt),
                volume_bit=np.array([sum(e.volume_bit.sum() for e in links_only)]),
            )
        )
        per_site.append(entries)
        if progress is not None:
            progress(f"links {site.name}")
    return _results(sites, per_site, grid_tt, ephemeris)


def _results(
    sites: Sequence[SurfaceSite],
    per_site: list[list[_Entry]],
    grid_tt: np.ndarray,
    ephemeris: Ephemeris,
) -> LinkResults:
    ts = ephemeris.ts
    names = [s.name for s in sites]
    link_names = [e.name for e in per_site[0]]
    kinds = [e.kind for e in per_site[0]]
    statistics = xr.Dataset(
        {
            key: (
                ("site", "link"),
                [[e.statistics()[key] for e in entries] for entries in per_site],
                {"units": STATISTICS_ATTRS[key][0], "long_name": STATISTICS_ATTRS[key][1]},
            )
            for key in STATISTICS_ATTRS
        },
        coords={"site": names, "link": link_names, "kind": ("link", kinds)},
    )
    statistics["mean_rate_mbit_s"] = statistics.mean_rate_mbit_s.where(statistics.kind != "all")
    main = [i for i, kind in enumerate(kinds) if kind == "link"]
    rates = np.array(
        [
            [
                np.where(inside(entries[i].windows, grid_tt), entries[i].rate(grid_tt), 0.0)
                for i in main
            ]
            for entries in per_site
        ],
        dtype=np.float32,
    )
    rate_series = xr.Dataset(
        {
            "rate_mbit_s": (
                ("site", "link", "time"),
                rates / np.float32(1e6),
                {"units": "Mbit s-1", "long_name": "data rate the link allows (0: no contact)"},
            )
        },
        coords={
            "site": names,
            "link": [link_names[i] for i in main],
            "time": utc_labels(ts.tt_jd(grid_tt)),
        },
    )
    contacts = pd.concat(
        [
            _contact_rows(site.name, e, ts)
            for site, entries in zip(sites, per_site, strict=True)
            for e in entries
            if e.kind != "all"
        ],
        ignore_index=True,
    )
    windows = {
        (site.name, e.name): e.windows
        for site, entries in zip(sites, per_site, strict=True)
        for e in entries
    }
    return LinkResults(statistics, rate_series, contacts, windows)


CONTACT_COLUMNS = [
    "site", "link", "via", "start_utc", "stop_utc", "duration_h", "mean_rate_mbit_s", "volume_gbit",
]  # fmt: skip


def _contact_rows(site: str, entry: _Entry, ts) -> pd.DataFrame:
    w = entry.windows
    if not len(w.starts_tt):
        return pd.DataFrame({c: [] for c in CONTACT_COLUMNS})
    duration_s = w.durations_days * 86_400.0
    return pd.DataFrame(
        {
            "site": site,
            "link": entry.name,
            "via": entry.via,
            "start_utc": utc_labels(ts.tt_jd(w.starts_tt)),
            "stop_utc": utc_labels(ts.tt_jd(w.stops_tt)),
            "duration_h": duration_s / 3600.0,
            "mean_rate_mbit_s": entry.volume_bit / np.maximum(duration_s, 1e-9) / 1e6,
            "volume_gbit": entry.volume_bit / 1e9,
        }
    )
