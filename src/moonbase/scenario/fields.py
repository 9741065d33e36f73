"""Field types shared by every part of the scenario: durations, angles, UTC instants.

Every model forbids unknown fields (a misspelt key is an error, not silently ignored)
and is frozen (a validated scenario cannot drift).
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
)

from moonbase.errors import DurationError

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


class Model(BaseModel):
    """Base of every scenario model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: An instant, read as UTC when it has no zone (dates alone mean 00:00 UTC).
UtcDatetime = Annotated[datetime, AfterValidator(utc)]
