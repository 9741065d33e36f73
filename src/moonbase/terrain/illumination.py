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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr
from skyfield.timelib import Time

from moonbase.constants import MOON_RADIUS_M
from moonbase.environment.horizon import segment_visible_fraction
from moonbase.geometry.ephemeris import Ephemeris
from moonbase.geometry.sky import SurfacePoint, moon_centred
from moonbase.terrain import _kernels
from moonbase.terrain.dem import Dem
from moonbase.threads import in_threads, thread_groups

ELEVATION_BIN_DEG = 0.005

ILLUMINATION_ATTRS: dict[str, tuple[str, str]] = {
    "sunlit_fraction": ("1", "fraction of time some of the solar disc is above the skyline"),
    "mean_solar_visible_fraction": ("1", "time mean of the visible fraction of the solar disc"),
    "earth_visible_fraction": ("1", "fraction of time the Earth's centre is above the skyline"),
    "permanent_shadow": ("1", "no part of the solar disc ever visible over the span"),
}


def _pixel_tilts(lon_deg, lat_deg, reference: SurfacePoint, convergence_deg: float):
    """Angle between each pixel's vertical and the reference's, and its grid azimuth."""
    lat_r, lon_r = np.radians(lat_deg), np.radians(lon_deg)
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


@dataclass(frozen=True, eq=False)
class SkyTables:
    """Dwell-time tables of the Sun and Earth over a span, seen from a window's centre.

    Built once per window (:func:`sky_tables`); any block of the window's pixels is then
    integrated against them (:func:`integrate_block`), so tiles agree with the map.
    """

    reference: SurfacePoint
    convergence_deg: float  # grid azimuth of local north at the reference point
    azimuths_deg: np.ndarray
    tables: np.ndarray  # (azimuth, threshold, quantity): a lookup reads one cache line
    start_deg: float
    total_days: float
    attrs: dict


