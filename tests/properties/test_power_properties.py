"""Power simulation properties: energy is conserved step by step, storage stays within
its usable band, and loads are shed strictly by priority."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moonbase.systems.power import simulate_power

from ..systems.power_series import array, battery, fuel_cell, module, series, system

fractions = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def stations(draw):
    """A random station: loads, priorities, storage and a generation series."""
    steps = draw(st.integers(2, 48))
    visible = draw(st.lists(fractions, min_size=steps, max_size=steps))
    modules = []
    for i in range(draw(st.integers(1, 5))):
        survival, standby, operating = sorted(
            draw(st.lists(st.floats(0.0, 300.0), min_size=3, max_size=3))
        )
        modules.append(
            module(
                f"M{i}",
                operating,
                standby,
                survival,
                priority=draw(st.integers(1, 10)),
                operates=draw(st.sampled_from(["always", "daylight", "darkness"])),
            )
        )
    storages = {}
    if draw(st.booleans()):
        depth = draw(st.floats(0.1, 1.0))
        storages["batteries"] = [
            battery(
                draw(st.floats(0.0, 5000.0)),
                depth_of_discharge=depth,
                round_trip_efficiency=draw(st.floats(0.3, 1.0)),
                initial_state_of_charge=draw(st.floats(1.0 - depth, 1.0)),
            )
        ]
    if draw(st.booleans()):
        storages["fuel_cells"] = [
            fuel_cell(
                draw(st.floats(0.0, 5000.0)),
                power_w=draw(st.floats(1.0, 500.0)),
                round_trip_efficiency=draw(st.floats(0.3, 1.0)),
                initial_state_of_charge=draw(fractions),
            )
        ]
    power = system(arrays=[array(draw(st.floats(0.01, 0.5)))], **storages)
    return power, modules, series(visible, step_h=draw(st.sampled_from([0.5, 1.0, 3.0])))


@settings(max_examples=60, deadline=None)
@given(stations())
def test_energy_is_conserved_step_by_step(station):
    power, modules, env = station
    out = simulate_power(power, modules, env).series.isel(site=0)
    step_h = (
        0.5 if len(env.time) < 2 else float((env.time[1] - env.time[0]) / np.timedelta64(1, "h"))
    )
    charge = out.storage_charge_w.values  # (S, T), + into storage
    bus_in = out.generation_w.values - charge.sum(axis=0)
    bus_out = out.load_w.values - out.unserved_w.values + out.curtailed_w.values
    np.testing.assert_allclose(bus_in, bus_out, atol=1e-7)
    assert (out.unserved_w >= -1e-9).all() and (out.curtailed_w >= -1e-9).all()
    storages = [*power.batteries, *power.fuel_cells]
    for s, storage in enumerate(storages):
        stored = out.storage_stored_wh.values[s]
        before = np.r_[storage.initial_state_of_charge * storage.capacity_wh, stored[:-1]]
        eta = storage.one_way_efficiency
        flow = np.where(charge[s] > 0, charge[s] * eta, charge[s] / eta) * step_h
        np.testing.assert_allclose(stored - before, flow, atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(stations())
def test_storage_stays_within_its_usable_band(station):
    power, modules, env = station
    out = simulate_power(power, modules, env).series.isel(site=0)
    for s, storage in enumerate([*power.batteries, *power.fuel_cells]):
        if storage.capacity_wh == 0:
            continue
        soc = out.storage_stored_wh.values[s] / storage.capacity_wh
        assert (soc >= 1.0 - storage.depth_of_discharge - 1e-12).all()
        assert (soc <= 1.0 + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(stations())
def test_a_load_is_shed_only_after_every_lower_priority_load_is_at_survival(station):
    power, modules, env = station
    out = simulate_power(power, modules, env).series.isel(site=0)
    mode, shed = out["mode"].values, out.shed.values
    priority = np.array([m.priority for m in modules])
    for t in range(mode.shape[1]):
        for i in np.flatnonzero(shed[:, t]):
            lower = priority > priority[i]
            assert (mode[lower, t] == 2).all()
        if out.unserved_w.values[t] > 1e-9:
            assert (mode[:, t] == 2).all()  # nothing is left unserved while a load could shed


@settings(max_examples=40, deadline=None)
@given(
    st.lists(fractions, min_size=2, max_size=60),
    st.floats(0.1, 1.0),
    st.floats(0.3, 1.0),
)
def test_the_sized_battery_is_the_smallest_the_simulation_accepts(visible, depth, round_trip):
    # A load that cannot shed: the sized battery serves everything, 0.1 % less does not.
    loads = [module(operating_w=100.0)]
    env = series(visible)

    def not_served_wh(capacity_wh: float) -> float:
        tech = battery(capacity_wh, depth_of_discharge=depth, round_trip_efficiency=round_trip)
        power = system(arrays=[array(0.2)], batteries=[tech])
        return float(simulate_power(power, loads, env).summary.energy_not_served_wh[0])

    tech = battery(1.0, depth_of_discharge=depth, round_trip_efficiency=round_trip)
    result = simulate_power(system(arrays=[array(0.2)], batteries=[tech]), loads, env)
    needed_wh = float(result.summary.required_battery_wh[0])
    assert not_served_wh(needed_wh * (1 + 1e-9) + 1e-9) <= 1e-6
    if needed_wh > 1e-6:
        assert not_served_wh(needed_wh * (1 - 1e-3)) > 0.0
