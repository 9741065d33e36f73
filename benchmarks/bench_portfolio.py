"""Benchmark: the portfolio MILP on 200 tasks from 15 partners over 8 missions.

Run:  python benchmarks/bench_portfolio.py [--tasks 200] [--time-limit 120] [--seed 2035]

A random but seeded catalogue of realistic sizes: instruments of 1-250 kg (log-normal,
median ~15 kg), each proposed by one or two partners who score it 6-10 and of interest
to 0-4 others (2-7), flying on one or two of 8 missions whose instrument capacity is
about a third of what is proposed for them; mean daily energy 20-4000 Wh, downlink
10-6000 MB, a third of the tasks supervised 1-6 h a day; the station's budgets about a
third of the total demand. Each fairness rule is solved with HiGHS (scipy.optimize.milp)
to a relative gap of 1e-6 under a time limit per solve, reporting time and gap.

Baselines, in the same run: a greedy heuristic (tasks by total value per kg, each put on
the allowed mission with the most room if everything still fits) on the same catalogue;
and exhaustive enumeration of a 16-task subset, which must agree with the MILP.
Results are printed and written to ``benchmarks/results/portfolio.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from moonbase.planning.portfolio import (
    FAIRNESS,
    PortfolioProblem,
    evaluate,
    exhaustive_portfolio,
    is_feasible,
    solve_portfolio,
)
from results_file import machine, record

RESULTS = Path(__file__).parent / "results" / "portfolio.json"


def catalogue(tasks: int, partners: int, missions: int, seed: int) -> PortfolioProblem:
    """A seeded random catalogue of realistic sizes (see the module docstring)."""
    rng = np.random.default_rng(seed)
    value = np.zeros((partners, tasks))
    for t in range(tasks):
        proposers = rng.choice(partners, size=rng.integers(1, 3), replace=False)
        value[proposers, t] = rng.integers(6, 11, len(proposers))
        others = rng.choice(partners, size=rng.integers(0, 5), replace=False)
        others = others[value[others, t] == 0]
        value[others, t] = rng.integers(2, 8, len(others))
    mass = np.clip(rng.lognormal(np.log(15.0), 1.0, tasks), 1.0, 250.0).round(1)
    options = np.zeros((tasks, missions), bool)
    options[np.arange(tasks), rng.integers(0, missions, tasks)] = True
    second = rng.random(tasks) < 0.3
    options[np.flatnonzero(second), rng.integers(0, missions, second.sum())] = True
    proposed = (options * mass[:, None]).sum(axis=0)
    demand = np.vstack(
        [
            np.clip(rng.lognormal(np.log(200.0), 1.0, tasks), 20.0, 4000.0),
            np.clip(rng.lognormal(np.log(300.0), 1.2, tasks), 10.0, 6000.0),
            np.where(rng.random(tasks) < 1 / 3, rng.uniform(1.0, 6.0, tasks), 0.0),
        ]
    ).round(1)
    return PortfolioProblem(
        tasks=tuple(f"T{t:03d}" for t in range(tasks)),
        partners=tuple(f"P{p:02d}" for p in range(partners)),
        missions=tuple(f"M{m}" for m in range(missions)),
        value=value,
        ideal=value.sum(axis=1),
        mass_kg=mass,
        options=options,
        mission_capacity_kg=(proposed / 3.0).round(0),
        demand=demand,
        capacity=(demand.sum(axis=1) / 3.0).round(0),
    )


def greedy(problem: PortfolioProblem) -> np.ndarray:
    """Tasks by total value per kg; each on its roomiest allowed mission if all fits."""
    order = np.argsort(-problem.value.sum(axis=0) / problem.mass_kg, kind="stable")
    room = problem.mission_capacity_kg.astype(float).copy()
    left = problem.capacity.astype(float).copy()
    chosen = np.full(len(problem.tasks), -1)
    for t in order:
        allowed = np.flatnonzero(problem.options[t])
        m = allowed[np.argmax(room[allowed])]
        if problem.mass_kg[t] <= room[m] and np.all(problem.demand[:, t] <= left):
            chosen[t] = m
            room[m] -= problem.mass_kg[t]
            left -= problem.demand[:, t]
    return chosen


def subset(problem: PortfolioProblem, size: int, seed: int) -> PortfolioProblem:
    """``size`` tasks of the catalogue with capacities scaled to their share."""
    keep = np.sort(np.random.default_rng(seed).choice(len(problem.tasks), size, replace=False))
    share = size / len(problem.tasks)
    return PortfolioProblem(
        tasks=tuple(problem.tasks[i] for i in keep),
        partners=problem.partners,
        missions=problem.missions,
        value=problem.value[:, keep],
        ideal=problem.value[:, keep].sum(axis=1),
        mass_kg=problem.mass_kg[keep],
        options=problem.options[keep],
        mission_capacity_kg=problem.mission_capacity_kg * share,
        demand=problem.demand[:, keep],
        capacity=problem.capacity * share,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--partners", type=int, default=15)
    parser.add_argument("--missions", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=2035)
    parser.add_argument("--subset", type=int, default=16)
    args = parser.parse_args()

    problem = catalogue(args.tasks, args.partners, args.missions, args.seed)
    result: dict = {
        "command": "python benchmarks/bench_portfolio.py "
        f"--tasks {args.tasks} --time-limit {args.time_limit:g} --seed {args.seed}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "tasks": args.tasks,
        "partners": args.partners,
        "missions": args.missions,
        "mission_options": int(problem.options.sum()),
        "solver": "HiGHS via scipy.optimize.milp, mip_rel_gap 1e-6",
        "time_limit_s_per_solve": args.time_limit,
    }

    began = time.perf_counter()
    chosen = greedy(problem)
    greedy_s = time.perf_counter() - began
    assert is_feasible(problem, chosen)
    baseline = {rule: evaluate(problem, chosen, rule) for rule in FAIRNESS}
    result["greedy_s"] = round(greedy_s, 4)
    result["greedy_tasks"] = int((chosen >= 0).sum())

    for rule in FAIRNESS:
        portfolio = solve_portfolio(problem, rule, time_limit_s=args.time_limit)
        choice = np.array(
            [
                problem.missions.index(portfolio.selected[t]) if t in portfolio.selected else -1
                for t in problem.tasks
            ]
        )
        assert is_feasible(problem, choice)
        result[f"{rule}_s"] = round(portfolio.solve_s, 3)
        result[f"{rule}_status"] = portfolio.status
        result[f"{rule}_gap"] = portfolio.mip_gap
        result[f"{rule}_objective"] = round(portfolio.objective, 6)
        result[f"{rule}_greedy_objective"] = round(baseline[rule].objective, 6)
        result[f"{rule}_total_value"] = portfolio.total_value
        result[f"{rule}_worst_share"] = round(portfolio.worst_share, 4)
        if rule == "nash":
            result["nash_error_bound_log"] = portfolio.nash_error_log
    result["sum_value_over_greedy"] = round(result["sum_objective"] / baseline["sum"].objective, 4)
    result["greedy_worst_share"] = round(baseline["maxmin"].worst_share, 4)

    small = subset(problem, args.subset, args.seed)
    result["subset_tasks"] = args.subset
    for rule in FAIRNESS:
        began = time.perf_counter()
        best = exhaustive_portfolio(small, rule)
        enumeration_s = time.perf_counter() - began
        solved = solve_portfolio(small, rule)
        tolerance = (solved.nash_error_log or 0.0) + 1e-6
        agree = all(
            abs(a - b) <= tolerance for a, b in zip(solved.rank_key(), best.rank_key(), strict=True)
        )
        result[f"subset_{rule}_enumeration_s"] = round(enumeration_s, 3)
        result[f"subset_{rule}_milp_s"] = round(solved.solve_s, 3)
        result[f"subset_{rule}_agrees"] = agree
    record(result, RESULTS)


if __name__ == "__main__":
    main()
