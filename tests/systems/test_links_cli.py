"""``moonbase links``: scriptable output and clear errors."""

from __future__ import annotations

import json

import yaml

from moonbase.io.scenario_files import default_scenario_text


def _scenario(tmp_path, **changes) -> str:
    data = yaml.safe_load(default_scenario_text())
    data["span"]["stop"] = "2030-01-15T00:00:00Z"
    data.pop("terrain")
    data["sites"] = data["sites"][:2]
    data.update(changes)
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_links_json_per_site_and_link(tmp_path, moonbase_cli):
    result = moonbase_cli("links", _scenario(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["site"] for r in rows} == {"Connecting Ridge", "Peak near Shackleton"}
    assert {r["link"] for r in rows} == {"X-band direct", "Queqiao-2 Ka relay", "all links"}
    for row in rows:
        assert 0.0 <= row["contact_fraction"] <= 1.0
        assert 0.0 <= row["longest_gap_h"] <= 14 * 24
        assert row["volume_per_day_gbit"] >= 0.0
    every = [r for r in rows if r["link"] == "all links"]
    assert all(r["mean_rate_mbit_s"] is None for r in every)


def test_links_with_stations_lists_each_station(tmp_path, moonbase_cli):
    result = moonbase_cli("links", _scenario(tmp_path), "--format", "json", "--stations")
    links = {r["link"] for r in json.loads(result.stdout)}
    assert "X-band direct / Kunming" in links
    assert "Queqiao-2 Ka relay / site to relay" in links


def test_links_table_and_bad_input(tmp_path, moonbase_cli):
    table = moonbase_cli("links", _scenario(tmp_path))
    assert table.returncode == 0 and "longest gap" in table.stdout
    data = yaml.safe_load(default_scenario_text())
    data["communications"]["relays"][0]["orbit"]["periapsis_altitude_km"] = 0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    bad = moonbase_cli("links", str(path))
    assert bad.returncode == 1
    assert "orbit.periapsis_altitude_km" in bad.stderr and "Traceback" not in bad.stderr
    missing = moonbase_cli("links", _scenario(tmp_path, communications=None))
    assert missing.returncode == 1 and "no communications section" in missing.stderr
