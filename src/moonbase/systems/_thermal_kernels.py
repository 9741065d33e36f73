"""numba kernel of the 1-D regolith heat-conduction model (plain arrays, SI units).

The column is a stack of finite-volume cells under a massless surface node. The state
vector is ``x = [Ts, T_0, ..., T_{N-1}]`` (K). Each step solves, by Newton's method on
the whole tridiagonal system, the theta-scheme of

* the surface energy balance  ``eps sigma Ts^4 + q_s = S``  (held at the new time), and
* each cell's enthalpy balance
  ``rho dz (h(T^{n+1}) - h(T^n)) / dt = theta D^{n+1} + (1 - theta) D^n``,

where ``q`` are downward conductive fluxes between neighbours (half-cell resistances
``dz / 2k(T)`` in series), ``D_i = q_{i-1/2} - q_{i+1/2}``, ``h`` the integral of the heat
capacity polynomial, and the bottom face carries the interior heat flow upward.
Writing the storage term with the exact enthalpy makes the scheme conserve energy to
the Newton tolerance whatever the heat capacity's temperature dependence.

:mod:`moonbase.systems.regolith` validates, builds the grid and calls these functions.
"""

from __future__ import annotations

import numpy as np
from numba import njit

STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8  # CODATA 2018
_T_REF_K = 350.0  # reference temperature of the radiative conductivity term (Hayne Eq. A4)
NEWTON_TOLERANCE_K = 1e-7
NEWTON_MAX_ITERATIONS = 30


@njit(cache=True, inline="always")
def _heat_capacity(t, c):
    return c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * c[4])))


@njit(cache=True, inline="always")
def _enthalpy(t, c):
    # Integral of the heat-capacity polynomial from 0 K, J/kg.
    return t * (c[0] + t * (c[1] / 2 + t * (c[2] / 3 + t * (c[3] / 4 + t * c[4] / 5))))


@njit(cache=True)
def _fluxes(x, half, kc, chi, heat_flow, q, dq_up, dq_down):
    """Downward fluxes through every face and their derivatives.

    Face j lies above cell j (face 0 is the surface), face N is the bottom.
    ``dq_up[j]`` is dq/d(temperature above), ``dq_down[j]`` dq/d(temperature below).
    """
    n = kc.size
    r_prev = 0.0  # the surface node has no thickness
    dr_prev = 0.0
    for j in range(n):
        t = x[j + 1]
        cube = (t / _T_REF_K) ** 3
        k = kc[j] * (1.0 + chi * cube)
        dk = kc[j] * chi * 3.0 * cube / t
        r = half[j] / k
        dr = -half[j] * dk / (k * k)
        g = 1.0 / (r_prev + r)
        difference = x[j] - x[j + 1]
        q[j] = g * difference
        # dg/dT = -g^2 dr/dT for the resistance on either side
        dq_up[j] = g - difference * g * g * dr_prev
        dq_down[j] = -g - difference * g * g * dr
        r_prev, dr_prev = r, dr
    q[n] = -heat_flow
    dq_up[n] = 0.0
    dq_down[n] = 0.0


@njit(cache=True)
def _thomas(lower, diag, upper, rhs, out, scratch):
    """Solve a tridiagonal system (lower[0] and upper[-1] unused)."""
    n = diag.size
    scratch[0] = upper[0] / diag[0]
    out[0] = rhs[0] / diag[0]
    for i in range(1, n):
        m = diag[i] - lower[i] * scratch[i - 1]
        scratch[i] = upper[i] / m
        out[i] = (rhs[i] - lower[i] * out[i - 1]) / m
    for i in range(n - 2, -1, -1):
        out[i] -= scratch[i] * out[i + 1]


