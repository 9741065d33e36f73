"""The scenario's one-way flow through the stages, one call per stage.

``run(scenario)`` is what the command line (and later the web service) calls; it
knows no adapter: it returns labelled results and reports progress through a
callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from affine import Affine
from skyfield.timelib import Time

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import Environment, SurfaceSite, environment
from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris
from moonbase.geometry.sky import SurfacePoint
from moonbase.geometry.times import time_grid
from moonbase.scenario import Scenario, Site
from moonbase.terrain.dem import Dem
from moonbase.terrain.horizon import horizon_map
from moonbase.terrain.horizon import site_horizon as terrain_site_horizon
from moonbase.terrain.illumination import illumination_map
from moonbase.terrain.surface import slope_and_roughness, suitability_table
from moonbase.terrain.window import cut_far_field, cut_window, window_crs


@dataclass(frozen=True, eq=False)
class TerrainMaps:
    """Regional terrain results around the sites."""

    dem: Dem
    maps: xr.Dataset  # illumination, Earth visibility, slope, roughness (y, x)
    suitability: pd.DataFrame


@dataclass(frozen=True, eq=False)
class Results:
    """Everything a run produced, stage by stage."""

    scenario: Scenario
    environment: Environment
    terrain: TerrainMaps | None = None


def site_horizon(site: Site, terrain: Horizon | None = None) -> Horizon:
    """Return a site's skyline, raised by its mask where that is higher.

    Without terrain: the bare sphere through the site's ground, seen from height_m.
    With terrain: the terrain skyline over the reference sphere's geometric horizon.
    """
    mask = site.horizon_mask
    if terrain is None:
        horizon = Horizon.smooth_sphere(site.height_m, radius_m=MOON_RADIUS_M + site.elevation_m)
    else:
        horizon = Horizon(terrain.floor_deg)
    if mask is not None and mask.constant_deg is not None:
        horizon = Horizon(max(horizon.floor_deg, mask.constant_deg))
    tables = []
    if mask is not None and mask.azimuth_deg is not None:
        tables.append(Horizon(-90.0, np.array(mask.azimuth_deg), np.array(mask.elevation_deg)))
    if terrain is not None:
        tables.append(terrain)
    if not tables:
        return horizon
    azimuths = np.unique(np.concatenate([t.azimuth_deg for t in tables]))
    skyline = np.max([t.elevation_at(azimuths) for t in tables], axis=0)
    return horizon.with_table(azimuths, skyline)


#: Reads the part of the scenario's DEM around a point: (lat_deg, lon_deg, size_m) -> Dem.
TerrainReader = Callable[[float, float, float], Dem]


def terrain_region(scenario: Scenario) -> tuple[float, float, float]:
    """Return the centre (lat_deg, lon_deg) and side (m) of the square that holds every
    site with radius_km of terrain around it in every direction."""
    lats = np.array([s.lat_deg for s in scenario.sites])
    lons = np.array([s.lon_deg for s in scenario.sites])
    probe = Dem(
        np.zeros((1, 1)), Affine.identity(), window_crs(float(lats.mean()), float(lons.mean()))
    )
    xs, ys = probe.from_lonlat(lons, lats)
    centre_lon, centre_lat = probe.to_lonlat((xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2)
    size_m = float(max(xs.max() - xs.min(), ys.max() - ys.min())) + 2e3 * scenario.terrain.radius_km
    return float(centre_lat), float(centre_lon), size_m


def _far_field(scenario: Scenario, far_source: Dem | None, window: Dem) -> Dem | None:
    if far_source is None:
        return None
    return cut_far_field(far_source, window, reach_m=scenario.terrain.far_field_km * 1000.0)


def terrain_skylines(
    scenario: Scenario,
    source: Dem,
    progress: Callable[[str], None] | None = None,
    far_source: Dem | None = None,
) -> dict[str, Horizon]:
    """Return each site's terrain skyline, searched to radius_km, from ``source`` (which
    covers :func:`terrain_region`), and on through ``far_source`` when given."""
    terrain = scenario.terrain
    size_m = 2.0 * terrain.radius_km * 1000.0
    skylines = {}
    for site in scenario.sites:
        window = cut_window(
            source,
            center_lat_deg=site.lat_deg,
            center_lon_deg=site.lon_deg,
            size_m=size_m,
            resolution_m=terrain.resolution_m,
        )
        skylines[site.name] = terrain_site_horizon(
            window,
            site.lat_deg,
            site.lon_deg,
            azimuths=terrain.azimuths,
            height_m=site.height_m,
            far_field=_far_field(scenario, far_source, window),
        )
        if progress is not None:
            progress(f"skyline {site.name}")
    return skylines


#: The regional map is at most this many pixels across; coarser pixels beyond.
MAX_MAP_PIXELS = 800


def terrain_maps(
    scenario: Scenario, source: Dem, t: Time, ephemeris: Ephemeris, far_source: Dem | None = None
) -> TerrainMaps:
    """Map the region around the sites: illumination over the span, slope, suitability."""
    terrain = scenario.terrain
    centre_lat, centre_lon, size_m = terrain_region(scenario)
    dem = cut_window(
        source,
        center_lat_deg=centre_lat,
        center_lon_deg=centre_lon,
        size_m=size_m,
        resolution_m=max(terrain.resolution_m, size_m / MAX_MAP_PIXELS),
    )
    horizons = horizon_map(
        dem,
        azimuths=terrain.azimuths,
        height_m=float(np.mean([s.height_m for s in scenario.sites])),
        far_field=_far_field(scenario, far_source, dem),
    )
    maps = illumination_map(dem, horizons, t, ephemeris=ephemeris)
    surface = slope_and_roughness(dem)
    table = suitability_table(
        dem, maps, surface, [(s.name, s.lat_deg, s.lon_deg) for s in scenario.sites]
    )
    return TerrainMaps(dem, xr.merge([maps, surface]), table)


def surface_sites(
    scenario: Scenario, skylines: dict[str, Horizon] | None = None
) -> list[SurfaceSite]:
    """Return the scenario's candidate sites as points with skylines."""
    skylines = skylines or {}
    return [
        SurfaceSite(
            site.name,
            SurfacePoint(site.lat_deg, site.lon_deg, site.elevation_m, site.height_m),
            site_horizon(site, skylines.get(site.name)),
        )
        for site in scenario.sites
    ]


