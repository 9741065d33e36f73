"""Environment of surface sites over a time grid: Sun and Earth in the sky, sunlight, events.

For each site the series gives where the Sun and Earth stand, how much of the solar
disc clears the skyline, the irradiance on a sun-tracking panel and whether the
Earth's centre is in view. Windows of sunlight (any part of the disc visible) and of
Earth in view are located to a second with :func:`~moonbase.environment.windows.find_windows`,
and the per-site statistics are taken from those windows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from skyfield.timelib import Time

from moonbase.constants import AU_KM, SOLAR_CONSTANT_W_M2
from moonbase.environment.horizon import Horizon
from moonbase.environment.windows import Windows, find_windows
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.sky import MoonCentredVectors, SkyPosition, SurfacePoint, moon_centred
from moonbase.geometry.times import utc_labels

#: Azimuths at which each site's skyline is tabulated in the results (for plots).
HORIZON_AZIMUTHS_DEG = np.arange(0.0, 360.0, 1.0)

SERIES_ATTRS: dict[str, tuple[str, str]] = {
    "sun_elevation_deg": ("deg", "elevation of the Sun's centre above the astronomical horizon"),
    "sun_azimuth_deg": ("deg", "azimuth of the Sun's centre, from north through east"),
    "sun_range_km": ("km", "distance from the site to the Sun's centre"),
    "solar_visible_fraction": ("1", "fraction of the solar disc above the site's skyline"),
    "solar_irradiance_w_m2": ("W m-2", "irradiance on a panel that tracks the Sun"),
    "earth_elevation_deg": ("deg", "elevation of the Earth's centre"),
    "earth_azimuth_deg": ("deg", "azimuth of the Earth's centre, from north through east"),
    "earth_range_km": ("km", "distance from the site to the Earth's centre"),
    "earth_in_view": ("1", "whether the Earth's centre is above the site's skyline"),
}

STATISTICS_ATTRS: dict[str, tuple[str, str]] = {
    "sunlit_fraction": ("1", "fraction of time some of the solar disc is visible"),
    "mean_solar_visible_fraction": ("1", "time mean of the visible fraction of the disc"),
    "longest_darkness_h": ("h", "longest stretch with none of the disc visible"),
    "earth_in_view_fraction": ("1", "fraction of time the Earth's centre is in view"),
    "sunlit_and_earth_fraction": ("1", "fraction of time both sunlit and Earth in view"),
    "mean_irradiance_w_m2": ("W m-2", "time mean irradiance on a sun-tracking panel"),
    "max_sun_elevation_deg": ("deg", "highest elevation of the Sun's centre"),
}


@dataclass(frozen=True)
class SurfaceSite:
    """A named surface point with its skyline."""

    name: str
    point: SurfacePoint
    horizon: Horizon


@dataclass(frozen=True, eq=False)
class SiteEnvironment:
    """One site's environment: its series, sunlit and Earth windows, and events."""

    series: xr.Dataset
    sunlit: Windows
    earth_in_view: Windows
    events: pd.DataFrame

    def statistics(self) -> dict[str, float]:
        """Return the site's summary statistics (see ``STATISTICS_ATTRS``)."""
        darkness = self.sunlit.complement()
        return {
            "sunlit_fraction": self.sunlit.fraction(),
            "mean_solar_visible_fraction": float(self.series.solar_visible_fraction.mean()),
            "longest_darkness_h": darkness.longest_days() * 24.0,
            "earth_in_view_fraction": self.earth_in_view.fraction(),
            "sunlit_and_earth_fraction": self.sunlit.intersection(self.earth_in_view).fraction(),
            "mean_irradiance_w_m2": float(self.series.solar_irradiance_w_m2.mean()),
            "max_sun_elevation_deg": float(self.series.sun_elevation_deg.max()),
        }


def solar_visible_fraction(sun: SkyPosition, horizon: Horizon) -> np.ndarray:
    """Return the fraction of the solar disc above ``horizon``."""
    elevation_deg, azimuth_deg, _ = sun.altaz()
    return horizon.disc_visible_fraction(elevation_deg, azimuth_deg, sun.angular_radius_deg)


def solar_irradiance_w_m2(sun: SkyPosition, visible_fraction: np.ndarray) -> np.ndarray:
    """Return the irradiance on a sun-tracking panel, W/m2, scaled by Sun distance."""
    return SOLAR_CONSTANT_W_M2 * (AU_KM / sun.range_km) ** 2 * visible_fraction


