"""Benchmark: the regolith model's cost per simulated year, against two baselines.

Run:  python benchmarks/bench_thermal.py

moonbase's kernel (Crank-Nicolson, Newton on the whole column and the radiative
surface, numba) steps one equatorial column through a year of hourly forcing at 1 h,
30 min and 10 min internal steps. Baselines, measured in the same run on the same grid
and physics:

* an explicit (forward Euler) scheme at its stability limit, in numba, the usual way
  such models are written (e.g. the authors' ``heat1d``): cheap steps, but the step
  shrinks with the square of the top layer's thickness;
* the same Crank-Nicolson Newton scheme with ``scipy.linalg.solve_banded`` and numpy
  per step (what one writes without a compiled kernel), timed on one lunation and
  scaled to a year.

Each is also compared for accuracy against the kernel at 60 s steps (largest surface
temperature difference over the last lunation). Results: ``results/thermal.json``.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numba import njit
from scipy.linalg import solve_banded

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.systems import _thermal_kernels as kernels
from moonbase.systems.regolith import (
    STEFAN_BOLTZMANN_W_M2_K4,
    RegolithModel,
    idealised_flux_w_m2,
    layer_grid,
)
from results_file import machine, record

RESULTS = Path(__file__).parent / "results" / "thermal.json"
YEAR_S = 365.25 * 86_400.0
LUNATION_S = SYNODIC_MONTH_D * 86_400.0


@njit(cache=True)
def explicit_run(x, times_s, flux, dt, dz, rho, kc, chi, emissivity, heat_flow, cp, surface_out):
    """Forward Euler on the same finite volumes; the massless surface by Newton."""
    n = dz.size
    half = 0.5 * dz
    eps_sigma = emissivity * STEFAN_BOLTZMANN_W_M2_K4
    q = np.empty(n + 1)
    dq_up = np.empty(n + 1)
    dq_down = np.empty(n + 1)
    surface_out[0] = x[0]
    for k in range(times_s.size - 1):
        steps = max(1, int(np.ceil((times_s[k + 1] - times_s[k]) / dt)))
        h = (times_s[k + 1] - times_s[k]) / steps
        for s in range(steps):
            f = flux[k] + (flux[k + 1] - flux[k]) * (s + 1) / steps
            kernels._fluxes(x, half, kc, chi, heat_flow, q, dq_up, dq_down)
            for i in range(n):
                c = kernels._heat_capacity(x[i + 1], cp)
                x[i + 1] += h * (q[i] - q[i + 1]) / (rho[i] * dz[i] * c)
            kernels._balance_surface(x, half, kc, chi, heat_flow, eps_sigma, f, q, dq_up, dq_down)
        surface_out[k + 1] = x[0]


def explicit_limit_s(model: RegolithModel) -> float:
    """Largest stable forward-Euler step: min over cells and 40-400 K of
    rho c dz / (sum of the conductances to the neighbours)."""
    dz, rho, kc, cp = model._arrays
    chi = model.params.radiative_conductivity_chi
    limit = np.inf
    for t in np.linspace(40.0, 400.0, 37):
        k = kc * (1.0 + chi * (t / 350.0) ** 3)
        r = 0.5 * dz / k
        g = 1.0 / (np.concatenate([[0.0], r[:-1]]) + r)  # face above each cell
        below = np.concatenate([g[1:], [0.0]])
        c = np.polynomial.polynomial.polyval(t, cp)
        limit = min(limit, float(np.min(rho * dz * c / (g + below))))
    return limit


def banded_run(model: RegolithModel, x, times_s, flux, dt):
    """The kernel's Crank-Nicolson Newton step, written with numpy and solve_banded."""
    dz, rho, kc, cp = model._arrays
    p = model.params
    eps_sigma = p.emissivity * STEFAN_BOLTZMANN_W_M2_K4
    half, mass, n = 0.5 * dz, rho * dz, dz.size
    c_int = np.array([0.0, *(cp[j] / (j + 1) for j in range(5))])  # enthalpy polynomial

    def fluxes(x):
        t = x[1:]
        k = kc * (1.0 + p.radiative_conductivity_chi * (t / 350.0) ** 3)
        dk = kc * p.radiative_conductivity_chi * 3.0 * (t / 350.0) ** 3 / t
        r, dr = half / k, -half * dk / k**2
        r_up, dr_up = np.concatenate([[0.0], r[:-1]]), np.concatenate([[0.0], dr[:-1]])
        g = 1.0 / (r_up + r)
        diff = x[:-1] - x[1:]
        q = np.append(g * diff, -p.heat_flow_w_m2)
        dq_up = np.append(g - diff * g * g * dr_up, 0.0)
        dq_down = np.append(-g - diff * g * g * dr, 0.0)
        return q, dq_up, dq_down

    scratch = [np.empty(n + 1) for _ in range(3)]  # the kernel's start: balance the surface
    kernels._balance_surface(
        x, half, kc, p.radiative_conductivity_chi, p.heat_flow_w_m2, eps_sigma, flux[0], *scratch
    )
    surface = [x[0]]
    for k in range(times_s.size - 1):
        steps = max(1, int(np.ceil((times_s[k + 1] - times_s[k]) / dt)))
        h = (times_s[k + 1] - times_s[k]) / steps
        for s in range(steps):
            f = flux[k] + (flux[k + 1] - flux[k]) * (s + 1) / steps
            q, _, _ = fluxes(x)
            old_div = q[:-1] - q[1:]
            old_h = np.polynomial.polynomial.polyval(x[1:], c_int)
            for _ in range(kernels.NEWTON_MAX_ITERATIONS):
                q, dq_up, dq_down = fluxes(x)
                t = x[1:]
                bands = np.zeros((3, n + 1))
                rhs = np.empty(n + 1)
                rhs[0] = -(eps_sigma * x[0] ** 4 + q[0] - f)
                bands[1, 0] = 4 * eps_sigma * x[0] ** 3 + dq_up[0]
                bands[0, 1] = dq_down[0]
                storage = mass * (np.polynomial.polynomial.polyval(t, c_int) - old_h) / h
                rhs[1:] = -(storage - 0.5 * (q[:-1] - q[1:]) - 0.5 * old_div)
                bands[1, 1:] = mass * np.polynomial.polynomial.polyval(t, cp) / h - 0.5 * (
                    dq_down[:-1] - dq_up[1:]
                )
                bands[2, :-1] = -0.5 * dq_up[:-1]
                bands[0, 2:] = 0.5 * dq_down[1:-1]
                delta = solve_banded((1, 1), bands, rhs)
                x = x + delta
                if np.max(np.abs(delta)) < kernels.NEWTON_TOLERANCE_K:
                    break
        surface.append(x[0])
    return np.array(surface)


