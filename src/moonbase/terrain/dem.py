"""The ``Dem`` type: heights above the lunar reference sphere on a georeferenced grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine
from pyproj import CRS, Transformer

from moonbase.constants import MOON_RADIUS_M

#: Geographic CRS of the Moon on the LOLA reference sphere (east longitudes).
MOON_GEOGRAPHIC = CRS.from_proj4(f"+proj=longlat +R={MOON_RADIUS_M} +no_defs +type=crs")


def polar_stereographic(south: bool = True) -> CRS:
    """Return the polar stereographic CRS of the LOLA polar products (true scale at the pole)."""
    lat0 = -90 if south else 90
    return CRS.from_proj4(
        f"+proj=stere +lat_0={lat0} +lon_0=0 +k=1 +x_0=0 +y_0=0 +R={MOON_RADIUS_M} "
        "+units=m +no_defs +type=crs"
    )


def local_stereographic(lat_deg: float, lon_deg: float) -> CRS:
    """Return a stereographic CRS centred on a point (true scale there)."""
    return CRS.from_proj4(
        f"+proj=stere +lat_0={lat_deg} +lon_0={lon_deg} +k=1 +x_0=0 +y_0=0 "
        f"+R={MOON_RADIUS_M} +units=m +no_defs +type=crs"
    )


@dataclass(frozen=True, eq=False)
class Dem:
    """Heights above the 1737.4 km sphere on a regular grid.

    Attributes
    ----------
    height_m : 2-D float array
        Row 0 is the top (largest y) of the grid; NaN marks no data.
    transform : Affine
        Pixel (col, row) to CRS (x, y) of the pixel's corner, as in rasterio.
    crs : pyproj.CRS
        The grid's coordinate reference system.
    source : str
        Where the grid came from (a path, or a description).
    """

    height_m: np.ndarray
    transform: Affine
    crs: CRS
    source: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return self.height_m.shape

    @property
    def resolution(self) -> tuple[float, float]:
        """Pixel size along x and y, in CRS units (m when projected, deg when geographic)."""
        return abs(self.transform.a), abs(self.transform.e)

    @property
    def x(self) -> np.ndarray:
        """CRS x of the pixel centres, by column."""
        return self.transform.c + self.transform.a * (np.arange(self.shape[1]) + 0.5)

    @property
    def y(self) -> np.ndarray:
        """CRS y of the pixel centres, by row."""
        return self.transform.f + self.transform.e * (np.arange(self.shape[0]) + 0.5)

    @property
    def is_projected(self) -> bool:
        """Whether the grid is in a projected (metric) CRS."""
        return self.crs.is_projected

    def to_lonlat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return east longitude (0..360) and latitude (deg) of CRS coordinates."""
        transformer = Transformer.from_crs(self.crs, MOON_GEOGRAPHIC, always_xy=True)
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon) % 360.0, np.asarray(lat)

    def from_lonlat(
        self, lon_deg: np.ndarray, lat_deg: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return CRS coordinates of east longitudes and latitudes (deg)."""
        transformer = Transformer.from_crs(MOON_GEOGRAPHIC, self.crs, always_xy=True)
        x, y = transformer.transform(lon_deg, lat_deg)
        return np.asarray(x), np.asarray(y)

    def lonlat_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Return east longitude and latitude (deg) of every pixel centre, (rows, cols)."""
        xx, yy = np.meshgrid(self.x, self.y)
        return self.to_lonlat(xx, yy)

    def convergence_deg(self, lon_deg, lat_deg) -> np.ndarray:
        """Return the grid azimuth of local north at points (deg, clockwise from +y).

        A local azimuth is the grid azimuth minus this angle. Computed by finite
        differences of the projection, so it holds for any CRS.
        """
        x, y = self.from_lonlat(lon_deg, lat_deg)
        north_x, north_y = self.from_lonlat(lon_deg, np.minimum(np.asarray(lat_deg) + 1e-4, 90.0))
        return np.degrees(np.arctan2(north_x - x, north_y - y))

    def grid_convergence_deg(self) -> np.ndarray:
        """Return :meth:`convergence_deg` at every pixel centre, (rows, cols)."""
        return self.convergence_deg(*self.lonlat_grid())

    def centre_index(self, x: float, y: float) -> tuple[float, float]:
        """Return the fractional (row, col) of a point, 0 at the first pixel's centre."""
        t = self.transform  # north-up grids only: no rotation terms
        return (y - t.f) / t.e - 0.5, (x - t.c) / t.a - 0.5

    def window(self, rows: slice, cols: slice) -> Dem:
        """Return the sub-grid ``height_m[rows, cols]`` with its own transform."""
        r0, c0 = rows.start or 0, cols.start or 0
        return Dem(
            self.height_m[rows, cols],
            self.transform @ Affine.translation(c0, r0),
            self.crs,
            self.source,
        )
