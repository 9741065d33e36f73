"""The generic window finder on functions with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from moonbase.environment.windows import Windows, find_windows

T0 = 2_460_000.0


def _sine_above_half(t):
    # sin(2 pi x / 10) > 0.5 holds for x in (10 k + 5/6, 10 k + 25/6).
    return np.sin((t.tt - T0) * 2 * np.pi / 10.0) > 0.5


def test_edges_found_to_a_second(eph):
    grid = eph.ts.tt_jd(T0 + np.arange(1001) * 0.1)
    windows, edges, rises = find_windows(_sine_above_half, grid, epsilon_s=1.0)
    k = np.arange(10)
    assert np.allclose(windows.starts_tt - T0, 10 * k + 5 / 6, atol=1.5 / 86400)
    assert np.allclose(windows.stops_tt - T0, 10 * k + 25 / 6, atol=1.5 / 86400)
    assert list(rises) == [True, False] * 10
    assert len(edges) == 20
    assert windows.fraction() == pytest.approx(1 / 3, abs=1e-5)
    assert windows.complement().longest_days() == pytest.approx(20 / 3, abs=1e-4)


def test_state_holding_at_the_start_opens_a_window_there(eph):
    grid = eph.ts.tt_jd(T0 + 2.0 + np.arange(101) * 0.1)  # starts inside a window
    windows, _, _ = find_windows(_sine_above_half, grid)
    assert windows.starts_tt[0] == pytest.approx(T0 + 2.0)


def test_precomputed_samples_are_used(eph):
    grid = eph.ts.tt_jd(T0 + np.arange(11) * 1.0)
    calls = []

    def holds(t):
        calls.append(len(np.atleast_1d(t.tt)))
        return np.zeros(len(np.atleast_1d(t.tt)), dtype=bool)

    windows, _, _ = find_windows(holds, grid, grid_holds=np.zeros(11, dtype=bool))
    assert calls == []
    assert windows.fraction() == 0.0
    assert windows.complement().longest_days() == pytest.approx(10.0)


def test_intersection_and_complement():
    a = Windows(np.array([0.0, 5.0]), np.array([3.0, 8.0]), (0.0, 10.0))
    b = Windows(np.array([2.0, 7.5]), np.array([6.0, 10.0]), (0.0, 10.0))
    both = a.intersection(b)
    assert list(both.starts_tt) == [2.0, 5.0, 7.5]
    assert list(both.stops_tt) == [3.0, 6.0, 8.0]
    gaps = a.complement()
    assert list(gaps.starts_tt) == [3.0, 8.0]
    assert list(gaps.stops_tt) == [5.0, 10.0]
    assert a.fraction() + gaps.fraction() == pytest.approx(1.0)
