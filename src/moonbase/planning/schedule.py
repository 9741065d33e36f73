"""Place the chosen tasks' operations in daily slots over the span, at one site.

A time-indexed MILP (HiGHS via :func:`scipy.optimize.milp`): binary ``x[i, d]`` puts one
operation of task ``i`` on day ``d``. A day is open to a task when, within it, the task's
needs (daylight or darkness, the Earth in view) hold, and the science power reaches the
operating power, throughout a stretch as long as the operation. Each task wants one
operation per cadence period; each day the operations' energy above standby fits in the
day's science energy less every task's standby, the supervised hours fit in the ground
team's day, and the data go to an on-board store that the day's downlink drains. The
store is cyclic (it ends the span as it began), as the span stands for a period that
repeats, so no data is left behind and none is assumed sent before the span.
The objective is the value placed: each operation carries an equal share of its task's
value. What is not placed is reported per period with the reason.

The span is the representative operations period of the station as built (as in the
systems model): every chosen task is taken to be on the surface throughout; the
missions' dates are the campaign's business (:mod:`moonbase.planning.campaign`).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import csr_array

from moonbase.planning.resources import StationResources, daily_longest_run, need_mask
from moonbase.scenario.programme import Task

DAY_S = 86400.0


@dataclass(frozen=True, eq=False)
class Schedule:
    """Where the operations went at one site, and what could not be placed.

    ``operations``: one row per operation (task, day, start_utc, duration_h, energy_wh,
    data_mb). ``unplaced``: one row per cadence period left empty (task, period_start,
    period_stop, reason). ``tasks``: per task, operations wanted and placed, and the
    commonest reason for a miss. ``daily``: per day, science energy available and used,
    downlink available and used, data stored at the end of the day, supervised hours.
    """

    site: str
    operations: pd.DataFrame
    unplaced: pd.DataFrame
    tasks: pd.DataFrame
    daily: pd.DataFrame
    status: str
    mip_gap: float
    solve_s: float
    standby_shortfall_days: int  # days whose science energy does not cover the standbys


def _open_days(
    task: Task, station: StationResources, runs: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days a task can operate, the start hour there, and why each closed day is closed.

    A day is open when it holds a stretch as long as the operation in which the needs
    hold and the science power reaches the operating power throughout.
    """
    needs = (task.needs.light, task.needs.earth_in_view)
    powered = (*needs, task.power.operating_w)
    for key in (needs, powered):
        if key not in runs:
            mask = need_mask(station, *needs)
            if len(key) == 3:
                mask &= station.science_power_w >= task.power.operating_w - 1e-9
            runs[key] = daily_longest_run(station, mask)[1:]
    duration_h = task.operation.duration.total_seconds() / 3600.0
    long_enough = runs[needs][0] >= duration_h - 1e-9
    longest, start = runs[powered]
    need = " and ".join(
        [*([] if task.needs.light == "any" else [task.needs.light])]
        + (["the Earth in view"] if task.needs.earth_in_view else [])
    )
    why = np.where(
        ~long_enough,
        f"no {duration_h:g} h stretch" + (f" of {need}" if need else ""),
        f"science power below the {task.power.operating_w:g} W it operates at",
    )
    return longest >= duration_h - 1e-9, start, why


