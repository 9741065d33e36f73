"""Sky positions of the Sun and Earth seen from points on the lunar surface.

The expensive part, the apparent position of a body from the Moon's centre rotated
into ``MOON_ME_DE421``, is computed once per time series with skyfield
(:func:`moon_centred`); each site then needs only a vector subtraction and a
rotation into its local east-north-up axes (:meth:`MoonCentredVectors.seen_from`).
Dropping the site's own light-time and diurnal aberration changes directions by
less than 1e-6 deg (tested against skyfield's per-site computation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from skyfield.timelib import Time

from moonbase.constants import EARTH_RADIUS_KM, MOON_RADIUS_M, SUN_RADIUS_KM
from moonbase.geometry.ephemeris import Ephemeris

Body = Literal["sun", "earth"]
BODY_RADIUS_KM: dict[str, float] = {"sun": SUN_RADIUS_KM, "earth": EARTH_RADIUS_KM}


@dataclass(frozen=True)
class SurfacePoint:
    """A point fixed to the Moon, in the ``MOON_ME_DE421`` frame.

    Parameters
    ----------
    lat_deg, lon_deg : float
        Selenographic latitude and east longitude, degrees.
    elevation_m : float
        Ground height above the 1737.4 km LOLA reference sphere, metres.
    height_m : float
        Observer (antenna, panel) height above that ground, metres.

    Notes
    -----
    At a pole every direction is south (or north), so azimuth there is measured from
    the direction of the given meridian, as in skyfield: at the south pole with
    ``lon_deg=0`` azimuth 0 points along the 0 deg meridian, 90 along the 90 E one.
    """

    lat_deg: float
    lon_deg: float
    elevation_m: float = 0.0
    height_m: float = 0.0

    @property
    def radius_km(self) -> float:
        """Distance from the Moon's centre, km."""
        return (MOON_RADIUS_M + self.elevation_m + self.height_m) / 1000.0

    def enu_axes(self) -> np.ndarray:
        """Return the local east, north and up unit vectors as rows (3 x 3), ME frame."""
        lat, lon = np.radians(self.lat_deg), np.radians(self.lon_deg)
        sin_lat, cos_lat, sin_lon, cos_lon = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
        return np.array(
            [
                [-sin_lon, cos_lon, 0.0],
                [-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat],
                [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat],
            ]
        )

    def position_km(self) -> np.ndarray:
        """Return the point's position vector from the Moon's centre, km, ME frame."""
        return self.enu_axes()[2] * self.radius_km


@dataclass(frozen=True, eq=False)
class SkyPosition:
    """Where a body stands in the sky of one surface point, at one or many times.

    ``enu_km`` holds the body's apparent position in the point's east-north-up axes,
    shape ``(3,) + t.shape``; :meth:`altaz` and :attr:`angular_radius_deg` are views.
    """

    t: Time
    body: str
    site: SurfacePoint
    enu_km: np.ndarray

    @property
    def range_km(self) -> np.ndarray:
        """Distance from the observer to the body's centre, km."""
        return np.sqrt(np.einsum("i...,i...->...", self.enu_km, self.enu_km))

    def altaz(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return elevation (deg), azimuth (deg, from north through east, 0..360) and range (km)."""
        east, north, up = self.enu_km
        distance_km = self.range_km
        elevation_deg = np.degrees(np.arcsin(up / distance_km))
        azimuth_deg = np.degrees(np.arctan2(east, north)) % 360.0
        return elevation_deg, azimuth_deg, distance_km

    @property
    def angular_radius_deg(self) -> np.ndarray:
        """Apparent angular radius of the body's disc, degrees."""
        return np.degrees(np.arcsin(BODY_RADIUS_KM[self.body] / self.range_km))


@dataclass(frozen=True, eq=False)
class MoonCentredVectors:
    """Apparent position of a body from the Moon's centre, in ``MOON_ME_DE421``, km.

    Built by :func:`moon_centred`; ``xyz_km`` has shape ``(3,) + t.shape``.
    """

    t: Time
    body: str
    xyz_km: np.ndarray

    def seen_from(self, site: SurfacePoint) -> SkyPosition:
        """Return the body's sky position seen from ``site`` (parallax included)."""
        relative_km = self.xyz_km - site.position_km().reshape((3,) + (1,) * (self.xyz_km.ndim - 1))
        enu_km = np.einsum("ij,j...->i...", site.enu_axes(), relative_km)
        return SkyPosition(self.t, self.body, site, enu_km)


def moon_centred(body: Body, t: Time, *, ephemeris: Ephemeris) -> MoonCentredVectors:
    """Compute the apparent position of ``body`` from the Moon's centre in the ME frame.

    Parameters
    ----------
    body : {'sun', 'earth'}
        The body to place.
    t : Time
        One or many times (any shape; time runs along the last axis).
    ephemeris : Ephemeris
        From :func:`moonbase.geometry.ephemeris.load_ephemeris`.

    Raises
    ------
    EphemerisRangeError
        If any time is outside the kernels' span (1900-2050).
    ValueError
        If ``body`` is not one of the supported bodies.
    """
    if body not in BODY_RADIUS_KM:
        raise ValueError(f"unknown body {body!r}: choose one of {sorted(BODY_RADIUS_KM)}")
    ephemeris.check_covers(t)
    moon, target = ephemeris.bodies["moon"], ephemeris.bodies[body]
    icrf_km = moon.at(t).observe(target).apparent().position.km
    rotation = ephemeris.moon_frame.rotation_at(t)
    xyz_km = np.einsum("ij...,j...->i...", rotation, icrf_km)
    return MoonCentredVectors(t, body, xyz_km)


def observe(body: Body, site: SurfacePoint, t: Time, *, ephemeris: Ephemeris) -> SkyPosition:
    """Return where ``body`` stands in the sky of ``site`` at ``t``.

    Examples
    --------
    >>> from moonbase.geometry.ephemeris import load_ephemeris
    >>> eph = load_ephemeris()
    >>> t = eph.ts.utc(2030, 1, 1)
    >>> el, az, r = observe("earth", SurfacePoint(0.0, 0.0), t, ephemeris=eph).altaz()
    >>> bool(el > 75)  # the Earth stands near the zenith at the sub-Earth point
    True
    """
    return moon_centred(body, t, ephemeris=ephemeris).seen_from(site)
