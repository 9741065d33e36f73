"""The station's power sources: solar arrays, storage, radioisotope and fission units.

The same power system is placed at each candidate site in turn. Efficiencies and
fractions are dimensionless in 0..1; rates per year are fractions lost per year.
Storage capacity is the nameplate energy at full charge; only ``depth_of_discharge``
of it may be used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from moonbase.scenario.fields import Model, UtcDatetime

#: Pu-238 half-life, years (e.g. NASA RPS program; 87.7 y).
PU238_HALF_LIFE_Y = 87.7


class Sourced(Model):
    """Fields every power source carries: a name, the partner that owns it, its source."""

    name: str = Field(min_length=1)
    owner: str = Field(min_length=1)  # a partner code
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False


class SolarArray(Sourced):
    """A photovoltaic array.

    ``mounting`` is ``fixed`` (normal at ``tilt_deg`` from the zenith toward
    ``azimuth_deg``), ``vertical_tracking`` (turns about the vertical axis to face the
    Sun's azimuth, panel at ``tilt_deg``; 90 = vertical, the polar choice) or
    ``full_tracking`` (always faces the Sun). ``height_m`` is the height of the array
    above ground: the skyline it sees is taken from there.
    """

    area_m2: float = Field(gt=0.0, le=1e5)
    cell_efficiency: float = Field(gt=0.0, le=1.0)
    mounting: Literal["fixed", "vertical_tracking", "full_tracking"] = "vertical_tracking"
    tilt_deg: float = Field(default=90.0, ge=0.0, le=90.0)
    azimuth_deg: float = Field(default=0.0, ge=0.0, lt=360.0)
    height_m: float = Field(default=2.0, ge=0.0, le=1000.0)
    degradation_per_year: float = Field(default=0.0, ge=0.0, lt=1.0)
    dust_loss: float = Field(default=0.0, ge=0.0, lt=1.0)
    specific_mass_kg_m2: float = Field(gt=0.0, le=1000.0)

    @property
    def mass_kg(self) -> float:
        return self.area_m2 * self.specific_mass_kg_m2


class Storage(Sourced):
    """Energy storage: nameplate capacity, usable depth, round-trip efficiency.

    The round trip is split evenly: charging and discharging each keep
    ``sqrt(round_trip_efficiency)`` of the energy that passes.
    """

    capacity_wh: float = Field(ge=0.0, le=1e10)
    depth_of_discharge: float = Field(gt=0.0, le=1.0)
    round_trip_efficiency: float = Field(gt=0.0, le=1.0)
    specific_energy_wh_kg: float = Field(gt=0.0, le=1e5)
    initial_state_of_charge: float = Field(default=1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _starts_usable(self) -> Storage:
        if self.initial_state_of_charge < 1.0 - self.depth_of_discharge:
            raise ValueError(
                "initial_state_of_charge must be at least 1 - depth_of_discharge "
                f"({1.0 - self.depth_of_discharge:g})"
            )
        return self

    @property
    def one_way_efficiency(self) -> float:
        """Efficiency of charging, and of discharging: sqrt of the round trip."""
        return self.round_trip_efficiency**0.5

    def mass_for_kg(self, capacity_wh: float) -> float:
        """Return the mass of this technology at ``capacity_wh``, kg."""
        return capacity_wh / self.specific_energy_wh_kg

    @property
    def mass_kg(self) -> float:
        return self.mass_for_kg(self.capacity_wh)


class Battery(Storage):
    """A battery; ``specific_energy_wh_kg`` at cell level, plus thermal management."""

    thermal_management_fraction: float = Field(default=0.2, ge=0.0, le=10.0)

    def mass_for_kg(self, capacity_wh: float) -> float:
        return capacity_wh / self.specific_energy_wh_kg * (1.0 + self.thermal_management_fraction)


class FuelCell(Storage):
    """A regenerative fuel cell (electrolyser, tanks, fuel cell) limited to ``power_w``
    both ways. ``capacity_wh`` is the electric energy its full tanks give back."""

    power_w: float = Field(gt=0.0, le=1e8)
    depth_of_discharge: float = Field(default=1.0, gt=0.0, le=1.0)


class Rtg(Sourced):
    """A radioisotope thermoelectric generator.

    Electric output ``electric_w`` at ``fuelled`` (the span's start if omitted) falls
    with the Pu-238 decay and the thermoelectric couples' own degradation.
    """

    electric_w: float = Field(gt=0.0, le=1e6)
    fuelled: UtcDatetime | None = None
    half_life_y: float = Field(default=PU238_HALF_LIFE_Y, gt=0.0, le=1e6)
    thermoelectric_degradation_per_year: float = Field(default=0.0, ge=0.0, lt=1.0)
    mass_kg: float = Field(gt=0.0, le=1e6)


class Rhu(Sourced):
    """Radioisotope heater units warming one module: ``heat_w`` in total at ``fuelled``
    offsets that module's heater demand, decaying with ``half_life_y``."""

    module: str = Field(min_length=1)  # a station module's name
    heat_w: float = Field(gt=0.0, le=1e6)
    fuelled: UtcDatetime | None = None
    half_life_y: float = Field(default=PU238_HALF_LIFE_Y, gt=0.0, le=1e6)
    mass_kg: float = Field(ge=0.0, le=1e6)


class FissionUnit(Sourced):
    """A fission power unit: constant ``electric_w`` from ``available_from`` on."""

    electric_w: float = Field(gt=0.0, le=1e8)
    available_from: UtcDatetime
    mass_kg: float = Field(gt=0.0, le=1e7)


class PowerSystem(Model):
    """Every power source of the station. Storage is used in order: batteries first,
    then fuel cells (the battery's round trip is the more efficient)."""

    arrays: list[SolarArray] = Field(default_factory=list)
    batteries: list[Battery] = Field(default_factory=list)
    fuel_cells: list[FuelCell] = Field(default_factory=list)
    rtgs: list[Rtg] = Field(default_factory=list)
    rhus: list[Rhu] = Field(default_factory=list)
    fission: list[FissionUnit] = Field(default_factory=list)

    def sources(self) -> list[tuple[str, Sourced]]:
        """Return ``(field, source)`` for every source, in field order."""
        return [
            (field, item)
            for field in ("arrays", "batteries", "fuel_cells", "rtgs", "rhus", "fission")
            for item in getattr(self, field)
        ]

    @model_validator(mode="after")
    def _unique_names(self) -> PowerSystem:
        seen: set[str] = set()
        for field, item in self.sources():
            if item.name in seen:
                raise ValueError(f"{field}: name {item.name!r} is used by another power source")
            seen.add(item.name)
        return self
