"""Regolith temperatures: 1-D heat conduction with the Hayne et al. (2017) profile.

The model of Hayne et al. 2017 (JGR Planets 122, "Global regolith thermophysical
properties of the Moon from the Diviner Lunar Radiometer Experiment", Appendix A):
density and contact conductivity rise from their surface to their deep values with
e-folding depth H, the conductivity has a radiative part ``k = kc (1 + chi (T/350)^3)``,
the heat capacity is their polynomial in T, the bolometric albedo grows with the
incidence angle, and the interior heat flow enters at the bottom. It is driven by the
solar flux a site actually absorbs: irradiance at the Sun's distance, times the share of
the solar disc above the site's skyline, on the local (flat or sloped) surface.

Layers grow geometrically from a fraction of the diurnal skin depth to several annual
skin depths; each step is implicit (Crank-Nicolson by default, or backward Euler) with
Newton's method on the whole column including the radiative surface balance
(:mod:`moonbase.systems._thermal_kernels`). The state at the start of the span is the
periodic state of a spin-up forcing, cycled until the start-of-cycle state stops moving
(Anderson-accelerated, see :meth:`RegolithModel.spin_up`). Design note: ``docs/design/thermal.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import xarray as xr

from moonbase.constants import AU_KM, SOLAR_CONSTANT_W_M2, SYNODIC_MONTH_D
from moonbase.errors import ThermalInputError
from moonbase.systems import _thermal_kernels as kernels

STEFAN_BOLTZMANN_W_M2_K4 = kernels.STEFAN_BOLTZMANN_W_M2_K4
SECONDS_PER_DAY = 86_400.0
JULIAN_YEAR_S = 365.25 * SECONDS_PER_DAY

#: Depths at which :func:`regolith_temperature` reports temperatures by default, m.
DEFAULT_DEPTHS_M = (0.01, 0.05, 0.1, 0.3, 0.8)


@dataclass(frozen=True)
class RegolithParameters:
    """Thermophysical parameters of the regolith column (Hayne et al. 2017, Table A1).

    Density and contact conductivity follow ``X(z) = X_d - (X_d - X_s) exp(-z/H)``.
    """

    density_surface_kg_m3: float = 1100.0
    density_deep_kg_m3: float = 1800.0
    conductivity_surface_w_m_k: float = 7.4e-4
    conductivity_deep_w_m_k: float = 3.4e-3
    e_folding_depth_m: float = 0.06  # H; 0.07 m is the global typical value
    radiative_conductivity_chi: float = 2.7
    #: c0..c4 of ``c_p(T) = c0 + c1 T + c2 T^2 + c3 T^3 + c4 T^4``, J/kg/K (T in K)
    heat_capacity_coefficients: tuple[float, float, float, float, float] = (
        -3.6125,
        2.7431,
        2.3616e-3,
        -1.2340e-5,
        8.9093e-9,
    )
    albedo: float = 0.12  # A0, bolometric, at normal incidence (highlands; 0.06-0.07 mare)
    albedo_coefficient_a: float = 0.06
    albedo_coefficient_b: float = 0.25
    emissivity: float = 0.95
    heat_flow_w_m2: float = 0.018
    source: str = (
        "Hayne et al. 2017, J. Geophys. Res. Planets 122, Table A1 (H = 0.06 m; "
        "heat capacity after Hemingway et al. 1981 and Ledlow et al. 1992)"
    )

    def __post_init__(self) -> None:
        for name, low, high in (
            ("density_surface_kg_m3", 100.0, 5000.0),
            ("density_deep_kg_m3", 100.0, 5000.0),
            ("conductivity_surface_w_m_k", 1e-5, 10.0),
            ("conductivity_deep_w_m_k", 1e-5, 10.0),
            ("e_folding_depth_m", 1e-3, 10.0),
            ("radiative_conductivity_chi", 0.0, 100.0),
            ("albedo", 0.0, 1.0),
            ("emissivity", 0.01, 1.0),
            ("heat_flow_w_m2", 0.0, 1.0),
        ):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ThermalInputError(name, value, f"must lie within {low:g}..{high:g}")
        if len(self.heat_capacity_coefficients) != 5:
            raise ThermalInputError(
                "heat_capacity_coefficients", self.heat_capacity_coefficients, "give c0..c4"
            )

    def density_kg_m3(self, depth_m: np.ndarray) -> np.ndarray:
        """Return the density at ``depth_m`` (Hayne Eq. A2)."""
        return _profile(self.density_surface_kg_m3, self.density_deep_kg_m3, depth_m, self)

    def contact_conductivity_w_m_k(self, depth_m: np.ndarray) -> np.ndarray:
        """Return the contact (phonon) conductivity at ``depth_m`` (Hayne Eq. A3)."""
        return _profile(
            self.conductivity_surface_w_m_k, self.conductivity_deep_w_m_k, depth_m, self
        )

    def heat_capacity_j_kg_k(self, temperature_k: np.ndarray) -> np.ndarray:
        """Return the specific heat capacity at ``temperature_k`` (Hayne Eq. A6)."""
        return np.polynomial.polynomial.polyval(
            np.asarray(temperature_k, float), self.heat_capacity_coefficients
        )

    def albedo_at(self, incidence_deg: np.ndarray) -> np.ndarray:
        """Return the bolometric albedo at a solar incidence angle (Hayne Eq. A5).

        ``A = A0 + a (i / 45 deg)^3 + b (i / 90 deg)^8``, at most 1 (a bright ``A0``
        would pass 1 at grazing incidence).
        """
        i = np.asarray(incidence_deg, float)
        albedo = (
            self.albedo
            + self.albedo_coefficient_a * (i / 45.0) ** 3
            + self.albedo_coefficient_b * (i / 90.0) ** 8
        )
        return np.minimum(albedo, 1.0)


def _profile(surface, deep, depth_m, params: RegolithParameters) -> np.ndarray:
    return deep - (deep - surface) * np.exp(-np.asarray(depth_m, float) / params.e_folding_depth_m)


@dataclass(frozen=True, eq=False)
class LayerGrid:
    """Finite-volume cells of the column: thicknesses and centre depths, m."""

    thickness_m: np.ndarray
    depth_m: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        thickness = np.asarray(self.thickness_m, float)
        object.__setattr__(self, "thickness_m", thickness)
        object.__setattr__(self, "depth_m", np.cumsum(thickness) - 0.5 * thickness)

    @property
    def bottom_m(self) -> float:
        """Depth of the column's bottom face, m."""
        return float(self.thickness_m.sum())


