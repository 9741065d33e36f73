"""The programme section of the scenario: the default catalogue, and clear errors."""

from __future__ import annotations

import copy

import pytest
import yaml

from moonbase.errors import ScenarioError, ScenarioFileError
from moonbase.io.scenario_files import (
    default_scenario,
    load_scenario,
    read_catalogue,
    scenario_from_data,
)
from moonbase.scenario import validate_scenario
from moonbase.scenario.programme import DIRECTIONS, dependency_cycle
from tests.scenario_helpers import default_data, problems


@pytest.fixture
def data() -> dict:
    """The default scenario with its built-in catalogue inlined."""
    data = default_data()
    programme = data["programme"]
    programme["tasks"] = read_catalogue(programme.pop("catalogue"))
    return data


def test_default_programme_is_illustrative_and_covers_the_missions_of_the_facts():
    programme = default_scenario().programme
    names = [m.name for m in programme.missions]
    for name in ("Chang'e-7", "Luna-26", "Luna-27", "Chang'e-8", "Power unit"):
        assert name in names
    assert [f"ILRS-{i}" for i in range(1, 6)] == [n for n in names if n.startswith("ILRS")]
    assert all(t.approximate and t.source for t in programme.tasks)
    assert all(m.source for m in programme.missions)
    assert {t.direction for t in programme.tasks} == set(DIRECTIONS)
    years = {m.name: m.launch.year for m in programme.missions}
    assert years["Chang'e-7"] == 2026 and years["Chang'e-8"] == 2029
    assert 2033 <= years["Power unit"] <= 2035
    assert programme.catalogue == "builtin:ilrs-illustrative"


def test_task_needing_a_missing_mission_is_named(data):
    data["programme"]["tasks"][2]["missions"] = ["Luna-28"]
    message = problems(data)
    assert "tasks[2] (CE7-SKYCAM).missions" in message
    assert "needs mission 'Luna-28', which does not exist" in message


def test_score_outside_the_scale_is_named(data):
    data["programme"]["tasks"][0]["interest"]["CNSA"] = 12
    message = problems(data)
    assert "programme.tasks[0] (CE7-LRA).interest.CNSA: score 12 is outside the scale 0..10" in (
        message
    )


def test_dependency_cycle_is_named(data):
    missions = data["programme"]["missions"]
    ilrs1 = next(m for m in missions if m["name"] == "ILRS-1")
    ilrs1["depends_on"] = ["ILRS-3"]
    message = problems(data)
    assert "dependency cycle ILRS-1 -> ILRS-3 -> ILRS-1" in message or (
        "dependency cycle ILRS-3 -> ILRS-1 -> ILRS-3" in message
    )


def test_unknown_partner_module_and_site_are_named(data):
    bad = copy.deepcopy(data)
    bad["programme"]["tasks"][1]["interest"]["ESA"] = 5
    assert "'ESA' is not a partner code" in problems(bad)
    bad = copy.deepcopy(data)
    bad["programme"]["missions"][0]["modules"] = ["Habitat"]
    assert ".modules: 'Habitat' is not a station module" in problems(bad)
    bad = copy.deepcopy(data)
    bad["programme"]["site"] = "Nowhere"
    assert "programme.site: 'Nowhere' is not a site" in problems(bad)


def test_operation_longer_than_a_day_is_refused(data):
    data["programme"]["tasks"][0]["operation"]["duration"] = "30h"
    assert "duration must be at most 1 day" in problems(data)


def test_dependency_cycle_finder():
    assert dependency_cycle({"a": ["b"], "b": []}) == []
    assert dependency_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert dependency_cycle({"a": ["a"]}) == ["a", "a"]


def test_catalogue_file_relative_to_the_scenario(tmp_path, data):
    tasks = data["programme"].pop("tasks")
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "tasks.yaml").write_text(yaml.safe_dump({"tasks": tasks[:3]}))
    data["programme"]["catalogue"] = "cat/tasks.yaml"
    data["programme"]["tasks"] = tasks[3:5]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    scenario = load_scenario(path)
    assert [t.id for t in scenario.programme.tasks] == [t["id"] for t in tasks[3:5] + tasks[:3]]
    data["programme"]["catalogue"] = "missing.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioFileError, match=r"missing\.yaml: no such file"):
        load_scenario(path)


def test_a_catalogue_in_plain_data_is_refused_by_validate_scenario_read_by_scenario_from_data():
    # validate_scenario does no I/O: a catalogue it cannot read must not leave a
    # programme silently without tasks.
    data = default_data()
    assert "tasks" not in data["programme"]
    with pytest.raises(ScenarioError) as caught:
        validate_scenario(data, "my.yaml")
    assert "programme: tasks: the programme has no tasks" in str(caught.value)
    assert "builtin:ilrs-illustrative" in str(caught.value)
    assert len(scenario_from_data(data).programme.tasks) == 30
