"""Machine-readable exports of results: NetCDF, Zarr and CSV, written atomically."""

from __future__ import annotations

import functools
import itertools
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.errors import OutputError
from moonbase.io.atomic import atomic_directory, write_atomically
from moonbase.threads import cores

#: File name endings taken for NetCDF-4 (any other but ``.zarr`` is refused).
NETCDF_SUFFIXES = (".nc", ".nc4", ".cdf", ".netcdf")


def check_dataset_path(path: str | Path, *, zarr: bool = True) -> None:
    """Raise OutputError unless ``path`` is named as a NetCDF file (or, with ``zarr``, a
    Zarr store) is: a map must not land, unannounced, in a file named ``.csv``."""
    allowed = NETCDF_SUFFIXES + ((".zarr",) if zarr else ())
    if Path(path).suffix.lower() not in allowed:
        what = "a NetCDF file" + (" or a Zarr store" if zarr else "")
        raise OutputError(str(path), f"name {what}: end it in {', '.join(allowed)}")


def _netcdf_ready(dataset: xr.Dataset) -> xr.Dataset:
    # NetCDF has no variable-length string dtype of numpy 2's kind: store names as objects.
    coords = {
        name: dataset[name].astype(object)
        for name in dataset.coords
        if dataset[name].dtype.kind in "UT"
    }
    return dataset.assign_coords(coords)


def _file_chunks(variable: xr.DataArray, chunk_sizes: dict[str, int]) -> tuple[int, ...]:
    return tuple(
        min(chunk_sizes.get(dim, length), length)
        for dim, length in zip(variable.dims, variable.shape, strict=True)
    )


