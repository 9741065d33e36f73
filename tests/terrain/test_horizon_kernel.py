"""Horizon maps: synthetic cases with exact answers, and a brute-force ray march.

The brute-force reference (``_kernels.ray_march``) samples the bilinear DEM where the
ray crosses each column (or row) centre line and uses exact sphere geometry; it is
O(N) per pixel-azimuth. Tolerances are stated per test.
"""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from moonbase.constants import MOON_RADIUS_M
from moonbase.terrain import _kernels
from moonbase.terrain.dem import Dem, polar_stereographic
from moonbase.terrain.horizon import horizon_map

FLAT_RADIUS_M = 1e12  # a sphere so large that curvature vanishes: plane geometry


def run_kernel(z, pixel_m, azimuths_deg, *, radius_m=MOON_RADIUS_M, height_m=0.0, near=8):
    out = np.empty((len(azimuths_deg), *z.shape), dtype=np.float32)
    _kernels.horizon_map(
        np.asarray(z, dtype=np.float64),
        pixel_m,
        np.radians(np.asarray(azimuths_deg, dtype=float)),
        radius_m,
        height_m,
        near,
        out,
        2,
    )
    return out


def test_tilted_plane_gives_its_slope_uphill_in_every_direction():
    # z rises 0.5 m per metre eastward: looking along azimuth a the terrain rises at
    # 0.5 sin(a); uphill the horizon is atan(0.5 sin a). Exact up to float32 and the
    # 6e-4 deg arctangent approximation.
    cols = np.mgrid[0:60, 0:60][1]
    z = 0.5 * 20.0 * cols
    azimuths = np.arange(5.0, 180.0, 12.5)
    out = run_kernel(z, 20.0, azimuths, radius_m=FLAT_RADIUS_M)
    expected = np.degrees(np.arctan(0.5 * np.sin(np.radians(azimuths))))
    centre = out[:, 20:40, 20:40]
    assert np.abs(centre - expected[:, None, None]).max() < 1e-3


def test_bare_sphere_horizon_is_the_geometric_dip():
    # Flat ground on the sphere seen from 10 m: the tangent point is sqrt(2 R h) = 5.9 km
    # away and the dip is arccos(R / (R + h)) = 0.1838 deg; the window (40 km) contains
    # the tangent point in every direction from the centre. Parabolic drop error at
    # 5.9 km is 1e-7 deg; 2e-3 allows for the 100 m sampling around the tangent.
    z = np.zeros((401, 401))
    out = run_kernel(z, 100.0, np.arange(0.0, 360.0, 30.0), height_m=10.0)
    dip = -np.degrees(np.arccos(MOON_RADIUS_M / (MOON_RADIUS_M + 10.0)))
    assert np.abs(out[:, 200, 200] - dip).max() < 2e-3


def test_crater_bowl_from_its_centre_sees_the_rim():
    # Paraboloid bowl of depth 2 km and radius 10 km in flat ground: from the floor the
    # rim stands at atan(depth / radius) = 11.31 deg in every direction (plane
    # geometry). Samples 50 m apart can fall up to 25 m short of the rim, which lowers
    # the angle by up to 0.028 deg; hence 0.05 deg.
    n, pixel = 481, 50.0
    rows, cols = np.mgrid[0:n, 0:n]
    r = np.hypot(rows - 240, cols - 240) * pixel
    z = np.where(r < 10_000.0, 2000.0 * (r / 10_000.0) ** 2 - 2000.0, 0.0)
    azimuths = np.arange(0.0, 360.0, 10.0) + 0.7
    out = run_kernel(z, pixel, azimuths, radius_m=FLAT_RADIUS_M)
    assert np.abs(out[:, 240, 240] - np.degrees(np.arctan(0.2))).max() < 0.05


