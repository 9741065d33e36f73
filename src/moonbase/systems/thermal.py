"""The thermal stage: each site's regolith temperatures from its own sky, and the
station modules' heat balance there.

A site's regolith is driven by the solar flux it absorbs along its environment series
(terrain-aware when the site has a terrain skyline). The state at the start of the
span is the periodic state of the :data:`SPIN_UP_LUNATIONS` lunations before it
(their Sun computed here, on the same skyline), cycled until it repeats: so the
first hours of the span are as settled as the last, whatever the span's length.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.constants import EPHEMERIS_START_UTC, SYNODIC_MONTH_D
from moonbase.environment.site_environment import SurfaceSite, solar_visible_fraction
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.sky import moon_centred
from moonbase.geometry.times import time_grid
from moonbase.scenario.station import Module
from moonbase.scenario.thermal import ThermalSettings
from moonbase.systems.module_thermal import module_thermal, radiator_loads
from moonbase.systems.regolith import (
    DEFAULT_DEPTHS_M,
    RegolithModel,
    RegolithParameters,
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


@dataclass(frozen=True, eq=False)
class ThermalResults:
    """The thermal stage's results for every site.

    Attributes
    ----------
    regolith : xarray.Dataset
        ``surface_temperature_k (site, time)``, ``temperature_k (site, time, depth_m)``,
        ``absorbed_flux_w_m2 (site, time)``.
    deficit : xarray.Dataset
        ``thermal_deficit_w (site, module, time)``: heat each station module (in station
        order; 0 without a thermal block) must be supplied to stay at its survival
        limit. The power simulation's heater power is ``max(0, deficit - dissipation)``.
    sites : pandas.DataFrame
        Per site: coldest, hottest and mean surface temperature and when.
    modules : pandas.DataFrame
        Per site and module with a thermal block: hottest equilibrium against the
        limit, radiator area needed, coldest survival equilibrium, heater power and
        energy per lunar day (see :data:`~moonbase.systems.module_thermal.SUMMARY_UNITS`).
    """

    regolith: xr.Dataset
    deficit: xr.Dataset
    sites: pd.DataFrame
    modules: pd.DataFrame

    def site_deficit_w(self, site: str) -> np.ndarray:
        """Return ``thermal_deficit_w`` of one site as a (module, time) array."""
        return self.deficit.thermal_deficit_w.sel(site=site).values


def thermal_options(settings: ThermalSettings | None) -> dict:
    """Return the keyword arguments of :func:`thermal` a scenario's section asks for."""
    settings = settings or ThermalSettings()
    params = RegolithParameters(
        albedo=settings.albedo, e_folding_depth_m=settings.e_folding_depth_m
    )
    return {
        "model": RegolithModel(params),
        "slopes": {s.site: (s.slope_deg, s.aspect_deg) for s in settings.slopes},
        "depths_m": tuple(settings.depths_m),
        "radiator_turndown": settings.radiator_turndown,
    }


def thermal(
    sites: Sequence[SurfaceSite],
    series: xr.Dataset,
    modules: Sequence[Module],
    *,
    ephemeris: Ephemeris,
    model: RegolithModel | None = None,
    slopes: dict[str, tuple[float, float]] | None = None,
    depths_m: Sequence[float] = DEFAULT_DEPTHS_M,
    radiator_turndown: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> ThermalResults:
    """Run the regolith model and the modules' balance at every site.

    Parameters
    ----------
    sites : sequence of SurfaceSite
        The sites the environment ``series`` was computed for (same names).
    series : xarray.Dataset
        The environment series ``(site, time)``.
    modules : sequence of Module
        The station's modules.
    ephemeris : Ephemeris
    model : RegolithModel, optional
    slopes : mapping of site name to (slope_deg, aspect_deg), optional
        Local surface tilt; flat where not given.
    depths_m : sequence of float
    radiator_turndown : float
        Share of the radiators' exchange left on a cold module (1: fixed radiators).
    progress : callable, optional
        Called with each site's name once it is done.
    """
    model = model or RegolithModel()
    slopes = slopes or {}
    regoliths, deficits, rows, tables = [], [], [], []
    for site in sites:
        one = series.sel(site=site.name)
        slope_deg, aspect_deg = slopes.get(site.name, (0.0, 0.0))
        regolith = site_regolith(
            site,
            one,
            ephemeris=ephemeris,
            model=model,
            slope_deg=slope_deg,
            aspect_deg=aspect_deg,
            depths_m=depths_m,
        )
        loads = radiator_loads(one, regolith.surface_temperature_k.values, model.params)
        deficit, table = module_thermal(modules, loads, radiator_turndown=radiator_turndown)
        regoliths.append(regolith)
        deficits.append(deficit)
        tables.append(table.assign(site=site.name))
        surface = regolith.surface_temperature_k
        rows.append(
            {
                "site": site.name,
                **span_summary(regolith),
                "surface_max_time_utc": surface.time.values[int(np.argmax(surface.values))],
                "surface_min_time_utc": surface.time.values[int(np.argmin(surface.values))],
                "spin_up_cycles": int(regolith.attrs["spin_up_cycles"]),
            }
        )
        if progress is not None:
            progress(f"thermal {site.name}")
    names = pd.Index([site.name for site in sites], name="site")
    regolith = xr.concat(regoliths, dim=names, combine_attrs="drop_conflicts")
    module_table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not module_table.empty:
        module_table = module_table[["site", *[c for c in module_table if c != "site"]]]
    return ThermalResults(
        regolith=regolith,
        deficit=xr.concat(deficits, dim=names),
        sites=pd.DataFrame(rows),
        modules=module_table,
    )