def sky_tables(dem: Dem, azimuths_deg: np.ndarray, t: Time, *, ephemeris: Ephemeris) -> SkyTables:
    """Place the Sun and Earth over ``t`` from the window's centre and tabulate dwell time.

    Thresholds span the bodies' own elevation range (with the solar radius and a
    margin), so the tables do not depend on any pixel's skyline: a threshold below
    them all sees the whole span, one above sees none.
    """
    rows, cols = dem.shape
    lon_c, lat_c = dem.to_lonlat(dem.x[cols // 2], dem.y[rows // 2])
    reference = SurfacePoint(float(lat_c), float(lon_c))
    convergence_c = float(dem.convergence_deg(float(lon_c), float(lat_c)))
    step_days = float(np.median(np.diff(t.tt))) if len(t.tt) > 1 else 1.0

    sun = moon_centred("sun", t, ephemeris=ephemeris).seen_from(reference)
    earth = moon_centred("earth", t, ephemeris=ephemeris).seen_from(reference)
    sun_el, sun_az, _ = sun.altaz()
    earth_el, earth_az, _ = earth.altaz()
    radius = float(np.mean(sun.angular_radius_deg))
    margin = radius + 2 * ELEVATION_BIN_DEG
    low = float(min(np.min(sun_el), np.min(earth_el))) - margin
    high = float(max(np.max(sun_el), np.max(earth_el))) + margin
    # Bin edges on a fixed lattice (multiples of the bin) so nearby spans line up.
    low = np.floor(low / ELEVATION_BIN_DEG) * ELEVATION_BIN_DEG
    edges = np.arange(low, high + ELEVATION_BIN_DEG, ELEVATION_BIN_DEG)
    azimuths = np.asarray(azimuths_deg, dtype=np.float64)
    sun_dwell, sun_above = _dwell(sun_el, sun_az + convergence_c, azimuths, edges, step_days)
    earth_dwell, earth_above = _dwell(
        earth_el, earth_az + convergence_c, azimuths, edges, step_days
    )
    tables = np.stack(
        [
            _sunlit_table(sun_dwell, sun_above, radius),
            _disc_table(sun_dwell, sun_above, radius),
            _shifted(_tail(earth_dwell), 0) + earth_above[:, None],
        ],
        axis=-1,
    )
    attrs = {
        "start_utc": str(t[0].utc_iso()),
        "stop_utc": str(t[-1].utc_iso()),
        "step_days": step_days,
        "method": "sky histogram: dwell time by azimuth and elevation from the window "
        "centre, integrated against each pixel's tilted skyline",
    }
    return SkyTables(
        reference, convergence_c, azimuths, tables, float(edges[0]), step_days * len(t.tt), attrs
    )


def integrate_block(
    dem: Dem,
    horizon_deg: np.ndarray,
    sky: SkyTables,
    *,
    height_m: float,
    rows: slice = slice(None),
    cols: slice = slice(None),
    threads: int | None = None,
) -> np.ndarray:
    """Fractions (sunlit, mean visible disc, Earth visible) of the block ``dem[rows, cols]``.

    ``horizon_deg`` holds the block's horizons (azimuth, y, x) on ``sky.azimuths_deg``.
    Beyond the terrain searched the reference sphere is assumed: no skyline below its
    geometric horizon from each pixel's height above it (as for site skylines).
    Every pixel is computed on its own, so a block equals that part of the whole map.
    Rows are shared among ``threads`` (default: one per core). Returns (3, y, x).
    """
    xx, yy = np.meshgrid(dem.x[cols], dem.y[rows])
    tilt, toward = _pixel_tilts(*dem.to_lonlat(xx, yy), sky.reference, sky.convergence_deg)
    above_sphere_m = np.maximum(dem.height_m[rows, cols].astype(np.float64), 0.0) + height_m
    dip = -np.degrees(np.arccos(MOON_RADIUS_M / (MOON_RADIUS_M + above_sphere_m)))
    out = np.empty((3, *tilt.shape))
    horizon_deg = np.ascontiguousarray(horizon_deg)  # float32 as computed; a block is copied
    azimuths_rad = np.radians(sky.azimuths_deg)

    def integrate(group: int, groups: int) -> None:
        _kernels.integrate_sky_tables(
            horizon_deg,
            dip,
            tilt,
            toward,
            azimuths_rad,
            sky.start_deg,
            ELEVATION_BIN_DEG,
            sky.tables,
            out,
            group,
            groups,
        )

    in_threads(integrate, thread_groups(threads, tilt.shape[0]))
    return np.clip(out / sky.total_days, 0.0, 1.0)


def illumination_dataset(fractions: np.ndarray, x, y, attrs: dict) -> xr.Dataset:
    """Label (3, y, x) fractions from :func:`integrate_block` as the maps' Dataset."""
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
        coords={
            "x": ("x", np.asarray(x), {"units": "m"}),
            "y": ("y", np.asarray(y), {"units": "m"}),
        },
        attrs=attrs,
    )


def illumination_map(
    dem: Dem,
    horizons: xr.Dataset,
    t: Time,
    *,
    ephemeris: Ephemeris,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
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
    threads : int, optional
        Threads sharing each block's rows (default: one per core).
    progress : callable, optional
        Called as ``progress(rows done, rows)``: at the start (the sky tables come
        first), then as blocks of rows are integrated.
    """
    rows = dem.shape[0]
    if progress is not None:
        progress(0, rows)
    sky = sky_tables(dem, horizons.azimuth_deg.values, t, ephemeris=ephemeris)
    skylines = horizons.horizon_deg.transpose("azimuth", "y", "x").values
    height_m = float(horizons.attrs.get("observer_height_m", 0.0))
    fractions = np.empty((3, *dem.shape))
    batch = -(-rows // 24)
    for start in range(0, rows, batch):
        block = slice(start, min(start + batch, rows))
        fractions[:, block] = integrate_block(
            dem, skylines[:, block], sky, height_m=height_m, rows=block, threads=threads
        )
        if progress is not None:
            progress(block.stop, rows)
    attrs = {"crs_wkt": horizons.attrs.get("crs_wkt", ""), **sky.attrs}
    if "near_field_px" in horizons.attrs:  # how the horizons were computed
        attrs["near_field_px"] = int(horizons.attrs["near_field_px"])
    return illumination_dataset(fractions, horizons.x.values, horizons.y.values, attrs)
