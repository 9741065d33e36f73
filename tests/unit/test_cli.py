"""The command line: outputs, formats, and clear errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import xarray as xr
import yaml
from typer.testing import CliRunner

from moonbase.cli.main import app
from moonbase.io.scenario_files import default_scenario_text

runner = CliRunner()


def test_command_line_loads_no_computation_until_a_command_runs():
    # `moonbase --help` and small commands stay quick (~0.4 s rather than ~4 s) because
    # the command modules import the computational stack inside the commands.
    heavy = ["numba", "scipy", "matplotlib", "xarray", "rasterio", "skyfield", "pandas"]
    code = (
        f"import sys, moonbase.cli.main; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_help_paragraphs_are_reflowed_to_the_terminal():
    """A command's description wraps at the terminal's width: no source line break
    leaves a line of one word behind (as typer's "rich" mode did at 80 columns)."""
    result = runner.invoke(app, ["terrain", "horizon", "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    description = result.output.split("╭─ Arguments")[0]
    assert "the brute-force ray march" in " ".join(description.split())
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    assert all(len(line.split()) > 1 for line in lines[1:]), lines


@pytest.fixture
def small_scenario(tmp_path):
    data = yaml.safe_load(default_scenario_text())
    data["sites"] = data["sites"][:2]
    data["span"] = {"start": "2030-03-01T00:00:00Z", "stop": "2030-04-15T00:00:00Z", "step": "2h"}
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_run_writes_report_and_exports(small_scenario, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(small_scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "report.html",
        "environment.nc",
        "sites.csv",
        "events.csv",
        "terrain.nc",  # the default scenario has the built-in parametric terrain
        "suitability.csv",
        "thermal.nc",
        "thermal_modules.csv",
        "power.nc",  # the default scenario has a power system
        "power_options.csv",
        "power_shed.csv",
        "contacts.csv",  # communications
        "links.nc",
        "portfolio.csv",  # and a science programme
        "schedule.csv",
        "campaign.csv",
    }
    html = (out / "report.html").read_text()
    # overview + terrain maps + per site: sky, time series, temperatures, power drawdown,
    # contact chart; programme: Pareto, Gantt and a timeline per site
    assert html.count("data:image/png;base64,") == 1 + 1 + 5 * 2 + 2 + 2
    assert "Science programme" in html
    assert "Terrain around the sites" in html
    assert "Connecting Ridge" in html and "Site comparison" in html
    with xr.open_dataset(out / "environment.nc") as ds:
        assert ds.sizes["site"] == 2
        assert ds.solar_visible_fraction.attrs["units"] == "1"
        assert list(ds.site.values) == ["Connecting Ridge", "Peak near Shackleton"]
    header = (out / "sites.csv").read_text().splitlines()[0]
    assert header.startswith("site,sunlit_fraction,mean_solar_visible_fraction")
    assert "Site environment over the span" in result.output
    assert "Station systems over the span" in result.output
    assert "Science programme at Connecting Ridge" in result.output


def test_sky_json_has_the_documented_keys():
    result = runner.invoke(
        app,
        [
            "sky",
            "--lat",
            "-89.45",
            "--lon",
            "222.69",
            "--body",
            "sun",
            "--start",
            "2030-01-01",
            "--stop",
            "2030-01-01T02:00",
            "--step",
            "1h",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert set(rows[0]) == {
        "time_utc",
        "azimuth_deg",
        "elevation_deg",
        "range_km",
        "visible_fraction",
    }
    assert rows[1]["time_utc"] == "2030-01-01T01:00:00Z"
    assert 0.0 <= rows[0]["visible_fraction"] <= 1.0


def test_sky_csv():
    result = runner.invoke(
        app,
        [
            "sky",
            "--lat",
            "0",
            "--lon",
            "0",
            "--body",
            "earth",
            "--start",
            "2030-01-01",
            "--stop",
            "2030-01-01T01:00",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "time_utc,azimuth_deg,elevation_deg,range_km,visible_fraction"
    assert len(lines) == 3


def test_scenario_init_then_validate(tmp_path):
    path = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["scenario", "init", str(path)]).exit_code == 0
    assert path.read_text() == default_scenario_text()
    result = runner.invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 0
    assert "valid (8 sites" in result.stdout
    again = runner.invoke(app, ["scenario", "init", str(path)])
    assert again.exit_code == 1
    assert "exists" in again.output


def test_invalid_scenario_gives_one_clear_message(tmp_path, moonbase_cli):
    data = yaml.safe_load(default_scenario_text())
    data["sites"][0]["lat_deg"] = 95
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = moonbase_cli("scenario", "validate", str(path))
    assert result.returncode == 1
    assert "sites[0] (Connecting Ridge).lat_deg" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_scenario_file(tmp_path, moonbase_cli):
    result = moonbase_cli("run", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "nope.yaml" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_output_fails_before_any_work(tmp_path, moonbase_cli):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args in (
        ["run", "--out", str(blocker / "out")],
        ["terrain", "horizon", "any.tif", "--out", str(blocker / "map.zarr")],
        ["thermal", "--lat=-89", "--lon=0", "--start=2030-01-01", "--stop=2030-01-02",
         "--out", str(blocker / "t.nc")],
    ):  # fmt: skip
        result = moonbase_cli(*args)
        assert result.returncode == 1, args
        assert f"cannot write {blocker}/" in result.stderr, result.stderr
        assert "terrain and sites" not in result.stderr  # no progress: nothing computed
        assert "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_output_that_is_not_a_dataset_file_is_refused_before_any_work(tmp_path, moonbase_cli):
    for args, allowed in (
        (["terrain", "horizon", "any.tif", "--out", str(tmp_path / "map.csv")], ".netcdf, .zarr"),
        (["terrain", "illumination", "any.tif", "--start=2030-01-01", "--stop=2030-01-02",
          "--out", str(tmp_path / "maps")], ".netcdf, .zarr"),
        (["thermal", "--lat=-89", "--lon=0", "--start=2030-01-01", "--stop=2030-01-02",
          "--out", str(tmp_path / "t.zarr")], ".cdf, .netcdf;"),  # NetCDF only
    ):  # fmt: skip
        result = moonbase_cli(*args)
        assert result.returncode == 1, args
        out = args[args.index("--out") + 1]
        assert f"cannot write {out}: " in result.stderr and allowed in result.stderr, args
        assert "any.tif" not in result.stderr  # refused before the DEM is read
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sky_rejects_bad_span_without_traceback(moonbase_cli):
    result = moonbase_cli(
        "sky",
        "--lat",
        "0",
        "--lon",
        "0",
        "--body",
        "sun",
        "--start",
        "1850-01-01",
        "--stop",
        "1850-01-02",
        "--step",
        "-1h",
    )
    assert result.returncode == 1
    assert "--start" in result.stderr and "outside the ephemeris" in result.stderr
    assert "--step: must be positive" in result.stderr
    assert "Traceback" not in result.stderr


def test_sky_rejects_latitude_95(moonbase_cli):
    result = moonbase_cli(
        "sky",
        "--lat",
        "95",
        "--lon",
        "0",
        "--body",
        "sun",
        "--start",
        "2030-01-01",
        "--stop",
        "2030-01-02",
    )
    assert result.returncode == 2
    assert "--lat" in result.stderr
    assert "Traceback" not in result.stderr
