"""Horizon maps of a DEM window, and skylines of single sites, as labelled results.

Azimuth convention. Horizon maps are tabulated by *grid azimuth*: clockwise from
the map's +y axis ("grid north"). On a polar stereographic map local north turns a
full circle around the pole and is undefined at the pole itself, so a local-north
raster would be discontinuous; grid azimuth is defined everywhere, and the Sun's
grid azimuth is nearly the same across a window, which the illumination maps use.
``grid_convergence_deg`` gives, per pixel, the grid azimuth of local north, so that
``local azimuth = grid azimuth - convergence``. At the pole itself the convention of
:class:`~moonbase.geometry.sky.SurfacePoint` applies (north = the 0 deg meridian on
the south polar map). Site skylines (:func:`site_horizon`) are returned in local
azimuth, ready for the site environment.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import Horizon
from moonbase.errors import DemError
from moonbase.terrain import _kernels
from moonbase.terrain.dem import Dem

#: Columns next to each pixel sampled on its own ray before interpolated lines take
#: over (see ``_kernels``); 8 keeps the mean error near 0.01 deg on LOLA terrain.
NEAR_FIELD_PX = 8


def azimuth_grid(count: int) -> np.ndarray:
    """Return ``count`` azimuths evenly spaced from 0 deg (deg)."""
    if count < 4:
        raise ValueError(f"need at least 4 azimuths (got {count})")
    return np.arange(count) * (360.0 / count)


#: A horizon map larger than this would not fit in memory on a small machine.
MAX_MAP_BYTES = 6 * 2**30


def _check_grid(dem: Dem) -> float:
    operation = dem.crs.coordinate_operation
    method = operation.method_name if operation is not None else ""
    if not dem.is_projected or "Cylindrical" in method:
        raise DemError(
            dem.source,
            "horizons need a conformal metric grid (stereographic), not a global map; cut "
            "a window first (moonbase terrain horizon ... --center LAT,LON)",
        )
    dx, dy = dem.resolution
    if abs(dx - dy) > 1e-6 * dx:
        raise DemError(dem.source, f"pixels must be square (got {dx} x {dy} m)")
    if np.isnan(dem.height_m).any():
        raise DemError(dem.source, "the grid has no-data pixels; fill them first")
    return dx


def horizon_map(
    dem: Dem,
    *,
    azimuths: int = 360,
    height_m: float = 0.0,
    near_px: int = NEAR_FIELD_PX,
    threads: int = 2,
) -> xr.Dataset:
    """Compute the horizon elevation of every pixel of ``dem`` for ``azimuths`` directions.

    Includes the Moon's curvature (1737.4 km sphere) and an observer ``height_m`` above
    the ground; terrain is searched to the window's edge.

    Returns
    -------
    xarray.Dataset
        ``horizon_deg`` (y, x, azimuth), float32, degrees above the local horizontal
        (-90 where nothing lies ahead); coordinates ``x``, ``y`` (the DEM's CRS, m),
        ``azimuth_deg`` (grid azimuth); ``grid_convergence_deg`` (y, x); the CRS as
        WKT in ``attrs['crs_wkt']``.
    """
    pixel_m = _check_grid(dem)
    az = azimuth_grid(azimuths)
    size = az.size * dem.shape[0] * dem.shape[1] * 4
    if size > MAX_MAP_BYTES:
        raise DemError(
            dem.source,
            f"a {dem.shape[0]} x {dem.shape[1]} x {az.size} horizon map "
            f"needs {size / 2**30:.1f} GiB; use fewer azimuths or a "
            f"smaller window (limit {MAX_MAP_BYTES / 2**30:.0f} GiB)",
        )
    out = np.empty((az.size, *dem.shape), dtype=np.float32)
    _kernels.horizon_map(
        np.ascontiguousarray(dem.height_m, dtype=np.float64),
        pixel_m,
        np.radians(az),
        MOON_RADIUS_M,
        float(height_m),
        int(near_px),
        out,
        max(1, int(threads)),
    )
    return xr.Dataset(
        {
            "horizon_deg": (
                ("azimuth", "y", "x"),
                out,
                {"units": "deg", "long_name": "horizon elevation above the local horizontal"},
            ),
            "grid_convergence_deg": (
                ("y", "x"),
                dem.grid_convergence_deg().astype(np.float32),
                {"units": "deg", "long_name": "grid azimuth of local north"},
            ),
        },
        coords={
            "azimuth_deg": (
                "azimuth",
                az,
                {"units": "deg", "long_name": "grid azimuth, clockwise from +y"},
            ),
            "x": ("x", dem.x, {"units": "m"}),
            "y": ("y", dem.y, {"units": "m"}),
        },
        attrs={
            "crs_wkt": dem.crs.to_wkt(),
            "observer_height_m": float(height_m),
            "moon_radius_m": MOON_RADIUS_M,
            "source": dem.source,
            "azimuth_convention": "grid azimuth (clockwise from +y); local = grid - convergence",
        },
    ).transpose("y", "x", "azimuth")


def site_horizon(
    dem: Dem,
    lat_deg: float,
    lon_deg: float,
    *,
    azimuths: int = 360,
    height_m: float = 0.0,
) -> Horizon:
    """Return the skyline of one point as a :class:`Horizon` in local azimuth.

    Brute-force ray march from the exact point (one column or row per step, as the map
    kernel samples; bilinear heights; exact sphere), which for one point costs less
    than a map. The point must be inside the DEM. Beyond the window the reference
    sphere is assumed: the floor is its geometric horizon seen from the point's own
    height above it, ``-arccos(R / (R + z + h))``.
    """
    pixel_m = _check_grid(dem)
    x, y = dem.from_lonlat(lon_deg, lat_deg)
    row, col = dem.centre_index(float(x), float(y))
    rows, cols = dem.shape
    if not (0 <= row <= rows - 1 and 0 <= col <= cols - 1):
        raise DemError(dem.source, f"the point {lat_deg:g}, {lon_deg:g} lies outside the grid")
    grid_az = azimuth_grid(azimuths)
    z = np.ascontiguousarray(dem.height_m, dtype=np.float64)
    elevation = _kernels.ray_march_point(
        z, pixel_m, np.radians(grid_az), MOON_RADIUS_M, float(height_m), row, col
    )
    ground_m = float(_kernels.bilinear(z, row, col))
    floor = Horizon.smooth_sphere(max(ground_m, 0.0) + height_m).floor_deg
    # Local azimuth = grid azimuth - grid azimuth of local north at the point.
    convergence = float(dem.convergence_deg(lon_deg, lat_deg))
    local = (grid_az - convergence) % 360.0
    order = np.argsort(local)
    return Horizon(floor, local[order], np.maximum(elevation[order], -90.0))
