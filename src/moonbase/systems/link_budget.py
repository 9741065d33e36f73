"""Link budgets: from transmitter, antennas, noise and range to the data rate a hop allows.

All in decibels, as engineers write them (e.g. Wertz & Larson, *Space Mission Analysis
and Design*, 3rd ed., ch. 13)::

    EIRP   = P_t + G_t - L_line,t                              dBW
    L_fs   = 20 log10(4 pi d / lambda)                         dB
    G      = 10 log10(eta (pi D / lambda)^2)                   dBi
    G/T    = G_r - L_line,r - 10 log10(T_sys)                  dB/K
    C/N0   = EIRP - L_fs - L_other + G/T - 10 log10(k)         dB-Hz
    Eb/N0  = C/N0 - 10 log10(R)                                dB

and the highest rate that still leaves the margin above the (coded) threshold is
``10 log10(R) = C/N0 - (Eb/N0_required - coding gain + margin)``, capped by the hop's
maximum rate. Checked against a published budget in
``tests/reference/test_link_budget_reference.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moonbase.constants import BOLTZMANN_J_K, SPEED_OF_LIGHT_M_S
from moonbase.scenario.communications import Antenna, Hop

BOLTZMANN_DBW_K_HZ = 10.0 * np.log10(BOLTZMANN_J_K)  # -228.6


def db(ratio: np.ndarray) -> np.ndarray:
    """Return a power ratio in decibels."""
    return 10.0 * np.log10(ratio)


def wavelength_m(frequency_hz: float) -> float:
    """Return the free-space wavelength, m."""
    return SPEED_OF_LIGHT_M_S / frequency_hz


def dish_gain_dbi(diameter_m: float, frequency_hz: float, aperture_efficiency: float) -> float:
    """Return a circular aperture's gain, G = eta (pi D / lambda)^2, dBi."""
    return float(db(aperture_efficiency * (np.pi * diameter_m / wavelength_m(frequency_hz)) ** 2))


def free_space_loss_db(range_km: np.ndarray, frequency_hz: float) -> np.ndarray:
    """Return the free-space path loss, 20 log10(4 pi d / lambda), dB."""
    return 20.0 * np.log10(4.0 * np.pi * np.asarray(range_km) * 1e3 / wavelength_m(frequency_hz))


def antenna_gain_dbi(
    antenna: Antenna, frequency_hz: float, default_diameter_m: float | None = None
) -> float:
    """Return an antenna's gain: given, or from its (or the default) diameter."""
    if antenna.gain_dbi is not None:
        return antenna.gain_dbi
    diameter_m = antenna.diameter_m if antenna.diameter_m is not None else default_diameter_m
    if diameter_m is None:
        raise ValueError("the antenna has neither a gain nor a diameter")
    return dish_gain_dbi(diameter_m, frequency_hz, antenna.aperture_efficiency)


@dataclass(frozen=True)
class HopBudget:
    """The range-independent terms of one hop, with a given receive antenna."""

    frequency_hz: float
    eirp_dbw: float
    g_over_t_db_k: float
    other_losses_db: float
    threshold_db: float  # Eb/N0 needed at the receiver: required - coding gain + margin
    max_rate_bps: float | None

    @classmethod
    def of(cls, hop: Hop, receiver_diameter_m: float | None = None) -> HopBudget:
        """Evaluate a scenario hop; ``receiver_diameter_m`` for a ground station."""
        f_hz = hop.frequency_ghz * 1e9
        tx, rx = hop.transmitter, hop.receiver
        eirp = db(tx.power_w) + antenna_gain_dbi(tx.antenna, f_hz) - tx.line_loss_db
        gain = antenna_gain_dbi(rx.antenna, f_hz, receiver_diameter_m)
        g_over_t = gain - rx.line_loss_db - db(rx.system_noise_temperature_k)
        threshold = hop.required_eb_n0_db - hop.coding_gain_db + hop.margin_db
        return cls(
            f_hz, float(eirp), float(g_over_t), hop.other_losses_db, threshold, hop.max_rate_bps
        )

    def c_over_n0_db_hz(self, range_km: np.ndarray) -> np.ndarray:
        """Return the carrier-to-noise-density ratio at the given ranges, dB-Hz."""
        return (
            self.eirp_dbw
            - free_space_loss_db(range_km, self.frequency_hz)
            - self.other_losses_db
            + self.g_over_t_db_k
            - BOLTZMANN_DBW_K_HZ
        )

    def rate_bps(self, range_km: np.ndarray) -> np.ndarray:
        """Return the highest data rate that keeps the margin, capped, bit/s."""
        rate = 10.0 ** ((self.c_over_n0_db_hz(range_km) - self.threshold_db) / 10.0)
        return rate if self.max_rate_bps is None else np.minimum(rate, self.max_rate_bps)
