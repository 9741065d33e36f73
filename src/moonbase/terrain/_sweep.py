"""Numba kernel for horizon maps: a line sweep that proposes, exact samples that decide.

Plain float arrays in SI units; no objects. Notation: every azimuth is swept "forward"
along the major axis ``m`` of one of four oriented copies of the grids (as is, major
axis reversed, transposed, transposed and reversed), so a ray advances one column of
``m`` per step while its minor coordinate ``r`` moves by ``tt`` (``|tt| <= 1``).

Terrain is a *composite*: the fine grid inside its box of pixel centres, sampled where
a ray crosses fine column centre lines; more than one coarse pixel outside that box, an
optional coarser grid (the far field), sampled where the ray crosses *its* column
centre lines. Heights between rows are linear (the bilinear surface on a column line).

Geometry is the exact sphere: a sample at distance ``d`` along the grid ray, height
``z``, seen from height ``z0 + h``, stands at elevation ``atan2((R + z) cos(d/R) -
(R + z0 + h), (R + z) sin(d/R))`` - the brute-force reference's formula.

Per azimuth:

1. *Lines* with integer intercepts ``b`` (``r = b + tt * m``) are swept from their far
   end. Each keeps the upper convex hull of its samples placed in the plane of the ray,
   ``X = (R + z) sin(u/R)``, ``Y = (R + z) cos(u/R) - R`` (``u`` the distance along the
   line); an observer on the line sees its highest sample at the hull vertex of
   steepest slope from it (exact, since the observer's local horizontal is a rotation
   of the same plane), found by walking from the last tangent (amortised O(1)).
   Samples enter the hull ``near`` columns behind the observer. Each line records, per
   column, *which sample* is its tangent (a fine column, or a coarse column).
2. *Pixels*: each pixel's own ray is sampled exactly over the next ``near`` columns
   (vectorised along grid rows), then at what the two lines that bracket it propose.
   Both propose fine columns at most one apart (most pixels): the own ray at those
   columns, once when they agree (the tangent moves a little between parallel rays,
   and the pixel lies between them). Further apart (the lines see different
   features): each column and its two neighbours, and the own ray's last sample
   inside the window. A coarse column: that coarse sample on the own ray. When a
   proposal lies past the own ray's way out of the window (rays nearly along an
   edge), every own-ray sample left in the window and the first far-field columns
   instead. Where a bracketing line runs outside the grid's rows (it has no samples
   there: near the own ray's way out through them, and from the first or last row),
   the own ray is sampled all along that stretch. The result is the highest
   of these exact samples: never above the brute-force answer, and equal to it
   whenever the pixel's true tangent is among them. Rows of pixels are classified
   in one pass that evaluates the common cases (fine columns at most one apart,
   coarse columns) at once and lists the others.

Cost per azimuth O(P (1 + near + ~5)) for P pixels, whatever the horizon distance; a
ray march is O(P N) for N steps.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from moonbase.terrain._kernels import ray_direction

#: Line tangent code for "no sample ahead"; fine samples are coded by their column
#: (>= 0), coarse samples by ``-2 - column``.
NONE = -1


@njit(cache=True, inline="always", error_model="numpy")
def _lerp(z, r, m):
    """Height at fractional minor ``r`` (0..rows - 1) on major column ``m`` of ``z``."""
    r0 = min(int(r), z.shape[0] - 2)
    w = r - r0
    return (1.0 - w) * z[r0, m] + w * z[r0 + 1, m]


@njit(cache=True, inline="always", error_model="numpy")
def _outside(m_pos, r_pos, n_minor, n_major, s):
    """Whether a position is far-field terrain: past the fine grid's box of pixel
    centres by more than one coarse pixel (``1 / s`` fine pixels, at least one).

    The gap keeps a window-edge pixel from seeing a coarse sample a few metres away
    whose height disagrees with the fine grid's (different products, resolutions).
    """
    gap = max(1.0, 1.0 / s)
    return m_pos < -gap or m_pos > n_major - 1 + gap or r_pos < -gap or r_pos > n_minor - 1 + gap


@njit(cache=True, inline="always", error_model="numpy")
def _in_range(b, tt, m, low, high, inclusive):
    v = b + tt * m
    return (low <= v <= high) if inclusive else (low < v < high)


@njit(cache=True, error_model="numpy")
def _columns(b, tt, low, high, inclusive, m_first, m_last):
    """The columns ``m_first..m_last`` where ``b + tt * m`` lies between low and high.

    Returns (first, last), empty when last < first. Solved for m, then settled by
    testing the inequality itself, so round-off cannot disagree with other tests.
    """
    if tt == 0.0:
        if _in_range(b, tt, 0, low, high, inclusive):
            return m_first, m_last
        return m_first, m_first - 1
    m_a, m_b = (low - b) / tt, (high - b) / tt
    lo_f = max(min(m_a, m_b), m_first - 1.0)
    hi_f = min(max(m_a, m_b), m_last + 1.0)
    first = max(m_first, math.floor(lo_f))
    last = min(m_last, math.ceil(hi_f))
    while first <= last and not _in_range(b, tt, first, low, high, inclusive):
        first += 1
    while last >= first and not _in_range(b, tt, last, low, high, inclusive):
        last -= 1
    return first, last


@njit(cache=True, error_model="numpy")
def _sweep_line(
    zf, zc, far, cr0, s, mc, b, tt, near, m_lo, m_hi, radius_m, height_m, tables, work, codes
):
    """Sweep the line ``r = b + tt * m``; fill ``codes[m - m_lo]`` for ``m_lo <= m < m_hi``.

    ``codes`` gets each observer's tangent sample (see ``NONE``). Observers stand on the
    line wherever it is within one row of the grid's rows (outside them, at the nearest
    row's height): they serve the pixels of the first and last rows.
    """
    n_minor, n_major = zf.shape
    sf, cf, sc, cc = tables[0], tables[1], tables[2], tables[3]
    hull_x, hull_y, hull_code = work[0], work[1], work[2]  # codes stored as floats
    # Targets, farthest first: every far-field one lies beyond the window's.
    target_x, target_y, target_m, target_code = work[3], work[4], work[5], work[6]
    for i in range(m_hi - m_lo):
        codes[i] = NONE
    first, last = _columns(b, tt, -1.0, float(n_minor), False, m_lo, m_hi - 1)
    if last < first:
        return
    # Targets: fine samples inside the rows, and coarse ones outside the box, that are
    # more than `near` columns ahead of some observer; placed in the ray's plane.
    f_lo, f_hi = _columns(b, tt, 0.0, n_minor - 1.0, True, first, n_major - 1)
    n_coarse = 0
    if far:
        for c in range(zc.shape[1] - 1, -1, -1):
            if mc[c] <= first + near:
                break
            r_c = b + tt * mc[c]
            if not _outside(mc[c], r_c, n_minor, n_major, s):
                break  # the line has entered the window: nearer columns are all inside
            row_c = cr0 + s * r_c
            if 0.0 <= row_c <= zc.shape[0] - 1:
                a = radius_m + _lerp(zc, row_c, c)
                target_x[n_coarse] = a * sc[c]
                target_y[n_coarse] = a * cc[c] - radius_m
                target_m[n_coarse] = mc[c]
                target_code[n_coarse] = -2 - c
                n_coarse += 1
    n_targets = n_coarse
    for m in range(f_hi, f_lo - 1, -1):
        a = radius_m + _lerp(zf, b + tt * m, m)
        target_x[n_targets] = a * sf[m]
        target_y[n_targets] = a * cf[m] - radius_m
        target_m[n_targets] = m
        target_code[n_targets] = m
        n_targets += 1
    fine_0 = n_coarse + f_hi  # target index of fine column m: fine_0 - m
    size = 0
    j = 0
    t = 0
    for m in range(last, first - 1, -1):
        limit = m + near
        # Admit, farthest first, every target beyond `limit` not yet in the hull.
        while t < n_targets and target_m[t] > limit:
            x_new, y_new, code = target_x[t], target_y[t], target_code[t]
            t += 1
            # Upper hull: drop the nearest vertex while it lies on or below the segment
            # from the new point to the vertex beyond it.
            while (
                size >= 2
                and (hull_x[size - 1] - x_new) * (hull_y[size - 2] - y_new)
                - (hull_y[size - 1] - y_new) * (hull_x[size - 2] - x_new)
                >= 0.0
            ):
                size -= 1
            hull_x[size] = x_new
            hull_y[size] = y_new
            hull_code[size] = code
            size += 1
        if size == 0:
            continue
        if f_lo <= m <= f_hi:  # on the grid: the target sample, lifted
            xo = target_x[fine_0 - m] + height_m * sf[m]
            yo = target_y[fine_0 - m] + height_m * cf[m]
        else:
            a = radius_m + _lerp(zf, min(max(b + tt * m, 0.0), n_minor - 1.0), m) + height_m
            xo = a * sf[m]
            yo = a * cf[m] - radius_m
        # Slopes to the hull's vertices rise, then fall (index 0 is the farthest); on a
        # tie the farthest vertex wins, so the answer does not depend on where the walk
        # starts (a tile and the whole map agree to the bit). Compared without division:
        # dx > 0 for every vertex.
        j = min(j, size - 1)
        dx, dy = hull_x[j] - xo, hull_y[j] - yo
        while j > 0:
            fx, fy = hull_x[j - 1] - xo, hull_y[j - 1] - yo
            if fy * dx < dy * fx:
                break
            dx, dy = fx, fy
            j -= 1
        while j < size - 1:
            nx, ny = hull_x[j + 1] - xo, hull_y[j + 1] - yo
            if ny * dx <= dy * nx:
                break
            dx, dy = nx, ny
            j += 1
        codes[m - m_lo] = int(hull_code[j])


@njit(cache=True, error_model="numpy")
def _near_step(row0, row1, w, z0, q, sn, radius_m, best, out, run, width):
    """One near-field step for a row of pixels: sample one column ahead, keep the best.

    ``row0``/``row1`` are the two grid rows the samples lie between (weight ``w``),
    offset so that index i is pixel i's sample (the first ``run`` pixels have one).
    ``out[i]`` gets the tangent of the highest elevation so far, from ``best[i]``.
    Written to another array, not in place: in place the compiler turns the maximum
    into a masked store, whose next step's loads stalled on AMD Zen 1 (3x the time with
    float32 heights). Vectorises over i (AVX2 here, without fastmath: with it, a fresh
    compile and numba's cached code gave maps differing in a last bit, so a tile could
    differ from the map).
    """
    for i in range(run):
        z = (1.0 - w) * row0[i] + w * row1[i]
        a = radius_m + z
        out[i] = max(best[i], ((z - z0[i]) - a * q) / (a * sn))
    for i in range(run, width):
        out[i] = best[i]


@njit(cache=True, inline="always", error_model="numpy")
def _fine_tan(zf, r, m, tt, k, zo, radius_m, sk, qk):
    """Tangent of the elevation of the own ray's fine sample ``k`` columns ahead."""
    z = _lerp(zf, r + tt * k, m + k)
    a = radius_m + z
    return ((z - zo) - a * qk[k]) / (a * sk[k])