def write_dataset(
    dataset: xr.Dataset,
    path: str | Path,
    *,
    chunk_sizes: dict[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a dataset to Zarr if ``path`` ends in ``.zarr``, else to NetCDF-4.

    With ``progress``, ``progress(done, total)`` is called as the data are written: a
    1000 x 1000 x 360 horizon map takes about 3 s as NetCDF on this project's 2-core
    machine (35 s when netCDF-C compressed it), against 20 s to compute it.
    """
    check_dataset_path(path)
    if Path(path).suffix.lower() == ".zarr":
        return write_zarr(dataset, path, chunk_sizes=chunk_sizes, progress=progress)
    return write_netcdf(dataset, path, chunk_sizes=chunk_sizes, progress=progress)


def _in_slabs(dataset: xr.Dataset, chunk_sizes: dict[str, int] | None) -> xr.Dataset:
    """The dataset as Dask arrays in about 24 slabs along its largest variable's first
    dimension, each a whole number of file chunks (so each file chunk is compressed once)."""
    dim = max(dataset.data_vars.values(), key=lambda v: v.size).dims[0]
    step = (chunk_sizes or {}).get(dim, 1)
    slab = step * max(1, round(dataset.sizes[dim] / 24 / step))
    return dataset.chunk({dim: slab})


def _written(delayed, progress: Callable[[int, int], None]) -> None:
    """Compute a Dask write, calling ``progress(tasks done, tasks)`` as it goes."""
    from dask.callbacks import Callback

    class Report(Callback):
        def _start_state(self, dsk, state):
            self.done, self.total = 0, sum(len(state[k]) for k in ("ready", "waiting"))
            progress(0, self.total)

        def _posttask(self, key, result, dsk, state, worker_id):
            self.done += 1
            progress(self.done, self.total)

    with Report():
        delayed.compute()


def write_zarr(
    dataset: xr.Dataset,
    path: str | Path,
    *,
    chunk_sizes: dict[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a dataset to a Zarr store (a folder), replacing what was at ``path``.

    Zarr format 2 with consolidated metadata, the version most readers take (zarr-python
    2 and 3, GDAL, netCDF-C's NCZarr); Blosc LZ4 after byte shuffling, chunks compressed
    in parallel. A 500 x 500 x 360 float32 horizon map: 266 MiB in 2.0 s, against 1.3-1.5
    s as NetCDF (``benchmarks/bench_scaling.py``).
    ``chunk_sizes`` and ``progress`` as for :func:`write_netcdf`.
    """
    from numcodecs import Blosc

    compressor = Blosc(cname="lz4", clevel=5, shuffle=Blosc.SHUFFLE)
    encoding = {
        name: {"compressors": [compressor]}
        for name, variable in dataset.data_vars.items()
        if variable.dtype.kind in "fiub"
    }
    if chunk_sizes:
        for name, settings in encoding.items():
            settings["chunks"] = _file_chunks(dataset[name], chunk_sizes)
    with atomic_directory(Path(path)) as folder:
        if progress is None:
            dataset.to_zarr(folder, mode="w", encoding=encoding, zarr_format=2, consolidated=True)
        else:
            write = _in_slabs(dataset, chunk_sizes).to_zarr(
                folder, mode="w", encoding=encoding, zarr_format=2, consolidated=True,
                compute=False,
            )  # fmt: skip
            _written(write, progress)
    return Path(path)


def write_netcdf(
    dataset: xr.Dataset,
    path: str | Path,
    *,
    chunk_sizes: dict[str, int] | None = None,
    compress: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a dataset to NetCDF-4, compressed unless ``compress`` is False.

    ``chunk_sizes`` (dimension -> length) sets the file's chunks; data written from
    Dask chunks made of whole file chunks is compressed once per chunk. Compression is
    zlib level 1 after byte shuffling: on a 500 x 500 x 360 float32 horizon map, 244 MiB
    in 10.3 s through netCDF-C (level 4 with shuffling: 241 MiB, 11.0 s; level 4
    without: 308 MiB, 18.7 s, for it barely compresses floats). netCDF-C compresses one
    chunk at a time with zlib, so a large float variable with ``chunk_sizes`` is
    compressed here, by ISA-L in a thread per core, and its chunks stored as they are
    (:func:`_write_chunks`): the same data, chunks and filters, 7-8x faster on two
    cores. ``progress(done, total)``, when given, is called as the data are written
    (see :func:`write_dataset`).
    """
    dataset = _netcdf_ready(dataset)
    encoding = {
        name: {"zlib": True, "complevel": 1, "shuffle": True} if compress else {}
        for name, variable in dataset.data_vars.items()
        if variable.dtype.kind in "fiub"
    }
    if chunk_sizes:
        for name, settings in encoding.items():
            settings["chunksizes"] = _file_chunks(dataset[name], chunk_sizes)
    large = [
        name
        for name, variable in dataset.data_vars.items()
        if compress and chunk_sizes and variable.nbytes >= _LARGE_BYTES and _stored_as_is(variable)
    ]
    if large:
        rest = dataset.drop_vars(large)

        def write(temporary: Path) -> None:
            rest.to_netcdf(
                temporary,
                engine="netcdf4",
                encoding={k: v for k, v in encoding.items() if k not in large},
            )
            _write_chunks(temporary, dataset, large, chunk_sizes, progress)

        return write_atomically(Path(path), write)
    if progress is None:
        return write_atomically(
            Path(path), lambda p: dataset.to_netcdf(p, engine="netcdf4", encoding=encoding)
        )
    slabs = _in_slabs(dataset, chunk_sizes)
    return write_atomically(
        Path(path),
        lambda p: _written(
            slabs.to_netcdf(p, engine="netcdf4", encoding=encoding, compute=False), progress
        ),
    )


#: Float variables this large (with file chunks) are compressed in threads.
_LARGE_BYTES = 64 * 2**20


def _stored_as_is(variable: xr.DataArray) -> bool:
    """Whether xarray would store this variable's values unchanged: floats, NaN fill,
    no packing or conversion asked for in its encoding (one read from a file has one)."""
    encoding = variable.encoding
    fill = encoding.get("_FillValue", np.nan)
    return (
        variable.dtype.kind == "f"
        and np.dtype(encoding.get("dtype", variable.dtype)) == variable.dtype
        and not encoding.keys() & {"scale_factor", "add_offset", "missing_value", "units"}
        and fill is not None
        and bool(np.isnan(fill))
    )


def _write_chunks(
    path: Path,
    dataset: xr.Dataset,
    names: list[str],
    chunk_sizes: dict[str, int],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Add ``dataset[names]`` to the NetCDF-4 file at ``path``, compressed in threads.

    netCDF4 defines each variable as xarray would (deflate level 1 after byte
    shuffling, NaN fill, its attributes and coordinates); then each chunk is shuffled
    and deflated here (:func:`_deflate`), a thread per core, and h5py stores it as it
    is (HDF5's direct chunk write): what HDF5's filters read back as they read their
    own.
    """
    import h5py
    import netCDF4

    chunks = {name: _file_chunks(dataset[name], chunk_sizes) for name in names}
    all_coordinates = set(dataset.coords) - set(dataset.dims)
    used = set()
    with netCDF4.Dataset(path, "a") as nc:
        for name in names:
            variable = dataset[name]
            for dim, size in variable.sizes.items():
                if dim not in nc.dimensions:
                    nc.createDimension(dim, size)
            created = nc.createVariable(
                name,
                variable.dtype,
                variable.dims,
                zlib=True,
                complevel=1,
                shuffle=True,
                chunksizes=chunks[name],
                fill_value=variable.dtype.type(np.nan),
            )
            created.setncatts(variable.attrs)
            coordinates = sorted(
                c for c in all_coordinates if set(dataset[c].dims) <= set(variable.dims)
            )
            if coordinates:
                created.setncattr("coordinates", " ".join(coordinates))
            used.update(coordinates)
        # xarray listed here the coordinates no variable it wrote used.
        if "coordinates" in nc.ncattrs():
            unused = [c for c in nc.getncattr("coordinates").split() if c not in used]
            nc.delncattr("coordinates")
            if unused:
                nc.setncattr("coordinates", " ".join(unused))
    origins = {}  # each chunk's first index along each dimension
    for name in names:
        starts = zip(dataset[name].shape, chunks[name], strict=True)
        origins[name] = list(itertools.product(*(range(0, n, c) for n, c in starts)))
    total = sum(len(starts) for starts in origins.values())
    done = 0
    if progress is not None:
        progress(0, total)
    threads = cores()
    with h5py.File(path, "r+") as file, ThreadPoolExecutor(threads) as pool:

        def store(future) -> None:
            nonlocal done
            name, origin, deflated = future.result()
            file[name].id.write_direct_chunk(origin, deflated)
            done += 1
            if progress is not None:
                progress(done, total)

        pending: deque = deque()
        for name in names:
            data = dataset[name].data
            for origin in origins[name]:
                pending.append(pool.submit(_deflated_chunk, name, data, origin, chunks[name]))
                if len(pending) > 4 * threads:  # a few ahead of the writer: little memory
                    store(pending.popleft())
        while pending:
            store(pending.popleft())


def _deflated_chunk(
    name: str, data, origin: tuple[int, ...], chunks: tuple[int, ...]
) -> tuple[str, tuple[int, ...], bytes]:
    """HDF5's shuffle then deflate filters applied to one chunk of ``data`` (an array,
    or a Dask array computed a chunk at a time).

    Edge chunks are padded to the full chunk shape, as HDF5 stores them.
    """
    part = np.asarray(data[tuple(slice(o, o + c) for o, c in zip(origin, chunks, strict=True))])
    block = np.zeros(chunks, dtype=data.dtype)
    block[tuple(slice(0, n) for n in part.shape)] = part
    shuffled = block.view(np.uint8).reshape(-1, data.dtype.itemsize).T.tobytes()
    return name, origin, _deflate()(shuffled)


@functools.cache
def _deflate() -> Callable[[bytes], bytes]:
    """Return a function making a zlib stream, as HDF5's deflate filter stores and reads.

    ISA-L (``isal``) where it is installed: on this project's machine 510 MB/s against
    zlib's 35 MB/s on horizon chunks, for 1.7 % more bytes (its level 2 against zlib's
    level 1); zlib otherwise.
    """
    try:
        from isal import isal_zlib
    except ImportError:
        return lambda data: zlib.compress(data, 1)
    return lambda data: isal_zlib.compress(data, 2)


def write_csv(table: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write a table to CSV (UTF-8, ISO times)."""
    return write_atomically(
        Path(path), lambda p: table.to_csv(p, index=index, date_format="%Y-%m-%dT%H:%M:%S.%fZ")
    )


def statistics_table(statistics: xr.Dataset) -> pd.DataFrame:
    """Return per-site statistics as a table with unit-suffixed column names."""
    table = statistics.to_dataframe()
    table.index = table.index.astype(str)
    return table.rename_axis("site").reset_index()
