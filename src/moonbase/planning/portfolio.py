"""The portfolio of mutual interest: which tasks to fly, under the station's resources,
with fairness between partners as an explicit choice.

Binary ``x[t, m]`` says task ``t`` flies on mission ``m`` (one of the missions that can
carry it). Constraints: each task at most once; the instruments on each mission within
the mass it lands for them; the tasks' mean daily science energy, downlink and
supervised hours within the station's budgets. Partner ``p`` gets
``v_p = sum_t value[p, t] * x_t`` (its interest score above the scale's minimum), and a
share ``v_p / ideal_p`` of what it would get from the whole catalogue.

Fairness rules (``docs/design/planning.md`` has the equations):

- ``sum``: maximise the total value, sum_p v_p (utilitarian).
- ``maxmin``: maximise the worst-off partner's share, then the total among those
  portfolios (lexicographic, two solves).
- ``nash``: maximise the number of partners who get anything, then the product of the
  partners' values (the Nash bargaining solution with the no-programme disagreement
  point), as sum_p log v_p under a piecewise-linear under-estimate of log by secants on
  geometric breakpoints; the error is at most ``nash_error_log`` per partner.

Solved with HiGHS through :func:`scipy.optimize.milp`. :func:`exhaustive_portfolio`
enumerates small catalogues with the same definitions, as an independent check.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from moonbase.planning.resources import StationResources, need_mask
from moonbase.scenario.programme import Programme, Task

FAIRNESS = ("sum", "maxmin", "nash")
RESOURCES = {  # name -> (unit, description)
    "energy_wh_per_day": ("Wh/day", "science energy"),
    "downlink_mb_per_day": ("MB/day", "science downlink"),
    "supervised_h_per_day": ("h/day", "supervised operations"),
}
#: Per-partner bound on the error of the piecewise-linear log, in log units (a factor
#: exp(1e-3) - 1 = 0.1 % on each partner's value).
NASH_ERROR_LOG = 1e-3
HOURS_PER_DAY = 24.0


@dataclass(frozen=True, eq=False)
class PortfolioProblem:
    """A portfolio problem in arrays (T candidate tasks, P partners, M missions)."""

    tasks: tuple[str, ...]
    partners: tuple[str, ...]
    missions: tuple[str, ...]
    value: np.ndarray  # (P, T) value of each task to each partner
    ideal: np.ndarray  # (P,) each partner's value of the whole catalogue
    mass_kg: np.ndarray  # (T,)
    options: np.ndarray  # (T, M) bool: the task can fly on the mission
    mission_capacity_kg: np.ndarray  # (M,)
    demand: np.ndarray  # (R, T) mean daily use of each resource
    capacity: np.ndarray  # (R,)
    resources: tuple[str, ...] = tuple(RESOURCES)
    excluded: dict[str, str] = field(default_factory=dict)  # task id -> why not a candidate

    @property
    def eligible(self) -> np.ndarray:
        """Partners who value some candidate task: the ones fairness is about."""
        return (self.value.sum(axis=1) > 0) & (self.ideal > 0)

    def with_capacity(self, name: str, factor: float) -> PortfolioProblem:
        """Return the problem with one constraint's capacity scaled (for shadow prices)."""
        if name in self.resources:
            capacity = self.capacity.copy()
            capacity[self.resources.index(name)] *= factor
            return replace(self, capacity=capacity)
        capacity = self.mission_capacity_kg.copy()
        capacity[self.missions.index(name)] *= factor
        return replace(self, mission_capacity_kg=capacity)


def task_demand(task: Task) -> tuple[float, float, float]:
    """Return a task's mean daily energy (Wh), downlink (MB) and supervised hours."""
    duration_h = task.operation.duration.total_seconds() / 3600.0
    per_day = 86400.0 / task.operation.cadence.total_seconds()
    energy = task.power.standby_w * HOURS_PER_DAY + task.operating_energy_wh() * per_day
    return (
        energy,
        task.operation.data_mb * per_day,
        duration_h * per_day if task.operation.supervised else 0.0,
    )


