"""Slope, roughness and the suitability table on analytic surfaces."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from affine import Affine

from moonbase.terrain.dem import Dem, polar_stereographic
from moonbase.terrain.surface import slope_and_roughness, suitability_table


def _dem(z: np.ndarray, pixel: float = 100.0) -> Dem:
    n_rows, n_cols = z.shape
    transform = Affine(pixel, 0, -pixel * n_cols / 2, 0, -pixel, pixel * n_rows / 2)
    return Dem(z, transform, polar_stereographic())


def test_plane_has_its_slope_and_no_roughness():
    cols = np.mgrid[0:30, 0:30][1]
    z = 100.0 * np.tan(np.radians(12.0)) * cols  # 12 deg up toward +x, 100 m pixels
    surface = slope_and_roughness(_dem(z))
    assert np.allclose(surface.slope_deg, 12.0, atol=1e-4)
    assert np.allclose(surface.roughness_m.values[1:-1, 1:-1], 0.0, atol=1e-3)


def test_checkerboard_is_rough_and_flat_on_average():
    z = 2.0 * (np.indices((20, 20)).sum(axis=0) % 2) - 1.0  # +-1 m
    surface = slope_and_roughness(_dem(z))
    # 3 x 3 windows hold 5 of one sign and 4 of the other: spread sqrt(1 - (1/9)^2).
    assert surface.roughness_m.values[5, 5] == pytest.approx(np.sqrt(1 - 1 / 81), rel=1e-3)


def test_suitability_reads_the_nearest_pixel():
    dem = _dem(np.zeros((10, 10)), pixel=1000.0)
    shadow = np.zeros((10, 10), dtype=bool)
    shadow[0, 0] = True
    maps = xr.Dataset(
        {
            "sunlit_fraction": (("y", "x"), np.full((10, 10), 0.5)),
            "mean_solar_visible_fraction": (("y", "x"), np.full((10, 10), 0.4)),
            "earth_visible_fraction": (("y", "x"), np.full((10, 10), 0.3)),
            "permanent_shadow": (("y", "x"), shadow),
        }
    )
    surface = slope_and_roughness(dem)
    lon, lat = dem.to_lonlat(dem.x[3], dem.y[4])
    table = suitability_table(
        dem, maps, surface, [("here", float(lat), float(lon)), ("far away", 0.0, 0.0)]
    )
    assert list(table.site) == ["here"]
    assert table.distance_to_shadow_km[0] == pytest.approx(5.0)  # 4 rows, 3 cols: 5 px
    assert table.sunlit_fraction[0] == 0.5
