"""Power through the lunar night: generation, loads by mode, storage, load shedding, sizing.

The station's power system (:class:`~moonbase.scenario.power.PowerSystem`) is placed at
each site and stepped through the site's environment series:

* generation: each solar array's irradiance (solar constant scaled by the Sun's
  distance, times the visible fraction of the disc above the skyline the array
  sees) on its panel (``fixed``, ``vertical_tracking``, ``full_tracking``), times area,
  cell efficiency, ``1 - dust_loss`` and ``(1 - degradation_per_year) ** years``;
  RTGs decay with their half-life and thermoelectric degradation; fission units give
  their output from ``available_from``;
* loads: each module wants its operating mode while its ``operates`` condition holds,
  else standby; with a thermal deficit it draws ``max(mode power, deficit - RHU heat)``
  (its dissipation warms it, a heater adds the rest);
* storage and shedding: see :mod:`moonbase.systems._power_kernels`.

Each sample holds for one step from its time; stored energy is given at the end of
the step. Sizing (:func:`required_storage_wh`) uses the closed-form deepest drawdown of
a storage starting full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.constants import AU_KM, SOLAR_CONSTANT_W_M2
from moonbase.errors import PowerInputError
from moonbase.scenario.power import PowerSystem, SolarArray, Storage
from moonbase.scenario.station import Module
from moonbase.systems import _power_kernels

MODES = ("operating", "standby", "survival")
HOURS_PER_YEAR = 365.25 * 24.0
#: Array sizing searches areas up to this multiple of the scenario's arrays.
MAX_ARRAY_SCALE = 1000.0

SERIES_ATTRS: dict[str, tuple[str, str]] = {
    "solar_w": ("W", "electric power of the solar arrays"),
    "radioisotope_w": ("W", "electric power of the RTGs"),
    "fission_w": ("W", "electric power of the fission units"),
    "generation_w": ("W", "electric power generated (solar, RTG, fission)"),
    "wanted_load_w": ("W", "demand with every module in its wanted mode"),
    "load_w": ("W", "demand of the modules in the modes they ran in, heaters included"),
    "heater_w": ("W", "heater power within the load"),
    "unserved_w": ("W", "demand not met even with every module shed to survival"),
    "curtailed_w": ("W", "generation neither used nor stored (storage full)"),
    "stored_wh": ("Wh", "energy in all storage at the end of the step"),
    "state_of_charge": ("1", "stored energy over the nameplate capacity of all storage"),
}

SUMMARY_ATTRS: dict[str, tuple[str, str]] = {
    "mean_generation_w": ("W", "time mean of the generated power"),
    "mean_wanted_load_w": ("W", "time mean of the demand in wanted modes"),
    "longest_without_solar_h": ("h", "longest stretch in which no array generates"),
    "min_state_of_charge": ("1", "lowest state of charge of all storage"),
    "energy_not_served_wh": ("Wh", "demand not met over the span"),
    "shed_hours": ("h", "time with at least one module below its wanted mode"),
    "required_battery_wh": ("Wh", "smallest battery that alone carries every wanted load"),
    "required_battery_mass_kg": ("kg", "mass of that battery"),
    "required_array_m2": ("m2", "smallest array area with which the storage carries every load"),
    "required_array_mass_kg": ("kg", "mass of that array"),
}


@dataclass(frozen=True, eq=False)
class PowerResults:
    """The power simulation of every site.

    ``series``: ``(site, time)`` flows and stored energy, ``(site, storage, time)``
    stored energy per storage, ``(site, module, time)`` the mode each module ran in
    (0 operating, 1 standby, 2 survival) and whether it was shed. ``summary``:
    ``(site)`` figures (``SUMMARY_ATTRS``), with the times of the lowest state of
    charge and of the start of the drawdown leading to it. ``options``: the power
    option mass comparison (:func:`power_options`). ``shed``: one row per stretch in
    which a module ran below its wanted mode.
    """

    series: xr.Dataset
    summary: xr.Dataset
    options: pd.DataFrame
    shed: pd.DataFrame


# --- generation -----------------------------------------------------------------------------


def panel_cosine(
    array: SolarArray, sun_elevation_deg: np.ndarray, sun_azimuth_deg: np.ndarray
) -> np.ndarray:
    """Return the cosine of the Sun's incidence on the array's panel (0 from behind).

    Fixed: normal at ``tilt_deg`` from the zenith toward ``azimuth_deg``. Vertical
    tracking: the same normal turned to the Sun's azimuth. Full tracking: 1.
    """
    elevation = np.radians(sun_elevation_deg)
    if array.mounting == "full_tracking":
        return np.ones_like(elevation)
    tilt = np.radians(array.tilt_deg)
    if array.mounting == "vertical_tracking":
        azimuth_term = 1.0
    else:
        azimuth_term = np.cos(np.radians(sun_azimuth_deg - array.azimuth_deg))
    cosine = np.sin(tilt) * np.cos(elevation) * azimuth_term + np.cos(tilt) * np.sin(elevation)
    return np.clip(cosine, 0.0, 1.0)


def array_power_w(
    array: SolarArray,
    *,
    sun_range_km: np.ndarray,
    sun_elevation_deg: np.ndarray,
    sun_azimuth_deg: np.ndarray,
    visible_fraction: np.ndarray,
    years: np.ndarray,
) -> np.ndarray:
    """Return the array's electric power, W (``years``: since the span's start)."""
    irradiance_w_m2 = SOLAR_CONSTANT_W_M2 * (AU_KM / sun_range_km) ** 2 * visible_fraction
    kept = (1.0 - array.dust_loss) * (1.0 - array.degradation_per_year) ** years
    return (
        irradiance_w_m2
        * panel_cosine(array, sun_elevation_deg, sun_azimuth_deg)
        * array.area_m2
        * array.cell_efficiency
        * kept
    )


def decayed(
    value: float, years: np.ndarray, half_life_y: float, loss_per_year: float = 0.0
) -> np.ndarray:
    """Return ``value`` after radioactive decay and a yearly loss; 0 before ``years`` = 0."""
    factor = 0.5 ** (years / half_life_y) * (1.0 - loss_per_year) ** np.maximum(years, 0.0)
    return np.where(years >= 0.0, value * factor, 0.0)


def _years_since(time: np.ndarray, start: np.datetime64 | None) -> np.ndarray:
    start = time[0] if start is None else start
    return (time - start) / np.timedelta64(1, "h") / HOURS_PER_YEAR


def _naive_utc(value) -> np.datetime64 | None:
    if value is None:
        return None
    return np.datetime64(value.replace(tzinfo=None), "ns")


# --- one site -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInputs:
    """One site's simulation inputs as plain arrays (SI-ish units: W, Wh, h)."""

    time: np.ndarray  # datetime64[ns]
    step_h: float
    solar_w: np.ndarray  # (A, T) per array
    radioisotope_w: np.ndarray  # (T,)
    fission_w: np.ndarray  # (T,)
    wanted_mode: np.ndarray  # (M, T) int8
    mode_power_w: np.ndarray  # (M, 3)
    heat_need_w: np.ndarray  # (M, T)
    shed_order: np.ndarray  # (M,)

    @property
    def generation_w(self) -> np.ndarray:
        return self.solar_w.sum(axis=0) + self.radioisotope_w + self.fission_w

    def demand_w(self, mode: np.ndarray) -> np.ndarray:
        """Return each module's demand in ``mode`` (M, T), heaters included."""
        power = np.take_along_axis(self.mode_power_w, mode.astype(np.intp), axis=1)
        return np.maximum(power, self.heat_need_w)

    def wanted_load_w(self) -> np.ndarray:
        return self.demand_w(self.wanted_mode).sum(axis=0)


