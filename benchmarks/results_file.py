"""Shared by the benchmark scripts: print a result and write it to results/ as JSON."""

from __future__ import annotations

import json
from pathlib import Path


def record(result: dict, path: Path) -> None:
    """Write ``result`` to ``path`` (JSON) and print it as aligned lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(f"written to {path}")
