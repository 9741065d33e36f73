"""Benchmark: the default scenario's systems simulation over 10 years at 1 h, per site.

Run:  python benchmarks/bench_systems.py [--years 10] [--baseline-days 365]

The default scenario (8 sites, its built-in terrain skylines, no regional maps) is
run stage by stage as ``moonbase run`` does, each stage timed: site skylines, the
environment, thermal (regolith and the modules' heat deficit), the skylines and
visible solar disc from the arrays' own heights, the power simulation (generation,
loads with heaters, the storage and shedding kernel, battery and array sizing, option
masses) and the links (direct and relay windows, rates, volumes); figures are per
site (links share part of their cost between sites). The baseline is the same state-of-charge loop
run as plain Python (the numba kernel's own ``py_func``) on ``--baseline-days`` of one
site, scaled per step; both must give the same result. Results are printed and written to
``benchmarks/results/systems.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from moonbase.environment.site_environment import environment
from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.times import time_grid
from moonbase.io.dem_readers import scenario_terrain_readers
from moonbase.io.scenario_files import default_scenario
from moonbase.pipeline import (
    array_visible_fractions,
    read_terrain_source,
    surface_sites,
    terrain_skylines,
)
from moonbase.systems import _power_kernels
from moonbase.systems.communications import links
from moonbase.systems.power import _storage_arrays, simulate_power, site_inputs
from moonbase.systems.thermal import thermal, thermal_options
from results_file import machine, record

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

    modules = scenario.station.modules
    source = read_terrain_source(scenario, **scenario_terrain_readers(terrain))
    t, _ = time_grid(eph.ts, span.start, span.stop, span.step)
    steps = len(t)
    timings = {}

    def timed(name, function, *args, **kwargs):
        began = time.perf_counter()
        value = function(*args, **kwargs)
        timings[name] = time.perf_counter() - began
        return value

    skylines = timed("skylines", terrain_skylines, scenario, source)
    sites = surface_sites(scenario, skylines)
    env = timed("environment", environment, sites, t, ephemeris=eph)
    options = thermal_options(scenario.thermal)
    heat = timed("thermal", thermal, sites, env.series, modules, ephemeris=eph, **options)
    visible = timed("array_skylines", array_visible_fractions, scenario, env, t, eph, source)
    deficit = heat.deficit.thermal_deficit_w
    timed("links", links, sites, t, scenario.communications, scenario.ground_stations,
          ephemeris=eph)  # fmt: skip

    # Warm up: numba compiles the kernels or loads them from its cache.
    first = {"site": [0], "time": slice(0, 48)}
    warm = {name: values.isel(first) for name, values in visible.items()}
    simulate_power(
        scenario.power,
        modules,
        env.series.isel(first),
        thermal_deficit_w=deficit.isel(first),
        array_visible_fraction=warm,
    )
    power = timed(
        "power",
        simulate_power,
        scenario.power,
        modules,
        env.series,
        thermal_deficit_w=deficit,
        array_visible_fraction=visible,
    )

    # The kernel alone, and the same loop as plain Python on a shorter span.
    storages = [*scenario.power.batteries, *scenario.power.fuel_cells]
    site = env.series.isel(site=0)
    inputs = site_inputs(
        scenario.power, modules, site, thermal_deficit_w=deficit.isel(site=0).values
    )

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

    count = len(scenario.sites)
    kernel_ns = kernel_s / steps * 1e9
    python_ns = python_s / short * 1e9
    summary = power.summary
    result = {
        "command": f"python benchmarks/bench_systems.py --years {args.years} "
        f"--baseline-days {args.baseline_days}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "sites": count,
        "modules": len(scenario.station.modules),
        "time_steps_per_site": steps,
        **{f"{name}_s_per_site": round(seconds / count, 3) for name, seconds in timings.items()},
        "systems_s_per_site": round(
            sum(timings[k] for k in ("thermal", "array_skylines", "power", "links")) / count, 3
        ),
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
