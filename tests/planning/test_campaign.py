"""Campaign: dates, feasibility rules, what-ifs, and re-planning under a what-if."""

from __future__ import annotations

import copy
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from moonbase.errors import WhatIfError
from moonbase.io.scenario_files import default_scenario_text, read_catalogue, scenario_from_data
from moonbase.planning.campaign import WhatIf, parse_slip, plan_campaign
from moonbase.planning.programme import plan_programme


@pytest.fixture(scope="module")
def raw() -> dict:
    data = yaml.safe_load(default_scenario_text())
    data["programme"]["tasks"] = read_catalogue(data["programme"].pop("catalogue"))
    return data


def _scenario(raw, change=None):
    data = copy.deepcopy(raw)
    if change:
        change(data)
    return scenario_from_data(data)


def _mission(data, name):
    return next(m for m in data["programme"]["missions"] if m["name"] == name)


def test_default_campaign_is_feasible_and_dated(raw):
    campaign = plan_campaign(_scenario(raw))
    assert campaign.issues == [] and campaign.changes == []
    assert set(campaign.missions.status) == {"flies"}
    assert campaign.landing["ILRS-1"] - timedelta(days=30) == pd.Timestamp("2031-06-01", tz="UTC")


def test_losing_a_relay_loses_the_lander_that_needs_it(raw):
    campaign = plan_campaign(_scenario(raw), WhatIf(without=("Luna-26",)))
    status = campaign.missions.set_index("mission").status
    assert status["Luna-26"] == "removed"
    assert status["Luna-27"] == "lost with Luna-26 (depends on it)"
    assert "Luna-27" not in campaign.landing and "Chang'e-8" in campaign.landing


def test_a_slip_carries_the_missions_that_depend_on_it(raw):
    campaign = plan_campaign(_scenario(raw), WhatIf(slips={"Power unit": timedelta(days=730)}))
    # ILRS-5 (June 2035) depends on the power unit, now landing in 2036: it waits.
    assert campaign.landing["ILRS-5"] == campaign.landing["Power unit"]
    assert any(c.startswith("ILRS-5 slips") for c in campaign.changes)
    assert campaign.issues == []


def test_science_before_power_and_communications_is_an_issue(raw):
    def early_science(data):
        _mission(data, "Chang'e-7")["modules"] = ["Geophysics station"]
        _mission(data, "Chang'e-7")["standalone"] = False
        _mission(data, "Chang'e-7")["payload_mass_kg"] = 200

    issues = plan_campaign(_scenario(raw, early_science)).issues
    science = [i for i in issues if "Chang'e-7 brings science (Geophysics station)" in i]
    assert any("power module" in i for i in science)
    assert any("communications module" in i for i in issues)


def test_overloaded_mission_and_dependency_order_are_issues(raw):
    def bad(data):
        _mission(data, "Chang'e-8")["payload_mass_kg"] = 1000
        _mission(data, "ILRS-2")["launch"] = "2030-01-01"

    issues = plan_campaign(_scenario(raw, bad)).issues
    assert "Chang'e-8: its modules (1340 kg) exceed its payload (1000 kg)" in issues
    assert any(i.startswith("ILRS-2 lands 2030-01-31, before ILRS-1") for i in issues)


def test_what_if_names_are_checked(raw):
    with pytest.raises(WhatIfError, match="no mission named 'Luna-99'"):
        plan_campaign(_scenario(raw), WhatIf(without=("Luna-99",)))
    assert parse_slip("ILRS-2=1y") == ("ILRS-2", timedelta(days=365.25))
    assert parse_slip("Chang'e-8=180d") == ("Chang'e-8", timedelta(days=180))
    with pytest.raises(WhatIfError, match="MISSION=DURATION"):
        parse_slip("ILRS-2")
    with pytest.raises(WhatIfError, match="not a duration"):
        parse_slip("ILRS-2=soon")


def _series(days: int = 60) -> xr.Dataset:
    """One site, hourly: sunlit 80 % of each 10-day cycle, the Earth in view half of it."""
    hours = np.arange(24 * days + 1)
    phase = (hours / 24.0) % 10.0
    return xr.Dataset(
        {
            "solar_visible_fraction": (("site", "time"), [(phase < 8.0).astype(float)]),
            "earth_in_view": (("site", "time"), [(phase % 5.0) < 2.5]),
        },
        coords={
            "site": ["Connecting Ridge"],
            "time": np.datetime64("2030-01-01", "ns") + hours * np.timedelta64(1, "h"),
        },
    )


def test_replanning_without_a_mission_reports_what_is_lost(raw):
    scenario = _scenario(raw)
    suitability = pd.DataFrame(
        [{"site": "Connecting Ridge", "permanent_shadow": False, "distance_to_shadow_km": 2.0}]
    )
    results = plan_programme(
        scenario, _series(), suitability, fairness="sum", what_if=WhatIf(without=("Chang'e-7",))
    )
    comparison = results.comparison
    planned_ce7 = {t for t, m in results.planned.selected.items() if m == "Chang'e-7"}
    assert planned_ce7  # the plan used Chang'e-7
    assert "Chang'e-7" not in results.portfolio.selected.values()
    for task in planned_ce7 - set(results.portfolio.selected):
        assert comparison.lost[task].startswith("none of its missions")
    # The seismometer can also fly on ILRS-2: a re-plan that keeps it moves it there.
    if "CE7-SEIS" in results.portfolio.selected:
        assert results.portfolio.selected["CE7-SEIS"] == "ILRS-2"
    assert comparison.total_after <= comparison.total_before
    assert results.campaign.missions.set_index("mission").status["Chang'e-7"] == "removed"
    assert set(results.rules) == {"sum", "maxmin", "nash"}
    assert list(results.schedules) == ["Connecting Ridge"]


def test_run_refuses_an_unknown_what_if_mission_before_any_long_work():
    from moonbase.io.scenario_files import default_scenario
    from moonbase.pipeline import run

    def no_terrain_reading(*_):
        pytest.fail("the pipeline read terrain before checking the what-if")

    with pytest.raises(WhatIfError, match="no mission named 'Luna-99'"):
        run(default_scenario(), read_terrain=no_terrain_reading, what_if=WhatIf(("Luna-99",)))