def test_cone_peak_seen_from_afar():
    # A cone 1 km high, 5 km base radius, 12 km east of the observer: looking due east
    # the horizon is the apex, atan(1000 / 12000) = 4.764 deg (plane geometry).
    n, pixel = 241, 100.0
    rows, cols = np.mgrid[0:n, 0:n]
    r = np.hypot(rows - 120, cols - 180) * pixel
    z = np.maximum(0.0, 1000.0 * (1.0 - r / 5000.0))
    out = run_kernel(z, pixel, [90.0], radius_m=FLAT_RADIUS_M)
    assert out[0, 120, 60] == pytest.approx(np.degrees(np.arctan(1000.0 / 12000.0)), abs=0.01)
    # Looking west from there, nothing rises: flat ground gives 0 deg.
    out_west = run_kernel(z, pixel, [270.0], radius_m=FLAT_RADIUS_M)
    assert out_west[0, 120, 60] == pytest.approx(0.0, abs=1e-3)


def test_no_terrain_ahead_is_minus_90():
    out = run_kernel(np.zeros((20, 20)), 20.0, [90.0])
    assert out[0, 5, 19] == -90.0


def _smooth_terrain(n: int, amplitude_m: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n] / n
    z = np.zeros((n, n))
    for _ in range(6):
        kx, ky, phase = rng.uniform(2, 15), rng.uniform(2, 15), rng.uniform(0, 2 * np.pi)
        z += amplitude_m / 6 * np.sin(kx * x + phase) * np.cos(ky * y + phase / 2)
    return z


def compare_with_ray_march(z, pixel_m, *, height_m=2.0, samples=300, seed=1, near=8):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = z.shape
    margin = near + 2
    rows = rng.integers(margin, n_rows - margin, samples)
    cols = rng.integers(margin, n_cols - margin, samples)
    azimuths = np.arange(0.0, 360.0, 7.5) + 0.3
    ours = run_kernel(z, pixel_m, azimuths, height_m=height_m, near=near)[:, rows, cols].T
    ref = np.empty((samples, azimuths.size))
    reach = np.empty_like(ref)
    _kernels.ray_march(
        np.asarray(z, dtype=float),
        pixel_m,
        np.radians(azimuths),
        MOON_RADIUS_M,
        height_m,
        rows,
        cols,
        0.0,
        ref,
        reach,
    )
    ref = np.where(np.isfinite(ref), ref, -90.0)
    return np.abs(ours - ref)


def test_matches_ray_march_on_smooth_terrain():
    """Mean within 0.02 deg, 99 % within 0.15 deg (lateral interpolation, measured)."""
    error = compare_with_ray_march(_smooth_terrain(160, 400.0), 20.0)
    assert error.mean() < 0.02
    assert np.percentile(error, 99) < 0.15


def test_matches_ray_march_on_lola_terrain(lola_south_window):
    """LDEM_16 south-polar window at 1 km: mean within 0.02 deg, 99 % within 0.15 deg.

    Measured: mean 0.01, p99 0.10 deg with near=8. The largest errors are where the
    horizon lies a few pixels past the exactly sampled near field and the terrain
    varies across the ray (the lines are interpolated 1 px apart). The issue's target
    is 0.05 deg for every pixel-azimuth; that is not reached yet.
    """
    error = compare_with_ray_march(lola_south_window.height_m, 1000.0)
    assert error.mean() < 0.02
    assert np.percentile(error, 99) < 0.15


def test_map_dataset_is_labelled(lola_south_window):
    ds = horizon_map(lola_south_window.window(slice(0, 40), slice(0, 50)), azimuths=8, height_m=2.0)
    assert ds.horizon_deg.dims == ("y", "x", "azimuth")
    assert ds.horizon_deg.shape == (40, 50, 8)
    assert ds.horizon_deg.attrs["units"] == "deg"
    assert list(ds.azimuth_deg.values) == [0, 45, 90, 135, 180, 225, 270, 315]
    assert ds.attrs["observer_height_m"] == 2.0
    assert "crs_wkt" in ds.attrs


def test_grid_convergence_on_the_south_polar_map():
    # On the south polar stereographic map a point at east longitude L has local
    # north pointing away from the pole: grid azimuth L.
    crs = polar_stereographic(south=True)
    dem = Dem(np.zeros((3, 3)), Affine(1000.0, 0, 50_000.0, 0, -1000.0, 3000.0), crs)
    lon, _ = dem.to_lonlat(dem.x[1], dem.y[1])
    assert dem.grid_convergence_deg()[1, 1] == pytest.approx(
        float(lon) if lon <= 180 else float(lon) - 360, abs=1e-3
    )
