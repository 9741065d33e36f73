"""Read scenario files (YAML) and the embedded default scenario."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import yaml

from moonbase.errors import OutputError, ScenarioFileError
from moonbase.io.atomic import write_text_atomically
from moonbase.scenario import Scenario, validate_scenario

DEFAULT_SCENARIO_NAME = "default_scenario.yaml"


def default_scenario_text() -> str:
    """Return the embedded default scenario's YAML, comments included."""
    return (importlib.resources.files("moonbase") / "data" / DEFAULT_SCENARIO_NAME).read_text(
        encoding="utf-8"
    )


def _parse(text: str, source: str) -> Scenario:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "malformed YAML"
        raise ScenarioFileError(source, f"not valid YAML{where}: {problem}") from None
    return validate_scenario(data, source)


def default_scenario() -> Scenario:
    """Return the embedded default scenario (the Roscosmos-CNSA south-pole station)."""
    return _parse(default_scenario_text(), f"<embedded {DEFAULT_SCENARIO_NAME}>")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises
    ------
    ScenarioFileError
        If the file is missing, unreadable or not YAML.
    ScenarioError
        If its content is not a valid scenario (every failing field listed).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(str(path), "it is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioFileError(str(path), str(error)) from None
    return _parse(text, str(path))


def write_default_scenario(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the default scenario to ``path`` for editing; refuse to overwrite by default."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputError(str(path), "the file exists (pass --force to overwrite it)")
    return write_text_atomically(path, default_scenario_text())
