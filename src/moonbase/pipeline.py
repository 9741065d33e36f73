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
from moonbase.environment.site_environment import (
    Environment,
    SurfaceSite,
    environment,
    solar_visible_fraction,
)
from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris
from moonbase.geometry.sky import SurfacePoint, moon_centred
from moonbase.geometry.times import time_grid
from moonbase.planning.campaign import WhatIf
from moonbase.planning.programme import ProgrammeResults, plan_programme
from moonbase.scenario import Scenario, Site
from moonbase.systems.communications import LinkResults, links
from moonbase.systems.power import PowerResults, simulate_power
from moonbase.systems.thermal import ThermalResults, thermal, thermal_options
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
    power: PowerResults | None = None
    thermal: ThermalResults | None = None
    links: LinkResults | None = None
    programme: ProgrammeResults | None = None


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


@dataclass(frozen=True, eq=False)
class TerrainSource:
    """The scenario's DEM read around every site, and its far-field DEM when it has one."""

    near: Dem
    far: Dem | None = None

    def far_field(self, window: Dem, reach_km: float) -> Dem | None:
        """Return the far field around ``window``, reaching ``reach_km`` past its edges."""
        if self.far is None:
            return None
        return cut_far_field(self.far, window, reach_m=reach_km * 1000.0)


def read_terrain_source(
    scenario: Scenario,
    read_terrain: TerrainReader | None,
    read_far_terrain: TerrainReader | None = None,
) -> TerrainSource | None:
    """Read the scenario's DEM (and far field) once, for the region every site's window
    and the map lie in; ``None`` when the scenario has no terrain."""
    terrain = scenario.terrain
    if terrain is None:
        return None
    if read_terrain is None:
        raise ValueError("the scenario has terrain: pass read_terrain to read its DEM")
    region = terrain_region(scenario)
    far = None
    if terrain.far_field_dem is not None:
        if read_far_terrain is None:
            raise ValueError("the scenario has a far field: pass read_far_terrain")
        lat, lon, size_m = region
        far = read_far_terrain(lat, lon, size_m + 2e3 * terrain.far_field_km)
    return TerrainSource(read_terrain(*region), far)


def terrain_skyline(
    scenario: Scenario, source: TerrainSource, site: Site, height_m: float
) -> Horizon:
    """Return one site's terrain skyline seen from ``height_m`` above its ground, searched
    to radius_km and on through the far field."""
    terrain = scenario.terrain
    window = cut_window(
        source.near,
        center_lat_deg=site.lat_deg,
        center_lon_deg=site.lon_deg,
        size_m=2.0 * terrain.radius_km * 1000.0,
        resolution_m=terrain.resolution_m,
    )
    return terrain_site_horizon(
        window,
        site.lat_deg,
        site.lon_deg,
        azimuths=terrain.azimuths,
        height_m=height_m,
        far_field=source.far_field(window, terrain.far_field_km),
    )


def terrain_skylines(
    scenario: Scenario,
    source: TerrainSource,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Horizon]:
    """Return each site's terrain skyline (:func:`terrain_skyline` at the site's height)."""
    skylines = {}
    for site in scenario.sites:
        skylines[site.name] = terrain_skyline(scenario, source, site, site.height_m)
        if progress is not None:
            progress(f"skyline {site.name}")
    return skylines


#: The regional map is at most this many pixels across; coarser pixels beyond.
MAX_MAP_PIXELS = 800