def _why_not(
    task: Task,
    station: StationResources,
    flying: list[str],
    landing: dict[str, datetime],
    end: datetime,
) -> str | None:
    needs = task.needs
    if not flying:
        return f"none of its missions ({', '.join(task.missions)}) flies"
    if needs.shadowed_area_within_km is not None:
        distance = station.shadow_distance_km
        if distance is None:
            return (
                "needs a permanently shadowed area within "
                f"{needs.shadowed_area_within_km:g} km; unknown without terrain maps"
            )
        if distance > needs.shadowed_area_within_km:
            return (
                f"needs a permanently shadowed area within {needs.shadowed_area_within_km:g} km;"
                f" the nearest is {distance:.1f} km from {station.site}"
            )
    mask = need_mask(station, needs.light, needs.earth_in_view)
    duration_h = task.operation.duration.total_seconds() / 3600.0
    if not _has_run(mask, station.step_h, duration_h):
        return f"{station.site} never offers {duration_h:g} h of {_need_text(task)}"
    if task.operation.supervised and duration_h > station.supervised_h_per_day + 1e-9:
        return (
            f"one operation needs {duration_h:g} h of supervision; the ground team runs "
            f"{station.supervised_h_per_day:g} h a day"
        )
    peak = float(station.science_power_w[mask].max()) if mask.any() else 0.0
    if task.power.operating_w > peak:
        return f"operating power {task.power.operating_w:g} W exceeds the peak {peak:.0f} W"
    if needs.min_campaign is not None and all(
        landing[m] + needs.min_campaign > end for m in flying
    ):
        return (
            f"needs {needs.min_campaign.days} days on the surface; its missions land too late "
            f"for the programme's end ({end:%Y-%m-%d})"
        )
    return None


def _need_text(task: Task) -> str:
    parts = [] if task.needs.light == "any" else [task.needs.light]
    if task.needs.earth_in_view:
        parts.append("Earth in view")
    return " with ".join(parts) or "operation"


def _has_run(mask: np.ndarray, step_h: np.ndarray, hours: float) -> bool:
    # Longest stretch of consecutive samples where the mask holds, h.
    run = best = 0.0
    for holds, step in zip(mask, step_h, strict=True):
        run = run + step if holds else 0.0
        best = max(best, run)
    return best >= hours - 1e-9


def portfolio_problem(
    programme: Programme,
    station: StationResources,
    partners: list[str],
    landing: dict[str, datetime] | None = None,
) -> PortfolioProblem:
    """Build the portfolio problem of a programme at one site.

    Parameters
    ----------
    programme : Programme
    station : StationResources
        The site's science budgets (:func:`~moonbase.planning.resources.station_resources`).
    partners : list of str
        Partner codes, in the order results are reported.
    landing : dict, optional
        Landing date of each mission that flies (default: every mission, launch plus
        transfer). Missions left out do not fly (what-if: a lost mission).
    """
    if landing is None:
        landing = {m.name: m.launch + m.transfer for m in programme.missions}
    missions = tuple(m.name for m in programme.missions)
    per_task_cap = {m.name: m.max_task_mass_kg for m in programme.missions}
    capacity_kg = np.array([station.mission_mass_kg[m] for m in missions])
    scale = programme.interest_scale
    budgets = station.mean_daily()

    def values(task: Task) -> list[float]:
        return [max(0.0, task.interest.get(p, scale.min) - scale.min) for p in partners]

    ideal = np.sum([values(t) for t in programme.tasks], axis=0) if programme.tasks else None
    candidates, excluded, options = [], {}, []
    for task in programme.tasks:
        flying = [m for m in task.missions if m in landing]
        fits = [
            m
            for m in flying
            if task.mass_kg <= capacity_kg[missions.index(m)]
            and (per_task_cap[m] is None or task.mass_kg <= per_task_cap[m])
        ]
        minimum = task.needs.min_campaign
        fits = [m for m in fits if minimum is None or landing[m] + minimum <= programme.end]
        reason = _why_not(task, station, flying, landing, programme.end)
        demand = task_demand(task)
        if reason is None and not fits:
            reason = f"{task.mass_kg:g} kg does not fit on {', '.join(flying)}"
        if reason is None:
            over = [r for r, d in zip(RESOURCES, demand, strict=True) if d > budgets[r] + 1e-9]
            if over:
                r = over[0]
                reason = (
                    f"alone it needs {demand[list(RESOURCES).index(r)]:.0f} {RESOURCES[r][0]} "
                    f"of {RESOURCES[r][1]}; the station offers {budgets[r]:.0f}"
                )
        if reason is not None:
            excluded[task.id] = reason
            continue
        candidates.append(task)
        options.append([m in fits for m in missions])
    count = len(candidates)
    return PortfolioProblem(
        tasks=tuple(t.id for t in candidates),
        partners=tuple(partners),
        missions=missions,
        value=np.array([values(t) for t in candidates]).T.reshape(len(partners), count),
        ideal=np.zeros(len(partners)) if ideal is None else np.asarray(ideal, dtype=float),
        mass_kg=np.array([t.mass_kg for t in candidates], dtype=float),
        options=np.array(options, dtype=bool).reshape(count, len(missions)),
        mission_capacity_kg=capacity_kg,
        demand=np.array([task_demand(t) for t in candidates], dtype=float).T.reshape(3, count),
        capacity=np.array([budgets[r] for r in RESOURCES]),
        excluded=excluded,
    )


