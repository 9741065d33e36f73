"""Tiled horizon and illumination maps on Dask: identical to one machine, resumable.

Every test compares against the single-machine computation on the same grid with
``xarray.testing.assert_identical``: values bit for bit, coordinates and attributes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import xarray as xr
from affine import Affine

from moonbase.errors import SchedulerError, TileStoreError
from moonbase.geometry.times import time_grid
from moonbase.io import exports
from moonbase.terrain.dem import Dem, polar_stereographic
from moonbase.terrain.horizon import azimuth_grid, horizon_map
from moonbase.terrain.illumination import illumination_map, sky_tables
from moonbase.terrain.tiles import (
    horizon_map_tiled,
    illumination_map_tiled,
    local_client,
    scheduler_client,
    tiles_of,
)


@pytest.fixture(scope="module")
def client():
    with local_client(workers=2) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def window_and_far():
    """A 2 km-per-pixel 60 x 70 window near the south pole and a 5 km far field."""
    rng = np.random.default_rng(5)
    rough = rng.normal(size=(60, 70)).cumsum(0).cumsum(1)
    crs = polar_stereographic(south=True)
    dem = Dem(
        (rough - rough.mean()).astype(np.float32) * 20.0,
        Affine(2000.0, 0, 10e3, 0, -2000.0, 80e3),
        crs,
        "rough",
    )
    far_z = rng.normal(size=(90, 90)).cumsum(0).cumsum(1) * 30.0
    far = Dem(
        (far_z - far_z.mean()).astype(np.float32),
        Affine(5000.0, 0, 10e3 + 70e3 - 225e3, 0, -5000.0, 80e3 - 60e3 + 225e3),
        crs,
        "far",
    )
    return dem, far


def test_tiles_cover_the_grid_once():
    tiles = tiles_of((61, 70), 25)
    covered = np.zeros((61, 70), int)
    for tile in tiles:
        covered[tile.rows, tile.cols] += 1
    assert len(tiles) == 9 and np.all(covered == 1)


def test_tiled_horizon_map_is_identical_and_resumes(client, window_and_far, tmp_path, monkeypatch):
    dem, far = window_and_far
    single = horizon_map(dem, azimuths=24, height_m=2.0, far_field=far)
    out, tiles_dir = tmp_path / "h.nc", tmp_path / "tiles"
    # The join compresses in threads, reading the tiles a file chunk at a time (as it
    # does for maps of 64 MiB and more); the resumed run's join below, in netCDF-C.
    monkeypatch.setattr(exports, "_LARGE_BYTES", 0)
    threaded, write_chunks = [], exports._write_chunks

    def spy(path, dataset, names, *rest):
        threaded.extend(names)
        write_chunks(path, dataset, names, *rest)

    monkeypatch.setattr(exports, "_write_chunks", spy)
    count, resumed = horizon_map_tiled(
        dem,
        out,
        client=client,
        tile_size=20,
        tiles_dir=tiles_dir,
        azimuths=24,
        height_m=2.0,
        far_field=far,
    )
    assert (count, resumed) == (12, 0)
    assert sorted(threaded) == ["grid_convergence_deg", "horizon_deg"]
    with xr.open_dataset(out) as tiled:
        xr.testing.assert_identical(tiled.load(), single)

    # Resume: remove five tiles and overwrite the output; only those five are computed
    # again (the others keep their files, untouched), and the result is the same.
    monkeypatch.undo()
    files = sorted(tiles_dir.glob("tile_*.nc"))
    for path in files[:5]:
        path.unlink()
    kept = {path: path.stat().st_mtime_ns for path in files[5:]}
    out.write_text("stale")
    seen = []
    count, resumed = horizon_map_tiled(
        dem,
        out,
        client=client,
        tile_size=20,
        tiles_dir=tiles_dir,
        azimuths=24,
        height_m=2.0,
        far_field=far,
        progress=lambda done, total, found: seen.append((done, total, found)),
    )
    assert (count, resumed) == (12, 7)
    assert seen[0] == (7, 12, 7) and seen[-1] == (12, 12, 7)
    assert all(path.stat().st_mtime_ns == mtime for path, mtime in kept.items())
    with xr.open_dataset(out) as tiled:
        xr.testing.assert_identical(tiled.load(), single)


def test_tile_folder_of_another_run_is_refused(client, window_and_far, tmp_path):
    dem, _ = window_and_far
    horizon_map_tiled(
        dem, tmp_path / "a.nc", client=client, tile_size=40, tiles_dir=tmp_path / "t", azimuths=8
    )
    with pytest.raises(TileStoreError, match="differs in azimuths"):
        horizon_map_tiled(
            dem,
            tmp_path / "b.nc",
            client=client,
            tile_size=40,
            tiles_dir=tmp_path / "t",
            azimuths=16,
        )


def test_tiled_illumination_is_identical(client, window_and_far, tmp_path, eph):
    dem, far = window_and_far
    t, _ = time_grid(
        eph.ts,
        datetime(2030, 1, 1, tzinfo=UTC),
        datetime(2030, 3, 1, tzinfo=UTC),
        timedelta(hours=6),
    )
    horizons = horizon_map(dem, azimuths=36, height_m=2.0, far_field=far)
    single = illumination_map(dem, horizons, t, ephemeris=eph)
    sky = sky_tables(dem, azimuth_grid(36), t, ephemeris=eph)
    out = tmp_path / "light.nc"
    illumination_map_tiled(dem, sky, out, client=client, tile_size=32, height_m=2.0, far_field=far)
    with xr.open_dataset(out) as tiled:
        tiled = tiled.load()
    for name in ("sunlit_fraction", "mean_solar_visible_fraction", "earth_visible_fraction"):
        np.testing.assert_array_equal(tiled[name].values, single[name].values)
        assert tiled[name].attrs == single[name].attrs
    assert tiled.attrs["near_field_px"] == single.attrs["near_field_px"] == 8
    np.testing.assert_array_equal(
        tiled.permanent_shadow.values.astype(bool), single.permanent_shadow.values
    )


def test_existing_scheduler_by_address(client, window_and_far, tmp_path):
    dem, _ = window_and_far
    with scheduler_client(client.scheduler.address) as other:
        # Written as Zarr (by the file's suffix): the same dataset as NetCDF would hold.
        horizon_map_tiled(dem, tmp_path / "s.zarr", client=other, tile_size=35, azimuths=8)
    with xr.open_dataset(tmp_path / "s.zarr") as tiled:
        xr.testing.assert_identical(tiled.load(), horizon_map(dem, azimuths=8))
    with pytest.raises(SchedulerError, match="cannot reach a Dask scheduler"):
        with scheduler_client("tcp://127.0.0.1:9"):
            pass


def _cli(*args):
    return [sys.executable, "-c", "from moonbase.cli.main import main; main()", *args]


def test_cli_run_killed_part_way_resumes(lola_dir, tmp_path):
    """Kill a tiled `moonbase terrain horizon` (and its Dask workers) after its first
    tiles; run it again: it reports the tiles it found and writes the same map as one
    machine."""
    common = [
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--center=-89.5,0",
        "--size-km",
        "100",
        "--resolution-m",
        "1000",
        "--azimuths",
        "720",
        "--height-m",
        "2",
    ]
    out, tiles_dir = tmp_path / "tiled.nc", tmp_path / "tiles"
    tiled = [*common, "--out", str(out), "--tile-size", "20", "--tiles-dir", str(tiles_dir)]
    process = subprocess.Popen(
        _cli(*tiled), start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while len(list(tiles_dir.glob("tile_*.nc"))) < 3 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the run's own process group: CLI and workers
    process.wait()
    done = len(list(tiles_dir.glob("tile_*.nc")))
    assert done >= 3 and not out.exists()

    again = subprocess.run(_cli(*tiled), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    total = int(re.search(r"(\d+) tiles \((\d+) already done", again.stdout).group(1))
    assert f"{total} tiles ({done} already done" in again.stdout and done < total
    assert not tiles_dir.exists()  # removed once the map is written
    single = subprocess.run(
        _cli(*common, "--out", str(tmp_path / "one.nc")),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert single.returncode == 0, single.stderr
    with xr.open_dataset(out) as a, xr.open_dataset(tmp_path / "one.nc") as b:
        xr.testing.assert_identical(a.load(), b.load())


def test_cli_tiling_errors_are_clear(lola_dir, tmp_path, moonbase_cli):
    result = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--center=-89.5,0",
        "--size-km",
        "20",
        "--resolution-m",
        "2000",
        "--azimuths",
        "8",
        "--out",
        str(tmp_path / "x.nc"),
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.returncode == 1 and "cannot reach a Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr
    far = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--center=-89.5,0",
        "--size-km",
        "20",
        "--resolution-m",
        "2000",
        "--azimuths",
        "8",
        "--out",
        str(tmp_path / "x.nc"),
        "--far-field",
        str(tmp_path / "absent.LBL"),
    )
    assert far.returncode == 1 and "absent.LBL: no such file" in far.stderr
    assert "Traceback" not in far.stderr