def site_inputs(
    power: PowerSystem,
    modules: Sequence[Module],
    series: xr.Dataset,
    *,
    thermal_deficit_w: np.ndarray | None = None,
    array_visible_fraction: Mapping[str, np.ndarray] | None = None,
) -> SiteInputs:
    """Turn one site's environment series into simulation inputs.

    Parameters
    ----------
    power, modules
        The scenario's power system and station modules.
    series : xarray.Dataset
        One site's environment series (``time``): ``sun_range_km``,
        ``sun_elevation_deg``, ``sun_azimuth_deg``, ``solar_visible_fraction``,
        ``earth_in_view``.
    thermal_deficit_w : (M, T) array, optional
        Heat each module needs at its survival temperature, W, modules in order.
    array_visible_fraction : mapping of array name to (T,) array, optional
        The visible fraction of the solar disc from an array's own height, where it
        differs from the site's.
    """
    time = series.time.values
    if len(time) < 2:
        raise PowerInputError("the series needs at least two times to define a step")
    step_h = float((time[1] - time[0]) / np.timedelta64(1, "h"))
    years = _years_since(time, None)
    visible = series.solar_visible_fraction.values
    overrides = dict(array_visible_fraction or {})
    solar = np.array(
        [
            array_power_w(
                array,
                sun_range_km=series.sun_range_km.values,
                sun_elevation_deg=series.sun_elevation_deg.values,
                sun_azimuth_deg=series.sun_azimuth_deg.values,
                visible_fraction=np.asarray(overrides.get(array.name, visible)),
                years=years,
            )
            for array in power.arrays
        ]
    ).reshape(len(power.arrays), len(time))
    radioisotope = np.zeros(len(time))
    for rtg in power.rtgs:
        radioisotope += decayed(
            rtg.electric_w,
            _years_since(time, _naive_utc(rtg.fuelled)),
            rtg.half_life_y,
            rtg.thermoelectric_degradation_per_year,
        )
    fission = np.zeros(len(time))
    for unit in power.fission:
        fission += np.where(time >= _naive_utc(unit.available_from), unit.electric_w, 0.0)

    conditions = {
        "always": np.ones(len(time), bool),
        "daylight": visible > 0.0,
        "darkness": visible <= 0.0,
        "earth_in_view": series.earth_in_view.values.astype(bool),
    }
    wanted = np.array([np.where(conditions[m.operates], 0, 1) for m in modules], np.int8)
    mode_power = np.array(
        [[m.power.operating_w, m.power.standby_w, m.power.survival_w] for m in modules], float
    ).reshape(len(modules), 3)
    heat_need = np.zeros((len(modules), len(time)))
    if thermal_deficit_w is not None:
        deficit = np.asarray(thermal_deficit_w, float)
        if deficit.shape != heat_need.shape:
            raise PowerInputError(
                f"thermal_deficit_w has shape {deficit.shape}; expected (modules, times) = "
                f"{heat_need.shape}"
            )
        heat_need += deficit
    index = {m.name: i for i, m in enumerate(modules)}
    for rhu in power.rhus:
        heat_need[index[rhu.module]] -= decayed(
            rhu.heat_w, _years_since(time, _naive_utc(rhu.fuelled)), rhu.half_life_y
        )
    # Highest priority number first; among equals, the later module first.
    order = sorted(range(len(modules)), key=lambda i: (-modules[i].priority, -i))
    return SiteInputs(
        time=time,
        step_h=step_h,
        solar_w=solar,
        radioisotope_w=radioisotope,
        fission_w=fission,
        wanted_mode=wanted.reshape(len(modules), len(time)),
        mode_power_w=mode_power,
        heat_need_w=heat_need,
        shed_order=np.array(order, np.int64),
    )


