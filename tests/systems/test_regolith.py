"""Unit checks of the regolith model: analytic steady states, energy, numerics, inputs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.errors import ThermalInputError
from moonbase.systems.regolith import (
    STEFAN_BOLTZMANN_W_M2_K4,
    RegolithModel,
    RegolithParameters,
    absorbed_flux_w_m2,
    idealised_flux_w_m2,
    layer_grid,
    regolith_temperature,
    skin_depth_m,
)

PERIOD_S = SYNODIC_MONTH_D * 86_400.0


def lunation(step_s: float) -> np.ndarray:
    return np.linspace(0.0, PERIOD_S, round(PERIOD_S / step_s) + 1)


def conductive_profile(params: RegolithParameters, surface_k: float, depths_m: np.ndarray):
    """Solve k(T, z) dT/dz = Q from the surface down (independent of the model's grid)."""
    chi, q = params.radiative_conductivity_chi, params.heat_flow_w_m2

    def slope(z, t):
        return q / (params.contact_conductivity_w_m_k(z) * (1.0 + chi * (t / 350.0) ** 3))

    solution = solve_ivp(slope, (0.0, depths_m[-1]), [surface_k], t_eval=depths_m, rtol=1e-10)
    return solution.y[0]


@pytest.mark.parametrize("flux_w_m2", [0.0, 300.0])
@pytest.mark.parametrize("chi", [0.0, 2.7])
def test_constant_flux_reaches_radiative_equilibrium_over_the_conductive_profile(flux_w_m2, chi):
    # Steady state: eps sigma Ts^4 = S + Q at the surface, and below it the interior heat
    # flow conducted up: k dT/dz = Q. Tolerances: 1e-6 K at the surface (Newton's), and
    # 0.01 K in the profile (the midpoint rule of the half-cell resistances; 0.003 K
    # measured over a ~5 K rise).
    params = RegolithParameters(radiative_conductivity_chi=chi)
    model = RegolithModel(params)
    time_s = np.array([0.0, 30 * 86_400.0])
    spun = model.spin_up(time_s, np.full(2, flux_w_m2), tolerance_k=1e-8, max_cycles=300)
    assert spun.converged
    surface_k = (
        (flux_w_m2 + params.heat_flow_w_m2) / (params.emissivity * STEFAN_BOLTZMANN_W_M2_K4)
    ) ** 0.25
    assert spun.state[0] == pytest.approx(surface_k, abs=1e-6)
    expected = conductive_profile(params, surface_k, model.node_depths_m)
    np.testing.assert_allclose(spun.state, expected, atol=0.01)
    assert expected[-1] - expected[0] > 1.0  # the check sees the gradient


@pytest.fixture(scope="module")
def periodic():
    model = RegolithModel()
    time_s = lunation(3600.0)
    flux = idealised_flux_w_m2(time_s, params=model.params)
    return model, time_s, flux, model.spin_up(time_s, flux)


def test_energy_is_conserved_step_by_step(periodic):
    # Discrete identity of the enthalpy form: column enthalpy change = net surface energy
    # + interior heat flow, to the Newton tolerance (1e-7 K x column heat capacity ~1e6
    # J/m2/K per step: 1 J/m2 against ~1e9 J/m2 absorbed).
    model, time_s, flux, spun = periodic
    start = spun.state
    run = model.integrate(start, time_s, 0.5 * flux)  # the column cools: stored heat leaves
    gained = model.enthalpy_j_m2(run.state) - model.enthalpy_j_m2(start)
    supplied = run.net_surface_j_m2 + model.params.heat_flow_w_m2 * time_s[-1]
    assert abs(gained) > 1e6
    assert gained == pytest.approx(supplied, abs=1e3)
    assert run.net_surface_j_m2 == pytest.approx(run.absorbed_j_m2 - run.emitted_j_m2, rel=1e-6)


def test_a_periodic_lunation_radiates_what_it_absorbs_plus_the_heat_flow(periodic):
    # Over one period of the periodic state nothing is stored: emitted = absorbed + Q P,
    # to the spin-up residual (1 mK x ~1e6 J/m2/K) against 9e8 J/m2 absorbed.
    model, time_s, flux, spun = periodic
    run = model.integrate(spun.state, time_s, flux)
    balance = run.absorbed_j_m2 + model.params.heat_flow_w_m2 * time_s[-1] - run.emitted_j_m2
    assert run.absorbed_j_m2 > 8e8
    assert abs(balance) < 1e-5 * run.absorbed_j_m2


def test_spin_up_finds_a_state_that_further_cycles_keep(periodic):
    # 24 more plain lunations (2 years) move no node by more than 0.05 K: the spin-up's
    # 1 mK per cycle residual over the slowest contraction (~0.97 per lunation).
    model, time_s, flux, spun = periodic
    assert spun.converged and spun.cycles < 30
    state = spun.state
    for _ in range(24):
        state = model.integrate(state, time_s, flux).state
    assert np.max(np.abs(state - spun.state)) < 0.05


def test_hourly_crank_nicolson_steps_match_one_minute_steps():
    # The Table A2 quantities with 1 h steps against 60 s steps: within 0.1 K (measured
    # 0.02 K), so hourly environment series need no finer forcing.
    results = []
    for step_s in (60.0, 3600.0):
        model = RegolithModel(max_step_s=step_s)
        time_s = lunation(step_s)
        flux = idealised_flux_w_m2(time_s, params=model.params)
        surface = model.integrate(model.spin_up(time_s, flux).state, time_s, flux).surface_k
        night = time_s > 0.25 * PERIOD_S
        results.append(
            [surface.max(), np.interp(PERIOD_S / 2, time_s, surface), surface[night].min()]
        )
    np.testing.assert_allclose(results[0], results[1], atol=0.1)


def test_finer_layers_change_the_extremes_by_little():
    # 4x thinner top layer and 1.05 growth against the default grid: within 0.2 K.
    coarse = RegolithModel()
    fine = RegolithModel(grid=layer_grid(coarse.params, layers_per_skin_depth=40, growth=1.05))
    time_s = lunation(3600.0)
    flux = idealised_flux_w_m2(time_s, params=coarse.params)
    extremes = []
    for model in (coarse, fine):
        surface = model.integrate(model.spin_up(time_s, flux).state, time_s, flux).surface_k
        extremes.append([surface.max(), surface.min()])
    np.testing.assert_allclose(extremes[0], extremes[1], atol=0.2)


def test_grid_reaches_below_the_annual_wave():
    params = RegolithParameters()
    grid = layer_grid(params)
    assert grid.thickness_m[0] == pytest.approx(skin_depth_m(params, PERIOD_S, deep=False) / 10.0)
    assert grid.bottom_m >= 5 * skin_depth_m(params, 365.25 * 86_400.0, deep=True)
    np.testing.assert_allclose(grid.thickness_m[1:] / grid.thickness_m[:-1], 1.2)


def test_profiles_and_albedo_law():
    p = RegolithParameters()
    assert p.density_kg_m3(0.0) == pytest.approx(1100.0)
    assert p.density_kg_m3(p.e_folding_depth_m) == pytest.approx(1800 - 700 / np.e)
    assert p.contact_conductivity_w_m_k(10.0) == pytest.approx(3.4e-3)
    assert p.heat_capacity_j_kg_k(250.0) == pytest.approx(
        -3.6125 + 2.7431 * 250 + 2.3616e-3 * 250**2 - 1.2340e-5 * 250**3 + 8.9093e-9 * 250**4
    )
    assert p.albedo_at(0.0) == pytest.approx(0.12)
    assert p.albedo_at(45.0) == pytest.approx(0.12 + 0.06 + 0.25 / 2**8)
    assert p.albedo_at(90.0) == pytest.approx(0.12 + 0.06 * 8 + 0.25)


def test_absorbed_flux_geometry():
    p = RegolithParameters()
    flat = absorbed_flux_w_m2(np.array([1000.0]), np.array([30.0]), np.array([90.0]), params=p)
    assert flat[0] == pytest.approx(1000.0 * 0.5 * (1.0 - p.albedo_at(60.0)))
    facing = absorbed_flux_w_m2(
        np.array([1000.0]), np.array([30.0]), np.array([90.0]), params=p,
        slope_deg=60.0, aspect_deg=90.0,
    )  # fmt: skip
    assert facing[0] == pytest.approx(1000.0 * (1.0 - p.albedo))
    away = absorbed_flux_w_m2(
        np.array([1000.0]), np.array([30.0]), np.array([90.0]), params=p,
        slope_deg=60.0, aspect_deg=270.0,
    )  # fmt: skip
    assert away[0] == 0.0
    below = absorbed_flux_w_m2(np.array([1000.0]), np.array([-1.0]), np.array([0.0]), params=p)
    assert below[0] == 0.0


def test_dataset_is_labelled():
    time = np.datetime64("2030-01-01") + np.arange(0, 30 * 24, 6) * np.timedelta64(1, "h")
    model = RegolithModel()
    seconds = (time - time[0]) / np.timedelta64(1, "s")
    flux = idealised_flux_w_m2(seconds, params=model.params, period_s=30 * 86_400.0)
    result = regolith_temperature(time, flux, model=model, depths_m=[0.0, 0.1, 0.5])
    assert result.surface_temperature_k.dims == ("time",)
    assert result.temperature_k.dims == ("time", "depth_m")
    assert result.temperature_k.attrs["units"] == "K"
    assert result.depth_m.attrs["units"] == "m"
    np.testing.assert_allclose(result.temperature_k.sel(depth_m=0.0), result.surface_temperature_k)
    assert result.attrs["spin_up_converged"] == 1
    # the diurnal wave damps with depth
    spread = result.temperature_k.max("time") - result.temperature_k.min("time")
    assert spread[0] > 3 * spread[1] > 9 * spread[2]


@pytest.mark.parametrize(
    ("field", "value"),
    [("albedo", 1.5), ("emissivity", 0.0), ("e_folding_depth_m", -0.06), ("heat_flow_w_m2", -1)],
)
def test_bad_parameters_name_the_field(field, value):
    with pytest.raises(ThermalInputError, match=field):
        RegolithParameters(**{field: value})


def test_depth_outside_the_grid_is_refused():
    model = RegolithModel()
    with pytest.raises(ThermalInputError, match="depths_m"):
        model.integrate(model.initial_state(100.0), [0.0, 1.0], [0.0, 0.0], [5.0])
