"""The schedule never breaks a day's budgets or a task's needs, whatever the inputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moonbase.planning.resources import need_mask
from moonbase.planning.schedule import schedule_operations
from tests.planning.helpers import station, task


@st.composite
def schedule_cases(draw):
    days = draw(st.integers(2, 8))
    resources = station(
        days=days,
        sunlit_days=draw(st.integers(0, days)),
        earth_days=tuple(draw(st.sets(st.integers(0, days - 1)))),
        power_w=draw(st.sampled_from([20.0, 60.0, 200.0])),
        downlink_mbit_s=draw(st.sampled_from([0.0, 0.1, 1.0])),
        storage_mb=draw(st.sampled_from([0.0, 500.0, 5000.0])),
        supervised_h=draw(st.sampled_from([0.0, 4.0, 12.0])),
    )
    # Science power that changes every 6 hours, so a stretch can start powered and fade.
    levels = draw(st.lists(st.sampled_from([0.0, 20.0, 60.0, 200.0]), min_size=4 * days,
                           max_size=4 * days))  # fmt: skip
    resources = replace(resources, science_power_w=np.repeat(levels, 6))
    tasks = []
    for i in range(draw(st.integers(1, 4))):
        operating = draw(st.sampled_from([5, 30, 80]))
        tasks.append(
            task(
                f"t{i}",
                power={"operating_w": operating, "standby_w": draw(st.sampled_from([0, 1])),
                       "survival_w": 0},
                operation={
                    "duration": f"{draw(st.integers(1, 24))}h",
                    "cadence": f"{draw(st.integers(1, 3))}d",
                    "data_mb": draw(st.sampled_from([0, 100, 2000])),
                    "supervised": draw(st.booleans()),
                },
                needs={
                    "light": draw(st.sampled_from(["any", "daylight", "darkness"])),
                    "earth_in_view": draw(st.booleans()),
                },
            )
        )  # fmt: skip
    return resources, tasks


@settings(max_examples=40, deadline=None)
@given(schedule_cases())
def test_schedule_respects_needs_and_budgets(case):
    resources, tasks = case
    schedule = schedule_operations(tasks, {t.id: 1.0 for t in tasks}, resources)
    daily = schedule.daily
    cap = np.maximum(daily.science_energy_wh - daily.standby_wh, 0.0)
    assert np.all(daily.operations_energy_wh <= cap + 1e-6)
    assert np.all(daily.supervised_h <= resources.supervised_h_per_day + 1e-6)
    assert np.all(daily.stored_mb <= resources.storage_mb + 1e-6)
    assert np.all(daily.downlinked_mb <= daily.downlink_mb + 1e-6)
    by_id = {t.id: t for t in tasks}
    for op in schedule.operations.itertuples():
        t = by_id[op.task]
        # The operation lies in a stretch where its needs hold and the power suffices.
        start = np.searchsorted(resources.time, np.datetime64(op.start_utc, "ns"))
        hours = slice(start, start + int(op.duration_h))
        assert need_mask(resources, t.needs.light, t.needs.earth_in_view)[hours].all()
        assert (resources.science_power_w[hours] >= t.power.operating_w).all()
    # Every period is either used once or explained.
    counts = schedule.tasks.set_index("task")
    missed = schedule.unplaced.groupby("task").size()
    for t in tasks:
        assert counts.loc[t.id, "placed"] + missed.get(t.id, 0) == counts.loc[t.id, "wanted"]