def run(
    scenario: Scenario,
    *,
    ephemeris: Ephemeris | None = None,
    progress: Callable[[str], None] | None = None,
    read_terrain: TerrainReader | None = None,
    read_far_terrain: TerrainReader | None = None,
) -> Results:
    """Run every stage of the scenario and return the results.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    ephemeris : Ephemeris, optional
        Defaults to the packaged DE421 and lunar kernels.
    progress : callable, optional
        Called with a short label each time a unit of work (a site) is done.
    read_terrain : callable, optional
        Reads the scenario's DEM around a point; needed when the scenario has terrain
        (the command line passes :func:`moonbase.io.dem_readers.terrain_reader`).
    read_far_terrain : callable, optional
        Reads the scenario's far-field DEM the same way; needed when it has one.
    """
    ephemeris = ephemeris or load_ephemeris()
    t, _ = time_grid(ephemeris.ts, scenario.span.start, scenario.span.stop, scenario.span.step)
    skylines, maps = None, None
    if scenario.terrain is not None:
        if read_terrain is None:
            raise ValueError("the scenario has terrain: pass read_terrain to read its DEM")
        # The DEM is read once, for the region every site's window and the map lie in.
        region = terrain_region(scenario)
        source = read_terrain(*region)
        far_source = None
        if scenario.terrain.far_field_dem is not None:
            if read_far_terrain is None:
                raise ValueError("the scenario has a far field: pass read_far_terrain")
            lat, lon, size_m = region
            far_source = read_far_terrain(lat, lon, size_m + 2e3 * scenario.terrain.far_field_km)
        skylines = terrain_skylines(scenario, source, progress, far_source)
        if scenario.terrain.maps:
            maps = terrain_maps(scenario, source, t, ephemeris, far_source)
            if progress is not None:
                progress("terrain maps")
    env = environment(surface_sites(scenario, skylines), t, ephemeris=ephemeris, progress=progress)
    return Results(scenario, env, maps)


def work_units(scenario: Scenario) -> int:
    """Return how many times :func:`run` will call ``progress``."""
    sites = len(scenario.sites)
    terrain = scenario.terrain
    if terrain is None:
        return sites
    return 2 * sites + (1 if terrain.maps else 0)
