"""The links stage in a run: report part per site, contacts.csv and links.nc."""

from __future__ import annotations

import pandas as pd
import xarray as xr
import yaml

from moonbase.io.scenario_files import default_scenario_text, scenario_from_data
from moonbase.pipeline import run, work_units
from moonbase.report.save import save_results


def test_run_reports_and_exports_links(tmp_path, eph):
    data = yaml.safe_load(default_scenario_text())
    data["span"]["stop"] = "2030-01-20T00:00:00Z"
    data.pop("terrain")
    data["sites"] = data["sites"][:2]
    scenario = scenario_from_data(data)
    labels: list[str] = []
    results = run(scenario, ephemeris=eph, progress=labels.append)
    assert len(labels) == work_units(scenario)
    assert sum(label.startswith("links ") for label in labels) == 2
    assert results.links is not None
    drawn: list[str] = []
    written = {p.name for p in save_results(results, tmp_path, progress=drawn.append)}
    assert {"contacts.csv", "links.nc", "report.html"} <= written

    contacts = pd.read_csv(tmp_path / "contacts.csv")
    assert list(contacts.columns) == [
        "site", "link", "via", "start_utc", "stop_utc", "duration_h", "mean_rate_mbit_s",
        "volume_gbit",
    ]  # fmt: skip
    assert (contacts.duration_h > 0).all()
    assert (pd.to_datetime(contacts.stop_utc) > pd.to_datetime(contacts.start_utc)).all()

    links = xr.open_dataset(tmp_path / "links.nc")
    assert links.rate_mbit_s.dims == ("site", "rate_link", "time")
    assert links.volume_per_day_gbit.attrs["units"] == "Gbit d-1"
    links.close()

    html = (tmp_path / "report.html").read_text()
    assert len(drawn) == html.count("data:image/png;base64,")  # progress: one per figure
    assert "Contact windows" in drawn
    assert "Links to Earth" in html
    for site in scenario.sites:
        assert f"<h3>{site.name}</h3>" in html
