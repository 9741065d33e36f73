"""Shared by the benchmark scripts: describe the run, print a result and write it to
results/ as JSON."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def run_header(command: str) -> dict:
    """The first entries of a result: the command, when, on what, and how busy."""
    return {
        "command": command,
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}",
        "load_average_1min_before": round(os.getloadavg()[0], 2),
    }


def record(result: dict, path: Path) -> None:
    """Write ``result`` to ``path`` (JSON) and print it as aligned lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(f"written to {path}")