def skin_depth_m(params: RegolithParameters, period_s: float, *, deep: bool) -> float:
    """Return the thermal skin depth ``sqrt(kappa P / pi)`` of the surface or deep regolith.

    The diffusivity uses the contact conductivity and a heat capacity of 600 J/kg/K
    (the value near the mean surface temperature used for the grid by Hayne et al.).
    """
    k = params.conductivity_deep_w_m_k if deep else params.conductivity_surface_w_m_k
    rho = params.density_deep_kg_m3 if deep else params.density_surface_kg_m3
    return math.sqrt(k / (rho * 600.0) * period_s / math.pi)


def layer_grid(
    params: RegolithParameters,
    *,
    layers_per_skin_depth: float = 10.0,
    growth: float = 1.2,
    diurnal_skin_depths: float = 20.0,
    annual_skin_depths: float = 5.0,
) -> LayerGrid:
    """Return geometrically growing layers, the first a fraction of the diurnal skin depth.

    The top cell is ``z_d / layers_per_skin_depth`` thick (``z_d`` the surface's diurnal
    skin depth); each next cell is ``growth`` times thicker, down to the deeper of
    ``diurnal_skin_depths`` surface diurnal skin depths and ``annual_skin_depths`` deep
    annual skin depths (so that the seasonal wave at the poles dies out above the bottom,
    where only the interior heat flow crosses). The defaults follow Hayne et al. 2017
    (Eqs. A31-A33: m = 10, n = 5, b = 20) and add the annual criterion.
    """
    if layers_per_skin_depth < 1.0 or not 1.0 < growth <= 2.0:
        raise ThermalInputError(
            "grid", (layers_per_skin_depth, growth), "need layers >= 1 and growth in (1, 2]"
        )
    diurnal_m = skin_depth_m(params, SYNODIC_MONTH_D * SECONDS_PER_DAY, deep=False)
    annual_m = skin_depth_m(params, JULIAN_YEAR_S, deep=True)
    bottom_m = max(diurnal_skin_depths * diurnal_m, annual_skin_depths * annual_m)
    thickness = [diurnal_m / layers_per_skin_depth]
    while sum(thickness) < bottom_m:
        thickness.append(thickness[-1] * growth)
    return LayerGrid(np.array(thickness))


