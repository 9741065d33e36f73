"""Where the shared LOLA grids are: ``shared/data/lola`` beside the checkout or above it.

A git worktree may sit one level deeper than the main checkout, so the nearest ancestor
that holds ``shared/data/lola`` wins.
"""

from __future__ import annotations

from pathlib import Path


def shared_lola(start: Path) -> Path:
    """Return the nearest ``<ancestor>/shared/data/lola`` above ``start`` (may not exist)."""
    for parent in Path(start).resolve().parents:
        candidate = parent / "shared" / "data" / "lola"
        if candidate.is_dir():
            return candidate
    return Path(start).resolve().parents[1] / "shared" / "data" / "lola"
