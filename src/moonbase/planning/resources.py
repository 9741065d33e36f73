"""What the station offers its science programme at one site: power, downlink, mass.

:func:`station_resources` is the one place that turns earlier results into the budgets
the portfolio and the schedule consume:

- science power: with the systems power results, the power the station generates but
  can neither use nor store (``curtailed_w``: after its own loads, heaters and charging),
  so science never draws on what the station needs to survive; without them, the
  scenario's declared allocation (``programme.resources``) scaled by the visible
  fraction of the solar disc;
- downlink: with the links results, the sum of the links' data rates (each link its
  own terminal); without them, the declared direct-to-Earth rate while the Earth is
  in view;
- mass: each mission's payload less the station modules it delivers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.scenario import Scenario

MB_PER_MBIT = 1.0 / 8.0
POWER_FROM_SIMULATION = "power: the power simulation's surplus (generated, neither used nor stored)"
POWER_DECLARED = "power: the declared science allocation (programme.resources) scaled by sunlight"
DOWNLINK_DECLARED = "; downlink: the declared direct-to-Earth rate while the Earth is in view"
DOWNLINK_FROM_LINKS = "; downlink: the links' data rates (link budgets over contact windows)"


@dataclass(frozen=True, eq=False)
class StationResources:
    """The science budgets of the station at one site, over the scenario span.

    Series are sampled at ``time`` (UTC); each value holds over the step after it.

    Attributes
    ----------
    site : str
    time : datetime64 array
    sunlit, earth_in_view : bool arrays
        Some of the solar disc visible; the Earth's centre in view.
    science_power_w : float array
        Power the science programme may draw after the station's own loads, W.
    downlink_rate_mbit_s : float array
        Data rate available for science data to Earth, Mbit/s.
    storage_mb : float
        On-board store for data waiting for a downlink, MB.
    supervised_h_per_day : float
        Hours of supervised (teleoperated) operations the ground team runs per day.
    shadow_distance_km : float or None
        Distance from the site to the nearest permanently shadowed area (None: no
        terrain maps, so unknown).
    mission_mass_kg : dict
        Mass each mission can land for instruments, after the modules it delivers, kg.
    basis : str
        Where the power and downlink figures come from.
    """

    site: str
    time: np.ndarray
    sunlit: np.ndarray
    earth_in_view: np.ndarray
    science_power_w: np.ndarray
    downlink_rate_mbit_s: np.ndarray
    storage_mb: float
    supervised_h_per_day: float
    shadow_distance_km: float | None
    mission_mass_kg: dict[str, float]
    basis: str

    @property
    def step_h(self) -> np.ndarray:
        """Length of the step after each sample, h (the last repeats the one before)."""
        steps = np.diff(self.time).astype("timedelta64[s]").astype(float) / 3600.0
        return np.append(steps, steps[-1] if len(steps) else 1.0)

    @property
    def day(self) -> np.ndarray:
        """The UTC day of each sample (datetime64[D])."""
        return self.time.astype("datetime64[D]")

    def days(self) -> np.ndarray:
        """The distinct UTC days of the span, in order."""
        return np.unique(self.day)

    def daily(self) -> pd.DataFrame:
        """Per-day totals: science energy (Wh), peak science power (W), downlink (MB)."""
        step = self.step_h
        frame = pd.DataFrame(
            {
                "day": self.day,
                "science_energy_wh": self.science_power_w * step,
                "peak_science_power_w": self.science_power_w,
                "downlink_mb": self.downlink_rate_mbit_s * step * 3600.0 * MB_PER_MBIT,
            }
        )
        return frame.groupby("day").agg(
            science_energy_wh=("science_energy_wh", "sum"),
            peak_science_power_w=("peak_science_power_w", "max"),
            downlink_mb=("downlink_mb", "sum"),
        )

    def mean_daily(self) -> dict[str, float]:
        """Mean science energy (Wh/day) and downlink (MB/day) over the span, and the
        supervised hours per day: the long-run budgets the portfolio shares out."""
        hours = float(self.step_h.sum())
        per_day = 24.0 / hours
        return {
            "energy_wh_per_day": float((self.science_power_w * self.step_h).sum()) * per_day,
            "downlink_mb_per_day": float(
                (self.downlink_rate_mbit_s * self.step_h).sum() * 3600.0 * MB_PER_MBIT
            )
            * per_day,
            "supervised_h_per_day": self.supervised_h_per_day,
        }


def mission_mass_kg(scenario: Scenario) -> dict[str, float]:
    """Return the mass each mission lands for instruments: its payload less the station
    modules it delivers (never below zero; the campaign check reports overloads)."""
    module_mass = {m.name: m.mass_kg for m in scenario.station.modules}
    return {
        m.name: max(0.0, m.payload_mass_kg - sum(module_mass[n] for n in m.modules))
        for m in scenario.programme.missions
    }


def _science_power_w(
    scenario: Scenario, series: xr.Dataset, power: xr.Dataset | None
) -> np.ndarray:
    if power is not None:
        # What the station can neither use nor store: science takes nothing it needs.
        return np.maximum(power.curtailed_w.values, 0.0)
    # The declared allocation, scaled between the dark and the sunlit value by how much
    # of the solar disc is visible (a solar station's surplus follows its arrays).
    budget = scenario.programme.resources
    visible = series.solar_visible_fraction.values
    return budget.science_power_dark_w + (
        budget.science_power_sunlit_w - budget.science_power_dark_w
    ) * np.clip(visible, 0.0, 1.0)


def _downlink_rate_mbit_s(
    scenario: Scenario, series: xr.Dataset, links: xr.Dataset | None
) -> np.ndarray:
    if links is not None:
        # The links' rates (0 out of contact), summed: each link is its own terminal.
        return links.rate_mbit_s.sum(dim="link").values.astype(float)
    # Direct to Earth at the declared rate while the Earth's centre is in view.
    rate = scenario.programme.resources.downlink_rate_mbit_s
    return np.where(series.earth_in_view.values.astype(bool), rate, 0.0)


def station_resources(
    scenario: Scenario,
    series: xr.Dataset,
    site: str,
    suitability: pd.DataFrame | None = None,
    power: xr.Dataset | None = None,
    links: xr.Dataset | None = None,
) -> StationResources:
    """Derive the station's science budgets at ``site``.

    Parameters
    ----------
    scenario : Scenario
        With a ``programme`` section.
    series : xarray.Dataset
        The environment series ``(site, time)`` (``Results.environment.series``).
    site : str
        One of the series' sites.
    suitability : pandas.DataFrame, optional
        The terrain suitability table (``Results.terrain.suitability``): gives the
        distance to the nearest permanently shadowed area.
    power : xarray.Dataset, optional
        The power simulation's series ``(site, time)`` (``Results.power.series``), on
        the same time grid; without it the declared science power budget is used.
    links : xarray.Dataset, optional
        The links' rate series ``rate_mbit_s (site, link, time)`` on the same grid;
        without it the declared direct-to-Earth rate is used while the Earth is in view.
    """
    # Each sample stands for the step after it; the last one's step lies past the span.
    one = series.sel(site=site).isel(time=slice(0, -1))
    if power is not None:
        power = power.sel(site=site).isel(time=slice(0, -1))
    if links is not None:
        links = links.sel(site=site).isel(time=slice(0, -1))
    shadow_km = None
    if suitability is not None and site in set(suitability.site):
        row = suitability.set_index("site").loc[site]
        shadow_km = 0.0 if bool(row.permanent_shadow) else float(row.distance_to_shadow_km)
    budget = scenario.programme.resources
    return StationResources(
        site=site,
        time=one.time.values,
        sunlit=one.solar_visible_fraction.values > 0.0,
        earth_in_view=one.earth_in_view.values.astype(bool),
        science_power_w=_science_power_w(scenario, one, power),
        downlink_rate_mbit_s=_downlink_rate_mbit_s(scenario, one, links),
        storage_mb=budget.storage_mb,
        supervised_h_per_day=budget.supervised_h_per_day,
        shadow_distance_km=shadow_km,
        mission_mass_kg=mission_mass_kg(scenario),
        basis=(POWER_FROM_SIMULATION if power is not None else POWER_DECLARED)
        + (DOWNLINK_FROM_LINKS if links is not None else DOWNLINK_DECLARED),
    )


def need_mask(station: StationResources, light: str, earth_in_view: bool) -> np.ndarray:
    """Return, per sample, whether an operation's light and Earth needs hold."""
    mask = np.ones(len(station.time), dtype=bool)
    if light == "daylight":
        mask &= station.sunlit
    elif light == "darkness":
        mask &= ~station.sunlit
    if earth_in_view:
        mask &= station.earth_in_view
    return mask


def daily_longest_run(
    station: StationResources, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return, for each day of the span, the longest stretch (h) within the day in which
    ``mask`` holds and the hour of the day it starts, with the days themselves."""
    days = station.days()
    day_index = np.searchsorted(days, station.day)
    step = station.step_h
    hours = (station.time - station.day.astype(station.time.dtype)).astype("timedelta64[s]").astype(
        float
    ) / 3600.0
    longest = np.zeros(len(days))
    start = np.zeros(len(days))
    run, run_start, previous_day = 0.0, 0.0, -1
    for i in range(len(mask)):  # one pass; a run ends at a gap or at midnight
        d = day_index[i]
        if d != previous_day or not mask[i]:
            run = 0.0
        if mask[i]:
            if run == 0.0:
                run_start = hours[i]
            run += step[i]
            if run > longest[d]:
                longest[d], start[d] = run, run_start
        previous_day = d
    return days, longest, start