def absorbed_flux_w_m2(
    irradiance_w_m2: np.ndarray,
    sun_elevation_deg: np.ndarray,
    sun_azimuth_deg: np.ndarray,
    *,
    params: RegolithParameters,
    slope_deg: float = 0.0,
    aspect_deg: float = 0.0,
) -> np.ndarray:
    """Return the solar flux the surface absorbs, W/m2.

    Parameters
    ----------
    irradiance_w_m2 : array
        Irradiance on a plane facing the Sun: the solar constant at the Sun's distance
        times the visible fraction of its disc (the skyline's shadowing).
    sun_elevation_deg, sun_azimuth_deg : array
        The Sun's centre; azimuth from north through east, degrees.
    params : RegolithParameters
        Gives the albedo law ``A(i)``.
    slope_deg, aspect_deg : float
        Surface tilt and the azimuth its downhill side faces (flat by default).
    """
    if not 0.0 <= slope_deg <= 90.0:
        raise ThermalInputError("slope_deg", slope_deg, "must lie within 0..90")
    el, az = np.radians(sun_elevation_deg), np.radians(sun_azimuth_deg)
    slope, aspect = math.radians(slope_deg), math.radians(aspect_deg)
    cos_i = math.cos(slope) * np.sin(el) + math.sin(slope) * np.cos(el) * np.cos(az - aspect)
    cos_i = np.clip(cos_i, 0.0, 1.0)
    incidence_deg = np.degrees(np.arccos(cos_i))
    return np.asarray(irradiance_w_m2) * (1.0 - params.albedo_at(incidence_deg)) * cos_i


def absorbed_flux_from_series(
    series: xr.Dataset,
    *,
    params: RegolithParameters,
    slope_deg: float = 0.0,
    aspect_deg: float = 0.0,
) -> np.ndarray:
    """Return the absorbed solar flux (W/m2) along one site's environment series.

    Uses ``sun_range_km``, ``solar_visible_fraction``, ``sun_elevation_deg`` and
    ``sun_azimuth_deg`` (see :mod:`moonbase.environment.site_environment`).
    """
    irradiance = (
        SOLAR_CONSTANT_W_M2
        * (AU_KM / series.sun_range_km.values) ** 2
        * series.solar_visible_fraction.values
    )
    return absorbed_flux_w_m2(
        irradiance,
        series.sun_elevation_deg.values,
        series.sun_azimuth_deg.values,
        params=params,
        slope_deg=slope_deg,
        aspect_deg=aspect_deg,
    )


def idealised_flux_w_m2(
    time_s: np.ndarray,
    *,
    lat_deg: float = 0.0,
    params: RegolithParameters,
    period_s: float = SYNODIC_MONTH_D * SECONDS_PER_DAY,
    irradiance_w_m2: float = SOLAR_CONSTANT_W_M2,
) -> np.ndarray:
    """Return the flux a flat surface absorbs with the Sun on the equator, W/m2.

    The idealised forcing of Hayne et al.'s equatorial model: zero obliquity, the
    Sun at 1 au, no horizon; local noon at ``time_s = 0`` and every ``period_s``.
    """
    hour_angle = 2.0 * np.pi * np.asarray(time_s, float) / period_s
    lat = math.radians(lat_deg)
    elevation_deg = np.degrees(np.arcsin(np.clip(math.cos(lat) * np.cos(hour_angle), -1, 1)))
    return absorbed_flux_w_m2(
        np.full(hour_angle.shape, irradiance_w_m2), elevation_deg, 180.0, params=params
    )


