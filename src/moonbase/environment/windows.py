"""Time windows (when something holds) found with one generic root finder.

:func:`find_windows` locates where a boolean function of time changes with the
algorithm of skyfield's :func:`~skyfield.searchlib.find_discrete`: sample on a grid,
then cut every bracket that shows a change into ``SUBDIVISIONS`` parts, again and
again, until brackets are shorter than ``epsilon_s``. Unlike skyfield's function it
starts from samples the caller already has (the site series), so the grid is not
computed twice. A state that lasts less than one grid step can be missed: the step is
a hint about the shortest window that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from skyfield.timelib import Time

SECONDS_PER_DAY = 86_400.0
SUBDIVISIONS = 12


@dataclass(frozen=True, eq=False)
class Windows:
    """Disjoint, sorted intervals inside a span, as TT Julian dates.

    ``starts_tt`` and ``stops_tt`` are parallel arrays; ``span_tt`` bounds them.
    Windows that touch the span's edges are cut there.
    """

    starts_tt: np.ndarray
    stops_tt: np.ndarray
    span_tt: tuple[float, float]

    @property
    def durations_days(self) -> np.ndarray:
        """Length of each window, days."""
        return self.stops_tt - self.starts_tt

    @property
    def span_days(self) -> float:
        """Length of the whole span, days."""
        return self.span_tt[1] - self.span_tt[0]

    def fraction(self) -> float:
        """Return the fraction of the span covered by windows."""
        return float(self.durations_days.sum() / self.span_days)

    def complement(self) -> Windows:
        """Return the gaps between windows within the span."""
        edges = np.concatenate(
            ([self.span_tt[0]], np.ravel([self.starts_tt, self.stops_tt], "F"), [self.span_tt[1]])
        )
        starts, stops = edges[0::2], edges[1::2]
        keep = stops > starts
        return Windows(starts[keep], stops[keep], self.span_tt)

    def intersection(self, other: Windows) -> Windows:
        """Return the windows where both this and ``other`` hold."""
        i = j = 0
        starts, stops = [], []
        while i < len(self.starts_tt) and j < len(other.starts_tt):
            lo = max(self.starts_tt[i], other.starts_tt[j])
            hi = min(self.stops_tt[i], other.stops_tt[j])
            if hi > lo:
                starts.append(lo)
                stops.append(hi)
            if self.stops_tt[i] < other.stops_tt[j]:
                i += 1
            else:
                j += 1
        return Windows(np.array(starts), np.array(stops), self.span_tt)

    def longest_days(self) -> float:
        """Return the longest window's length, days (0 when there is none)."""
        return float(self.durations_days.max()) if len(self.starts_tt) else 0.0


def find_windows(
    holds: Callable[[Time], np.ndarray],
    grid: Time,
    *,
    grid_holds: np.ndarray | None = None,
    epsilon_s: float = 1.0,
) -> tuple[Windows, np.ndarray, np.ndarray]:
    """Find where a boolean function of time holds over a sampled span.

    Parameters
    ----------
    holds : callable
        Takes a 1-D :class:`Time` array, returns a boolean array of the same shape.
    grid : Time
        Increasing sample times spanning the search; their spacing is the step hint.
    grid_holds : bool array, optional
        ``holds(grid)``, when the caller has it already.
    epsilon_s : float
        Precision to which each window edge is located, seconds.

    Returns
    -------
    windows : Windows
        The intervals where ``holds`` is true.
    edges_tt : float array
        TT Julian dates where the state changes.
    rises : bool array
        For each edge, True where the state turns true, False where it turns false.
    """
    ts = grid.ts
    grid_tt = np.asarray(grid.tt, dtype=float)
    states = np.asarray(holds(grid) if grid_holds is None else grid_holds, dtype=bool)
    epsilon_days = epsilon_s / SECONDS_PER_DAY
    fractions = np.linspace(0.0, 1.0, SUBDIVISIONS)

    jd, values = grid_tt, states
    while True:
        changes = np.flatnonzero(values[1:] != values[:-1])
        starts, ends = jd[changes], jd[changes + 1]
        if not len(changes) or (ends - starts).max() <= epsilon_days:
            edges_tt, rises = ends, values[changes + 1]
            break
        jd = (starts[:, None] + (ends - starts)[:, None] * fractions).ravel()
        values = np.asarray(holds(ts.tt_jd(jd)), dtype=bool)

    span_tt = (float(grid_tt[0]), float(grid_tt[-1]))
    boundaries = np.concatenate(([span_tt[0]], edges_tt, [span_tt[1]]))
    # The state is constant between boundaries; keep the stretches where it holds.
    state_after = np.concatenate(([states[0]], rises))
    starts, stops = boundaries[:-1][state_after], boundaries[1:][state_after]
    keep = stops > starts
    return Windows(starts[keep], stops[keep], span_tt), edges_tt, rises
