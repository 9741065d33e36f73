"""Links to Earth: relay satellites from orbital elements, and link budgets.

A link starts at each candidate site and ends at the scenario's ground stations,
either directly (``relay`` omitted) or through a named relay: one radio hop from the
site (to Earth, or to the relay) and, through a relay, a second hop from the relay to
Earth. Each hop is a link budget: frequency, transmitter power and antenna, receiver
antenna and system noise temperature, losses, the Eb/N0 the modulation needs, the
coding gain, the margin kept, and an optional cap on the rate (the allocated
bandwidth). A receiver on Earth uses each ground station's own antenna diameter
unless the hop gives one.
"""

from __future__ import annotations

import math

from pydantic import Field, field_validator, model_validator

from moonbase.constants import GM_MOON_KM3_S2, MOON_RADIUS_KM
from moonbase.scenario.fields import Model, UtcDatetime


class RelayOrbit(Model):
    """Osculating elements of a lunar orbit at ``epoch``, in the Moon-centred inertial
    frame aligned with the Moon's mean-Earth axes at that epoch.

    Give either ``periapsis_altitude_km`` and ``apoapsis_altitude_km`` (above the
    1737.4 km reference sphere), or ``semi_major_axis_km`` and ``eccentricity``.
    """

    periapsis_altitude_km: float | None = None
    apoapsis_altitude_km: float | None = None
    semi_major_axis_km: float | None = Field(default=None, gt=0.0)
    eccentricity: float | None = None
    inclination_deg: float = Field(ge=0.0, le=180.0)
    raan_deg: float = Field(default=0.0, ge=0.0, lt=360.0)
    argument_of_periapsis_deg: float = Field(default=90.0, ge=0.0, lt=360.0)
    mean_anomaly_deg: float = Field(default=0.0, ge=0.0, lt=360.0)
    epoch: UtcDatetime

    @field_validator("periapsis_altitude_km", "apoapsis_altitude_km")
    @classmethod
    def _above_surface(cls, value: float | None) -> float | None:
        if value is not None and not value > 0.0:
            raise ValueError("the orbit must stay above the lunar surface: altitude must be > 0 km")
        return value

    @field_validator("eccentricity")
    @classmethod
    def _closed(cls, value: float | None) -> float | None:
        if value is not None and not 0.0 <= value < 1.0:
            raise ValueError("eccentricity must be in [0, 1): 1 or more is not a closed orbit")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> RelayOrbit:
        altitudes = (self.periapsis_altitude_km, self.apoapsis_altitude_km)
        shape = (self.semi_major_axis_km, self.eccentricity)
        by_altitudes = all(v is not None for v in altitudes) and all(v is None for v in shape)
        by_shape = all(v is not None for v in shape) and all(v is None for v in altitudes)
        if not (by_altitudes or by_shape):
            raise ValueError(
                "give periapsis_altitude_km with apoapsis_altitude_km, "
                "or semi_major_axis_km with eccentricity"
            )
        if by_altitudes and altitudes[1] < altitudes[0]:
            raise ValueError("apoapsis_altitude_km must not be below periapsis_altitude_km")
        periapsis_km = self.semi_major_axis_km_value * (1.0 - self.eccentricity_value)
        if periapsis_km <= MOON_RADIUS_KM:
            raise ValueError(
                f"periapsis radius {periapsis_km:.1f} km is at or below the lunar surface "
                f"({MOON_RADIUS_KM} km): the orbit must stay above it"
            )
        return self

    @property
    def semi_major_axis_km_value(self) -> float:
        """Semi-major axis, km, whichever form the orbit was given in."""
        if self.semi_major_axis_km is not None:
            return self.semi_major_axis_km
        return MOON_RADIUS_KM + (self.periapsis_altitude_km + self.apoapsis_altitude_km) / 2.0

    @property
    def eccentricity_value(self) -> float:
        """Eccentricity, whichever form the orbit was given in."""
        if self.eccentricity is not None:
            return self.eccentricity
        rp = MOON_RADIUS_KM + self.periapsis_altitude_km
        ra = MOON_RADIUS_KM + self.apoapsis_altitude_km
        return (ra - rp) / (ra + rp)

    @property
    def period_h(self) -> float:
        """Keplerian period, hours (Kepler's third law with the Moon's GM)."""
        a = self.semi_major_axis_km_value
        return 2.0 * math.pi * math.sqrt(a**3 / GM_MOON_KM3_S2) / 3600.0


