"""Validated scenario models (pydantic). No I/O: files are read in :mod:`moonbase.io`.

A scenario describes the station, its partners, the candidate sites, the time span
and the partners' ground stations. Every number carries its unit in its name, and
every catalogue value its ``source`` (``approximate: true`` where that source is
not authoritative).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from moonbase.constants import EPHEMERIS_START_UTC, EPHEMERIS_STOP_UTC
from moonbase.errors import DurationError, HorizonError, Problem, ScenarioError

#: The longest series one site may have; beyond this a run would need tens of GB.
MAX_STEPS = 5_000_000

_UNIT_SECONDS = {
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}  # fmt: skip
_SIMPLE_DURATION = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]+)\s*$")


def parse_duration(value: Any) -> timedelta:
    """Parse a positive duration: ``'1h'``, ``'30 min'``, ``'2d'``, ``'PT1H'`` or seconds.

    Raises
    ------
    DurationError
        If the text is not a duration or is not positive.
    """
    if isinstance(value, timedelta):
        duration = value
    elif isinstance(value, bool):
        raise DurationError(value, "not a duration")
    elif isinstance(value, int | float):
        duration = timedelta(seconds=value)
    elif isinstance(value, str):
        match = _SIMPLE_DURATION.match(value)
        if match and match.group(2).lower() in _UNIT_SECONDS:
            duration = timedelta(
                seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
            )
        else:
            try:
                duration = TypeAdapter(timedelta).validate_python(value.strip())
            except ValidationError:
                raise DurationError(value, "not a duration") from None
    else:
        raise DurationError(value, "not a duration")
    if duration <= timedelta(0):
        raise DurationError(value, "must be positive")
    return duration


def _duration(value: Any) -> timedelta:
    try:
        return parse_duration(value)
    except DurationError as error:
        raise ValueError(error.reason) from None


Duration = Annotated[timedelta, BeforeValidator(_duration)]
#: East longitude: -180..360 accepted, stored as 0..360.
Longitude = Annotated[float, Field(ge=-180.0, le=360.0), AfterValidator(lambda lon: lon % 360.0)]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Station(_Model):
    """The station as a whole."""

    name: str = Field(min_length=1)
    description: str = ""


class Partner(_Model):
    """An agency or organisation taking part, with a short code used elsewhere."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")
    name: str = Field(min_length=1)
    founder: bool = False
    joined: int | None = Field(default=None, ge=1957, le=2100)
    source: str = ""


class HorizonMask(_Model):
    """A skyline above the smooth sphere: a constant, or a table by azimuth."""

    constant_deg: float | None = Field(default=None, ge=-90.0, le=90.0)
    azimuth_deg: list[float] | None = None
    elevation_deg: list[float] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> HorizonMask:
        table = self.azimuth_deg is not None or self.elevation_deg is not None
        if (self.constant_deg is None) == (not table):
            raise ValueError("give either constant_deg, or azimuth_deg with elevation_deg")
        if table:
            from moonbase.environment.horizon import Horizon

            try:
                Horizon(0.0, self.azimuth_deg, self.elevation_deg)
            except HorizonError as error:
                raise ValueError(error.reason) from None
        return self


class Site(_Model):
    """A candidate site: a point on the Moon and the height of what stands there."""

    name: str = Field(min_length=1)
    lat_deg: Latitude
    lon_deg: Longitude
    height_m: float = Field(default=2.0, ge=0.0, le=10_000.0)
    elevation_m: float = Field(default=0.0, ge=-10_000.0, le=11_000.0)
    horizon_mask: HorizonMask | None = None
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False


class Span(_Model):
    """The time span studied and its sampling step."""

    start: datetime
    stop: datetime
    step: Duration

    @field_validator("start", "stop")
    @classmethod
    def _within_ephemeris(cls, value: datetime) -> datetime:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if not EPHEMERIS_START_UTC <= value <= EPHEMERIS_STOP_UTC:
            raise ValueError(
                f"{value.isoformat()} is outside the ephemeris, which covers "
                f"{EPHEMERIS_START_UTC.isoformat()} to {EPHEMERIS_STOP_UTC.isoformat()}"
            )
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.stop <= self.start:
            raise ValueError("stop must be later than start")
        if (self.stop - self.start) / self.step > MAX_STEPS:
            raise ValueError(
                f"{(self.stop - self.start) / self.step:.0f} steps is more than {MAX_STEPS}; "
                "use a longer step or a shorter span"
            )
        return self


class GroundStation(_Model):
    """An Earth station that can track the Moon."""

    name: str = Field(min_length=1)
    operator: str = Field(min_length=1)
    lat_deg: Latitude
    lon_deg: Longitude
    altitude_m: float = Field(default=0.0, ge=-500.0, le=9_000.0)
    antenna_diameter_m: float = Field(gt=0.0, le=1_000.0)
    min_elevation_deg: float = Field(default=10.0, ge=0.0, lt=90.0)
    source: str = Field(min_length=1)
    approximate: bool = False


class Terrain(_Model):
    """A DEM the site skylines are computed from (relative paths: from the scenario file)."""

    dem: str = Field(min_length=1)
    radius_km: float = Field(default=150.0, gt=0.0, le=1000.0)
    resolution_m: float = Field(default=500.0, gt=0.0, le=100_000.0)
    azimuths: int = Field(default=360, ge=8, le=7200)
    maps: bool = True  # also map the region around the sites (illumination, slope)
    # A coarser DEM searched past radius_km, out to far_field_km more (terrain/horizon.py).
    far_field_dem: str | None = Field(default=None, min_length=1)
    far_field_km: float = Field(default=300.0, gt=0.0, le=2000.0)


class Scenario(_Model):
    """A whole scenario: station, partners, candidate sites, span, ground stations."""

    station: Station
    partners: list[Partner] = Field(min_length=1)
    sites: list[Site] = Field(min_length=1)
    span: Span
    ground_stations: list[GroundStation] = Field(default_factory=list)
    terrain: Terrain | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> Scenario:
        for field, key in (("partners", "code"), ("sites", "name"), ("ground_stations", "name")):
            seen: set[str] = set()
            for item in getattr(self, field):
                value = getattr(item, key)
                if value in seen:
                    raise ValueError(f"{field}: {key} {value!r} appears more than once")
                seen.add(value)
        return self


def _location(loc: tuple, data: Any) -> str:
    """Render a pydantic error location as ``sites[2] (Ridge).lat_deg``."""
    parts: list[str] = []
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and parts:
            name = node.get("name") if isinstance(node, dict) else None
            parts[-1] += f"[{part}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(part))
    return ".".join(parts) or "scenario"


def validate_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        Listing every failing field by its path, e.g. ``sites[0] (Ridge).lat_deg``.
    """
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("scenario", "must be a mapping of fields")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown field (check its spelling; see `moonbase scenario init`)"
            shown = item.get("input") if item["type"] != "missing" else None
            if isinstance(shown, dict | list):
                shown = None
            problems.append(Problem(_location(item["loc"], data), message, shown))
        raise ScenarioError(source, problems) from None
