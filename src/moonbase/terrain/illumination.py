"""Illumination and Earth-visibility maps over a time span, by the sky-histogram method.

Cost grows with pixels x azimuths, not pixels x time steps:

1. The Sun and the Earth are placed once per time step as seen from the window's
   reference point (its centre), in grid azimuth and elevation.
2. Their dwell time is binned by azimuth (the horizon map's azimuths) and elevation
   (0.005 deg bins); for each azimuth, tables give the time a skyline at elevation T
   would leave the solar disc partly visible, how much of the disc it leaves on
   average, and how long it leaves the Earth's centre in view.
3. Each pixel's skyline is converted to thresholds on the reference elevation (its
   local vertical is tilted from the reference point's by the angle between them:
   up to 5 deg across a 300 km window, applied exactly) and looked up in the tables.

Approximations, each small against the 0.5 percentage-point validation: a body
between two tabulated azimuths counts toward both in proportion to its nearness
(visibility is interpolated rather than the skyline), the skyline is flat across the
disc, and the disc has its mean radius; the Sun's grid azimuth is the same at every
pixel (its change, ~ tilt x tan(elevation), is < 0.1 deg where the Sun grazes the
horizon); the Earth's parallax across the window (< 0.03 deg for 150 km) is neglected.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from skyfield.timelib import Time

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import segment_visible_fraction
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.sky import SurfacePoint, moon_centred
from moonbase.terrain import _kernels
from moonbase.terrain.dem import Dem

ELEVATION_BIN_DEG = 0.005

ILLUMINATION_ATTRS: dict[str, tuple[str, str]] = {
    "sunlit_fraction": ("1", "fraction of time some of the solar disc is above the skyline"),
    "mean_solar_visible_fraction": ("1", "time mean of the visible fraction of the solar disc"),
    "earth_visible_fraction": ("1", "fraction of time the Earth's centre is above the skyline"),
    "permanent_shadow": ("1", "no part of the solar disc ever visible over the span"),
}


def _pixel_tilts(dem: Dem, reference: SurfacePoint, convergence_deg: float):
    """Angle between each pixel's vertical and the reference's, and its grid azimuth."""
    lon, lat = dem.lonlat_grid()
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    up = np.stack([np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)])
    east, north, zenith = np.einsum("ij,j...->i...", reference.enu_axes(), up)
    tilt = np.arccos(np.clip(zenith, -1.0, 1.0))
    toward = np.arctan2(east, north) + np.radians(convergence_deg)
    return tilt, toward


def _dwell(elevation_deg, grid_azimuth_deg, azimuths_deg, edges_deg, weight_days):
    """Time per (azimuth, elevation bin), plus the time above the last bin, per azimuth.

    Each sample's time is shared between the two azimuths of the horizon table that
    bracket it, in proportion to its nearness (the table is joined linearly).
    """
    n_az = azimuths_deg.size
    position = ((grid_azimuth_deg - azimuths_deg[0]) % 360.0) / (360.0 / n_az)
    lower = np.floor(position).astype(int) % n_az
    share = position - np.floor(position)
    el_bin = np.floor((elevation_deg - edges_deg[0]) / (edges_deg[1] - edges_deg[0])).astype(int)
    inside = (el_bin >= 0) & (el_bin < edges_deg.size)
    is_above = el_bin >= edges_deg.size
    dwell = np.zeros((n_az, edges_deg.size))
    above = np.zeros(n_az)
    for az_bin, weight in ((lower, 1.0 - share), ((lower + 1) % n_az, share)):
        np.add.at(dwell, (az_bin[inside], el_bin[inside]), weight[inside] * weight_days)
        above += (
            np.bincount(az_bin[is_above], weights=weight[is_above], minlength=n_az) * weight_days
        )
    return dwell, above


def _tail(dwell: np.ndarray) -> np.ndarray:
    """``tail[a, i]``: time in elevation bins i and above."""
    return np.cumsum(dwell[:, ::-1], axis=1)[:, ::-1]


def _shifted(values: np.ndarray, m: int) -> np.ndarray:
    """``out[:, j] = values[:, j + m]``; below the first bin the first value, past the last 0."""
    n = values.shape[1]
    index = np.arange(n) + m
    out = values[:, np.clip(index, 0, n - 1)]
    out[:, index >= n] = 0.0
    return out


# Tables over thresholds T_j = edges[j]; bin k's centre stands (k - j + 0.5) bins above.
def _sunlit_table(dwell, above, radius_deg):
    """Time with some of the disc above T: centre above T - r."""
    first = int(np.floor(-radius_deg / ELEVATION_BIN_DEG - 0.5)) + 1
    return _shifted(_tail(dwell), first) + above[:, None]


def _disc_table(dwell, above, radius_deg):
    """Time-integrated visible fraction of the disc over a skyline at T."""
    reach = int(np.ceil(radius_deg / ELEVATION_BIN_DEG)) + 1
    table = _shifted(_tail(dwell), reach) + above[:, None]  # wholly above the skyline
    for m in range(-reach, reach):
        visible = segment_visible_fraction((m + 0.5) * ELEVATION_BIN_DEG, radius_deg)
        if visible > 0.0:
            table += visible * _shifted(dwell, m) * (np.arange(dwell.shape[1]) + m >= 0)
    return table


def illumination_map(
    dem: Dem,
    horizons: xr.Dataset,
    t: Time,
    *,
    ephemeris: Ephemeris,
) -> xr.Dataset:
    """Compute sunlit, mean visible-disc and Earth-visible fractions of every pixel.

    Parameters
    ----------
    dem : Dem
        The grid the horizon map was computed on.
    horizons : xarray.Dataset
        From :func:`moonbase.terrain.horizon.horizon_map` on ``dem``.
    t : Time
        Regularly spaced times covering the span (each stands for one step).
    ephemeris : Ephemeris
        From :func:`moonbase.geometry.ephemeris.load_ephemeris`.
    """
    rows, cols = dem.shape
    centre_x, centre_y = dem.x[cols // 2], dem.y[rows // 2]
    lon_c, lat_c = dem.to_lonlat(centre_x, centre_y)
    reference = SurfacePoint(float(lat_c), float(lon_c))
    convergence_c = float(horizons.grid_convergence_deg.values[rows // 2, cols // 2])
    tilt, toward = _pixel_tilts(dem, reference, convergence_c)

    # Beyond the window the reference sphere is assumed: no skyline below its geometric
    # horizon from each pixel's height above it (as for site skylines).
    height_m = float(horizons.attrs.get("observer_height_m", 0.0))
    above_sphere_m = np.maximum(dem.height_m.astype(np.float64), 0.0) + height_m
    dip = -np.degrees(np.arccos(MOON_RADIUS_M / (MOON_RADIUS_M + above_sphere_m)))
    skyline = np.maximum(horizons.horizon_deg.transpose("azimuth", "y", "x").values, dip)
    azimuths = horizons.azimuth_deg.values
    step_days = float(np.median(np.diff(t.tt))) if len(t.tt) > 1 else 1.0

    sun = moon_centred("sun", t, ephemeris=ephemeris).seen_from(reference)
    earth = moon_centred("earth", t, ephemeris=ephemeris).seen_from(reference)
    sun_el, sun_az, _ = sun.altaz()
    earth_el, earth_az, _ = earth.altaz()
    radius = float(np.mean(sun.angular_radius_deg))

    # Thresholds lie within the skyline range widened by the largest tilt.
    margin = float(np.degrees(tilt.max())) + 0.1
    low = float(np.nanmin(skyline)) - margin - radius
    high = float(np.nanmax(skyline)) + margin + radius
    edges = np.arange(low, high + ELEVATION_BIN_DEG, ELEVATION_BIN_DEG)
    sun_dwell, sun_above = _dwell(sun_el, sun_az + convergence_c, azimuths, edges, step_days)
    earth_dwell, earth_above = _dwell(
        earth_el, earth_az + convergence_c, azimuths, edges, step_days
    )
    tables = np.stack(
        [
            _sunlit_table(sun_dwell, sun_above, radius),
            _disc_table(sun_dwell, sun_above, radius),
            _shifted(_tail(earth_dwell), 0) + earth_above[:, None],
        ]
    )

    out = np.empty((3, rows, cols))
    _kernels.integrate_sky_tables(
        np.ascontiguousarray(skyline),
        tilt,
        toward,
        np.radians(azimuths),
        float(edges[0]),
        ELEVATION_BIN_DEG,
        tables,
        out,
    )
    total = step_days * len(t.tt)
    fractions = np.clip(out / total, 0.0, 1.0)
    data = {
        "sunlit_fraction": fractions[0],
        "mean_solar_visible_fraction": fractions[1],
        "earth_visible_fraction": fractions[2],
        "permanent_shadow": fractions[0] == 0.0,
    }
    return xr.Dataset(
        {
            name: (
                ("y", "x"),
                values,
                {"units": ILLUMINATION_ATTRS[name][0], "long_name": ILLUMINATION_ATTRS[name][1]},
            )
            for name, values in data.items()
        },
        coords={"x": horizons.x, "y": horizons.y},
        attrs={
            "crs_wkt": horizons.attrs.get("crs_wkt", ""),
            "start_utc": str(t[0].utc_iso()),
            "stop_utc": str(t[-1].utc_iso()),
            "step_days": step_days,
            "method": "sky histogram: dwell time by azimuth and elevation from the window "
            "centre, integrated against each pixel's tilted skyline",
        },
    )
