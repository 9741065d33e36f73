"""Exports round-trip, and a failed write leaves the earlier file intact."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from moonbase.errors import OutputError
from moonbase.io.atomic import write_atomically
from moonbase.io.exports import write_csv, write_netcdf


def test_netcdf_round_trip_keeps_names_units_and_booleans(tmp_path):
    ds = xr.Dataset(
        {
            "earth_in_view": (("site", "time"), np.array([[True, False], [False, True]])),
            "sun_elevation_deg": (("site", "time"), np.ones((2, 2)), {"units": "deg"}),
        },
        coords={
            "site": pd.Index(["A ridge", "B rim"], name="site"),
            "time": np.array(["2030-01-01", "2030-01-02"], dtype="datetime64[ns]"),
        },
    )
    path = write_netcdf(ds, tmp_path / "env.nc")
    with xr.open_dataset(path) as back:
        assert list(back.site.values) == ["A ridge", "B rim"]
        assert back.sun_elevation_deg.attrs["units"] == "deg"
        assert back.earth_in_view.dtype == bool
        assert back.earth_in_view.values.tolist() == [[True, False], [False, True]]


def test_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("old content\n")

    def explode(temporary):
        temporary.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left"):
        write_atomically(path, explode)
    assert path.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["sites.csv"]


def test_csv_written_with_normal_permissions(tmp_path):
    path = write_csv(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert path.stat().st_mode & 0o044  # group/other can read, as for any new file
