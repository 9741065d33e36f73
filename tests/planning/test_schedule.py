"""Schedule: operations go where their needs hold and the day's resources allow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from moonbase.planning.schedule import schedule_operations
from tests.planning.helpers import station, task


def _days(schedule, task_id: str) -> list[int]:
    ops = schedule.operations[schedule.operations.task == task_id]
    return sorted(((ops.day - pd.Timestamp("2030-01-01")).dt.days).tolist())


def test_darkness_task_runs_only_in_darkness_and_says_why_not_otherwise():
    astro = task("astro", needs={"light": "darkness"}, operation={"duration": "4h"})
    schedule = schedule_operations([astro], {"astro": 5.0}, station(days=10, sunlit_days=6))
    assert _days(schedule, "astro") == [6, 7, 8, 9]
    assert len(schedule.unplaced) == 6
    assert set(schedule.unplaced.reason) == {"no 4 h stretch of darkness"}
    row = schedule.tasks.set_index("task").loc["astro"]
    assert (row.wanted, row.placed) == (10, 4)


def test_energy_is_shared_and_the_more_valuable_task_wins():
    # 200 W for 24 h = 4800 Wh a day; each operation takes 14 h x 200 W = 2800 Wh.
    big = {"operating_w": 200, "standby_w": 0, "survival_w": 0}
    a = task("a", power=big, operation={"duration": "14h"})
    b = task("b", power=big, operation={"duration": "14h"})
    # 200 W exceeds the 100 W peak: nothing runs, and the reason says so.
    schedule = schedule_operations([a, b], {"a": 2.0, "b": 1.0}, station(days=4))
    assert schedule.operations.empty
    assert "science power below the 200 W" in schedule.unplaced.reason.iloc[0]
    schedule = schedule_operations([a, b], {"a": 2.0, "b": 1.0}, station(days=4, power_w=200))
    assert _days(schedule, "a") == [0, 1, 2, 3]
    assert _days(schedule, "b") == []
    assert set(schedule.unplaced.reason) == {"science energy taken by other operations"}
    used = schedule.daily.operations_energy_wh
    assert np.all(used <= schedule.daily.science_energy_wh - schedule.daily.standby_wh + 1e-6)


def test_data_waits_in_the_store_for_the_downlink():
    # 1 Mbit/s for a whole day = 10,800 MB on Earth days 3 and 7 only.
    imager = task("img", operation={"duration": "1h", "data_mb": 5000})
    no_store = schedule_operations(
        [imager], {"img": 1.0}, station(days=8, earth_days=(3, 7), downlink_mbit_s=1.0)
    )
    assert _days(no_store, "img") == [3, 7]
    with_store = schedule_operations(
        [imager],
        {"img": 1.0},
        station(days=8, earth_days=(3, 7), downlink_mbit_s=1.0, storage_mb=20000),
    )
    # The store lets four operations' 20,000 MB wait for the 21,600 MB of downlink.
    assert len(with_store.operations) == 4
    daily = with_store.daily
    assert np.all(daily.stored_mb <= 20000 + 1e-6)
    assert np.all(daily.downlinked_mb <= daily.downlink_mb + 1e-6)
    assert daily.downlinked_mb.sum() == pytest.approx(4 * 5000)  # the store is cyclic


def test_supervised_hours_and_cadence():
    rover = task("rover", operation={"duration": "6h", "supervised": True})
    drill = task("drill", operation={"duration": "4h", "cadence": "5d", "supervised": True})
    schedule = schedule_operations(
        [rover, drill], {"rover": 1.0, "drill": 10.0}, station(days=10, supervised_h=8)
    )
    assert len(_days(schedule, "drill")) == 2  # once per 5-day period
    assert np.all(schedule.daily.supervised_h <= 8 + 1e-9)
    assert "supervised hours taken by other operations" in set(schedule.unplaced.reason)


def test_nothing_to_schedule():
    schedule = schedule_operations([], {}, station(days=3))
    assert schedule.operations.empty and schedule.unplaced.empty
    assert schedule.tasks.empty and len(schedule.daily) == 3
