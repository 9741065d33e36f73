"""The regolith model against Hayne et al. 2017, Table A2 (equatorial temperatures).

Authority: ``authorities/hayne2017_regolith.md`` (Table A1 parameters, Table A2 values).
Tolerance: the 5 K the table states for each value (the model's own spread against
Diviner); the model is run with Table A1's parameters and their idealised equatorial
forcing, spun up to its periodic state.
"""

from __future__ import annotations

import numpy as np
import pytest

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.systems.regolith import RegolithModel, RegolithParameters, idealised_flux_w_m2

PERIOD_S = SYNODIC_MONTH_D * 86_400.0
TABLE_A2_K = {"noon_max": 385.0, "midnight": 101.0, "predawn_min": 95.0}
TABLE_A2_TOLERANCE_K = 5.0


def equatorial_day(model: RegolithModel, step_s: float = 600.0) -> tuple[np.ndarray, np.ndarray]:
    """Return time from local noon (s) and surface temperature over one periodic lunation."""
    time_s = np.linspace(0.0, PERIOD_S, round(PERIOD_S / step_s) + 1)
    flux = idealised_flux_w_m2(time_s, params=model.params)
    spun = model.spin_up(time_s, flux)
    assert spun.converged
    return time_s, model.integrate(spun.state, time_s, flux).surface_k


def table_a2_values(time_s: np.ndarray, surface_k: np.ndarray) -> dict[str, float]:
    night = (time_s > 0.25 * PERIOD_S) & (time_s < 0.75 * PERIOD_S)
    return {
        "noon_max": float(surface_k.max()),
        "midnight": float(np.interp(0.5 * PERIOD_S, time_s, surface_k)),
        "predawn_min": float(surface_k[night].min()),
    }


@pytest.fixture(scope="module")
def equator() -> dict[str, float]:
    return table_a2_values(*equatorial_day(RegolithModel(RegolithParameters())))


@pytest.mark.parametrize("name", sorted(TABLE_A2_K))
def test_equatorial_temperatures_match_table_a2(equator, name):
    assert equator[name] == pytest.approx(TABLE_A2_K[name], abs=TABLE_A2_TOLERANCE_K)


def test_noon_is_the_maximum_and_the_minimum_comes_before_dawn(equator):
    time_s, surface_k = equatorial_day(RegolithModel(RegolithParameters()), step_s=3600.0)
    assert abs(time_s[np.argmax(surface_k)] % PERIOD_S) < 2 * 3600.0 or (
        PERIOD_S - time_s[np.argmax(surface_k)] < 2 * 3600.0
    )
    dawn_s = 0.75 * PERIOD_S
    assert 0.5 * PERIOD_S < time_s[np.argmin(surface_k)] <= dawn_s
