"""The built-in parametric south-pole terrain."""

from __future__ import annotations

import numpy as np
import pytest

from moonbase.terrain.parametric import parametric_dem, south_pole_features


def test_catalogue_is_sourced():
    features = south_pole_features()
    names = {f.name for f in features}
    assert {
        "Shackleton",
        "de Gerlache",
        "Shoemaker",
        "Faustini",
        "Haworth",
        "Malapert massif",
        "Leibnitz-Beta plateau",
    } <= names
    assert all(f.source for f in features)
    assert any(f.approximate for f in features)


def test_shackleton_bowl_has_its_published_depth():
    # FACTS.md: 21 km across, 4.2 km deep (rim crest to floor).
    shackleton = next(f for f in south_pole_features() if f.name == "Shackleton")
    dem = parametric_dem(shackleton.lat_deg, shackleton.lon_deg, 40e3, 250.0, [shackleton])
    centre = dem.height_m[80, 80]
    rim = dem.height_m.max()
    assert rim - centre == pytest.approx(4200.0, rel=0.01)
    # The rim crest sits 10.5 km from the centre.
    row, col = np.unravel_index(np.argmax(dem.height_m), dem.shape)
    assert np.hypot(row - 80, col - 80) * 250.0 == pytest.approx(10_500.0, abs=300.0)


def test_default_run_puts_crater_floors_in_permanent_shadow():
    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario
    from moonbase.pipeline import read_terrain_source, terrain_skylines

    scenario = default_scenario()
    source = read_terrain_source(scenario, **scenario_terrain_readers(scenario.terrain))
    skylines = terrain_skylines(scenario, source)
    # From Shackleton's floor the rim stands ~ atan(4.2 / 10.5) = 22 deg high: no Sun
    # (which never rises above ~1.6 deg here) and no Earth (< 7 deg) ever reach it.
    floor = skylines["Shackleton crater centre"]
    assert floor.elevation_deg.min() > 15.0