def _storage_arrays(storages: Sequence[Storage], scale: float = 1.0) -> tuple[np.ndarray, ...]:
    capacity = np.array([s.capacity_wh * scale for s in storages], float)
    depth = np.array([s.depth_of_discharge for s in storages], float)
    efficiency = np.array([s.one_way_efficiency for s in storages], float)
    limit = np.array([getattr(s, "power_w", np.inf) for s in storages], float)
    initial = np.array([s.initial_state_of_charge for s in storages], float) * capacity
    return capacity, (1.0 - depth) * capacity, efficiency, efficiency.copy(), limit, initial


def run_site(inputs: SiteInputs, storages: Sequence[Storage], *, solar_scale: float = 1.0):
    """Run the kernel on one site's inputs; returns the kernel's outputs."""
    generation = inputs.generation_w + (solar_scale - 1.0) * inputs.solar_w.sum(axis=0)
    return _power_kernels.simulate(
        generation,
        inputs.wanted_mode,
        inputs.mode_power_w,
        inputs.heat_need_w,
        inputs.shed_order,
        *_storage_arrays(storages),
        inputs.step_h,
    )


def required_storage_wh(net_w: np.ndarray, step_h: float, storage: Storage) -> tuple[float, int]:
    """Return the smallest nameplate capacity of ``storage``'s technology that, starting
    full, carries every deficit of ``net_w`` (generation less load, W), and the step at
    whose end it is emptiest (-1 if never drawn).

    A constant load ``P`` through a darkness of ``T`` hours needs
    ``P * T / (depth_of_discharge * discharge_efficiency)``, with the discharge
    efficiency ``sqrt(round_trip_efficiency)``.
    """
    efficiency = storage.one_way_efficiency
    usable_wh, index = _power_kernels.max_drawdown(
        np.ascontiguousarray(net_w, float), step_h, efficiency, efficiency
    )
    return usable_wh / storage.depth_of_discharge, int(index)


