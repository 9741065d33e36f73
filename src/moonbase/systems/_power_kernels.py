"""Numba kernels of the power simulation. Plain arrays: W, Wh, hours; no objects.

Modes are small integers: 0 operating, 1 standby, 2 survival. A module's demand in a
mode is ``max(mode_power_w, heat_need_w)``: its electric dissipation already warms it,
and a heater tops it up to the heat it needs (``heat_need_w``: the thermal deficit
less RHU heat, which may be negative).

Storage ``s`` holds ``stored_wh[s]`` between ``floor_wh[s]`` and ``capacity_wh[s]``;
``charge_eff`` of the bus energy sent to it is stored, ``discharge_eff`` of the stored
energy drawn reaches the bus. Storages charge and discharge in their given order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

SURVIVAL = 2


@njit(cache=True)
def _demand_w(mode_power_w, heat_need_w, m, mode, t):
    return max(mode_power_w[m, mode], heat_need_w[m, t])


@njit(cache=True)
def simulate(
    generation_w,
    wanted_mode,
    mode_power_w,
    heat_need_w,
    shed_order,
    capacity_wh,
    floor_wh,
    charge_eff,
    discharge_eff,
    power_limit_w,
    initial_wh,
    step_h,
):
    """Step the station through time; see the module docstring for the conventions.

    Each sample holds for ``step_h`` from its time. Loads start in their wanted modes;
    when generation and the storages together cannot carry them, modules are stepped
    down one mode at a time in ``shed_order`` (each to survival before the next is
    touched) until they can; what even survival loads lack is not served.

    Returns
    -------
    stored_wh : (S, T) energy in each storage at the end of each step
    mode : (M, T) int8 mode of each module
    load_w : (T,) demand of the modules in their modes (served + unserved)
    unserved_w : (T,) demand not met
    curtailed_w : (T,) generation neither used nor stored
    charge_w : (S, T) bus power into each storage (negative: out of it)
    """
    n_modules, n_steps = wanted_mode.shape
    n_storage = capacity_wh.shape[0]
    stored = initial_wh.copy()
    stored_wh = np.empty((n_storage, n_steps))
    mode = np.empty((n_modules, n_steps), np.int8)
    load_w = np.empty(n_steps)
    unserved_w = np.zeros(n_steps)
    curtailed_w = np.zeros(n_steps)
    charge_w = np.zeros((n_storage, n_steps))
    available = np.empty(n_storage)
    for t in range(n_steps):
        load = 0.0
        for m in range(n_modules):
            mode[m, t] = wanted_mode[m, t]
            load += _demand_w(mode_power_w, heat_need_w, m, wanted_mode[m, t], t)
        # Power each storage can give this step.
        supply = generation_w[t]
        for s in range(n_storage):
            energy = max(0.0, stored[s] - floor_wh[s]) * discharge_eff[s] / step_h
            available[s] = min(power_limit_w[s], energy)
            supply += available[s]
        # Shed in order while the load exceeds what can be supplied.
        k = 0
        while load > supply and k < shed_order.shape[0]:
            m = shed_order[k]
            current = mode[m, t]
            if current == SURVIVAL:
                k += 1
                continue
            load -= _demand_w(mode_power_w, heat_need_w, m, current, t) - _demand_w(
                mode_power_w, heat_need_w, m, current + 1, t
            )
            mode[m, t] = current + 1
        load_w[t] = load
        net = generation_w[t] - load
        if net >= 0.0:
            for s in range(n_storage):
                room = (capacity_wh[s] - stored[s]) / (charge_eff[s] * step_h)
                power = min(net, power_limit_w[s], max(0.0, room))
                stored[s] += power * charge_eff[s] * step_h
                charge_w[s, t] = power
                net -= power
            curtailed_w[t] = net
        else:
            deficit = -net
            for s in range(n_storage):
                power = min(deficit, available[s])
                stored[s] -= power * step_h / discharge_eff[s]
                charge_w[s, t] = -power
                deficit -= power
            unserved_w[t] = deficit
        for s in range(n_storage):
            stored_wh[s, t] = stored[s]
    return stored_wh, mode, load_w, unserved_w, curtailed_w, charge_w


@njit(cache=True)
def max_drawdown(net_w, step_h, charge_eff, discharge_eff):
    """Return the most energy a storage starting full must give (Wh, storage side) and
    the step at whose end that happens.

    ``net_w`` is generation less load. A storage of unlimited size starting full is
    drawn down by ``-net * step / discharge_eff`` in deficits and refilled by
    ``net * step * charge_eff`` in surpluses, never above full; the deepest drawdown is
    the smallest usable energy that carries every load.
    """
    drawn = 0.0
    worst = 0.0
    worst_index = -1
    for t in range(net_w.shape[0]):
        if net_w[t] >= 0.0:
            drawn = max(0.0, drawn - net_w[t] * step_h * charge_eff)
        else:
            drawn += -net_w[t] * step_h / discharge_eff
        if drawn > worst:
            worst = drawn
            worst_index = t
    return worst, worst_index
