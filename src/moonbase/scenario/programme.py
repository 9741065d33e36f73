"""The science programme: tasks of mutual interest, partners' interest, and the missions
that deliver the station and its instruments.

A task is one instrument's investigation (mass, power by mode, one kind of operation
repeated at a cadence, needs). Each partner scores its interest in each task on the
programme's declared scale. A mission delivers station modules (by name, from
``station.modules``) and can carry tasks; missions depend on earlier ones (a relay, the
power and communications a science module needs).

References to partners, sites and station modules are checked by ``Scenario``;
references inside the programme (missions of tasks, mission dependencies) here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, model_validator

from moonbase.scenario.fields import Duration, Model, UtcDatetime
from moonbase.scenario.station import ModePower

#: The seven science directions of the ILRS Guide for Partnership V1.0 (as reported).
DIRECTIONS: dict[str, str] = {
    "topography_geology": "lunar topography, geomorphology and geology",
    "physics_interior": "lunar physics and internal structure",
    "chemistry": "lunar chemistry",
    "space_environment": "lunar-based space environment",
    "astronomy": "lunar-based astronomy",
    "earth_observation": "lunar-based Earth observation",
    "biology_medicine": "lunar-based biology and medicine",
}
Direction = Literal[
    "topography_geology",
    "physics_interior",
    "chemistry",
    "space_environment",
    "astronomy",
    "earth_observation",
    "biology_medicine",
]

DAY = timedelta(days=1)


class InterestScale(Model):
    """The scale partners score tasks on; ``min`` means no interest (worth nothing)."""

    min: float = 0.0
    max: float = 10.0

    @model_validator(mode="after")
    def _ordered(self) -> InterestScale:
        if self.max <= self.min:
            raise ValueError("max must be above min")
        return self


class Operation(Model):
    """One operation of a task, repeated once per ``cadence`` (at least a day apart)."""

    duration: Duration  # at most a day, and no longer than the cadence
    cadence: Duration = DAY
    data_mb: float = Field(default=0.0, ge=0.0, le=1e9)  # produced per operation, MB
    # Needs an operator on the ground throughout (rovers, drills, robots): counts against
    # the programme's supervised operations hours per day.
    supervised: bool = False

    @model_validator(mode="after")
    def _fits(self) -> Operation:
        if self.duration > DAY:
            raise ValueError("duration must be at most 1 day (split longer work into operations)")
        if self.cadence < DAY:
            raise ValueError("cadence must be at least 1 day (the schedule's slot)")
        return self


class Needs(Model):
    """What an operation needs: light or darkness, the Earth in view, a shadowed area
    nearby, and the campaign length the investigation needs to be worth doing."""

    light: Literal["any", "daylight", "darkness"] = "any"
    earth_in_view: bool = False
    shadowed_area_within_km: float | None = Field(default=None, gt=0.0, le=1000.0)
    min_campaign: Duration | None = None


class TaskThermal(Model):
    """Temperatures the instrument must stay between, K."""

    min_temperature_k: float = Field(gt=0.0, le=500.0)
    max_temperature_k: float = Field(gt=0.0, le=600.0)

    @model_validator(mode="after")
    def _ordered(self) -> TaskThermal:
        if self.min_temperature_k >= self.max_temperature_k:
            raise ValueError("min_temperature_k must be below max_temperature_k")
        return self


class Task(Model):
    """A science task: an instrument and its investigation."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    title: str = Field(min_length=1)
    direction: Direction
    partners: list[str] = Field(min_length=1)  # proposing partners (codes)
    missions: list[str] = Field(min_length=1)  # missions that can deliver it
    mass_kg: float = Field(gt=0.0, le=1e5)
    power: ModePower
    operation: Operation
    needs: Needs = Needs()
    thermal: TaskThermal | None = None
    interest: dict[str, float] = Field(default_factory=dict)  # partner code -> score
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False

    def operating_energy_wh(self) -> float:
        """Energy one operation takes above standby, Wh."""
        hours = self.operation.duration.total_seconds() / 3600.0
        return (self.power.operating_w - self.power.standby_w) * hours


