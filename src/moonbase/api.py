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
    DurationError,
    EphemerisRangeError,
    HorizonError,
    MoonbaseError,
    OutputError,
    ScenarioError,
    ScenarioFileError,
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
from moonbase.io.scenario_files import default_scenario, load_scenario
from moonbase.pipeline import Results, run
from moonbase.report.save import save_results
from moonbase.scenario import Scenario, parse_duration, validate_scenario

__all__ = [
    "DurationError",
    "Environment",
    "Ephemeris",
    "EphemerisRangeError",
    "Horizon",
    "HorizonError",
    "MoonCentredVectors",
    "MoonbaseError",
    "OutputError",
    "Results",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "SiteEnvironment",
    "SkyPosition",
    "SurfacePoint",
    "SurfaceSite",
    "Windows",
    "default_scenario",
    "environment",
    "find_windows",
    "load_ephemeris",
    "load_scenario",
    "moon_centred",
    "observe",
    "parse_duration",
    "run",
    "save_results",
    "site_environment",
    "time_grid",
    "validate_scenario",
]