def required_array_scale(inputs: SiteInputs, storages: Sequence[Storage]) -> float:
    """Return the smallest factor on every array's area with which ``storages`` carry
    every wanted load (no shedding, nothing unserved); ``inf`` if none up to
    ``MAX_ARRAY_SCALE`` does, 0 if the other sources suffice."""

    def meets(scale: float) -> bool:
        _, mode, _, unserved, _, _ = run_site(inputs, storages, solar_scale=scale)
        return bool(np.all(mode == inputs.wanted_mode) and np.all(unserved <= 1e-9))

    if meets(0.0):
        return 0.0
    if not inputs.solar_w.any() or not meets(MAX_ARRAY_SCALE):
        return float("inf")
    low, high = 0.0, MAX_ARRAY_SCALE
    while high - low > 1e-3 * high:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high


def simulate_site(
    power: PowerSystem,
    modules: Sequence[Module],
    series: xr.Dataset,
    *,
    thermal_deficit_w: np.ndarray | None = None,
    array_visible_fraction: Mapping[str, np.ndarray] | None = None,
) -> tuple[xr.Dataset, dict[str, object], SiteInputs]:
    """Simulate one site; return its series, its summary values and its inputs."""
    inputs = site_inputs(
        power,
        modules,
        series,
        thermal_deficit_w=thermal_deficit_w,
        array_visible_fraction=array_visible_fraction,
    )
    storages = [*power.batteries, *power.fuel_cells]
    stored, mode, load, unserved, curtailed, charge = run_site(inputs, storages)
    capacity = np.array([s.capacity_wh for s in storages], float)
    total_capacity = capacity.sum()
    total_stored = stored.sum(axis=0)
    soc = total_stored / total_capacity if total_capacity > 0 else np.full(len(load), np.nan)
    demand = inputs.demand_w(mode)
    mode_power = np.take_along_axis(inputs.mode_power_w, mode.astype(np.intp), axis=1)
    generation, wanted = inputs.generation_w, inputs.wanted_load_w()
    time = inputs.time
    step = time[1] - time[0]

    data = {
        "solar_w": inputs.solar_w.sum(axis=0),
        "radioisotope_w": inputs.radioisotope_w,
        "fission_w": inputs.fission_w,
        "generation_w": generation,
        "wanted_load_w": wanted,
        "load_w": load,
        "heater_w": (demand - mode_power).sum(axis=0),
        "unserved_w": unserved,
        "curtailed_w": curtailed,
        "stored_wh": total_stored,
        "state_of_charge": soc,
    }
    out = xr.Dataset(
        {
            name: (
                "time",
                values,
                {"units": SERIES_ATTRS[name][0], "long_name": SERIES_ATTRS[name][1]},
            )
            for name, values in data.items()
        },
        coords={"time": time},
    )
    out["storage_stored_wh"] = (
        ("storage", "time"),
        stored,
        {"units": "Wh", "long_name": "energy in each storage at the end of the step"},
    )
    out["storage_charge_w"] = (
        ("storage", "time"),
        charge,
        {"units": "W", "long_name": "bus power into each storage (negative: drawn from it)"},
    )
    out["mode"] = (
        ("module", "time"),
        mode,
        {"units": "1", "long_name": "mode the module ran in", "flag_values": [0, 1, 2],
         "flag_meanings": " ".join(MODES)},
    )  # fmt: skip
    out["shed"] = (
        ("module", "time"),
        mode > inputs.wanted_mode,
        {"units": "1", "long_name": "whether the module ran below its wanted mode"},
    )
    out = out.assign_coords(storage=[s.name for s in storages], module=[m.name for m in modules])

    battery = power.batteries[0] if power.batteries else None
    if battery is not None:
        battery_wh, _ = required_storage_wh(generation - wanted, inputs.step_h, battery)
        battery_kg = battery.mass_for_kg(battery_wh)
    else:
        battery_wh = battery_kg = float("nan")
    scale = required_array_scale(inputs, storages) if power.arrays else float("nan")

    lowest = int(np.nanargmin(soc)) if total_capacity > 0 else 0
    full_before = np.flatnonzero(total_stored[: lowest + 1] >= total_capacity - 1e-6)
    drawdown_start = time[full_before[-1] + 1] if len(full_before) else time[0]
    shed_any = (mode > inputs.wanted_mode).any(axis=0)
    summary = {
        "mean_generation_w": float(generation.mean()),
        "mean_wanted_load_w": float(wanted.mean()),
        "longest_without_solar_h": _longest_run(inputs.solar_w.sum(axis=0) <= 0.0) * inputs.step_h,
        "min_state_of_charge": float(soc[lowest]),
        "min_state_of_charge_time": time[lowest] + step,
        "drawdown_start_time": drawdown_start,
        "energy_not_served_wh": float(unserved.sum() * inputs.step_h),
        "shed_hours": float(shed_any.sum() * inputs.step_h),
        "required_battery_wh": battery_wh,
        "required_battery_mass_kg": battery_kg,
        "required_array_m2": scale * sum(a.area_m2 for a in power.arrays),
        "required_array_mass_kg": scale * sum(a.mass_kg for a in power.arrays),
    }
    return out, summary, inputs