class Mission(Model):
    """A mission: when it launches, on what, what it lands, and what it depends on.

    ``payload_mass_kg`` is the mass it lands for the programme: station modules it
    delivers and instruments. ``standalone`` missions bring their own power and
    communications (a lander with its relay); others need the station's.
    """

    name: str = Field(min_length=1)
    launch: UtcDatetime
    transfer: Duration = timedelta(days=30)  # launch to landing
    vehicle: str = Field(min_length=1)
    payload_mass_kg: float = Field(ge=0.0, le=1e6)
    max_task_mass_kg: float | None = Field(default=None, gt=0.0)  # per instrument
    modules: list[str] = Field(default_factory=list)  # names in station.modules
    standalone: bool = False
    depends_on: list[str] = Field(default_factory=list)
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False


class ProgrammeResources(Model):
    """Science budgets used while the station's systems results are not in the run.

    The science allocation of power in sunlight and in darkness (after the station's own
    loads), the direct-to-Earth downlink rate while the Earth is in view, the on-board
    data store, and the hours of supervised (teleoperated) operations the ground team
    can run per day.
    """

    science_power_sunlit_w: float = Field(ge=0.0, le=1e7)
    science_power_dark_w: float = Field(ge=0.0, le=1e7)
    downlink_rate_mbit_s: float = Field(ge=0.0, le=1e5)
    storage_mb: float = Field(default=0.0, ge=0.0, le=1e9)
    supervised_h_per_day: float = Field(default=24.0, ge=0.0, le=24.0)
    source: str = Field(min_length=1)
    approximate: bool = False


class Programme(Model):
    """Tasks, missions and the rules for choosing the portfolio.

    ``catalogue`` names a YAML file of tasks (relative to the scenario file, or
    ``builtin:ilrs-illustrative``); its tasks are added to the inline ``tasks`` when
    the scenario is read.
    """

    site: str | None = None  # where the station stands; the first site if omitted
    fairness: Literal["sum", "maxmin", "nash"] = "nash"
    end: UtcDatetime  # the programme's horizon: campaigns must fit before it
    interest_scale: InterestScale = InterestScale()
    resources: ProgrammeResources
    missions: list[Mission] = Field(min_length=1)
    catalogue: str | None = None
    tasks: list[Task] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        if not self.tasks:
            where = (
                f"; the catalogue {self.catalogue!r} is read with the scenario file "
                "(moonbase.api.load_scenario or scenario_from_data), not by "
                "validate_scenario on plain data"
                if self.catalogue
                else ""
            )
            raise ValueError(f"tasks: the programme has no tasks to choose from{where}")
        names = [m.name for m in self.missions]
        for label, values in (("missions: name", names), ("tasks: id", [t.id for t in self.tasks])):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{label} {repeated[0]!r} appears more than once")
        known = set(names)
        for i, mission in enumerate(self.missions):
            for dependency in mission.depends_on:
                if dependency not in known:
                    raise ValueError(
                        f"missions[{i}] ({mission.name}).depends_on: no mission named "
                        f"{dependency!r}; missions are {names}"
                    )
        cycle = dependency_cycle({m.name: m.depends_on for m in self.missions})
        if cycle:
            raise ValueError(f"missions: dependency cycle {' -> '.join(cycle)}")
        for i, task in enumerate(self.tasks):
            for mission in task.missions:
                if mission not in known:
                    raise ValueError(
                        f"tasks[{i}] ({task.id}).missions: needs mission {mission!r}, which "
                        f"does not exist; missions are {names}"
                    )
        return self


def dependency_cycle(depends_on: dict[str, list[str]]) -> list[str]:
    """Return one dependency cycle as ``[a, b, ..., a]``, or ``[]`` when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for dependency in depends_on.get(name, []):
            if state.get(dependency) == 1:
                return [*path[path.index(dependency) :], dependency]
            if dependency not in state:
                found = visit(dependency)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return []

    for name in depends_on:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return []
