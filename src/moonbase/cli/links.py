"""``moonbase links``: contact, gaps and data volume of every site's links to Earth."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from moonbase.cli.output import clear_errors, fail, out_console

COLUMNS = {
    "contact_fraction": ("contact %", 100.0, 1),
    "longest_gap_h": ("longest gap (h)", 1.0, 1),
    "volume_per_day_gbit": ("Gbit/day", 1.0, 1),
    "mean_rate_mbit_s": ("mean Mbit/s", 1.0, 2),
}


class LinksFormat(StrEnum):
    table = "table"
    json = "json"


def links_command(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML file; the embedded default scenario if omitted."),
    ] = None,
    output_format: Annotated[
        LinksFormat, typer.Option("--format", help="Output format.")
    ] = LinksFormat.table,
    stations: Annotated[
        bool,
        typer.Option("--stations", help="Also list each ground station and relay leg alone."),
    ] = False,
) -> None:
    """Print per site and link the contact fraction, longest gap and data volume per day.

    Uses the scenario's span, sites (with their terrain skylines) and communications.
    """
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.times import time_grid
    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario, load_scenario
    from moonbase.pipeline import read_terrain_source, surface_sites, terrain_skylines
    from moonbase.systems.communications import links

    with clear_errors():
        model = load_scenario(scenario) if scenario is not None else default_scenario()
        if model.communications is None:
            fail("the scenario has no communications section (see `moonbase scenario init`)")
        ephemeris = load_ephemeris()
        readers = scenario_terrain_readers(model.terrain, scenario.parent if scenario else None)
        source = read_terrain_source(model, **readers)
        skylines = None if source is None else terrain_skylines(model, source)
        t, _ = time_grid(ephemeris.ts, model.span.start, model.span.stop, model.span.step)
        result = links(
            surface_sites(model, skylines),
            t,
            model.communications,
            model.ground_stations,
            ephemeris=ephemeris,
        )
        stats = result.statistics
        if not stations:
            stats = stats.where(stats.kind.isin(["link", "all"]), drop=True)
        rows = [
            {
                "site": str(site),
                "link": str(link),
                "kind": str(stats.kind.sel(link=link).item()),
                **{key: _number(stats[key].sel(site=site, link=link).item()) for key in COLUMNS},
            }
            for site in stats.site.values
            for link in stats.link.values
        ]
        if output_format is LinksFormat.json:
            sys.stdout.write(json.dumps(rows, indent=1) + "\n")
            return
        table = Table(
            title=f"Links to Earth, {model.span.start:%Y-%m-%d} to {model.span.stop:%Y-%m-%d}",
            title_justify="left",
        )
        table.add_column("site")
        table.add_column("link")
        for heading, _, _ in COLUMNS.values():
            table.add_column(heading, justify="right")
        for row in rows:
            cells = [
                "-" if row[key] is None else f"{row[key] * scale:.{digits}f}"
                for key, (_, scale, digits) in COLUMNS.items()
            ]
            table.add_row(row["site"], row["link"], *cells)
        out_console.print(table)


def _number(value: float) -> float | None:
    return None if value != value else round(float(value), 6)  # NaN -> null
