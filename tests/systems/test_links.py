"""Contact windows, rates and volumes of the links from a site."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from moonbase.environment.horizon import Horizon
from moonbase.environment.site_environment import SurfaceSite
from moonbase.environment.windows import Windows
from moonbase.geometry.sky import SurfacePoint
from moonbase.geometry.times import time_grid
from moonbase.io.scenario_files import default_scenario
from moonbase.pipeline import surface_sites
from moonbase.systems.communications import ALL_LINKS, inside, links, stations_of, union
from moonbase.systems.link_budget import HopBudget, dish_gain_dbi
from moonbase.systems.link_geometry import EarthMoonTable, station_me_km

SCENARIO = default_scenario()


@pytest.fixture(scope="module")
def month(eph):
    t, _ = time_grid(
        eph.ts, SCENARIO.span.start, SCENARIO.span.start + timedelta(days=30), timedelta(hours=1)
    )
    return t


@pytest.fixture(scope="module")
def ridge(eph, month):
    site = surface_sites(SCENARIO)[0]
    return links([site], month, SCENARIO.communications, SCENARIO.ground_stations, ephemeris=eph)


def test_union_and_inside():
    span = (0.0, 10.0)
    a = Windows(np.array([1.0, 5.0]), np.array([2.0, 6.0]), span)
    b = Windows(np.array([1.5, 8.0]), np.array([3.0, 9.0]), span)
    both = union([a, b], span)
    assert both.starts_tt.tolist() == [1.0, 5.0, 8.0]
    assert both.stops_tt.tolist() == [3.0, 6.0, 9.0]
    assert inside(both, np.array([0.5, 1.0, 2.5, 7.0, 9.0])).tolist() == [
        False,
        True,
        True,
        False,
        True,
    ]


def test_dish_gain_scales_with_area_and_efficiency():
    base = dish_gain_dbi(1.0, 8.45e9, 0.5)
    assert dish_gain_dbi(2.0, 8.45e9, 0.5) - base == pytest.approx(20 * np.log10(2.0))
    assert dish_gain_dbi(1.0, 8.45e9, 1.0) - base == pytest.approx(10 * np.log10(2.0))


def test_results_are_labelled(ridge, month):
    stats, rates = ridge.statistics, ridge.rates
    assert stats.sizes["site"] == 1
    assert ALL_LINKS in stats.link.values
    assert set(stats.kind.values.tolist()) == {"link", "station", "leg", "all"}
    assert rates.rate_mbit_s.dims == ("site", "link", "time")
    assert rates.sizes["time"] == len(month)
    assert rates.rate_mbit_s.attrs["units"] == "Mbit s-1"
    assert list(ridge.contacts.columns)[:3] == ["site", "link", "via"]


def test_direct_link_is_the_union_of_its_stations(ridge):
    name = SCENARIO.communications.links[0].name
    site = "Connecting Ridge"
    stations = [
        w for (s, k), w in ridge.windows.items() if s == site and k.startswith(f"{name} / ")
    ]
    assert len(stations) == len(SCENARIO.ground_stations)
    expected = union(stations, stations[0].span_tt)
    composite = ridge.windows[(site, name)]
    np.testing.assert_allclose(composite.starts_tt, expected.starts_tt)
    assert 0.0 < composite.fraction() < 1.0


def test_relay_link_needs_its_site_leg(ridge):
    site, name = "Connecting Ridge", "Queqiao-2 Ka relay"
    through = ridge.windows[(site, name)]
    leg = ridge.windows[(site, f"{name} / site to relay")]
    assert through.intersection(leg).fraction() == pytest.approx(through.fraction(), abs=1e-12)
    every = ridge.windows[(site, ALL_LINKS)]
    assert every.fraction() >= max(
        through.fraction(), ridge.windows[(site, "X-band direct")].fraction()
    )


def test_capped_volume_is_cap_times_contact_time(ridge):
    # Every default hop is far stronger than its cap at lunar distances, so the volume is
    # the cap times the time in contact.
    stats = ridge.statistics.sel(site="Connecting Ridge")
    for link in SCENARIO.communications.links:
        s = stats.sel(link=link.name)
        expected = link.from_site.max_rate_bps * float(s.contact_fraction) * 86_400 / 1e9
        assert float(s.volume_per_day_gbit) == pytest.approx(expected, rel=1e-6)


def test_uncapped_volume_follows_the_range(eph, month):
    # A weak, uncapped direct link: the volume must equal the rate integrated finely.
    comms = SCENARIO.communications
    weak = comms.links[0].from_site.model_copy(
        update={
            "max_rate_bps": None,
            "transmitter": comms.links[0].from_site.transmitter.model_copy(
                update={"power_w": 1e-3}
            ),
        }
    )
    link = comms.links[0].model_copy(update={"from_site": weak})
    station = SCENARIO.ground_stations[2]
    one = comms.model_copy(update={"links": [link], "relays": []})
    site = surface_sites(SCENARIO)[0]
    result = links([site], month, one, [station], ephemeris=eph)
    windows = result.windows[(site.name, link.name)]
    rate = result.rates.rate_mbit_s.isel(site=0, link=0).values
    assert rate.max() > 1.05 * rate[rate > 0].min()  # the range does vary the rate
    budget = HopBudget.of(weak, station.antenna_diameter_m)
    table = EarthMoonTable.build(month, ephemeris=eph)
    total = 0.0
    for start, stop in zip(windows.starts_tt, windows.stops_tt, strict=True):
        tt = np.linspace(start, stop, 2000)
        me = station_me_km(table.at(tt), stations_of([station])[0])
        distance = np.linalg.norm(me - site.point.position_km()[:, None], axis=0)
        total += np.trapezoid(budget.rate_bps(distance), tt) * 86_400
    volume = float(result.statistics.volume_per_day_gbit.sel(site=site.name, link=link.name))
    # Trapezoids on the hourly grid: the station's daily swing (+-1.6 % in rate) leaves
    # an error of about (2 pi / 24)^2 / 12 * 1.6 % = 1e-4.
    assert volume * windows.span_days * 1e9 == pytest.approx(total, rel=5e-4)


def test_a_high_skyline_blocks_the_earth(eph, month):
    site = SurfaceSite("walled", SurfacePoint(-89.45, 222.69, 0.0, 2.0), Horizon(floor_deg=20.0))
    result = links([site], month, SCENARIO.communications, SCENARIO.ground_stations, ephemeris=eph)
    stats = result.statistics.sel(site="walled")
    assert float(stats.contact_fraction.sel(link="X-band direct")) == 0.0
    assert float(stats.longest_gap_h.sel(link="X-band direct")) == pytest.approx(30 * 24.0)
    # The relay at up to 16,000 km over the pole still clears a 20 deg wall.
    assert float(stats.contact_fraction.sel(link="Queqiao-2 Ka relay")) > 0.5


def test_span_at_the_end_of_the_ephemeris(eph):
    # The interpolation tables reach a step beyond the span only where the kernels do.
    start = SCENARIO.span.start.replace(year=2050, month=12, day=29)
    t, _ = time_grid(eph.ts, start, start + timedelta(days=2, hours=23), timedelta(hours=1))
    site = surface_sites(SCENARIO)[0]
    result = links([site], t, SCENARIO.communications, SCENARIO.ground_stations, ephemeris=eph)
    assert 0.0 < float(result.statistics.contact_fraction.sel(link=ALL_LINKS).item()) <= 1.0
