"""Sun and Earth directions against independent references.

Authorities are kept in ``tests/reference/authorities/``; each test states its
tolerance and why it is that size.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from moonbase.constants import EPHEMERIS_START_UTC, EPHEMERIS_STOP_UTC, SYNODIC_MONTH_D
from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import SurfaceSite, site_environment
from moonbase.geometry.sky import SurfacePoint, moon_centred, observe
from moonbase.geometry.times import time_grid


def _grid(eph, start, stop, step):
    return time_grid(eph.ts, start, stop, step)[0]


def _angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = np.einsum("i...,i...->...", a, b) / (
        np.linalg.norm(a, axis=0) * np.linalg.norm(b, axis=0)
    )
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


@pytest.mark.parametrize(
    ("lat_deg", "lon_deg", "height_m"),
    [(-89.45, 222.69, 2.0), (0.0, 0.0, 0.0), (26.3, -46.8, 100.0), (-90.0, 0.0, 0.0)],
)
@pytest.mark.parametrize("body", ["sun", "earth"])
def test_matches_skyfield_per_site_computation(eph, lat_deg, lon_deg, height_m, body):
    """Brute-force reference: skyfield's own topocentric altaz from a MOON_ME_DE421 point.

    Tolerance 1e-4 deg in direction and 1 km in range: we neglect the site's own
    light-time and rotational aberration (measured: <3e-5 deg, <0.2 km).
    """
    t = _grid(
        eph, datetime(2031, 3, 1, tzinfo=UTC), datetime(2031, 5, 1, tzinfo=UTC), timedelta(hours=3)
    )
    site = SurfacePoint(lat_deg, lon_deg, height_m=height_m)
    el, az, distance = observe(body, site, t, ephemeris=eph).altaz()

    topos = eph.constants.build_latlon_degrees(eph.moon_frame, lat_deg, lon_deg, height_m)
    ref_el, ref_az, ref_distance = (
        (eph.bodies["moon"] + topos).at(t).observe(eph.bodies[body]).apparent().altaz()
    )
    assert np.abs(el - ref_el.degrees).max() < 1e-4
    d_az = (az - ref_az.degrees + 180.0) % 360.0 - 180.0
    assert np.abs(d_az * np.cos(np.radians(el))).max() < 1e-4
    assert np.abs(distance - ref_distance.km).max() < 1.0


def test_me_frame_not_pa_frame(eph):
    """NAIF moon_080317.tf: the DE421 ME and PA frames differ by 0.0288473 deg.

    The rotation angle between our frame and MOON_PA_DE421 must be that constant
    (to 1e-6 deg, the digits NAIF quotes), and our directions must agree with the ME
    computation but not the PA one.
    """
    t = _grid(
        eph, datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 2, 1, tzinfo=UTC), timedelta(hours=6)
    )
    pa = eph.constants.build_frame_named("MOON_PA_DE421")
    relative = np.einsum("ij...,kj...->ik...", eph.moon_frame.rotation_at(t), pa.rotation_at(t))
    trace = np.einsum("ii...->...", relative)
    angle_deg = np.degrees(np.arccos((trace - 1.0) / 2.0))
    assert angle_deg == pytest.approx(0.0288473, abs=1e-6)

    icrf = eph.bodies["moon"].at(t).observe(eph.bodies["earth"]).apparent().position.km
    ours = moon_centred("earth", t, ephemeris=eph).xyz_km
    in_me = np.einsum("ij...,j...->i...", eph.moon_frame.rotation_at(t), icrf)
    in_pa = np.einsum("ij...,j...->i...", pa.rotation_at(t), icrf)
    # arccos near 1 resolves angles only to ~1e-6 deg, hence the 1e-5 bound.
    assert _angle_deg(ours, in_me).max() < 1e-5
    assert _angle_deg(ours, in_pa).max() > 0.02


def test_sun_elevation_at_south_pole_stays_within_lunar_obliquity(eph):
    """At the pole the Sun stays within the lunar equator's tilt (Meeus ch. 53).

    The mean tilt to the ecliptic is 1.5424 deg; the physical libration in latitude
    adds up to ~0.04 deg (Meeus ch. 53), so the issue's "about +-1.6 deg". Over a full
    18.6-year nodal cycle at 6 h steps the extremes must exceed 1.50 deg (6 h sampling
    misses < 0.01 deg) and stay below 1.60 deg.
    """
    t = _grid(
        eph, datetime(2020, 1, 1, tzinfo=UTC), datetime(2038, 8, 1, tzinfo=UTC), timedelta(hours=6)
    )
    el, _, _ = observe("sun", SurfacePoint(-90.0, 0.0), t, ephemeris=eph).altaz()
    assert 1.50 < el.max() < 1.60
    assert -1.60 < el.min() < -1.50


def test_earth_elevation_at_south_pole_follows_libration_in_latitude(eph):
    """Libration in latitude reaches about +-6.7..6.9 deg (Meeus ch. 53).

    At the pole the Earth's elevation is that libration minus ~0.26 deg of topocentric
    parallax, so over a nodal cycle we expect max in 6.3..6.8 deg and min in -7.2..-6.7.
    """
    t = _grid(
        eph, datetime(2020, 1, 1, tzinfo=UTC), datetime(2038, 8, 1, tzinfo=UTC), timedelta(hours=6)
    )
    el, _, _ = observe("earth", SurfacePoint(-90.0, 0.0), t, ephemeris=eph).altaz()
    assert 6.3 < el.max() < 6.8
    assert -7.2 < el.min() < -6.7


def test_sunrise_at_equator_recurs_every_synodic_month(eph):
    """Sunrises at an equatorial site are a synodic month apart: 29.530589 d on average.

    Each lunation lies within 29.26..29.84 d (Meeus ch. 49: 29.27-29.83); the mean
    of 60 lunations must be within 0.01 d of the mean month (the lunation spread
    averages down to ~0.3 d / 60).
    """
    site = SurfaceSite("equator", SurfacePoint(0.0, 30.0), Horizon.smooth_sphere(0.0))
    t = _grid(
        eph, datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC), timedelta(hours=2)
    )
    env = site_environment(site, t, ephemeris=eph)
    starts = env.sunlit.starts_tt[env.sunlit.starts_tt > env.sunlit.span_tt[0]]
    intervals = np.diff(starts)
    assert len(intervals) >= 60
    assert np.all((intervals > 29.26) & (intervals < 29.84))
    assert intervals.mean() == pytest.approx(SYNODIC_MONTH_D, abs=0.01)


def test_earth_distance_at_perigee_of_2016_november_14(eph):
    """Espenak/Meeus: perigee 2016-11-14 ~11:23 UTC at 356,509 km (centre to centre).

    Tolerance 5 km and 15 min: the ELP-based published value and DE421 differ by
    well under a kilometre, and our apparent (light-time) distance differs from the
    geometric one by ~1 km.
    """
    t = _grid(
        eph,
        datetime(2016, 11, 14, tzinfo=UTC),
        datetime(2016, 11, 15, tzinfo=UTC),
        timedelta(minutes=1),
    )
    distance_km = np.linalg.norm(moon_centred("earth", t, ephemeris=eph).xyz_km, axis=0)
    closest = int(np.argmin(distance_km))
    assert distance_km[closest] == pytest.approx(356_509.0, abs=5.0)
    assert abs(closest - (11 * 60 + 23)) <= 15


def test_earth_range_stays_between_perigee_and_apogee_extremes(eph):
    """Earth-Moon distance stays within ~356,400..406,700 km (inconstantmoon.com).

    From a surface site the range differs from that by at most the lunar radius,
    1737 km. Checked hourly over 2020-2040 with 300 km of slack at either end for the
    coarse published extremes.
    """
    t = _grid(
        eph, datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC), timedelta(hours=1)
    )
    centre_km = np.linalg.norm(moon_centred("earth", t, ephemeris=eph).xyz_km, axis=0)
    assert 356_100.0 < centre_km.min() < 356_700.0
    assert 406_400.0 < centre_km.max() < 407_000.0
    _, _, site_km = observe("earth", SurfacePoint(-89.45, 222.69), t, ephemeris=eph).altaz()
    assert np.all(np.abs(site_km - centre_km) <= 1737.4 + 1.0)


def test_sun_apparent_radius_and_irradiance_follow_distance(eph):
    """Solar radius 695,700 km gives 0.26645 deg at 1 au; TSI 1361 W/m2 at 1 au.

    Over 2030 the irradiance on a fully lit tracking panel must peak between
    1361/0.98329^2 and 1361/(0.98329 - 0.00257)^2 (1407.6..1415.1 W/m2: the Moon is up
    to 0.00257 au nearer the Sun than the Earth) and bottom out between
    1361/(1.01671 + 0.00257)^2 and 1361/1.01671^2 (1309.9..1316.6 W/m2); 1 W/m2 slack
    for rounding of the published distances.
    """
    from moonbase.environment.site_environment import solar_irradiance_w_m2

    t = _grid(
        eph, datetime(2030, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC), timedelta(hours=6)
    )
    sun = observe("sun", SurfacePoint(0.0, 0.0), t, ephemeris=eph)
    distance_au = sun.range_km / 149_597_870.7
    assert np.allclose(
        np.radians(sun.angular_radius_deg) * distance_au, np.radians(0.26645), rtol=2e-4
    )
    irradiance = solar_irradiance_w_m2(sun, np.ones(len(distance_au)))
    assert 1406.6 < irradiance.max() < 1416.1
    assert 1308.9 < irradiance.min() < 1317.6


def test_coverage_constants_lie_inside_the_kernels(eph):
    """The UTC bounds the scenario accepts must be inside both kernels' span."""
    t = eph.ts.from_datetimes([EPHEMERIS_START_UTC, EPHEMERIS_STOP_UTC])
    eph.check_covers(t)
    start, stop = eph.coverage_tdb_jd
    assert t.tdb[0] - start < 2.0 / 1440.0
    assert stop - t.tdb[1] < 3.0 / 1440.0
