"""The report's programme section and the exports' tables, from a synthetic plan."""

from __future__ import annotations

import copy

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml

from moonbase.io.scenario_files import default_scenario_text, read_catalogue, scenario_from_data
from moonbase.planning.campaign import WhatIf
from moonbase.planning.programme import plan_programme, portfolio_table, schedule_table
from moonbase.report.programme_section import programme_section
from tests.planning.test_campaign import _series


@pytest.fixture(scope="module")
def planned():
    data = copy.deepcopy(yaml.safe_load(default_scenario_text()))
    data["programme"]["tasks"] = read_catalogue(data["programme"].pop("catalogue"))
    scenario = scenario_from_data(data)
    suitability = pd.DataFrame(
        [{"site": "Connecting Ridge", "permanent_shadow": False, "distance_to_shadow_km": 12.0}]
    )
    what_if = WhatIf(without=("Luna-26",))
    return scenario, plan_programme(scenario, _series(30), suitability, what_if=what_if)


def test_section_lists_every_task_once_with_a_reason_when_not_chosen(planned):
    scenario, results = planned
    titles = []

    def png(fig, title):
        plt.close(fig)
        titles.append(title)
        return title

    section = programme_section(scenario, results, png)
    tables = {t.title.split(":")[0]: t for t in section.tables}
    chosen = {row[0] for row in tables["Chosen tasks"].rows}
    others = {row[0]: row[1] for row in tables["Tasks not chosen"].rows}
    assert chosen == set(results.portfolio.selected)
    assert chosen | set(others) == {t.id for t in scenario.programme.tasks}
    assert not chosen & set(others) and all(others.values())
    assert "none of its missions (Luna-27) flies" in others["L27-PLASMA"]
    assert titles == ["Pareto front", "Campaign", "Schedule at Connecting Ridge"]
    assert ("What-if", "without Luna-26") in section.facts
    assert any(t.startswith("What-if") for t in tables)
    assert len(tables["Partner value (share of its catalogue value)"].rows) == 14


def test_exports_tables(planned):
    scenario, results = planned
    portfolio = portfolio_table(scenario, results)
    assert len(portfolio) == len(scenario.programme.tasks)
    assert portfolio.selected.sum() == len(results.portfolio.selected)
    assert (portfolio.why_not[~portfolio.selected] != "").all()
    operations = schedule_table(results)
    assert set(operations.task) <= set(results.portfolio.selected)
    assert {"site", "task", "day", "start_utc", "duration_h", "energy_wh", "data_mb"} <= set(
        operations.columns
    )
