"""The scenario's power section: defaults are sourced, bad input names its field."""

from __future__ import annotations

import pytest

from moonbase.io.scenario_files import default_scenario, scenario_from_data
from tests.scenario_helpers import default_data, problems


@pytest.fixture
def data() -> dict:
    return default_data()


def test_default_power_system_is_sourced():
    power = default_scenario().power
    assert power.arrays and power.batteries and power.fuel_cells
    assert power.rtgs and power.rhus and power.fission
    assert all(source.source for _, source in power.sources())
    battery = power.batteries[0]
    assert 150 <= battery.specific_energy_wh_kg <= 210  # FACTS.md, Li-ion cells
    assert battery.thermal_management_fraction == pytest.approx(0.2)  # FACTS.md
    assert battery.mass_kg == pytest.approx(battery.capacity_wh / 180 * 1.2)
    assert "assumption" in power.fuel_cells[0].source  # no sourced RFC efficiency
    assert 2033 <= power.fission[0].available_from.year <= 2035


def test_scenario_without_power_is_valid(data):
    del data["power"]
    assert scenario_from_data(data).power is None


def test_negative_capacity_is_named(data):
    data["power"]["batteries"][0]["capacity_wh"] = -5
    message = problems(data)
    assert "power.batteries[0] (Energy module battery).capacity_wh" in message
    assert "greater than or equal to 0" in message
    assert "got -5" in message


def test_efficiency_above_one_is_named(data):
    data["power"]["arrays"][1]["cell_efficiency"] = 1.3
    data["power"]["fuel_cells"][0]["round_trip_efficiency"] = 1.2
    message = problems(data)
    assert "power.arrays[1] (Lander array).cell_efficiency" in message
    assert "power.fuel_cells[0] (Regenerative fuel cell).round_trip_efficiency" in message
    assert message.count("less than or equal to 1") == 2


def test_unknown_mounting_is_named(data):
    data["power"]["arrays"][0]["mounting"] = "sideways"
    message = problems(data)
    assert "power.arrays[0] (Main array).mounting" in message
    assert "'fixed', 'vertical_tracking' or 'full_tracking'" in message


def test_owner_must_be_a_partner(data):
    data["power"]["rtgs"][0]["owner"] = "NASA"
    message = problems(data)
    assert "power.rtgs[0] (Radioisotope generator).owner: 'NASA' is not a partner code" in message


def test_rhu_must_warm_a_known_module(data):
    data["power"]["rhus"][0]["module"] = "Greenhouse"
    message = problems(data)
    assert "power.rhus[0] (Lander heater units).module: 'Greenhouse' is not a station module" in (
        message
    )


def test_initial_charge_below_usable_depth_is_refused(data):
    data["power"]["batteries"][0]["initial_state_of_charge"] = 0.1
    message = problems(data)
    assert "initial_state_of_charge must be at least 1 - depth_of_discharge (0.2)" in message


def test_source_names_are_unique(data):
    data["power"]["fuel_cells"][0]["name"] = "Main array"
    assert "'Main array' is used by another power source" in problems(data)