# ---------------------------------------------------------------------------------------
# Evaluating a choice (shared by the solver and the enumeration)


@dataclass(frozen=True, eq=False)
class Portfolio:
    """A chosen portfolio and how it shares value between partners.

    ``objective`` is the rule's own measure of the portfolio (total value, worst-off
    share, or sum of log values), computed exactly (not from the solver's approximation).
    """

    fairness: str
    selected: dict[str, str]  # task id -> mission
    partner_value: dict[str, float]
    partner_share: dict[str, float]  # value / value of the whole catalogue
    total_value: float
    worst_share: float  # over eligible partners
    served: int  # eligible partners with positive value
    nash_log: float  # sum of log values over served partners
    objective: float
    status: str = "optimal"
    mip_gap: float = 0.0
    solve_s: float = 0.0
    nash_error_log: float | None = None  # bound on the Nash objective's error, log units
    usage: pd.DataFrame | None = None  # constraint, used, capacity, unit

    def rank_key(self) -> tuple[float, ...]:
        """What the rule maximises, lexicographically (for comparing portfolios)."""
        if self.fairness == "sum":
            return (self.total_value,)
        if self.fairness == "maxmin":
            return (self.worst_share, self.total_value)
        return (float(self.served), self.nash_log)


def evaluate(problem: PortfolioProblem, chosen: np.ndarray, fairness: str, **extra) -> Portfolio:
    """Measure a choice: ``chosen[t]`` is a mission index, or -1 when task t stays home."""
    chosen = np.asarray(chosen, dtype=int)
    x = (chosen >= 0).astype(float)
    values = problem.value @ x
    eligible = problem.eligible
    shares = np.divide(values, problem.ideal, out=np.zeros_like(values), where=problem.ideal > 0)
    served = eligible & (values > 1e-9)
    worst = float(shares[eligible].min()) if eligible.any() else 0.0
    nash_log = float(np.log(values[served]).sum())
    total = float(values.sum())
    objective = {"sum": total, "maxmin": worst, "nash": nash_log}[fairness]
    used = np.concatenate(
        [
            [problem.mass_kg[chosen == m].sum() for m in range(len(problem.missions))],
            problem.demand @ x,
        ]
    )
    usage = pd.DataFrame(
        {
            "constraint": [*problem.missions, *problem.resources],
            "kind": ["mission mass"] * len(problem.missions) + ["station"] * len(problem.resources),
            "used": used,
            "capacity": np.concatenate([problem.mission_capacity_kg, problem.capacity]),
            "unit": ["kg"] * len(problem.missions) + [RESOURCES[r][0] for r in problem.resources],
        }
    )
    return Portfolio(
        fairness=fairness,
        selected={
            problem.tasks[t]: problem.missions[chosen[t]] for t in np.flatnonzero(chosen >= 0)
        },
        partner_value=dict(zip(problem.partners, values.tolist(), strict=True)),
        partner_share=dict(zip(problem.partners, shares.tolist(), strict=True)),
        total_value=total,
        worst_share=worst,
        served=int(served.sum()),
        nash_log=nash_log,
        objective=objective,
        usage=usage,
        **extra,
    )


