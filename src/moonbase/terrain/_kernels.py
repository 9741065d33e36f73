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
* Sweeping the columns from the far end toward the near end, each line keeps the
  upper hull of the points already passed (amortised O(1) per point). A pixel lies
  between lines ``floor(b)`` and ``floor(b) + 1``; its tangent to each hull is found by
  binary search from its own true height, and the two slopes are interpolated by
  the pixel's position between the lines.

Cost per azimuth: O(P log H) for P pixels and hulls of H points, against O(P N)
for a ray march of N steps.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

NO_HORIZON = -np.inf


@njit(cache=True)
def _sweep_major_columns(z, step_m, t, forward, radius_m, observer_m, out_slope):
    """Horizon slopes for rays along +columns (forward) or -columns, rows moving by t."""
    n_rows, n_cols = z.shape
    # Line intercepts b = row - t * col over the grid, padded by one line each side.
    if t >= 0.0:
        b_min = math.floor(-t * (n_cols - 1)) - 1
        b_max = n_rows
    else:
        b_min = -1
        b_max = math.ceil((n_rows - 1) - t * (n_cols - 1)) + 1
    n_lines = b_max - b_min + 1
    hull_u = np.empty((n_lines, n_cols))
    hull_z = np.empty((n_lines, n_cols))
    size = np.zeros(n_lines, dtype=np.int64)
    # Horizon slope of each line's own sample at each column (NaN: no sample there).
    line_slope = np.full((n_lines, n_cols), np.nan)
    inv_2r = 0.5 / radius_m

    for k in range(n_cols):
        col = n_cols - 1 - k if forward else k
        u = col * step_m if forward else (n_cols - 1 - col) * step_m
        for line in range(n_lines):
            r = (b_min + line) + t * col
            if r < -1e-9 or r > n_rows - 1 + 1e-9:
                continue
            r = min(max(r, 0.0), n_rows - 1.0)
            r0 = min(int(r), n_rows - 2) if n_rows > 1 else 0  # r >= 0 here
            w = r - r0
            zs = (1.0 - w) * z[r0, col] + w * z[r0 + 1, col] if n_rows > 1 else z[0, col]
            if not math.isfinite(zs):
                continue
            zp = zs - u * u * inv_2r
            n = size[line]
            hu = hull_u[line]
            hz = hull_z[line]
            # Keep the upper hull: drop the nearest vertex while it lies on or below
            # the segment from the new point to the vertex beyond it.
            while (
                n >= 2
                and (hu[n - 1] - u) * (hz[n - 2] - zp) - (hz[n - 1] - zp) * (hu[n - 2] - u) >= 0.0
            ):
                n -= 1
            if n > 0:
                # The nearest vertex is the tangent from the point itself; from the
                # observer standing observer_m above it the tangent can only lie
                # farther out: walk outward while the slope still rises.
                zo = zp + observer_m
                j = n - 1
                best = (hz[j] - zo) / (hu[j] - u)
                while j > 0:
                    farther = (hz[j - 1] - zo) / (hu[j - 1] - u)
                    if farther < best:
                        break
                    best = farther
                    j -= 1
                line_slope[line, col] = best + u / radius_m
            else:
                line_slope[line, col] = NO_HORIZON
            hu[n] = u
            hz[n] = zp
            size[line] = n + 1

    # Each pixel lies between two lines at its own column: interpolate their horizons.
    for row in range(n_rows):
        for col in range(n_cols):
            if not math.isfinite(z[row, col]):
                out_slope[row, col] = np.nan
                continue
            b = row - t * col
            b0 = math.floor(b)
            frac = b - b0
            s0 = line_slope[b0 - b_min, col]
            s1 = line_slope[b0 + 1 - b_min, col] if frac > 1e-12 else s0
            if math.isnan(s0):
                s0 = s1
            if math.isnan(s1):
                s1 = s0
            if s0 == NO_HORIZON or s1 == NO_HORIZON:
                out_slope[row, col] = max(s0, s1)
            else:
                out_slope[row, col] = (1.0 - frac) * s0 + frac * s1


