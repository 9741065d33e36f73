"""The terrain commands and terrain-aware scenarios, on the shared LOLA grids."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr
import yaml

from moonbase.io.dem_readers import read_dem_around
from moonbase.io.scenario_files import default_scenario_text, scenario_from_data
from moonbase.pipeline import run


def test_info_reports_grid_and_heights(lola_dir, moonbase_cli):
    result = moonbase_cli("terrain", "info", str(lola_dir / "LDEM_4.LBL"), "--json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert (facts["rows"], facts["columns"]) == (720, 1440)
    assert facts["resolution"][0] == 7580.84
    # LOLA heights span about -9.1 km (Antoniadi) to +10.8 km (Smith et al. 2010).
    assert -9500 < facts["height_min_m"] < -8000 and 9500 < facts["height_max_m"] < 11000


def test_site_skyline_json(lola_dir, moonbase_cli):
    result = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--site=-89.45,222.69",
        "--height-m",
        "2",
        "--azimuths",
        "36",
        "--size-km",
        "200",
        "--resolution-m",
        "1000",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    skyline = json.loads(result.stdout)
    assert set(skyline) == {"azimuth_deg", "horizon_deg"}
    assert len(skyline["azimuth_deg"]) == 36
    assert np.all(np.diff(skyline["azimuth_deg"]) > 0)
    # A ridge near the pole: the skyline stays within a few degrees of level.
    assert -6 < min(skyline["horizon_deg"]) and max(skyline["horizon_deg"]) < 6


def test_horizon_map_file(lola_dir, tmp_path, moonbase_cli):
    out = tmp_path / "h.nc"
    result = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--out",
        str(out),
        "--center=-89.5,0",
        "--size-km",
        "60",
        "--resolution-m",
        "2000",
        "--azimuths",
        "16",
        "--height-m",
        "2",
    )
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(out) as ds:
        assert ds.horizon_deg.dims == ("y", "x", "azimuth")
        assert ds.horizon_deg.shape == (30, 30, 16)
        assert ds.azimuth_deg.attrs["units"] == "deg"
        assert "crs_wkt" in ds.attrs


def test_bad_rasters_give_clear_errors(lola_dir, tmp_path, moonbase_cli):
    missing = moonbase_cli("terrain", "info", str(tmp_path / "absent.LBL"))
    assert missing.returncode == 1 and "no such file" in missing.stderr
    bogus = tmp_path / "bogus.LBL"
    bogus.write_text("PDS_VERSION_ID = PDS3\nEND\n")
    broken = moonbase_cli("terrain", "info", str(bogus))
    assert broken.returncode == 1 and "bogus.LBL" in broken.stderr
    global_map = moonbase_cli(
        "terrain", "horizon", str(lola_dir / "LDEM_4.LBL"), "--out", str(tmp_path / "x.nc")
    )
    assert global_map.returncode == 1 and "cut a window first" in global_map.stderr
    outside = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--site=-89.5,0",
        "--center=-60,0",
        "--size-km",
        "10",
    )
    assert outside.returncode == 1 and "outside the grid" in outside.stderr
    too_large = moonbase_cli(
        "terrain",
        "horizon",
        str(lola_dir / "LDEM_16.LBL"),
        "--out",
        str(tmp_path / "big.nc"),
        "--center=-89.5,0",
        "--size-km",
        "60",
        "--resolution-m",
        "20",
    )
    assert too_large.returncode == 1 and "needs 12.1 GiB" in too_large.stderr
    assert "horizon map (azimuths)" not in too_large.stderr  # no empty bar above it
    for result in (missing, broken, global_map, outside, too_large):
        assert "Traceback" not in result.stderr


def test_scenario_with_terrain_uses_dem_skylines(lola_dir):
    data = yaml.safe_load(default_scenario_text())
    data["sites"] = data["sites"][:2]
    data["span"] = {"start": "2030-01-01T00:00:00Z", "stop": "2030-02-01T00:00:00Z", "step": "2h"}
    data["terrain"] = {
        "dem": str(lola_dir / "LDEM_16.LBL"),
        "radius_km": 60,
        "resolution_m": 1500,
        "azimuths": 72,
    }
    scenario = scenario_from_data(data)

    def read(lat, lon, size_m):
        return read_dem_around(
            lola_dir / "LDEM_16.LBL", center_lat_deg=lat, center_lon_deg=lon, size_m=size_m
        )

    results = run(scenario, read_terrain=read)
    skyline = results.environment.series.horizon_elevation_deg
    smooth_dip = -np.degrees(np.arccos(1737400.0 / 1737402.0))  # the bare sphere from 2 m
    assert float(np.abs(skyline - smooth_dip).max()) > 0.3  # terrain, not the sphere
    # Never below the reference sphere's horizon from the highest ground here (< 3 km).
    assert float(skyline.min()) > -np.degrees(np.arccos(1737400.0 / 1740400.0))
    terrain = results.terrain
    assert list(terrain.suitability.site) == [s.name for s in scenario.sites]
    for name in ("sunlit_fraction", "earth_visible_fraction", "slope_deg", "roughness_m"):
        assert name in terrain.maps
    assert terrain.suitability.sunlit_fraction.between(0, 1).all()
    assert (terrain.suitability.distance_to_shadow_km >= 0).all()
    assert terrain.suitability.slope_deg.between(0, 90).all()


def test_illumination_command_writes_labelled_maps(lola_dir, tmp_path, moonbase_cli):
    out = tmp_path / "light.nc"
    result = moonbase_cli(
        "terrain",
        "illumination",
        str(lola_dir / "LDEM_16.LBL"),
        "--start",
        "2030-01-01",
        "--stop",
        "2030-07-01",
        "--step",
        "12h",
        "--out",
        str(out),
        "--center=-89.5,0",
        "--size-km",
        "60",
        "--resolution-m",
        "2000",
        "--azimuths",
        "90",
        "--height-m",
        "2",
    )
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(out) as maps:
        for name in (
            "sunlit_fraction",
            "mean_solar_visible_fraction",
            "earth_visible_fraction",
            "permanent_shadow",
        ):
            assert maps[name].dims == ("y", "x") and "units" in maps[name].attrs
        assert maps.sunlit_fraction.shape == (30, 30)
    bad = moonbase_cli(
        "terrain",
        "illumination",
        str(lola_dir / "LDEM_16.LBL"),
        "--start",
        "2030-01-01",
        "--stop",
        "2060-01-01",
        "--out",
        str(out),
    )
    assert bad.returncode == 1 and "--stop" in bad.stderr and "Traceback" not in bad.stderr


def test_polar_stereographic_geotiff_in_its_own_crs(tmp_path, moonbase_cli):
    """A GeoTIFF in the LOLA south polar stereographic CRS (as the LDEM_80S/875S products
    and the site GeoTIFFs are) is used as is: no window is cut, the map comes out on its
    own grid and CRS, and equals the kernel run on the same array."""
    import rasterio
    from affine import Affine

    from moonbase.terrain.dem import Dem, polar_stereographic
    from moonbase.terrain.horizon import horizon_map

    rows, cols = np.mgrid[0:64, 0:80]
    heights = (800.0 * np.sin(rows / 9.0) * np.cos(cols / 13.0)).astype(np.float32)
    transform = Affine(500.0, 0.0, -20_000.0, 0.0, -500.0, 16_000.0)
    crs = polar_stereographic(south=True)
    path = tmp_path / "south_pole.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=80,
        height=64,
        count=1,
        dtype="float32",
        crs=rasterio.crs.CRS.from_wkt(crs.to_wkt()),
        transform=transform,
        nodata=-32768.0,
    ) as dst:
        dst.write(heights, 1)

    info = moonbase_cli("terrain", "info", str(path), "--json")
    assert info.returncode == 0, info.stderr
    facts = json.loads(info.stdout)
    assert (facts["rows"], facts["columns"]) == (64, 80) and facts["resolution"] == [500, 500]
    assert "+proj=stere" in facts["crs"] and "+lat_0=-90" in facts["crs"]

    out = tmp_path / "h.nc"
    result = moonbase_cli(
        "terrain", "horizon", str(path), "--out", str(out), "--azimuths", "16", "--height-m", "2"
    )
    assert result.returncode == 0, result.stderr
    expected = horizon_map(Dem(heights, transform, crs), azimuths=16, height_m=2.0)
    with xr.open_dataset(out) as ds:
        np.testing.assert_array_equal(ds.horizon_deg.values, expected.horizon_deg.values)
        np.testing.assert_array_equal(ds.x.values, -20_000.0 + 500.0 * (np.arange(80) + 0.5))
        assert "Polar Stereographic" in ds.attrs["crs_wkt"] or "stere" in ds.attrs["crs_wkt"]

    zarr_out = tmp_path / "h.zarr"  # the same map as a Zarr store, by the suffix
    result = moonbase_cli(
        "terrain",
        "horizon",
        str(path),
        "--out",
        str(zarr_out),
        "--azimuths",
        "16",
        "--height-m",
        "2",
        "--check-pixels",
        "30",
        "--threads",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert "compiling" not in result.stderr  # the kernel is in numba's cache by now
    assert "at 30 random pixels x 16 azimuths" in result.stdout
    assert "100.000 % within 0.05 deg" in result.stdout  # smooth terrain: every sample
    assert "--near-field" not in result.stdout  # so no hint to sample more
    with xr.open_dataset(out) as nc, xr.open_zarr(zarr_out) as zarr:
        xr.testing.assert_identical(zarr.load(), nc.load())
    tiled_out = tmp_path / "tiled.zarr"  # in tiles on a local Dask cluster, joined into Zarr
    result = moonbase_cli(
        "terrain", "horizon", str(path), "--out", str(tiled_out), "--azimuths", "16",
        "--height-m", "2", "--tile-size", "40", "--workers", "1", "--check-pixels", "30",
        "--threads", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "4 tiles (0 already done" in result.stdout
    assert "100.000 % within 0.05 deg" in result.stdout  # checked on the map read back
    with xr.open_dataset(out) as nc, xr.open_zarr(tiled_out) as tiled:
        xr.testing.assert_identical(tiled.load(), nc.load())
        assert nc.attrs["near_field_px"] == 8
        ahead = nc.horizon_deg.values[nc.horizon_deg.values > -90.0]
        assert f"horizons {ahead.min():.2f}..{ahead.max():.2f} deg" in result.stdout
    short = tmp_path / "near3.nc"  # a shorter exact near field, recorded in the file
    result = moonbase_cli(
        "terrain", "horizon", str(path), "--out", str(short), "--azimuths", "16",
        "--height-m", "2", "--near-field", "3",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = horizon_map(Dem(heights, transform, crs), azimuths=16, height_m=2.0, near_px=3)
    with xr.open_dataset(short) as ds:
        np.testing.assert_array_equal(ds.horizon_deg.values, expected.horizon_deg.values)
        assert ds.attrs["near_field_px"] == 3

    skyline = moonbase_cli(
        "terrain", "horizon", str(path), "--site=-89.6,200", "--azimuths", "16", "--format", "json"
    )
    assert skyline.returncode == 0, skyline.stderr
    assert len(json.loads(skyline.stdout)["horizon_deg"]) == 16
    for option in (["--threads", "2"], ["--near-field", "16"]):  # maps only: refused
        refused = moonbase_cli("terrain", "horizon", str(path), "--site=-89.6,200", *option)
        assert refused.returncode == 1 and "are for maps (--out), not --site" in refused.stderr

    holes = heights.copy()
    holes[10, 10] = -32768.0
    with rasterio.open(path, "r+") as dst:
        dst.write(holes, 1)
    refused = moonbase_cli("terrain", "horizon", str(path), "--out", str(out))
    assert refused.returncode == 1 and "1 no-data pixels" in refused.stderr


def test_scenario_far_field_raises_skylines(lola_dir):
    """A scenario's far field (LDEM_4, 200 km past a 40 km radius) only adds terrain:
    skylines never drop, and somewhere they rise above the window-only ones."""
    data = yaml.safe_load(default_scenario_text())
    data["sites"] = data["sites"][:1]
    data["span"] = {"start": "2030-01-01T00:00:00Z", "stop": "2030-01-03T00:00:00Z", "step": "6h"}
    terrain = {
        "dem": str(lola_dir / "LDEM_16.LBL"),
        "radius_km": 40,
        "resolution_m": 2000,
        "azimuths": 72,
        "maps": False,
    }

    def reader(name):
        return lambda lat, lon, size_m: read_dem_around(
            lola_dir / name, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m
        )

    plain = run(
        scenario_from_data({**data, "terrain": terrain}), read_terrain=reader("LDEM_16.LBL")
    )
    far = {**terrain, "far_field_dem": str(lola_dir / "LDEM_4.LBL"), "far_field_km": 200}
    scenario = scenario_from_data({**data, "terrain": far})
    with pytest.raises(ValueError, match="read_far_terrain"):
        run(scenario, read_terrain=reader("LDEM_16.LBL"))
    wide = run(scenario, read_terrain=reader("LDEM_16.LBL"), read_far_terrain=reader("LDEM_4.LBL"))
    before = plain.environment.series.horizon_elevation_deg.values
    after = wide.environment.series.horizon_elevation_deg.values
    assert np.all(after >= before - 1e-6) and np.any(after > before + 0.05)