class Relay(Model):
    """A lunar relay satellite."""

    name: str = Field(min_length=1)
    orbit: RelayOrbit
    notes: str = ""
    source: str = Field(min_length=1)
    approximate: bool = False


class Antenna(Model):
    """An antenna: its gain given, or its diameter with an aperture efficiency
    (G = efficiency * (pi D / wavelength)^2). Omit both on an Earth receiver to use
    each ground station's diameter."""

    diameter_m: float | None = Field(default=None, gt=0.0, le=1000.0)
    gain_dbi: float | None = Field(default=None, ge=-20.0, le=100.0)
    aperture_efficiency: float = Field(default=0.55, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _at_most_one(self) -> Antenna:
        if self.diameter_m is not None and self.gain_dbi is not None:
            raise ValueError("give diameter_m or gain_dbi, not both")
        return self

    @property
    def given(self) -> bool:
        return self.diameter_m is not None or self.gain_dbi is not None


class Transmitter(Model):
    power_w: float = Field(gt=0.0, le=1e6)
    antenna: Antenna
    line_loss_db: float = Field(default=1.0, ge=0.0, le=50.0)


class Receiver(Model):
    antenna: Antenna = Field(default_factory=Antenna)
    system_noise_temperature_k: float = Field(gt=0.0, le=1e5)
    line_loss_db: float = Field(default=0.0, ge=0.0, le=50.0)


class Hop(Model):
    """One radio hop's link budget."""

    band: str = Field(min_length=1)
    frequency_ghz: float = Field(gt=0.0, le=300.0)
    transmitter: Transmitter
    receiver: Receiver
    other_losses_db: float = Field(default=1.0, ge=0.0, le=100.0)  # atmosphere, pointing
    required_eb_n0_db: float = Field(ge=-2.0, le=30.0)  # modulation, uncoded, at the BER
    coding_gain_db: float = Field(default=0.0, ge=0.0, le=15.0)
    margin_db: float = Field(default=3.0, ge=0.0, le=50.0)
    max_rate_bps: float | None = Field(default=None, gt=0.0)
    source: str = Field(min_length=1)
    approximate: bool = False


class Link(Model):
    """A way from every site to Earth: direct (no ``relay``), or through a relay."""

    name: str = Field(min_length=1)
    relay: str | None = None
    from_site: Hop  # to every ground station, or to the relay
    relay_to_earth: Hop | None = None

    @model_validator(mode="after")
    def _hops(self) -> Link:
        if (self.relay is None) != (self.relay_to_earth is None):
            raise ValueError("a link through a relay needs relay_to_earth; a direct one has none")
        if self.relay is not None and not self.from_site.receiver.antenna.given:
            raise ValueError("from_site.receiver.antenna: the relay's antenna needs diameter_m")
        if not self.from_site.transmitter.antenna.given:
            raise ValueError("from_site.transmitter.antenna: give diameter_m or gain_dbi")
        if self.relay_to_earth is not None and not self.relay_to_earth.transmitter.antenna.given:
            raise ValueError("relay_to_earth.transmitter.antenna: give diameter_m or gain_dbi")
        return self


class Communications(Model):
    """Relays and links; every link is evaluated from every site."""

    relays: list[Relay] = Field(default_factory=list)
    links: list[Link] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> Communications:
        relays = {r.name for r in self.relays}
        if len(relays) != len(self.relays):
            raise ValueError("relays: names must be distinct")
        if len({link.name for link in self.links}) != len(self.links):
            raise ValueError("links: names must be distinct")
        for link in self.links:
            if link.relay is not None and link.relay not in relays:
                raise ValueError(
                    f"links ({link.name}): relay {link.relay!r} is not in relays; "
                    f"relays are {sorted(relays)}"
                )
        return self
