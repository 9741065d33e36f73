"""Validated scenario models (pydantic). No I/O: files are read in :mod:`moonbase.io`.

A scenario describes the station, its partners, the candidate sites, the time span
and the partners' ground stations. Every number carries its unit in its name, and
every catalogue value its ``source`` (``approximate: true`` where that source is
not authoritative).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from moonbase.constants import EPHEMERIS_START_UTC, EPHEMERIS_STOP_UTC
from moonbase.errors import HorizonError, Problem, ScenarioError
from moonbase.scenario.communications import Communications
from moonbase.scenario.fields import Duration, Latitude, Longitude, Model, parse_duration, utc
from moonbase.scenario.power import PowerSystem
from moonbase.scenario.programme import Programme
from moonbase.scenario.station import Module, Station
from moonbase.scenario.thermal import ThermalSettings

__all__ = [
    "Communications",
    "Module",
    "PowerSystem",
    "Programme",
    "Scenario",
    "Station",
    "parse_duration",
    "validate_scenario",
]

#: The longest series one site may have; beyond this a run would need tens of GB.
MAX_STEPS = 5_000_000


class Partner(Model):
    """An agency or organisation taking part, with a short code used elsewhere."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")
    name: str = Field(min_length=1)
    founder: bool = False
    joined: int | None = Field(default=None, ge=1957, le=2100)
    source: str = ""


class HorizonMask(Model):
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


class Site(Model):
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


class Span(Model):
    """The time span studied and its sampling step."""

    start: datetime
    stop: datetime
    step: Duration

    @field_validator("start", "stop")
    @classmethod
    def _within_ephemeris(cls, value: datetime) -> datetime:
        value = utc(value)
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


class GroundStation(Model):
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


class Terrain(Model):
    """A DEM the site skylines are computed from (relative paths: from the scenario file)."""

    dem: str = Field(min_length=1)
    radius_km: float = Field(default=150.0, gt=0.0, le=1000.0)
    resolution_m: float = Field(default=500.0, gt=0.0, le=100_000.0)
    azimuths: int = Field(default=360, ge=8, le=7200)
    maps: bool = True  # also map the region around the sites (illumination, slope)
    # A coarser DEM searched past radius_km, out to far_field_km more (terrain/horizon.py).
    far_field_dem: str | None = Field(default=None, min_length=1)
    far_field_km: float = Field(default=300.0, gt=0.0, le=2000.0)


class Scenario(Model):
    """A whole scenario: station, partners, candidate sites, span, ground stations."""

    station: Station
    partners: list[Partner] = Field(min_length=1)
    sites: list[Site] = Field(min_length=1)
    span: Span
    ground_stations: list[GroundStation] = Field(default_factory=list)
    terrain: Terrain | None = None
    communications: Communications | None = None
    power: PowerSystem | None = None
    thermal: ThermalSettings | None = None
    programme: Programme | None = None

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

    @model_validator(mode="after")
    def _modules_known(self) -> Scenario:
        codes = {p.code for p in self.partners}
        seen: set[str] = set()
        for i, module in enumerate(self.station.modules):
            if module.name in seen:
                raise ValueError(f"station.modules: name {module.name!r} appears more than once")
            seen.add(module.name)
            _require(
                module.owner, codes, f"station.modules[{i}] ({module.name}).owner", "a partner code"
            )
        return self

    @model_validator(mode="after")
    def _links_reach_earth(self) -> Scenario:
        if self.communications is not None and not self.ground_stations:
            raise ValueError("communications: links need at least one entry in ground_stations")
        return self

    @model_validator(mode="after")
    def _power_sources_known(self) -> Scenario:
        if self.power is None:
            return self
        codes = {p.code for p in self.partners}
        modules = {m.name for m in self.station.modules}
        counts: dict[str, int] = {}
        for field, source in self.power.sources():
            index = counts[field] = counts.get(field, -1) + 1
            where = f"power.{field}[{index}] ({source.name})"
            _require(source.owner, codes, f"{where}.owner", "a partner code")
            if field == "rhus":
                _require(source.module, modules, f"{where}.module", "a station module")
        return self

    @model_validator(mode="after")
    def _thermal_sites_known(self) -> Scenario:
        if self.thermal is None:
            return self
        names = {s.name for s in self.sites}
        for index, slope in enumerate(self.thermal.slopes):
            _require(slope.site, names, f"thermal.slopes[{index}].site", "a site")
        return self

    @model_validator(mode="after")
    def _programme_known(self) -> Scenario:
        programme = self.programme
        if programme is None:
            return self
        codes = {p.code for p in self.partners}
        modules = {m.name for m in self.station.modules}
        if programme.site is not None:
            _require(programme.site, {s.name for s in self.sites}, "programme.site", "a site")
        scale = programme.interest_scale
        for i, task in enumerate(programme.tasks):
            where = f"programme.tasks[{i}] ({task.id})"
            for code in task.partners:
                _require(code, codes, f"{where}.partners", "a partner code")
            for code, score in task.interest.items():
                _require(code, codes, f"{where}.interest", "a partner code")
                if not scale.min <= score <= scale.max:
                    raise ValueError(
                        f"{where}.interest.{code}: score {score:g} is outside the scale "
                        f"{scale.min:g}..{scale.max:g} (programme.interest_scale)"
                    )
        for i, mission in enumerate(programme.missions):
            for name in mission.modules:
                _require(
                    name,
                    modules,
                    f"programme.missions[{i}] ({mission.name}).modules",
                    "a station module",
                )
        return self


def _require(value: str, known: set[str], where: str, what: str) -> None:
    """Raise a ValueError naming ``where`` unless ``value`` is one of ``known``."""
    if value not in known:
        raise ValueError(f"{where}: {value!r} is not {what}; choose one of {sorted(known)}")


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
            name = (node.get("name") or node.get("id")) if isinstance(node, dict) else None
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
