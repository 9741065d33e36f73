"""Scenario validation: the default is valid; bad input names its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from moonbase.errors import DurationError, ScenarioError, ScenarioFileError
from moonbase.io.scenario_files import (
    default_scenario,
    default_scenario_text,
    load_scenario,
    scenario_from_data,
)
from moonbase.scenario import parse_duration
from tests.scenario_helpers import default_data, problems


@pytest.fixture
def data() -> dict:
    return default_data()


def test_default_scenario_is_valid_and_sourced():
    scenario = default_scenario()
    assert {p.code for p in scenario.partners} >= {"CNSA", "ROSCOSMOS"}
    assert len(scenario.sites) >= 6
    assert all(site.source for site in scenario.sites)
    assert any(site.approximate for site in scenario.sites)
    assert all(-90 <= s.lat_deg <= -85 for s in scenario.sites)
    assert all(0 <= s.lon_deg < 360 for s in scenario.sites)
    assert len(scenario.ground_stations) == 12
    assert scenario.span.step == timedelta(hours=1)


def test_unknown_field_is_named(data):
    data["sites"][1]["colour"] = "red"
    message = problems(data)
    assert "my.yaml" in message
    assert "sites[1] (Peak near Shackleton).colour: unknown field" in message


def test_latitude_of_95_is_named(data):
    data["sites"][0]["lat_deg"] = 95
    message = problems(data)
    assert "sites[0] (Connecting Ridge).lat_deg" in message
    assert "less than or equal to 90" in message
    assert "got 95" in message


def test_span_outside_ephemeris_is_named(data):
    data["span"]["stop"] = "2060-01-01T00:00:00Z"
    message = problems(data)
    assert "span.stop" in message
    assert "outside the ephemeris" in message
    assert "1900-01-01" in message and "2050-12-31" in message


def test_negative_step_is_named(data):
    data["span"]["step"] = "-1h"
    message = problems(data)
    assert "span.step: must be positive" in message


def test_every_problem_is_listed_at_once(data):
    data["sites"][0]["lat_deg"] = 95
    data["span"]["step"] = "-1h"
    data["ground_stations"][0]["lat_deg"] = 100
    message = problems(data)
    assert "3 problems" in message
    assert "ground_stations[0] (Jiamusi).lat_deg" in message


def test_stop_before_start_and_duplicate_names(data):
    data["span"]["stop"] = "2029-01-01T00:00:00Z"
    assert "stop must be later than start" in problems(data)
    data = yaml.safe_load(default_scenario_text())
    data["sites"][1]["name"] = data["sites"][0]["name"]
    assert "sites: name 'Connecting Ridge' appears more than once" in problems(data)


def test_horizon_mask_forms(data):
    data["sites"][0]["horizon_mask"] = {"constant_deg": 1.0}
    assert scenario_from_data(data).sites[0].horizon_mask.constant_deg == 1.0
    data["sites"][0]["horizon_mask"] = {"azimuth_deg": [0, 180], "elevation_deg": [1, 2]}
    assert scenario_from_data(data).sites[0].horizon_mask.elevation_deg == [1, 2]
    data["sites"][0]["horizon_mask"] = {"azimuth_deg": [180, 0], "elevation_deg": [1, 2]}
    assert "increase strictly" in problems(data)
    data["sites"][0]["horizon_mask"] = {}
    assert "give either constant_deg" in problems(data)


def test_longitudes_are_normalised_east():
    data = yaml.safe_load(default_scenario_text())
    data["sites"][0]["lon_deg"] = -137.31
    assert scenario_from_data(data).sites[0].lon_deg == pytest.approx(222.69)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h", 3600),
        ("30min", 1800),
        ("10 s", 10),
        ("2d", 172800),
        ("PT1H", 3600),
        ("1.5 hours", 5400),
        (60, 60),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-1h", "positive"), ("0s", "positive"), ("soon", "not a duration"), (True, "not a duration")],
)
def test_bad_durations(text, reason):
    with pytest.raises(DurationError, match=reason):
        parse_duration(text)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ScenarioFileError, match="no such file"):
        load_scenario(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("station: [unclosed\n")
    with pytest.raises(ScenarioFileError, match="not valid YAML at line"):
        load_scenario(broken)
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="must be a mapping"):
        load_scenario(not_mapping)


def test_default_station_modules_are_owned_by_partners_and_labelled():
    scenario = default_scenario()
    codes = {p.code for p in scenario.partners}
    assert len(scenario.station.modules) >= 5
    assert all(m.owner in codes and m.source for m in scenario.station.modules)
    assert all(m.approximate for m in scenario.station.modules)  # illustrative assumptions


def test_module_owner_must_be_a_partner(data):
    data["station"]["modules"][0]["owner"] = "NASA"
    message = problems(data)
    assert "station.modules[0] (Command centre).owner: 'NASA' is not a partner code" in message
    assert "Command centre" in message


def test_module_power_modes_must_be_ordered(data):
    data["station"]["modules"][1]["power"]["survival_w"] = 5000
    message = problems(data)
    assert "station.modules[1] (Energy module).power" in message
    assert "survival_w <= standby_w <= operating_w" in message


def test_module_names_are_unique(data):
    data["station"]["modules"][1]["name"] = data["station"]["modules"][0]["name"]
    assert "name 'Command centre' appears more than once" in problems(data)


def test_utc_datetime_accepts_a_yaml_date():
    from pydantic import TypeAdapter

    from moonbase.scenario.fields import UtcDatetime

    value = TypeAdapter(UtcDatetime).validate_python(yaml.safe_load("2033-01-01"))
    assert value.isoformat() == "2033-01-01T00:00:00+00:00"
