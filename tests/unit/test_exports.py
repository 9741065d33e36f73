"""Exports round-trip, and a failed write leaves the earlier file or store intact."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from moonbase.errors import OutputError
from moonbase.io.atomic import atomic_directory, write_atomically
from moonbase.io.exports import write_csv, write_dataset, write_netcdf


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


@pytest.mark.parametrize("name", ["map.csv", "map", "map.zarr.tmp"])
def test_dataset_refused_under_a_name_that_is_not_netcdf_or_zarr(tmp_path, name):
    (tmp_path / name).write_text("old content\n")
    with pytest.raises(OutputError, match=r"end it in \.nc, .*\.zarr"):
        write_dataset(xr.Dataset({"a": ("x", [1.0])}), tmp_path / name)
    assert (tmp_path / name).read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_zarr_store_round_trip_with_chunks_and_replaces_the_old_store(tmp_path):
    ds = xr.Dataset(
        {"horizon_deg": (("y", "x", "azimuth"), np.arange(2 * 3 * 4.0).reshape(2, 3, 4))},
        coords={"y": [1.0, 0.0], "x": [0.0, 1.0, 2.0]},
        attrs={"crs_wkt": "a CRS"},
    )
    path = tmp_path / "map.zarr"
    path.mkdir()
    (path / "stale").write_text("from an earlier run")
    assert write_dataset(ds, path, chunk_sizes={"y": 1, "x": 2}) == path
    assert not (path / "stale").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.zarr"]  # nothing left beside
    with xr.open_zarr(path) as back:
        xr.testing.assert_identical(back.load(), ds)
        assert back.horizon_deg.encoding["chunks"] == (1, 2, 4)


def test_failed_store_write_keeps_the_old_store(tmp_path):
    path = tmp_path / "map.zarr"
    path.mkdir()
    (path / "old").write_text("kept")
    with pytest.raises(RuntimeError, match="interrupted"):
        with atomic_directory(path) as folder:
            (folder / "half").write_text("half")
            raise RuntimeError("interrupted")
    assert [p.name for p in path.iterdir()] == ["old"]
    assert [p.name for p in tmp_path.iterdir()] == ["map.zarr"]


@pytest.mark.parametrize("name", ["map.nc", "map.zarr"])
def test_progress_written_in_slabs_gives_the_same_file(tmp_path, name):
    """With ``progress``, the data go through Dask in slabs of whole file chunks and the
    callback runs from 0 to its total; the file reads back the same as a plain write."""
    rng = np.random.default_rng(1)
    data = xr.Dataset(
        {
            "horizon_deg": (("y", "x", "azimuth"), rng.normal(size=(70, 50, 36)).astype("f4")),
            "convergence": (("y", "x"), rng.normal(size=(70, 50))),
        },
        coords={"y": np.arange(70.0), "x": np.arange(50.0), "azimuth": np.arange(36.0) * 10},
    )
    calls = []
    write_dataset(
        data, tmp_path / name, chunk_sizes={"y": 8, "x": 8}, progress=lambda *c: calls.append(c)
    )
    write_dataset(data, tmp_path / f"plain-{name}", chunk_sizes={"y": 8, "x": 8})
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 1
    opener = xr.open_zarr if name.endswith(".zarr") else xr.open_dataset
    with opener(tmp_path / name) as slabbed, opener(tmp_path / f"plain-{name}") as plain:
        key = "chunks" if name.endswith(".zarr") else "chunksizes"
        assert slabbed.horizon_deg.encoding[key] == plain.horizon_deg.encoding[key]
        xr.testing.assert_identical(slabbed.load(), plain.load())


def _map_dataset(rng: np.random.Generator) -> xr.Dataset:
    """A small horizon map: a non-dimension coordinate, attributes, NaNs, edge chunks."""
    # Azimuth-major in memory, as a computed horizon map is: chunks gather from a view.
    horizons = rng.normal(size=(36, 70, 50)).astype("f4").transpose(1, 2, 0)
    horizons[3, 4, :5] = np.nan
    return xr.Dataset(
        {
            "horizon_deg": (("y", "x", "azimuth"), horizons, {"units": "deg"}),
            "convergence": (("y", "x"), rng.normal(size=(70, 50)), {"units": "deg"}),
            "site_count": (("y",), np.arange(70)),
        },
        coords={
            "y": np.arange(70.0),
            "x": np.arange(50.0),
            "azimuth_deg": ("azimuth", np.arange(36.0) * 10, {"units": "deg"}),
        },
        attrs={"crs_wkt": "a CRS", "near_field_px": 8},
    )


@pytest.mark.parametrize("deflate", ["isal", "zlib"])
def test_large_variables_compressed_in_threads_give_netcdf_cs_file(tmp_path, monkeypatch, deflate):
    """Chunks deflated in threads and stored directly read back exactly as the file
    netCDF-C writes: the same data, chunks, filters and attributes, coordinates kept;
    with ISA-L's deflate and with zlib's (where ISA-L is not installed)."""
    import netCDF4

    from moonbase.io import exports

    if deflate == "zlib":
        monkeypatch.setattr(exports, "_deflate", lambda: lambda data: zlib.compress(data, 1))
    else:
        pytest.importorskip("isal")
    data = _map_dataset(np.random.default_rng(2))
    chunks = {"y": 16, "x": 16}
    write_netcdf(data, tmp_path / "plain.nc", chunk_sizes=chunks)
    monkeypatch.setattr(exports, "_LARGE_BYTES", 0)  # every float variable takes threads
    calls = []
    write_netcdf(
        data, tmp_path / "threads.nc", chunk_sizes=chunks, progress=lambda *c: calls.append(c)
    )
    assert calls[0] == (0, 2 * 5 * 4) and calls[-1] == (40, 40)  # 5 x 4 chunks of each float
    with (
        xr.open_dataset(tmp_path / "threads.nc") as threads,
        xr.open_dataset(tmp_path / "plain.nc") as plain,
    ):
        xr.testing.assert_identical(threads.load(), plain.load())
        xr.testing.assert_identical(threads, data)
    with netCDF4.Dataset(tmp_path / "threads.nc") as a, netCDF4.Dataset(tmp_path / "plain.nc") as b:
        assert {k: a.getncattr(k) for k in a.ncattrs()} == {k: b.getncattr(k) for k in b.ncattrs()}
        assert set(a.variables) == set(b.variables)
        for name in b.variables:
            va, vb = a[name], b[name]
            assert (va.dimensions, va.dtype, va.chunking(), va.filters()) == (
                vb.dimensions, vb.dtype, vb.chunking(), vb.filters()
            ), name  # fmt: skip
            attrs_a = {k: va.getncattr(k) for k in va.ncattrs()}
            attrs_b = {k: vb.getncattr(k) for k in vb.ncattrs()}
            assert attrs_a.keys() == attrs_b.keys(), name
            for key in attrs_b:
                np.testing.assert_array_equal(attrs_a[key], attrs_b[key])
