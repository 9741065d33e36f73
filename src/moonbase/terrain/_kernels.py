"""Numba kernels: the brute-force ray march (reference and single sites), shared ray
geometry, and the sky-table integration of illumination maps. Plain float arrays in SI
units; no objects. The horizon-map sweep is in ``_sweep``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NO_HORIZON = -np.inf


@njit(cache=True)
def bilinear(z, row, col):
    """Height at a fractional (row, col) inside the grid."""
    n_rows, n_cols = z.shape
    r0 = min(int(row), n_rows - 2)
    c0 = min(int(col), n_cols - 2)
    wr, wc = row - r0, col - c0
    return (1 - wr) * ((1 - wc) * z[r0, c0] + wc * z[r0, c0 + 1]) + wr * (
        (1 - wc) * z[r0 + 1, c0] + wc * z[r0 + 1, c0 + 1]
    )


@njit(cache=True)
def ray_direction(azimuth_rad):
    """Grid steps (d_col, d_row) along a grid azimuth, one whole column or row per step.

    The larger component is exactly +-1 (the ray crosses one column, or row, centre
    line per step); round-off such as cos 90 deg = 6e-17 is snapped to 0 so that
    axis-aligned rays stay on their rows.
    """
    sin_a, cos_a = math.sin(azimuth_rad), math.cos(azimuth_rad)
    sin_a = 0.0 if abs(sin_a) < 1e-12 else sin_a
    cos_a = 0.0 if abs(cos_a) < 1e-12 else cos_a
    if abs(sin_a) >= abs(cos_a):
        return (1.0 if sin_a > 0.0 else -1.0), -cos_a / abs(sin_a)
    return sin_a / abs(cos_a), (-1.0 if cos_a > 0.0 else 1.0)  # rows grow southward


@njit(cache=True, inline="always")
def _sample_elevation(radius_m, zs, z0, theta):
    """Exact elevation (rad) of a point at height zs, angle theta away, from height z0."""
    return math.atan2(
        (radius_m + zs) * math.cos(theta) - (radius_m + z0), (radius_m + zs) * math.sin(theta)
    )


@njit(cache=True)
def _march_one(z, zc, far, cmap, pixel_m, azimuth_rad, radius_m, z0, row, col):
    """Highest elevation (rad) along one ray from (row, col) at height z0, and where.

    The composite terrain: the fine grid ``z`` at every column (row) centre line the ray
    crosses inside the box of pixel centres; more than one coarse pixel past it, when
    ``far``, the coarse grid ``zc`` at every *coarse* column (row) centre line the ray
    crosses, until the ray leaves it. ``cmap = (cm_col, cm_row, s)`` maps fine (row, col) to coarse
    ``(cm_row + s row, cm_col + s col)``. Bilinear heights; exact sphere geometry.
    Returns the elevation (-inf if nothing lies ahead), the distance (m) of the highest
    point, and how far (m) the ray runs in the terrain.
    """
    n_rows, n_cols = z.shape
    dc, dr = ray_direction(azimuth_rad)
    step_m = math.hypot(dc, dr) * pixel_m
    best = NO_HORIZON
    best_d = 0.0
    k = 1
    while True:
        r = row + k * dr
        c = col + k * dc
        if r < 0.0 or c < 0.0 or r > n_rows - 1 or c > n_cols - 1:
            break
        theta = k * step_m / radius_m
        e = _sample_elevation(radius_m, bilinear(z, r, c), z0, theta)
        if e > best:
            best, best_d = e, k * step_m
        k += 1
    reach = (k - 1) * step_m
    if not far:
        return best, best_d, reach
    cm_col, cm_row, s = cmap[0], cmap[1], cmap[2]
    n_crows, n_ccols = zc.shape
    by_columns = abs(dc) == 1.0
    for index in range(n_ccols if by_columns else n_crows):
        # Fine steps to this coarse column (row) centre line.
        if by_columns:
            k_c = ((index - cm_col) / s - col) / dc
        else:
            k_c = ((index - cm_row) / s - row) / dr
        r = row + k_c * dr
        c = col + k_c * dc
        gap = max(1.0, 1.0 / s)  # far field starts one coarse pixel past the box
        if k_c <= 0.0 or not (r < -gap or c < -gap or r > n_rows - 1 + gap or c > n_cols - 1 + gap):
            continue
        coarse_r = cm_row + s * r
        coarse_c = cm_col + s * c
        if not (0.0 <= coarse_r <= n_crows - 1 and 0.0 <= coarse_c <= n_ccols - 1):
            continue
        theta = k_c * step_m / radius_m
        e = _sample_elevation(radius_m, bilinear(zc, coarse_r, coarse_c), z0, theta)
        if e > best:
            best, best_d = e, k_c * step_m
        reach = max(reach, k_c * step_m)
    return best, best_d, reach


@njit(cache=True, nogil=True)
def ray_march(
    z,
    zc,
    far,
    cmap,
    pixel_m,
    azimuths_rad,
    radius_m,
    observer_m,
    rows,
    cols,
    out_deg,
    out_m,
    group,
    groups,
):
    """Brute-force reference: march each ray over the composite terrain (see ``_march_one``).

    For the pixels ``(rows[i], cols[i])``, ``i = group, group + groups, ...``, and every
    azimuth, fills ``out_deg[i, a]`` (-inf where nothing lies ahead) and ``out_m[i, a]``,
    the distance of the highest point. O(N) per pixel-azimuth for a ray of N steps. The
    GIL is released, so groups run in parallel in threads of their own.
    """
    for i in range(group, rows.shape[0], groups):
        z0 = z[rows[i], cols[i]] + observer_m
        for a in range(azimuths_rad.shape[0]):
            best, best_d, _ = _march_one(
                z,
                zc,
                far,
                cmap,
                pixel_m,
                azimuths_rad[a],
                radius_m,
                z0,
                float(rows[i]),
                float(cols[i]),
            )
            out_deg[i, a] = math.degrees(best) if best != NO_HORIZON else NO_HORIZON
            out_m[i, a] = best_d


@njit(cache=True)
def ray_march_point(z, zc, far, cmap, pixel_m, azimuths_rad, radius_m, observer_m, row, col):
    """Horizon (deg, -90 where nothing lies ahead) at one fractional position (row, col)."""
    z0 = bilinear(z, row, col) + observer_m
    out = np.empty(azimuths_rad.shape[0])
    for a in range(azimuths_rad.shape[0]):
        best, _, _ = _march_one(z, zc, far, cmap, pixel_m, azimuths_rad[a], radius_m, z0, row, col)
        out[a] = math.degrees(best) if best != NO_HORIZON else -90.0
    return out


@njit(cache=True, inline="always", error_model="numpy")
def _atan_reduced(x):
    """atan(x) for |x| <= tan(pi/8) = 0.4142: its Taylor series to x**19 (the first term
    left out, x**21 / 21, is below 5e-10 there)."""
    x2 = x * x
    c = (1.0, -1 / 3, 1 / 5, -1 / 7, 1 / 9, -1 / 11, 1 / 13, -1 / 15, 1 / 17, -1 / 19)
    series = c[9]
    for n in range(8, -1, -1):  # Horner's rule, unrolled by the compiler
        series = c[n] + x2 * series
    return x * series


@njit(cache=True, inline="always", error_model="numpy")
def _atan(x):
    """atan(x), within 2e-9 rad: halved twice (``atan(x) = 2 atan(x / (1 + sqrt(1 +
    x^2)))``) into the reduced series' range. Arithmetic and square roots only, so a
    loop of it vectorises, unlike calls to the C library."""
    x = x / (1.0 + math.sqrt(1.0 + x * x))
    return 4.0 * _atan_reduced(x / (1.0 + math.sqrt(1.0 + x * x)))


@njit(cache=True, inline="always", error_model="numpy")
def _asin(y):
    """asin(y) for |y| <= 1, within 2e-9 rad: ``2 atan(y / (1 + sqrt(1 - y^2)))``,
    halved once more into the reduced series' range."""
    x = y / (1.0 + math.sqrt(1.0 - y * y))
    return 4.0 * _atan_reduced(x / (1.0 + math.sqrt(1.0 + x * x)))


