"""The station model: the modules partners contribute, with power by mode and thermal limits.

Power sources, links and the science programme are described in their own sections
(their modules beside this one); modules are what those sections refer to by name.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from moonbase.scenario.fields import Model


class ModePower(Model):
    """Electric power a module draws in each operating mode, W."""

    operating_w: float = Field(ge=0.0, le=1e7)
    standby_w: float = Field(ge=0.0, le=1e7)
    survival_w: float = Field(ge=0.0, le=1e7)

    @model_validator(mode="after")
    def _ordered(self) -> ModePower:
        if not self.survival_w <= self.standby_w <= self.operating_w:
            raise ValueError("need survival_w <= standby_w <= operating_w")
        return self


class ModuleThermal(Model):
    """A module's lumped thermal description: one radiator, its optical properties and
    the temperatures the module must stay between."""

    radiator_area_m2: float = Field(gt=0.0, le=1000.0)
    emissivity: float = Field(default=0.85, gt=0.0, le=1.0)
    solar_absorptivity: float = Field(default=0.2, ge=0.0, le=1.0)
    min_temperature_k: float = Field(gt=0.0, le=500.0)  # survival: heaters hold it above
    max_temperature_k: float = Field(gt=0.0, le=600.0)

    @model_validator(mode="after")
    def _ordered(self) -> ModuleThermal:
        if self.min_temperature_k >= self.max_temperature_k:
            raise ValueError("min_temperature_k must be below max_temperature_k")
        return self


class Module(Model):
    """A module a partner contributes: lander, command centre, power unit, rover, payload.

    ``operates`` says when the module wants its operating mode (otherwise it stands
    by); ``priority`` orders load shedding: 1 is shed last.
    """

    name: str = Field(min_length=1)
    owner: str = Field(min_length=1)  # a partner code
    kind: Literal[
        "lander", "habitat", "command", "power", "communications", "rover", "science", "other"
    ] = "other"
    mass_kg: float = Field(ge=0.0, le=1e6)
    power: ModePower
    operates: Literal["always", "daylight", "darkness", "earth_in_view"] = "always"
    priority: int = Field(default=5, ge=1, le=10)
    thermal: ModuleThermal | None = None
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False


class Station(Model):
    """The station as a whole and the modules it is built from."""

    name: str = Field(min_length=1)
    description: str = ""
    modules: list[Module] = Field(default_factory=list)