def is_feasible(problem: PortfolioProblem, chosen: np.ndarray, tolerance: float = 1e-6) -> bool:
    """Whether a choice respects every option and capacity."""
    chosen = np.asarray(chosen, dtype=int)
    picked = np.flatnonzero(chosen >= 0)
    if not problem.options[picked, chosen[picked]].all():
        return False
    mass = np.array([problem.mass_kg[chosen == m].sum() for m in range(len(problem.missions))])
    use = problem.demand @ (chosen >= 0)
    scale = 1.0 + tolerance
    return bool(
        np.all(mass <= problem.mission_capacity_kg * scale + tolerance)
        and np.all(use <= problem.capacity * scale + tolerance)
    )


# ---------------------------------------------------------------------------------------
# The MILP


class _Model:
    """Rows ``A z <= b`` over variables z = (x pairs, auxiliaries), for milp and linprog."""

    def __init__(self, problem: PortfolioProblem):
        self.pairs = np.argwhere(problem.options)  # (n, 2): task, mission
        n = len(self.pairs)
        self.lower, self.upper = [0.0] * n, [1.0] * n
        self.integer = [1] * n
        self.rows: list[tuple[np.ndarray, np.ndarray]] = []
        self.rhs: list[float] = []
        self.names: list[str | None] = []
        self.c = np.zeros(n)
        task_of = self.pairs[:, 0]
        self.pair_value = problem.value[:, task_of]  # (P, n)
        for t in np.flatnonzero(problem.options.sum(axis=1) > 1):
            self.row(np.flatnonzero(task_of == t), 1.0, 1.0)
        for m, name in enumerate(problem.missions):
            on = np.flatnonzero(self.pairs[:, 1] == m)
            if len(on):
                self.row(on, problem.mass_kg[task_of[on]], problem.mission_capacity_kg[m], name)
        for r, name in enumerate(problem.resources):
            use = problem.demand[r, task_of]
            on = np.flatnonzero(use > 0)
            if len(on):
                self.row(on, use[on], problem.capacity[r], name)

    @property
    def n(self) -> int:
        return len(self.lower)

    def variable(self, lower: float, upper: float, integer: bool = False) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(int(integer))
        self.c = np.append(self.c, 0.0)
        return self.n - 1

    def row(self, index, coefficients, rhs: float, name: str | None = None) -> None:
        index = np.asarray(index, dtype=int)
        self.rows.append((index, np.broadcast_to(coefficients, index.shape).astype(float)))
        self.rhs.append(float(rhs))
        self.names.append(name)

    def at_least(self, coefficients: np.ndarray, bound: float, extra=()) -> None:
        """Add ``coefficients . x + sum(c_i z_i) >= bound`` over pairs (and auxiliaries)."""
        on = np.flatnonzero(coefficients)
        index = np.concatenate([on, [i for i, _ in extra]]).astype(int)
        values = np.concatenate([-coefficients[on], [-c for _, c in extra]])
        self.row(index, values, -bound)

    def matrix(self) -> csr_array:
        data = np.concatenate([v for _, v in self.rows]) if self.rows else np.zeros(0)
        cols = np.concatenate([i for i, _ in self.rows]) if self.rows else np.zeros(0, int)
        rows = np.repeat(np.arange(len(self.rows)), [len(i) for i, _ in self.rows])
        return csr_array((data, (rows, cols)), shape=(len(self.rows), self.n))

    def solve(self, time_limit_s: float | None, gap: float):
        """Maximise c.z; return (z, status text, relative gap) or (None, status, nan)."""
        options = {"mip_rel_gap": gap, "disp": False}
        if time_limit_s is not None:
            options["time_limit"] = time_limit_s
        constraints = (
            [LinearConstraint(self.matrix(), -np.inf, np.array(self.rhs))] if self.rows else []
        )
        result = milp(
            -self.c,
            constraints=constraints,
            integrality=np.array(self.integer),
            bounds=(np.array(self.lower), np.array(self.upper)),
            options=options,
        )
        if result.x is None:
            return None, ("infeasible" if result.status == 2 else result.message), math.nan
        status = "optimal" if result.status == 0 else "time limit"
        return result.x, status, float(getattr(result, "mip_gap", 0.0) or 0.0)

    def lp_duals(self) -> dict[str, float]:
        """Duals of the named rows in the LP relaxation: objective gained per unit."""
        result = linprog(
            -self.c,
            A_ub=self.matrix(),
            b_ub=np.array(self.rhs),
            bounds=list(zip(self.lower, self.upper, strict=True)),
            method="highs",
        )
        if result.status != 0:
            return {}
        marginals = result.ineqlin.marginals
        return {name: -float(marginals[i]) for i, name in enumerate(self.names) if name}

    def chosen(self, z: np.ndarray, tasks: int) -> np.ndarray:
        chosen = np.full(tasks, -1)
        for (t, m), on in zip(self.pairs, z[: len(self.pairs)], strict=True):
            if on > 0.5:
                chosen[t] = m
        return chosen


