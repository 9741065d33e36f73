"""``moonbase plan``: the science portfolio, its fairness, schedule and campaign, scriptable."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moonbase.cli.output import clear_errors, err_console, fail, out_console, say

if TYPE_CHECKING:
    import pandas as pd

    from moonbase.planning.programme import ProgrammeResults
    from moonbase.report.programme_section import Table as TextTable


class Fairness(StrEnum):
    sum = "sum"
    maxmin = "maxmin"
    nash = "nash"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"


def plan(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML file; the embedded default scenario if omitted."),
    ] = None,
    fairness: Annotated[
        Fairness | None,
        typer.Option(help="sum, maxmin or nash (default: the scenario's)."),
    ] = None,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", help="Output format.")
    ] = PlanFormat.table,
    without: Annotated[
        list[str] | None,
        typer.Option("--without", help="What-if: this mission does not fly (repeatable)."),
    ] = None,
    slip: Annotated[
        list[str] | None,
        typer.Option("--slip", help="What-if: MISSION=DURATION, e.g. ILRS-2=1y (repeatable)."),
    ] = None,
) -> None:
    """Choose the science portfolio at the station's site, schedule it, check the campaign.

    With --without or --slip, re-plan under the what-if and show what the programme
    loses against the plan.
    """
    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario, load_scenario
    from moonbase.pipeline import run
    from moonbase.planning.campaign import WhatIf, parse_slip

    with clear_errors():
        model = load_scenario(scenario) if scenario is not None else default_scenario()
        if model.programme is None:
            fail("the scenario has no programme section (see the default scenario's)")
        what_if = WhatIf(tuple(without or ()), dict(parse_slip(s) for s in slip or ()))
        site = model.programme.site or model.sites[0].name
        # Only the station's site is needed: its environment, terrain and budgets.
        one_site = model.model_copy(update={"sites": [s for s in model.sites if s.name == site]})
        readers = scenario_terrain_readers(model.terrain, scenario.parent if scenario else None)
        err_console.print(f"planning at {site}: environment, terrain and solvers...")
        results = run(
            one_site,
            **readers,
            fairness=fairness.value if fairness else None,
            what_if=what_if,
        ).programme
    if output_format is PlanFormat.json:
        sys.stdout.write(json.dumps(plan_json(results), indent=1) + "\n")
    else:
        _print_tables(results)


def _records(table: pd.DataFrame) -> list[dict]:
    return json.loads(table.to_json(orient="records", date_format="iso"))


def plan_json(results: ProgrammeResults) -> dict:
    """The plan as plain data (what ``--format json`` prints)."""
    from moonbase.planning.programme import rules_table

    portfolio = results.portfolio
    schedule = results.schedules[results.site]
    values = results.task_values()
    data = {
        "site": results.site,
        "fairness": results.fairness,
        "what_if": results.what_if.describe(),
        "portfolio": {
            "tasks": [
                {"task": t, "mission": m, "value": values[t]} for t, m in portfolio.selected.items()
            ],
            "total_value": portfolio.total_value,
            "worst_share": portfolio.worst_share,
            "nash_log": portfolio.nash_log,
            "partners_served": portfolio.served,
            "status": portfolio.status,
            "mip_gap": portfolio.mip_gap,
            "solve_s": portfolio.solve_s,
            "nash_error_log": portfolio.nash_error_log,
        },
        "partners": [
            {"partner": p, "value": portfolio.partner_value[p], "share": s}
            for p, s in portfolio.partner_share.items()
        ],
        "rules": _records(rules_table(results)),
        "constraints": _records(results.shadow_prices),
        "pareto": _records(results.pareto),
        "excluded": results.problem.excluded,
        "budgets": results.station.mean_daily(),
        "schedule": {
            "site": schedule.site,
            "status": schedule.status,
            "wanted": int(schedule.tasks.wanted.sum()),
            "placed": int(schedule.tasks.placed.sum()),
            "tasks": _records(schedule.tasks),
        },
        "campaign": {
            "missions": _records(results.campaign.missions),
            "issues": results.campaign.issues,
            "changes": results.campaign.changes,
        },
    }
    if results.comparison is not None:
        c = results.comparison
        data["comparison"] = {
            "planned": results.planned.selected,
            "lost": c.lost,
            "gained": c.gained,
            "moved": {t: list(m) for t, m in c.moved.items()},
            "total_before": c.total_before,
            "total_after": c.total_after,
            "partners": _records(c.partners),
        }
    return data


def _print(table: TextTable) -> None:
    rich_table = Table(title=table.title, title_justify="left")
    for i, column in enumerate(table.columns):
        rich_table.add_column(column, justify="left" if i == 0 else "right")
    for row in table.rows:
        rich_table.add_row(*row)
    out_console.print(rich_table)


def _print_tables(results: ProgrammeResults) -> None:
    from moonbase.report.programme_section import Table as TextTable
    from moonbase.report.programme_section import (
        constraints_text,
        partners_text,
        rules_text,
        schedule_text,
    )

    p = results.portfolio
    values = results.task_values()
    title = f"Portfolio at {results.site} ({results.fairness} rule, {p.status})"
    if results.what_if:
        title += f", what-if: {results.what_if.describe()}"
    rows = [[t, m, f"{values[t]:.0f}"] for t, m in p.selected.items()]
    _print(TextTable(title, ["task", "mission", "value"], rows))
    for table in (
        partners_text(results),
        rules_text(results),
        constraints_text(results),
        schedule_text(results),
    ):
        _print(table)
    lines = [f"not a candidate: {t}: {why}" for t, why in results.problem.excluded.items()]
    lines += [f"what-if: {line}" for line in results.campaign.changes]
    lines += [f"campaign issue: {line}" for line in results.campaign.issues]
    if results.comparison is not None:
        c = results.comparison
        lines.append(f"total value {c.total_before:.0f} -> {c.total_after:.0f}")
        lines += [f"lost: {task}: {why}" for task, why in c.lost.items()]
        lines += [f"gained: {task}" for task in c.gained]
        lines += [f"moved: {task}: {a} -> {b}" for task, (a, b) in c.moved.items()]
    for line in lines:
        say(line)
