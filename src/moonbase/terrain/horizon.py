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

import mmap
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import Horizon
from moonbase.errors import DemError
from moonbase.terrain import _kernels, _sweep
from moonbase.terrain.dem import Dem
from moonbase.threads import in_threads, thread_groups

#: Steps along each pixel's own ray sampled exactly for every pixel, before the lines'
#: proposals take over (see ``_sweep``): 8 keeps 99.9 % of LOLA pixel-azimuths
#: within 0.05 deg of the brute-force march (benchmarks/results/horizon_map.json).
NEAR_FIELD_PX = 8


def azimuth_grid(count: int) -> np.ndarray:
    """Return ``count`` azimuths evenly spaced from 0 deg (deg)."""
    if count < 4:
        raise ValueError(f"need at least 4 azimuths (got {count})")
    return np.arange(count) * (360.0 / count)


#: File chunks of a written horizon map (y, x; every chunk holds whole skylines, so a
#: pixel's skyline is one chunk read). Explicit chunks write 1.4x faster than netCDF's
#: default ones for a 500 x 500 x 360 map.
MAP_FILE_CHUNKS = {"y": 32, "x": 32}

#: A horizon map larger than this would not fit in memory on a small machine.
MAX_MAP_BYTES = 6 * 2**30


#: Linux's ``madvise`` advice MADV_POPULATE_WRITE (kernel 5.14+), which Python's
#: ``mmap`` module does not name.
_MADV_POPULATE_WRITE = 23


def empty_map(shape: tuple[int, ...]) -> np.ndarray:
    """An uninitialised float32 array for horizons, its memory mapped in up front.

    A 1000 x 1000 x 360 map is 1.4 GB. Left to first-touch page faults while the
    sweep's threads write it (with numpy's transparent-huge-page advice), its memory
    took 3.6-4.0 s of system time on this project's 2-core virtual machine; mapped in
    huge pages in one call, 2.0-2.9 s on memory the machine had not used yet and
    0.2-0.3 s on memory it had (measured). Elsewhere than Linux, or where the kernel
    declines, a plain array.
    """
    size = int(np.prod(shape)) * 4
    if sys.platform != "linux" or size < 2**26:  # under 64 MiB: faults cost little
        return np.empty(shape, dtype=np.float32)
    buffer = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for advice in (mmap.MADV_HUGEPAGE, _MADV_POPULATE_WRITE):
        try:
            buffer.madvise(advice)
        except OSError:
            pass  # not offered by this kernel: pages then come at first touch
    return np.frombuffer(buffer, dtype=np.float32).reshape(shape)


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
    if dem.transform.b != 0.0 or dem.transform.d != 0.0 or dem.transform.e > 0.0:
        raise DemError(dem.source, "the grid must be north-up (no rotation, rows southward)")
    if min(dem.shape) < 2:
        raise DemError(dem.source, f"the grid must be at least 2 x 2 pixels (got {dem.shape})")
    if np.isnan(dem.height_m).any():
        raise DemError(dem.source, "the grid has no-data pixels; fill them first")
    return dx


def _far_field_map(dem: Dem, far_field: Dem) -> tuple[float, float, float]:
    """Return (cm_col, cm_row, s): fine (row, col) -> coarse (cm_row + s row, cm_col + s col)."""
    coarse_m = _check_grid(far_field)
    if not far_field.crs.equals(dem.crs):
        raise DemError(
            far_field.source,
            f"the far field must be in the window's CRS ({dem.crs.name}); cut it with "
            "moonbase.terrain.window.cut_far_field",
        )
    fine, coarse = dem.transform, far_field.transform
    s = fine.a / coarse.a
    cm_col = (fine.c - coarse.c) / coarse.a + 0.5 * (s - 1.0)
    cm_row = (coarse.f - fine.f) / coarse.a + 0.5 * (s - 1.0)
    rows, cols = dem.shape
    n_rows, n_cols = far_field.shape
    corners_r = cm_row + s * np.array([0.0, rows - 1.0])
    corners_c = cm_col + s * np.array([0.0, cols - 1.0])
    if (
        corners_r.min() < 0
        or corners_c.min() < 0
        or corners_r.max() > n_rows - 1
        or (corners_c.max() > n_cols - 1)
    ):
        raise DemError(
            far_field.source,
            f"the far field ({n_rows} x {n_cols} pixels of {coarse_m:g} m) does not "
            "surround the window; widen it",
        )
    return cm_col, cm_row, s


