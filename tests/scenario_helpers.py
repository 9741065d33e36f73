"""Helpers for tests that break a scenario on purpose and read the error."""

from __future__ import annotations

import copy

import pytest
import yaml

from moonbase.errors import ScenarioError
from moonbase.io.scenario_files import default_scenario_text, scenario_from_data


def default_data() -> dict:
    """Return the default scenario as plain data, as read from its YAML."""
    return copy.deepcopy(yaml.safe_load(default_scenario_text()))


def problems(data: dict) -> str:
    """Return the message of the :class:`ScenarioError` that ``data`` must raise."""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data, "my.yaml")
    return str(caught.value)
