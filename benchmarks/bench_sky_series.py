"""Benchmark: Sun and Earth sky series for many sites, against a per-site skyfield loop.

Run:  python benchmarks/bench_sky_series.py [--sites 100] [--years 20] [--baseline-sites 3]

moonbase computes the Moon-centred Sun and Earth vectors once for the whole time grid
and then only rotates them into each site's local axes; the baseline is what a user
would write with skyfield alone: for each site, a ``PlanetTopos`` on ``MOON_ME_DE421``
and ``(moon + site).at(t).observe(body).apparent().altaz()`` for the Sun and the
Earth. The baseline runs on a few sites only (it is slow) and is reported per
site-step, as is moonbase, so the ratio compares like with like. Results are printed
and written to ``benchmarks/results/sky_series.json``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import SurfaceSite, environment
from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.sky import SurfacePoint, moon_centred
from moonbase.geometry.times import time_grid
from results_file import machine, record

RESULTS = Path(__file__).parent / "results" / "sky_series.json"


def sites(count: int) -> list[SurfacePoint]:
    """Sites spread over the south-polar region (deterministic)."""
    rng = np.random.default_rng(42)
    return [
        SurfacePoint(float(lat), float(lon), height_m=2.0)
        for lat, lon in zip(rng.uniform(-90, -80, count), rng.uniform(0, 360, count), strict=True)
    ]


def moonbase_series(points, t, eph) -> None:
    sun = moon_centred("sun", t, ephemeris=eph)
    earth = moon_centred("earth", t, ephemeris=eph)
    for point in points:
        for vectors in (sun, earth):
            vectors.seen_from(point).altaz()


def skyfield_loop(points, t, eph) -> None:
    moon = eph.bodies["moon"]
    for point in points:
        topos = eph.constants.build_latlon_degrees(
            eph.moon_frame, point.lat_deg, point.lon_deg, point.height_m
        )
        observer = moon + topos
        for body in ("sun", "earth"):
            observer.at(t).observe(eph.bodies[body]).apparent().altaz()


def timed(function, *args) -> tuple[float, float]:
    """Return (seconds, peak traced memory in MiB) of a call.

    Timed once untraced, then run again under tracemalloc for the memory peak, so the
    tracing overhead does not distort the time.
    """
    start = time.perf_counter()
    function(*args)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--baseline-sites", type=int, default=3)
    args = parser.parse_args()

    eph = load_ephemeris()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    stop = start.replace(year=start.year + args.years)
    t, _ = time_grid(eph.ts, start, stop, timedelta(hours=1))
    points = sites(args.sites)
    steps = len(t)
    moonbase_series(points[:1], t[:10], eph)  # warm caches (kernel segments, imports)

    ours_s, ours_mib = timed(moonbase_series, points, t, eph)
    base_s, base_mib = timed(skyfield_loop, points[: args.baseline_sites], t, eph)
    env_points = points[:10]
    env_sites = [
        SurfaceSite(f"s{i}", p, Horizon.smooth_sphere(p.height_m)) for i, p in enumerate(env_points)
    ]
    env_s, env_mib = timed(lambda: environment(env_sites, t, ephemeris=eph))

    ours_per = ours_s / (args.sites * steps)
    base_per = base_s / (args.baseline_sites * steps)
    env_per = env_s / (len(env_sites) * steps)
    result = {
        "command": f"python benchmarks/bench_sky_series.py --sites {args.sites} "
        f"--years {args.years} --baseline-sites {args.baseline_sites}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "time_steps": steps,
        "sites": args.sites,
        "moonbase_sky_series_s": round(ours_s, 3),
        "moonbase_ns_per_site_step": round(ours_per * 1e9, 1),
        "moonbase_peak_mib": round(ours_mib, 1),
        "skyfield_loop_sites": args.baseline_sites,
        "skyfield_loop_s": round(base_s, 3),
        "skyfield_loop_ns_per_site_step": round(base_per * 1e9, 1),
        "skyfield_loop_peak_mib": round(base_mib, 1),
        "speedup": round(base_per / ours_per, 1),
        "skyfield_loop_extrapolated_s_for_all_sites": round(base_per * args.sites * steps, 1),
        "full_environment_sites": len(env_sites),
        "full_environment_ns_per_site_step": round(env_per * 1e9, 1),
        "full_environment_peak_mib": round(env_mib, 1),
    }
    record(result, RESULTS)


if __name__ == "__main__":
    main()
