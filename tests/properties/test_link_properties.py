"""Properties of the relay's Kepler solver and of window unions."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from moonbase.environment.windows import Windows
from moonbase.systems.communications import inside, union
from moonbase.systems.orbit import OrbitalElements, eccentric_anomaly, propagate
from tests.properties.strategies import interval_sets

SPAN = (0.0, 100.0)


@given(
    st.floats(0.0, 0.99),
    st.lists(st.floats(-50.0, 50.0, allow_nan=False), min_size=1, max_size=20),
)
def test_kepler_equation_is_solved(eccentricity, mean_anomalies):
    m = np.array(mean_anomalies)
    big_e = eccentric_anomaly(m, eccentricity)
    residual = big_e - eccentricity * np.sin(big_e) - np.remainder(m, 2 * np.pi)
    assert np.abs(residual).max() < 1e-10


@given(st.floats(1800.0, 20_000.0), st.floats(0.0, 0.9), st.floats(0.0, 180.0))
def test_orbit_radius_stays_between_periapsis_and_apoapsis(a_km, e, inclination_deg):
    el = OrbitalElements(a_km, e, np.radians(inclination_deg), 0.1, 0.2, 0.3, 0.0)
    r = np.linalg.norm(propagate(el, np.linspace(0.0, 30.0, 500)), axis=0)
    assert r.min() >= a_km * (1 - e) * (1 - 1e-9)
    assert r.max() <= a_km * (1 + e) * (1 + 1e-9)


@given(interval_sets(SPAN), interval_sets(SPAN), st.lists(st.floats(0.0, 100.0), max_size=30))
def test_union_holds_where_either_holds(a, b, probes):
    wa, wb = Windows(*a, SPAN), Windows(*b, SPAN)
    both = union([wa, wb], SPAN)
    assert max(wa.fraction(), wb.fraction()) - 1e-12 <= both.fraction()
    assert both.fraction() <= wa.fraction() + wb.fraction() + 1e-12
    tt = np.array(probes)
    # Away from edges, the union holds exactly where one of the two holds.
    edges = np.concatenate([*a, *b])
    clear = np.array([np.all(np.abs(edges - x) > 1e-6) for x in tt], dtype=bool)
    expected = inside(wa, tt) | inside(wb, tt)
    assert np.array_equal(inside(both, tt)[clear], expected[clear])
