"""Power simulation and sizing against closed forms on synthetic series."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from moonbase.errors import PowerInputError
from moonbase.scenario.power import FissionUnit, Rhu, Rtg
from moonbase.systems.power import (
    decayed,
    panel_cosine,
    required_storage_wh,
    simulate_power,
)

from .power_series import START, array, battery, fuel_cell, module, series, system

LOAD_W = 100.0
DARK_H = 100


def darkness_series(dark_h: int = DARK_H, lit_h: int = 24):
    return series([1.0] * lit_h + [0.0] * dark_h + [1.0] * lit_h)


def test_constant_load_through_darkness_needs_the_closed_form_battery():
    # E = P T / (DoD eta_discharge), eta_discharge = sqrt(round trip) = 0.9.
    expected_wh = LOAD_W * DARK_H / (0.8 * 0.9)
    power = system(arrays=[array(1.0)], batteries=[battery(1000.0)])
    result = simulate_power(power, [module(operating_w=LOAD_W)], darkness_series())
    assert float(result.summary.required_battery_wh[0]) == pytest.approx(expected_wh, rel=1e-12)
    assert float(result.summary.required_battery_mass_kg[0]) == pytest.approx(
        expected_wh / 150.0 * 1.2, rel=1e-12
    )


@pytest.mark.parametrize(("margin", "carries"), [(1.0001, True), (0.99, False)])
def test_the_closed_form_battery_just_carries_the_load(margin, carries):
    capacity_wh = margin * LOAD_W * DARK_H / (0.8 * 0.9)
    power = system(arrays=[array(1.0)], batteries=[battery(capacity_wh)])
    loads = [module(operating_w=LOAD_W, standby_w=50.0, survival_w=20.0)]
    result = simulate_power(power, loads, darkness_series())
    summary = result.summary.isel(site=0)
    time = result.series.time.values
    if carries:
        assert float(summary.shed_hours) == 0.0
        assert float(summary.energy_not_served_wh) == 0.0
        assert float(summary.min_state_of_charge) == pytest.approx(1 - 0.8 / margin, abs=1e-9)
        # Lowest at the end of the last dark step; the drawdown began with the darkness.
        assert summary.min_state_of_charge_time.values == time[24 + DARK_H]
        assert summary.drawdown_start_time.values == time[24]
        assert len(result.shed) == 0
    else:
        assert float(summary.shed_hours) > 0.0
        # Shedding to standby stretches what is left: it ends just above the floor.
        assert 0.2 - 1e-12 <= float(summary.min_state_of_charge) < 0.21
        assert set(result.shed.lowest_mode) <= {"standby", "survival"}
        assert (result.shed.module == "Load").all()


def test_periodic_generation_has_the_closed_form_drawdown():
    # net = G0 cos(2 pi t / P): lossless storage drawn by the integral of the negative
    # half period, G0 P / pi, and refilled by the positive half.
    g0_w, period_h, per_period = 500.0, 29.5 * 24, 2000
    step_h = period_h / per_period
    t_h = (np.arange(5 * per_period) + 0.5) * step_h
    net_w = g0_w * np.cos(2 * np.pi * t_h / period_h)
    lossless = battery(depth_of_discharge=1.0, round_trip_efficiency=1.0)
    usable_wh, index = required_storage_wh(net_w, step_h, lossless)
    assert usable_wh == pytest.approx(g0_w * period_h / np.pi, rel=1e-5)
    # Deepest at the end of a negative half period (t = 3P/4 in some period).
    assert ((index + 1) * step_h) % period_h == pytest.approx(0.75 * period_h, abs=step_h)


def test_square_wave_generation_drawdown_with_losses():
    # G on for 10 h, off for 10 h, load P: each night draws P T_off / eta_d and each
    # day refills eta_c (G - P) T_on >= that, so the deepest drawdown is one night.
    load_w, gen_w = 100.0, 400.0
    net = np.tile(np.r_[np.full(10, gen_w - load_w), np.full(10, -load_w)], 20)
    tech = battery(depth_of_discharge=0.5, round_trip_efficiency=0.64)
    capacity_wh, _ = required_storage_wh(net, 1.0, tech)
    assert capacity_wh == pytest.approx(load_w * 10 / 0.8 / 0.5, rel=1e-12)


def test_panel_geometry():
    elevation = np.array([0.0, 0.0, 0.0, 30.0, 10.0])
    azimuth = np.array([0.0, 90.0, 180.0, 0.0, 250.0])
    fixed_vertical = array(mounting="fixed", tilt_deg=90.0, azimuth_deg=0.0)
    np.testing.assert_allclose(
        panel_cosine(fixed_vertical, elevation, azimuth),
        [1.0, 0.0, 0.0, math.cos(math.radians(30)), 0.0],
        atol=1e-12,
    )
    horizontal = array(mounting="fixed", tilt_deg=0.0)
    np.testing.assert_allclose(panel_cosine(horizontal, elevation, azimuth)[3], 0.5)
    tracking = array(mounting="vertical_tracking", tilt_deg=90.0)
    np.testing.assert_allclose(
        panel_cosine(tracking, elevation, azimuth), np.cos(np.radians(elevation))
    )
    tilted = array(mounting="vertical_tracking", tilt_deg=60.0)
    # Normal 60 deg from the zenith, turned to the Sun: incidence |60 - (90 - el)|.
    np.testing.assert_allclose(
        panel_cosine(tilted, elevation, azimuth), np.cos(np.radians(30.0 - elevation))
    )
    np.testing.assert_allclose(panel_cosine(array(), elevation, azimuth), 1.0)


def test_array_output_degrades_and_loses_dust():
    days = 3 * 365 + 2  # a little over three years, daily
    env = series(np.ones(days), step_h=24.0, sun_azimuth_deg=0.0)
    panel = array(2.0, cell_efficiency=0.3, dust_loss=0.1, degradation_per_year=0.02)
    result = simulate_power(system(arrays=[panel]), [module()], env)
    solar = result.series.solar_w.isel(site=0).values
    years = np.arange(days) / 365.25
    np.testing.assert_allclose(solar, 1361.0 * 2.0 * 0.3 * 0.9 * 0.98**years, rtol=1e-12)


def test_rtg_decays_with_its_half_life_and_fission_starts_on_its_date():
    assert decayed(100.0, np.array([87.7]), 87.7)[0] == pytest.approx(50.0)
    assert decayed(100.0, np.array([-1.0]), 87.7)[0] == 0.0
    days = 10 * 365
    env = series(np.ones(days), step_h=24.0)
    rtg = Rtg(name="RTG", owner="CNSA", electric_w=110.0, mass_kg=45.0, source="test",
              thermoelectric_degradation_per_year=0.04)  # fmt: skip
    unit = FissionUnit(name="Reactor", owner="CNSA", electric_w=10e3, mass_kg=1800.0,
                       available_from="2031-07-01", source="test")  # fmt: skip
    result = simulate_power(system(rtgs=[rtg], fission=[unit]), [module()], env).series
    years = np.arange(days) * 24.0 / (365.25 * 24.0)
    np.testing.assert_allclose(
        result.radioisotope_w.isel(site=0), 110.0 * 0.5 ** (years / 87.7) * 0.96**years
    )
    fission = result.fission_w.isel(site=0)
    assert (fission.sel(time=slice(None, "2031-06-30")) == 0).all()
    assert (fission.sel(time=slice("2031-07-01", None)) == 10e3).all()


def test_heaters_top_up_dissipation_less_rhu_heat():
    env = series(np.ones(4))
    loads = [module("Warm", operating_w=100.0, standby_w=60.0), module("Other", operating_w=10.0)]
    rhu = Rhu(name="RHU", owner="CNSA", module="Warm", heat_w=20.0, mass_kg=1.0, source="test")
    deficit = xr.DataArray(
        [[250.0, 250.0, 50.0, 110.0]], dims=("module", "time"),
        coords={"module": ["Warm"], "time": env.time},
    )  # fmt: skip
    power = system(arrays=[array(1.0)], rhus=[rhu])
    out = simulate_power(power, loads, env, thermal_deficit_w=deficit).series.isel(site=0)
    # Warm: max(100, deficit - 20); Other: 10 W and no deficit.
    # (RHU heat decays by 1e-6 an hour.)
    np.testing.assert_allclose(out.load_w, [240.0, 240.0, 110.0, 110.0], rtol=1e-6)
    np.testing.assert_allclose(out.heater_w, [130.0, 130.0, 0.0, 0.0], rtol=1e-6)


def test_thermal_deficit_must_name_known_modules_and_cover_the_span():
    env = series(np.ones(4))
    bad = xr.DataArray(np.zeros((1, 4)), dims=("module", "time"),
                       coords={"module": ["Greenhouse"], "time": env.time})  # fmt: skip
    with pytest.raises(PowerInputError, match="unknown modules \\['Greenhouse'\\]"):
        simulate_power(system(), [module()], env, thermal_deficit_w=bad)
    short = xr.DataArray(np.zeros((1, 2)), dims=("module", "time"),
                         coords={"module": ["Load"], "time": env.time[:2]})  # fmt: skip
    with pytest.raises(PowerInputError, match="not the whole span"):
        simulate_power(system(), [module()], env, thermal_deficit_w=short)


def test_modules_want_their_mode_by_condition():
    env = series([1.0, 1.0, 0.0, 0.0], earth_in_view=[True, False, True, False])
    loads = [
        module("Day", 10.0, 5.0, operates="daylight"),
        module("Night", 10.0, 5.0, operates="darkness"),
        module("Earth", 10.0, 5.0, operates="earth_in_view"),
    ]
    power = system(arrays=[array(1.0)], batteries=[battery(1e5)])
    modes = simulate_power(power, loads, env).series["mode"].isel(site=0)
    np.testing.assert_array_equal(modes.sel(module="Day"), [0, 0, 1, 1])
    np.testing.assert_array_equal(modes.sel(module="Night"), [1, 1, 0, 0])
    np.testing.assert_array_equal(modes.sel(module="Earth"), [0, 1, 0, 1])


@pytest.mark.parametrize(
    ("generation_w", "modes", "unserved_w"),
    [
        (225.0, [0, 0, 2], 0.0),  # C to standby (-60), then survival (-20)
        (200.0, [0, 1, 2], 0.0),  # then B to standby (-50)
        (50.0, [2, 2, 2], 10.0),  # all at survival: 30 + 10 + 20 = 60 W
    ],
)
def test_loads_are_shed_lowest_priority_first(generation_w, modes, unserved_w):
    loads = [
        module("A", 100.0, 60.0, 30.0, priority=1),
        module("B", 100.0, 50.0, 10.0, priority=5),
        module("C", 100.0, 40.0, 20.0, priority=9),
    ]
    power = system(arrays=[array(generation_w / 1361.0)])
    result = simulate_power(power, loads, series(np.ones(3)))
    out = result.series.isel(site=0)
    np.testing.assert_array_equal(out["mode"].isel(time=0), modes)
    np.testing.assert_allclose(out.unserved_w, unserved_w, atol=1e-9)
    assert float(result.summary.energy_not_served_wh[0]) == pytest.approx(3 * unserved_w)
    assert set(result.shed.module) == {m for m, k in zip("ABC", modes, strict=True) if k > 0}


def test_options_compare_storage_and_generators_by_mass():
    rtg = Rtg(name="RTG", owner="CNSA", electric_w=2 * LOAD_W, mass_kg=45.0, source="test")
    unit = FissionUnit(name="Reactor", owner="CNSA", electric_w=1e4, mass_kg=1800.0,
                       available_from="2040-01-01", source="test")  # fmt: skip
    power = system(
        arrays=[array(1.0)], batteries=[battery()], fuel_cells=[fuel_cell()], rtgs=[rtg],
        fission=[unit],
    )  # fmt: skip
    options = simulate_power(power, [module(operating_w=LOAD_W)], darkness_series()).options
    table = options.set_index("option")
    battery_wh = LOAD_W * DARK_H / (0.8 * 0.9)
    rfc_wh = LOAD_W * DARK_H / (1.0 * 0.5**0.5)
    assert table.loc["solar + battery", "storage_wh"] == pytest.approx(battery_wh)
    assert table.loc["solar + RFC", "storage_wh"] == pytest.approx(rfc_wh)
    assert table.loc["solar + RFC", "storage_mass_kg"] == pytest.approx(rfc_wh / 400.0)
    assert table.loc["solar + battery + RTG", "storage_wh"] == 0.0
    # Fission counts as available over the span in the comparison.
    assert table.loc["solar + battery + fission", "storage_wh"] == 0.0
    assert table.loc["solar + battery + fission", "total_mass_kg"] == pytest.approx(2.0 + 1800.0)
    assert table.loc["solar + battery", "peak_discharge_w"] == pytest.approx(LOAD_W)


def test_required_array_is_the_smallest_that_recharges_each_night():
    # 10 h sun / 10 h dark; each night draws 1000 Wh / 0.9 from storage, which each day
    # must refill at 0.9 (G - P) 10 h: G >= P + 1111.1 / 9 W.
    env = series(np.tile(np.r_[np.ones(10), np.zeros(10)], 40))
    night_wh = LOAD_W * 10 / 0.9
    power = system(arrays=[array(1.0)], batteries=[battery(night_wh / 0.8 * 1.0001)])
    summary = simulate_power(power, [module(operating_w=LOAD_W)], env).summary
    expected_m2 = (LOAD_W + night_wh / 9.0) / 1361.0
    assert float(summary.required_array_m2[0]) == pytest.approx(expected_m2, rel=3e-3)
    assert float(summary.required_array_mass_kg[0]) == pytest.approx(2.0 * expected_m2, rel=3e-3)


def test_sites_are_simulated_separately():
    env = series(np.r_[np.ones(5), np.zeros(5)], sites=("A", "B"))
    env["solar_visible_fraction"].loc[{"site": "B"}] = 0.5
    result = simulate_power(system(arrays=[array(1.0)]), [module()], env)
    assert list(result.summary.site.values) == ["A", "B"]
    np.testing.assert_allclose(result.series.solar_w.sel(site="B"), 680.5)
    assert result.series.time[0].values == START
