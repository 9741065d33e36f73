"""Slope and roughness of a metric DEM window, and a site suitability table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage

from moonbase.terrain.dem import Dem

#: Side, in pixels, of the window over which roughness is measured.
ROUGHNESS_WINDOW_PX = 3


def slope_and_roughness(dem: Dem) -> xr.Dataset:
    """Return ``slope_deg`` (steepest slope) and ``roughness_m`` (height spread) per pixel.

    Slope from centred differences (one-sided at the edges); roughness is the standard
    deviation of heights in a 3 x 3 pixel window, after removing the local plane's
    contribution (the mean squared height change the slope alone would cause).
    """
    dx, dy = dem.resolution
    z = dem.height_m.astype(np.float64)
    dz_dy, dz_dx = np.gradient(z, dy, dx)
    slope = np.degrees(np.arctan(np.hypot(dz_dx, dz_dy)))
    size = ROUGHNESS_WINDOW_PX
    mean = ndimage.uniform_filter(z, size, mode="nearest")
    mean_sq = ndimage.uniform_filter(z * z, size, mode="nearest")
    variance = np.maximum(mean_sq - mean * mean, 0.0)
    # A plane z = gx x + gy y over a k x k window has variance
    # (gx^2 dx^2 + gy^2 dy^2) (k^2 - 1) / 12: each offset spans -(k-1)/2..(k-1)/2 pixels.
    plane = (dz_dx**2 * dx**2 + dz_dy**2 * dy**2) * (size * size - 1) / 12.0
    roughness = np.sqrt(np.maximum(variance - plane, 0.0))
    return xr.Dataset(
        {
            "slope_deg": (
                ("y", "x"),
                slope.astype(np.float32),
                {"units": "deg", "long_name": "steepest slope"},
            ),
            "roughness_m": (
                ("y", "x"),
                roughness.astype(np.float32),
                {"units": "m", "long_name": "height spread about the local plane, 3 x 3 pixels"},
            ),
        },
        coords={"x": ("x", dem.x, {"units": "m"}), "y": ("y", dem.y, {"units": "m"})},
    )


def distance_to_shadow_m(maps: xr.Dataset, pixel_m: float) -> np.ndarray:
    """Distance from each pixel to the nearest permanently shadowed pixel (m; inf if none)."""
    shadow = maps.permanent_shadow.values.astype(bool)
    if not shadow.any():
        return np.full(shadow.shape, np.inf)
    return ndimage.distance_transform_edt(~shadow) * pixel_m


def suitability_table(
    dem: Dem,
    maps: xr.Dataset,
    surface: xr.Dataset,
    sites: Sequence[tuple[str, float, float]],
) -> pd.DataFrame:
    """Tabulate, for each (name, lat_deg, lon_deg), what the terrain maps say there.

    Values are read at the nearest pixel; sites outside the window are left out.
    """
    to_shadow = distance_to_shadow_m(maps, dem.resolution[0])
    rows = []
    for name, lat, lon in sites:
        x, y = dem.from_lonlat(lon, lat)
        row, col = (round(v) for v in dem.centre_index(float(x), float(y)))
        if not (0 <= row < dem.shape[0] and 0 <= col < dem.shape[1]):
            continue
        rows.append(
            {
                "site": name,
                "sunlit_fraction": float(maps.sunlit_fraction.values[row, col]),
                "mean_solar_visible_fraction": float(
                    maps.mean_solar_visible_fraction.values[row, col]
                ),
                "earth_visible_fraction": float(maps.earth_visible_fraction.values[row, col]),
                "permanent_shadow": bool(maps.permanent_shadow.values[row, col]),
                "distance_to_shadow_km": float(to_shadow[row, col] / 1000.0),
                "slope_deg": float(surface.slope_deg.values[row, col]),
                "roughness_m": float(surface.roughness_m.values[row, col]),
                "height_m": float(dem.height_m[row, col]),
            }
        )
    return pd.DataFrame(rows)
