"""Horizon and illumination maps in tiles on a Dask cluster, resumable from a tile folder.

The map is cut into square tiles of pixels. Each tile is one Dask task that computes
its pixels' horizons over the *whole* window and far field (which every worker holds
once, broadcast by the scheduler): the horizon of a pixel does not depend on the tile
it is computed in, so the tiles put together are bit-for-bit the single-machine map
(see :meth:`moonbase.terrain.horizon.HorizonProblem.block`). What a tile needs beyond
its own pixels - its halo - is therefore the window itself plus the far field; what
grows with the map's size, the horizon array (pixels x azimuths), never exists whole.

Finished tiles are written one file per tile (NetCDF, atomically) into a folder beside
the output, with a manifest of the run. A run started again with the same folder and
the same inputs computes only the tiles that are missing; different inputs are
refused. When every tile is there they are joined into the output file.

``client`` is a :class:`dask.distributed.Client`: of a ``LocalCluster`` by default
(:func:`local_client`), or of an existing cluster by its scheduler address.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from moonbase.errors import SchedulerError, TileStoreError
from moonbase.io.atomic import write_text_atomically
from moonbase.io.exports import write_dataset, write_netcdf
from moonbase.terrain.dem import Dem
from moonbase.terrain.horizon import (
    NEAR_FIELD_PX,
    HorizonProblem,
    azimuth_grid,
    horizon_dataset,
)
from moonbase.terrain.illumination import SkyTables, illumination_dataset, integrate_block

#: Called after each tile with (tiles finished, tiles in all, tiles found already done).
TileProgress = Callable[[int, int, int], None]


@dataclass(frozen=True)
class Tile:
    """One block of the map: rows ``r0:r1`` and columns ``c0:c1``."""

    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def rows(self) -> slice:
        return slice(self.r0, self.r1)

    @property
    def cols(self) -> slice:
        return slice(self.c0, self.c1)

    @property
    def name(self) -> str:
        return f"tile_r{self.r0:06d}_c{self.c0:06d}.nc"


def tiles_of(shape: tuple[int, int], tile_size: int) -> list[Tile]:
    """Cut a (rows, cols) grid into tiles of at most ``tile_size`` pixels square."""
    if tile_size < 1:
        raise ValueError(f"tile size must be at least 1 pixel (got {tile_size})")
    rows, cols = shape
    return [
        Tile(r, min(r + tile_size, rows), c, min(c + tile_size, cols))
        for r in range(0, rows, tile_size)
        for c in range(0, cols, tile_size)
    ]


def _digest(*arrays: np.ndarray | None) -> str:
    sha = hashlib.sha256()
    for array in arrays:
        if array is not None:
            sha.update(np.ascontiguousarray(array).tobytes())
    return sha.hexdigest()


def _grid_facts(dem: Dem | None) -> dict | None:
    if dem is None:
        return None
    return {"source": dem.source, "shape": list(dem.shape), "transform": list(dem.transform)[:6]}


class TileStore:
    """A folder of finished tiles for one run, described by ``manifest.json``.

    Raises
    ------
    TileStoreError
        If the folder holds tiles of a run with other inputs, or cannot be used.
    """

    def __init__(self, folder: str | Path, manifest: dict):
        self.folder = Path(folder)
        self.manifest = manifest
        path = self.folder / "manifest.json"
        if path.exists():
            try:
                found = json.loads(path.read_text())
            except (OSError, ValueError) as error:
                raise TileStoreError(str(self.folder), f"unreadable manifest ({error})") from None
            if found != manifest:
                changed = sorted(
                    key for key in set(found) | set(manifest) if found.get(key) != manifest.get(key)
                )
                raise TileStoreError(
                    str(self.folder),
                    "it holds tiles of a run with other inputs (differs in "
                    f"{', '.join(changed)}); delete it or give another --tiles-dir",
                )
        elif self.folder.exists() and any(self.folder.glob("tile_*.nc")):
            raise TileStoreError(str(self.folder), "it holds tiles but no manifest; delete it")
        else:
            write_text_atomically(path, json.dumps(manifest, indent=1) + "\n")

    def path(self, tile: Tile) -> Path:
        return self.folder / tile.name

    def done(self, tile: Tile) -> bool:
        return self.path(tile).exists()

    def write(self, tile: Tile, dataset: xr.Dataset) -> None:
        # Uncompressed: tiles are temporary, and the client writing them must keep up
        # with the workers; the joined output is compressed once.
        write_netcdf(dataset, self.path(tile), compress=False)

    @contextmanager
    def joined(self, tiles: list[Tile]) -> Iterator[xr.Dataset]:
        """Open every tile lazily (Dask arrays) as one dataset."""
        missing = [t.name for t in tiles if not self.done(t)]
        if missing:
            raise TileStoreError(str(self.folder), f"{len(missing)} tiles are missing")
        dataset = xr.open_mfdataset(
            [self.path(t) for t in tiles], combine="by_coords", engine="netcdf4"
        )
        try:
            yield dataset
        finally:
            dataset.close()


def remove_tile_folder(folder: str | Path) -> None:
    """Delete a tile folder's tiles, manifest and leftovers of interrupted writes."""
    folder = Path(folder)
    for pattern in ("tile_*.nc", ".tile_*", "manifest.json", ".manifest.json.*"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)
    with suppress(OSError):
        folder.rmdir()


