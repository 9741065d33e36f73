"""The modules' lumped balance: loads, deficit, equilibria, heater energy (analytic)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from moonbase.constants import AU_KM, SOLAR_CONSTANT_W_M2, SYNODIC_MONTH_D
from moonbase.scenario.station import Module
from moonbase.systems.module_thermal import (
    equilibrium_temperature_k,
    module_thermal,
    radiator_loads,
    thermal_deficit_w,
)
from moonbase.systems.regolith import STEFAN_BOLTZMANN_W_M2_K4 as SIGMA
from moonbase.systems.regolith import RegolithParameters

PARAMS = RegolithParameters()


def module(area_m2=2.0, thermal=True, name="Box") -> Module:
    return Module.model_validate(
        {
            "name": name,
            "owner": "CNSA",
            "mass_kg": 100,
            "power": {"operating_w": 300, "standby_w": 100, "survival_w": 50},
            "thermal": {
                "radiator_area_m2": area_m2,
                "emissivity": 0.8,
                "solar_absorptivity": 0.25,
                "min_temperature_k": 250,
                "max_temperature_k": 320,
            }
            if thermal
            else None,
            "source": "test",
        }
    )


def series(elevation_deg, visible, hours=None) -> xr.Dataset:
    elevation_deg = np.asarray(elevation_deg, float)
    n = elevation_deg.size
    hours = np.arange(n) if hours is None else hours
    return xr.Dataset(
        {
            "sun_elevation_deg": ("time", elevation_deg),
            "sun_azimuth_deg": ("time", np.zeros(n)),
            "sun_range_km": ("time", np.full(n, AU_KM)),
            "solar_visible_fraction": ("time", np.asarray(visible, float)),
        },
        coords={"time": np.datetime64("2030-01-01") + hours * np.timedelta64(1, "h")},
    )


def test_loads_in_darkness_are_the_ground_infrared_only():
    loads = radiator_loads(series([-5.0, -5.0], [0.0, 0.0]), np.array([100.0, 100.0]), PARAMS)
    assert float(loads.sun_facing_w_m2.max()) == 0.0
    assert float(loads.ground_reflected_w_m2.max()) == 0.0
    np.testing.assert_allclose(loads.ground_infrared_w_m2, 0.5 * 0.95 * SIGMA * 100.0**4)


def test_loads_in_sunlight_follow_the_vertical_plate_geometry():
    loads = radiator_loads(series([30.0], [1.0]), np.array([300.0]), PARAMS)
    facing = SOLAR_CONSTANT_W_M2 * np.cos(np.radians(30.0))
    assert float(loads.sun_facing_w_m2[0]) == pytest.approx(facing)
    assert float(loads.sun_vertical_mean_w_m2[0]) == pytest.approx(facing / np.pi)
    reflected = 0.5 * SOLAR_CONSTANT_W_M2 * 0.5 * float(PARAMS.albedo_at(60.0))
    assert float(loads.ground_reflected_w_m2[0]) == pytest.approx(reflected)


def test_deficit_in_darkness_is_the_radiator_balance_at_the_survival_limit():
    loads = radiator_loads(series([-5.0], [0.0]), np.array([90.0]), PARAMS)
    expected = 2.0 * 0.8 * SIGMA * (250.0**4 - 0.5 * 0.95 * 90.0**4)
    assert thermal_deficit_w(module(), loads)[0] == pytest.approx(expected)
    assert thermal_deficit_w(module(), loads, radiator_turndown=0.2)[0] == pytest.approx(
        0.2 * expected
    )
    # supplying exactly the deficit holds the module at its survival limit
    held = equilibrium_temperature_k(module(), loads, expected, sun_facing=False)
    assert held[0] == pytest.approx(250.0)


def test_summary_hot_case_area_and_heater_energy():
    # One lunation: 10 days of sun at 5 deg, the rest dark; ground 250 K / 100 K.
    hours = np.arange(int(SYNODIC_MONTH_D * 24) + 1)
    lit = hours < 240
    loads = radiator_loads(
        series(np.where(lit, 5.0, -5.0), lit.astype(float), hours),
        np.where(lit, 250.0, 100.0),
        PARAMS,
    )
    modules = [module(), module(thermal=False, name="Bare")]
    deficit, table = module_thermal(modules, loads)
    assert deficit.thermal_deficit_w.dims == ("module", "time")
    assert list(deficit.module.values) == ["Box", "Bare"]
    assert list(deficit.has_thermal.values) == [True, False]
    assert float(np.abs(deficit.thermal_deficit_w.sel(module="Bare")).max()) == 0.0
    assert list(table.module) == ["Box"]
    row = table.iloc[0]
    hot = equilibrium_temperature_k(modules[0], loads, 300.0, sun_facing=True).max()
    assert row.hottest_temperature_k == pytest.approx(hot)
    assert row.rejects_enough == (hot <= 320.0)
    # a radiator of the area needed sits exactly at the limit in the hot case
    resized = module(area_m2=row.radiator_area_needed_m2)
    assert equilibrium_temperature_k(resized, loads, 300.0, sun_facing=True).max() == (
        pytest.approx(320.0)
    )
    # heater = max(0, deficit - survival power), integrated over the one lunation
    heater = np.maximum(0.0, deficit.thermal_deficit_w.sel(module="Box").values - 50.0)
    weights = np.ones(hours.size)
    weights[[0, -1]] = 0.5
    energy_wh = float((heater * weights).sum()) * SYNODIC_MONTH_D * 24 / (hours.size - 1)
    assert row.heater_wh_per_lunar_day == pytest.approx(energy_wh, rel=1e-9)
    assert row.peak_heater_w == pytest.approx(heater.max())
    assert row.coldest_temperature_k < 250.0 < row.hottest_temperature_k


def test_a_radiator_the_environment_overheats_cannot_be_sized():
    # Sun at 20 deg on the panel and 390 K ground: more than the radiator emits at 320 K.
    loads = radiator_loads(series([20.0], [1.0]), np.array([390.0]), PARAMS)
    _, table = module_thermal([module()], loads)
    assert table.radiator_area_needed_m2.iloc[0] == np.inf
    assert not table.rejects_enough.iloc[0]