def schedule_operations(
    tasks: list[Task],
    values: dict[str, float],
    station: StationResources,
    *,
    time_limit_s: float | None = 60.0,
    gap: float = 1e-4,
) -> Schedule:
    """Schedule the operations of ``tasks`` at the station's site over the span.

    Parameters
    ----------
    tasks : list of Task
        The chosen tasks.
    values : dict
        Each task's value (the sum of the partners' values); shares the objective.
    station : StationResources
    time_limit_s, gap : float
        HiGHS limits; at the time limit the best schedule found is returned.
    """
    started = time.perf_counter()
    daily = station.daily()
    days = daily.index.to_numpy()
    n_days = len(days)
    day_hours = pd.Series(station.step_h).groupby(np.searchsorted(days, station.day)).sum()
    standby_wh = day_hours.to_numpy() * sum(t.power.standby_w for t in tasks)
    energy_cap = daily.science_energy_wh.to_numpy() - standby_wh
    shortfall = int((energy_cap < 0).sum())
    energy_cap = np.maximum(energy_cap, 0.0)
    downlink = daily.downlink_mb.to_numpy()
    runs: dict = {}

    columns: list[tuple[int, int]] = []  # (task, day) of each binary
    weights: list[float] = []
    periods: list[tuple[int, np.ndarray, np.ndarray]] = []  # task, period days, open days
    opened, starts = [], []
    for i, task in enumerate(tasks):
        open_days, start, why = _open_days(task, station, runs)
        opened.append((open_days, why))
        starts.append(start)
        cadence_days = task.operation.cadence.total_seconds() / DAY_S
        period = np.floor(np.arange(n_days) / cadence_days).astype(int)
        count = period[-1] + 1 if n_days else 0
        for k in range(count):
            in_period = np.flatnonzero(period == k)
            good = in_period[open_days[in_period]]
            periods.append((i, in_period, len(columns) + np.arange(len(good))))
            columns.extend((i, int(d)) for d in good)
            weights.extend([max(values.get(task.id, 0.0), 1e-3) / count] * len(good))

    n_x = len(columns)
    # Variables: x (n_x binaries), stored_mb per day, downlinked_mb per day.
    stored = n_x + np.arange(n_days)
    sent = n_x + n_days + np.arange(n_days)
    rows, cols, vals, upper, lower = [], [], [], [], []

    def add(index, coefficients, lo, hi):
        rows.extend([len(upper)] * len(index))
        cols.extend(index)
        vals.extend(coefficients)
        lower.append(lo)
        upper.append(hi)

    for _, _, index in periods:
        if len(index) > 1:
            add(index, np.ones(len(index)), -np.inf, 1.0)
    task_of = np.array([c[0] for c in columns], dtype=int)
    day_of = np.array([c[1] for c in columns], dtype=int)
    energy = np.array([t.operating_energy_wh() for t in tasks], dtype=float)
    hours = np.array([t.operation.duration.total_seconds() / 3600.0 for t in tasks], dtype=float)
    supervised = np.array([t.operation.supervised for t in tasks], dtype=bool)
    data = np.array([t.operation.data_mb for t in tasks], dtype=float)
    by_day = [np.flatnonzero(day_of == d) for d in range(n_days)]
    for d, on in enumerate(by_day):
        use = energy[task_of[on]]
        if (use > 0).any():
            add(on[use > 0], use[use > 0], -np.inf, energy_cap[d])
        watch = on[supervised[task_of[on]]]
        if len(watch):
            add(watch, hours[task_of[watch]], -np.inf, station.supervised_h_per_day)
        # stored[d] - stored[d-1] - data placed + sent[d] = 0, cyclic: the period repeats,
        # so what is stored at its end is what it starts with.
        previous = stored[d - 1] if d else stored[n_days - 1]
        index = [stored[d], sent[d], *on] + ([previous] if n_days > 1 else [])
        coefficients = [1.0, 1.0, *(-data[task_of[on]])] + ([-1.0] if n_days > 1 else [])
        add(index, coefficients, 0.0, 0.0)
    n = n_x + 2 * n_days
    c = np.zeros(n)
    c[:n_x] = -np.array(weights)
    lower_bounds = np.zeros(n)
    store = np.full(n_days, station.storage_mb)
    upper_bounds = np.concatenate([np.ones(n_x), store, downlink])
    integrality = np.concatenate([np.ones(n_x), np.zeros(2 * n_days)])
    matrix = csr_array((vals, (rows, cols)), shape=(len(upper), n))
    options = {"mip_rel_gap": gap, "disp": False}
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    result = milp(
        c,
        constraints=LinearConstraint(matrix, np.array(lower), np.array(upper)),
        integrality=integrality,
        bounds=(lower_bounds, upper_bounds),
        options=options,
    )
    if result.x is None:
        raise RuntimeError(f"the schedule solver failed: {result.message}")
    z = result.x
    placed = z[:n_x] > 0.5

    operations = _operations_table(
        tasks, station, days, task_of[placed], day_of[placed], starts, energy, data, hours
    )
    used_energy = np.bincount(day_of[placed], energy[task_of[placed]], minlength=n_days)
    used_hours = np.bincount(
        day_of[placed], (hours * supervised)[task_of[placed]], minlength=n_days
    )
    slack = {
        "energy": energy_cap - used_energy,
        "supervised": station.supervised_h_per_day - used_hours,
        "storage": station.storage_mb - z[stored],
    }
    unplaced = _unplaced_table(tasks, days, periods, placed, opened, slack, energy, hours, data)
    wanted = Counter(i for i, _, _ in periods)
    got = Counter(task_of[placed].tolist())
    reasons = unplaced.groupby("task").reason.agg(lambda r: r.value_counts().index[0])
    summary = pd.DataFrame(
        {
            "task": [t.id for t in tasks],
            "wanted": [wanted[i] for i in range(len(tasks))],
            "placed": [got[i] for i in range(len(tasks))],
        }
    )
    summary["reason"] = [reasons.get(t, "") for t in summary.task]
    daily_table = pd.DataFrame(
        {
            "day": days,
            "science_energy_wh": daily.science_energy_wh.to_numpy(),
            "standby_wh": standby_wh,
            "operations_energy_wh": used_energy,
            "downlink_mb": downlink,
            "downlinked_mb": z[sent],
            "stored_mb": z[stored],
            "supervised_h": used_hours,
        }
    )
    return Schedule(
        site=station.site,
        operations=operations,
        unplaced=unplaced,
        tasks=summary,
        daily=daily_table,
        status="optimal" if result.status == 0 else "time limit",
        mip_gap=float(getattr(result, "mip_gap", 0.0) or 0.0),
        solve_s=time.perf_counter() - started,
        standby_shortfall_days=shortfall,
    )