@dataclass(frozen=True)
class Integration:
    """What one pass through a forcing produced."""

    state: np.ndarray  # [Ts, T_0..T_{N-1}] at the last knot, K
    surface_k: np.ndarray  # (M,)
    depth_k: np.ndarray  # (M, D)
    absorbed_j_m2: float
    emitted_j_m2: float
    net_surface_j_m2: float  # into the column through its surface


@dataclass(frozen=True)
class SpinUp:
    """The periodic state found by :meth:`RegolithModel.spin_up`, and how it was found."""

    state: np.ndarray
    cycles: int
    residual_k: float  # largest change of a node over the last cycle, K
    converged: bool


@dataclass(frozen=True, eq=False)
class RegolithModel:
    """A regolith column: parameters, layers and the time-stepping options.

    Parameters
    ----------
    params : RegolithParameters
    grid : LayerGrid, optional
        Defaults to :func:`layer_grid` of ``params``.
    max_step_s : float
        Longest internal step; forcing intervals are cut into equal sub-steps.
    theta : float
        0.5 for Crank-Nicolson (default: second order; the surface balance itself is
        held at the new time, so the stiff surface does not ring), 1 for backward Euler.
    """

    params: RegolithParameters = field(default_factory=RegolithParameters)
    grid: LayerGrid | None = None
    max_step_s: float = 1800.0
    theta: float = 0.5

    def __post_init__(self) -> None:
        if self.grid is None:
            object.__setattr__(self, "grid", layer_grid(self.params))
        if not 0.5 <= self.theta <= 1.0:
            raise ThermalInputError("theta", self.theta, "must lie within 0.5..1")
        if not 1.0 <= self.max_step_s <= 10 * SECONDS_PER_DAY:
            raise ThermalInputError("max_step_s", self.max_step_s, "must lie within 1 s..10 d")

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-cell thickness, density, contact conductivity; heat-capacity coefficients."""
        depth = self.grid.depth_m
        return (
            self.grid.thickness_m,
            self.params.density_kg_m3(depth),
            self.params.contact_conductivity_w_m_k(depth),
            np.array(self.params.heat_capacity_coefficients, float),
        )

    @property
    def node_depths_m(self) -> np.ndarray:
        """Depths of the state's nodes: the surface (0) and the cell centres, m."""
        return np.concatenate([[0.0], self.grid.depth_m])

    def initial_state(self, mean_flux_w_m2: float) -> np.ndarray:
        """Return a first guess: the emission temperature of the mean absorbed flux,
        rising with depth along the interior heat flow's conductive gradient."""
        p = self.params
        emitted = max(mean_flux_w_m2, 0.0) + p.heat_flow_w_m2
        start_k = (emitted / (p.emissivity * STEFAN_BOLTZMANN_W_M2_K4)) ** 0.25
        dz, _, kc, _ = self._arrays
        rise = np.cumsum(p.heat_flow_w_m2 * dz / kc) - 0.5 * p.heat_flow_w_m2 * dz / kc
        return np.concatenate([[start_k], start_k + rise])

    def enthalpy_j_m2(self, state: np.ndarray) -> float:
        """Return the column's enthalpy above 0 K, J/m2."""
        dz, rho, _, cp = self._arrays
        return float(kernels.column_enthalpy(state, dz, rho, cp))

    def integrate(
        self,
        state: np.ndarray,
        time_s: np.ndarray,
        flux_w_m2: np.ndarray,
        depths_m: Sequence[float] = (),
    ) -> Integration:
        """Step ``state`` through the forcing knots and return what happened.

        ``time_s`` (increasing, s) and ``flux_w_m2`` give the absorbed flux, linear
        between knots; the surface node is first balanced with the first flux, then
        temperatures are reported at every knot.
        """
        time_s = np.asarray(time_s, float)
        flux = np.asarray(flux_w_m2, float)
        if time_s.ndim != 1 or time_s.shape != flux.shape or time_s.size < 1:
            raise ThermalInputError("time_s/flux_w_m2", time_s.shape, "need equal 1-D shapes")
        if np.any(np.diff(time_s) <= 0.0):
            raise ThermalInputError("time_s", "not increasing", "times must increase")
        if not np.all(np.isfinite(flux)) or np.any(flux < 0.0):
            raise ThermalInputError("flux_w_m2", "negative or not finite", "must be >= 0")
        index, weight = self._depth_weights(depths_m)
        x = np.array(state, float)
        surface = np.empty(time_s.size)
        depth = np.empty((time_s.size, index.size))
        energy = np.zeros(3)
        dz, rho, kc, cp = self._arrays
        p = self.params
        kernels.integrate(
            x,
            time_s,
            flux,
            float(self.max_step_s),
            dz,
            rho,
            kc,
            float(p.radiative_conductivity_chi),
            float(p.emissivity),
            float(p.heat_flow_w_m2),
            cp,
            float(self.theta),
            index,
            weight,
            surface,
            depth,
            energy,
        )
        return Integration(x, surface, depth, *map(float, energy))

    def _depth_weights(self, depths_m: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        nodes = self.node_depths_m
        depths = np.asarray(depths_m, float).reshape(-1)
        bad = depths[(depths < 0.0) | (depths > nodes[-1])]
        if bad.size:
            raise ThermalInputError(
                "depths_m", float(bad[0]), f"must lie within 0..{nodes[-1]:.3g} m (the grid)"
            )
        index = np.clip(np.searchsorted(nodes, depths, side="right") - 1, 0, nodes.size - 2)
        weight = 1.0 - (depths - nodes[index]) / (nodes[index + 1] - nodes[index])
        return index.astype(np.int64), weight

    def spin_up(
        self,
        time_s: np.ndarray,
        flux_w_m2: np.ndarray,
        *,
        state: np.ndarray | None = None,
        tolerance_k: float = 1e-3,
        max_cycles: int = 100,
        memory: int = 5,
    ) -> SpinUp:
        """Cycle the forcing until the column's state repeats: its periodic state.

        One cycle maps the state at the first knot to the state at the last, ``g(x)``.
        Plain cycling converges as slowly as the deepest layers relax (a contraction
        of about 0.97 per lunation: decades to settle), so the cycles are accelerated
        by Anderson mixing (the next state is the combination of the last ``memory``
        cycle results that best cancels their residuals ``g(x) - x``). Spin-up stops
        when a computed cycle changes no node by more than ``tolerance_k``; the
        distance to the periodic state is then about ``tolerance_k / (1 - r)``, ``r``
        the slowest contraction per cycle (0.97 for a lunation, 0.7 for a year: below
        0.05 K for the default 1 mK).
        """
        time_s = np.asarray(time_s, float)
        flux = np.asarray(flux_w_m2, float)
        x = self.initial_state(float(np.mean(flux))) if state is None else np.array(state, float)
        inputs: list[np.ndarray] = []
        outputs: list[np.ndarray] = []
        residual = math.inf
        for cycle in range(1, max_cycles + 1):
            g = self.integrate(x, time_s, flux).state
            residual = float(np.max(np.abs(g - x)))
            if residual < tolerance_k:
                return SpinUp(g, cycle, residual, True)
            inputs, outputs = [*inputs[-memory:], x], [*outputs[-memory:], g]
            x = _anderson_step(inputs, outputs) if cycle >= 2 else g
        return SpinUp(x, max_cycles, residual, False)


def _anderson_step(inputs: list[np.ndarray], outputs: list[np.ndarray]) -> np.ndarray:
    """Return the Anderson-mixed next state (type II); the plain cycle result if the
    mix is not physical."""
    residuals = np.array([g - x for g, x in zip(outputs, inputs, strict=True)])
    mixed = outputs[-1]
    if len(residuals) >= 2:
        d_residuals = np.diff(residuals, axis=0).T
        d_outputs = np.diff(np.array(outputs), axis=0).T
        gamma = np.linalg.lstsq(d_residuals, residuals[-1], rcond=None)[0]
        candidate = outputs[-1] - d_outputs @ gamma
        if np.all(np.isfinite(candidate)) and candidate.min() > 1.0:
            mixed = candidate
    return mixed


def regolith_temperature(
    time: np.ndarray,
    absorbed_flux_w_m2: np.ndarray,
    *,
    model: RegolithModel | None = None,
    spin_up_time: np.ndarray | None = None,
    spin_up_flux_w_m2: np.ndarray | None = None,
    depths_m: Sequence[float] = DEFAULT_DEPTHS_M,
    tolerance_k: float = 1e-3,
) -> xr.Dataset:
    """Return surface and subsurface temperatures along an absorbed-flux series.

    Parameters
    ----------
    time : datetime64 array
        Increasing instants of the series (UTC labels).
    absorbed_flux_w_m2 : array
        Absorbed solar flux at those instants (:func:`absorbed_flux_w_m2`).
    model : RegolithModel, optional
        Parameters, grid and stepping; Hayne et al. 2017 defaults.
    spin_up_time, spin_up_flux_w_m2 : arrays, optional
        The forcing that leads up to ``time[0]`` (ending there), cycled until periodic
        to give the state at ``time[0]``. Without it the series itself is taken as the
        period (right for a span of whole years or lunations).
    depths_m : sequence of float
        Depths to report, m (within the grid).
    tolerance_k : float
        Spin-up stops when a cycle changes the state by less than this, K.

    Returns
    -------
    xarray.Dataset
        ``surface_temperature_k (time)``, ``temperature_k (time, depth_m)`` and
        ``absorbed_flux_w_m2 (time)``, with units; the spin-up in the attributes.
    """
    model = model or RegolithModel()
    time = np.asarray(time, "datetime64[ns]")
    seconds = _seconds(time, time[0])
    if spin_up_time is None:
        spin_seconds, spin_flux = seconds, np.asarray(absorbed_flux_w_m2, float)
    else:
        spin_up_time = np.asarray(spin_up_time, "datetime64[ns]")
        spin_seconds, spin_flux = _seconds(spin_up_time, spin_up_time[0]), spin_up_flux_w_m2
    spun = model.spin_up(spin_seconds, spin_flux, tolerance_k=tolerance_k)
    run = model.integrate(spun.state, seconds, absorbed_flux_w_m2, depths_m)
    p = model.params
    return xr.Dataset(
        {
            "surface_temperature_k": (
                "time",
                run.surface_k,
                {"units": "K", "long_name": "regolith surface temperature"},
            ),
            "temperature_k": (
                ("time", "depth_m"),
                run.depth_k,
                {"units": "K", "long_name": "regolith temperature at depth"},
            ),
            "absorbed_flux_w_m2": (
                "time",
                np.asarray(absorbed_flux_w_m2, float),
                {"units": "W m-2", "long_name": "absorbed solar flux"},
            ),
        },
        coords={
            "time": time,
            "depth_m": ("depth_m", np.asarray(depths_m, float), {"units": "m"}),
        },
        attrs={
            "model": "1-D regolith conduction, Hayne et al. 2017 profile",
            "source": p.source,
            "albedo": p.albedo,
            "e_folding_depth_m": p.e_folding_depth_m,
            "emissivity": p.emissivity,
            "heat_flow_w_m2": p.heat_flow_w_m2,
            "layers": int(model.grid.thickness_m.size),
            "bottom_depth_m": model.grid.bottom_m,
            "max_step_s": model.max_step_s,
            "theta": model.theta,
            "spin_up_cycles": spun.cycles,
            "spin_up_residual_k": spun.residual_k,
            "spin_up_converged": int(spun.converged),
        },
    )


def _seconds(time: np.ndarray, origin: np.datetime64) -> np.ndarray:
    return (time - origin) / np.timedelta64(1, "s")
