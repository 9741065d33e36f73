"""Sky positions: shapes over time, views, and the ephemeris range."""

from __future__ import annotations

import numpy as np
import pytest

from moonbase.errors import EphemerisRangeError
from moonbase.geometry.sky import SurfacePoint, moon_centred, observe

SITE = SurfacePoint(-89.45, 222.69, height_m=2.0)


def test_one_time_gives_scalars(eph):
    el, az, distance = observe("sun", SITE, eph.ts.utc(2030, 1, 1), ephemeris=eph).altaz()
    assert np.shape(el) == np.shape(az) == np.shape(distance) == ()


@pytest.mark.parametrize("shape", [(5,), (2, 3)])
def test_many_times_keep_their_shape(eph, shape):
    hours = np.arange(np.prod(shape)).reshape(shape)
    t = eph.ts.utc(2030, 1, 1, hours)
    sky = observe("earth", SITE, t, ephemeris=eph)
    el, az, distance = sky.altaz()
    assert el.shape == az.shape == distance.shape == sky.angular_radius_deg.shape == shape
    assert sky.enu_km.shape == (3, *shape)


def test_views_are_consistent(eph):
    t = eph.ts.utc(2030, 1, 1, np.arange(48))
    sky = observe("sun", SITE, t, ephemeris=eph)
    el, az, distance = sky.altaz()
    assert np.all((az >= 0) & (az < 360))
    east, north, up = sky.enu_km
    assert np.allclose(north, distance * np.cos(np.radians(el)) * np.cos(np.radians(az)))
    assert np.allclose(up, distance * np.sin(np.radians(el)))
    assert np.allclose(east, distance * np.cos(np.radians(el)) * np.sin(np.radians(az)))


def test_enu_axes_are_orthonormal():
    axes = SurfacePoint(-30.0, 100.0).enu_axes()
    assert np.allclose(axes @ axes.T, np.eye(3))
    assert np.allclose(np.cross(axes[0], axes[1]), axes[2])  # east x north = up


def test_time_outside_ephemeris_names_the_range(eph):
    with pytest.raises(EphemerisRangeError) as caught:
        moon_centred("sun", eph.ts.utc(2060, 1, 1), ephemeris=eph)
    message = str(caught.value)
    assert "2060-01-01" in message
    assert "1900-01-01" in message and "2050-12-31" in message
    assert isinstance(caught.value, ValueError)


def test_unknown_body(eph):
    with pytest.raises(ValueError, match="unknown body 'mars'"):
        moon_centred("mars", eph.ts.utc(2030, 1, 1), ephemeris=eph)


def test_public_surface_resolves():
    from moonbase import api

    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert missing == []
    assert {"run", "observe", "horizon_map", "illumination_map", "Horizon"} <= set(api.__all__)
