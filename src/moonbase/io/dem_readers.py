"""Read DEMs (PDS3 ``.LBL``/``.IMG`` or GeoTIFF) with rasterio into a :class:`Dem`.

Heights are returned above the 1737.4 km LOLA sphere. LOLA PDS3 labels give
``OFFSET = 1737400`` so that ``DN * SCALING_FACTOR + OFFSET`` is a radius; such an
offset is recognised and removed. No-data pixels become NaN and, unless allowed,
raise :class:`~moonbase.errors.DemError`: a hole is never read as height 0.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
import rasterio.windows
from pyproj import CRS
from pyproj.exceptions import CRSError

from moonbase.constants import MOON_RADIUS_M
from moonbase.errors import DemError
from moonbase.scenario import Terrain
from moonbase.terrain.dem import Dem

#: An offset this close to the lunar radius means the file stores radii, not heights.
_RADIUS_OFFSET_TOLERANCE_M = 1_000.0


def _crs_of(path: str, dataset) -> CRS:
    if dataset.crs is None:
        raise DemError(
            path,
            "the file has no coordinate reference system; give a GeoTIFF "
            "with a CRS or a PDS3 label with a MAP_PROJECTION object",
        )
    try:
        crs = CRS.from_wkt(dataset.crs.to_wkt())
    except CRSError as error:
        raise DemError(path, f"unknown CRS: {error}") from None
    body = (
        (crs.ellipsoid.name if crs.ellipsoid else "") + " " + (crs.datum.name if crs.datum else "")
    )
    radius = crs.ellipsoid.semi_major_metre if crs.ellipsoid else float("nan")
    if abs(radius - MOON_RADIUS_M) > 10_000.0:
        raise DemError(
            path,
            f"the CRS is not lunar (its body {body.strip()!r} has radius "
            f"{radius:.0f} m, the Moon's is {MOON_RADIUS_M:.0f} m)",
        )
    return crs


def read_dem(
    path: str | Path,
    *,
    window: tuple[slice, slice] | None = None,
    allow_nodata: bool = False,
) -> Dem:
    """Read a DEM, or a window ``(rows, cols)`` of it, as heights above the sphere.

    Raises
    ------
    DemError
        If the file is missing or unreadable, has no or a non-lunar CRS, the window
        lies outside the grid, or (unless ``allow_nodata``) the data has holes.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise DemError(name, "no such file")
    try:
        with rasterio.open(path) as dataset:
            crs = _crs_of(name, dataset)
            rows, cols = (
                window
                if window is not None
                else (slice(0, dataset.height), slice(0, dataset.width))
            )
            r0, r1, _ = rows.indices(dataset.height)
            c0, c1, _ = cols.indices(dataset.width)
            if (
                (rows.start or 0) < 0
                or (cols.start or 0) < 0
                or r1 <= r0
                or c1 <= c0
                or (rows.stop is not None and rows.stop > dataset.height)
                or (cols.stop is not None and cols.stop > dataset.width)
            ):
                raise DemError(
                    name,
                    f"window rows {rows.start}:{rows.stop}, cols "
                    f"{cols.start}:{cols.stop} is outside the "
                    f"{dataset.height} x {dataset.width} grid",
                )
            win = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
            raw = dataset.read(1, window=win, masked=True)
            scale, offset = dataset.scales[0], dataset.offsets[0]
            transform = dataset.window_transform(win)
    except rasterio.errors.RasterioIOError as error:
        raise DemError(name, f"not a readable raster or PDS3 label ({error})") from None

    if abs(offset - MOON_RADIUS_M) < _RADIUS_OFFSET_TOLERANCE_M:
        offset -= MOON_RADIUS_M
    height = raw.astype(np.float64) * scale + offset
    holes = np.ma.getmaskarray(height) | ~np.isfinite(np.ma.getdata(height))
    heights = np.where(holes, np.nan, np.ma.getdata(height)).astype(np.float32)
    if holes.any() and not allow_nodata:
        raise DemError(
            name,
            f"{int(holes.sum())} no-data pixels in the area read; choose an "
            "area without holes or fill them first (moonbase never reads a "
            "hole as height 0)",
        )
    return Dem(heights, transform, crs, name)