def site_environment(
    site: SurfaceSite,
    t: Time,
    *,
    ephemeris: Ephemeris,
    sun: MoonCentredVectors | None = None,
    earth: MoonCentredVectors | None = None,
    labels: np.ndarray | None = None,
    epsilon_s: float = 1.0,
) -> SiteEnvironment:
    """Compute one site's environment on the time grid ``t`` (1-D, increasing).

    ``sun``, ``earth`` and ``labels`` (UTC datetime64 of ``t``) may carry what several
    sites share (see :func:`environment`).
    """
    sun = sun if sun is not None else moon_centred("sun", t, ephemeris=ephemeris)
    earth = earth if earth is not None else moon_centred("earth", t, ephemeris=ephemeris)
    sun_sky, earth_sky = sun.seen_from(site.point), earth.seen_from(site.point)
    sun_el, sun_az, sun_range = sun_sky.altaz()
    earth_el, earth_az, earth_range = earth_sky.altaz()
    visible = solar_visible_fraction(sun_sky, site.horizon)
    earth_up = site.horizon.is_above(earth_el, earth_az)

    def sun_visible(times: Time) -> np.ndarray:
        sky = moon_centred("sun", times, ephemeris=ephemeris).seen_from(site.point)
        return solar_visible_fraction(sky, site.horizon) > 0.0

    def earth_visible(times: Time) -> np.ndarray:
        sky = moon_centred("earth", times, ephemeris=ephemeris).seen_from(site.point)
        return site.horizon.is_above(*sky.altaz()[:2])

    sunlit, sun_edges, sun_rises = find_windows(
        sun_visible, t, grid_holds=visible > 0.0, epsilon_s=epsilon_s
    )
    earth_windows, earth_edges, earth_rises = find_windows(
        earth_visible, t, grid_holds=earth_up, epsilon_s=epsilon_s
    )

    labels = utc_labels(t) if labels is None else labels
    data = {
        "sun_elevation_deg": sun_el,
        "sun_azimuth_deg": sun_az,
        "sun_range_km": sun_range,
        "solar_visible_fraction": visible,
        "solar_irradiance_w_m2": solar_irradiance_w_m2(sun_sky, visible),
        "earth_elevation_deg": earth_el,
        "earth_azimuth_deg": earth_az,
        "earth_range_km": earth_range,
        "earth_in_view": earth_up,
    }
    series = xr.Dataset(
        {
            name: (
                "time",
                values,
                {"units": SERIES_ATTRS[name][0], "long_name": SERIES_ATTRS[name][1]},
            )
            for name, values in data.items()
        },
        coords={"time": labels},
    )
    events = _events_table(
        site.name,
        ephemeris,
        (sun_edges, sun_rises, "sunrise", "sunset"),
        (earth_edges, earth_rises, "earthrise", "earthset"),
    )
    return SiteEnvironment(series, sunlit, earth_windows, events)


def _events_table(site_name: str, ephemeris: Ephemeris, *kinds) -> pd.DataFrame:
    frames = []
    for edges_tt, rises, rise_name, set_name in kinds:
        if len(edges_tt):
            frames.append(
                pd.DataFrame(
                    {
                        "site": site_name,
                        "time_utc": utc_labels(ephemeris.ts.tt_jd(edges_tt)),
                        "event": np.where(rises, rise_name, set_name),
                    }
                )
            )
    if not frames:
        return pd.DataFrame({"site": [], "time_utc": np.array([], "datetime64[ns]"), "event": []})
    return pd.concat(frames).sort_values("time_utc", kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Environment:
    """The environment of every site: series ``(site, time)``, statistics, events."""

    series: xr.Dataset
    statistics: xr.Dataset
    events: pd.DataFrame


def environment(
    sites: Sequence[SurfaceSite],
    t: Time,
    *,
    ephemeris: Ephemeris,
    progress: Callable[[str], None] | None = None,
) -> Environment:
    """Compute the environment of several sites on one time grid.

    The Moon-centred Sun and Earth vectors are computed once and shared.

    Parameters
    ----------
    sites : sequence of SurfaceSite
        Sites with distinct names.
    t : Time
        1-D increasing time grid.
    ephemeris : Ephemeris
        From :func:`~moonbase.geometry.ephemeris.load_ephemeris`.
    progress : callable, optional
        Called with each site's name once that site is done.
    """
    sun = moon_centred("sun", t, ephemeris=ephemeris)
    earth = moon_centred("earth", t, ephemeris=ephemeris)
    labels = utc_labels(t)
    per_site, rows, events = [], [], []
    for site in sites:
        result = site_environment(site, t, ephemeris=ephemeris, sun=sun, earth=earth, labels=labels)
        horizon = site.horizon.elevation_at(HORIZON_AZIMUTHS_DEG)
        per_site.append(
            result.series.assign(
                horizon_elevation_deg=(
                    "azimuth_deg",
                    horizon,
                    {"units": "deg", "long_name": "skyline elevation by azimuth"},
                )
            )
        )
        rows.append(result.statistics())
        events.append(result.events)
        if progress is not None:
            progress(site.name)

    names = [site.name for site in sites]
    site_coords = {
        "lat_deg": ("site", [s.point.lat_deg for s in sites], {"units": "deg"}),
        "lon_deg": ("site", [s.point.lon_deg for s in sites], {"units": "deg"}),
        "height_m": ("site", [s.point.height_m for s in sites], {"units": "m"}),
    }
    series = xr.concat(per_site, dim=pd.Index(names, name="site"))
    series = series.assign_coords(azimuth_deg=HORIZON_AZIMUTHS_DEG, **site_coords)
    series.azimuth_deg.attrs.update(units="deg", long_name="azimuth from north through east")
    series.attrs["frame"] = "MOON_ME_DE421"
    series.attrs["ephemeris"] = "JPL DE421"
    statistics = xr.Dataset(
        {
            name: (
                "site",
                [row[name] for row in rows],
                {"units": STATISTICS_ATTRS[name][0], "long_name": STATISTICS_ATTRS[name][1]},
            )
            for name in STATISTICS_ATTRS
        },
        coords={"site": names, **site_coords},
    )
    return Environment(series, statistics, pd.concat(events, ignore_index=True))
