"""``moonbase thermal``: output, NetCDF series, and clear errors naming the option."""

from __future__ import annotations

import json

import pytest
import xarray as xr

from tests.reference.test_hayne2017 import TABLE_A2_K, TABLE_A2_TOLERANCE_K


def test_equator_over_a_lunation_prints_table_a2_range_and_writes_the_series(
    moonbase_cli, tmp_path
):
    # The real Sun (DE421) at 0 N 0 E over a lunation: Table A2's noon maximum and
    # pre-dawn minimum within its 5 K (the Sun-Moon distance moves the maximum by up to
    # ~3 K about the 1 au value the table assumes).
    out = tmp_path / "equator.nc"
    result = moonbase_cli(
        "thermal", "--lat", "0", "--lon", "0", "--start", "2030-03-01", "--stop", "2030-04-01",
        "--format", "json", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["surface_max_k"] == pytest.approx(
        TABLE_A2_K["noon_max"], abs=TABLE_A2_TOLERANCE_K
    )
    assert summary["surface_min_k"] == pytest.approx(
        TABLE_A2_K["predawn_min"], abs=TABLE_A2_TOLERANCE_K
    )
    assert summary["surface_min_k"] < summary["surface_mean_k"] < summary["surface_max_k"]
    assert summary["spin_up_window"] == "12 lunations before the span"
    with xr.open_dataset(out) as series:
        assert series.surface_temperature_k.attrs["units"] == "K"
        assert series.sizes["time"] == 31 * 24 + 1
        assert float(series.surface_temperature_k.max()) == pytest.approx(
            summary["surface_max_k"], abs=0.01
        )


@pytest.mark.parametrize(
    ("option", "lat", "albedo"), [("--albedo", "0", "1.5"), ("--lat", "100", "0.12")]
)
def test_out_of_range_options_are_named(moonbase_cli, option, lat, albedo):
    result = moonbase_cli(
        "thermal", "--lat", lat, "--lon", "0", "--albedo", albedo,
        "--start", "2030-01-01", "--stop", "2030-01-02",
    )  # fmt: skip
    assert result.returncode == 2
    assert option in result.stderr
    assert "Traceback" not in result.stderr


def test_stop_before_start_is_named(moonbase_cli):
    result = moonbase_cli(
        "thermal", "--lat", "0", "--lon", "0", "--start", "2030-02-01", "--stop", "2030-01-01",
    )  # fmt: skip
    assert result.returncode == 1
    assert "--start/--stop: stop must be later than start" in result.stderr
    assert "Traceback" not in result.stderr
