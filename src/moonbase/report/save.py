"""Write a run's report and exports into an output folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xarray as xr

from moonbase.io.atomic import write_text_atomically
from moonbase.io.exports import statistics_table, write_csv, write_netcdf
from moonbase.pipeline import Results
from moonbase.planning.programme import portfolio_table, schedule_table
from moonbase.report.build import build_report
from moonbase.report.render import render_html

REPORT_NAME = "report.html"
ENVIRONMENT_NAME = "environment.nc"
SITES_NAME = "sites.csv"
EVENTS_NAME = "events.csv"
TERRAIN_NAME = "terrain.nc"
SUITABILITY_NAME = "suitability.csv"
THERMAL_NAME = "thermal.nc"
THERMAL_MODULES_NAME = "thermal_modules.csv"
CONTACTS_NAME = "contacts.csv"
LINKS_NAME = "links.nc"
POWER_NAME = "power.nc"
POWER_OPTIONS_NAME = "power_options.csv"
POWER_SHED_NAME = "power_shed.csv"
PORTFOLIO_NAME = "portfolio.csv"
SCHEDULE_NAME = "schedule.csv"
CAMPAIGN_NAME = "campaign.csv"


def save_results(
    results: Results,
    out_dir: str | Path,
    progress: Callable[[str], None] | None = None,
    in_workers: bool = False,
) -> list[Path]:
    """Write ``report.html``, ``environment.nc``, ``sites.csv``, ``events.csv`` (and, with
    terrain maps, ``terrain.nc`` and ``suitability.csv``; with thermal results,
    ``thermal.nc`` and ``thermal_modules.csv``; with a power system, ``power.nc``,
    ``power_options.csv`` and ``power_shed.csv``; with communications, ``contacts.csv``
    and ``links.nc``; with a programme, ``portfolio.csv``, ``schedule.csv`` and
    ``campaign.csv``).

    Each file is written to a temporary name and renamed, so a failure leaves any
    earlier file of the same name intact. Returns the paths written. ``progress`` is
    called with each report figure's title once it is drawn; ``in_workers`` draws them
    in worker processes (``report.build.build_report``).
    """
    out = Path(out_dir)
    env = results.environment
    written = [
        write_netcdf(env.series, out / ENVIRONMENT_NAME),
        write_csv(statistics_table(env.statistics), out / SITES_NAME),
        write_csv(env.events, out / EVENTS_NAME),
    ]
    if results.terrain is not None:
        maps = results.terrain.maps.assign_attrs(crs_wkt=results.terrain.dem.crs.to_wkt())
        written.append(write_netcdf(maps, out / TERRAIN_NAME))
        written.append(write_csv(results.terrain.suitability, out / SUITABILITY_NAME))
    if results.thermal is not None:
        heat = results.thermal
        written.append(write_netcdf(heat.regolith.merge(heat.deficit), out / THERMAL_NAME))
        written.append(write_csv(heat.modules, out / THERMAL_MODULES_NAME))
    if results.links is not None:
        links = results.links
        written.append(write_csv(links.contacts, out / CONTACTS_NAME))
        written.append(
            write_netcdf(
                xr.merge([links.rates.rename(link="rate_link"), links.statistics]), out / LINKS_NAME
            )
        )
    if results.power is not None:
        power = results.power
        written.append(write_netcdf(power.series.merge(power.summary), out / POWER_NAME))
        written.append(write_csv(power.options, out / POWER_OPTIONS_NAME))
        written.append(write_csv(power.shed, out / POWER_SHED_NAME))
    if results.programme is not None:
        programme = results.programme
        written.append(
            write_csv(portfolio_table(results.scenario, programme), out / PORTFOLIO_NAME)
        )
        written.append(write_csv(schedule_table(programme), out / SCHEDULE_NAME))
        written.append(write_csv(programme.campaign.missions, out / CAMPAIGN_NAME))
    model = build_report(results, [p.name for p in written], progress, in_workers)
    written.insert(0, write_text_atomically(out / REPORT_NAME, render_html(model)))
    return written