def nash_ratio(error_log: float) -> float:
    """Return the breakpoint ratio r whose secants under-estimate log by at most
    ``error_log``: on [a, r a] the error is -log(s) - 1 + s with s = log(r)/(r - 1)."""

    def error(r: float) -> float:
        s = math.log(r) / (r - 1.0)
        return -math.log(s) - 1.0 + s

    lo, hi = 1.0 + 1e-9, 4.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if error(mid) <= error_log else (lo, mid)
    return lo


def _objective_model(
    problem: PortfolioProblem, fairness: str, error_log: float, served_at_least: int | None
) -> tuple[_Model, list[int]]:
    """Build the model whose optimum is the rule's first objective."""
    model = _Model(problem)
    eligible = np.flatnonzero(problem.eligible)
    if fairness == "sum":
        model.c[: len(model.pairs)] = model.pair_value.sum(axis=0)
        return model, []
    if fairness == "maxmin":
        s = model.variable(0.0, 1.0)
        for p in eligible:  # v_p >= s ideal_p
            model.at_least(model.pair_value[p], 0.0, extra=[(s, -problem.ideal[p])])
        model.c[s] = 1.0
        return model, [s]
    # Nash. m_p: the smallest positive value partner p can get from one task; w = v/m >= 1.
    smallest = np.array(
        [problem.value[p][problem.value[p] > 0].min() if p in eligible else 1.0
         for p in range(len(problem.partners))]
    )  # fmt: skip
    flags = {p: model.variable(0.0, 1.0, integer=True) for p in eligible}
    for p in eligible:  # y_p = 1 only if v_p >= m_p
        model.at_least(model.pair_value[p], 0.0, extra=[(flags[p], -smallest[p])])
    if served_at_least is None:  # stage 1: serve as many partners as possible
        for p in eligible:
            model.c[flags[p]] = 1.0
        return model, list(flags.values())
    model.row(list(flags.values()), -1.0, -served_at_least)
    ratio = nash_ratio(error_log)
    for p in eligible:
        top = problem.value[p].sum() / smallest[p]
        z = model.variable(0.0, math.log(top) + 1e-9)
        model.c[z] = 1.0
        model.c[flags[p]] = math.log(smallest[p])
        model.row([z, flags[p]], [1.0, -math.log(top) - 1e-9], 0.0)  # z = 0 unless served
        count = max(1, math.ceil(math.log(top) / math.log(ratio)))
        points = np.geomspace(1.0, max(top, ratio), count + 1)
        for a, b in itertools.pairwise(points):
            slope = (math.log(b) - math.log(a)) / (b - a)
            # z <= log a + slope (v/m - a) + (1 - y): the +1 frees z when y = 0 (the
            # secant's value is >= -1 for v >= 0, since log a >= 0 and slope a <= 1).
            on = np.flatnonzero(model.pair_value[p])
            model.row(
                np.concatenate([[z, flags[p]], on]),
                np.concatenate([[1.0, 1.0], -slope * model.pair_value[p][on] / smallest[p]]),
                math.log(a) - slope * a + 1.0,
            )
    return model, [*flags.values()]