def _longest_run(flags: np.ndarray) -> int:
    """Return the length of the longest run of True in ``flags``."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[0::2]).max()) if len(edges) else 0


def shed_table(site: str, series: xr.Dataset) -> pd.DataFrame:
    """Return one row per stretch in which a module ran below its wanted mode."""
    rows = []
    time = series.time.values
    step = time[1] - time[0]
    for module in series.module.values:
        shed = series.shed.sel(module=module).values
        padded = np.concatenate(([False], shed, [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(padded))
        mode = series["mode"].sel(module=module).values
        for start, stop in zip(edges[0::2], edges[1::2], strict=True):
            rows.append(
                {
                    "site": site,
                    "module": str(module),
                    "start_utc": time[start],
                    "stop_utc": time[stop - 1] + step,
                    "hours": float((stop - start) * step / np.timedelta64(1, "h")),
                    "lowest_mode": MODES[int(mode[start:stop].max())],
                }
            )
    columns = ["site", "module", "start_utc", "stop_utc", "hours", "lowest_mode"]
    return pd.DataFrame(rows, columns=columns)


# --- options --------------------------------------------------------------------------------

OPTION_COLUMNS = [
    "site", "option", "array_m2", "array_mass_kg", "storage", "storage_wh", "storage_mass_kg",
    "peak_discharge_w", "generator_mass_kg", "total_mass_kg",
]  # fmt: skip


def power_options(site: str, power: PowerSystem, inputs: SiteInputs) -> pd.DataFrame:
    """Compare power options at one site by total mass.

    Each option keeps the scenario's arrays and sizes its storage to carry every
    wanted load through the span (:func:`required_storage_wh`): solar + battery,
    solar + regenerative fuel cell, solar + battery + the scenario's RTGs, and
    solar + battery + the scenario's fission units (taken as available over the whole
    span: a design comparison, not a schedule). Options whose technology the scenario
    lacks are left out. ``total_mass_kg`` counts arrays, storage and generators (RHUs
    are the same in every option and not counted).
    """
    solar = inputs.solar_w.sum(axis=0)
    load = inputs.wanted_load_w()
    array_m2 = sum(a.area_m2 for a in power.arrays)
    array_kg = sum(a.mass_kg for a in power.arrays)
    battery = power.batteries[0] if power.batteries else None
    fuel_cell = power.fuel_cells[0] if power.fuel_cells else None
    fission_w = sum(u.electric_w for u in power.fission)
    candidates = [
        ("solar + battery", battery, 0.0, 0.0),
        ("solar + RFC", fuel_cell, 0.0, 0.0),
        ("solar + battery + RTG", battery if power.rtgs else None, inputs.radioisotope_w,
         sum(r.mass_kg for r in power.rtgs)),
        ("solar + battery + fission", battery if power.fission else None, fission_w,
         sum(u.mass_kg for u in power.fission)),
    ]  # fmt: skip
    rows = []
    for option, storage, extra_w, generator_kg in candidates:
        if storage is None:
            continue
        net = solar + extra_w - load
        capacity_wh, _ = required_storage_wh(net, inputs.step_h, storage)
        storage_kg = storage.mass_for_kg(capacity_wh)
        rows.append(
            [site, option, array_m2, array_kg, storage.name, capacity_wh, storage_kg,
             float(max(0.0, -net.min())), generator_kg, array_kg + storage_kg + generator_kg]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=OPTION_COLUMNS)


# --- every site -----------------------------------------------------------------------------


def _site_values(data: xr.DataArray | None, site: str, time: np.ndarray) -> xr.DataArray | None:
    if data is None:
        return None
    if "site" in data.dims:
        data = data.sel(site=site)
    if not np.array_equal(data.time.values, time):
        first, last = data.time.values[0], data.time.values[-1]
        if first > time[0] or last < time[-1]:
            raise PowerInputError(
                f"a series given for {site} covers {first} to {last}, not the whole span"
            )
        data = data.interp(time=time)
    return data


def simulate_power(
    power: PowerSystem,
    modules: Sequence[Module],
    series: xr.Dataset,
    *,
    thermal_deficit_w: xr.DataArray | None = None,
    array_visible_fraction: Mapping[str, xr.DataArray] | None = None,
) -> PowerResults:
    """Simulate the station's power at every site of an environment series.

    Parameters
    ----------
    power : PowerSystem
        The scenario's power sources.
    modules : sequence of Module
        The station's modules (their power by mode, ``operates``, ``priority``).
    series : xarray.Dataset
        The environment series ``(site, time)`` (:func:`~moonbase.environment.
        site_environment.environment`); the time step must be uniform.
    thermal_deficit_w : xarray.DataArray, optional
        Heat each module needs to stay at its survival temperature, W, with dims
        ``(module, time)`` or ``(site, module, time)``; modules not listed need none.
        Interpolated onto the series' times when they differ.
    array_visible_fraction : mapping of array name to xarray.DataArray, optional
        ``(site, time)`` visible fraction of the solar disc seen from the array's own
        height, for arrays whose height differs from the site's.

    Returns
    -------
    PowerResults
    """
    names = [m.name for m in modules]
    time = series.time.values
    per_site, rows, options, shed = [], [], [], []
    for site in series.site.values:
        one = series.sel(site=site)
        deficit = _site_values(thermal_deficit_w, site, time)
        if deficit is not None:
            unknown = sorted(set(map(str, deficit.module.values)) - set(names))
            if unknown:
                raise PowerInputError(f"thermal_deficit_w names unknown modules {unknown}")
            deficit = deficit.reindex(module=names, fill_value=0.0).transpose("module", "time")
            deficit = np.nan_to_num(deficit.values)
        visible = {
            name: _site_values(values, site, time).values
            for name, values in (array_visible_fraction or {}).items()
        }
        data, summary, inputs = simulate_site(
            power, modules, one, thermal_deficit_w=deficit, array_visible_fraction=visible
        )
        per_site.append(data)
        rows.append(summary)
        options.append(power_options(str(site), power, inputs))
        shed.append(shed_table(str(site), data))
    sites = pd.Index([str(s) for s in series.site.values], name="site")
    out = xr.concat(per_site, dim=sites)
    summary = xr.Dataset(coords={"site": sites})
    for name, (units, long_name) in SUMMARY_ATTRS.items():
        summary[name] = (
            "site",
            [row[name] for row in rows],
            {"units": units, "long_name": long_name},
        )
    for name, long_name in (
        ("min_state_of_charge_time", "end of the step with the lowest state of charge (UTC)"),
        ("drawdown_start_time", "start of the drawdown that leads to the lowest state of charge"),
    ):
        summary[name] = ("site", np.array([row[name] for row in rows]), {"long_name": long_name})
    return PowerResults(
        out, summary, pd.concat(options, ignore_index=True), pd.concat(shed, ignore_index=True)
    )
