"""Small builders for planning tests: tasks and a synthetic station."""

from __future__ import annotations

import numpy as np

from moonbase.planning.resources import StationResources
from moonbase.scenario.programme import Task


def task(id: str, **fields) -> Task:
    """A task with modest defaults; ``fields`` override (nested dicts replace)."""
    data = {
        "id": id,
        "title": id,
        "direction": "chemistry",
        "partners": ["A"],
        "missions": ["m"],
        "mass_kg": 1.0,
        "power": {"operating_w": 10, "standby_w": 0, "survival_w": 0},
        "operation": {"duration": "2h", "cadence": "1d", "data_mb": 0},
        "source": "test",
    }
    data.update(fields)
    return Task.model_validate(data)


def station(
    days: int = 10,
    sunlit_days: int = 5,
    earth_days: tuple[int, ...] = (),
    power_w: float = 100.0,
    downlink_mbit_s: float = 0.0,
    storage_mb: float = 0.0,
    supervised_h: float = 24.0,
    shadow_km: float | None = None,
) -> StationResources:
    """Hourly samples over ``days`` days: sunlit for the first ``sunlit_days``, the Earth
    in view on the listed days, constant science power."""
    time = np.datetime64("2030-01-01T00:00", "ns") + np.arange(24 * days) * np.timedelta64(1, "h")
    day = np.arange(24 * days) // 24
    earth = np.isin(day, earth_days)
    return StationResources(
        site="Test",
        time=time,
        sunlit=day < sunlit_days,
        earth_in_view=earth,
        science_power_w=np.full(24 * days, power_w),
        downlink_rate_mbit_s=np.where(earth, downlink_mbit_s, 0.0),
        storage_mb=storage_mb,
        supervised_h_per_day=supervised_h,
        shadow_distance_km=shadow_km,
        mission_mass_kg={"m": 100.0},
        basis="test",
    )