@njit(cache=True, inline="always", error_model="numpy")
def _coarse_tan(zf, zc, cr0, s, mc, c, r, m, tt, near_k, zo, radius_m, tables):
    """Tangent of the own ray's coarse sample on coarse column ``c`` (-inf if not one).

    It must lie more than ``near_k`` steps ahead (0: any), past the fine box and in
    the coarse grid.
    """
    n_minor, n_major = zf.shape
    k = mc[c] - m
    rr = r + tt * k
    if k <= near_k or not _outside(mc[c], rr, n_minor, n_major, s):
        return -np.inf
    row_c = cr0 + s * rr
    if not (0.0 <= row_c <= zc.shape[0] - 1):
        return -np.inf
    sf, cf, sc, cc = tables[0], tables[1], tables[2], tables[3]
    a = radius_m + _lerp(zc, row_c, c)
    num = a * (cc[c] * cf[m] + sc[c] * sf[m]) - (radius_m + zo)
    return num / (a * (sc[c] * cf[m] - cc[c] * sf[m]))


@njit(cache=True, error_model="numpy")
def _pixel_general(
    zf, zc, far, cm0, cr0, s, mc, tt, near, r, m, k_rows, radius_m, tables, code0, code1, zo, v
):
    """Tangent of pixel ``(r, m)``'s horizon, from ``v`` (its near field's), for any
    proposals: coarse ones, ones past the own ray's way out of the box, and pixels at
    the box's edge."""
    n_minor, n_major = zf.shape
    sk, qk = tables[4], tables[5]
    k_exit = min(k_rows, n_major - 1.0 - m)
    k_last = int(k_exit)
    if far and k_exit < near:
        # Coarse samples within the near field, past the box's edge.
        c_first = max(0, math.floor(cm0 + s * (m + k_exit)))
        c_end = min(zc.shape[1] - 1, math.floor(cm0 + s * (m + near)) + 1)
        for c in range(c_first, c_end + 1):
            if mc[c] - m <= near:
                v = max(v, _coarse_tan(zf, zc, cr0, s, mc, c, r, m, tt, 0.0, zo, radius_m, tables))
    # The own ray's last fine sample in the box: where terrain falls away to the
    # edge the highest sample is there, and lines leave the box at other columns.
    if k_last > near:
        v = max(v, _fine_tan(zf, r, m, tt, k_last, zo, radius_m, sk, qk))
    # A proposal past the own ray's way out of the box is lost: the line left the
    # window elsewhere (rays nearly along an edge), and what it saw in the box says
    # little about the own ray. Then every own-ray sample left in the box and the far
    # field's first columns past it stand in for it (below); this is rare enough
    # that the march costs nothing measurable.
    lost = False
    for which in range(2):
        code = code0 if which == 0 else code1
        if which == 1 and code1 == code0:
            continue  # the same sample
        if code >= 0:
            if far and code - m > k_last:
                lost = True
            elif k_last > near:
                for k in range(max(code - m - 1, near + 1), min(code - m + 1, k_last) + 1):
                    v = max(v, _fine_tan(zf, r, m, tt, k, zo, radius_m, sk, qk))
        elif code != NONE:
            t_c = _coarse_tan(
                zf, zc, cr0, s, mc, -2 - code, r, m, tt, float(near), zo, radius_m, tables
            )
            lost = lost or t_c == -np.inf
            v = max(v, t_c)
    if lost:
        for k in range(near + 1, k_last):
            v = max(v, _fine_tan(zf, r, m, tt, k, zo, radius_m, sk, qk))
        # Where the own ray passes the box and its one-coarse-pixel gap.
        gap = max(1.0, 1.0 / s)
        k_far = n_major - 1.0 + gap - m
        if tt > 0.0:
            k_far = min(k_far, (n_minor - 1.0 + gap - r) / tt)
        elif tt < 0.0:
            k_far = min(k_far, (r + gap) / -tt)
        c_first = math.floor(cm0 + s * (m + k_far))
        for c in range(max(c_first, 0), min(c_first + 3, zc.shape[1])):
            v = max(v, _coarse_tan(zf, zc, cr0, s, mc, c, r, m, tt, 0.0, zo, radius_m, tables))
    return v


