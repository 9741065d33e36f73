"""The report's programme section: portfolio, partner shares, trade-offs, schedule, campaign."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from moonbase.planning.programme import ProgrammeResults, partners_table, rules_table
from moonbase.report.drawing import Draw, ReportFigure
from moonbase.report.programme_figures import gantt_chart, pareto_plot, timeline_chart
from moonbase.scenario import Scenario
from moonbase.scenario.programme import DIRECTIONS


@dataclass(frozen=True)
class Table:
    """A titled table of text cells."""

    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class ProgrammeSection:
    """Everything the programme part of the page shows, already formatted."""

    facts: list[tuple[str, str]]
    tables: list[Table]
    figures: list[ReportFigure]
    notes: list[str]


OBJECTIVES = {
    "sum": "total value",
    "maxmin": "worst-off partner's share",
    "nash": "sum of log values (log of the Nash product)",
}


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def programme_section(scenario: Scenario, results: ProgrammeResults, png: Draw) -> ProgrammeSection:
    """Format the programme results; ``png`` turns a figure into a report figure."""
    portfolio = results.portfolio
    programme = scenario.programme
    budgets = results.station.mean_daily()
    facts = [
        ("Station site", results.site),
        ("Fairness rule", f"{results.fairness} (maximises the {OBJECTIVES[results.fairness]})"),
        (
            "Chosen",
            f"{len(portfolio.selected)} of {len(programme.tasks)} tasks, total value "
            f"{_f(portfolio.total_value, 0)}, worst-off share {portfolio.worst_share:.2f} "
            f"({portfolio.status})",
        ),
        (
            "Station budgets (mean per day)",
            f"{_f(budgets['energy_wh_per_day'], 0)} Wh science energy, "
            f"{_f(budgets['downlink_mb_per_day'], 0)} MB downlink, "
            f"{budgets['supervised_h_per_day']:g} h supervised operations",
        ),
        ("Budgets from", results.station.basis),
        ("Catalogue", programme.catalogue or "inline in the scenario"),
    ]
    if results.what_if:
        facts.insert(1, ("What-if", results.what_if.describe()))
    notes = [
        "Value: a partner's interest score above the scale's minimum, summed over chosen "
        "tasks; share: that value over the partner's value of the whole catalogue.",
        "Shadow prices: each capacity raised by 10 % and the portfolio re-optimised (an "
        "integer programme has no exact duals); 'LP dual' is the relaxation's marginal "
        "value, what a fraction of a task would earn.",
    ]
    if portfolio.nash_error_log is not None:
        notes.append(
            f"Nash rule: log approximated by secants; the chosen portfolio's log-product "
            f"is within {portfolio.nash_error_log:.3g} of the optimum "
            f"({100 * math.expm1(portfolio.nash_error_log):.2g} % on the product)."
        )
    notes.append(
        "The schedule takes the span as a representative operations period with every "
        "chosen task on the surface; mission dates are in the campaign."
    )
    if any(t.thermal for t in programme.tasks):
        notes.append(
            "Instrument thermal limits are carried in the catalogue but not yet applied: "
            "they need the systems thermal results."
        )

    tables = [
        rules_text(results),
        partners_text(results),
        chosen_text(scenario, results),
        constraints_text(results),
        Table(
            "Tasks not chosen",
            ["task", "why"],
            [
                [t.id, results.problem.excluded.get(t.id, "not chosen: value per resource too low")]
                for t in programme.tasks
                if t.id not in portfolio.selected
            ],
        ),
        campaign_text(results),
        sites_text(results),
        schedule_text(results),
    ]
    if results.comparison is not None:
        tables.append(comparison_text(results))
    figures = [
        png(pareto_plot(results), "Pareto front"),
        png(gantt_chart(results.campaign.missions, programme.end), "Campaign"),
    ]
    order = [t.id for t in programme.tasks if t.id in portfolio.selected]
    for site, schedule in results.schedules.items():
        chart = timeline_chart(schedule, results.stations[site], order)
        figures.append(png(chart, f"Schedule at {site}"))
    return ProgrammeSection(facts, tables, figures, notes)


def rules_text(results: ProgrammeResults) -> Table:
    rows = [
        [
            r.fairness,
            _f(r.total_value, 0),
            f"{r.worst_share:.3f}",
            f"{r.nash_log:.3f}",
            str(r.partners_served),
            str(r.tasks),
            r.status,
            f"{r.solve_s:.2f}",
        ]
        for r in rules_table(results).itertuples()
    ]
    columns = ["rule", "total value", "worst share", "Nash log", "partners served", "tasks"]
    return Table("Portfolio by fairness rule", [*columns, "status", "solve (s)"], rows)


def partners_text(results: ProgrammeResults) -> Table:
    table = partners_table(results)
    rules = list(results.rules)
    rows = [
        [row.partner]
        + [f"{getattr(row, f'value_{r}'):.0f} ({getattr(row, f'share_{r}'):.0%})" for r in rules]
        for row in table.itertuples()
    ]
    return Table("Partner value (share of its catalogue value)", ["partner", *rules], rows)


def chosen_text(scenario: Scenario, results: ProgrammeResults) -> Table:
    values = results.task_values()
    tasks = {t.id: t for t in scenario.programme.tasks}
    rows = [
        [
            task,
            tasks[task].title,
            DIRECTIONS[tasks[task].direction],
            ", ".join(tasks[task].partners),
            mission,
            _f(values[task], 0),
            _f(tasks[task].mass_kg),
        ]
        for task, mission in results.portfolio.selected.items()
    ]
    columns = ["task", "title", "direction", "proposers", "mission", "value", "mass (kg)"]
    return Table("Chosen tasks", columns, rows)


def constraints_text(results: ProgrammeResults) -> Table:
    rows = [
        [
            r.constraint,
            f"{_f(r.used)} / {_f(r.capacity)} {r.unit}",
            "yes" if r.binds else "",
            f"{r.gain:+.4g}",
            f"{r.total_gain:+.0f}",
            f"{r.per_unit:.3g}",
            f"{r.lp_dual:.3g}",
        ]
        for r in results.shadow_prices.itertuples()
    ]
    columns = ["constraint", "used / capacity", "binds", "+10 % buys (objective)"]
    return Table(
        "Constraints and shadow prices",
        [*columns, "+10 % buys (total value)", "objective per unit", "LP dual"],
        rows,
    )


def campaign_text(results: ProgrammeResults) -> Table:
    rows = [
        [
            r.mission,
            r.status,
            f"{r.launch:%Y-%m-%d}",
            "" if pd.isna(r.landing) else f"{r.landing:%Y-%m-%d}",
            r.vehicle,
            f"{r.payload_mass_kg:,.0f}",
            r.modules,
            r.tasks,
            r.depends_on,
        ]
        for r in results.campaign.missions.itertuples()
    ]
    columns = ["mission", "status", "launch", "landing", "vehicle", "payload (kg)", "modules"]
    return Table("Campaign", [*columns, "chosen tasks", "depends on"], rows)


def sites_text(results: ProgrammeResults) -> Table:
    rows = []
    for site, schedule in results.schedules.items():
        placed, wanted = int(schedule.tasks.placed.sum()), int(schedule.tasks.wanted.sum())
        rows.append(
            [
                site,
                f"{placed} / {wanted}",
                f"{placed / wanted:.0%}" if wanted else "-",
                str(schedule.standby_shortfall_days),
                schedule.status,
            ]
        )
    columns = ["site", "operations placed", "share", "days short of standby", "solver"]
    return Table("The chosen portfolio's schedule at every site", columns, rows)


def schedule_text(results: ProgrammeResults) -> Table:
    schedule = results.schedules.get(results.site) or next(iter(results.schedules.values()))
    rows = [[r.task, str(r.wanted), str(r.placed), r.reason] for r in schedule.tasks.itertuples()]
    title = f"Schedule at {schedule.site}: operations wanted and placed"
    if schedule.standby_shortfall_days:
        title += (
            f" (on {schedule.standby_shortfall_days} days the science energy does not cover "
            "the instruments' standby)"
        )
    return Table(title, ["task", "wanted", "placed", "commonest reason for a miss"], rows)


def comparison_text(results: ProgrammeResults) -> Table:
    comparison = results.comparison
    rows = [[task, f"lost: {why}"] for task, why in comparison.lost.items()]
    rows += [[task, "gained on re-optimisation"] for task in comparison.gained]
    rows += [[task, f"moved {a} -> {b}"] for task, (a, b) in comparison.moved.items()]
    rows += [
        [f"partner {r.partner}", f"{r.value_before:.0f} -> {r.value_after:.0f}"]
        for r in comparison.partners.itertuples()
        if r.value_before != r.value_after
    ]
    rows.append(["total value", f"{comparison.total_before:.0f} -> {comparison.total_after:.0f}"])
    return Table(f"What-if: {results.what_if.describe()}", ["task", "change"], rows)