def far_field_reach_m(dem: Dem, far_field: Dem) -> float:
    """Return the least distance (m) from the window's edge to the far field's edge."""
    fine, coarse = dem.transform, far_field.transform
    rows, cols = dem.shape
    n_rows, n_cols = far_field.shape
    return float(
        min(
            fine.c - coarse.c,
            (coarse.c + coarse.a * n_cols) - (fine.c + fine.a * cols),
            coarse.f - fine.f,
            (fine.f + fine.e * rows) - (coarse.f + coarse.e * n_rows),
        )
    )


def _frames(z: np.ndarray) -> tuple[np.ndarray, ...]:
    """The four oriented copies the sweep runs on (see ``_sweep.horizon_block``).

    Heights are stored as float32 (what LOLA products and windows hold; computation is
    in float64): half the cache footprint for the scattered reads of the sweep.
    """
    z = np.asarray(z, dtype=np.float32)
    return tuple(np.ascontiguousarray(v) for v in (z, z[:, ::-1], z.T, z.T[:, ::-1]))


class HorizonProblem:
    """A DEM (and optional far field) prepared once for any number of horizon blocks.

    Parameters
    ----------
    dem : Dem
        Metric, square-pixel, north-up grid without holes (the near field).
    far_field : Dem, optional
        A coarser grid in the same CRS that surrounds ``dem``: terrain beyond the window.
    """

    def __init__(self, dem: Dem, far_field: Dem | None = None):
        self.dem = dem
        self.pixel_m = _check_grid(dem)
        self.far_field = far_field
        self.grids = _frames(dem.height_m)
        if far_field is None:
            self.coarse = _frames(np.zeros((2, 2)))
            self.maps = np.tile([0.0, 0.0, 1.0], (4, 1))
            return
        cm_col, cm_row, s = _far_field_map(dem, far_field)
        rows, cols = dem.shape
        n_rows, n_cols = far_field.shape
        self.coarse = _frames(far_field.height_m)
        self.maps = np.array(
            [
                [cm_col, cm_row, s],
                [n_cols - 1 - cm_col - s * (cols - 1), cm_row, s],
                [cm_row, cm_col, s],
                [n_rows - 1 - cm_row - s * (rows - 1), cm_col, s],
            ]
        )

    def block(
        self,
        rows: slice,
        cols: slice,
        azimuths_deg: np.ndarray,
        *,
        height_m: float = 0.0,
        near_px: int = NEAR_FIELD_PX,
        threads: int | None = None,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return horizons (deg) of ``dem[rows, cols]``, shape (azimuth, rows, cols), float32.

        Every pixel's search covers the whole window and far field, so a block is
        bit-for-bit the same as that part of the whole map. ``out``, when given (a
        C-contiguous float32 array of that shape), receives them and is returned. The
        azimuths are shared among ``threads`` (default: one per core).
        """
        n_rows, n_cols = self.dem.shape
        r0, r1, _ = rows.indices(n_rows)
        c0, c1, _ = cols.indices(n_cols)
        if r1 <= r0 or c1 <= c0:
            raise ValueError(f"empty block rows {rows}, cols {cols}")
        shape = (len(azimuths_deg), r1 - r0, c1 - c0)
        if out is None:
            out = empty_map(shape)
        elif out.shape != shape or out.dtype != np.float32 or not out.flags.c_contiguous:
            raise ValueError(f"out must be C-contiguous float32 of shape {shape}")
        azimuths_rad = np.radians(np.asarray(azimuths_deg, dtype=np.float64))
        groups = thread_groups(threads, len(azimuths_deg))
        codes = self._codes_buffers(groups)

        def sweep(group: int, groups: int) -> None:
            _sweep.horizon_block(
                self.grids,
                self.coarse,
                self.far_field is not None,
                self.maps,
                self.pixel_m,
                azimuths_rad,
                MOON_RADIUS_M,
                float(height_m),
                int(near_px),
                np.array([r0, r1], dtype=np.int64),
                np.array([c0, c1], dtype=np.int64),
                out,
                codes[group],
                group,
                groups,
            )

        in_threads(sweep, groups)
        return out

    def _codes_buffers(self, groups: int) -> np.ndarray:
        """Per-thread tables of each line's tangent sample (see ``_sweep.NONE``)."""
        rows, cols = self.dem.shape
        largest = max(rows, cols, *self.coarse[0].shape) + 2
        dtype = np.int16 if largest < np.iinfo(np.int16).max else np.int32
        return np.empty((groups, rows + cols + 4, max(rows, cols)), dtype=dtype)

    def brute_force(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        azimuths_deg: np.ndarray,
        *,
        height_m: float,
        threads: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ray-march the pixels ``(rows[i], cols[i])``: the independent reference.

        Returns horizons (deg, -90 where nothing lies ahead) and the distance (m) of the
        highest point, each (pixel, azimuth). O(N) per pixel-azimuth for N steps. The
        pixels are shared among ``threads`` (default: one per core).
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        deg = np.empty((rows.size, len(azimuths_deg)))
        dist = np.empty_like(deg)
        azimuths_rad = np.radians(np.asarray(azimuths_deg, dtype=np.float64))

        def march(group: int, groups: int) -> None:
            _kernels.ray_march(
                self.grids[0],
                self.coarse[0],
                self.far_field is not None,
                self.maps[0],
                self.pixel_m,
                azimuths_rad,
                MOON_RADIUS_M,
                float(height_m),
                rows,
                cols,
                deg,
                dist,
                group,
                groups,
            )

        in_threads(march, thread_groups(threads, rows.size))
        return np.where(np.isfinite(deg), deg, -90.0), dist


def horizon_dataset(
    dem: Dem,
    horizons: np.ndarray,
    azimuths_deg: np.ndarray,
    *,
    height_m: float,
    far_field: Dem | None = None,
    near_px: int = NEAR_FIELD_PX,
    rows: slice = slice(None),
    cols: slice = slice(None),
) -> xr.Dataset:
    """Label an (azimuth, y, x) horizon array of ``dem[rows, cols]`` as the map's Dataset.

    Coordinates come from the whole grid's, so a tile's are exactly the map's.
    """
    x, y = dem.x[cols], dem.y[rows]
    convergence = dem.convergence_deg(*dem.to_lonlat(*np.meshgrid(x, y)))
    attrs = {
        "crs_wkt": dem.crs.to_wkt(),
        "observer_height_m": float(height_m),
        "moon_radius_m": MOON_RADIUS_M,
        "source": dem.source,
        "azimuth_convention": "grid azimuth (clockwise from +y); local = grid - convergence",
        "far_field": "none: terrain beyond the window is not searched",
        "near_field_px": int(near_px),
    }
    if far_field is not None:
        attrs["far_field"] = far_field.source
        attrs["far_field_resolution_m"] = far_field.resolution[0]
        attrs["far_field_reach_km"] = far_field_reach_m(dem, far_field) / 1000.0
    return xr.Dataset(
        {
            "horizon_deg": (
                ("azimuth", "y", "x"),
                horizons,
                {"units": "deg", "long_name": "horizon elevation above the local horizontal"},
            ),
            "grid_convergence_deg": (
                ("y", "x"),
                convergence.astype(np.float32),
                {"units": "deg", "long_name": "grid azimuth of local north"},
            ),
        },
        coords={
            "azimuth_deg": (
                "azimuth",
                np.asarray(azimuths_deg, dtype=np.float64),
                {"units": "deg", "long_name": "grid azimuth, clockwise from +y"},
            ),
            "x": ("x", x, {"units": "m"}),
            "y": ("y", y, {"units": "m"}),
        },
        attrs=attrs,
    ).transpose("y", "x", "azimuth")


def horizon_kernel_cached() -> bool:
    """Whether numba's cache on disk holds the horizon kernel for this Python.

    If not, the first map compiles it (about 10 s here, once per install). A hint for
    messages only: numba itself decides whether a cached kernel is still current.
    """
    kernel = _sweep.horizon_block
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    return any(Path(kernel.stats.cache_path).glob(f"*.{kernel.__name__}-*.{tag}.nbi"))


def horizon_map(
    dem: Dem,
    *,
    azimuths: int = 360,
    height_m: float = 0.0,
    far_field: Dem | None = None,
    near_px: int = NEAR_FIELD_PX,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Compute the horizon elevation of every pixel of ``dem`` for ``azimuths`` directions.

    Includes the Moon's curvature (exact 1737.4 km sphere) and an observer ``height_m``
    above the ground; terrain is searched to the window's edge and, with ``far_field``
    (a coarser grid in the same CRS around the window, see
    :func:`moonbase.terrain.window.cut_far_field`), on to the far field's edge.
    ``progress(azimuths done, azimuths)`` is called as the work advances. The azimuths
    are shared among ``threads`` (default: one per core).

    Returns
    -------
    xarray.Dataset
        ``horizon_deg`` (y, x, azimuth), float32, degrees above the local horizontal
        (-90 where nothing lies ahead); coordinates ``x``, ``y`` (the DEM's CRS, m),
        ``azimuth_deg`` (grid azimuth); ``grid_convergence_deg`` (y, x); the CRS as
        WKT in ``attrs['crs_wkt']``.
    """
    az = azimuth_grid(azimuths)
    size = az.size * dem.shape[0] * dem.shape[1] * 4
    if size > MAX_MAP_BYTES:
        raise DemError(
            dem.source,
            f"a {dem.shape[0]} x {dem.shape[1]} x {az.size} horizon map "
            f"needs {size / 2**30:.1f} GiB; use fewer azimuths, a smaller window, or "
            f"tiles (moonbase terrain horizon ... --tile-size N; limit "
            f"{MAX_MAP_BYTES / 2**30:.0f} GiB in memory)",
        )
    problem = HorizonProblem(dem, far_field)
    threads = thread_groups(threads, az.size)
    if progress is None:
        out = problem.block(
            slice(None), slice(None), az, height_m=height_m, near_px=near_px, threads=threads
        )
    else:
        # Azimuths in batches (each independent of the others) to show progress.
        out = empty_map((az.size, *dem.shape))
        progress(0, az.size)
        batch = max(threads, -(-az.size // 24))
        for start in range(0, az.size, batch):
            problem.block(
                slice(None),
                slice(None),
                az[start : start + batch],
                height_m=height_m,
                near_px=near_px,
                threads=threads,
                out=out[start : start + batch],
            )
            progress(min(start + batch, az.size), az.size)
    return horizon_dataset(dem, out, az, height_m=height_m, far_field=far_field, near_px=near_px)


def error_statistics(horizons_deg: np.ndarray, reference_deg: np.ndarray) -> dict[str, float]:
    """How closely horizons (deg) agree with a reference of the same shape (deg).

    Keys: ``mean``, ``p99``, ``p99.9``, ``max`` of the absolute difference,
    ``share_within_0.05`` (the issue's tolerance) and ``largest_overshoot`` (most above
    the reference: the sweep only misses samples, so this stays at float rounding).
    """
    signed = np.asarray(horizons_deg, dtype=np.float64) - reference_deg
    error = np.abs(signed)
    return {
        "mean": float(error.mean()),
        "p99": float(np.percentile(error, 99)),
        "p99.9": float(np.percentile(error, 99.9)),
        "max": float(error.max()),
        "share_within_0.05": float((error <= 0.05).mean()),
        "largest_overshoot": float(signed.max()),
    }


def check_horizon_map(
    dem: Dem,
    horizons_deg,
    azimuths_deg: np.ndarray,
    *,
    height_m: float,
    far_field: Dem | None = None,
    pixels: int = 100,
    seed: int = 0,
    threads: int | None = None,
) -> dict[str, float]:
    """Compare a horizon map (y, x, azimuth; an array or a lazily read DataArray) of
    ``dem`` with the brute-force ray march (:meth:`HorizonProblem.brute_force`) at
    ``pixels`` random pixels, every azimuth.

    Lets a user see the map's accuracy on their own terrain; costs about
    ``pixels * azimuths`` ray marches (0.5 s for 100 pixels x 360 azimuths on a
    1000 x 1000 window). Returns :func:`error_statistics` and ``pixels``.
    """
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, dem.shape[0], pixels)
    cols = rng.integers(0, dem.shape[1], pixels)
    reference, _ = HorizonProblem(dem, far_field).brute_force(
        rows, cols, azimuths_deg, height_m=height_m, threads=threads
    )
    # Pixel by pixel, so a map read lazily from a file is read only where it is checked.
    sampled = np.stack([np.asarray(horizons_deg[r, c]) for r, c in zip(rows, cols, strict=True)])
    return error_statistics(sampled, reference) | {"pixels": pixels}


def horizon_range(horizons_deg) -> tuple[float, float]:
    """Lowest and highest horizon (deg) of a (y, x, azimuth) map, leaving out -90
    (nothing ahead); (nan, nan) if nothing lies ahead anywhere.

    Read in slabs of rows (an array or a lazily read DataArray), so neither the map nor
    a copy of it need be in memory at once.
    """
    low, high = np.inf, -np.inf
    for start in range(0, horizons_deg.shape[0], 64):
        slab = np.asarray(horizons_deg[start : start + 64])
        ahead = slab > -90.0
        low = min(low, float(np.min(slab, where=ahead, initial=np.inf)))
        high = max(high, float(np.max(slab, where=ahead, initial=-np.inf)))
    return (low, high) if low <= high else (np.nan, np.nan)


def site_horizon(
    dem: Dem,
    lat_deg: float,
    lon_deg: float,
    *,
    azimuths: int = 360,
    height_m: float = 0.0,
    far_field: Dem | None = None,
) -> Horizon:
    """Return the skyline of one point as a :class:`Horizon` in local azimuth.

    Brute-force ray march from the exact point over the window and the optional far
    field (see :meth:`HorizonProblem.brute_force`), which for one point costs less than
    a map. The point must be inside the DEM. Beyond the terrain searched the reference
    sphere is assumed: the floor is its geometric horizon seen from the point's own
    height above it, ``-arccos(R / (R + z + h))``.
    """
    problem = HorizonProblem(dem, far_field)
    x, y = dem.from_lonlat(lon_deg, lat_deg)
    row, col = dem.centre_index(float(x), float(y))
    rows, cols = dem.shape
    if not (0 <= row <= rows - 1 and 0 <= col <= cols - 1):
        raise DemError(dem.source, f"the point {lat_deg:g}, {lon_deg:g} lies outside the grid")
    # March at the grid azimuths of evenly spaced local ones (0 = local north), so the
    # skyline comes out at 0, 360/N, ... deg: local = grid - convergence at the point.
    local = azimuth_grid(azimuths)
    grid_az = (local + float(dem.convergence_deg(lon_deg, lat_deg))) % 360.0
    elevation = _kernels.ray_march_point(
        problem.grids[0],
        problem.coarse[0],
        far_field is not None,
        problem.maps[0],
        problem.pixel_m,
        np.radians(grid_az),
        MOON_RADIUS_M,
        float(height_m),
        row,
        col,
    )
    ground_m = float(_kernels.bilinear(problem.grids[0], row, col))
    floor = Horizon.smooth_sphere(max(ground_m, 0.0) + height_m).floor_deg
    return Horizon(floor, local, np.maximum(elevation, -90.0))
