"""The scenario's optional ``thermal:`` section: regolith and radiator settings.

Without it the regolith model uses Hayne et al. 2017's Table A1 values and every site
is flat ground.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from moonbase.scenario.fields import Model


class SiteSlope(Model):
    """The local surface tilt at one site (the regolith under the station)."""

    site: str = Field(min_length=1)  # a site name
    slope_deg: float = Field(ge=0.0, le=60.0)
    aspect_deg: float = Field(default=0.0, ge=0.0, lt=360.0)  # azimuth the downhill side faces


class ThermalSettings(Model):
    """Regolith parameters that differ from Hayne et al. 2017, and radiator turndown."""

    albedo: float = Field(default=0.12, ge=0.0, le=0.5)  # bolometric, normal incidence
    e_folding_depth_m: float = Field(default=0.06, ge=0.01, le=0.5)  # H
    depths_m: list[float] = Field(default=[0.01, 0.05, 0.1, 0.3, 0.8], min_length=1)
    #: Share of a radiator's rejection left when its module is cold (louvres closed,
    #: heat pipes stopped); 1 is a fixed radiator.
    radiator_turndown: float = Field(default=1.0, gt=0.0, le=1.0)
    slopes: list[SiteSlope] = Field(default_factory=list)
    source: str = "Hayne et al. 2017, JGR Planets 122, Table A1"

    @model_validator(mode="after")
    def _depths_in_grid(self) -> ThermalSettings:
        for depth in self.depths_m:
            if not 0.0 <= depth <= 0.8:
                raise ValueError(f"depths_m: {depth} m is outside 0..0.8 m (the layer grid)")
        return self
