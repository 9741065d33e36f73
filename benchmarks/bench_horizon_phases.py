"""Benchmark: where the horizon sweep's time goes, phase by phase, on one thread.

Run:  python benchmarks/bench_horizon_phases.py [--size 1000] [--repeats 5]

On the same terrain as ``bench_horizon.py`` (LDEM_16 window at 240 m with its far
field), for a few azimuths whose rays run along the grid's rows (the sweep's frames 0
and 1; the other two are the same code on the transposed grid), times separately:
- the line sweeps (every bracketing line's hull and tangent per column);
- the pixels (near field, the lines' proposals evaluated exactly, the arctangent);
- the pixels without their near field (``near = 0``), whose difference is its cost.
Each figure is nanoseconds per pixel-azimuth, the minimum over ``--repeats`` runs (the
machine is shared: the minimum is the least disturbed). It calls the kernel's private
functions the way ``_sweep.horizon_block`` does, so it follows their signatures.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

import numpy as np

from bench_horizon import make_dem, make_far_field
from results_file import record, run_header

RESULTS = Path(__file__).parent / "results" / "horizon_phases.json"
AZIMUTHS_DEG = (60.0, 90.0, 120.0, 240.0, 285.0)


def _azimuth_runner(problem, azimuth_deg: float, near: int):
    """Return (lines, pixels) callables for one azimuth of ``problem``, whole grid."""
    from moonbase.terrain import _sweep
    from moonbase.terrain._kernels import ray_direction
    from moonbase.terrain.horizon import MOON_RADIUS_M

    d_col, d_row = ray_direction(math.radians(azimuth_deg))
    if abs(d_col) < abs(d_row):
        raise ValueError(f"azimuth {azimuth_deg} runs along columns; choose one along rows")
    frame = 0 if d_col > 0.0 else 1
    tt, height_m = d_row, 2.0
    zf, zc = problem.grids[frame], problem.coarse[frame]
    cm0, cr0, s = problem.maps[frame]
    n_rows, n_cols = zf.shape
    n_max, n_coarse = max(n_rows, n_cols), max(zc.shape)
    mc = (np.arange(zc.shape[1]) - cm0) / s
    tables = np.empty((6, max(n_max + 1, n_coarse)))
    work = np.empty((7, n_max + n_coarse + 2))
    codes = problem._codes_buffers(1)[0]
    best, spare, z0 = np.empty(n_max), np.empty(n_max), np.empty(n_max)
    steps, lists = np.empty((2, n_max), dtype=np.int64), np.empty((2, n_max), dtype=np.int64)
    _sweep._azimuth_tables(n_cols, mc, problem.pixel_m * math.hypot(1.0, tt), MOON_RADIUS_M, tables)
    b_base = math.floor(min(0.0, -tt * (n_cols - 1)))
    n_lines = math.floor(max(n_rows - 1.0, n_rows - 1 - tt * (n_cols - 1))) - b_base + 2
    far = problem.far_field is not None

    def lines():
        for li in range(n_lines):
            _sweep._sweep_line(
                zf, zc, far, cr0, s, mc, float(b_base + li), tt, near, 0, n_cols,
                MOON_RADIUS_M, height_m, tables, work, codes[li],
            )  # fmt: skip

    def pixels():
        for r in range(n_rows):
            _sweep._pixels_row(
                zf, zc, far, cm0, cr0, s, mc, tt, near, r, 0, n_cols, MOON_RADIUS_M,
                height_m, tables, codes, b_base, best, spare, z0, steps, lists,
            )  # fmt: skip
            _sweep._atan_deg_row(best, z0, n_cols)

    return lines, pixels


def _fastest_ns(function, repeats: int, pixels: int) -> float:
    function()  # compile / warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) / pixels * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from moonbase.terrain.horizon import HorizonProblem

    near_dem = make_dem(args.size)
    problem = HorizonProblem(near_dem, make_far_field(near_dem, 150.0))
    pixels_count = near_dem.height_m.size
    result = run_header(
        f"python benchmarks/bench_horizon_phases.py --size {args.size} --repeats {args.repeats}",
    ) | {
        "unit": "ns per pixel-azimuth, one thread, minimum of the repeats",
    }
    per_azimuth = {}
    for azimuth in AZIMUTHS_DEG:
        lines, pixels = _azimuth_runner(problem, azimuth, near=8)
        lines_ns = _fastest_ns(lines, args.repeats, pixels_count)
        pixels_ns = _fastest_ns(pixels, args.repeats, pixels_count)
        lines0, pixels0 = _azimuth_runner(problem, azimuth, near=0)
        lines0()
        no_near_ns = _fastest_ns(pixels0, args.repeats, pixels_count)
        per_azimuth[f"{azimuth:g}"] = {
            "lines": round(lines_ns, 1),
            "pixels": round(pixels_ns, 1),
            "near_field": round(pixels_ns - no_near_ns, 1),
        }
    result["per_azimuth_deg"] = per_azimuth
    for phase in ("lines", "pixels", "near_field"):
        values = [v[phase] for v in per_azimuth.values()]
        result[f"mean_{phase}_ns"] = round(float(np.mean(values)), 1)
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    record(result, RESULTS)


if __name__ == "__main__":
    main()