def solve_portfolio(
    problem: PortfolioProblem,
    fairness: str = "nash",
    *,
    time_limit_s: float | None = 60.0,
    gap: float = 1e-6,
    error_log: float = NASH_ERROR_LOG,
) -> Portfolio:
    """Choose the portfolio that the fairness rule prefers (see the module docstring).

    Parameters
    ----------
    problem : PortfolioProblem
    fairness : {"sum", "maxmin", "nash"}
    time_limit_s : float, optional
        Per solve; at the limit the best portfolio found is returned with its gap.
    gap : float
        Relative optimality gap at which HiGHS stops.
    error_log : float
        Bound on the piecewise-linear log's error per partner (Nash only).
    """
    if fairness not in FAIRNESS:
        raise ValueError(f"fairness must be one of {FAIRNESS}, not {fairness!r}")
    started = time.perf_counter()
    if not len(problem.tasks):
        return evaluate(problem, np.zeros(0, int), fairness)
    statuses, gaps = [], []

    def run(model: _Model):
        z, status, mip_gap = model.solve(time_limit_s, gap)
        statuses.append(status)
        if z is not None:  # a stage without a solution leaves the previous stage's answer
            gaps.append(mip_gap)
        return z

    extra = {}
    # Every model shares the x columns first, so any stage's z gives the choice.
    model, flags = _objective_model(problem, fairness, error_log, None)
    z = run(model)
    if z is None:
        raise RuntimeError(f"the portfolio solver failed: {statuses[-1]}")
    chosen = model.chosen(z, len(problem.tasks))
    if fairness != "sum":  # second stage; at its time limit without a solution, keep the first
        if fairness == "maxmin":
            worst = evaluate(problem, chosen, "maxmin").worst_share
            second = _best_total(problem, worst, run)
        else:
            served = round(sum(z[f] for f in flags))
            second = run(_objective_model(problem, "nash", error_log, served)[0])
            extra["nash_error_log"] = error_log * served
        if second is not None:
            chosen = model.chosen(second, len(problem.tasks))
    status = "optimal" if all(s == "optimal" for s in statuses) else "time limit"
    return evaluate(
        problem,
        chosen,
        fairness,
        status=status,
        mip_gap=max(gaps),
        solve_s=time.perf_counter() - started,
        **extra,
    )


def _best_total(problem: PortfolioProblem, worst_share: float, run) -> np.ndarray | None:
    """Maximise the total value with every eligible partner's share >= worst_share."""
    model, _ = _objective_model(problem, "sum", 0.0, None)
    for p in np.flatnonzero(problem.eligible):
        model.at_least(model.pair_value[p], (worst_share - 1e-9) * problem.ideal[p])
    return run(model)


# ---------------------------------------------------------------------------------------
# What more of a resource would buy, and the trade-off between total and fairness


def shadow_prices(
    problem: PortfolioProblem,
    base: Portfolio,
    *,
    step: float = 0.10,
    time_limit_s: float | None = 60.0,
    gap: float = 1e-6,
) -> pd.DataFrame:
    """Price each constraint by re-solving with ``step`` (10 %) more of it.

    An integer programme has no exact duals: the value of one more kg or Wh is a step
    function. So each capacity is raised by ``step`` and the portfolio re-optimised;
    ``gain`` is the change in the rule's objective (and ``total_gain`` in total value),
    ``per_unit`` the gain divided by the added capacity. A constraint ``binds`` when it
    is used up or the extra capacity buys something (used up yet buying nothing at +10 %
    means the next task needs more than 10 % more). ``lp_dual`` is the LP relaxation's
    dual at the same point: the marginal value if tasks could be flown in fractions (an
    upper-bound view).
    """
    fairness = base.fairness
    served = base.served if fairness == "nash" else None
    model, _ = _objective_model(problem, fairness, NASH_ERROR_LOG, served)
    duals = model.lp_duals() if len(problem.tasks) else {}
    rows = []
    for row in base.usage.itertuples():
        carries = (
            row.kind == "station"
            or problem.options[:, problem.missions.index(row.constraint)].any()
        )
        relevant = row.capacity > 0 and carries
        if not relevant:
            continue
        relaxed = solve_portfolio(
            problem.with_capacity(row.constraint, 1.0 + step),
            fairness,
            time_limit_s=time_limit_s,
            gap=gap,
        )
        gain = relaxed.objective - base.objective
        total_gain = relaxed.total_value - base.total_value
        rows.append(
            {
                "constraint": row.constraint,
                "kind": row.kind,
                "used": row.used,
                "capacity": row.capacity,
                "unit": row.unit,
                "slack": row.capacity - row.used,
                "gain": gain,
                "total_gain": total_gain,
                "per_unit": gain / (row.capacity * step),
                "lp_dual": duals.get(row.constraint, 0.0),
                "binds": bool(
                    row.capacity - row.used <= 1e-6 * row.capacity  # used up
                    or gain > 1e-9
                    or (abs(gain) <= 1e-9 and total_gain > 1e-9)
                ),
            }
        )
    return pd.DataFrame(rows)