@njit(cache=True, error_model="numpy")
def _pixels_row(
    zf,
    zc,
    far,
    cm0,
    cr0,
    s,
    mc,
    tt,
    near,
    r,
    c_lo,
    c_hi,
    radius_m,
    height_m,
    tables,
    codes,
    b_base,
    best,
    spare,
    z0,
    steps,
    lists,
):
    """Horizons of pixels ``(r, c_lo..c_hi-1)``: near field, then the lines' proposals.

    Fills ``best`` (index ``m - c_lo``) with the tangent of the highest sample's
    elevation, -inf when nothing lies ahead; ``spare`` is work space of the same size.
    """
    n_minor, n_major = zf.shape
    sk, qk = tables[4], tables[5]
    width = c_hi - c_lo
    for i in range(width):
        best[i] = -np.inf
        z0[i] = zf[r, c_lo + i] + height_m
    # Near field, one step k at a time for the whole row (same rows and weights),
    # from one array into the other and back.
    flipped = False
    for k in range(1, near + 1):
        rr = r + tt * k
        if not (0.0 <= rr <= n_minor - 1):
            break
        r0 = min(int(rr), n_minor - 2)
        run = max(min(c_hi, n_major - k) - c_lo, 0)
        _near_step(
            zf[r0, c_lo + k : c_lo + k + run],
            zf[r0 + 1, c_lo + k : c_lo + k + run],
            rr - r0,
            z0,
            qk[k],
            sk[k],
            radius_m,
            spare if flipped else best,
            best if flipped else spare,
            run,
            width,
        )
        flipped = not flipped
    if flipped:
        best[:width] = spare[:width]
    # Where the own ray leaves the box through the rows (fractional steps).
    if tt > 0.0:
        k_rows = (n_minor - 1 - r) / tt
    elif tt < 0.0:
        k_rows = r / -tt
    else:
        k_rows = np.inf
    # Proposals. Both bracketing lines propose fine columns at most one apart (most
    # pixels): the own ray's samples at those columns, at once. Both propose coarse
    # columns: those coarse samples, at once (and the last fine sample in the box when
    # they differ, as the general path would take). The others are listed for the
    # loops below: fine columns further apart (the lines see different features):
    # each with its two neighbours, and the last sample in the box; anything else, and
    # coarse proposals off the own ray's far field: the general path.
    wide, special = lists[0], lists[1]
    n_wide = 0
    n_special = 0
    k_near = float(near)
    for i in range(width):
        m = c_lo + i
        zo = z0[i]
        k_last = int(min(k_rows, n_major - 1.0 - m))
        line = math.floor(r - tt * m) - b_base
        code0, code1 = codes[line, i], codes[line + 1, i]
        k0, k1 = code0 - m, code1 - m
        both_fine = min(code0, code1) >= 0 and k_last > near and not (far and max(k0, k1) > k_last)
        s0, s1 = max(min(k0, k_last), 0), max(min(k1, k_last), 0)
        if both_fine and abs(k0 - k1) <= 1:
            v = max(best[i], _fine_tan(zf, r, m, tt, s0, zo, radius_m, sk, qk))
            if k1 != k0:
                v = max(v, _fine_tan(zf, r, m, tt, s1, zo, radius_m, sk, qk))
            best[i] = v
        elif both_fine:
            steps[0, i], steps[1, i] = s0, s1
            wide[n_wide] = i
            n_wide += 1
        elif max(code0, code1) < NONE and k_last > near:
            t0 = _coarse_tan(zf, zc, cr0, s, mc, -2 - code0, r, m, tt, k_near, zo, radius_m, tables)
            t1 = t0
            if code1 != code0:
                t1 = _coarse_tan(
                    zf, zc, cr0, s, mc, -2 - code1, r, m, tt, k_near, zo, radius_m, tables
                )
            if t0 == -np.inf or t1 == -np.inf:  # off the own ray's far field
                special[n_special] = i
                n_special += 1
            elif code1 == code0:
                best[i] = max(best[i], t0)
            else:
                last = _fine_tan(zf, r, m, tt, k_last, zo, radius_m, sk, qk)
                best[i] = max(best[i], t0, t1, last)
        else:
            special[n_special] = i
            n_special += 1
    for j in range(n_wide):
        i = wide[j]
        m = c_lo + i
        k_last = int(min(k_rows, n_major - 1.0 - m))
        v = max(best[i], _fine_tan(zf, r, m, tt, k_last, z0[i], radius_m, sk, qk))
        for q in range(6):
            k = (steps[0, i] if q < 3 else steps[1, i]) + q % 3 - 1
            k = min(max(k, near + 1), k_last)
            v = max(v, _fine_tan(zf, r, m, tt, k, z0[i], radius_m, sk, qk))
        best[i] = v
    for j in range(n_special):
        i = special[j]
        m = c_lo + i
        line = math.floor(r - tt * m) - b_base
        best[i] = _pixel_general(
            zf,
            zc,
            far,
            cm0,
            cr0,
            s,
            mc,
            tt,
            near,
            r,
            m,
            k_rows,
            radius_m,
            tables,
            codes[line, i],
            codes[line + 1, i],
            z0[i],
            best[i],
        )
    if tt == 0.0:
        return
    # Where a bracketing line runs outside the rows it has no samples: only the other
    # line saw that stretch of the own ray, from up to a row away. Sample the own ray
    # there: before its way out through the rows (the line on that side has left
    # them), and, from the first or last row, where the line beyond that row has not
    # yet come in. A fraction of a sample a pixel on average, whatever tt.
    edge = (tt > 0.0 and r == 0) or (tt < 0.0 and r == n_minor - 1)
    # Only pixels whose stretch starts before they reach the far end of the box.
    i_end = width if edge else min(width, math.floor(n_major - k_rows + 1.0 / abs(tt)) - c_lo)
    for i in range(i_end):
        m = c_lo + i
        k_last = int(min(k_rows, n_major - 1.0 - m))
        f = (r - tt * m) - math.floor(r - tt * m)  # the own ray's offset from line b
        k_exit = k_rows - ((1.0 - f) / tt if tt > 0.0 else f / -tt)
        for k in range(max(near + 1, math.ceil(k_exit)), k_last + 1):
            best[i] = max(best[i], _fine_tan(zf, r, m, tt, k, z0[i], radius_m, sk, qk))
        if edge:
            k_entry = f / tt if tt > 0.0 else (1.0 - f) / -tt
            for k in range(near + 1, min(math.ceil(k_entry), k_last, math.ceil(k_exit) - 1) + 1):
                best[i] = max(best[i], _fine_tan(zf, r, m, tt, k, z0[i], radius_m, sk, qk))


