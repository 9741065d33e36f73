"""Portfolio solver against exhaustive enumeration, on random small catalogues."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from moonbase.planning.portfolio import (
    FAIRNESS,
    exhaustive_portfolio,
    is_feasible,
    pareto_front,
    solve_portfolio,
)
from tests.properties.strategies import portfolio_problems


def _choice(problem, portfolio) -> np.ndarray:
    return np.array(
        [
            problem.missions.index(portfolio.selected[t]) if t in portfolio.selected else -1
            for t in problem.tasks
        ]
    )


@settings(max_examples=40, deadline=None)
@given(portfolio_problems())
def test_solver_equals_enumeration_and_respects_every_constraint(problem):
    for fairness in FAIRNESS:
        solved = solve_portfolio(problem, fairness)
        best = exhaustive_portfolio(problem, fairness)
        assert solved.status == "optimal"
        assert is_feasible(problem, _choice(problem, solved))
        if fairness == "nash":
            # Same number of partners served; the log-product within the stated bound.
            assert solved.served == best.served
            assert solved.nash_log >= best.nash_log - solved.nash_error_log - 1e-9
            assert solved.nash_log <= best.nash_log + 1e-9
        else:
            assert np.allclose(solved.rank_key(), best.rank_key(), rtol=0, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(portfolio_problems(max_tasks=7))
def test_pareto_front_runs_from_the_sum_optimum_to_the_maxmin_optimum(problem):
    front = pareto_front(problem)
    if front.empty:
        return
    assert np.all(np.diff(front.worst_share) > 0)
    assert np.all(np.diff(front.total_value) <= 1e-9)
    assert np.isclose(front.total_value.iloc[0], exhaustive_portfolio(problem, "sum").total_value)
    assert np.isclose(
        front.worst_share.iloc[-1], exhaustive_portfolio(problem, "maxmin").worst_share
    )
