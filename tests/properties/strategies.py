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