def is_metric_grid(path: str | Path) -> bool:
    """Whether a DEM file is in a projected, non-cylindrical CRS (usable without a window).

    Reads the CRS only, not the heights.
    """
    path = Path(path)
    if not path.exists():
        raise DemError(str(path), "no such file")
    try:
        with rasterio.open(path) as dataset:
            crs = _crs_of(str(path), dataset)
    except rasterio.errors.RasterioIOError as error:
        raise DemError(str(path), f"not a readable raster or PDS3 label ({error})") from None
    operation = crs.coordinate_operation
    method = operation.method_name if operation is not None else ""
    return crs.is_projected and "Cylindrical" not in method


def _proj_string(crs: CRS) -> str:
    with warnings.catch_warnings():
        # PROJ strings drop some metadata; for a one-line summary that is what we want.
        warnings.simplefilter("ignore", UserWarning)
        return crs.to_proj4() or crs.name


def describe_dem(path: str | Path) -> dict:
    """Return a DEM's grid, CRS, resolution, extent and height range, without holes check."""
    dem = read_dem(path, allow_nodata=True)
    rows, cols = dem.shape
    left, top = dem.transform.c, dem.transform.f
    right, bottom = left + dem.transform.a * cols, top + dem.transform.e * rows
    units = "m" if dem.is_projected else "deg"
    finite = dem.height_m[np.isfinite(dem.height_m)]
    return {
        "path": str(path),
        "rows": rows,
        "columns": cols,
        "crs": _proj_string(dem.crs),
        "crs_name": dem.crs.name,
        "resolution": [*dem.resolution],
        "resolution_units": units,
        "extent": {"left": left, "right": right, "bottom": bottom, "top": top},
        "height_min_m": float(finite.min()) if finite.size else None,
        "height_max_m": float(finite.max()) if finite.size else None,
        "nodata_pixels": int(np.isnan(dem.height_m).sum()),
    }


def read_dem_around(
    path: str | Path, *, center_lat_deg: float, center_lon_deg: float, size_m: float
) -> Dem:
    """Read only the part of a DEM that a square window of ``size_m`` at a point needs.

    For a global simple-cylindrical or geographic grid this is a band of latitude (all
    longitudes, as a polar window needs them); for a projected grid, the bounding box.
    """
    from pyproj import Transformer

    from moonbase.terrain.dem import MOON_GEOGRAPHIC
    from moonbase.terrain.window import window_crs

    path = Path(path)
    if not path.exists():
        raise DemError(str(path), "no such file")
    target = window_crs(center_lat_deg, center_lon_deg)
    to_target = Transformer.from_crs(MOON_GEOGRAPHIC, target, always_xy=True)
    cx, cy = to_target.transform(center_lon_deg, center_lat_deg)
    half = 0.75 * size_m  # a margin for the bilinear stencil and projection curvature
    edge = np.linspace(-half, half, 41)
    xs = np.concatenate([cx + edge, cx + edge, cx - half + 0 * edge, cx + half + 0 * edge])
    ys = np.concatenate([cy - half + 0 * edge, cy + half + 0 * edge, cy + edge, cy + edge])
    try:
        with rasterio.open(path) as dataset:
            crs = _crs_of(str(path), dataset)
            lon, lat = Transformer.from_crs(target, MOON_GEOGRAPHIC, always_xy=True).transform(
                xs, ys
            )
            pole_inside = abs(cx) < half and abs(cy) < half and abs(center_lat_deg) >= 60
            operation = crs.coordinate_operation
            cylindrical = crs.is_geographic or (
                operation is not None and "Equidistant Cylindrical" in operation.method_name
            )
            to_source = Transformer.from_crs(MOON_GEOGRAPHIC, crs, always_xy=True)
            if cylindrical:
                lat_lo, lat_hi = float(np.min(lat)), float(np.max(lat))
                if pole_inside:
                    lat_lo, lat_hi = (-90.0, lat_hi) if center_lat_deg < 0 else (lat_lo, 90.0)
                _, y_top = to_source.transform(center_lon_deg, lat_hi)
                _, y_bottom = to_source.transform(center_lon_deg, lat_lo)
                row_top = dataset.index(dataset.bounds.left, y_top, op=float)[0]
                row_bottom = dataset.index(dataset.bounds.left, y_bottom, op=float)[0]
                rows = slice(
                    max(0, int(np.floor(row_top)) - 2),
                    min(dataset.height, int(np.ceil(row_bottom)) + 2),
                )
                cols = slice(0, dataset.width)
            else:
                sx, sy = to_source.transform(lon, lat)
                r_lo, c_lo = dataset.index(float(np.min(sx)), float(np.max(sy)), op=float)
                r_hi, c_hi = dataset.index(float(np.max(sx)), float(np.min(sy)), op=float)
                rows = slice(
                    max(0, int(np.floor(min(r_lo, r_hi))) - 2),
                    min(dataset.height, int(np.ceil(max(r_lo, r_hi))) + 2),
                )
                cols = slice(
                    max(0, int(np.floor(min(c_lo, c_hi))) - 2),
                    min(dataset.width, int(np.ceil(max(c_lo, c_hi))) + 2),
                )
    except rasterio.errors.RasterioIOError as error:
        raise DemError(str(path), f"not a readable raster or PDS3 label ({error})") from None
    if rows.stop <= rows.start or cols.stop <= cols.start:
        raise DemError(
            str(path), f"the window at {center_lat_deg:g}, {center_lon_deg:g} lies outside the grid"
        )
    return read_dem(path, window=(rows, cols), allow_nodata=True)


