"""Horizon and solar-disc visibility: analytic cases and a brute-force disc count."""

from __future__ import annotations

import numpy as np
import pytest

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import Horizon, segment_visible_fraction
from moonbase.errors import HorizonError

SUN_RADIUS_DEG = 0.2666


def brute_force_fraction(horizon: Horizon, el: float, az: float, r: float, n: int = 801) -> float:
    """Count points of a fine grid over the disc that lie above the skyline."""
    u, v = np.meshgrid(np.linspace(-r, r, n), np.linspace(-r, r, n))
    inside = u**2 + v**2 <= r**2
    skyline = horizon.elevation_at(az + u / np.cos(np.radians(el)))
    return float(((el + v > skyline) & inside).sum() / inside.sum())


def test_segment_fraction_analytic_values():
    # Centre on the line: half; one radius above: all; one below: none.
    assert segment_visible_fraction(0.0, 1.0) == pytest.approx(0.5)
    assert segment_visible_fraction(1.0, 1.0) == pytest.approx(1.0)
    assert segment_visible_fraction(-1.0, 1.0) == pytest.approx(0.0)
    # Half a radius above: 1 - (acos(0.5) - 0.5 sqrt(0.75)) / pi = 0.80450.
    assert segment_visible_fraction(0.5, 1.0) == pytest.approx(0.8044988, abs=1e-7)


def test_smooth_sphere_dip_matches_geometry():
    # Dip = arccos(R / (R + h)); for small h that is sqrt(2 h / R) radians.
    horizon = Horizon.smooth_sphere(10.0)
    assert horizon.floor_deg == pytest.approx(
        -np.degrees(np.sqrt(2 * 10.0 / MOON_RADIUS_M)), rel=1e-5
    )
    assert Horizon.smooth_sphere(0.0).floor_deg == 0.0
    assert Horizon.smooth_sphere(10.0, mask_deg=1.5).floor_deg == 1.5


def test_flat_table_strips_match_exact_segment():
    """Strip integration over a flat table agrees with the exact area within 2e-4.

    64 midpoint strips in theta converge as 1/N^2; the measured worst case is 6e-5.
    """
    table = Horizon(0.1, np.array([0.0, 180.0]), np.array([0.1, 0.1]))
    el = np.linspace(-0.5, 0.7, 2001)
    r = np.full_like(el, SUN_RADIUS_DEG)
    strips = table.disc_visible_fraction(el, np.zeros_like(el), r)
    exact = Horizon(0.1).disc_visible_fraction(el, np.zeros_like(el), r)
    assert np.abs(strips - exact).max() < 2e-4


@pytest.mark.parametrize(
    ("az_knots", "el_knots", "az_sun"),
    [
        ([0.0, 90.0, 180.0, 270.0], [0.0, 20.0, 0.0, 0.0], 45.0),  # steep slope
        ([0.0, 100.0, 100.2, 200.0], [0.0, 0.5, -0.2, 0.0], 100.1),  # kink inside the disc
        ([0.0, 10.0, 350.0], [0.3, 0.1, -0.1], 359.9),  # wrap past north
    ],
)
@pytest.mark.parametrize("el_offset", [-0.2, -0.05, 0.0, 0.1, 0.25])
def test_tabulated_fraction_matches_brute_force_grid(az_knots, el_knots, az_sun, el_offset):
    """Against counting 801 x 801 grid points over the disc: within 3e-3.

    The grid count's own error is ~1/801 per edge length; kinks inside the disc are
    resolved by the 64 strips to ~1e-3.
    """
    horizon = Horizon(-1.0, np.array(az_knots), np.array(el_knots))
    el = float(horizon.elevation_at(az_sun)) + el_offset
    ours = horizon.disc_visible_fraction(
        np.array([el]), np.array([az_sun]), np.array([SUN_RADIUS_DEG])
    )[0]
    assert ours == pytest.approx(
        brute_force_fraction(horizon, el, az_sun, SUN_RADIUS_DEG), abs=3e-3
    )


def test_interpolation_wraps_around_north():
    horizon = Horizon(-5.0, np.array([10.0, 350.0]), np.array([1.0, 3.0]))
    assert horizon.elevation_at(0.0) == pytest.approx(2.0)
    assert horizon.elevation_at(360.0) == pytest.approx(2.0)
    assert horizon.elevation_at(180.0) == pytest.approx(2.0)
    assert horizon.elevation_at(10.0) == pytest.approx(1.0)


def test_floor_applies_under_a_table():
    horizon = Horizon(0.5, np.array([0.0, 180.0]), np.array([0.0, 2.0]))
    assert horizon.elevation_at(0.0) == 0.5
    assert horizon.elevation_at(180.0) == 2.0


@pytest.mark.parametrize(
    ("azimuths", "elevations", "words"),
    [
        ([0.0, 0.0], [1.0, 1.0], "increase strictly"),
        ([0.0, 360.0], [1.0, 1.0], "increase strictly"),
        ([0.0, 90.0], [1.0], "equal length"),
        ([0.0, 90.0], [1.0, 95.0], "-90..90"),
        ([0.0, np.nan], [1.0, 1.0], "finite"),
    ],
)
def test_bad_tables_are_refused_with_a_reason(azimuths, elevations, words):
    with pytest.raises(HorizonError, match=words):
        Horizon(0.0, np.array(azimuths), np.array(elevations))


def test_negative_height_is_refused():
    with pytest.raises(HorizonError, match="negative"):
        Horizon.smooth_sphere(-1.0)
