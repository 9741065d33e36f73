"""Benchmark: the default scenario's report, figures drawn here against in workers.

Run:  python benchmarks/bench_report.py [--repeats 2]

Runs the embedded default scenario once (as `moonbase run` does, built-in terrain),
then builds its report model, drawing every figure in this process (the baseline) and
in worker processes while the next figures are built (what `moonbase run` does),
alternately, ``--repeats`` times each. The two must give the same PNGs. Times are the
least of the repeats; the first worker run includes starting the workers.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from results_file import record, run_header

RESULTS = Path(__file__).parent / "results" / "report.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario
    from moonbase.pipeline import run
    from moonbase.report.build import build_report

    scenario = default_scenario()
    result = run_header(f"python benchmarks/bench_report.py --repeats {args.repeats}")
    start = time.perf_counter()
    results = run(scenario, **scenario_terrain_readers(scenario.terrain, None))
    result["pipeline_s"] = round(time.perf_counter() - start, 2)

    times: dict[bool, list[float]] = {False: [], True: []}
    pngs: dict[bool, list[str]] = {}
    for _ in range(args.repeats):
        for in_workers in (False, True):
            drawn: list[str] = []
            start = time.perf_counter()
            model = build_report(results, [], drawn.append, in_workers)
            times[in_workers].append(time.perf_counter() - start)
            pngs[in_workers] = [f.png_base64 for f in _figures(model)]
    if len(pngs[True]) != len(drawn):
        raise SystemExit(f"found {len(pngs[True])} of the report's {len(drawn)} figures")
    if pngs[False] != pngs[True]:
        raise SystemExit("the workers drew different PNGs from this process's")
    here, workers = min(times[False]), min(times[True])
    result |= {
        "figures": len(drawn),
        "report_here_s": round(here, 2),
        "report_here_s_each_run": [round(t, 2) for t in times[False]],
        "report_in_workers_s": round(workers, 2),
        "report_in_workers_s_each_run": [round(t, 2) for t in times[True]],
        "speedup_in_workers": round(here / workers, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }
    record(result, RESULTS)


def _figures(model) -> list:
    """Every figure of a report model, in the page's order."""
    figures = [model.overview]
    if model.terrain is not None:
        figures.append(model.terrain.figure)
    for site in model.sites:
        figures += site.figures
        figures += [part.figure for part in (site.power, site.thermal) if part is not None]
    if model.links is not None:
        figures += [site.chart for site in model.links.sites]
    if model.programme is not None:
        figures += model.programme.figures
    return figures


if __name__ == "__main__":
    main()