def best_of(function, repeats: int = 3) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def last_lunation_error(surface: np.ndarray, reference: np.ndarray, hours: int) -> float:
    return float(np.max(np.abs(surface[-hours:] - reference[-hours:])))


def main() -> None:
    time_s = np.arange(0.0, YEAR_S + 1.0, 3600.0)
    hours = int(LUNATION_S // 3600)
    results = {
        "command": "python benchmarks/bench_thermal.py",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "forcing": "idealised equator (Sun on the equator at 1 au), hourly knots, one year",
    }
    for name, grid_options in (
        ("default", {}),
        ("fine", {"layers_per_skin_depth": 40, "growth": 1.05}),
    ):
        base = RegolithModel()
        grid = layer_grid(base.params, **grid_options)
        flux = idealised_flux_w_m2(time_s, params=base.params)
        start = (
            RegolithModel(grid=grid, max_step_s=3600.0)
            .spin_up(time_s[: hours + 1], flux[: hours + 1])
            .state
        )
        reference = RegolithModel(grid=grid, max_step_s=60.0).integrate(start, time_s, flux)
        prefix = f"{name}_grid"
        results[f"{prefix}_layers"] = int(grid.thickness_m.size)
        results[f"{prefix}_top_layer_mm"] = round(1e3 * grid.thickness_m[0], 3)
        for step_s in (3600.0, 1800.0, 600.0):
            model = RegolithModel(grid=grid, max_step_s=step_s)
            model.integrate(start, time_s[:3], flux[:3])  # compile / load the cache
            run = model.integrate(start, time_s, flux)
            seconds = best_of(lambda m=model, x=start, f=flux: m.integrate(x, time_s, f))
            label = f"{prefix}_kernel_{int(step_s)}s_step"
            results[f"{label}_s_per_year"] = round(seconds, 4)
            results[f"{label}_us_per_step"] = round(1e6 * seconds / (YEAR_S / step_s), 2)
            results[f"{label}_max_error_k"] = round(
                last_lunation_error(run.surface_k, reference.surface_k, hours), 3
            )
        limit_s = explicit_limit_s(RegolithModel(grid=grid))
        dz, rho, kc, cp = RegolithModel(grid=grid)._arrays
        p = base.params

        def explicit(limit=limit_s, dz=dz, rho=rho, kc=kc, cp=cp, p=p, flux=flux, start=start):
            surface = np.empty(time_s.size)
            explicit_run(
                start.copy(), time_s, flux, limit, dz, rho, kc, p.radiative_conductivity_chi,
                p.emissivity, p.heat_flow_w_m2, cp, surface,
            )  # fmt: skip
            return surface

        explicit()  # compile
        results[f"{prefix}_explicit_stable_step_s"] = round(limit_s, 1)
        results[f"{prefix}_explicit_s_per_year"] = round(best_of(explicit), 4)
        results[f"{prefix}_explicit_max_error_k"] = round(
            last_lunation_error(explicit(), reference.surface_k, hours), 3
        )
        results[f"{prefix}_speedup_kernel_1800s_vs_explicit"] = round(
            results[f"{prefix}_explicit_s_per_year"]
            / results[f"{prefix}_kernel_1800s_step_s_per_year"],
            2,
        )
    # scipy banded baseline: default grid, 1800 s steps, one lunation, scaled to a year
    model = RegolithModel(max_step_s=1800.0)
    flux = idealised_flux_w_m2(time_s, params=model.params)
    start = model.spin_up(time_s[: hours + 1], flux[: hours + 1]).state
    lunation = slice(0, hours + 1)
    started = time.perf_counter()
    banded = banded_run(model, start.copy(), time_s[lunation], flux[lunation], 1800.0)
    banded_s = (time.perf_counter() - started) * YEAR_S / LUNATION_S
    ours = model.integrate(start, time_s[lunation], flux[lunation]).surface_k
    results["scipy_banded_1800s_step_s_per_year"] = round(banded_s, 2)
    results["scipy_banded_max_difference_from_kernel_k"] = float(
        f"{np.max(np.abs(banded - ours)):.2g}"
    )
    results["speedup_kernel_vs_scipy_banded"] = round(
        banded_s / results["default_grid_kernel_1800s_step_s_per_year"], 1
    )
    # a full spin-up: the 12-lunation window the pipeline uses, 2 h knots
    window = np.arange(0.0, 12 * LUNATION_S, 7200.0)
    window_flux = idealised_flux_w_m2(window, params=model.params)
    spun = model.spin_up(window, window_flux)
    results["spin_up_12_lunations_s"] = round(
        best_of(lambda: model.spin_up(window, window_flux), repeats=1), 3
    )
    results["spin_up_12_lunations_cycles"] = spun.cycles
    record(results, RESULTS)


if __name__ == "__main__":
    main()
