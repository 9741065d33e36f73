"""The curated public surface of moonbase. Everything else is internal and may change.

Examples
--------
>>> from moonbase import api
>>> eph = api.load_ephemeris()
>>> t = eph.ts.utc(2030, 1, 1, range(3))
>>> sun = api.observe("sun", api.SurfacePoint(-89.45, 222.69, height_m=2.0), t, ephemeris=eph)
>>> elevation_deg, azimuth_deg, range_km = sun.altaz()
>>> elevation_deg.shape
(3,)
"""

from pathlib import Path

from moonbase import pipeline
from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import (
    Environment,
    SiteEnvironment,
    SurfaceSite,
    environment,
    site_environment,
)
from moonbase.environment.windows import Windows, find_windows
from moonbase.errors import (
    DataFetchError,
    DemError,
    DurationError,
    EphemerisRangeError,
    HorizonError,
    MoonbaseError,
    OutputError,
    PowerInputError,
    ScenarioError,
    ScenarioFileError,
    ThermalInputError,
    WhatIfError,
)
from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris
from moonbase.geometry.sky import (
    MoonCentredVectors,
    SkyPosition,
    SurfacePoint,
    moon_centred,
    observe,
)
from moonbase.geometry.times import time_grid
from moonbase.io.dem_readers import (
    read_dem,
    read_dem_around,
    scenario_terrain_readers,
    terrain_reader,
)
from moonbase.io.scenario_files import default_scenario, load_scenario, scenario_from_data
from moonbase.pipeline import Results
from moonbase.planning.campaign import WhatIf, plan_campaign
from moonbase.planning.portfolio import (
    Portfolio,
    exhaustive_portfolio,
    portfolio_problem,
    solve_portfolio,
)
from moonbase.planning.programme import ProgrammeResults, plan_programme
from moonbase.planning.resources import StationResources, station_resources
from moonbase.planning.schedule import Schedule, schedule_operations
from moonbase.report.save import save_results
from moonbase.scenario import Scenario, parse_duration, validate_scenario
from moonbase.systems.communications import LinkResults, links
from moonbase.systems.link_budget import HopBudget
from moonbase.systems.module_thermal import module_thermal, radiator_loads
from moonbase.systems.orbit import OrbitalElements, propagate, secular_rates
from moonbase.systems.power import PowerResults, simulate_power
from moonbase.systems.regolith import (
    RegolithModel,
    RegolithParameters,
    absorbed_flux_w_m2,
    layer_grid,
    regolith_temperature,
)
from moonbase.systems.thermal import ThermalResults, site_regolith, thermal
from moonbase.terrain.dem import Dem
from moonbase.terrain.horizon import horizon_map
from moonbase.terrain.horizon import site_horizon as terrain_skyline
from moonbase.terrain.illumination import illumination_map
from moonbase.terrain.parametric import parametric_dem
from moonbase.terrain.surface import slope_and_roughness
from moonbase.terrain.window import cut_window

__all__ = [
    "DataFetchError",
    "Dem",
    "DemError",
    "DurationError",
    "Environment",
    "Ephemeris",
    "EphemerisRangeError",
    "HopBudget",
    "Horizon",
    "HorizonError",
    "LinkResults",
    "MoonCentredVectors",
    "MoonbaseError",
    "OrbitalElements",
    "OutputError",
    "Portfolio",
    "PowerInputError",
    "PowerResults",
    "ProgrammeResults",
    "RegolithModel",
    "RegolithParameters",
    "Results",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "Schedule",
    "SiteEnvironment",
    "SkyPosition",
    "StationResources",
    "SurfacePoint",
    "SurfaceSite",
    "ThermalInputError",
    "ThermalResults",
    "WhatIf",
    "WhatIfError",
    "Windows",
    "absorbed_flux_w_m2",
    "cut_window",
    "default_scenario",
    "environment",
    "exhaustive_portfolio",
    "find_windows",
    "horizon_map",
    "illumination_map",
    "layer_grid",
    "links",
    "load_ephemeris",
    "load_scenario",
    "module_thermal",
    "moon_centred",
    "observe",
    "parametric_dem",
    "parse_duration",
    "plan_campaign",
    "plan_programme",
    "portfolio_problem",
    "propagate",
    "radiator_loads",
    "read_dem",
    "read_dem_around",
    "regolith_temperature",
    "run",
    "save_results",
    "scenario_from_data",
    "schedule_operations",
    "secular_rates",
    "simulate_power",
    "site_environment",
    "site_regolith",
    "slope_and_roughness",
    "solve_portfolio",
    "station_resources",
    "terrain_reader",
    "terrain_skyline",
    "thermal",
    "time_grid",
    "validate_scenario",
]


def run(scenario: Scenario, *, scenario_dir: str | Path | None = None, **options) -> Results:
    """Run every stage of ``scenario``, reading its DEMs (the built-in terrain, or files
    with relative paths taken from ``scenario_dir``) unless ``read_terrain`` is given.

    ``options`` are those of :func:`moonbase.pipeline.run` (``progress``, ``fairness``,
    ``what_if``, ``ephemeris``, the readers).
    """
    base = None if scenario_dir is None else Path(scenario_dir)
    return pipeline.run(scenario, **{**scenario_terrain_readers(scenario.terrain, base), **options})
