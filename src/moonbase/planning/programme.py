"""The planning stage: portfolio, trade-offs, schedule per site and campaign, in one call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import xarray as xr

from moonbase.planning.campaign import (
    Campaign,
    Comparison,
    WhatIf,
    compare_portfolios,
    plan_campaign,
)
from moonbase.planning.portfolio import (
    FAIRNESS,
    Portfolio,
    PortfolioProblem,
    pareto_front,
    portfolio_problem,
    shadow_prices,
    solve_portfolio,
)
from moonbase.planning.resources import StationResources, station_resources
from moonbase.planning.schedule import Schedule, schedule_operations
from moonbase.scenario import Scenario


@dataclass(frozen=True, eq=False)
class ProgrammeResults:
    """The science programme planned at the station's site.

    ``portfolio`` is chosen by ``fairness``; ``rules`` holds the portfolio of every
    fairness rule for comparison. ``schedules`` places the chosen portfolio at every
    site. With a what-if, ``campaign`` and ``portfolio`` are the what-if's and
    ``comparison`` says what the plan loses against ``planned`` (the portfolio as
    planned).
    """

    site: str
    fairness: str
    stations: dict[str, StationResources]  # the budgets at every scheduled site
    problem: PortfolioProblem
    portfolio: Portfolio
    rules: dict[str, Portfolio]
    shadow_prices: pd.DataFrame
    pareto: pd.DataFrame
    schedules: dict[str, Schedule]
    campaign: Campaign
    what_if: WhatIf
    planned: Portfolio | None = None
    comparison: Comparison | None = None

    @property
    def station(self) -> StationResources:
        """The budgets at the station's site."""
        return self.stations[self.site]

    def task_values(self) -> dict[str, float]:
        """Each candidate task's value summed over partners."""
        return dict(zip(self.problem.tasks, self.problem.value.sum(axis=0).tolist(), strict=True))


def plan_programme(
    scenario: Scenario,
    series: xr.Dataset,
    suitability: pd.DataFrame | None = None,
    power: xr.Dataset | None = None,
    links: xr.Dataset | None = None,
    *,
    fairness: str | None = None,
    what_if: WhatIf | None = None,
    schedule_sites: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ProgrammeResults:
    """Plan the scenario's programme.

    Parameters
    ----------
    scenario : Scenario
        With a ``programme`` section.
    series : xarray.Dataset
        The environment series ``(site, time)``.
    suitability : pandas.DataFrame, optional
        The terrain suitability table (distance to permanent shadow by site).
    power : xarray.Dataset, optional
        The power simulation's series (``Results.power.series``): science gets its surplus.
    links : xarray.Dataset, optional
        The links' rate series (``rate_mbit_s (site, link, time)``): the downlink.
    fairness : {"sum", "maxmin", "nash"}, optional
        Defaults to the programme's.
    what_if : WhatIf, optional
        Missions removed or slipped; the portfolio is re-optimised and compared.
    schedule_sites : list of str, optional
        Sites to schedule at (default: every site in ``series``).
    progress : callable, optional
        Called with a label after each schedule.
    """
    programme = scenario.programme
    what_if = what_if or WhatIf()
    fairness = fairness or programme.fairness
    site = programme.site or scenario.sites[0].name
    partners = [p.code for p in scenario.partners]
    station = station_resources(scenario, series, site, suitability, power, links)

    planned_campaign = plan_campaign(scenario)
    problem = portfolio_problem(programme, station, partners, planned_campaign.landing)
    planned = solve_portfolio(problem, fairness)
    campaign, comparison = plan_campaign(scenario, selected=planned.selected), None
    rules = {fairness: planned}
    if what_if:
        campaign = plan_campaign(scenario, what_if)
        problem = portfolio_problem(programme, station, partners, campaign.landing)
        portfolio = solve_portfolio(problem, fairness)
        campaign = plan_campaign(scenario, what_if, portfolio.selected)
        comparison = compare_portfolios(planned, portfolio, problem)
        rules = {fairness: portfolio}
    portfolio = rules[fairness]
    for rule in FAIRNESS:
        if rule not in rules:
            rules[rule] = solve_portfolio(problem, rule)

    chosen = [t for t in programme.tasks if t.id in portfolio.selected]
    values = dict(zip(problem.tasks, problem.value.sum(axis=0).tolist(), strict=True))
    stations, schedules = {site: station}, {}
    for name in schedule_sites or [str(s) for s in series.site.values]:
        if name not in stations:
            stations[name] = station_resources(scenario, series, name, suitability, power, links)
        schedules[name] = schedule_operations(chosen, values, stations[name])
        if progress is not None:
            progress(f"schedule {name}")
    return ProgrammeResults(
        site=site,
        fairness=fairness,
        stations=stations,
        problem=problem,
        portfolio=portfolio,
        rules=rules,
        shadow_prices=shadow_prices(problem, portfolio),
        pareto=pareto_front(problem),
        schedules=schedules,
        campaign=campaign,
        what_if=what_if,
        planned=planned if what_if else None,
        comparison=comparison,
    )


def portfolio_table(scenario: Scenario, results: ProgrammeResults) -> pd.DataFrame:
    """Every task of the catalogue: chosen or not (and why not), mission, value, demands."""
    from moonbase.planning.portfolio import task_demand

    values = results.task_values()
    rows = []
    for task in scenario.programme.tasks:
        energy, data, hours = task_demand(task)
        chosen = results.portfolio.selected.get(task.id)
        reason = results.problem.excluded.get(task.id, "" if chosen else "not chosen")
        rows.append(
            {
                "task": task.id,
                "title": task.title,
                "direction": task.direction,
                "proposers": " ".join(task.partners),
                "selected": chosen is not None,
                "mission": chosen or "",
                "value": values.get(task.id, 0.0),
                "mass_kg": task.mass_kg,
                "energy_wh_per_day": round(energy, 3),
                "downlink_mb_per_day": round(data, 3),
                "supervised_h_per_day": round(hours, 3),
                "why_not": reason,
            }
        )
    return pd.DataFrame(rows)


def partners_table(results: ProgrammeResults) -> pd.DataFrame:
    """Each partner's value and share under every fairness rule."""
    table = pd.DataFrame({"partner": list(results.portfolio.partner_value)})
    for rule, portfolio in results.rules.items():
        table[f"value_{rule}"] = [portfolio.partner_value[p] for p in table.partner]
        table[f"share_{rule}"] = [portfolio.partner_share[p] for p in table.partner]
    return table


def rules_table(results: ProgrammeResults) -> pd.DataFrame:
    """One row per fairness rule: total value, worst share, Nash log-product, tasks."""
    return pd.DataFrame(
        [
            {
                "fairness": rule,
                "total_value": p.total_value,
                "worst_share": p.worst_share,
                "nash_log": p.nash_log,
                "partners_served": p.served,
                "tasks": len(p.selected),
                "status": p.status,
                "solve_s": p.solve_s,
            }
            for rule, p in results.rules.items()
        ]
    )


def schedule_table(results: ProgrammeResults) -> pd.DataFrame:
    """Every placed operation at every scheduled site."""
    frames = [s.operations for s in results.schedules.values() if not s.operations.empty]
    if not frames:
        return pd.DataFrame(columns=["site", "task", "day", "start_utc", "duration_h"])
    return pd.concat(frames, ignore_index=True)
