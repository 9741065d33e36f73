"""The power stage in ``moonbase run``: results, arrays seeing from their height, exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from moonbase.geometry.times import time_grid
from moonbase.io.scenario_files import default_scenario_text, scenario_from_data
from moonbase.pipeline import array_visible_fractions, run, work_units
from moonbase.report.save import save_results


@pytest.fixture(scope="module")
def results(eph):
    """The default station at two sites without terrain over three weeks; the lander
    array moved to a 50 m mast."""
    data = yaml.safe_load(default_scenario_text())
    data.pop("terrain")
    data["sites"] = data["sites"][:1] + data["sites"][-1:]
    data["span"] = {"start": "2030-01-01", "stop": "2030-01-22", "step": "1h"}
    data["power"]["arrays"][1].update(mounting="full_tracking", height_m=50.0)
    scenario = scenario_from_data(data)
    calls = []
    out = run(scenario, ephemeris=eph, progress=calls.append)
    assert len(calls) == work_units(scenario)
    return out


def test_run_gives_power_results_per_site(results):
    power = results.power
    assert list(power.summary.site.values) == ["Connecting Ridge", "Leibnitz-Beta plateau"]
    assert power.series.sizes["time"] == results.environment.series.sizes["time"]
    assert power.series.generation_w.attrs["units"] == "W"
    assert set(power.options.site) == set(power.summary.site.values)


def test_a_higher_array_sees_more_of_the_sun(results, eph):
    # Same arrays, one on a 50 m mast: it never sees less of the disc than at 2 m.
    series = results.environment.series
    span = results.scenario.span
    t, _ = time_grid(eph.ts, span.start, span.stop, span.step)
    visible = array_visible_fractions(results.scenario, results.environment, t, eph)
    high = visible["Lander array"]
    low = visible["Main array"]  # 10 m
    site_level = series.solar_visible_fraction
    assert (high >= low - 1e-9).all() and (low >= site_level - 1e-9).all()
    assert float((high - site_level).max()) > 0.0


def test_exports_and_report_carry_power(results, tmp_path):
    written = {p.name for p in save_results(results, tmp_path)}
    assert {"power.nc", "power_options.csv", "power_shed.csv"} <= written
    with xr.open_dataset(tmp_path / "power.nc") as saved:
        np.testing.assert_allclose(
            saved.required_battery_wh.values, results.power.summary.required_battery_wh.values
        )
        assert saved.state_of_charge.dims == ("site", "time")
    options = pd.read_csv(tmp_path / "power_options.csv")
    assert {"option", "total_mass_kg"} <= set(options.columns)
    html = (tmp_path / "report.html").read_text()
    assert html.count("<h3>Power</h3>") == 2
    assert "Battery needed (these arrays)" in html
