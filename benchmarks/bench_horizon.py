"""Benchmark: horizon map of a 1000 x 1000 LOLA window, 360 azimuths.

Run:  python benchmarks/bench_horizon.py [--size 1000] [--azimuths 360] [--brute-pixels 300]

Measured in the same run, on the same DEM (a south-polar window cut from the shared
LDEM_16 at 240 m):
- moonbase's line-sweep kernel with 2 threads and with 1 thread (time, peak RSS,
  pixel-azimuths per second);
- the brute-force ray march (O(N) per pixel-azimuth) on a sample of pixels,
  extrapolated to the map, and the error of the sweep against it;
- the PyPI package topocalc (Dozier-Frew planar horizons in C) on a few azimuths,
  extrapolated, when it is installed. It does not build with pip's defaults; install
  with ``pip install numpy setuptools setuptools_scm cython wheel`` then
  ``SETUPTOOLS_SCM_PRETEND_VERSION=0.5.0 pip install --no-build-isolation topocalc==0.5.0``.

Not yet measured: the far field beyond the window (not implemented yet).
Each measurement runs in a fresh process so peak memory is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from results_file import record
from shared_data import shared_lola

RESULTS = Path(__file__).parent / "results" / "horizon_map.json"
LOLA = shared_lola(Path(__file__)) / "LDEM_16.LBL"


def make_dem(size: int, resolution_m: float = 240.0):
    """A south-polar window of LDEM_16, ``size`` pixels square, centred near Shackleton."""
    from moonbase.io.dem_readers import read_dem_around
    from moonbase.terrain.window import cut_window

    size_m = size * resolution_m
    source = read_dem_around(LOLA, center_lat_deg=-89.0, center_lon_deg=150.0, size_m=size_m)
    return cut_window(
        source, center_lat_deg=-89.0, center_lon_deg=150.0, size_m=size_m, resolution_m=resolution_m
    )


def make_window(size: int) -> tuple[np.ndarray, float]:
    dem = make_dem(size)
    return dem.height_m.astype(np.float64), dem.resolution[0]


def _problem(z, pixel):
    from affine import Affine

    from moonbase.terrain.dem import Dem, polar_stereographic
    from moonbase.terrain.horizon import HorizonProblem

    dem = Dem(z, Affine(pixel, 0, 0, 0, -pixel, 0), polar_stereographic())
    return HorizonProblem(dem)


def _sweep(args, queue):
    import numba

    z, pixel, azimuths, threads, rows, cols = args
    numba.set_num_threads(threads)
    az = np.arange(azimuths) * 360.0 / azimuths
    problem = _problem(z, pixel)
    problem.block(slice(0, 64), slice(0, 64), az[:2], height_m=2.0)  # compile / load
    start = time.perf_counter()
    out = problem.block(slice(None), slice(None), az, height_m=2.0, threads=threads)
    seconds = time.perf_counter() - start
    # Only the sampled pixels go back: a 1.4 GB map through a queue would distort the
    # parent's memory, which the next forked measurement inherits.
    sample = out[:, rows, cols].T.copy()
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, sample))


def _brute(args, queue):
    z, pixel, azimuths, rows, cols = args
    az = np.arange(azimuths) * 360.0 / azimuths
    problem = _problem(z, pixel)
    problem.brute_force(rows[:2], cols[:2], az[:2], height_m=2.0)
    start = time.perf_counter()
    ref, _ = problem.brute_force(rows, cols, az, height_m=2.0)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, ref))


def _topocalc(args, queue):
    from topocalc.horizon import horizon

    z, pixel, azimuths = args
    start = time.perf_counter()
    for azimuth in azimuths:
        horizon(float(azimuth), z, pixel)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, None))


def in_process(target, args):
    context = mp.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=target, args=(args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--azimuths", type=int, default=360)
    parser.add_argument("--brute-pixels", type=int, default=300)
    args = parser.parse_args()

    z, pixel = make_window(args.size)
    pixel_azimuths = z.size * args.azimuths
    result = {
        "command": f"python benchmarks/bench_horizon.py --size {args.size} "
        f"--azimuths {args.azimuths} --brute-pixels {args.brute_pixels}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {mp.cpu_count()} cores, python "
        f"{platform.python_version()}",
        "dem": f"LDEM_16 south-polar window {args.size} x {args.size} at {pixel:g} m "
        f"({args.size * pixel / 1000:g} km), observer 2 m, curvature on, near field 8 px",
        "far_field": "not included (not implemented yet)",
    }
    rng = np.random.default_rng(0)
    margin = 10
    rows = rng.integers(margin, z.shape[0] - margin, args.brute_pixels)
    cols = rng.integers(margin, z.shape[1] - margin, args.brute_pixels)
    for threads in (2, 1):
        seconds, rss, ours = in_process(_sweep, (z, pixel, args.azimuths, threads, rows, cols))
        result[f"sweep_{threads}_threads_s"] = round(seconds, 2)
        result[f"sweep_{threads}_threads_peak_rss_mib"] = round(rss)
        result[f"sweep_{threads}_threads_mpix_az_per_s"] = round(pixel_azimuths / seconds / 1e6, 1)
    result["thread_scaling_2_over_1"] = round(
        result["sweep_1_threads_s"] / result["sweep_2_threads_s"], 2
    )

    seconds, rss, ref = in_process(_brute, (z, pixel, args.azimuths, rows, cols))
    brute_rate = rows.size * args.azimuths / seconds
    result["brute_force_sampled_pixels"] = int(rows.size)
    result["brute_force_mpix_az_per_s"] = round(brute_rate / 1e6, 3)
    result["brute_force_extrapolated_map_s"] = round(pixel_azimuths / brute_rate, 1)
    result["speedup_over_brute_force"] = round(
        result["brute_force_extrapolated_map_s"] / result["sweep_2_threads_s"], 1
    )
    error = np.abs(ours - ref)
    result["error_vs_brute_force_deg"] = {
        "mean": round(float(error.mean()), 4),
        "p99": round(float(np.percentile(error, 99)), 4),
        "max": round(float(error.max()), 4),
        "share_within_0.05": round(float((error <= 0.05).mean()), 4),
    }
    try:
        import topocalc  # noqa: F401

        azimuths = [-170.0, -100.0, -45.0, 10.0, 60.0, 135.0]
        seconds, rss, _ = in_process(_topocalc, (z, pixel, azimuths))
        per_azimuth = seconds / len(azimuths)
        result["topocalc_s_per_azimuth"] = round(per_azimuth, 3)
        result["topocalc_extrapolated_map_s"] = round(per_azimuth * args.azimuths, 1)
        result["topocalc_mpix_az_per_s"] = round(z.size / per_azimuth / 1e6, 1)
        result["speedup_over_topocalc"] = round(
            result["topocalc_extrapolated_map_s"] / result["sweep_2_threads_s"], 2
        )
    except ImportError:
        result["topocalc"] = "not installed (see this script's docstring)"

    record(result, RESULTS)


if __name__ == "__main__":
    main()
