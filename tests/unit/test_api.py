"""The curated Python surface: the README's example runs as written."""

from __future__ import annotations

from moonbase import api


def test_run_reads_the_scenarios_terrain_without_being_told_how(eph):
    scenario = api.default_scenario()
    short = scenario.span.model_copy(update={"stop": scenario.span.start.replace(day=11)})
    scenario = scenario.model_copy(
        update={
            "sites": [s for s in scenario.sites if s.name == "Shackleton crater centre"],
            "span": short,
            "terrain": scenario.terrain.model_copy(update={"maps": False}),
            "programme": None,
        }
    )
    results = api.run(scenario, ephemeris=eph)
    statistics = results.environment.statistics.to_dataframe()
    assert list(statistics.index) == ["Shackleton crater centre"]
    # The built-in terrain's crater rim (~atan(4.2 / 10.5) = 22 deg) is the skyline, not
    # the smooth sphere's dip below the horizon.
    skyline = results.environment.series.horizon_elevation_deg.sel(site="Shackleton crater centre")
    assert float(skyline.min()) > 15.0
