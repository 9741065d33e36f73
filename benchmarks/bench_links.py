"""Benchmark: the links stage per site over 10 years at 1 h, and ground-station windows
against skyfield's per-station computation.

Run:  python benchmarks/bench_links.py [--years 10] [--sites 8]

Two measurements, both on the default scenario's 12 ground stations and links:

1. Moon-above-limit windows at every station (edges to 1 s). Baseline, what a skyfield
   user writes: per station, the topocentric ``(earth + wgs84.latlon(...)).at(t)
   .observe(moon).apparent().altaz()`` on the grid and ``almanac.find_risings`` /
   ``find_settings`` for the edges. moonbase: one interpolated Earth-Moon table for the
   span (:class:`~moonbase.systems.link_geometry.EarthMoonTable`), every station's
   elevation from it, edges by moonbase's root finder.
2. The whole links stage (:func:`~moonbase.systems.communications.links`: direct and
   relay windows, rates, volumes) for 1 and for ``--sites`` sites (smooth-sphere
   skylines), giving the shared cost and the cost per added site.

Results are printed and written to ``benchmarks/results/links.json``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from skyfield import almanac
from skyfield.api import wgs84

from moonbase.environment.windows import find_windows
from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.times import time_grid
from moonbase.io.scenario_files import default_scenario
from moonbase.pipeline import surface_sites
from moonbase.systems.communications import links, stations_of
from moonbase.systems.link_geometry import EarthMoonTable, moon_elevation_deg
from results_file import machine, record

RESULTS = Path(__file__).parent / "results" / "links.json"


def skyfield_stations(stations, t, eph) -> int:
    earth, moon = eph.bodies["earth"], eph.bodies["moon"]
    edges = 0
    for g in stations:
        observer = earth + wgs84.latlon(g.lat_deg, g.lon_deg, elevation_m=g.altitude_m)
        observer.at(t).observe(moon).apparent().altaz()
        _, rises = almanac.find_risings(observer, moon, t[0], t[-1], g.min_elevation_deg)
        _, sets = almanac.find_settings(observer, moon, t[0], t[-1], g.min_elevation_deg)
        edges += int(rises.sum() + sets.sum())  # real crossings only
    return edges


def moonbase_stations(stations, t, eph) -> int:
    table = EarthMoonTable.build(t, ephemeris=eph)
    grid = table.at(t.tt)
    edges = 0
    for g in stations:
        _, found, _ = find_windows(
            lambda times, g=g: moon_elevation_deg(table.at(times.tt), g) > g.min_elevation_deg,
            t,
            grid_holds=moon_elevation_deg(grid, g) > g.min_elevation_deg,
        )
        edges += len(found)
    return edges


def seconds(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--sites", type=int, default=8)
    args = parser.parse_args()

    scenario = default_scenario()
    eph = load_ephemeris()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    t, _ = time_grid(eph.ts, start, start.replace(year=2030 + args.years), timedelta(hours=1))
    stations = stations_of(scenario.ground_stations)
    sites = surface_sites(scenario)[: args.sites]
    moonbase_stations(stations[:1], t[:48], eph)  # warm caches (kernel segments, imports)

    ours_s, ours_edges = seconds(moonbase_stations, stations, t, eph)
    base_s, base_edges = seconds(skyfield_stations, stations, t, eph)

    def stage(count: int):
        return links(
            sites[:count], t, scenario.communications, scenario.ground_stations, ephemeris=eph
        )

    one_s, _ = seconds(stage, 1)
    all_s, result = seconds(stage, len(sites))
    per_site = (all_s - one_s) / max(len(sites) - 1, 1)
    every = result.statistics.sel(link="all links")
    result_row = {
        "command": f"python benchmarks/bench_links.py --years {args.years} --sites {args.sites}",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{machine()}, load {os.getloadavg()[0]:.2f}",
        "time_steps": len(t),
        "ground_stations": len(stations),
        "station_windows_moonbase_s": round(ours_s, 2),
        "station_windows_moonbase_edges": ours_edges,
        "station_windows_skyfield_s": round(base_s, 2),
        "station_windows_skyfield_edges": base_edges,
        "station_windows_speedup": round(base_s / ours_s, 1),
        "links_stage_1_site_s": round(one_s, 2),
        "links_stage_sites": len(sites),
        "links_stage_all_sites_s": round(all_s, 2),
        "links_stage_per_added_site_s": round(per_site, 2),
        "links_stage_shared_s": round(one_s - per_site, 2),
        "links_stage_mean_s_per_site": round(all_s / len(sites), 2),
        "any_link_fraction_min": round(float(every.contact_fraction.min()), 4),
        "longest_gap_without_any_link_h_max": round(float(every.longest_gap_h.max()), 2),
    }
    record(result_row, RESULTS)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
