"""Horizons: the elevation of the skyline as a function of azimuth at one point.

A :class:`Horizon` is a floor (the smooth sphere's geometric dip, or a constant mask)
plus an optional table of (azimuth, elevation) knots joined linearly and periodically.
Terrain horizon maps produce tables of exactly this form, so they plug in unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moonbase.constants import MOON_RADIUS_M
from moonbase.errors import HorizonError

#: Vertical strips the solar disc is cut into when the horizon is tabulated. With the
#: substitution u = r sin(theta) the midpoint rule over theta converges as 1/N^2; 64
#: strips keep the visible fraction within 1e-3 of the exact segment area (tested).
DISC_STRIPS = 64


def segment_visible_fraction(offset_deg: np.ndarray, radius_deg: np.ndarray) -> np.ndarray:
    """Return the fraction of a disc above a straight horizontal line.

    Parameters
    ----------
    offset_deg : array
        Height of the disc's centre above the line, degrees.
    radius_deg : array
        Angular radius of the disc, degrees.

    Returns
    -------
    array
        Area of the circular segment above the line over the disc's area, 0..1.
    """
    x = np.clip(np.asarray(offset_deg) / np.asarray(radius_deg), -1.0, 1.0)
    hidden = (np.arccos(x) - x * np.sqrt(1.0 - x * x)) / np.pi
    return 1.0 - hidden


@dataclass(frozen=True, eq=False)
class Horizon:
    """Skyline elevation by azimuth seen from one point.

    Parameters
    ----------
    floor_deg : float
        Elevation below which nothing is visible in any direction, degrees (the smooth
        sphere's dip, or a constant mask).
    azimuth_deg, elevation_deg : array or None
        Optional table: azimuths strictly increasing in [0, 360), from north through
        east, and the skyline elevations there, degrees. Joined linearly, wrapping
        from the last knot back to the first.
    """

    floor_deg: float = 0.0
    azimuth_deg: np.ndarray | None = None
    elevation_deg: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not -90.0 <= self.floor_deg <= 90.0:
            raise HorizonError(f"floor {self.floor_deg} deg is outside -90..90")
        if (self.azimuth_deg is None) != (self.elevation_deg is None):
            raise HorizonError("give both azimuth_deg and elevation_deg, or neither")
        if self.azimuth_deg is None:
            return
        az = np.asarray(self.azimuth_deg, dtype=float)
        el = np.asarray(self.elevation_deg, dtype=float)
        if az.ndim != 1 or az.shape != el.shape or az.size < 2:
            raise HorizonError(
                f"azimuth_deg and elevation_deg must be 1-D lists of equal length >= 2 "
                f"(got {az.shape} and {el.shape})"
            )
        if not (np.all(np.isfinite(az)) and np.all(np.isfinite(el))):
            raise HorizonError("azimuths and elevations must be finite numbers")
        if az[0] < 0.0 or az[-1] >= 360.0 or np.any(np.diff(az) <= 0.0):
            raise HorizonError("azimuth_deg must increase strictly within [0, 360)")
        if np.any(np.abs(el) > 90.0):
            raise HorizonError("elevation_deg values must lie within -90..90")
        object.__setattr__(self, "azimuth_deg", az)
        object.__setattr__(self, "elevation_deg", el)

    @classmethod
    def smooth_sphere(
        cls, height_m: float, *, radius_m: float = MOON_RADIUS_M, mask_deg: float | None = None
    ) -> Horizon:
        """Return the geometric horizon of a bare sphere, seen from ``height_m`` above it.

        The dip below the astronomical horizon is ``arccos(R / (R + h))``; a constant
        ``mask_deg`` (e.g. a lander's own structure) raises the floor where it is higher.
        """
        if height_m < 0.0:
            raise HorizonError(f"observer height {height_m} m is negative")
        dip_deg = -float(np.degrees(np.arccos(radius_m / (radius_m + height_m))))
        return cls(floor_deg=dip_deg if mask_deg is None else max(dip_deg, mask_deg))

    def with_table(self, azimuth_deg: np.ndarray, elevation_deg: np.ndarray) -> Horizon:
        """Return this horizon with a tabulated skyline above its floor."""
        return Horizon(self.floor_deg, np.asarray(azimuth_deg), np.asarray(elevation_deg))

    @property
    def is_flat(self) -> bool:
        """Whether the skyline is the same in every direction."""
        return self.azimuth_deg is None

    def elevation_at(self, azimuth_deg: np.ndarray) -> np.ndarray:
        """Return the skyline elevation (deg) at the given azimuths (deg, any shape)."""
        azimuth_deg = np.asarray(azimuth_deg, dtype=float)
        if self.is_flat:
            return np.full(azimuth_deg.shape, self.floor_deg)
        table = np.interp(azimuth_deg % 360.0, self.azimuth_deg, self.elevation_deg, period=360.0)
        return np.maximum(table, self.floor_deg)

    def is_above(self, elevation_deg: np.ndarray, azimuth_deg: np.ndarray) -> np.ndarray:
        """Return whether a point of the sky lies above the skyline."""
        return np.asarray(elevation_deg) > self.elevation_at(azimuth_deg)

    def disc_visible_fraction(
        self, elevation_deg: np.ndarray, azimuth_deg: np.ndarray, radius_deg: np.ndarray
    ) -> np.ndarray:
        """Return the fraction of a body's disc that stands above the skyline.

        A flat horizon gives the exact circular-segment area. Over a tabulated skyline
        the disc is cut into :data:`DISC_STRIPS` vertical strips; each strip's visible
        chord is measured against the skyline at that strip's azimuth (an azimuth
        offset ``u`` on the sky spans ``u / cos(elevation)`` degrees of azimuth).

        Parameters
        ----------
        elevation_deg, azimuth_deg : array
            Position of the disc's centre, degrees.
        radius_deg : array
            Angular radius of the disc, degrees.
        """
        elevation_deg = np.asarray(elevation_deg, dtype=float)
        radius_deg = np.broadcast_to(radius_deg, elevation_deg.shape)
        if self.is_flat:
            return segment_visible_fraction(elevation_deg - self.floor_deg, radius_deg)
        # Only discs that can touch the skyline need the strips.
        highest = max(self.floor_deg, float(self.elevation_deg.max()))
        lowest = max(self.floor_deg, float(self.elevation_deg.min()))
        fraction = (elevation_deg - radius_deg >= lowest).astype(float)
        near = (elevation_deg + radius_deg > lowest) & (elevation_deg - radius_deg < highest)
        if near.any():
            fraction[near] = self._strip_fraction(
                elevation_deg[near], np.asarray(azimuth_deg)[near], radius_deg[near]
            )
        return fraction

    def _strip_fraction(self, el: np.ndarray, az: np.ndarray, r: np.ndarray) -> np.ndarray:
        theta = (np.arange(DISC_STRIPS) + 0.5) / DISC_STRIPS * np.pi - np.pi / 2.0
        u = r[:, None] * np.sin(theta)  # offset along the sky, deg
        half_chord = r[:, None] * np.cos(theta)
        cos_el = np.maximum(np.cos(np.radians(el)), 1e-6)[:, None]
        skyline = self.elevation_at(az[:, None] + u / cos_el)
        visible = np.clip(el[:, None] + half_chord - skyline, 0.0, 2.0 * half_chord)
        # Area = sum(visible chord * du), du = r cos(theta) dtheta; disc area = pi r^2.
        weights = np.cos(theta) * (np.pi / DISC_STRIPS) / np.pi
        return (visible / r[:, None] * weights).sum(axis=1)