@njit(cache=True)
def integrate(
    x,
    times_s,
    flux_w_m2,
    max_step_s,
    dz,
    rho,
    kc,
    chi,
    emissivity,
    heat_flow,
    cp,
    theta,
    out_index,
    out_weight,
    surface_out,
    depth_out,
    energy_out,
):
    """Step the column through the forcing knots, updating ``x`` in place.

    Parameters (all float64 arrays unless said)
    ----------
    x : (N+1,) state [Ts, T_0..T_{N-1}], K; on return the state at ``times_s[-1]``.
    times_s, flux_w_m2 : (M,) knots and absorbed solar flux there; the flux is linear
        between knots, each interval is cut into equal sub-steps of at most
        ``max_step_s``.
    dz, rho, kc : (N,) cell thickness (m), density (kg/m3), contact conductivity (W/m/K).
    cp : (5,) heat-capacity polynomial coefficients (J/kg/K, T in K).
    theta : 1 for backward Euler, 0.5 for Crank-Nicolson.
    out_index, out_weight : (D,) int index i into ``x`` and weight w: output T =
        w x_i + (1-w) x_{i+1} (linear between the surface and the cell centres).
    surface_out : (M,) surface temperature at each knot, K (written).
    depth_out : (M, D) temperatures at the output depths, K (written).
    energy_out : (3,) accumulated J/m2 (added to): absorbed solar, emitted thermal,
        net energy into the column through its surface (theta-weighted like the scheme).
    """
    n = dz.size
    m = n + 1
    eps_sigma = emissivity * STEFAN_BOLTZMANN_W_M2_K4
    half = 0.5 * dz
    mass = rho * dz
    q = np.empty(m)
    dq_up = np.empty(m)
    dq_down = np.empty(m)
    old_divergence = np.empty(n)
    old_enthalpy = np.empty(n)
    lower = np.empty(m)
    diag = np.empty(m)
    upper = np.empty(m)
    rhs = np.empty(m)
    delta = np.empty(m)
    scratch = np.empty(m)

    _balance_surface(x, half, kc, chi, heat_flow, eps_sigma, flux_w_m2[0], q, dq_up, dq_down)
    _record(x, 0, out_index, out_weight, surface_out, depth_out)
    old_flux = flux_w_m2[0]
    for k in range(times_s.size - 1):
        span = times_s[k + 1] - times_s[k]
        steps = max(1, int(np.ceil(span / max_step_s - 1e-9)))
        dt = span / steps
        for s in range(steps):
            flux = flux_w_m2[k] + (flux_w_m2[k + 1] - flux_w_m2[k]) * (s + 1) / steps
            _fluxes(x, half, kc, chi, heat_flow, q, dq_up, dq_down)
            old_surface_flux = q[0]
            old_ts = x[0]
            for i in range(n):
                old_divergence[i] = q[i] - q[i + 1]
                old_enthalpy[i] = _enthalpy(x[i + 1], cp)
            for _ in range(NEWTON_MAX_ITERATIONS):
                _fluxes(x, half, kc, chi, heat_flow, q, dq_up, dq_down)
                ts = x[0]
                # surface row: eps sigma Ts^4 + q_0 - S = 0
                rhs[0] = -(eps_sigma * ts**4 + q[0] - flux)
                diag[0] = 4.0 * eps_sigma * ts**3 + dq_up[0]
                upper[0] = dq_down[0]
                lower[0] = 0.0
                for i in range(n):
                    t = x[i + 1]
                    storage = mass[i] * (_enthalpy(t, cp) - old_enthalpy[i]) / dt
                    divergence = q[i] - q[i + 1]
                    rhs[i + 1] = -(storage - theta * divergence - (1.0 - theta) * old_divergence[i])
                    diag[i + 1] = mass[i] * _heat_capacity(t, cp) / dt - theta * (
                        dq_down[i] - dq_up[i + 1]
                    )
                    lower[i + 1] = -theta * dq_up[i]
                    upper[i + 1] = theta * dq_down[i + 1]
                _thomas(lower, diag, upper, rhs, delta, scratch)
                largest = 0.0
                for i in range(m):
                    # keep far from 0 K, where the heat-capacity polynomial has no meaning
                    step = max(delta[i], 0.5 * (1.0 - x[i]))
                    x[i] += step
                    largest = max(largest, abs(step))
                if largest < NEWTON_TOLERANCE_K:
                    break
            new_surface_flux = flux - eps_sigma * x[0] ** 4
            energy_out[0] += dt * (theta * flux + (1.0 - theta) * old_flux)
            energy_out[1] += dt * eps_sigma * (theta * x[0] ** 4 + (1.0 - theta) * old_ts**4)
            energy_out[2] += dt * (theta * new_surface_flux + (1.0 - theta) * old_surface_flux)
            old_flux = flux
        _record(x, k + 1, out_index, out_weight, surface_out, depth_out)


@njit(cache=True)
def _balance_surface(x, half, kc, chi, heat_flow, eps_sigma, flux, q, dq_up, dq_down):
    """Solve the surface balance for Ts alone (the cells held), so that a run starts
    from a surface consistent with its first flux."""
    for _ in range(NEWTON_MAX_ITERATIONS):
        _fluxes(x, half, kc, chi, heat_flow, q, dq_up, dq_down)
        residual = eps_sigma * x[0] ** 4 + q[0] - flux
        step = -residual / (4.0 * eps_sigma * x[0] ** 3 + dq_up[0])
        step = max(step, 0.5 * (1.0 - x[0]))
        x[0] += step
        if abs(step) < NEWTON_TOLERANCE_K:
            break


@njit(cache=True)
def _record(x, k, out_index, out_weight, surface_out, depth_out):
    surface_out[k] = x[0]
    for d in range(out_index.size):
        i = out_index[d]
        depth_out[k, d] = out_weight[d] * x[i] + (1.0 - out_weight[d]) * x[i + 1]


@njit(cache=True)
def column_enthalpy(x, dz, rho, cp):
    """Return the column's enthalpy above 0 K, J/m2."""
    total = 0.0
    for i in range(dz.size):
        total += rho[i] * dz[i] * _enthalpy(x[i + 1], cp)
    return total
