"""Lunar orbits: Keplerian motion with the secular drift of node and periapsis.

The relay is propagated analytically: a Kepler ellipse whose node, argument of
periapsis and mean anomaly advance at constant secular rates, from the Moon's J2 and
from the Earth's tidal (third-body, quadrupole, doubly averaged) pull. The shape and
tilt (a, e, i) are held: a frozen orbit is chosen so that they stay put, and station
keeping holds them in practice. Why this model (and not a numerical or library
propagator) is in ``docs/design/communications.md``; it is checked against a numerical
integration in ``tests/reference/test_relay_orbit.py``.

Positions are in the Moon-centred inertial frame of the elements (for the scenario:
the Moon's mean-Earth axes frozen at the epoch), km; time as TT Julian dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moonbase.constants import (
    EARTH_MOON_DISTANCE_KM,
    GM_EARTH_KM3_S2,
    GM_MOON_KM3_S2,
    MOON_GRAVITY_RADIUS_KM,
    MOON_J2,
)

SECONDS_PER_DAY = 86_400.0
#: Square of the Earth's orbital rate about the Moon, GM_Earth / d^3, 1/s^2: the
#: strength of the Earth's tidal pull in the doubly averaged third-body theory.
EARTH_TIDAL_N2 = GM_EARTH_KM3_S2 / EARTH_MOON_DISTANCE_KM**3


@dataclass(frozen=True)
class OrbitalElements:
    """Osculating Keplerian elements at an epoch (angles in radians)."""

    semi_major_axis_km: float
    eccentricity: float
    inclination_rad: float
    raan_rad: float
    argument_of_periapsis_rad: float
    mean_anomaly_rad: float
    epoch_tt: float

    @property
    def mean_motion_rad_s(self) -> float:
        """Keplerian mean motion, rad/s."""
        return float(np.sqrt(GM_MOON_KM3_S2 / self.semi_major_axis_km**3))


@dataclass(frozen=True)
class SecularRates:
    """Constant rates of the angles, rad/s."""

    raan_rad_s: float
    argument_of_periapsis_rad_s: float
    mean_anomaly_rad_s: float


def secular_rates(
    elements: OrbitalElements,
    *,
    j2: float = MOON_J2,
    radius_km: float = MOON_GRAVITY_RADIUS_KM,
    third_body_n2_s2: float = EARTH_TIDAL_N2,
) -> SecularRates:
    """Return the secular drift of node, periapsis and mean anomaly.

    J2 (e.g. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed.,
    eqs. 9-41): with p = a (1 - e^2), k = 3/2 n J2 (R/p)^2,
    dOmega/dt = -k cos i, domega/dt = k (2 - 5/2 sin^2 i),
    dM/dt = n + k sqrt(1 - e^2) (1 - 3/2 sin^2 i).

    Third body on a circular orbit in the reference plane, quadrupole, doubly averaged
    (Kozai 1962; e.g. Innanen et al. 1997, AJ 113, 1915), with K = n3^2 / n:
    dOmega/dt = -3/4 K cos i (1 - e^2 + 5 e^2 sin^2 omega) / sqrt(1 - e^2),
    domega/dt = 3/4 K (2 (1 - e^2) + 5 sin^2 omega (e^2 - sin^2 i)) / sqrt(1 - e^2).
    The Earth's orbit plane is taken as the lunar equator (they differ by 6.7 deg).
    ``third_body_n2_s2=0`` leaves J2 alone.
    """
    a, e, i = elements.semi_major_axis_km, elements.eccentricity, elements.inclination_rad
    n = elements.mean_motion_rad_s
    eta = np.sqrt(1.0 - e * e)
    sin2_i = np.sin(i) ** 2
    k = 1.5 * n * j2 * (radius_km / (a * eta * eta)) ** 2
    raan = -k * np.cos(i)
    argp = k * (2.0 - 2.5 * sin2_i)
    mean = n + k * eta * (1.0 - 1.5 * sin2_i)
    if third_body_n2_s2:
        big_k = third_body_n2_s2 / n
        sin2_w = np.sin(elements.argument_of_periapsis_rad) ** 2
        raan += -0.75 * big_k * np.cos(i) * (1.0 - e * e + 5.0 * e * e * sin2_w) / eta
        argp += 0.75 * big_k * (2.0 * eta * eta + 5.0 * sin2_w * (e * e - sin2_i)) / eta
    return SecularRates(float(raan), float(argp), float(mean))


def eccentric_anomaly(mean_anomaly_rad: np.ndarray, eccentricity: float) -> np.ndarray:
    """Solve Kepler's equation E - e sin E = M by Newton's method (vectorised)."""
    m = np.remainder(mean_anomaly_rad, 2.0 * np.pi)
    # Starting at pi for high eccentricity keeps Newton monotone (Danby 1988).
    big_e = np.where(eccentricity > 0.8, np.pi, m)
    for _ in range(50):
        step = (big_e - eccentricity * np.sin(big_e) - m) / (1.0 - eccentricity * np.cos(big_e))
        big_e = big_e - step
        if np.max(np.abs(step), initial=0.0) < 1e-13:
            break
    return big_e


def perifocal_to_inertial(raan: np.ndarray, argp: np.ndarray, inc: float) -> np.ndarray:
    """Return the rotation from perifocal (P, Q, W) to inertial axes, shape (3, 3, n)."""
    cO, sO, cw, sw = np.cos(raan), np.sin(raan), np.cos(argp), np.sin(argp)
    ci, si = np.cos(inc), np.sin(inc)
    return np.array(
        [
            [cO * cw - sO * sw * ci, -cO * sw - sO * cw * ci, sO * si * np.ones_like(cw)],
            [sO * cw + cO * sw * ci, -sO * sw + cO * cw * ci, -cO * si * np.ones_like(cw)],
            [sw * si, cw * si, ci * np.ones_like(cw)],
        ]
    )


def propagate(
    elements: OrbitalElements, tt: np.ndarray, rates: SecularRates | None = None
) -> np.ndarray:
    """Return positions at TT Julian dates ``tt``, km, shape ``(3,) + tt.shape``.

    Parameters
    ----------
    elements : OrbitalElements
        The orbit at its epoch.
    tt : array
        TT Julian dates (any shape).
    rates : SecularRates, optional
        Defaults to :func:`secular_rates` of the elements (J2 and the Earth).
    """
    rates = rates or secular_rates(elements)
    tt = np.asarray(tt, dtype=float)
    dt_s = (tt.ravel() - elements.epoch_tt) * SECONDS_PER_DAY
    raan = elements.raan_rad + rates.raan_rad_s * dt_s
    argp = elements.argument_of_periapsis_rad + rates.argument_of_periapsis_rad_s * dt_s
    big_e = eccentric_anomaly(
        elements.mean_anomaly_rad + rates.mean_anomaly_rad_s * dt_s, elements.eccentricity
    )
    a, e = elements.semi_major_axis_km, elements.eccentricity
    perifocal = np.array(
        [a * (np.cos(big_e) - e), a * np.sqrt(1.0 - e * e) * np.sin(big_e), np.zeros_like(big_e)]
    )
    rotation = perifocal_to_inertial(raan, argp, elements.inclination_rad)
    xyz = np.einsum("ijn,jn->in", rotation, perifocal)
    return xyz.reshape((3, *tt.shape))


def state_to_elements(r_km: np.ndarray, v_km_s: np.ndarray, gm: float = GM_MOON_KM3_S2) -> dict:
    """Return osculating a, e, i, node and argument of periapsis (rad) of states (3, n)."""
    h = np.cross(r_km, v_km_s, axis=0)
    r = np.linalg.norm(r_km, axis=0)
    v2 = np.einsum("in,in->n", v_km_s, v_km_s)
    a = 1.0 / (2.0 / r - v2 / gm)
    e_vec = np.cross(v_km_s, h, axis=0) / gm - r_km / r
    node = np.array([-h[1], h[0], np.zeros_like(h[0])])
    inc = np.arccos(h[2] / np.linalg.norm(h, axis=0))
    raan = np.arctan2(node[1], node[0])
    n_hat = node / np.linalg.norm(node, axis=0)
    argp = np.arctan2(
        np.einsum("in,in->n", np.cross(n_hat, e_vec, axis=0), h / np.linalg.norm(h, axis=0)),
        np.einsum("in,in->n", n_hat, e_vec),
    )
    return {
        "a_km": a,
        "e": np.linalg.norm(e_vec, axis=0),
        "i_rad": inc,
        "raan_rad": raan,
        "argp_rad": argp,
    }