@njit(cache=True, error_model="numpy")
def _atan_deg_row(tangents, out, width):
    """``out[i] = atan(tangents[i])`` in degrees, -90 for -inf; branch-free, vectorises.

    A minimax polynomial for atan on [0, 1] (within 1e-5 rad, 6e-4 deg), with the
    reflection ``atan(x) = pi/2 - atan(1/x)`` for ``|x| > 1`` done by selection.
    """
    for i in range(width):
        x = tangents[i]
        ax = abs(x)
        invert = ax > 1.0
        a = (1.0 / ax) if invert else ax
        a2 = a * a
        p = a * (
            0.99997726
            + a2
            * (
                -0.33262347
                + a2 * (0.19354346 + a2 * (-0.11643287 + a2 * (0.05265332 + a2 * -0.01172120)))
            )
        )
        p = (0.5 * math.pi - p) if invert else p
        out[i] = math.copysign(p, x) * (180.0 / math.pi)


@njit(cache=True, error_model="numpy")
def _azimuth_tables(n_major, mc, step_m, radius_m, tables):
    """Fill sin/cos of each fine and coarse column's angle along the ray, and of k steps.

    Angles are measured from the middle of the fine grid's major axis, so they depend
    on the grid alone (a tile and the whole map use the same numbers).
    """
    mid = 0.5 * (n_major - 1)
    for m in range(n_major):
        theta = (m - mid) * step_m / radius_m
        tables[0, m] = math.sin(theta)
        tables[1, m] = math.cos(theta)
    for c in range(mc.shape[0]):
        theta = (mc[c] - mid) * step_m / radius_m
        tables[2, c] = math.sin(theta)
        tables[3, c] = math.cos(theta)
    for k in range(n_major + 1):
        half = 0.5 * k * step_m / radius_m
        tables[4, k] = math.sin(2.0 * half)
        tables[5, k] = 2.0 * math.sin(half) ** 2  # 1 - cos, without cancellation