def read_far_field(
    path: str | Path, near: Dem, *, reach_m: float, resolution_m: float | None = None
) -> Dem:
    """Read a far field for the window ``near`` from the DEM at ``path``.

    A grid in ``near``'s CRS reaching ``reach_m`` past each of its edges, at
    ``resolution_m`` (default: the file's own pixel, never finer than ``near``'s); only
    the part of the file it needs is read. See
    :func:`moonbase.terrain.window.cut_far_field`.
    """
    from moonbase.terrain.window import cut_far_field

    rows, cols = near.shape
    lon, lat = near.to_lonlat(near.x[cols // 2], near.y[rows // 2])
    side_m = max(rows, cols) * near.resolution[0] + 2.0 * reach_m
    source = read_dem_around(
        path, center_lat_deg=float(lat), center_lon_deg=float(lon), size_m=side_m
    )
    return cut_far_field(source, near, reach_m=reach_m, resolution_m=resolution_m)


#: Pixel size of the built-in parametric terrain before windows are cut from it.
BUILTIN_RESOLUTION_M = 500.0


def terrain_reader(dem: str, base: Path | None = None):
    """Return a reader ``(lat_deg, lon_deg, size_m) -> Dem`` for a scenario's ``terrain.dem``.

    ``builtin:south-pole`` is the packaged parametric terrain (no file); anything else is
    a DEM path, relative paths taken from ``base`` (the scenario's folder).
    """
    from moonbase.terrain.parametric import BUILTIN_NAME, parametric_dem

    if dem == BUILTIN_NAME:
        return lambda lat, lon, size_m: parametric_dem(lat, lon, size_m, BUILTIN_RESOLUTION_M)
    path = Path(dem)
    if not path.is_absolute() and base is not None:
        path = base / path
    return lambda lat, lon, size_m: read_dem_around(
        path, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m
    )


def scenario_terrain_readers(terrain: Terrain | None, base: Path | None = None) -> dict:
    """Return the ``read_terrain`` and ``read_far_terrain`` arguments of
    :func:`moonbase.pipeline.run` for a scenario's terrain section (``None`` where it has
    no such DEM); relative paths are taken from ``base`` (the scenario's folder)."""
    if terrain is None:
        return {"read_terrain": None, "read_far_terrain": None}
    far = terrain.far_field_dem
    return {
        "read_terrain": terrain_reader(terrain.dem, base),
        "read_far_terrain": None if far is None else terrain_reader(far, base),
    }