@contextmanager
def local_client(workers: int = 2, threads_per_worker: int = 1):
    """A :class:`dask.distributed.Client` of a fresh ``LocalCluster`` (closed on exit)."""
    import logging

    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextmanager
def scheduler_client(address: str):
    """A :class:`dask.distributed.Client` of an existing cluster at ``address``."""
    from dask.distributed import Client

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerError(address, str(error)) from None
    try:
        yield client
    finally:
        client.close()


def _horizon_tile(dem, far_field, tile, azimuths_deg, height_m, near_px, threads):
    """Dask task: horizons of one tile (azimuth, rows, cols), float32."""
    problem = HorizonProblem(dem, far_field)
    return problem.block(
        tile.rows, tile.cols, azimuths_deg, height_m=height_m, near_px=near_px, threads=threads
    )


def _illumination_tile(dem, far_field, tile, sky, height_m, near_px, threads):
    """Dask task: illumination fractions (3, rows, cols) of one tile."""
    horizons = _horizon_tile(dem, far_field, tile, sky.azimuths_deg, height_m, near_px, threads)
    return integrate_block(
        dem, horizons, sky, height_m=height_m, rows=tile.rows, cols=tile.cols, threads=threads
    )


def _run_tiles(client, store, tiles, task, args, to_dataset, progress):
    """Submit the tiles the store lacks; write each as it finishes. Returns (done, resumed)."""
    from dask.distributed import as_completed

    resumed = sum(store.done(t) for t in tiles)
    todo = [t for t in tiles if not store.done(t)]
    finished = resumed
    if progress is not None:
        progress(finished, len(tiles), resumed)
    if todo:
        dem, far_field, *rest = args
        # The window and far field go to every worker once, not with every task.
        shared_dem = client.scatter(dem, broadcast=True)
        shared_far = None if far_field is None else client.scatter(far_field, broadcast=True)
        futures = {
            client.submit(task, shared_dem, shared_far, t, *rest, pure=False): t for t in todo
        }
        for future, block in as_completed(futures, with_results=True):
            tile = futures.pop(future)
            store.write(tile, to_dataset(tile, block))
            finished += 1
            if progress is not None:
                progress(finished, len(tiles), resumed)
    return finished, resumed


def _join(store: TileStore, tiles: list[Tile], out: str | Path, tile_size: int) -> None:
    """Join the tile files into ``out``, one file chunk per tile.

    Runs on this machine's threads, not on the cluster (the tiles are local files).
    """
    import dask

    # File chunks that divide the tile (so no chunk straddles two tiles), at most 64
    # pixels square (large compressed chunks write slowly).
    side = max(d for d in range(1, min(tile_size, 64) + 1) if tile_size % d == 0)
    with store.joined(tiles) as joined, dask.config.set(scheduler="threads"):
        if "azimuth" in joined.dims:
            joined = joined.transpose("y", "x", "azimuth")
        write_dataset(joined, out, chunk_sizes={"y": side, "x": side})