@njit(cache=True, error_model="numpy")
def _one_azimuth(
    zf,
    zc,
    far,
    cm0,
    cr0,
    s,
    mc,
    tt,
    pixel_m,
    near,
    rect,
    radius_m,
    height_m,
    tables,
    work,
    codes,
    best,
    spare,
    z0,
    steps,
    lists,
    out,
    frame,
    origin,
):
    """Horizons (deg) of the oriented rectangle ``rect`` = (r_lo, r_hi, c_lo, c_hi)."""
    n_major = zf.shape[1]
    r_lo, r_hi, c_lo, c_hi = rect[0], rect[1], rect[2], rect[3]
    step_m = pixel_m * math.sqrt(1.0 + tt * tt)
    _azimuth_tables(n_major, mc, step_m, radius_m, tables)
    # Lines bracketing every pixel of the rectangle: b from floor(min) to floor(max) + 1.
    lo = min(r_lo - tt * c_lo, r_lo - tt * (c_hi - 1))
    hi = max(r_hi - 1 - tt * c_lo, r_hi - 1 - tt * (c_hi - 1))
    b_base = math.floor(lo)
    n_lines = math.floor(hi) - b_base + 2
    for li in range(n_lines):
        _sweep_line(
            zf,
            zc,
            far,
            cr0,
            s,
            mc,
            float(b_base + li),
            tt,
            near,
            c_lo,
            c_hi,
            radius_m,
            height_m,
            tables,
            work,
            codes[li],
        )
    width = c_hi - c_lo
    for r in range(r_lo, r_hi):
        _pixels_row(
            zf,
            zc,
            far,
            cm0,
            cr0,
            s,
            mc,
            tt,
            near,
            r,
            c_lo,
            c_hi,
            radius_m,
            height_m,
            tables,
            codes,
            b_base,
            best,
            spare,
            z0,
            steps,
            lists,
        )
        _atan_deg_row(best, z0, width)
        for i in range(width):
            e = z0[i]
            m = c_lo + i
            # Back to the caller's (row, col), relative to the output's origin.
            if frame == 0:
                out[r - origin[0], m - origin[1]] = e
            elif frame == 1:
                out[r - origin[0], n_major - 1 - m - origin[1]] = e
            elif frame == 2:
                out[m - origin[0], r - origin[1]] = e
            else:
                out[n_major - 1 - m - origin[0], r - origin[1]] = e


