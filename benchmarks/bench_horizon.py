"""Benchmark: horizon map of a 1000 x 1000 LOLA window, 360 azimuths, with a far field.

Run:  python benchmarks/bench_horizon.py [--size 1000] [--azimuths 360] [--far-km 150]
      [--brute-pixels 500] [--repeats 2]

Measured in the same run, on the same terrain (a south-polar window cut from the shared
LDEM_16 at 240 m, and a far field from LDEM_16 at its own 1.9 km pixel reaching
``--far-km`` past every edge of the window, so every pixel's search reaches at least
that far in every direction):
- moonbase's sweep with 2 threads and with 1 thread, with the far field, and with 2
  threads without it (time, peak RSS, pixel-azimuths per second; of each run's time,
  the part spent mapping in the map's memory);
- the brute-force ray march over the same composite terrain (O(N) per pixel-azimuth)
  on a sample of pixels, extrapolated to the map, and the sweep's error against it;
- the PyPI package topocalc (Dozier-Frew planar horizons in C, window only, no
  curvature, no far field) on a few azimuths, extrapolated, when it is installed. It
  does not build with pip's defaults; install with ``pip install numpy setuptools
  setuptools_scm cython wheel`` then
  ``SETUPTOOLS_SCM_PRETEND_VERSION=0.5.0 pip install --no-build-isolation topocalc==0.5.0``.

Each measurement runs in a fresh process so peak memory is its own. The sweep and
topocalc timings are the least of ``--repeats`` runs (the least disturbed by other work
on this shared machine; every run's time is recorded too). The machine's load average
is recorded before and after.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time
from pathlib import Path

import numpy as np

from results_file import record, run_header
from shared_data import shared_lola

RESULTS = Path(__file__).parent / "results" / "horizon_map.json"
LOLA = shared_lola(Path(__file__)) / "LDEM_16.LBL"
CENTRE = (-89.0, 150.0)


def make_dem(size: int, resolution_m: float = 240.0):
    """A south-polar window of LDEM_16, ``size`` pixels square, centred near Shackleton."""
    from moonbase.io.dem_readers import read_dem_around
    from moonbase.terrain.window import cut_window

    size_m = size * resolution_m
    lat, lon = CENTRE
    source = read_dem_around(LOLA, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m)
    return cut_window(
        source, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m, resolution_m=resolution_m
    )


def make_far_field(near, far_km: float):
    """LDEM_16 at its own pixel, ``far_km`` past every edge of ``near``."""
    from moonbase.io.dem_readers import read_far_field

    return read_far_field(LOLA, near, reach_m=far_km * 1000.0)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sweep(args, queue):
    from moonbase.terrain.horizon import HorizonProblem, empty_map

    near, far, azimuths, threads, rows, cols = args
    az = np.arange(azimuths) * 360.0 / azimuths
    problem = HorizonProblem(near, far)
    problem.block(slice(0, 64), slice(0, 64), az[:2], height_m=2.0)  # compile / load
    # What block() does, in two timed parts: mapping in the map's memory (on this
    # virtual machine 0.1-0.4 s where its memory was used before, 3-4 s where the host
    # must first back it), then the sweep.
    start = time.perf_counter()
    out = empty_map((azimuths, *near.shape))
    memory_s = time.perf_counter() - start
    problem.block(slice(None), slice(None), az, height_m=2.0, threads=threads, out=out)
    seconds = time.perf_counter() - start
    # Only the sampled pixels go back: a 1.4 GB map through a queue would distort the
    # parent's memory, which the next forked measurement inherits.
    queue.put((seconds, _peak_rss_mib(), (memory_s, out[:, rows, cols].T.copy())))


def _brute(args, queue):
    from moonbase.terrain.horizon import HorizonProblem

    near, far, azimuths, rows, cols = args
    az = np.arange(azimuths) * 360.0 / azimuths
    problem = HorizonProblem(near, far)
    problem.brute_force(rows[:2], cols[:2], az[:2], height_m=2.0)
    start = time.perf_counter()
    ref, distance_m = problem.brute_force(rows, cols, az, height_m=2.0)
    seconds = time.perf_counter() - start
    queue.put((seconds, _peak_rss_mib(), (ref, distance_m)))


def _topocalc(args, queue):
    from topocalc.horizon import horizon

    z, pixel, azimuths = args
    start = time.perf_counter()
    for azimuth in azimuths:
        horizon(float(azimuth), z, pixel)
    seconds = time.perf_counter() - start
    queue.put((seconds, _peak_rss_mib(), None))


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
    parser.add_argument("--far-km", type=float, default=150.0)
    parser.add_argument("--brute-pixels", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from moonbase.terrain.horizon import error_statistics, far_field_reach_m

    near = make_dem(args.size)
    far = make_far_field(near, args.far_km)
    pixel = near.resolution[0]
    pixel_azimuths = near.height_m.size * args.azimuths
    result = run_header(
        f"python benchmarks/bench_horizon.py --size {args.size} --azimuths "
        f"{args.azimuths} --far-km {args.far_km:g} --brute-pixels {args.brute_pixels} "
        f"--repeats {args.repeats}",
    ) | {
        "dem": f"LDEM_16 south-polar window {args.size} x {args.size} at {pixel:g} m "
        f"({args.size * pixel / 1000:g} km), observer 2 m, exact sphere, near field 8 px",
        "far_field": f"LDEM_16 at {far.resolution[0]:.0f} m, {far.shape[0]} x {far.shape[1]} "
        f"pixels, reaching {far_field_reach_m(near, far) / 1000:.0f} km past every edge",
    }
    rng = np.random.default_rng(0)
    rows = rng.integers(0, near.shape[0], args.brute_pixels)
    cols = rng.integers(0, near.shape[1], args.brute_pixels)
    runs = {"2_threads": (far, 2), "1_thread": (far, 1), "2_threads_no_far_field": (None, 2)}
    samples = {}
    for name, (far_field, threads) in runs.items():
        each, memory = [], []
        for _ in range(args.repeats):
            seconds, rss, (memory_s, samples[name]) = in_process(
                _sweep, (near, far_field, args.azimuths, threads, rows, cols)
            )
            each.append(seconds)
            memory.append(memory_s)
        seconds = min(each)
        result[f"sweep_{name}_s"] = round(seconds, 2)
        result[f"sweep_{name}_s_each_run"] = [round(t, 2) for t in each]
        result[f"sweep_{name}_map_memory_s_each_run"] = [round(t, 2) for t in memory]
        result[f"sweep_{name}_peak_rss_mib"] = round(rss)
        result[f"sweep_{name}_mpix_az_per_s"] = round(pixel_azimuths / seconds / 1e6, 1)
    result["thread_scaling_2_over_1"] = round(
        result["sweep_1_thread_s"] / result["sweep_2_threads_s"], 2
    )
    result["far_field_cost"] = round(
        result["sweep_2_threads_s"] / result["sweep_2_threads_no_far_field_s"], 2
    )

    seconds, rss, (ref, distance_m) = in_process(_brute, (near, far, args.azimuths, rows, cols))
    brute_rate = rows.size * args.azimuths / seconds
    result["brute_force_sampled_pixel_azimuths"] = int(rows.size * args.azimuths)
    result["brute_force_mpix_az_per_s"] = round(brute_rate / 1e6, 3)
    result["brute_force_extrapolated_map_s"] = round(pixel_azimuths / brute_rate, 1)
    result["speedup_over_brute_force"] = round(
        result["brute_force_extrapolated_map_s"] / result["sweep_2_threads_s"], 1
    )
    result["reference_horizons_beyond_100_km"] = round(float((distance_m > 100e3).mean()), 4)
    result["reference_farthest_horizon_km"] = round(float(distance_m.max()) / 1000, 1)
    result["error_vs_brute_force_deg"] = {
        key: round(value, 5) for key, value in error_statistics(samples["2_threads"], ref).items()
    }
    try:
        import topocalc  # noqa: F401

        azimuths = [-170.0, -100.0, -45.0, 10.0, 60.0, 135.0]
        z = near.height_m.astype(np.float64)
        each = [
            in_process(_topocalc, (z, pixel, azimuths))[0] / len(azimuths)
            for _ in range(args.repeats)
        ]
        per_azimuth = min(each)
        result["topocalc_s_per_azimuth"] = round(per_azimuth, 3)
        result["topocalc_s_per_azimuth_each_run"] = [round(t, 3) for t in each]
        result["topocalc_extrapolated_map_s"] = round(per_azimuth * args.azimuths, 1)
        result["topocalc_mpix_az_per_s"] = round(z.size / per_azimuth / 1e6, 1)
        result["speedup_over_topocalc"] = round(
            result["topocalc_extrapolated_map_s"] / result["sweep_2_threads_s"], 2
        )
        result["topocalc_note"] = "planar, window only (no curvature, no far field)"
    except ImportError:
        result["topocalc"] = "not installed (see this script's docstring)"
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    record(result, RESULTS)


if __name__ == "__main__":
    main()