@njit(cache=True)
def horizon_one_azimuth(z, pixel_m, azimuth_rad, radius_m, observer_m, out_deg):
    """Fill ``out_deg`` (rows x cols) with horizon elevations (deg) along one grid azimuth.

    ``z`` has row 0 at the top (north); the azimuth is clockwise from grid north (+y).
    Pixels with no terrain ahead get -inf; pixels with no data get NaN.
    """
    east = math.sin(azimuth_rad)
    north = math.cos(azimuth_rad)
    d_col, d_row = east, -north  # rows grow southward
    # Snap round-off (cos 90 deg = 6e-17) so axis-aligned rays stay on their rows.
    if abs(d_col) < 1e-12:
        d_col = 0.0
    if abs(d_row) < 1e-12:
        d_row = 0.0
    slope = np.empty(z.shape)
    if abs(d_col) >= abs(d_row):
        t = d_row / d_col
        step = pixel_m * math.sqrt(1.0 + t * t)
        _sweep_major_columns(z, step, t, d_col > 0.0, radius_m, observer_m, slope)
    else:
        t = d_col / d_row
        step = pixel_m * math.sqrt(1.0 + t * t)
        slope_t = np.empty((z.shape[1], z.shape[0]))
        _sweep_major_columns(
            np.ascontiguousarray(z.T), step, t, d_row > 0.0, radius_m, observer_m, slope_t
        )
        slope[:, :] = slope_t.T
    # The line step is the distance per column; slopes are rise over distance.
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out_deg[i, j] = math.degrees(math.atan(slope[i, j]))


@njit(cache=True, parallel=True)
def horizon_map(z, pixel_m, azimuths_rad, radius_m, observer_m, out_deg):
    """Fill ``out_deg`` (azimuth x rows x cols) for every azimuth, in parallel."""
    for a in prange(azimuths_rad.shape[0]):
        horizon_one_azimuth(z, pixel_m, azimuths_rad[a], radius_m, observer_m, out_deg[a])


@njit(cache=True, parallel=True)
def ray_march(
    z, pixel_m, azimuths_rad, radius_m, observer_m, rows, cols, step_px, out_deg, out_steps
):
    """Brute-force reference: march each ray with bilinear heights and exact sphere geometry.

    For the pixels ``(rows[i], cols[i])``, every azimuth, steps of ``step_px`` pixels
    to the grid's edge; the elevation of each sample seen from the observer on a sphere
    of radius ``radius_m`` is ``atan2((R+z) cos(th) - (R+z0+h), (R+z) sin(th))`` with
    ``th = d / R``. Fills ``out_deg[i, a]`` (-inf where the ray leaves at once) and
    ``out_steps[i, a]``: how far along the ray the highest point is, over how far the
    ray runs inside the grid (0..1).
    """
    n_rows, n_cols = z.shape
    for i in prange(rows.shape[0]):
        r_obs, c_obs = rows[i], cols[i]
        z0 = z[r_obs, c_obs] + observer_m
        for a in range(azimuths_rad.shape[0]):
            dc = math.sin(azimuths_rad[a]) * step_px
            dr = -math.cos(azimuths_rad[a]) * step_px
            dc = 0.0 if abs(dc) < 1e-12 else dc
            dr = 0.0 if abs(dr) < 1e-12 else dr
            best = NO_HORIZON
            best_k = 0
            k = 1
            while True:
                r = r_obs + k * dr
                c = c_obs + k * dc
                if r < 0.0 or c < 0.0 or r > n_rows - 1 or c > n_cols - 1:
                    break
                r0 = min(int(r), n_rows - 2)
                c0 = min(int(c), n_cols - 2)
                wr, wc = r - r0, c - c0
                zs = (1 - wr) * ((1 - wc) * z[r0, c0] + wc * z[r0, c0 + 1]) + wr * (
                    (1 - wc) * z[r0 + 1, c0] + wc * z[r0 + 1, c0 + 1]
                )
                theta = k * step_px * pixel_m / radius_m
                rise = (radius_m + zs) * math.cos(theta) - (radius_m + z0)
                run = (radius_m + zs) * math.sin(theta)
                e = math.atan2(rise, run)
                if e > best:
                    best = e
                    best_k = k
                k += 1
            out_deg[i, a] = math.degrees(best) if best != NO_HORIZON else NO_HORIZON
            out_steps[i, a] = best_k / max(k - 1, 1)
