"""Synthetic environment series and scenario parts for the power tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from moonbase.constants import AU_KM
from moonbase.scenario.power import Battery, FuelCell, PowerSystem, SolarArray
from moonbase.scenario.station import Module

START = np.datetime64("2030-01-01T00:00", "ns")


def series(
    visible_fraction,
    *,
    step_h: float = 1.0,
    sun_elevation_deg=0.0,
    sun_azimuth_deg=0.0,
    earth_in_view=True,
    sites=("A",),
) -> xr.Dataset:
    """An environment series ``(site, time)`` with the Sun at 1 au (irradiance 1361 W/m2
    times the visible fraction); every site gets the same values."""
    visible = np.asarray(visible_fraction, float)
    n = len(visible)
    time = START + (np.arange(n) * step_h * 3600e9).astype("timedelta64[ns]")

    def full(value):
        return np.broadcast_to(np.asarray(value, float), (n,)).copy()

    one = xr.Dataset(
        {
            "sun_range_km": ("time", full(AU_KM)),
            "sun_elevation_deg": ("time", full(sun_elevation_deg)),
            "sun_azimuth_deg": ("time", full(sun_azimuth_deg)),
            "solar_visible_fraction": ("time", visible),
            "earth_in_view": ("time", full(earth_in_view).astype(bool)),
        },
        coords={"time": time},
    )
    return xr.concat([one] * len(sites), dim=pd.Index(list(sites), name="site"))


def module(name="Load", operating_w=100.0, standby_w=None, survival_w=None, **fields) -> Module:
    standby_w = operating_w if standby_w is None else standby_w
    survival_w = standby_w if survival_w is None else survival_w
    return Module(
        name=name,
        owner="CNSA",
        mass_kg=1.0,
        power={"operating_w": operating_w, "standby_w": standby_w, "survival_w": survival_w},
        source="test",
        **fields,
    )


def array(area_m2=1.0, **fields) -> SolarArray:
    """A full-tracking array of efficiency 1: its power is 1361 W/m2 x area x visible."""
    values = {"cell_efficiency": 1.0, "mounting": "full_tracking", "specific_mass_kg_m2": 2.0}
    values.update(fields)
    return SolarArray(name="Array", owner="CNSA", area_m2=area_m2, source="test", **values)


def battery(capacity_wh=1000.0, **fields) -> Battery:
    values = {
        "depth_of_discharge": 0.8,
        "round_trip_efficiency": 0.81,
        "specific_energy_wh_kg": 150.0,
    }
    values.update(fields)
    return Battery(name="Battery", owner="CNSA", capacity_wh=capacity_wh, source="test", **values)


def fuel_cell(capacity_wh=1000.0, **fields) -> FuelCell:
    values = {"power_w": 1e6, "round_trip_efficiency": 0.5, "specific_energy_wh_kg": 400.0}
    values.update(fields)
    return FuelCell(name="RFC", owner="CNSA", capacity_wh=capacity_wh, source="test", **values)


def system(**fields) -> PowerSystem:
    return PowerSystem(**fields)
