"""The scenario's one-way flow through the stages, one call per stage.

``run(scenario)`` is what the command line (and later the web service) calls; it
knows no adapter: it returns labelled results and reports progress through a
callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import Environment, SurfaceSite, environment
from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris
from moonbase.geometry.sky import SurfacePoint
from moonbase.geometry.times import time_grid
from moonbase.scenario import Scenario, Site


@dataclass(frozen=True, eq=False)
class Results:
    """Everything a run produced, stage by stage."""

    scenario: Scenario
    environment: Environment


def site_horizon(site: Site) -> Horizon:
    """Return a site's skyline: the smooth sphere at its height, raised by its mask."""
    mask = site.horizon_mask
    constant = mask.constant_deg if mask is not None else None
    # The bare sphere through the site's own ground, seen from height_m above it.
    horizon = Horizon.smooth_sphere(
        site.height_m, radius_m=MOON_RADIUS_M + site.elevation_m, mask_deg=constant
    )
    if mask is not None and mask.azimuth_deg is not None:
        horizon = horizon.with_table(mask.azimuth_deg, mask.elevation_deg)
    return horizon


def surface_sites(scenario: Scenario) -> list[SurfaceSite]:
    """Return the scenario's candidate sites as points with skylines."""
    return [
        SurfaceSite(
            site.name,
            SurfacePoint(site.lat_deg, site.lon_deg, site.elevation_m, site.height_m),
            site_horizon(site),
        )
        for site in scenario.sites
    ]


def run(
    scenario: Scenario,
    *,
    ephemeris: Ephemeris | None = None,
    progress: Callable[[str], None] | None = None,
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
    """
    ephemeris = ephemeris or load_ephemeris()
    t, _ = time_grid(ephemeris.ts, scenario.span.start, scenario.span.stop, scenario.span.step)
    env = environment(surface_sites(scenario), t, ephemeris=ephemeris, progress=progress)
    return Results(scenario, env)


def work_units(scenario: Scenario) -> int:
    """Return how many times :func:`run` will call ``progress``."""
    return len(scenario.sites)
