"""The thermal stage in the pipeline: per-site regolith and module deficits, progress."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from moonbase.io.scenario_files import default_scenario_text, scenario_from_data
from moonbase.pipeline import run, work_units


@pytest.fixture(scope="module")
def small():
    data = yaml.safe_load(default_scenario_text())
    data["sites"] = [data["sites"][0], data["sites"][-1]]
    data.pop("terrain")
    data["span"] = {"start": "2030-03-01T00:00:00Z", "stop": "2030-04-15T00:00:00Z", "step": "2h"}
    data["thermal"] = {"albedo": 0.1, "slopes": [{"site": data["sites"][1]["name"],
                                                  "slope_deg": 10, "aspect_deg": 0}]}  # fmt: skip
    return scenario_from_data(data)


def test_run_gives_each_site_regolith_and_module_deficits(small, eph):
    labels = []
    results = run(small, ephemeris=eph, progress=labels.append)
    assert len(labels) == work_units(small)
    heat = results.thermal
    names = [s.name for s in small.sites]
    times = results.environment.series.time.values
    assert list(heat.regolith.site.values) == names
    np.testing.assert_array_equal(heat.regolith.time.values, times)
    assert heat.deficit.thermal_deficit_w.dims == ("site", "module", "time")
    assert list(heat.deficit.module.values) == [m.name for m in small.station.modules]
    assert heat.site_deficit_w(names[0]).shape == (len(small.station.modules), times.size)
    assert heat.regolith.attrs["albedo"] == 0.1
    assert len(heat.modules) == len(names) * sum(
        m.thermal is not None for m in small.station.modules
    )
    # the 10 deg slope facing north (towards the low Sun) at Leibnitz-Beta (85.3 S) is
    # warmer than the flat ridge near the pole
    by_site = heat.sites.set_index("site")
    assert by_site.loc[names[1], "surface_max_k"] > by_site.loc[names[0], "surface_max_k"]
    for row in heat.sites.itertuples():
        assert 20.0 < row.surface_min_k < row.surface_mean_k < row.surface_max_k < 400.0


def test_unknown_site_in_slopes_is_named():
    data = yaml.safe_load(default_scenario_text())
    data["thermal"] = {"slopes": [{"site": "Nowhere", "slope_deg": 5}]}
    with pytest.raises(ValueError, match=r"thermal.slopes\[0\].site: 'Nowhere' is not a site"):
        scenario_from_data(data)
