"""Shared fixtures: one ephemeris for the whole session (it is read-only)."""

from __future__ import annotations

import pytest

from moonbase.geometry.ephemeris import Ephemeris, load_ephemeris


@pytest.fixture(scope="session")
def eph() -> Ephemeris:
    return load_ephemeris()