def _operations_table(tasks, station, days, task_index, day_index, starts, energy, data, hours):
    start_h = np.array([starts[i][d] for i, d in zip(task_index, day_index, strict=True)])
    start_utc = days[day_index].astype("datetime64[s]") + (start_h * 3600).astype("timedelta64[s]")
    table = pd.DataFrame(
        {
            "site": station.site,
            "task": [tasks[i].id for i in task_index],
            "day": days[day_index],
            "start_utc": start_utc,
            "duration_h": hours[task_index],
            "energy_wh": energy[task_index],
            "data_mb": data[task_index],
        }
    )
    return table.sort_values(["start_utc", "task"], kind="stable").reset_index(drop=True)


def _unplaced_table(tasks, days, periods, placed, opened, slack, energy, hours, data):
    rows = []
    for i, in_period, index in periods:
        if len(index) and placed[index].any():
            continue
        open_days, why = opened[i]
        first, last = days[in_period[0]], days[in_period[-1]] + np.timedelta64(1, "D")
        if not len(index):
            reason = Counter(why[in_period]).most_common(1)[0][0]
        else:
            candidates = in_period[open_days[in_period]]
            tight = Counter()
            for d in candidates:
                if slack["energy"][d] < energy[i] - 1e-6:
                    tight["science energy taken by other operations"] += 1
                if tasks[i].operation.supervised and slack["supervised"][d] < hours[i] - 1e-6:
                    tight["supervised hours taken by other operations"] += 1
                if slack["storage"][d] < data[i] - 1e-6:
                    tight["downlink and data store full"] += 1
            reason = tight.most_common(1)[0][0] if tight else "downlink and data store full"
        rows.append(
            {"task": tasks[i].id, "period_start": first, "period_stop": last, "reason": reason}
        )
    return pd.DataFrame(rows, columns=["task", "period_start", "period_stop", "reason"])