#: How far above the last point's value each partner must be for the next point of the
#: Pareto front (value units: the interest scale's, whole numbers in practice).
FLOOR_MARGIN_VALUE = 1e-4


def pareto_front(
    problem: PortfolioProblem,
    *,
    max_points: int = 40,
    time_limit_s: float | None = 60.0,
    gap: float = 1e-6,
) -> pd.DataFrame:
    """Trace the trade-off between total value and the worst-off partner's share.

    Epsilon-constraint: for a floor e on every eligible partner's share, maximise the
    total value; then, at that total, maximise the worst share (so each point is
    non-dominated); raise e just above the share found and repeat until no portfolio
    reaches it. Returns the points (total_value, worst_share, tasks) in order of
    rising worst share.
    """
    points = []
    if not len(problem.tasks) or not problem.eligible.any():
        return pd.DataFrame(columns=["total_value", "worst_share", "tasks"])
    best_worst = solve_portfolio(problem, "maxmin", time_limit_s=time_limit_s, gap=gap).worst_share
    floor, margin = 0.0, 0.0
    while len(points) < max_points:
        model, _ = _objective_model(problem, "sum", 0.0, None)
        for p in np.flatnonzero(problem.eligible):
            model.at_least(model.pair_value[p], floor * problem.ideal[p] + margin)
        z, _, _ = model.solve(time_limit_s, gap)
        if z is None:
            break
        total = evaluate(problem, model.chosen(z, len(problem.tasks)), "sum").total_value
        fair, _ = _objective_model(problem, "maxmin", 0.0, None)
        fair.at_least(fair.pair_value.sum(axis=0), total - 1e-6)
        z, _, _ = fair.solve(time_limit_s, gap)
        point = evaluate(problem, fair.chosen(z, len(problem.tasks)), "maxmin")
        if points and point.worst_share <= points[-1][1] + 1e-9:
            break  # the solver's tolerance let the floor through: no further point
        points.append((point.total_value, point.worst_share, len(point.selected)))
        if point.worst_share >= best_worst - 1e-9:
            break
        # Next, every partner above this point's worst share by a margin in value units
        # well clear of HiGHS's feasibility tolerance (1e-6): a share step of 1e-6 was
        # satisfied by the same portfolio within that tolerance, ending the front early.
        floor, margin = point.worst_share, FLOOR_MARGIN_VALUE
    return pd.DataFrame(points, columns=["total_value", "worst_share", "tasks"])


def exhaustive_portfolio(
    problem: PortfolioProblem, fairness: str, max_combinations: int = 4_000_000
) -> Portfolio:
    """Enumerate every choice (each task home or on one of its missions) and return the
    one the rule prefers: the independent check of :func:`solve_portfolio`."""
    tasks = len(problem.tasks)
    choices = [np.concatenate([[-1], np.flatnonzero(problem.options[t])]) for t in range(tasks)]
    count = math.prod(len(c) for c in choices)
    if count > max_combinations:
        raise ValueError(f"{count} combinations is more than {max_combinations}")
    index = np.arange(count)
    chosen = np.empty((count, tasks), dtype=int)
    for t, options in enumerate(choices):
        chosen[:, t] = options[index % len(options)]
        index //= len(options)
    on = (chosen >= 0).astype(float)
    feasible = np.all(on @ problem.demand.T <= problem.capacity * (1 + 1e-9) + 1e-9, axis=1)
    for m in range(len(problem.missions)):
        mass = (chosen == m) @ problem.mass_kg
        feasible &= mass <= problem.mission_capacity_kg[m] * (1 + 1e-9) + 1e-9
    values = on @ problem.value.T  # (N, P)
    eligible = problem.eligible
    total = values.sum(axis=1)
    if fairness == "sum":
        keys = [total]
    elif fairness == "maxmin":
        shares = values[:, eligible] / problem.ideal[eligible]
        keys = [shares.min(axis=1) if eligible.any() else np.zeros(count), total]
    else:
        positive = values[:, eligible] > 1e-9
        logs = np.log(np.where(positive, values[:, eligible], 1.0))
        keys = [positive.sum(axis=1).astype(float), logs.sum(axis=1)]
    order = np.lexsort([np.where(feasible, k, -np.inf) for k in reversed(keys)])
    return evaluate(problem, chosen[order[-1]], fairness)
