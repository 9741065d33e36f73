"""Portfolio: fixed cases whose answers are worked out by hand, the Nash error bound,
shadow prices, and the problem built from the default catalogue."""

from __future__ import annotations

import math

import numpy as np
import pytest

from moonbase.planning.portfolio import (
    PortfolioProblem,
    exhaustive_portfolio,
    nash_ratio,
    shadow_prices,
    solve_portfolio,
)


def _problem(value, mass, capacity_kg, ideal=None, demand=None, capacity=None):
    value = np.array(value, dtype=float)
    tasks = value.shape[1]
    return PortfolioProblem(
        tasks=tuple(f"t{i + 1}" for i in range(tasks)),
        partners=tuple("AB"[: value.shape[0]]),
        missions=("m",),
        value=value,
        ideal=value.sum(axis=1) if ideal is None else np.array(ideal, float),
        mass_kg=np.array(mass, float),
        options=np.ones((tasks, 1), bool),
        mission_capacity_kg=np.array([capacity_kg], float),
        demand=np.zeros((3, tasks)) if demand is None else np.array(demand, float),
        capacity=np.ones(3) if capacity is None else np.array(capacity, float),
    )


# Two partners, room for two of four tasks. A values t1 10, t2 8, t4 1; B values t3 2, t4 6.
# Sum: {t1, t2} = 18. Max-min: {t1, t4} gives A 11/19 and B 6/8, the best worst share
# (0.579). Nash: {t1, t4} gives 11 x 6 = 66, above {t2, t4} 9 x 6 = 54 and {t1, t3} 20.
TWO_PARTNERS = _problem([[10, 8, 0, 1], [0, 0, 2, 6]], [1, 1, 1, 1], 2)


@pytest.mark.parametrize(
    ("fairness", "chosen", "objective"),
    [
        ("sum", {"t1", "t2"}, 18.0),
        ("maxmin", {"t1", "t4"}, 11 / 19),
        ("nash", {"t1", "t4"}, math.log(66)),
    ],
)
def test_fairness_rules_on_a_worked_case(fairness, chosen, objective):
    portfolio = solve_portfolio(TWO_PARTNERS, fairness)
    assert set(portfolio.selected) == chosen
    assert portfolio.objective == pytest.approx(objective, abs=1e-9)
    assert portfolio.status == "optimal"
    assert set(exhaustive_portfolio(TWO_PARTNERS, fairness).selected) == chosen


def test_partner_shares_are_of_the_whole_catalogue():
    portfolio = solve_portfolio(TWO_PARTNERS, "maxmin")
    assert portfolio.partner_value == {"A": 11.0, "B": 6.0}
    assert portfolio.partner_share == pytest.approx({"A": 11 / 19, "B": 6 / 8})
    assert portfolio.worst_share == pytest.approx(11 / 19)


def test_nash_serves_as_many_partners_as_can_be_served_first():
    # One slot: A or B, never both; Nash gives the slot to the larger value (10 > 3).
    problem = _problem([[10, 0], [0, 3]], [1, 1], 1)
    portfolio = solve_portfolio(problem, "nash")
    assert portfolio.served == 1 and set(portfolio.selected) == {"t1"}
    assert exhaustive_portfolio(problem, "nash").served == 1


def test_nash_secants_under_estimate_log_by_at_most_the_stated_error():
    for error in (1e-2, 1e-3, 1e-4):
        ratio = nash_ratio(error)
        w = np.linspace(1.0, ratio, 10001)
        secant = np.log(ratio) * (w - 1.0) / (ratio - 1.0)
        worst = float((np.log(w) - secant).max())
        assert 0.0 <= worst <= error
        assert worst > 0.98 * error  # the ratio is the widest that meets the bound


def test_shadow_prices_re_solve_with_more_capacity():
    # Mass binds (room for 2 tasks of 1 kg); energy does not (uses 2 of 10).
    problem = _problem(
        [[10, 8, 5]], [1, 1, 1], 2, demand=[[1, 1, 1], [0, 0, 0], [0, 0, 0]], capacity=[10, 1, 1]
    )
    base = solve_portfolio(problem, "sum")
    prices = shadow_prices(problem, base, step=0.5).set_index("constraint")
    assert prices.loc["m", "binds"] and prices.loc["m", "gain"] == pytest.approx(5.0)
    assert prices.loc["m", "per_unit"] == pytest.approx(5.0)  # +1 kg buys t3
    assert not prices.loc["energy_wh_per_day", "binds"]
    assert prices.loc["energy_wh_per_day", "slack"] == pytest.approx(8.0)
    # The LP relaxation prices the kilogram at the best marginal task: 5 per kg.
    assert prices.loc["m", "lp_dual"] == pytest.approx(5.0)


def test_unknown_fairness_is_refused():
    with pytest.raises(ValueError, match="fairness must be one of"):
        solve_portfolio(TWO_PARTNERS, "borda")
