"""Exception classes of moonbase.

Each class subclasses the built-in exception it refines (so callers that catch
``ValueError`` or ``OSError`` keep working) and :class:`MoonbaseError`, which the
command line catches to print one clear message instead of a traceback. Every
exception carries the data it talks about and says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MoonbaseError(Exception):
    """Base class of every error moonbase raises on purpose."""


class EphemerisRangeError(MoonbaseError, ValueError):
    """A time lies outside the span the ephemeris and lunar orientation cover."""

    def __init__(self, requested_utc: str, covered_start_utc: str, covered_stop_utc: str):
        self.requested_utc = requested_utc
        self.covered_start_utc = covered_start_utc
        self.covered_stop_utc = covered_stop_utc
        super().__init__(
            f"time {requested_utc} is outside the ephemeris: DE421 and the lunar orientation "
            f"kernel cover {covered_start_utc} to {covered_stop_utc}; choose times in that range"
        )


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is, what is wrong, and the offending value."""

    location: str
    message: str
    value: object = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{self.location}: {self.message}{shown}"


class ScenarioError(MoonbaseError, ValueError):
    """A scenario is invalid; ``problems`` lists every failing field."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"invalid scenario {source}: {count} {noun}\n{lines}")


class ScenarioFileError(MoonbaseError, OSError):
    """A scenario file cannot be read or is not YAML."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read scenario {path}: {reason}")


class DurationError(MoonbaseError, ValueError):
    """A duration string cannot be understood or is not positive."""

    def __init__(self, text: object, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(
            f"invalid duration {text!r}: {reason}; write e.g. '1h', '30min', '10 s', '2d' "
            "or ISO 8601 'PT1H'"
        )


class HorizonError(MoonbaseError, ValueError):
    """A horizon mask is malformed."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid horizon mask: {reason}")


class OutputError(MoonbaseError, OSError):
    """A result file cannot be written."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}; nothing was replaced there")


class DemError(MoonbaseError, ValueError):
    """A DEM cannot be used: missing, unreadable, without a CRS, or with holes."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"cannot use DEM {path}: {reason}")


class DataFetchError(MoonbaseError, OSError):
    """A data product cannot be fetched (offline, not found, or a corrupt download)."""

    def __init__(self, name: str, reason: str):
        self.name = name
        self.reason = reason
        super().__init__(f"cannot fetch {name}: {reason}")


class PowerInputError(MoonbaseError, ValueError):
    """Inputs of the power simulation do not fit together (shapes, times, modules)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"cannot simulate power: {reason}")


class ThermalInputError(MoonbaseError, ValueError):
    """A thermal model input (regolith parameter, depth, forcing) is out of range."""

    def __init__(self, name: str, value: object, allowed: str):
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name} = {value!r} is out of range: {allowed}")


class WhatIfError(MoonbaseError, ValueError):
    """A what-if names a mission the programme does not have, or a bad slip."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(f"invalid what-if {text!r}: {reason}")


class TileStoreError(MoonbaseError, OSError):
    """A folder of finished tiles cannot be used for this run."""

    def __init__(self, folder: str, reason: str):
        self.folder = folder
        self.reason = reason
        super().__init__(f"cannot use the tile folder {folder}: {reason}")


class SchedulerError(MoonbaseError, OSError):
    """No Dask scheduler answers at the address given."""

    def __init__(self, address: str, reason: str):
        self.address = address
        self.reason = reason
        super().__init__(
            f"cannot reach a Dask scheduler at {address!r} ({reason}); start one (e.g. "
            "`dask scheduler`) or leave out --scheduler to run on this machine"
        )
