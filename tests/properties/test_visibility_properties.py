"""Properties of disc visibility, horizons, windows and sky positions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moonbase.environment.horizon import Horizon
from moonbase.environment.windows import Windows
from moonbase.geometry.ephemeris import load_ephemeris
from moonbase.geometry.sky import SurfacePoint, moon_centred

from .strategies import (
    disc_radii_deg,
    elevations_deg,
    heights_m,
    interval_sets,
    latitudes,
    longitudes,
    tabulated_horizons,
)


@given(horizon=tabulated_horizons(), el=elevations_deg, az=st.floats(0, 360), r=disc_radii_deg)
def test_visible_fraction_is_a_fraction(horizon, el, az, r):
    f = horizon.disc_visible_fraction(np.array([el]), np.array([az]), np.array([r]))[0]
    assert 0.0 <= f <= 1.0 + 1e-12


@given(horizon=tabulated_horizons(), az=st.floats(0, 360), r=disc_radii_deg)
def test_visible_fraction_grows_with_elevation(horizon, az, r):
    el = np.linspace(-12.0, 12.0, 200)
    f = horizon.disc_visible_fraction(el, np.full_like(el, az), np.full_like(el, r))
    assert np.all(np.diff(f) >= -1e-12)
    assert f[0] == 0.0 and f[-1] == 1.0


@given(horizon=tabulated_horizons(), el=elevations_deg, az=st.floats(0, 360), r=disc_radii_deg)
def test_disc_clear_of_the_skyline_is_all_or_nothing(horizon, el, az, r):
    # Well above every knot: fully visible; below the floor and every knot: hidden.
    top = max(horizon.floor_deg, horizon.elevation_deg.max())
    bottom = max(horizon.floor_deg, horizon.elevation_deg.min())
    f = horizon.disc_visible_fraction(
        np.array([top + r + 0.01, bottom - r - 0.01]), np.array([az, az]), np.array([r, r])
    )
    assert f.tolist() == [1.0, 0.0]


@given(height=heights_m)
def test_smooth_sphere_dip_deepens_with_height(height):
    assert Horizon.smooth_sphere(height + 1.0).floor_deg < Horizon.smooth_sphere(height).floor_deg


@given(a=interval_sets(), b=interval_sets())
def test_windows_algebra(a, b):
    wa, wb = Windows(*a, (0.0, 100.0)), Windows(*b, (0.0, 100.0))
    assert abs(wa.fraction() + wa.complement().fraction() - 1.0) < 1e-12
    both = wa.intersection(wb)
    assert both.fraction() <= min(wa.fraction(), wb.fraction()) + 1e-12
    # Inclusion-exclusion through the complements: |A or B| = 1 - |not A and not B|.
    either = 1.0 - wa.complement().intersection(wb.complement()).fraction()
    assert abs(wa.fraction() + wb.fraction() - both.fraction() - either) < 1e-9


@settings(max_examples=30, deadline=None)
@given(lat=latitudes, lon=longitudes, height=heights_m)
def test_sky_position_is_consistent_everywhere(lat, lon, height):
    eph = load_ephemeris()
    t = eph.ts.utc(2030, 6, 1, np.arange(4) * 6)
    sun = moon_centred("sun", t, ephemeris=eph)
    sky = sun.seen_from(SurfacePoint(lat, lon, height_m=height))
    el, az, distance = sky.altaz()
    assert np.all((az >= 0) & (az < 360)) and np.all(np.abs(el) <= 90)
    # Parallax changes the Sun's distance by at most the site's distance from the centre.
    centre = np.linalg.norm(sun.xyz_km, axis=0)
    assert np.all(np.abs(distance - centre) <= 1737.4 + height / 1000.0 + 1e-6)
