"""The link budget against a published one: NOAA's EMWIN-N budget (GOES-N/O relay).

Authority: tests/reference/authorities/emwin_n_link_budget.yaml, as published by the
NOAA National Weather Service. The source rounds every line to 0.1 dB, so each of our
values must agree within 0.1 dB (0.15 dB where two rounded lines are combined).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from moonbase.scenario.communications import Hop
from moonbase.systems.link_budget import BOLTZMANN_DBW_K_HZ, HopBudget, db, free_space_loss_db

AUTHORITY = yaml.safe_load(
    (Path(__file__).parent / "authorities" / "emwin_n_link_budget.yaml").read_text()
)


@pytest.mark.parametrize("leg", ["uplink", "downlink"])
def test_free_space_loss_matches_the_published_budget(leg):
    row = AUTHORITY[leg]
    loss = free_space_loss_db(row["path_distance_km"], row["frequency_mhz"] * 1e6)
    assert loss == pytest.approx(row["free_space_loss_db"], abs=0.05)


def test_boltzmann_constant_in_decibels():
    # The source writes it per milliwatt: -198.6 dBm/Hz/K = -228.6 dBW/Hz/K.
    assert BOLTZMANN_DBW_K_HZ + 30.0 == pytest.approx(
        AUTHORITY["downlink"]["boltzmann_dbm_hz_k"], abs=0.05
    )


def test_downlink_c_over_n0_and_margin_from_a_scenario_hop():
    down, overall = AUTHORITY["downlink"], AUTHORITY["overall"]
    # A hop with the published EIRP (1 W into a 14.8 dBi antenna, dBm -> dBW) and the
    # published G/T (a 100 K system behind a gain of G/T + 20 dB).
    hop = Hop(
        band="L",
        frequency_ghz=down["frequency_mhz"] / 1e3,
        transmitter={
            "power_w": 1.0,
            "antenna": {"gain_dbi": down["eirp_dbmi"] - 30.0},
            "line_loss_db": 0.0,
        },
        receiver={
            "antenna": {"gain_dbi": down["g_over_t_db_k"] + 20.0},
            "system_noise_temperature_k": 100.0,
        },
        other_losses_db=down["atmospheric_attenuation_db"] + down["polarization_loss_db"],
        required_eb_n0_db=overall["theoretical_eb_n0_db"]
        + overall["implementation_loss_db"]
        + overall["satellite_degradations_db"],
        margin_db=0.0,
        source="EMWIN-N",
    )
    budget = HopBudget.of(hop)
    c_n0 = float(budget.c_over_n0_db_hz(down["path_distance_km"]))
    assert c_n0 == pytest.approx(down["c_over_n0_db_hz"], abs=0.1)
    assert budget.threshold_db == pytest.approx(overall["required_eb_n0_db"], abs=0.05)
    # Eb/N0 at the published rate, less the threshold, is the published margin (the
    # uplink's noise takes 0.1 dB more off the composite the source uses).
    eb_n0 = c_n0 - float(db(AUTHORITY["data_rate_bps"]))
    assert eb_n0 - budget.threshold_db == pytest.approx(overall["margin_db"], abs=0.15)
    # And the rate the hop allows with the published margin kept is the published rate.
    rate = float(
        HopBudget(
            **{**budget.__dict__, "threshold_db": budget.threshold_db + overall["margin_db"]}
        ).rate_bps(down["path_distance_km"])
    )
    assert db(rate) == pytest.approx(db(AUTHORITY["data_rate_bps"]), abs=0.15)


def test_rate_falls_with_range_squared_and_stops_at_the_cap():
    budget = HopBudget(8.45e9, 20.0, 50.0, 1.0, 5.6, None)
    near, far = budget.rate_bps(np.array([1000.0, 2000.0]))
    assert near / far == pytest.approx(4.0, rel=1e-9)
    capped = HopBudget(8.45e9, 20.0, 50.0, 1.0, 5.6, 0.5 * far)
    assert np.all(capped.rate_bps(np.array([1000.0, 2000.0])) == 0.5 * far)