@njit(cache=True, inline="always", error_model="numpy")
def _sin(x):
    """sin(x) for |x| <= pi/2: its Taylor series to x**15 (the first term left out is
    below 1e-11 there)."""
    x2 = x * x
    c = (1.0, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800, 1 / 6227020800,
         -1 / 1307674368000)  # fmt: skip
    series = c[7]
    for n in range(6, -1, -1):
        series = c[n] + x2 * series
    return x * series


@njit(cache=True, nogil=True, error_model="numpy")
def integrate_sky_tables(
    horizon_deg,
    floor_deg,
    tilt_rad,
    tilt_azimuth_rad,
    azimuths_rad,
    table_start_deg,
    table_step_deg,
    tables,
    out,
    group,
    groups,
):
    """Integrate each pixel's skyline against per-azimuth tables of the sky's dwell time.

    ``tables[a, j, k]`` is the time-weighted amount of quantity ``k`` (seen from the
    window's reference point) for a body at azimuth ``a`` if the skyline there stood at
    elevation ``table_start_deg + j * table_step_deg``. A pixel's skyline is
    ``max(horizon_deg[a, row, col], floor_deg[row, col])`` (NaN horizons give NaN). A
    pixel whose local vertical is tilted by ``tilt_rad`` toward grid azimuth
    ``tilt_azimuth_rad`` sees a body at reference elevation ``e`` and azimuth ``A`` at
    elevation ``asin(sin(e) cos(tilt) + cos(e) sin(tilt) cos(A - psi))``; its skyline
    ``H`` therefore maps to the reference threshold ``asin(sin H / m) -
    atan2(sin(tilt) cos(A - psi), cos(tilt))`` with ``m = hypot(...)`` of the same two
    terms. Fills ``out[k, row, col]`` for the rows ``group, group + groups, ...`` (the
    GIL is released, so groups run in parallel in threads of their own).

    A row of pixels at a time, azimuth by azimuth, so the horizons are read in memory
    order (the map is azimuth-major). A row's thresholds are computed first, in a loop
    of arithmetic that vectorises (series for sin, asin and atan, within 2e-9 rad; the
    tables' bins are 9e-5 rad wide), then looked up: the quantities are the tables'
    last axis, so one lookup reads one cache line, not one per quantity.
    """
    n_az, n_steps, n_tables = tables.shape
    n_rows, n_cols = tilt_rad.shape
    for row in range(group, n_rows, groups):
        sin_t = np.sin(tilt_rad[row])
        cos_t = np.cos(tilt_rad[row])
        cos_psi = np.cos(tilt_azimuth_rad[row])
        sin_psi = np.sin(tilt_azimuth_rad[row])
        acc = np.zeros((n_tables, n_cols))
        missing = np.zeros(n_cols, dtype=np.bool_)
        position = np.empty(n_cols)
        for a in range(n_az):
            cos_a, sin_a = math.cos(azimuths_rad[a]), math.sin(azimuths_rad[a])
            for col in range(n_cols):
                h = horizon_deg[a, row, col]
                missing[col] |= math.isnan(h)
                h = h if h > floor_deg[row, col] else floor_deg[row, col]  # NaN: the floor
                # sin_t cos(A - psi), expanded so no trigonometry per pixel-azimuth.
                p = sin_t[col] * (cos_a * cos_psi[col] + sin_a * sin_psi[col])
                m = math.sqrt(p * p + cos_t[col] * cos_t[col])
                y = min(max(_sin(h * (math.pi / 180.0)) / m, -1.0), 1.0)
                threshold = (_asin(y) - _atan(p / cos_t[col])) * (180.0 / math.pi)
                x = (threshold - table_start_deg) / table_step_deg
                position[col] = min(max(x, 0.0), n_steps - 1.0)
            for col in range(n_cols):
                x = position[col]
                j = min(int(x), n_steps - 2)
                w = x - j
                for k in range(n_tables):
                    acc[k, col] += (1.0 - w) * tables[a, j, k] + w * tables[a, j + 1, k]
        for col in range(n_cols):
            for k in range(n_tables):
                out[k, row, col] = np.nan if missing[col] else acc[k, col]
