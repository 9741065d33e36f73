"""Numba kernels for horizon maps. Plain float arrays in SI units; no objects.

Horizon along one azimuth (Dozier & Frew 1990 line sweep, with curvature and
interpolated lines):

* Rays of one azimuth are parallel lines over the grid. Along the major axis
  (columns, after transposing when the azimuth is nearer north-south) a ray advances
  one column per step; its row moves by ``t`` (|t| <= 1). Lines with integer
  intercepts ``b`` (row at column 0) cover the grid; heights along a line are
  interpolated linearly between the two rows it crosses.
* Curvature: with ``u`` the distance along the line and ``z' = z - u^2 / (2R)``,
  the elevation slope from an observer at ``u0`` to a point at ``u`` is
  ``(z'(u) - z'0) / (u - u0) + u0 / R`` (the parabolic drop ``d^2 / 2R``, exact to
  ``d^4 / 8R^3``: 2.4 m at 100 km, 0.0014 deg). The added term is the same for
  every target point, so the highest slope is still found on the upper convex hull
  of the ``(u, z')`` points beyond the observer.
* Far part: each line is swept from its far end toward its near end, keeping the
  upper hull of the points more than ``near`` columns beyond the current one
  (amortised O(1) per point); the tangent from the line's own sample, lifted by the
  observer height, is found by walking from the previous tangent. A pixel lies
  between lines ``floor(b)`` and ``floor(b) + 1``: the two lines' far horizons are
  corrected to first order for the pixel's own height (``+ (z_line - z_pixel) / D``
  for a tangent at distance ``D``) and interpolated by the pixel's position between
  them, which cancels terrain that varies linearly across the lines.
* Near part: the pixel's own ray, sampled exactly at the next ``near`` columns.
  Lateral interpolation is worst close in (its error scales with 1 px over the
  tangent distance), so the first columns are never interpolated.

Cost per azimuth: O(P (1 + near)) for P pixels, against O(P N) for a ray march of N
steps: the sweep's work does not grow with the horizon distance.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

NO_HORIZON = -np.inf


@njit(cache=True, inline="always")
def _lerp_rows(z, r, col):
    """Height at fractional row ``r`` (0 <= r <= rows - 1) of column ``col``."""
    n_rows = z.shape[0]
    if n_rows == 1:
        return z[0, col]
    r0 = min(int(r), n_rows - 2)
    w = r - r0
    return (1.0 - w) * z[r0, col] + w * z[r0 + 1, col]


@njit(cache=True, inline="always")
def fast_atan_deg(x):
    """atan(x) in degrees to within 1e-5 rad (6e-4 deg): a minimax polynomial."""
    if math.isnan(x):
        return np.nan
    if x == NO_HORIZON:
        return -90.0
    invert = abs(x) > 1.0
    a = 1.0 / x if invert else x
    a2 = a * a
    p = a * (
        0.99997726
        + a2
        * (
            -0.33262347
            + a2 * (0.19354346 + a2 * (-0.11643287 + a2 * (0.05265332 + a2 * -0.01172120)))
        )
    )
    if invert:
        p = (math.pi / 2.0 if x > 0.0 else -math.pi / 2.0) - p
    return p * (180.0 / math.pi)


@njit(cache=True)
def _line_far_horizons(
    z,
    t,
    b,
    forward,
    step_m,
    inv_2r,
    observer_m,
    near,
    hull_u,
    hull_z,
    ring_u,
    ring_z,
    height,
    slope,
    dist,
):
    """Sweep one line (row = b + t * col) from its far end; fill its far horizon per column.

    ``height[col]`` is the line's height there (NaN off the grid); ``slope[col]`` the
    highest slope (curvature term included) from that sample, lifted by
    ``observer_m``, to the line's points more than ``near`` columns beyond;
    ``dist[col]`` the distance to that tangent point (-inf slope: nothing that far).
    """
    n_rows, n_cols = z.shape
    size = 0
    j = 0
    lag = near + 1
    for k in range(n_cols):
        col = n_cols - 1 - k if forward else k
        # Admit to the hull the sample `lag` columns farther out, taken earlier.
        if k >= lag:
            slot = (k - lag) % lag
            u_new, z_new = ring_u[slot], ring_z[slot]
            if math.isfinite(z_new):
                # Keep the upper hull: drop the nearest vertex while it lies on or
                # below the segment from the new point to the vertex beyond it.
                while (
                    size >= 2
                    and (hull_u[size - 1] - u_new) * (hull_z[size - 2] - z_new)
                    - (hull_z[size - 1] - z_new) * (hull_u[size - 2] - u_new)
                    >= 0.0
                ):
                    size -= 1
                hull_u[size] = u_new
                hull_z[size] = z_new
                size += 1
        u = (n_cols - 1 - k) * step_m  # distance from the line's near end
        r = b + t * col
        zs = np.nan
        if -1e-9 <= r <= n_rows - 1 + 1e-9:
            zs = _lerp_rows(z, min(max(r, 0.0), n_rows - 1.0), col)
        height[col] = zs
        zp = zs - u * u * inv_2r
        ring_u[k % lag] = u
        ring_z[k % lag] = zp
        if not math.isfinite(zp) or size == 0:
            slope[col] = NO_HORIZON
            dist[col] = np.inf
            continue
        # Slopes from the observer to the hull's vertices rise, then fall (index 0 is
        # the farthest): walk from the last tangent to the peak.
        zo = zp + observer_m
        j = min(j, size - 1)
        best = (hull_z[j] - zo) / (hull_u[j] - u)
        while j > 0:
            farther = (hull_z[j - 1] - zo) / (hull_u[j - 1] - u)
            if farther < best:
                break
            best = farther
            j -= 1
        while j < size - 1:
            nearer = (hull_z[j + 1] - zo) / (hull_u[j + 1] - u)
            if nearer <= best:
                break
            best = nearer
            j += 1
        slope[col] = best + u * 2.0 * inv_2r  # + u0 / R, see the module notes
        dist[col] = hull_u[j] - u


@njit(cache=True)
def _sweep(z, pixel_m, t, forward, radius_m, observer_m, near, buffers, out, transposed):
    """Horizon elevations (deg) for rays along +columns (forward) or -columns of ``z``.

    Rows move by ``t`` per column. Writes ``out[row, col]``, or ``out[col, row]`` when
    ``transposed`` (``z`` is then the transpose of the caller's grid).
    """
    n_rows, n_cols = z.shape
    step_m = pixel_m * math.sqrt(1.0 + t * t)
    inv_2r = 0.5 / radius_m
    if t >= 0.0:
        b_min = math.floor(-t * (n_cols - 1)) - 1
        b_max = n_rows
    else:
        b_min = -1
        b_max = math.ceil((n_rows - 1) - t * (n_cols - 1)) + 1
    n_lines = b_max - b_min + 1
    hull_u, hull_z, ring_u, ring_z, height, slope, dist = buffers
    for line in range(n_lines):
        _line_far_horizons(
            z,
            t,
            float(b_min + line),
            forward,
            step_m,
            inv_2r,
            observer_m,
            near,
            hull_u,
            hull_z,
            ring_u,
            ring_z,
            height[line, :n_cols],
            slope[line, :n_cols],
            dist[line, :n_cols],
        )

    sign = 1 if forward else -1
    # Near-field constants per step: 1 / distance and the curvature drop over distance.
    inv_d = np.empty(near + 1)
    drop = np.empty(near + 1)
    for k in range(1, near + 1):
        inv_d[k] = 1.0 / (k * step_m)
        drop[k] = k * step_m * inv_2r
    row_step = t * sign
    for row in range(n_rows):
        # Steps before the ray leaves through the top or bottom edge (rows move by t).
        if row_step > 1e-12:
            k_rows = int((n_rows - 1 - row + 1e-9) / row_step)
        elif row_step < -1e-12:
            k_rows = int((row + 1e-9) / -row_step)
        else:
            k_rows = near + 1
        for col in range(n_cols):
            z0 = z[row, col]
            if not math.isfinite(z0):
                best = np.nan
            else:
                k_cols = n_cols - 1 - col if forward else col
                k_max = min(near, k_cols, k_rows)
                best = NO_HORIZON
                # Far part, only where the pixel's own ray is still on the grid.
                if min(k_cols, k_rows) >= near + 1:
                    b = row - t * col
                    b0 = math.floor(b)
                    frac = b - b0
                    acc = 0.0
                    total = 0.0
                    for line, weight in ((b0 - b_min, 1.0 - frac), (b0 + 1 - b_min, frac)):
                        s = slope[line, col]
                        if weight > 1e-12 and s != NO_HORIZON:
                            acc += weight * (s + (height[line, col] - z0) / dist[line, col])
                            total += weight
                    if total > 0.0:
                        best = acc / total
                # Near part: the pixel's own ray, exactly, over the next `near` columns.
                zo = z0 + observer_m
                for k in range(1, k_max + 1):
                    r = min(max(row + row_step * k, 0.0), n_rows - 1.0)
                    s_near = (_lerp_rows(z, r, col + sign * k) - zo) * inv_d[k] - drop[k]
                    if s_near > best:
                        best = s_near
            if transposed:
                out[col, row] = fast_atan_deg(best)
            else:
                out[row, col] = fast_atan_deg(best)


@njit(cache=True)
def _buffers(n_major, n_lines, near):
    return (
        np.empty(n_major),
        np.empty(n_major),
        np.empty(near + 1),
        np.empty(near + 1),
        np.empty((n_lines, n_major)),
        np.empty((n_lines, n_major)),
        np.empty((n_lines, n_major)),
    )


@njit(cache=True)
def horizon_one_azimuth(z, z_t, pixel_m, azimuth_rad, radius_m, observer_m, near, buffers, out):
    """Fill ``out`` (rows x cols, deg) with horizon elevations along one grid azimuth.

    ``z`` has row 0 at the top (north) and ``z_t`` is its contiguous transpose; the
    azimuth is clockwise from grid north (+y). Pixels with nothing ahead get -90; no
    data, NaN.
    """
    d_col = math.sin(azimuth_rad)
    d_row = -math.cos(azimuth_rad)  # rows grow southward
    # Snap round-off (cos 90 deg = 6e-17) so axis-aligned rays stay on their rows.
    d_col = 0.0 if abs(d_col) < 1e-12 else d_col
    d_row = 0.0 if abs(d_row) < 1e-12 else d_row
    if abs(d_col) >= abs(d_row):
        _sweep(
            z, pixel_m, d_row / d_col, d_col > 0.0, radius_m, observer_m, near, buffers, out, False
        )
    else:
        _sweep(
            z_t, pixel_m, d_col / d_row, d_row > 0.0, radius_m, observer_m, near, buffers, out, True
        )


@njit(cache=True, parallel=True)
def horizon_map(z, pixel_m, azimuths_rad, radius_m, observer_m, near, out, chunks):
    """Fill ``out`` (azimuth x rows x cols, deg) for every azimuth.

    Azimuths are split into ``chunks`` groups run in parallel, each reusing its buffers.
    """
    n_rows, n_cols = z.shape
    z_t = np.ascontiguousarray(z.T)
    n_major = max(n_rows, n_cols)
    n_lines = n_rows + n_cols + 4
    n_az = azimuths_rad.shape[0]
    for chunk in prange(chunks):
        buffers = _buffers(n_major, n_lines, near)
        for a in range(chunk, n_az, chunks):
            horizon_one_azimuth(
                z, z_t, pixel_m, azimuths_rad[a], radius_m, observer_m, near, buffers, out[a]
            )


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
def _march_one(z, pixel_m, azimuth_rad, radius_m, z0, row, col, step_px):
    """Highest elevation (rad) along one ray from (row, col) at height z0, and where.

    Steps of ``step_px`` pixels, or from one column (row) centre line to the next when
    ``step_px <= 0``; bilinear heights; exact sphere geometry. Returns the elevation
    (-inf if the ray leaves at once), the step index of the highest point, and the
    number of steps inside the grid.
    """
    n_rows, n_cols = z.shape
    sin_a, cos_a = math.sin(azimuth_rad), math.cos(azimuth_rad)
    step = step_px if step_px > 0.0 else 1.0 / max(abs(sin_a), abs(cos_a))
    dc = 0.0 if abs(sin_a * step) < 1e-12 else sin_a * step
    dr = 0.0 if abs(cos_a * step) < 1e-12 else -cos_a * step
    best = NO_HORIZON
    best_k = 0
    k = 1
    while True:
        r = row + k * dr
        c = col + k * dc
        if r < 0.0 or c < 0.0 or r > n_rows - 1 or c > n_cols - 1:
            break
        zs = bilinear(z, r, c)
        theta = k * step * pixel_m / radius_m
        e = math.atan2(
            (radius_m + zs) * math.cos(theta) - (radius_m + z0), (radius_m + zs) * math.sin(theta)
        )
        if e > best:
            best = e
            best_k = k
        k += 1
    return best, best_k, k - 1


@njit(cache=True, parallel=True)
def ray_march(
    z, pixel_m, azimuths_rad, radius_m, observer_m, rows, cols, step_px, out_deg, out_steps
):
    """Brute-force reference: march each ray with bilinear heights and exact sphere geometry.

    For the pixels ``(rows[i], cols[i])``, every azimuth, steps of ``step_px`` pixels
    (or, when ``step_px <= 0``, from one column or row centre line to the next) to the
    grid's edge; the elevation of each sample seen from the observer on a sphere
    of radius ``radius_m`` is ``atan2((R+z) cos(th) - (R+z0+h), (R+z) sin(th))`` with
    ``th = d / R``. Fills ``out_deg[i, a]`` (-inf where the ray leaves at once) and
    ``out_steps[i, a]``: how far along the ray the highest point is, over how far the
    ray runs inside the grid (0..1).
    """
    for i in prange(rows.shape[0]):
        z0 = z[rows[i], cols[i]] + observer_m
        for a in range(azimuths_rad.shape[0]):
            best, best_k, steps = _march_one(
                z, pixel_m, azimuths_rad[a], radius_m, z0, float(rows[i]), float(cols[i]), step_px
            )
            out_deg[i, a] = math.degrees(best) if best != NO_HORIZON else NO_HORIZON
            out_steps[i, a] = best_k / max(steps, 1)


@njit(cache=True)
def ray_march_point(z, pixel_m, azimuths_rad, radius_m, observer_m, row, col):
    """Horizon (deg, -90 where nothing lies ahead) at one fractional position (row, col).

    Column (row) steps, as the map kernel samples (see :func:`ray_march`).
    """
    z0 = bilinear(z, row, col) + observer_m
    out = np.empty(azimuths_rad.shape[0])
    for a in range(azimuths_rad.shape[0]):
        best, _, _ = _march_one(z, pixel_m, azimuths_rad[a], radius_m, z0, row, col, 0.0)
        out[a] = math.degrees(best) if best != NO_HORIZON else -90.0
    return out


@njit(cache=True, parallel=True)
def integrate_sky_tables(
    horizon_deg,
    tilt_rad,
    tilt_azimuth_rad,
    azimuths_rad,
    table_start_deg,
    table_step_deg,
    tables,
    out,
):
    """Integrate each pixel's skyline against per-azimuth tables of the sky's dwell time.

    ``tables[k, a, j]`` is the time-weighted amount of quantity ``k`` (seen from the
    window's reference point) for a body at azimuth ``a`` if the skyline there stood at
    elevation ``table_start_deg + j * table_step_deg``. A pixel whose local vertical is
    tilted by ``tilt_rad`` toward grid azimuth ``tilt_azimuth_rad`` sees a body at
    reference elevation ``e`` and azimuth ``A`` at elevation ``asin(sin(e) cos(tilt) +
    cos(e) sin(tilt) cos(A - psi))``; its skyline ``H`` therefore maps to the reference
    threshold ``asin(sin H / m) - atan2(sin(tilt) cos(A - psi), cos(tilt))`` with
    ``m = hypot(...)`` of the same two terms. Fills ``out[k, row, col]``.
    """
    n_tables, n_az, n_steps = tables.shape
    n_rows, n_cols = tilt_rad.shape
    for row in prange(n_rows):
        for col in range(n_cols):
            for k in range(n_tables):
                out[k, row, col] = 0.0
            sin_t = math.sin(tilt_rad[row, col])
            cos_t = math.cos(tilt_rad[row, col])
            for a in range(n_az):
                h = horizon_deg[a, row, col]
                if math.isnan(h):
                    for k in range(n_tables):
                        out[k, row, col] = np.nan
                    break
                p = sin_t * math.cos(azimuths_rad[a] - tilt_azimuth_rad[row, col])
                m = math.sqrt(p * p + cos_t * cos_t)
                threshold = math.degrees(
                    math.asin(max(-1.0, min(1.0, math.sin(math.radians(h)) / m)))
                    - math.atan2(p, cos_t)
                )
                x = (threshold - table_start_deg) / table_step_deg
                if x <= 0.0:
                    j, w = 0, 0.0
                elif x >= n_steps - 1:
                    j, w = n_steps - 2, 1.0
                else:
                    j = int(x)
                    w = x - j
                for k in range(n_tables):
                    out[k, row, col] += (1.0 - w) * tables[k, a, j] + w * tables[k, a, j + 1]
