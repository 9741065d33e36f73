"""Entry point of the ``moonbase`` command."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from moonbase import __version__
from moonbase.cli.links import links_command
from moonbase.cli.output import clear_errors as _clear_errors
from moonbase.cli.output import err_console, out_console, say, span_from_options
from moonbase.cli.plan import plan
from moonbase.cli.power import power
from moonbase.cli.terrain import data_app, terrain_app
from moonbase.cli.thermal import thermal
from moonbase.io.atomic import check_writable

if TYPE_CHECKING:
    from moonbase.pipeline import Results

# The computational modules are imported inside the commands that use them, so that
# `--help` and small commands do not wait for numba, scipy and matplotlib to load.

app = typer.Typer(
    help="moonbase: plan a jointly operated lunar research station.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Markdown reflows a docstring's paragraphs to the terminal; "rich" keeps each
    # source line break, so 88-column docstrings broke into a line and a word.
    rich_markup_mode="markdown",
)
scenario_app = typer.Typer(help="Write or check scenario files.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
app.add_typer(terrain_app, name="terrain")
app.add_typer(data_app, name="data")
app.command("plan")(plan)
app.command()(thermal)
app.command("links")(links_command)
app.command()(power)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"moonbase {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    pass


@app.command()
def run(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML file; the embedded default scenario if omitted."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("moonbase-output"),
) -> None:
    """Run a scenario and write report.html and its exports (NetCDF, CSV)."""
    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario, load_scenario
    from moonbase.pipeline import run as run_pipeline
    from moonbase.pipeline import work_units
    from moonbase.report.save import save_results

    with _clear_errors():
        check_writable(out / "report.html")
        model = load_scenario(scenario) if scenario is not None else default_scenario()
        label = str(scenario) if scenario is not None else "embedded default scenario"
        out_console.print(
            f"[bold]{escape(model.station.name)}[/] ({escape(label)})",
            highlight=False,
            soft_wrap=True,
        )
        columns = (
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err_console, transient=False) as progress:
            sites_task = progress.add_task("terrain and sites", total=work_units(model))
            results = run_pipeline(
                model,
                **scenario_terrain_readers(model.terrain, scenario.parent if scenario else None),
                progress=lambda label: progress.update(
                    sites_task, advance=1, description=label[:28]
                ),
            )
            progress.update(sites_task, description="terrain and sites")
            # One advance per figure drawn; their number depends on the results.
            report_task = progress.add_task("report and exports", total=None)
            written = save_results(
                results,
                out,
                progress=lambda title: progress.update(
                    report_task, advance=1, description=title[:28]
                ),
                in_workers=True,  # this command's __main__ is guarded (report.drawing)
            )
            done = progress.tasks[report_task].completed
            progress.update(report_task, total=done, description="report and exports")
        _print_site_table(results.environment.statistics)
        _print_systems_summary(results)
        for path in written:
            out_console.print(f"wrote {path}", highlight=False, soft_wrap=True)


def _print_site_table(statistics) -> None:
    table = Table(title="Site environment over the span", title_justify="left")
    for heading in ("site", "sunlit %", "disc visible %", "longest dark (h)", "Earth %", "both %"):
        table.add_column(heading, justify="left" if heading == "site" else "right")
    for name in statistics.site.values:
        s = statistics.sel(site=name)
        table.add_row(
            str(name),
            f"{100 * float(s.sunlit_fraction):.1f}",
            f"{100 * float(s.mean_solar_visible_fraction):.1f}",
            f"{float(s.longest_darkness_h):.0f}",
            f"{100 * float(s.earth_in_view_fraction):.1f}",
            f"{100 * float(s.sunlit_and_earth_fraction):.1f}",
        )
    out_console.print(table)


def _print_systems_summary(results: Results) -> None:
    """Print a line per site of what the systems stages found, and the chosen portfolio."""
    if results.power is None and results.links is None:
        return
    table = Table(title="Station systems over the span", title_justify="left")
    headings = ["site", "coldest ground (K)"]
    if results.power is not None:
        headings += ["battery needed (kWh)", "not served (kWh)"]
    if results.links is not None:
        headings += ["any link %", "longest gap (h)"]
    for heading in headings:
        table.add_column(heading, justify="left" if heading == "site" else "right")
    coldest = results.thermal.regolith.surface_temperature_k.min("time")
    for name in results.environment.statistics.site.values:
        row = [str(name), f"{float(coldest.sel(site=name)):.0f}"]
        if results.power is not None:
            power = results.power.summary.sel(site=name)
            row += [
                f"{float(power.required_battery_wh) / 1e3:,.0f}",
                f"{float(power.energy_not_served_wh) / 1e3:,.0f}",
            ]
        if results.links is not None:
            links = results.links.statistics.sel(site=name, link="all links")
            row += [
                f"{100 * float(links.contact_fraction):.1f}",
                f"{float(links.longest_gap_h):.1f}",
            ]
        table.add_row(*row)
    out_console.print(table)
    programme = results.programme
    if programme is not None:
        chosen = programme.portfolio
        say(
            f"Science programme at {programme.site} ({programme.fairness} rule): "
            f"{len(chosen.selected)} tasks, total value {chosen.total_value:g}, "
            f"worst-off partner's share {chosen.worst_share:.2f}"
        )


class BodyName(StrEnum):
    sun = "sun"
    earth = "earth"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def sky(
    lat: Annotated[float, typer.Option(min=-90.0, max=90.0, help="Latitude, deg.")],
    lon: Annotated[float, typer.Option(min=-180.0, max=360.0, help="East longitude, deg.")],
    body: Annotated[BodyName, typer.Option(help="Body to place.")],
    start: Annotated[str, typer.Option(help="First time, ISO 8601 UTC.")],
    stop: Annotated[str, typer.Option(help="Last time, ISO 8601 UTC.")],
    step: Annotated[str, typer.Option(help="Step, e.g. 1h, 30min, PT10M.")] = "1h",
    height_m: Annotated[
        float, typer.Option("--height-m", min=0.0, help="Height above ground, m.")
    ] = 0.0,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """Print where the Sun or Earth stands in the sky of one lunar surface point.

    The skyline is the smooth sphere seen from --height-m; visible_fraction is the
    share of the body's disc above it.
    """
    import numpy as np

    from moonbase.environment.horizon import Horizon
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.sky import SurfacePoint, observe
    from moonbase.geometry.times import time_grid

    span = span_from_options(start, stop, step)
    with _clear_errors():
        ephemeris = load_ephemeris()
        t, labels = time_grid(ephemeris.ts, span.start, span.stop, span.step)
        point = SurfacePoint(lat, lon % 360.0, height_m=height_m)
        position = observe(body.value, point, t, ephemeris=ephemeris)
        elevation, azimuth, distance = position.altaz()
        visible = Horizon.smooth_sphere(height_m).disc_visible_fraction(
            elevation, azimuth, position.angular_radius_deg
        )
        rows = [
            {
                "time_utc": np.datetime_as_string(label, unit="s") + "Z",
                "azimuth_deg": round(float(a), 6),
                "elevation_deg": round(float(e), 6),
                "range_km": round(float(r), 3),
                "visible_fraction": round(float(v), 6),
            }
            for label, a, e, r, v in zip(labels, azimuth, elevation, distance, visible, strict=True)
        ]
        _print_rows(rows, output_format, title=f"{body.value} from {lat:g}°, {lon:g}° E")


def _print_rows(rows: list[dict], output_format: OutputFormat, title: str) -> None:
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
    elif output_format is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=title, title_justify="left")
        for key in rows[0]:
            table.add_column(key, justify="left" if key == "time_utc" else "right")
        for row in rows:
            table.add_row(*(str(v) for v in row.values()))
        out_console.print(table)


@scenario_app.command("init")
def scenario_init(
    path: Annotated[Path, typer.Argument(help="Where to write the scenario.")] = Path(
        "scenario.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the default scenario (the Roscosmos-CNSA south-pole station) to edit."""
    from moonbase.io.scenario_files import write_default_scenario

    with _clear_errors():
        write_default_scenario(path, overwrite=force)
        out_console.print(
            f"wrote {path}; edit it, then run `moonbase run {path}`",
            highlight=False,
            soft_wrap=True,
        )


@scenario_app.command("validate")
def scenario_validate(
    path: Annotated[Path, typer.Argument(help="Scenario file to check.")],
) -> None:
    """Check a scenario file and list every problem found."""
    from moonbase.io.scenario_files import load_scenario

    with _clear_errors():
        model = load_scenario(path)
        out_console.print(
            f"{path}: valid ({len(model.sites)} sites, {len(model.partners)} partners, "
            f"{len(model.ground_stations)} ground stations)",
            highlight=False,
            soft_wrap=True,
        )


def main() -> None:
    """Run the command line."""
    app()
