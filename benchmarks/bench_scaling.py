"""Benchmark: scaling with workers, and the cost of tiling a horizon map on Dask.

Run:  python benchmarks/bench_scaling.py [--size 500] [--azimuths 360] [--far-km 150]

The same terrain kind as bench_horizon.py (a 240 km south-polar LDEM_16 window, here at
``240 km / size`` per pixel, and an LDEM_16 far field ``--far-km`` past every edge):
- single machine, in-process threads 1 and 2: compute only, then writing the map
  as NetCDF and as Zarr (as `moonbase terrain horizon --out FILE.nc` / `FILE.zarr`),
  and, as the baseline, the same NetCDF file written by xarray alone (netCDF-C
  compresses its chunks one at a time; `write_netcdf` compresses them in threads);
- Dask LocalCluster with 1 and 2 workers (1 thread each), tiles of size/4 and size/2
  pixels: computing the tiles and writing their files, then joining them into the
  output store, Zarr (cluster start-up excluded, measured apart);
- tile overhead: Dask time over the single-machine time with the same parallelism.

A tile searches the whole window and far field for its own pixels (so the joined map is
identical to the single-machine one); its line sweeps start at the window's far edge,
which is the extra work that grows as tiles get smaller.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench_horizon import in_process, make_dem, make_far_field
from results_file import record, run_header

RESULTS = Path(__file__).parent / "results" / "scaling.json"
WINDOW_M = 240e3


def _single(args, queue):
    from moonbase.io.exports import write_netcdf, write_zarr
    from moonbase.terrain.horizon import MAP_FILE_CHUNKS, horizon_map

    near, far, azimuths, threads, out = args
    horizon_map(near.window(slice(0, 32), slice(0, 32)), azimuths=4, threads=threads)
    start = time.perf_counter()
    dataset = horizon_map(near, azimuths=azimuths, height_m=2.0, far_field=far, threads=threads)
    compute = time.perf_counter() - start
    start = time.perf_counter()
    write_netcdf(dataset, out.with_suffix(".nc"), chunk_sizes=MAP_FILE_CHUNKS)
    netcdf = time.perf_counter() - start
    # Baseline: the same file as netCDF-C compresses it, one chunk at a time.
    file_chunks = (MAP_FILE_CHUNKS["y"], MAP_FILE_CHUNKS["x"], azimuths)  # as write_netcdf's
    encoding = {"zlib": True, "complevel": 1, "shuffle": True, "chunksizes": file_chunks}
    start = time.perf_counter()
    dataset.to_netcdf(out.with_suffix(".c.nc"), encoding={"horizon_deg": encoding})
    netcdf_c = time.perf_counter() - start
    start = time.perf_counter()
    write_zarr(dataset, out.with_suffix(".zarr"), chunk_sizes=MAP_FILE_CHUNKS)
    queue.put((compute, netcdf, netcdf_c, time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--azimuths", type=int, default=360)
    parser.add_argument("--far-km", type=float, default=150.0)
    args = parser.parse_args()

    from moonbase.terrain.tiles import horizon_map_tiled, local_client

    near = make_dem(args.size, resolution_m=WINDOW_M / args.size)
    far = make_far_field(near, args.far_km)
    pixel_azimuths = near.height_m.size * args.azimuths
    result = run_header(
        f"python benchmarks/bench_scaling.py --size {args.size} --azimuths "
        f"{args.azimuths} --far-km {args.far_km:g}",
    ) | {
        "map": f"LDEM_16 south-polar window {args.size} x {args.size} at "
        f"{near.resolution[0]:g} m, {args.azimuths} azimuths, far field LDEM_16 at "
        f"{far.resolution[0]:.0f} m to {args.far_km:g} km past the edges",
    }
    scratch = Path(tempfile.mkdtemp(prefix="moonbase-scaling-"))
    try:
        single = {}
        for threads in (1, 2):
            compute, netcdf, netcdf_c, zarr = in_process(
                _single, (near, far, args.azimuths, threads, scratch / f"single{threads}")
            )
            single[threads] = compute
            result[f"single_{threads}_thread_compute_s"] = round(compute, 2)
            result[f"single_{threads}_thread_write_netcdf_s"] = round(netcdf, 2)
            result[f"single_{threads}_thread_write_netcdf_by_netcdf_c_s"] = round(netcdf_c, 2)
            result[f"single_{threads}_thread_write_netcdf_speedup"] = round(netcdf_c / netcdf, 2)
            result[f"single_{threads}_thread_write_zarr_s"] = round(zarr, 2)
            result[f"single_{threads}_thread_mpix_az_per_s"] = round(
                pixel_azimuths / compute / 1e6, 1
            )
        result["single_scaling_2_over_1"] = round(single[1] / single[2], 2)
        for workers in (1, 2):
            start = time.perf_counter()
            with local_client(workers=workers) as client:
                result[f"dask_{workers}_workers_cluster_start_s"] = round(
                    time.perf_counter() - start, 2
                )
                # Warm the workers (numba cache load) on a small map first.
                horizon_map_tiled(
                    near.window(slice(0, 32), slice(0, 32)),
                    scratch / "warm.zarr",
                    client=client,
                    tile_size=16,
                    tiles_dir=scratch / "warm",
                    azimuths=4,
                )
                for tile_size in (args.size // 4, args.size // 2):
                    name = f"dask_{workers}_workers_tile_{tile_size}"
                    stamps = []
                    start = time.perf_counter()
                    horizon_map_tiled(
                        near,
                        scratch / f"{name}.zarr",
                        client=client,
                        tile_size=tile_size,
                        tiles_dir=scratch / name,
                        azimuths=args.azimuths,
                        height_m=2.0,
                        far_field=far,
                        progress=lambda *_, stamps=stamps: stamps.append(time.perf_counter()),
                    )
                    total = time.perf_counter() - start
                    tiles_s = stamps[-1] - start
                    result[f"{name}_tiles_s"] = round(tiles_s, 2)
                    result[f"{name}_join_s"] = round(total - tiles_s, 2)
                    result[f"{name}_mpix_az_per_s"] = round(pixel_azimuths / tiles_s / 1e6, 1)
                    result[f"{name}_overhead_vs_single_{workers}_thread"] = round(
                        tiles_s / single[workers], 2
                    )
        quarter = args.size // 4
        result["dask_scaling_2_over_1_workers"] = round(
            result[f"dask_1_workers_tile_{quarter}_tiles_s"]
            / result[f"dask_2_workers_tile_{quarter}_tiles_s"],
            2,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    record(result, RESULTS)


if __name__ == "__main__":
    main()