@njit(cache=True, nogil=True, error_model="numpy")
def horizon_block(
    grids,
    coarse_grids,
    far,
    maps,
    pixel_m,
    azimuths_rad,
    radius_m,
    height_m,
    near,
    rows,
    cols,
    out,
    codes,
    group,
    groups,
):
    """Fill ``out[a]`` (deg) for the pixels ``rows[0]:rows[1]``, ``cols[0]:cols[1]``,
    for the azimuths ``a = group, group + groups, ...``.

    ``grids`` are the fine heights in the four frames (as is, columns reversed,
    transposed, transposed and reversed), each C-contiguous; ``coarse_grids`` the same
    for the far field (ignored unless ``far``); ``maps[f] = (cm0, cr0, s)`` maps frame
    f's fine (major, minor) to coarse: ``C = cm0 + s * m``, ``R = cr0 + s * r``.
    Azimuths are clockwise from the grid's +y. ``codes`` is this group's table of each
    line's tangent per column (at least (rows + cols + 4) x max(rows, cols), an integer
    type that holds the grid's column numbers: int16 halves its traffic). The GIL is
    released, so groups run in parallel in threads of their own.
    """
    n_rows, n_cols = grids[0].shape
    n_az = azimuths_rad.shape[0]
    n_max = max(n_rows, n_cols)
    n_coarse = max(coarse_grids[0].shape[0], coarse_grids[0].shape[1])
    tables = np.empty((6, max(n_max + 1, n_coarse)))
    work = np.empty((7, n_max + n_coarse + 2))
    best = np.empty(n_max)
    spare = np.empty(n_max)
    z0 = np.empty(n_max)
    steps = np.empty((2, n_max), dtype=np.int64)
    lists = np.empty((2, n_max), dtype=np.int64)
    mc = np.empty(n_coarse)
    rect = np.empty(4, dtype=np.int64)
    origin = np.empty(2, dtype=np.int64)
    for a in range(group, n_az, groups):
        d_col, d_row = ray_direction(azimuths_rad[a])
        if abs(d_col) >= abs(d_row):  # major axis: columns
            frame = 0 if d_col > 0.0 else 1
            tt = d_row
            lo, hi = (cols[0], cols[1]) if frame == 0 else (n_cols - cols[1], n_cols - cols[0])
            rect[0], rect[1], rect[2], rect[3] = rows[0], rows[1], lo, hi
            origin[0], origin[1] = rows[0], cols[0]
        else:  # major axis: rows
            frame = 2 if d_row > 0.0 else 3
            tt = d_col
            lo, hi = (rows[0], rows[1]) if frame == 2 else (n_rows - rows[1], n_rows - rows[0])
            rect[0], rect[1], rect[2], rect[3] = cols[0], cols[1], lo, hi
            origin[0], origin[1] = rows[0], cols[0]
        zc = coarse_grids[frame]
        cm0, cr0, s = maps[frame, 0], maps[frame, 1], maps[frame, 2]
        n_c = zc.shape[1]
        for c in range(n_c):
            mc[c] = (c - cm0) / s
        _one_azimuth(
            grids[frame],
            zc,
            far,
            cm0,
            cr0,
            s,
            mc[:n_c],
            tt,
            pixel_m,
            near,
            rect,
            radius_m,
            height_m,
            tables,
            work,
            codes,
            best,
            spare,
            z0,
            steps,
            lists,
            out[a],
            frame,
            origin,
        )
