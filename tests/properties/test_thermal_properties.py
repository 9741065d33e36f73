"""Properties of the regolith forcing and the modules' balance."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moonbase.systems.regolith import RegolithModel, RegolithParameters, absorbed_flux_w_m2

angles = st.floats(-90.0, 90.0, allow_nan=False)
azimuths = st.floats(0.0, 360.0, allow_nan=False)
albedos = st.floats(0.0, 1.0, allow_nan=False)


@given(el=angles, az=azimuths, slope=st.floats(0.0, 90.0), aspect=azimuths, albedo=albedos)
def test_absorbed_flux_lies_between_zero_and_the_irradiance(el, az, slope, aspect, albedo):
    params = RegolithParameters(albedo=albedo)
    flux = absorbed_flux_w_m2(
        np.array([1000.0]), np.array([el]), np.array([az]), params=params,
        slope_deg=slope, aspect_deg=aspect,
    )[0]  # fmt: skip
    assert 0.0 <= flux <= 1000.0 * (1.0 - albedo) + 1e-9


@settings(deadline=None)  # the first example compiles (or loads) the numba kernel
@given(low=st.floats(0.0, 1300.0, allow_nan=False), extra=st.floats(1.0, 300.0, allow_nan=False))
def test_more_absorbed_flux_never_cools_the_surface(low, extra):
    # One implicit hour from the same state: the surface responds monotonically.
    model = RegolithModel()
    state = model.initial_state(200.0)
    cooler = model.integrate(state, [0.0, 3600.0], [low, low]).surface_k[-1]
    warmer = model.integrate(state, [0.0, 3600.0], [low + extra, low + extra]).surface_k[-1]
    assert warmer > cooler
