"""Station resources: declared budgets, the power simulation's surplus, mission masses."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from moonbase.io.scenario_files import default_scenario
from moonbase.planning.resources import daily_longest_run, mission_mass_kg, station_resources
from tests.planning.helpers import station


def _series(hours: int, sunlit: np.ndarray, earth: np.ndarray) -> xr.Dataset:
    return xr.Dataset(
        {
            "solar_visible_fraction": (("site", "time"), [sunlit.astype(float)]),
            "earth_in_view": (("site", "time"), [earth]),
        },
        coords={
            "site": ["Connecting Ridge"],
            "time": np.datetime64("2030-01-01", "ns") + np.arange(hours) * np.timedelta64(1, "h"),
        },
    )


@pytest.fixture(scope="module")
def scenario():
    return default_scenario()


def test_declared_budgets_follow_sunlight_and_earth(scenario):
    # Two days (+ the closing sample): sunlit the first day, the Earth in view 6 h a day.
    hours = np.arange(49)
    series = _series(49, hours < 24, (hours % 24) < 6)
    resources = station_resources(scenario, series, "Connecting Ridge")
    budget = scenario.programme.resources
    daily = resources.daily()
    assert len(daily) == 2  # the closing sample's step lies past the span
    assert daily.science_energy_wh.iloc[0] == pytest.approx(24 * budget.science_power_sunlit_w)
    assert daily.science_energy_wh.iloc[1] == pytest.approx(24 * budget.science_power_dark_w)
    # 1 Mbit/s for an hour is 450 MB.
    assert daily.downlink_mb.iloc[0] == pytest.approx(6 * 450 * budget.downlink_rate_mbit_s)
    assert "declared" in resources.basis


def test_with_the_power_simulation_science_gets_the_surplus(scenario):
    hours = np.arange(49)
    series = _series(49, hours < 24, hours < 0)
    curtailed = np.where(hours < 24, 500.0, 0.0)
    power = xr.Dataset(
        {"curtailed_w": (("site", "time"), [curtailed])},
        coords={"site": series.site, "time": series.time},
    )
    resources = station_resources(scenario, series, "Connecting Ridge", power=power)
    assert np.array_equal(resources.science_power_w, curtailed[:-1])
    assert resources.mean_daily()["energy_wh_per_day"] == pytest.approx(500 * 24 / 2)
    assert "power simulation" in resources.basis


def test_with_the_links_the_downlink_is_their_summed_rate(scenario):
    hours = np.arange(25)
    series = _series(25, hours < 24, hours < 0)
    rates = np.stack([np.where(hours < 6, 2.0, 0.0), np.where(hours >= 12, 0.5, 0.0)])
    links = xr.Dataset(
        {"rate_mbit_s": (("site", "link", "time"), [rates])},
        coords={"site": series.site, "link": ["DTE", "Relay"], "time": series.time},
    )
    resources = station_resources(scenario, series, "Connecting Ridge", links=links)
    # 6 h at 2 Mbit/s and 12 h at 0.5 Mbit/s (the closing sample is past the span).
    assert resources.daily().downlink_mb.iloc[0] == pytest.approx((6 * 2 + 12 * 0.5) * 450)
    assert "links' data rates" in resources.basis


def test_mission_mass_is_payload_less_modules(scenario):
    mass = mission_mass_kg(scenario)
    assert mass["Chang'e-8"] == pytest.approx(1480 - 1200 - 140)
    assert mass["Luna-26"] == 0.0


def test_daily_longest_run_stops_at_midnight():
    resources = station(days=2)
    mask = np.zeros(48, bool)
    mask[20:30] = True  # 20:00 on day 0 to 06:00 on day 1
    mask[40:43] = True
    days, longest, start = daily_longest_run(resources, mask)
    assert len(days) == 2
    assert longest.tolist() == [4.0, 6.0]
    assert start.tolist() == [20.0, 0.0]


def test_a_task_is_a_candidate_only_where_its_needs_can_be_met(scenario):
    from dataclasses import replace

    from moonbase.planning.portfolio import portfolio_problem
    from tests.planning.helpers import task

    programme = scenario.programme.model_copy(
        update={
            "tasks": [
                task("psr", missions=["ILRS-2"], needs={"shadowed_area_within_km": 5}),
                task("long", missions=["ILRS-2"],
                     operation={"duration": "8h", "cadence": "7d", "supervised": True}),
                task("dark", missions=["ILRS-2"], needs={"light": "darkness"}),
                task("late", missions=["ILRS-5"], needs={"min_campaign": "2000d"}),
                task("fine", missions=["ILRS-2"]),
            ]
        }
    )  # fmt: skip
    resources = replace(station(days=3, sunlit_days=3, supervised_h=6.0, shadow_km=12.0),
                        mission_mass_kg=mission_mass_kg(scenario))  # fmt: skip
    problem = portfolio_problem(programme, resources, ["A"])
    assert problem.tasks == ("fine",)
    why = problem.excluded
    assert "the nearest is 12.0 km" in why["psr"]
    assert "8 h of supervision; the ground team runs 6 h a day" in why["long"]
    assert "never offers 2 h of darkness" in why["dark"]
    assert "needs 2000 days on the surface" in why["late"]
