"""Reusable hypothesis strategies for moonbase's property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from moonbase.environment.horizon import Horizon

latitudes = st.floats(-90.0, 90.0, allow_nan=False)
longitudes = st.floats(0.0, 360.0, allow_nan=False, exclude_max=True)
heights_m = st.floats(0.0, 100.0, allow_nan=False)
disc_radii_deg = st.floats(0.05, 1.0, allow_nan=False)
elevations_deg = st.floats(-10.0, 10.0, allow_nan=False)


@st.composite
def tabulated_horizons(draw, max_knots: int = 12) -> Horizon:
    """A skyline table of 2..max_knots knots at increasing azimuths, over a floor."""
    count = draw(st.integers(2, max_knots))
    azimuths = sorted(draw(st.sets(st.integers(0, 3599), min_size=count, max_size=count)))
    elevations = draw(
        st.lists(st.floats(-3.0, 8.0, allow_nan=False), min_size=count, max_size=count)
    )
    floor = draw(st.floats(-2.0, 1.0, allow_nan=False))
    return Horizon(floor, np.array(azimuths) / 10.0, np.array(elevations))


@st.composite
def interval_sets(draw, span: tuple[float, float] = (0.0, 100.0)):
    """Sorted, disjoint intervals inside ``span`` as (starts, stops) arrays."""
    points = sorted(draw(st.sets(st.floats(span[0], span[1], allow_nan=False), max_size=20)))
    if len(points) % 2:
        points = points[:-1]
    return np.array(points[0::2]), np.array(points[1::2])


@st.composite
def portfolio_problems(draw, max_tasks: int = 8, max_partners: int = 4, max_missions: int = 3):
    """A small portfolio problem: integer interest scores (often zero), masses, mission
    options (every task has at least one), capacities that bind sometimes."""
    from moonbase.planning.portfolio import PortfolioProblem

    tasks = draw(st.integers(1, max_tasks))
    partners = draw(st.integers(1, max_partners))
    missions = draw(st.integers(1, max_missions))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    options = rng.random((tasks, missions)) < 0.4
    options[np.arange(tasks), rng.integers(0, missions, tasks)] = True
    value = rng.integers(0, 11, (partners, tasks)) * (rng.random((partners, tasks)) < 0.5)
    return PortfolioProblem(
        tasks=tuple(f"t{i}" for i in range(tasks)),
        partners=tuple(f"P{i}" for i in range(partners)),
        missions=tuple(f"m{i}" for i in range(missions)),
        value=value.astype(float),
        # What each partner wants from the whole catalogue (some tasks are not candidates).
        ideal=value.sum(axis=1) + rng.integers(0, 5, partners).astype(float),
        mass_kg=rng.uniform(1.0, 50.0, tasks).round(1),
        options=options,
        mission_capacity_kg=rng.uniform(20.0, 120.0, missions).round(1),
        demand=rng.uniform(0.0, 10.0, (3, tasks)).round(2),
        capacity=rng.uniform(5.0, 40.0, 3).round(1),
    )
