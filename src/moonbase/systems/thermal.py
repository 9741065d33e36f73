"""The thermal stage: each site's regolith temperatures from its own sky.

A site's regolith is driven by the solar flux it absorbs along its environment series
(terrain-aware when the site has a terrain skyline). The state at the start of the
span is the periodic state of the :data:`SPIN_UP_LUNATIONS` lunations before it
(their Sun computed here, on the same skyline), cycled until it repeats: so the
first hours of the span are as settled as the last, whatever the span's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd
import xarray as xr

from moonbase.constants import EPHEMERIS_START_UTC, SYNODIC_MONTH_D
from moonbase.environment.site_environment import SurfaceSite, solar_visible_fraction
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.sky import moon_centred
from moonbase.geometry.times import time_grid
from moonbase.systems.regolith import (
    DEFAULT_DEPTHS_M,
    RegolithModel,
    absorbed_flux_from_series,
    regolith_temperature,
)

#: Spin-up window before the span: twelve lunations (one season-cycle at the poles,
#: where the Sun's selenographic latitude swings +-1.5 deg over ~347 days), starting
#: and ending at the same lunar phase so that cycling it joins day to day.
SPIN_UP_LUNATIONS = 12
#: Sampling of the spin-up window's Sun (the model sub-steps between samples).
SPIN_UP_STEP = timedelta(hours=2)


def sun_series(site: SurfaceSite, t, *, ephemeris: Ephemeris) -> xr.Dataset:
    """Return the Sun's elevation, azimuth, range and visible disc fraction at ``site``.

    The variables of the environment series that drive the regolith (same names and
    units), on the time grid ``t`` (a skyfield ``Time``).
    """
    sky = moon_centred("sun", t, ephemeris=ephemeris).seen_from(site.point)
    elevation_deg, azimuth_deg, range_km = sky.altaz()
    return xr.Dataset(
        {
            "sun_elevation_deg": ("time", elevation_deg, {"units": "deg"}),
            "sun_azimuth_deg": ("time", azimuth_deg, {"units": "deg"}),
            "sun_range_km": ("time", range_km, {"units": "km"}),
            "solar_visible_fraction": ("time", solar_visible_fraction(sky, site.horizon)),
        }
    )


def spin_up_sun(site: SurfaceSite, start: datetime, *, ephemeris: Ephemeris) -> xr.Dataset | None:
    """Return the Sun at ``site`` over the spin-up window that ends at ``start``.

    None when the ephemeris does not reach a lunation back (spans starting in 1900).
    """
    start = start.astimezone(UTC)
    first = max(start - timedelta(days=SPIN_UP_LUNATIONS * SYNODIC_MONTH_D), EPHEMERIS_START_UTC)
    if start - first < timedelta(days=SYNODIC_MONTH_D):
        return None
    count = int((start - first) / SPIN_UP_STEP)
    t, labels = time_grid(ephemeris.ts, start - count * SPIN_UP_STEP, start, SPIN_UP_STEP)
    return sun_series(site, t, ephemeris=ephemeris).assign_coords(time=labels)


def site_regolith(
    site: SurfaceSite,
    series: xr.Dataset,
    *,
    ephemeris: Ephemeris,
    model: RegolithModel | None = None,
    slope_deg: float = 0.0,
    aspect_deg: float = 0.0,
    depths_m: Sequence[float] = DEFAULT_DEPTHS_M,
) -> xr.Dataset:
    """Return one site's regolith temperatures along its environment ``series``.

    Parameters
    ----------
    site : SurfaceSite
        The point and the skyline the series was computed with (used again for the
        spin-up window before the span).
    series : xarray.Dataset
        The site's series over ``time``: ``sun_elevation_deg``, ``sun_azimuth_deg``,
        ``sun_range_km`` and ``solar_visible_fraction``.
    ephemeris : Ephemeris
    model : RegolithModel, optional
        Hayne et al. 2017 defaults.
    slope_deg, aspect_deg : float
        Local surface tilt and the azimuth its downhill side faces; flat by default.
    depths_m : sequence of float
        Depths to report, m.
    """
    model = model or RegolithModel()
    flux = absorbed_flux_from_series(
        series, params=model.params, slope_deg=slope_deg, aspect_deg=aspect_deg
    )
    start = pd.Timestamp(series.time.values[0]).to_pydatetime().replace(tzinfo=UTC)
    before = spin_up_sun(site, start, ephemeris=ephemeris)
    spin = {}
    if before is not None:
        spin = {
            "spin_up_time": before.time.values,
            "spin_up_flux_w_m2": absorbed_flux_from_series(
                before, params=model.params, slope_deg=slope_deg, aspect_deg=aspect_deg
            ),
        }
    result = regolith_temperature(series.time.values, flux, model=model, depths_m=depths_m, **spin)
    return result.assign_attrs(
        spin_up_window=(
            f"{SPIN_UP_LUNATIONS} lunations before the span" if spin else "the span itself"
        ),
        slope_deg=slope_deg,
        aspect_deg=aspect_deg,
    )


def span_summary(regolith: xr.Dataset) -> dict[str, float]:
    """Return the surface's hottest, coldest and mean temperature over the span, K."""
    surface = regolith.surface_temperature_k
    return {
        "surface_max_k": float(surface.max()),
        "surface_min_k": float(surface.min()),
        "surface_mean_k": float(surface.mean()),
    }