def horizon_map_tiled(
    dem: Dem,
    out: str | Path,
    *,
    client,
    tile_size: int,
    tiles_dir: str | Path | None = None,
    azimuths: int = 360,
    height_m: float = 0.0,
    far_field: Dem | None = None,
    near_px: int = NEAR_FIELD_PX,
    threads_per_task: int = 1,
    progress: TileProgress | None = None,
) -> tuple[int, int]:
    """Compute :func:`~moonbase.terrain.horizon.horizon_map` in tiles on ``client``; write ``out``.

    Finished tiles go to ``tiles_dir`` (default: ``OUT.tiles`` beside ``out``); a run
    with the same folder and inputs resumes from them. Returns (tiles, tiles resumed).
    """
    HorizonProblem(dem, far_field)  # validate here, not on a worker
    az = azimuth_grid(azimuths)
    manifest = {
        "kind": "horizon",
        "dem": _grid_facts(dem),
        "far_field": _grid_facts(far_field),
        "heights_sha256": _digest(dem.height_m, None if far_field is None else far_field.height_m),
        "crs_wkt": dem.crs.to_wkt(),
        "azimuths": azimuths,
        "height_m": float(height_m),
        "near_px": int(near_px),
        "tile_size": int(tile_size),
    }
    store = TileStore(tiles_dir or Path(f"{out}.tiles"), manifest)
    tiles = tiles_of(dem.shape, tile_size)

    def to_dataset(tile, block):
        return horizon_dataset(
            dem,
            block,
            az,
            height_m=height_m,
            far_field=far_field,
            near_px=near_px,
            rows=tile.rows,
            cols=tile.cols,
        )

    args = (dem, far_field, az, float(height_m), int(near_px), int(threads_per_task))
    _, resumed = _run_tiles(client, store, tiles, _horizon_tile, args, to_dataset, progress)
    _join(store, tiles, out, tile_size)
    return len(tiles), resumed


def illumination_map_tiled(
    dem: Dem,
    sky: SkyTables,
    out: str | Path,
    *,
    client,
    tile_size: int,
    tiles_dir: str | Path | None = None,
    height_m: float = 0.0,
    far_field: Dem | None = None,
    near_px: int = NEAR_FIELD_PX,
    threads_per_task: int = 1,
    progress: TileProgress | None = None,
) -> tuple[int, int]:
    """Illumination maps in tiles: each task computes its tile's horizons and integrates
    them against ``sky`` (:func:`~moonbase.terrain.illumination.sky_tables`); no horizon
    map is kept. Writes ``out``; returns (tiles, tiles resumed)."""
    HorizonProblem(dem, far_field)
    manifest = {
        "kind": "illumination",
        "dem": _grid_facts(dem),
        "far_field": _grid_facts(far_field),
        "heights_sha256": _digest(dem.height_m, None if far_field is None else far_field.height_m),
        "crs_wkt": dem.crs.to_wkt(),
        "azimuths": int(sky.azimuths_deg.size),
        "sky_sha256": _digest(sky.tables),
        "span": [sky.attrs["start_utc"], sky.attrs["stop_utc"], sky.attrs["step_days"]],
        "height_m": float(height_m),
        "near_px": int(near_px),
        "tile_size": int(tile_size),
    }
    store = TileStore(tiles_dir or Path(f"{out}.tiles"), manifest)
    tiles = tiles_of(dem.shape, tile_size)
    attrs = {"crs_wkt": dem.crs.to_wkt(), **sky.attrs, "near_field_px": int(near_px)}

    def to_dataset(tile, block):
        return illumination_dataset(block, dem.x[tile.cols], dem.y[tile.rows], attrs)

    args = (dem, far_field, sky, float(height_m), int(near_px), int(threads_per_task))
    _, resumed = _run_tiles(client, store, tiles, _illumination_tile, args, to_dataset, progress)
    _join(store, tiles, out, tile_size)
    return len(tiles), resumed
