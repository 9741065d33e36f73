"""Illumination maps (sky-histogram method) against direct time stepping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from moonbase.environment.horizon import Horizon, segment_visible_fraction
from moonbase.geometry.sky import SurfacePoint, moon_centred
from moonbase.geometry.times import time_grid
from moonbase.terrain.horizon import horizon_map
from moonbase.terrain.illumination import illumination_map, integrate_block, sky_tables


@pytest.fixture(scope="module")
def polar_case(lola_south_window, eph):
    dem = lola_south_window.window(slice(30, 110), slice(30, 110))  # 80 km at 1 km
    horizons = horizon_map(dem, azimuths=360, height_m=2.0)
    t, _ = time_grid(
        eph.ts,
        datetime(2030, 1, 1, tzinfo=UTC),
        datetime(2031, 1, 1, tzinfo=UTC),
        timedelta(hours=3),
    )
    return dem, horizons, t, illumination_map(dem, horizons, t, ephemeris=eph)


def test_histogram_matches_direct_time_stepping(polar_case, eph):
    """Within 0.5 percentage points at sample pixels (the issue's bound).

    The direct computation places the Sun and Earth from each pixel itself at every
    step and tests them against that pixel's skyline; it shares only the horizon map.
    Measured: <= 0.1 points with 360 azimuths (with 180, up to 1.2 points for the
    Earth where it hovers at a skyline that changes sharply between the azimuths).
    """
    dem, horizons, t, maps = polar_case
    sun = moon_centred("sun", t, ephemeris=eph)
    earth = moon_centred("earth", t, ephemeris=eph)
    rng = np.random.default_rng(7)
    for row, col in rng.integers(3, 77, size=(10, 2)):
        dip = Horizon.smooth_sphere(max(float(dem.height_m[row, col]), 0.0) + 2.0).floor_deg
        lon, lat = dem.to_lonlat(dem.x[col], dem.y[row])
        point = SurfacePoint(float(lat), float(lon), height_m=2.0)
        convergence = float(horizons.grid_convergence_deg.values[row, col])
        skyline = Horizon(
            dip, horizons.azimuth_deg.values, np.maximum(horizons.horizon_deg.values[row, col], dip)
        )
        sky = sun.seen_from(point)
        el, az, _ = sky.altaz()
        visible = segment_visible_fraction(
            el - skyline.elevation_at(az + convergence), sky.angular_radius_deg
        )
        e_el, e_az, _ = earth.seen_from(point).altaz()
        earth_up = e_el > skyline.elevation_at(e_az + convergence)
        assert float(maps.sunlit_fraction[row, col]) == pytest.approx(
            (visible > 0).mean(), abs=0.005
        )
        assert float(maps.mean_solar_visible_fraction[row, col]) == pytest.approx(
            visible.mean(), abs=0.005
        )
        assert float(maps.earth_visible_fraction[row, col]) == pytest.approx(
            earth_up.mean(), abs=0.005
        )


def test_maps_are_labelled_and_consistent(polar_case):
    _, _, _, maps = polar_case
    for name in ("sunlit_fraction", "mean_solar_visible_fraction", "earth_visible_fraction"):
        values = maps[name].values
        assert maps[name].dims == ("y", "x")
        assert maps[name].attrs["units"] == "1"
        assert np.all((values >= 0) & (values <= 1))
    # The mean visible share of the disc never exceeds the time some of it is visible.
    assert np.all(maps.mean_solar_visible_fraction <= maps.sunlit_fraction + 1e-9)
    assert bool((maps.permanent_shadow == (maps.sunlit_fraction == 0)).all())


def test_threshold_series_match_the_c_library():
    """The sky integration's series for sin, asin and atan (``_kernels``) against numpy's,
    over their whole ranges: within 3e-9 rad (their truncation bounds, x4 for atan's two
    halvings), four orders below the tables' 0.005 deg (8.7e-5 rad) bins."""
    from numba import njit

    from moonbase.terrain import _kernels

    @njit
    def series(x, y, u):
        out = np.empty((3, x.size))
        for i in range(x.size):
            out[0, i] = _kernels._sin(x[i])
            out[1, i] = _kernels._asin(y[i])
            out[2, i] = _kernels._atan(u[i])
        return out

    x = np.linspace(-np.pi / 2, np.pi / 2, 100_001)
    y = np.concatenate([np.linspace(-1.0, 1.0, 100_001), [-1 + 1e-15, 1 - 1e-12]])[: x.size]
    u = np.tan(np.linspace(-1.5707, 1.5707, x.size))  # up to +-13,000
    ours = series(x, y, u)
    assert np.abs(ours[0] - np.sin(x)).max() < 3e-9
    assert np.abs(ours[1] - np.arcsin(y)).max() < 3e-9
    assert np.abs(ours[2] - np.arctan(u)).max() < 3e-9


def test_missing_horizons_give_missing_fractions(polar_case, eph):
    """A NaN horizon (terrain not computed) makes that pixel's fractions NaN, never a
    number read from outside the tables; the other pixels are unchanged."""
    dem, horizons, t, maps = polar_case
    holed = horizons.copy(deep=True)
    holed.horizon_deg[5, 7, 100] = np.nan
    again = illumination_map(dem, holed, t, ephemeris=eph)
    assert np.isnan(float(again.sunlit_fraction[5, 7]))
    others = np.ones(dem.shape, dtype=bool)
    others[5, 7] = False
    assert np.array_equal(again.sunlit_fraction.values[others], maps.sunlit_fraction.values[others])


def test_progress_runs_over_the_rows(polar_case, eph):
    dem, horizons, t, maps = polar_case
    calls = []
    again = illumination_map(dem, horizons, t, ephemeris=eph, progress=lambda *c: calls.append(c))
    rows = dem.shape[0]
    assert calls[0] == (0, rows) and calls[-1] == (rows, rows)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert again.sunlit_fraction.equals(maps.sunlit_fraction)
    # The blocks of rows give the map that one call over the whole window gives, on any
    # number of threads (rows are shared among them).
    skylines = horizons.horizon_deg.transpose("azimuth", "y", "x").values
    sky = sky_tables(dem, horizons.azimuth_deg.values, t, ephemeris=eph)
    for threads in (1, 3):
        whole = integrate_block(dem, skylines, sky, height_m=2.0, threads=threads)
        assert np.array_equal(whole[0], maps.sunlit_fraction.values)
        assert np.array_equal(whole[1], maps.mean_solar_visible_fraction.values)
        assert np.array_equal(whole[2], maps.earth_visible_fraction.values)
