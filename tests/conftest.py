"""Shared fixtures: one ephemeris for the whole session (it is read-only).

Property tests run the same examples every time by default (``derandomize``), so a
change cannot turn the suite red through an unrelated random draw; ``pytest
--hypothesis-profile=default`` draws new examples each run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris

settings.register_profile("repeatable", derandomize=True, database=None)
settings.load_profile("repeatable")


def run_moonbase(*args: str) -> subprocess.CompletedProcess:
    """Run the ``moonbase`` command line in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from moonbase.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def moonbase_cli():
    """The command line as a function: ``moonbase_cli("terrain", "info", path)``."""
    return run_moonbase


@pytest.fixture(scope="session")
def eph() -> Ephemeris:
    return load_ephemeris()


def _shared_lola() -> Path:
    """The nearest ``shared/data/lola`` above the tests (worktrees sit one level deeper)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data" / "lola").is_dir():
            return parent / "shared" / "data" / "lola"
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "lola"


SHARED_LOLA = _shared_lola()


@pytest.fixture(scope="session")
def lola_dir() -> Path:
    """The shared LOLA grids; tests that need them skip when they are absent."""
    if not (SHARED_LOLA / "LDEM_16.LBL").exists():
        pytest.skip(f"shared LOLA data not found at {SHARED_LOLA} (see shared/data/README.md)")
    return SHARED_LOLA


@pytest.fixture(scope="session")
def lola_south_window(lola_dir):
    """A 150 km south-polar window of LDEM_16 at 1 km, centred near Shackleton."""
    from moonbase.io.dem_readers import read_dem
    from moonbase.terrain.window import cut_window

    source = read_dem(lola_dir / "LDEM_16.LBL", window=(slice(2600, 2880), slice(0, 5760)))
    return cut_window(
        source, center_lat_deg=-89.0, center_lon_deg=150.0, size_m=150e3, resolution_m=1000.0
    )
