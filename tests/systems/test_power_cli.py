"""``moonbase power``: scriptable output and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from moonbase.io.scenario_files import default_scenario_text


@pytest.fixture
def scenario_file(tmp_path):
    """The default station at two sites without terrain, over 40 days."""

    def write(**changes) -> str:
        data = yaml.safe_load(default_scenario_text())
        data.pop("terrain")
        data["sites"] = data["sites"][:1] + data["sites"][-1:]
        data["span"] = {"start": "2030-01-01", "stop": "2030-02-10", "step": "1h"}
        for key, value in changes.items():
            data[key] = value
        path = tmp_path / "station.yaml"
        path.write_text(yaml.safe_dump(data))
        return str(path)

    return write


def test_json_gives_every_site_its_power_figures(moonbase_cli, scenario_file):
    result = moonbase_cli("power", scenario_file(), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["site"] for r in rows] == ["Connecting Ridge", "Leibnitz-Beta plateau"]
    for row in rows:
        assert row["longest_darkness_h"] >= 0.0
        assert row["required_battery_wh"] > 0.0
        assert 0.15 <= row["min_state_of_charge"] <= 1.0  # the storage's floor: 0.8 DoD, RFC 1.0
        assert row["min_state_of_charge_utc"].startswith("2030-")
        assert row["energy_not_served_wh"] >= 0.0
        options = {o["option"]: o for o in row["options"]}
        assert set(options) == {
            "solar + battery", "solar + RFC", "solar + battery + RTG", "solar + battery + fission"
        }  # fmt: skip
        # The battery the summary asks for is the one the RTG option sizes (the
        # scenario's own sources: arrays and the RTG; fission only from 2035).
        assert options["solar + battery + RTG"]["storage_wh"] == pytest.approx(
            row["required_battery_wh"], abs=1.0
        )


def test_table_shows_sizing_and_options(moonbase_cli, scenario_file):
    result = moonbase_cli("power", scenario_file())
    assert result.returncode == 0, result.stderr
    assert "battery" in result.stdout and "Power options" in result.stdout
    assert "solar + RFC" in result.stdout


def test_negative_capacity_is_one_clear_error(moonbase_cli, scenario_file):
    data = yaml.safe_load(default_scenario_text())
    data["power"]["batteries"][0]["capacity_wh"] = -1
    result = moonbase_cli("power", scenario_file(power=data["power"]))
    assert result.returncode == 1
    assert "power.batteries[0] (Energy module battery).capacity_wh" in result.stderr
    assert "Traceback" not in result.stderr


def test_scenario_without_power_says_so(moonbase_cli, scenario_file):
    path = scenario_file()
    data = yaml.safe_load(Path(path).read_text())
    del data["power"]
    Path(path).write_text(yaml.safe_dump(data))
    result = moonbase_cli("power", path, "--format", "json")
    assert result.returncode == 1
    assert "has no power section" in result.stderr
