"""The communications section of the scenario: defaults and clear errors."""

from __future__ import annotations

import pytest

from moonbase.io.scenario_files import default_scenario
from tests.scenario_helpers import default_data, problems


@pytest.fixture
def data() -> dict:
    return default_data()


def test_default_has_queqiao_2_and_sourced_links():
    comms = default_scenario().communications
    orbit = comms.relays[0].orbit
    assert comms.relays[0].name == "Queqiao-2"
    assert (orbit.periapsis_altitude_km, orbit.apoapsis_altitude_km) == (200, 16000)
    assert orbit.inclination_deg == 62.4
    assert comms.relays[0].approximate  # its orientation and phase are assumptions
    assert {link.relay for link in comms.links} == {None, "Queqiao-2"}
    for link in comms.links:
        for hop in (link.from_site, link.relay_to_earth):
            assert hop is None or hop.source


def test_orbit_below_the_surface_is_named(data):
    data["communications"]["relays"][0]["orbit"]["periapsis_altitude_km"] = -50
    message = problems(data)
    assert "communications.relays[0] (Queqiao-2).orbit.periapsis_altitude_km" in message
    assert "above the lunar surface" in message and "> 0 km" in message


def test_orbit_through_the_moon_by_shape_is_named(data):
    orbit = data["communications"]["relays"][0]["orbit"]
    del orbit["periapsis_altitude_km"], orbit["apoapsis_altitude_km"]
    orbit.update(semi_major_axis_km=5000, eccentricity=0.7)  # periapsis radius 1500 km
    message = problems(data)
    assert "communications.relays[0] (Queqiao-2).orbit" in message
    assert "at or below the lunar surface" in message


def test_eccentricity_of_one_is_named(data):
    orbit = data["communications"]["relays"][0]["orbit"]
    del orbit["periapsis_altitude_km"], orbit["apoapsis_altitude_km"]
    orbit.update(semi_major_axis_km=9000, eccentricity=1.0)
    message = problems(data)
    assert "orbit.eccentricity" in message and "[0, 1)" in message


def test_both_orbit_forms_at_once_is_an_error(data):
    data["communications"]["relays"][0]["orbit"]["eccentricity"] = 0.5
    assert "or semi_major_axis_km with eccentricity" in problems(data)


def test_unknown_relay_in_a_link_is_named(data):
    data["communications"]["links"][1]["relay"] = "Queqiao-9"
    message = problems(data)
    assert "communications" in message
    assert "relay 'Queqiao-9' is not in relays" in message and "Queqiao-2" in message


def test_ground_station_latitude_of_100_is_named(data):
    data["ground_stations"][2]["lat_deg"] = 100
    message = problems(data)
    assert "ground_stations[2] (Kunming).lat_deg" in message
    assert "less than or equal to 90" in message


def test_efficiency_above_one_and_negative_power_are_named(data):
    hop = data["communications"]["links"][0]["from_site"]
    hop["transmitter"]["antenna"]["aperture_efficiency"] = 1.2
    hop["transmitter"]["power_w"] = -5
    message = problems(data)
    assert "from_site.transmitter.antenna.aperture_efficiency" in message
    assert "less than or equal to 1" in message
    assert "from_site.transmitter.power_w" in message


def test_relay_link_without_relay_hop_is_an_error(data):
    del data["communications"]["links"][1]["relay_to_earth"]
    assert "needs relay_to_earth" in problems(data)


def test_links_without_ground_stations_are_an_error(data):
    data["ground_stations"] = []
    assert "links need at least one entry in ground_stations" in problems(data)
