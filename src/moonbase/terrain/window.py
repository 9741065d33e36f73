"""Cut a metric map window (stereographic) out of any DEM, at a chosen resolution.

Polar windows (|lat| >= 75 deg) use the polar stereographic projection of the LOLA
polar products; others a stereographic projection centred on the window. Heights
are resampled bilinearly with rasterio (GDAL's warper). A global simple-cylindrical
source is padded by wrapping a few columns across the 0/360 deg seam first, so the
seam never shows as a hole.
"""

from __future__ import annotations

import numpy as np
import rasterio.warp
from affine import Affine
from rasterio.crs import CRS as RioCRS
from rasterio.enums import Resampling

from moonbase.constants import MOON_RADIUS_M
from moonbase.errors import DemError
from moonbase.terrain.dem import Dem, local_stereographic, polar_stereographic

#: Windows centred poleward of this latitude use the polar stereographic projection.
POLAR_LATITUDE_DEG = 75.0
_SEAM_PAD_COLUMNS = 4


def window_crs(center_lat_deg: float, center_lon_deg: float):
    """Return the projection a window centred at this point is cut in."""
    if abs(center_lat_deg) >= POLAR_LATITUDE_DEG:
        return polar_stereographic(south=center_lat_deg < 0)
    return local_stereographic(center_lat_deg, center_lon_deg)


def _wrap_global(dem: Dem) -> Dem:
    """Pad a source spanning 360 deg of longitude with columns from its other side."""
    operation = dem.crs.coordinate_operation
    method = operation.method_name if operation is not None else ""
    if dem.is_projected and "Equidistant Cylindrical" not in method:
        return dem
    span = abs(dem.transform.a) * dem.shape[1]
    full_turn = 360.0 if dem.crs.is_geographic else 2.0 * np.pi * dem.crs.ellipsoid.semi_major_metre
    if abs(span - full_turn) > abs(dem.transform.a):
        return dem
    pad = _SEAM_PAD_COLUMNS
    heights = np.concatenate([dem.height_m[:, -pad:], dem.height_m, dem.height_m[:, :pad]], axis=1)
    return Dem(heights, dem.transform @ Affine.translation(-pad, 0), dem.crs, dem.source)


def cut_window(
    source: Dem,
    *,
    center_lat_deg: float,
    center_lon_deg: float,
    size_m: float,
    resolution_m: float,
) -> Dem:
    """Resample ``source`` onto a square metric window.

    Parameters
    ----------
    source : Dem
        Any georeferenced DEM that covers the window.
    center_lat_deg, center_lon_deg : float
        Window centre, degrees (east longitude).
    size_m : float
        Side of the square window, metres.
    resolution_m : float
        Pixel size, metres.

    Raises
    ------
    DemError
        If the window reaches outside the source (no data would be invented).
    """
    if size_m <= 0 or resolution_m <= 0:
        raise DemError(source.source, "window size and resolution must be positive")
    n = round(size_m / resolution_m)
    if n < 2:
        raise DemError(source.source, f"a {size_m} m window at {resolution_m} m is under 2 pixels")
    crs = window_crs(center_lat_deg, center_lon_deg)
    target = Dem(np.empty((1, 1)), Affine.identity(), crs)
    cx, cy = target.from_lonlat(center_lon_deg, center_lat_deg)
    half = n * resolution_m / 2.0
    transform = Affine(resolution_m, 0.0, float(cx) - half, 0.0, -resolution_m, float(cy) + half)
    place = f"the {size_m / 1000:g} km window at {center_lat_deg:g}, {center_lon_deg:g}"
    heights = _resample(source, crs, transform, (n, n), place)
    return Dem(
        heights, transform, crs, f"{source.source} window {center_lat_deg:g},{center_lon_deg:g}"
    )


def _resample(source: Dem, crs, transform: Affine, shape: tuple[int, int], place: str):
    """Resample ``source`` bilinearly onto a grid; refuse any pixel without data."""
    wrapped = _wrap_global(source)
    out = np.full(shape, np.nan, dtype=np.float32)
    rasterio.warp.reproject(
        source=wrapped.height_m.astype(np.float32),
        destination=out,
        src_transform=wrapped.transform,
        src_crs=RioCRS.from_wkt(wrapped.crs.to_wkt()),
        src_nodata=np.nan,
        dst_transform=transform,
        dst_crs=RioCRS.from_wkt(crs.to_wkt()),
        dst_nodata=np.nan,
        resampling=Resampling.bilinear,
    )
    holes = int(np.isnan(out).sum())
    if holes:
        raise DemError(
            source.source,
            f"{place} reaches outside the data ({holes} of {out.size} pixels have none); "
            "move or shrink it",
        )
    return out


def native_pixel_m(dem: Dem) -> float:
    """Return a DEM's pixel size in metres (for a lat/lon grid, along the meridian)."""
    if dem.crs.is_geographic:
        return float(np.radians(dem.resolution[1]) * MOON_RADIUS_M)
    return float(dem.resolution[1])


def cut_far_field(
    source: Dem, near: Dem, *, reach_m: float, resolution_m: float | None = None
) -> Dem:
    """Resample ``source`` onto a coarse grid around the window ``near``, in its CRS.

    The far field extends ``reach_m`` beyond each edge of ``near`` (rounded up to whole
    coarse pixels) and is centred on it: the terrain a horizon map searches past the
    window's edge (see :func:`moonbase.terrain.horizon.horizon_map`). Its pixel is
    ``resolution_m``, by default the source's own (never finer than ``near``'s).

    Raises
    ------
    DemError
        If the reach or resolution is not positive, or the far field reaches outside
        the source.
    """
    if resolution_m is None:
        resolution_m = max(native_pixel_m(source), near.resolution[0])
    if reach_m <= 0 or resolution_m <= 0:
        raise DemError(source.source, "far-field reach and resolution must be positive")
    rows, cols = near.shape
    width_m = cols * near.transform.a
    height_m = rows * abs(near.transform.e)
    n_cols = int(np.ceil((width_m + 2.0 * reach_m) / resolution_m))
    n_rows = int(np.ceil((height_m + 2.0 * reach_m) / resolution_m))
    centre_x = near.transform.c + width_m / 2.0
    centre_y = near.transform.f - height_m / 2.0
    transform = Affine(
        resolution_m,
        0.0,
        centre_x - n_cols * resolution_m / 2.0,
        0.0,
        -resolution_m,
        centre_y + n_rows * resolution_m / 2.0,
    )
    place = f"the far field {reach_m / 1000:g} km around {near.source}"
    heights = _resample(source, near.crs, transform, (n_rows, n_cols), place)
    return Dem(heights, transform, near.crs, f"{source.source} far field at {resolution_m:g} m")
