"""Where the ground stations, the Moon and a relay are, at any time of a span.

The costly parts of skyfield's chain (the Moon's apparent position, and the Earth's
precession-nutation) are computed once on a table over the span and interpolated: the
Moon-Earth vectors with cubic splines on an hourly table (interpolation error of
millimetres), precession-nutation linearly on a half-day table (below 0.001 arcsec);
Earth rotation (GMST from UT1) is evaluated exactly. So the root finder can refine
window edges at any time for a few microseconds per instant, for every station at
once. The stations' geodetic positions come from skyfield's WGS84 model. Checked
against skyfield's own topocentric positions and rise/set search in
``tests/reference/test_ground_station_rise_set.py``.

Vectors are Moon-centred (``_me``: in ``MOON_ME_DE421``; ``_icrf``: ICRF axes) or
Earth-centred (``_gcrs``), km, with time on the last axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.interpolate import CubicSpline
from skyfield.api import wgs84
from skyfield.timelib import Time

from moonbase.constants import MOON_RADIUS_KM
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.systems.orbit import OrbitalElements, propagate

#: Spacing of the interpolation tables, days.
VECTOR_STEP_D = 1.0 / 24.0
NUTATION_STEP_D = 0.5


@dataclass(frozen=True)
class GroundStation:
    """A ground station's geodetic position (WGS84) and tracking limit."""

    name: str
    lat_deg: float
    lon_deg: float
    altitude_m: float
    min_elevation_deg: float
    antenna_diameter_m: float

    def itrs_km(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the station's ITRS position (km) and its geodetic up unit vector."""
        position = wgs84.latlon(self.lat_deg, self.lon_deg, elevation_m=self.altitude_m)
        lat, lon = np.radians(self.lat_deg), np.radians(self.lon_deg)
        up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        return np.asarray(position.itrs_xyz.km), up


class Instants:
    """The geometry shared by every link at a set of instants (TT Julian dates ``tt``).

    Built by :meth:`EarthMoonTable.at`; each part is computed on first use, so a
    condition that needs only the stations never pays for the Moon's orientation.
    """

    def __init__(self, table: EarthMoonTable, tt: np.ndarray):
        self.tt = tt
        self._table = table
        self._t = table.ephemeris.ts.tt_jd(tt)
        self._relays: dict[str, np.ndarray] = {}

    @cached_property
    def moon_gcrs_km(self) -> np.ndarray:
        """Earth centre -> Moon, apparent, (3, n)."""
        return self._table.moon_gcrs(self.tt)

    @cached_property
    def earth_icrf_km(self) -> np.ndarray:
        """Moon centre -> Earth, apparent, (3, n)."""
        return self._table.earth_icrf(self.tt)

    @cached_property
    def icrf_to_me(self) -> np.ndarray:
        """Rotation from ICRF to the Moon's mean-Earth frame, (3, 3, n)."""
        return self._table.ephemeris.moon_frame.rotation_at(self._t)

    @cached_property
    def gcrs_to_itrs(self) -> np.ndarray:
        """Rotation from GCRS to ITRS (no polar motion), (3, 3, n)."""
        table, tt = self._table, self.tt
        nutation = np.array([np.interp(tt, table.nutation_tt, row) for row in table.nutation])
        theta = self._t.gmst * (np.pi / 12.0) + np.interp(
            tt, table.nutation_tt, table.equation_of_equinoxes_rad
        )
        c, s, zero, one = np.cos(theta), np.sin(theta), np.zeros_like(tt), np.ones_like(tt)
        spin = np.array([[c, s, zero], [-s, c, zero], [zero, zero, one]])
        return np.einsum("ijn,jkn->ikn", spin, nutation.reshape(3, 3, -1))

    def station(self, station: GroundStation) -> tuple[np.ndarray, np.ndarray]:
        """Return the station's GCRS position (km) and up vector, each (3, n)."""
        itrs_km, up = station.itrs_km()
        to_gcrs = np.swapaxes(self.gcrs_to_itrs, 0, 1)
        return np.einsum("ijn,j->in", to_gcrs, itrs_km), np.einsum("ijn,j->in", to_gcrs, up)

    def relay_icrf_km(self, relay: RelayOrbitFrame) -> np.ndarray:
        """Return the relay's Moon-centred ICRF position, km, (3, n) (computed once)."""
        if relay.name not in self._relays:
            self._relays[relay.name] = relay.icrf_km(self.tt)
        return self._relays[relay.name]

    def to_me(self, icrf_km: np.ndarray) -> np.ndarray:
        """Rotate Moon-centred ICRF vectors (3, n) into the mean-Earth frame."""
        return np.einsum("ijn,jn->in", self.icrf_to_me, icrf_km)


@dataclass(frozen=True, eq=False)
class EarthMoonTable:
    """Interpolation tables of the Earth-Moon geometry over a span.

    Build with :meth:`build`; :meth:`at` gives :class:`Instants` anywhere inside.
    """

    ephemeris: Ephemeris
    span_tt: tuple[float, float]
    moon_gcrs: CubicSpline
    earth_icrf: CubicSpline
    nutation_tt: np.ndarray
    nutation: np.ndarray  # (9, m): the precession-nutation matrix, row-major
    equation_of_equinoxes_rad: np.ndarray

    @classmethod
    def build(cls, t: Time, *, ephemeris: Ephemeris) -> EarthMoonTable:
        """Tabulate over the span of ``t`` (1-D, increasing)."""
        ephemeris.check_covers(t)
        ts = ephemeris.ts
        tt0, tt1 = float(t.tt[0]), float(t.tt[-1])
        tt = _table_instants(tt0, tt1, VECTOR_STEP_D, ephemeris.coverage_tdb_jd)
        table_t = ts.tt_jd(tt)
        earth, moon = ephemeris.bodies["earth"], ephemeris.bodies["moon"]
        moon_gcrs = earth.at(table_t).observe(moon).apparent().position.km
        earth_icrf = moon.at(table_t).observe(earth).apparent().position.km
        nut_tt = _table_instants(tt0, tt1, NUTATION_STEP_D, ephemeris.coverage_tdb_jd)
        nut_t = ts.tt_jd(nut_tt)
        eqeq = (nut_t.gast - nut_t.gmst) * (np.pi / 12.0)
        return cls(
            ephemeris,
            (tt0, tt1),
            CubicSpline(tt, moon_gcrs, axis=1),
            CubicSpline(tt, earth_icrf, axis=1),
            nut_tt,
            nut_t.M.reshape(9, -1),
            eqeq,
        )

    def at(self, tt: np.ndarray) -> Instants:
        """Return the geometry at TT Julian dates ``tt`` (1-D, inside the span)."""
        return Instants(self, np.asarray(tt, dtype=float))


def _table_instants(
    tt0: float, tt1: float, step_d: float, coverage: tuple[float, float]
) -> np.ndarray:
    """Evenly spaced instants at most ``step_d`` apart, a step beyond each end of the span
    (so splines are smooth up to its edges) where the kernels allow (TT ~ TDB to 2 ms)."""
    lo = max(tt0 - step_d, coverage[0] + 1e-6)
    hi = min(tt1 + step_d, coverage[1] - 1e-6)
    return np.linspace(lo, hi, max(int(np.ceil((hi - lo) / step_d)) + 1, 4))


def elevation_deg(up: np.ndarray, relative_km: np.ndarray) -> np.ndarray:
    """Return the elevation (deg) of vectors (3, n) above the plane normal to ``up``."""
    distance = np.linalg.norm(relative_km, axis=0)
    return np.degrees(np.arcsin(np.einsum("in,in->n", up, relative_km) / distance))


def moon_elevation_deg(instants: Instants, station: GroundStation) -> np.ndarray:
    """Return the elevation of the Moon's centre at a ground station, deg (no refraction)."""
    position, up = instants.station(station)
    return elevation_deg(up, instants.moon_gcrs_km - position)


def station_me_km(instants: Instants, station: GroundStation) -> np.ndarray:
    """Return the station's position from the Moon's centre in the mean-Earth frame, km."""
    position, _ = instants.station(station)
    return instants.to_me(instants.earth_icrf_km + position)


@dataclass(frozen=True)
class RelayOrbitFrame:
    """A relay's elements and the inertial frame they are given in (ME axes at epoch)."""

    name: str
    elements: OrbitalElements
    inertial_to_icrf: np.ndarray  # (3, 3): transpose of ICRF -> ME at the epoch

    def icrf_km(self, tt: np.ndarray) -> np.ndarray:
        """Return the relay's Moon-centred ICRF position, km, (3, n)."""
        return self.inertial_to_icrf @ propagate(self.elements, tt)


def occulted_by_moon(a_km: np.ndarray, b_km: np.ndarray) -> np.ndarray:
    """Return whether the Moon (reference sphere) blocks the segment between Moon-centred
    points ``a`` and ``b`` (3, n)."""
    d = b_km - a_km
    s = np.clip(-np.einsum("in,in->n", a_km, d) / np.einsum("in,in->n", d, d), 0.0, 1.0)
    closest = a_km + s * d
    return np.einsum("in,in->n", closest, closest) < MOON_RADIUS_KM**2


def station_sees_relay(
    instants: Instants, station: GroundStation, relay_icrf_km: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return whether a station sees the relay (above its limit, not behind the Moon),
    and the range, km."""
    position, up = instants.station(station)
    relative = instants.moon_gcrs_km + relay_icrf_km - position
    station_from_moon = instants.earth_icrf_km + position
    visible = (elevation_deg(up, relative) > station.min_elevation_deg) & ~occulted_by_moon(
        relay_icrf_km, station_from_moon
    )
    return visible, np.linalg.norm(relative, axis=0)
