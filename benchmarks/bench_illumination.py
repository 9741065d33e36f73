"""Benchmark: illumination maps over a full 18.6-year nodal cycle.

Run:  python benchmarks/bench_illumination.py [--size 1000] [--azimuths 360] [--step-h 1]

On a south-polar LDEM_16 window (as bench_horizon.py), from its horizon map: the
sky-histogram method (cost ~ pixels x azimuths) against direct time stepping
(cost ~ pixels x time steps), the latter timed on a few pixels and extrapolated.
Each measurement runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench_horizon import in_process, make_dem
from results_file import record, run_header

RESULTS = Path(__file__).parent / "results" / "illumination_map.json"
START = datetime(2030, 1, 1, tzinfo=UTC)
STOP = datetime(2048, 8, 1, tzinfo=UTC)  # 18.6 years: one lunar nodal cycle


def _histogram(args, queue):
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.times import time_grid
    from moonbase.terrain.dem import Dem
    from moonbase.terrain.horizon import horizon_map
    from moonbase.terrain.illumination import illumination_map

    dem, azimuths, step_h = args
    eph = load_ephemeris()
    t, _ = time_grid(eph.ts, START, STOP, timedelta(hours=step_h))
    small = Dem(dem.height_m[:40, :40], dem.transform, dem.crs)
    illumination_map(small, horizon_map(small, azimuths=8), t[:50], ephemeris=eph)  # compile
    start = time.perf_counter()
    horizons = horizon_map(dem, azimuths=azimuths, height_m=2.0)
    horizon_s = time.perf_counter() - start
    start = time.perf_counter()
    maps = illumination_map(dem, horizons, t, ephemeris=eph)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        (
            horizon_s,
            seconds,
            rss,
            len(t.tt),
            float(maps.sunlit_fraction.max()),
            int(maps.permanent_shadow.sum()),
        )
    )


def _direct(args, queue):
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.sky import SurfacePoint, moon_centred
    from moonbase.geometry.times import time_grid

    dem, pixels, step_h = args
    eph = load_ephemeris()
    t, _ = time_grid(eph.ts, START, STOP, timedelta(hours=step_h))
    start = time.perf_counter()
    sun = moon_centred("sun", t, ephemeris=eph)  # shared by all pixels, as generously as can be
    for row, col in pixels:
        lon, lat = dem.to_lonlat(dem.x[col], dem.y[row])
        sun.seen_from(SurfacePoint(float(lat), float(lon), height_m=2.0)).altaz()
    queue.put((time.perf_counter() - start,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--azimuths", type=int, default=360)
    parser.add_argument("--step-h", type=float, default=1.0)
    args = parser.parse_args()

    header = run_header(
        f"python benchmarks/bench_illumination.py --size {args.size} "
        f"--azimuths {args.azimuths} --step-h {args.step_h}",
    )
    dem = make_dem(args.size)
    pixel = dem.resolution[0]
    horizon_s, hist_s, rss, steps, lit_max, shadowed = in_process(
        _histogram, (dem, args.azimuths, args.step_h)
    )
    pixels = [(r, c) for r, c in np.random.default_rng(0).integers(0, args.size, (5, 2))]
    (direct_s,) = in_process(_direct, (dem, pixels, args.step_h))
    per_pixel = direct_s / len(pixels)
    result = header | {
        "window": f"LDEM_16 south-polar {args.size} x {args.size} at {pixel:g} m",
        "span": f"{START.date()} to {STOP.date()} (18.6-year nodal cycle), "
        f"{steps} steps of {args.step_h:g} h",
        "horizon_map_s": round(horizon_s, 2),
        "histogram_illumination_s": round(hist_s, 2),
        "peak_rss_mib": round(rss),
        "direct_sun_positions_only_s_per_pixel": round(per_pixel, 3),
        "direct_extrapolated_map_s": round(per_pixel * args.size**2, 1),
        "speedup_over_direct": round(per_pixel * args.size**2 / hist_s, 1),
        "sunlit_fraction_max": round(lit_max, 4),
        "permanently_shadowed_pixels": shadowed,
    }
    record(result, RESULTS)


if __name__ == "__main__":
    main()
