"""The campaign of missions: dates, payloads, what each delivers, whether the order works,
and what-ifs (a mission lost, as Luna-25 was in 2023, or slipped).

Feasibility rules checked:

- a mission lands no earlier than the missions it depends on;
- the station modules a mission delivers fit in its payload mass;
- a mission that is not standalone and brings science (science modules or instruments)
  lands no earlier than the station's power and communications modules.

A what-if removes missions (and with them every mission that depends on them) or slips
them (and their dependents, as far as their dependency needs); the portfolio is then
re-optimised with the missions that still fly (:func:`compare_portfolios`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from moonbase.errors import DurationError, WhatIfError
from moonbase.planning.portfolio import Portfolio, PortfolioProblem
from moonbase.scenario import Scenario, parse_duration

_YEARS = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(y|yr|year|years)\s*$", re.IGNORECASE)
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class WhatIf:  # the empty what-if (nothing removed or slipped) is the plan itself
    """Missions removed, and missions slipped by a duration."""

    without: tuple[str, ...] = ()
    slips: dict[str, timedelta] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.without or self.slips)

    def check(self, missions: list[str]) -> None:
        """Raise :class:`WhatIfError` for a mission it names that is not in ``missions``."""
        for name in [*self.without, *self.slips]:
            if name not in missions:
                raise WhatIfError(name, f"no mission named {name!r}; missions are {missions}")

    def describe(self) -> str:
        parts = [f"without {name}" for name in self.without]
        parts += [f"{name} slipped {delay.days} days" for name, delay in self.slips.items()]
        return ", ".join(parts) or "as planned"


def parse_slip(text: str) -> tuple[str, timedelta]:
    """Parse ``MISSION=DURATION``: ``ILRS-2=1y`` (years of 365.25 days), ``Chang'e-8=180d``,
    or any duration :func:`~moonbase.scenario.parse_duration` reads."""
    name, sep, duration = text.rpartition("=")
    if not sep or not name.strip():
        raise WhatIfError(text, "write MISSION=DURATION, e.g. ILRS-2=1y or Luna-27=180d")
    match = _YEARS.match(duration)
    if match:
        delay = timedelta(days=float(match.group(1)) * DAYS_PER_YEAR)
    else:
        try:
            delay = parse_duration(duration)
        except DurationError as error:
            raise WhatIfError(text, f"{error.reason}; write e.g. 1y, 6 months as 182d") from None
    return name.strip(), delay


@dataclass(frozen=True, eq=False)
class Campaign:
    """The missions as they would fly, and what is wrong with the plan.

    ``missions``: one row per mission (name, status, launch, landing, vehicle,
    payload_mass_kg, modules, modules_mass_kg, instruments_kg, tasks, depends_on,
    standalone). ``landing``: landing date of each mission that flies. ``issues``:
    feasibility problems found. ``changes``: what the what-if did.
    """

    missions: pd.DataFrame
    landing: dict[str, datetime]
    issues: list[str]
    changes: list[str]


def _order(scenario: Scenario) -> list[str]:
    """Missions with each after its dependencies (the scenario has no cycles)."""
    depends = {m.name: m.depends_on for m in scenario.programme.missions}
    done: list[str] = []

    def visit(name: str) -> None:
        if name not in done:
            for dependency in depends[name]:
                visit(dependency)
            done.append(name)

    for name in depends:
        visit(name)
    return done


def plan_campaign(
    scenario: Scenario,
    what_if: WhatIf | None = None,
    selected: dict[str, str] | None = None,
) -> Campaign:
    """Date the missions (under a what-if) and check the campaign's feasibility.

    ``selected`` (task id -> mission), when given, lists each mission's chosen tasks
    and lets the power-and-communications rule see which missions carry science.
    """
    programme = scenario.programme
    what_if = what_if or WhatIf()
    missions = {m.name: m for m in programme.missions}
    what_if.check(list(missions))
    changes: list[str] = []
    gone: dict[str, str] = {name: "removed" for name in what_if.without}
    launch = {n: m.launch + what_if.slips.get(n, timedelta(0)) for n, m in missions.items()}
    for name, delay in what_if.slips.items():
        changes.append(f"{name} slips {delay.days} days to {launch[name]:%Y-%m-%d}")
    for name in what_if.without:
        changes.append(f"{name} does not fly")
    landing: dict[str, datetime] = {}
    for name in _order(scenario):
        mission = missions[name]
        lost = [d for d in mission.depends_on if d in gone]
        if name not in gone and lost:
            gone[name] = f"lost with {lost[0]} (depends on it)"
            changes.append(f"{name} cannot fly: it depends on {lost[0]}")
        if name in gone:
            continue
        land = launch[name] + mission.transfer
        needed = max((landing[d] for d in mission.depends_on), default=land)
        if what_if and needed > land and name not in what_if.slips:
            launch[name] += needed - land
            changes.append(
                f"{name} slips {(needed - land).days} days to {launch[name]:%Y-%m-%d} "
                "to land after what it depends on"
            )
            land = needed
        landing[name] = land

    modules = {m.name: m for m in scenario.station.modules}
    selected = selected or {}
    issues = []
    for name, land in landing.items():
        mission = missions[name]
        for dependency in mission.depends_on:
            if landing[dependency] > land:
                issues.append(
                    f"{name} lands {land:%Y-%m-%d}, before {dependency} "
                    f"({landing[dependency]:%Y-%m-%d}) that it depends on"
                )
        modules_kg = sum(modules[n].mass_kg for n in mission.modules)
        if modules_kg > mission.payload_mass_kg:
            issues.append(
                f"{name}: its modules ({modules_kg:g} kg) exceed its payload "
                f"({mission.payload_mass_kg:g} kg)"
            )
        science = [n for n in mission.modules if modules[n].kind == "science"]
        science += [t for t, m in selected.items() if m == name]
        if mission.standalone or not science:
            continue
        for kind in ("power", "communications"):
            delivered = [
                landing[m] for m in landing for n in missions[m].modules if modules[n].kind == kind
            ]
            first = min(delivered, default=None)
            if first is None or first > land:
                when = "no mission delivers one" if first is None else f"first {first:%Y-%m-%d}"
                issues.append(
                    f"{name} brings science ({', '.join(science[:3])}) on {land:%Y-%m-%d} "
                    f"before a {kind} module ({when})"
                )

    rows = []
    for mission in programme.missions:
        name = mission.name
        modules_kg = sum(modules[n].mass_kg for n in mission.modules)
        rows.append(
            {
                "mission": name,
                "status": gone.get(name, "flies"),
                "launch": launch[name] if name not in gone else mission.launch,
                "landing": landing.get(name),
                "vehicle": mission.vehicle,
                "payload_mass_kg": mission.payload_mass_kg,
                "modules": ", ".join(mission.modules),
                "modules_mass_kg": modules_kg,
                "instruments_kg": max(0.0, mission.payload_mass_kg - modules_kg),
                "tasks": ", ".join(sorted(t for t, m in selected.items() if m == name)),
                "depends_on": ", ".join(mission.depends_on),
                "standalone": mission.standalone,
            }
        )
    return Campaign(pd.DataFrame(rows), landing, issues, changes)


@dataclass(frozen=True, eq=False)
class Comparison:
    """What a what-if costs: tasks lost (and why), gained, moved; partners' values."""

    lost: dict[str, str]
    gained: list[str]
    moved: dict[str, tuple[str, str]]
    partners: pd.DataFrame  # partner, value_before, value_after, share_before, share_after
    total_before: float
    total_after: float


def compare_portfolios(
    before: Portfolio, after: Portfolio, after_problem: PortfolioProblem
) -> Comparison:
    """Compare the planned portfolio with the one re-optimised under a what-if."""
    lost = {}
    for task in before.selected:
        if task not in after.selected:
            lost[task] = after_problem.excluded.get(task, "left out when re-optimised")
    moved = {
        t: (before.selected[t], after.selected[t])
        for t in before.selected
        if t in after.selected and before.selected[t] != after.selected[t]
    }
    partners = pd.DataFrame(
        {
            "partner": list(before.partner_value),
            "value_before": list(before.partner_value.values()),
            "value_after": [after.partner_value[p] for p in before.partner_value],
            "share_before": list(before.partner_share.values()),
            "share_after": [after.partner_share[p] for p in before.partner_value],
        }
    )
    return Comparison(
        lost=lost,
        gained=sorted(set(after.selected) - set(before.selected)),
        moved=moved,
        partners=partners,
        total_before=before.total_value,
        total_after=after.total_value,
    )