def terrain_maps(
    scenario: Scenario, source: TerrainSource, t: Time, ephemeris: Ephemeris
) -> TerrainMaps:
    """Map the region around the sites: illumination over the span, slope, suitability."""
    terrain = scenario.terrain
    centre_lat, centre_lon, size_m = terrain_region(scenario)
    dem = cut_window(
        source.near,
        center_lat_deg=centre_lat,
        center_lon_deg=centre_lon,
        size_m=size_m,
        resolution_m=max(terrain.resolution_m, size_m / MAX_MAP_PIXELS),
    )
    horizons = horizon_map(
        dem,
        azimuths=terrain.azimuths,
        height_m=float(np.mean([s.height_m for s in scenario.sites])),
        far_field=source.far_field(dem, terrain.far_field_km),
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


def array_visible_fractions(
    scenario: Scenario,
    env: Environment,
    t: Time,
    ephemeris: Ephemeris,
    source: TerrainSource | None = None,
) -> dict[str, xr.DataArray]:
    """Return, for each solar array higher or lower than the sites, the visible fraction
    of the solar disc ``(site, time)`` above the skyline seen from the array's height."""
    heights = {a.height_m for a in scenario.power.arrays}
    raised = any(h != site.height_m for h in heights for site in scenario.sites)
    sun = moon_centred("sun", t, ephemeris=ephemeris) if raised else None
    by_height = {}
    for height_m in heights:
        rows = []
        for site in scenario.sites:
            if height_m == site.height_m:
                rows.append(env.series.solar_visible_fraction.sel(site=site.name).values)
                continue
            there = site.model_copy(update={"height_m": height_m})
            terrain = None if source is None else terrain_skyline(scenario, source, site, height_m)
            point = SurfacePoint(site.lat_deg, site.lon_deg, site.elevation_m, height_m)
            rows.append(solar_visible_fraction(sun.seen_from(point), site_horizon(there, terrain)))
        by_height[height_m] = xr.DataArray(
            np.array(rows),
            dims=("site", "time"),
            coords={"site": env.series.site, "time": env.series.time},
        )
    return {a.name: by_height[a.height_m] for a in scenario.power.arrays}


def power_stage(
    scenario: Scenario,
    env: Environment,
    t: Time,
    ephemeris: Ephemeris,
    source: TerrainSource | None = None,
    thermal_deficit_w: xr.DataArray | None = None,
) -> PowerResults:
    """Simulate the scenario's power system at every site (arrays see from their height;
    heaters cover each module's ``thermal_deficit_w (site, module, time)`` beyond its
    dissipation)."""
    return simulate_power(
        scenario.power,
        scenario.station.modules,
        env.series,
        thermal_deficit_w=thermal_deficit_w,
        array_visible_fraction=array_visible_fractions(scenario, env, t, ephemeris, source),
    )


def run(
    scenario: Scenario,
    *,
    ephemeris: Ephemeris | None = None,
    progress: Callable[[str], None] | None = None,
    read_terrain: TerrainReader | None = None,
    read_far_terrain: TerrainReader | None = None,
    fairness: str | None = None,
    what_if: WhatIf | None = None,
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
    fairness : {"sum", "maxmin", "nash"}, optional
        The programme's fairness rule, if not the scenario's.
    what_if : WhatIf, optional
        Missions removed or slipped: the programme is re-planned and compared.
    """
    ephemeris = ephemeris or load_ephemeris()
    t, _ = time_grid(ephemeris.ts, scenario.span.start, scenario.span.stop, scenario.span.step)
    if what_if and scenario.programme is not None:  # before any long work
        what_if.check([m.name for m in scenario.programme.missions])
    skylines, maps = None, None
    source = read_terrain_source(scenario, read_terrain, read_far_terrain)
    if source is not None:
        skylines = terrain_skylines(scenario, source, progress)
        if scenario.terrain.maps:
            maps = terrain_maps(scenario, source, t, ephemeris)
            if progress is not None:
                progress("terrain maps")
    sites = surface_sites(scenario, skylines)
    env = environment(sites, t, ephemeris=ephemeris, progress=progress)
    heat = thermal(
        sites,
        env.series,
        scenario.station.modules,
        ephemeris=ephemeris,
        progress=progress,
        **thermal_options(scenario.thermal),
    )
    power = None
    if scenario.power is not None:
        power = power_stage(scenario, env, t, ephemeris, source, heat.deficit.thermal_deficit_w)
        if progress is not None:
            progress("power")
    contact = None
    if scenario.communications is not None:
        contact = links(
            sites,
            t,
            scenario.communications,
            scenario.ground_stations,
            ephemeris=ephemeris,
            progress=progress,
        )
    programme = None
    if scenario.programme is not None:
        programme = plan_programme(
            scenario,
            env.series,
            maps.suitability if maps is not None else None,
            power.series if power is not None else None,
            contact.rates if contact is not None else None,
            fairness=fairness,
            what_if=what_if,
            progress=progress,
        )
    return Results(scenario, env, maps, power, thermal=heat, links=contact, programme=programme)


def work_units(scenario: Scenario) -> int:
    """Return how many times :func:`run` will call ``progress``."""
    sites = len(scenario.sites)
    power = 1 if scenario.power is not None else 0
    thermal_units = sites
    links_units = sites if scenario.communications is not None else 0
    terrain = scenario.terrain
    schedules = sites if scenario.programme is not None else 0  # one per site
    systems = thermal_units + power + links_units + schedules
    if terrain is None:
        return sites + systems
    return 2 * sites + (1 if terrain.maps else 0) + systems
