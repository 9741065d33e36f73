"""Benchmark: the default scenario's systems simulation over 10 years at 1 h, per site.

Run:  python benchmarks/bench_systems.py [--years 10] [--baseline-days 365]

The default scenario (8 sites, its built-in terrain skylines, no regional maps) is
run through the environment once; then the power stage is timed in its two parts:
the skylines and visible solar disc from the arrays' own heights, and the
simulation (generation, loads, the storage and shedding kernel, battery and array
sizing, option masses) for every site. The baseline is the same state-of-charge loop
run as plain Python (the numba kernel's own ``py_func``) on ``--baseline-days`` of one
site, scaled per step; both must give the same result. Results are printed and written to
``benchmarks/results/systems.json``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.times import time_grid
from moonbase.io.dem_readers import terrain_reader
from moonbase.io.scenario_files import default_scenario
from moonbase.pipeline import array_visible_fractions, run, terrain_region
from moonbase.systems import _power_kernels
from moonbase.systems.power import _storage_arrays, simulate_power, site_inputs
from results_file import record

RESULTS = Path(__file__).parent / "results" / "systems.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--baseline-days", type=int, default=365)
    args = parser.parse_args()

    base = default_scenario()
    start = base.span.start
    span = base.span.model_copy(update={"stop": start.replace(year=start.year + args.years)})
    terrain = base.terrain.model_copy(update={"maps": False})
    scenario = base.model_copy(update={"span": span, "terrain": terrain})
    eph = load_ephemeris()

    began = time.perf_counter()
    results = run(scenario, ephemeris=eph, read_terrain=terrain_reader(terrain.dem))
    environment_s = time.perf_counter() - began
    t, _ = time_grid(eph.ts, span.start, span.stop, span.step)
    steps = len(t)

    source = terrain_reader(terrain.dem)(*terrain_region(scenario))
    began = time.perf_counter()
    visible = array_visible_fractions(scenario, results.environment, t, eph, source)
    visibility_s = time.perf_counter() - began

    series, modules = results.environment.series, scenario.station.modules
    # Warm up: numba compiles the kernels or loads them from its cache.
    warm = {name: v.isel(site=[0], time=slice(0, 48)) for name, v in visible.items()}
    simulate_power(
        scenario.power,
        modules,
        series.isel(site=[0], time=slice(0, 48)),
        array_visible_fraction=warm,
    )
    began = time.perf_counter()
    power = simulate_power(scenario.power, modules, series, array_visible_fraction=visible)
    power_s = time.perf_counter() - began

    # The kernel alone, and the same loop as plain Python on a shorter span.
    storages = [*scenario.power.batteries, *scenario.power.fuel_cells]
    site = results.environment.series.isel(site=0)
    inputs = site_inputs(scenario.power, scenario.station.modules, site)

    def kernel_args(n: int) -> tuple:
        return (
            inputs.generation_w[:n],
            np.ascontiguousarray(inputs.wanted_mode[:, :n]),
            inputs.mode_power_w,
            np.ascontiguousarray(inputs.heat_need_w[:, :n]),
            inputs.shed_order,
            *_storage_arrays(storages),
            inputs.step_h,
        )

    began = time.perf_counter()
    _power_kernels.simulate(*kernel_args(steps))
    kernel_s = time.perf_counter() - began
    short = min(steps, int(args.baseline_days * 24 / inputs.step_h))
    began = time.perf_counter()
    python_out = _power_kernels.simulate.py_func(*kernel_args(short))
    python_s = time.perf_counter() - began
    numba_out = _power_kernels.simulate(*kernel_args(short))
    for ours, theirs in zip(numba_out, python_out, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-9)

    sites = len(scenario.sites)
    kernel_ns = kernel_s / steps * 1e9
    python_ns = python_s / short * 1e9
    summary = power.summary
    result = {
        "command": f"python benchmarks/bench_systems.py --years {args.years} "
        f"--baseline-days {args.baseline_days}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}, {os.cpu_count()} cpus",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "sites": sites,
        "modules": len(scenario.station.modules),
        "time_steps_per_site": steps,
        "environment_s": round(environment_s, 2),
        "environment_s_per_site": round(environment_s / sites, 2),
        "array_skylines_and_visibility_s": round(visibility_s, 2),
        "power_simulation_s": round(power_s, 2),
        "power_simulation_s_per_site": round(power_s / sites, 3),
        "power_kernel_s_per_site": round(kernel_s, 4),
        "power_kernel_ns_per_step": round(kernel_ns, 1),
        "python_loop_steps": short,
        "python_loop_s": round(python_s, 2),
        "python_loop_ns_per_step": round(python_ns, 1),
        "python_loop_extrapolated_s_per_site": round(python_ns * steps * 1e-9, 1),
        "kernel_speedup": round(python_ns / kernel_ns, 1),
        "required_battery_kwh": {
            str(s): round(float(v) / 1e3, 1)
            for s, v in zip(summary.site.values, summary.required_battery_wh.values, strict=True)
        },
    }
    record(result, RESULTS)


if __name__ == "__main__":
    main()
