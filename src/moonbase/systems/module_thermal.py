"""Lumped thermal balance of the station's modules at a site.

Each module with a ``thermal`` block is one isothermal node that exchanges heat with
its surroundings only through its radiator (the rest is taken as insulated by
multi-layer blankets). The radiator is a **vertical** plate of area ``A``, emissivity
``eps`` (also its infrared absorptivity) and solar absorptivity ``alpha``. It sees half
ground and half sky (view factors 0.5 over flat ground). Per unit radiator area it takes
in

* direct sunlight ``S cos(e) c`` with ``S`` the irradiance on a plane facing the Sun
  (solar constant at the Sun's distance times the visible fraction of its disc) and
  ``e`` the Sun's elevation. The orientation factor ``c`` is ``1/pi`` for the time
  series (the mean over azimuth: panels on every side of the module, or one fixed panel
  averaged over the lunation in which the Sun circles the sky, as it does at the pole
  within ~1.6 deg of the horizon) and ``1`` for the hot case (a panel facing the Sun);
* sunlight the ground reflects, ``0.5 alpha S sin(e) A_g(i)`` (Lambertian ground of the
  regolith model's albedo law ``A_g``);
* the ground's infrared, ``0.5 eps eps_g sigma T_g^4``, ``T_g`` the regolith surface
  temperature (space at ~3 K adds nothing measurable),

and radiates ``eps sigma T^4``. The module's thermal mass is ignored (a quasi-steady
balance: conservative, since a real module rides through short cold spells on stored
heat).

The interface to the power simulation is the series ``thermal_deficit_w (module, time)``:
the heat a module must be supplied (its own electric dissipation plus heater) to stay at
``min_temperature_k``; negative when the environment alone keeps it warmer. The heater
power is ``max(0, deficit - dissipation)``. Modules without a thermal block get 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.constants import AU_KM, SOLAR_CONSTANT_W_M2, SYNODIC_MONTH_D
from moonbase.scenario.station import Module
from moonbase.systems.regolith import STEFAN_BOLTZMANN_W_M2_K4, RegolithParameters

SIGMA = STEFAN_BOLTZMANN_W_M2_K4
#: View factor from a vertical radiator to the ground (and to the sky) over flat ground.
GROUND_VIEW_FACTOR = 0.5

SUMMARY_UNITS: dict[str, tuple[str, str]] = {
    "hottest_temperature_k": (
        "K",
        "hottest equilibrium, operating at full power, panel facing the Sun",
    ),
    "max_temperature_k": ("K", "the module's upper limit"),
    "rejects_enough": ("1", "whether the hottest equilibrium stays at or below the limit"),
    "radiator_area_needed_m2": ("m2", "radiator area that holds the limit in the hot case"),
    "coldest_temperature_k": ("K", "coldest equilibrium in survival mode without heater"),
    "min_temperature_k": ("K", "the module's survival limit"),
    "peak_heater_w": ("W", "largest heater power in survival mode"),
    "heater_wh_per_lunar_day": ("Wh", "heater energy per synodic month in survival mode"),
}


def radiator_loads(
    series: xr.Dataset, ground_temperature_k: np.ndarray, params: RegolithParameters
) -> xr.Dataset:
    """Return the environment's heat loads per unit radiator area (before absorptivity).

    Parameters
    ----------
    series : xarray.Dataset
        One site's environment series: ``sun_range_km``, ``solar_visible_fraction``,
        ``sun_elevation_deg``.
    ground_temperature_k : array
        Regolith surface temperature along the series.
    params : RegolithParameters
        The ground's albedo law and emissivity.

    Returns
    -------
    xarray.Dataset
        ``sun_facing_w_m2`` (irradiance on a plane facing the Sun, horizon included),
        ``sun_vertical_mean_w_m2`` (on a vertical plane, mean over azimuth),
        ``ground_reflected_w_m2`` (reflected sunlight reaching a vertical plane) and
        ``ground_infrared_w_m2`` (ground emission reaching a vertical plane), W/m2.
    """
    irradiance = (
        SOLAR_CONSTANT_W_M2
        * (AU_KM / series.sun_range_km.values) ** 2
        * series.solar_visible_fraction.values
    )
    elevation = np.radians(series.sun_elevation_deg.values)
    on_ground = irradiance * np.clip(np.sin(elevation), 0.0, None)
    incidence_deg = 90.0 - np.clip(np.degrees(elevation), 0.0, 90.0)
    facing = irradiance * np.cos(np.clip(elevation, -np.pi / 2, np.pi / 2))
    data = {
        "sun_facing_w_m2": facing,
        "sun_vertical_mean_w_m2": facing / np.pi,
        "ground_reflected_w_m2": GROUND_VIEW_FACTOR * on_ground * params.albedo_at(incidence_deg),
        "ground_infrared_w_m2": GROUND_VIEW_FACTOR
        * params.emissivity
        * SIGMA
        * np.asarray(ground_temperature_k, float) ** 4,
    }
    return xr.Dataset(
        {name: ("time", values, {"units": "W m-2"}) for name, values in data.items()},
        coords={"time": series.time.values},
    )


def _absorbed_w(module: Module, loads: xr.Dataset, *, sun_facing: bool) -> np.ndarray:
    """Environmental heat the radiator absorbs, W."""
    t = module.thermal
    direct = loads.sun_facing_w_m2 if sun_facing else loads.sun_vertical_mean_w_m2
    solar = t.solar_absorptivity * (direct.values + loads.ground_reflected_w_m2.values)
    return t.radiator_area_m2 * (solar + t.emissivity * loads.ground_infrared_w_m2.values)


def thermal_deficit_w(
    module: Module, loads: xr.Dataset, *, radiator_turndown: float = 1.0
) -> np.ndarray:
    """Return the heat ``module`` must be supplied to stay at its survival limit, W.

    ``eps sigma T_min^4 A - absorbed``, times ``radiator_turndown`` where positive (the
    share of the radiator's exchange left when louvres close on a cold module); zeros
    for a module without a thermal block.
    """
    if module.thermal is None:
        return np.zeros(loads.sizes["time"])
    t = module.thermal
    emitted = t.emissivity * SIGMA * t.min_temperature_k**4 * t.radiator_area_m2
    deficit = emitted - _absorbed_w(module, loads, sun_facing=False)
    return np.where(deficit > 0.0, radiator_turndown * deficit, deficit)


def equilibrium_temperature_k(
    module: Module,
    loads: xr.Dataset,
    dissipation_w: float,
    *,
    sun_facing: bool,
    turndown: float = 1.0,
) -> np.ndarray:
    """Return the module's equilibrium temperature with ``dissipation_w`` inside, K.

    ``turndown`` scales the radiator's whole exchange (louvres closed).
    """
    t = module.thermal
    absorbed = turndown * _absorbed_w(module, loads, sun_facing=sun_facing)
    conductance = turndown * t.emissivity * SIGMA * t.radiator_area_m2
    return ((dissipation_w + absorbed) / conductance) ** 0.25


def module_thermal(
    modules: Sequence[Module], loads: xr.Dataset, *, radiator_turndown: float = 1.0
) -> tuple[xr.Dataset, pd.DataFrame]:
    """Return every module's deficit series and the per-module summary at one site.

    ``radiator_turndown`` scales the cold-side exchange (see :func:`thermal_deficit_w`).

    Returns
    -------
    deficit : xarray.Dataset
        ``thermal_deficit_w (module, time)`` for all modules in station order (0 for
        modules without a thermal block; ``has_thermal`` says which).
    summary : pandas.DataFrame
        One row per module with a thermal block: the columns of
        :data:`SUMMARY_UNITS` (units in their names).
    """
    time = loads.time.values
    deficit = np.array(
        [thermal_deficit_w(m, loads, radiator_turndown=radiator_turndown) for m in modules]
    ).reshape(len(modules), len(time))
    dataset = xr.Dataset(
        {
            "thermal_deficit_w": (
                ("module", "time"),
                deficit,
                {
                    "units": "W",
                    "long_name": "heat to supply (dissipation + heater) to stay at the "
                    "survival limit; heater = max(0, deficit - dissipation)",
                },
            )
        },
        coords={
            "module": [m.name for m in modules],
            "time": time,
            "has_thermal": ("module", [m.thermal is not None for m in modules]),
        },
    )
    step_s = _step_durations_s(time)
    rows = []
    for m, need in zip(modules, deficit, strict=True):
        if m.thermal is None:
            continue
        t = m.thermal
        hottest = float(
            equilibrium_temperature_k(m, loads, m.power.operating_w, sun_facing=True).max()
        )
        coldest = float(
            equilibrium_temperature_k(
                m, loads, m.power.survival_w, sun_facing=False, turndown=radiator_turndown
            ).min()
        )
        heater = np.maximum(0.0, need - m.power.survival_w)
        lunar_days = step_s.sum() / (SYNODIC_MONTH_D * 86_400.0)
        rows.append(
            {
                "module": m.name,
                "owner": m.owner,
                "hottest_temperature_k": hottest,
                "max_temperature_k": t.max_temperature_k,
                "rejects_enough": hottest <= t.max_temperature_k,
                "radiator_area_needed_m2": _area_needed_m2(m, loads),
                "coldest_temperature_k": coldest,
                "min_temperature_k": t.min_temperature_k,
                "peak_heater_w": float(heater.max()),
                "heater_wh_per_lunar_day": float((heater * step_s).sum() / 3600.0 / lunar_days)
                if lunar_days > 0
                else float("nan"),
            }
        )
    columns = ["module", "owner", *SUMMARY_UNITS]
    return dataset, pd.DataFrame(rows, columns=columns)


def _area_needed_m2(module: Module, loads: xr.Dataset) -> float:
    """Radiator area that holds ``max_temperature_k`` at full power in the hot case (inf
    when the environment alone heats a radiator past the limit)."""
    t = module.thermal
    per_m2 = (
        t.solar_absorptivity * (loads.sun_facing_w_m2.values + loads.ground_reflected_w_m2.values)
        + t.emissivity * loads.ground_infrared_w_m2.values
    )
    net = t.emissivity * SIGMA * t.max_temperature_k**4 - per_m2.max()
    return float(module.power.operating_w / net) if net > 0 else float("inf")


def _step_durations_s(time: np.ndarray) -> np.ndarray:
    """Duration each sample stands for, s (half the gap to each neighbour)."""
    seconds = (time - time[0]) / np.timedelta64(1, "s")
    if seconds.size < 2:
        return np.zeros(seconds.size)
    edges = np.concatenate([[seconds[0]], 0.5 * (seconds[1:] + seconds[:-1]), [seconds[-1]]])
    return np.diff(edges)
