"""Make the figure and numbers of docs/terrain-south-pole-ldem16.md.

Run from the repository root: python docs/figures/make_ldem16_south_pole.py
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.times import time_grid
from moonbase.io.dem_readers import read_dem_around
from moonbase.io.scenario_files import default_scenario
from moonbase.report.maps import fraction_maps
from moonbase.terrain.horizon import horizon_map
from moonbase.terrain.illumination import illumination_map
from moonbase.terrain.window import cut_window

LOLA = next(
    p / "shared" / "data" / "lola" / "LDEM_16.LBL"
    for p in Path(__file__).resolve().parents
    if (p / "shared" / "data" / "lola").is_dir()
)
OUT = Path(__file__).with_name("ldem16_south_pole_fractions.png")
SIZE_M, RESOLUTION_M = 300e3, 1000.0

eph = load_ephemeris()
source = read_dem_around(LOLA, center_lat_deg=-90, center_lon_deg=0, size_m=SIZE_M)
dem = cut_window(
    source, center_lat_deg=-90, center_lon_deg=0, size_m=SIZE_M, resolution_m=RESOLUTION_M
)
horizons = horizon_map(dem, azimuths=360, height_m=2.0)
t, _ = time_grid(
    eph.ts, datetime(2030, 1, 1, tzinfo=UTC), datetime(2048, 8, 1, tzinfo=UTC), timedelta(hours=2)
)
maps = illumination_map(dem, horizons, t, ephemeris=eph)

sites = default_scenario().sites
markers = [(s.name, *map(float, dem.from_lonlat(s.lon_deg, s.lat_deg))) for s in sites]
fraction_maps(
    maps, markers, "LDEM_16 (1.9 km), south pole, 2030-2048 (18.6 y), 2 m observer"
).savefig(OUT, dpi=90)

lit = maps.sunlit_fraction.values
lon, lat = dem.lonlat_grid()
brightest = np.argsort(lit.ravel())[::-1][:5]
shadow = maps.permanent_shadow.values
print(
    json.dumps(
        {
            "most_lit_lat_lon_percent": [
                (
                    round(float(lat.flat[i]), 2),
                    round(float(lon.flat[i]), 1),
                    round(100 * float(lit.flat[i]), 1),
                )
                for i in brightest
            ],
            "permanent_shadow_km2": float(shadow.sum() * RESOLUTION_M**2 / 1e6),
            "permanent_shadow_poleward_of_88S_km2": float(
                (shadow & (lat < -88)).sum() * RESOLUTION_M**2 / 1e6
            ),
            "sites_sunlit_earth_percent": {
                name: (
                    round(100 * float(maps.sunlit_fraction.sel(x=x, y=y, method="nearest")), 1),
                    round(
                        100 * float(maps.earth_visible_fraction.sel(x=x, y=y, method="nearest")), 1
                    ),
                )
                for name, x, y in markers
            },
        },
        indent=1,
    )
)
