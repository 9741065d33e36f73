"""Read scenario files (YAML) and the embedded default scenario."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

import yaml

from moonbase.errors import OutputError, ScenarioFileError
from moonbase.io.atomic import write_text_atomically
from moonbase.scenario import Scenario, validate_scenario

DEFAULT_SCENARIO_NAME = "default_scenario.yaml"
#: Catalogues shipped with the package, by the name a scenario gives after ``builtin:``.
BUILTIN_CATALOGUES = {"ilrs-illustrative": "ilrs_catalogue.yaml"}


def default_scenario_text() -> str:
    """Return the embedded default scenario's YAML, comments included."""
    return (importlib.resources.files("moonbase") / "data" / DEFAULT_SCENARIO_NAME).read_text(
        encoding="utf-8"
    )


def _yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "malformed YAML"
        raise ScenarioFileError(source, f"not valid YAML{where}: {problem}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(str(path), "it is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioFileError(str(path), str(error)) from None


def read_catalogue(reference: str, base_dir: Path | None = None) -> list:
    """Return the task list of a catalogue file (``tasks:``), given as a path relative
    to ``base_dir`` or as ``builtin:NAME``."""
    if reference.startswith("builtin:"):
        name = reference.removeprefix("builtin:")
        if name not in BUILTIN_CATALOGUES:
            raise ScenarioFileError(
                reference, f"no built-in catalogue {name!r}; built-in: {sorted(BUILTIN_CATALOGUES)}"
            )
        resource = importlib.resources.files("moonbase") / "data" / BUILTIN_CATALOGUES[name]
        text, source = resource.read_text(encoding="utf-8"), reference
    else:
        path = Path(reference)
        path = path if path.is_absolute() or base_dir is None else base_dir / path
        text, source = _read(path), str(path)
    data = _yaml(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise ScenarioFileError(source, "a task catalogue must be a mapping with a `tasks:` list")
    return data["tasks"]


def scenario_from_data(
    data: Any, source: str = "scenario", base_dir: str | Path | None = None
) -> Scenario:
    """Validate plain data into a :class:`Scenario`, first adding the tasks of the
    catalogue its programme names (a path relative to ``base_dir``, or built-in).

    :func:`moonbase.scenario.validate_scenario` does no I/O and so reads no catalogue.
    """
    programme = data.get("programme") if isinstance(data, dict) else None
    if isinstance(programme, dict) and isinstance(programme.get("catalogue"), str):
        inline = programme.get("tasks") or []
        if isinstance(inline, list):
            base = None if base_dir is None else Path(base_dir)
            tasks = inline + read_catalogue(programme["catalogue"], base)
            data = {**data, "programme": {**programme, "tasks": tasks}}
    return validate_scenario(data, source)


def _parse(text: str, source: str, base_dir: Path | None = None) -> Scenario:
    return scenario_from_data(_yaml(text, source), source, base_dir)


def default_scenario() -> Scenario:
    """Return the embedded default scenario (the Roscosmos-CNSA south-pole station)."""
    return _parse(default_scenario_text(), f"<embedded {DEFAULT_SCENARIO_NAME}>")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (and the task catalogue it names, relative to
    the file's folder).

    Raises
    ------
    ScenarioFileError
        If the file is missing, unreadable or not YAML.
    ScenarioError
        If its content is not a valid scenario (every failing field listed).
    """
    path = Path(path)
    return _parse(_read(path), str(path), path.parent)


def write_default_scenario(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the default scenario to ``path`` for editing; refuse to overwrite by default."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputError(str(path), "the file exists (pass --force to overwrite it)")
    return write_text_atomically(path, default_scenario_text())
