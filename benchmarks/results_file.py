"""Shared by the benchmark scripts: describe the run, print a result and write it to
results/ as JSON."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def cpu_model() -> str:
    """The processor's model name (Linux), else what ``platform`` knows.

    Sessions do not always get the same hardware: without the model, runs on two kinds
    of CPU read as one machine's variation.
    """
    fields = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    if "model name" not in fields:
        return platform.processor() or "unknown cpu"
    # A virtual machine may name only the vendor ("AMD EPYC"); family and model tell
    # the generation apart.
    return f"{fields['model name']} (family {fields.get('cpu family')} model {fields.get('model')})"


def machine() -> str:
    """What ran a benchmark: architecture, processor, cores, Python and numba versions."""
    import numba

    return (
        f"{platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numba {numba.__version__}"
    )


def run_header(command: str) -> dict:
    """The first entries of a result: the command, when, on what, and how busy."""
    return {
        "command": command,
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
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
