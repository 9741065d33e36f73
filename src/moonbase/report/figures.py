"""Figures of the report, as matplotlib Figures (rendered off-screen)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

SUN_COLOUR = "#e08a00"
EARTH_COLOUR = "#2a6fd6"
GROUND_COLOUR = "#8b6b4a"
#: At most this many points of a path are drawn; enough for smooth curves.
MAX_PATH_POINTS = 4000


def _thin(values: np.ndarray) -> np.ndarray:
    stride = max(1, len(values) // MAX_PATH_POINTS)
    return values[::stride]


def sky_plot(site: xr.Dataset, title: str) -> Figure:
    """Polar sky plot: the Sun's and Earth's paths over the span against the skyline.

    Azimuth runs clockwise from north at the top; the radius is elevation, drawn as an
    annulus spanning just the elevations that occur, so polar paths a few degrees
    high stay readable.
    """
    horizon = site.horizon_elevation_deg.values
    az_h = np.radians(np.append(site.azimuth_deg.values, 360.0))
    sun_el, earth_el = site.sun_elevation_deg.values, site.earth_elevation_deg.values
    low = float(min(horizon.min(), sun_el.min(), earth_el.min())) - 0.5
    high = float(max(horizon.max(), sun_el.max(), earth_el.max())) + 0.5

    fig = plt.figure(figsize=(5.2, 5.2))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    # Radius = high - elevation: the zenith side at the centre, the ground outside.
    ax.set_ylim(0.0, high - low)
    ax.set_rorigin(-0.25 * (high - low))
    ground = high - np.append(horizon, horizon[0])
    ax.fill_between(
        az_h, ground, high - low, color=GROUND_COLOUR, alpha=0.55, lw=0, label="below skyline"
    )
    ax.plot(az_h, ground, color=GROUND_COLOUR, lw=1.2)
    for name, colour in (("sun", SUN_COLOUR), ("earth", EARTH_COLOUR)):
        az = np.radians(_thin(site[f"{name}_azimuth_deg"].values))
        el = _thin(site[f"{name}_elevation_deg"].values)
        ax.scatter(
            az,
            high - el,
            s=1.5,
            color=colour,
            alpha=0.5,
            lw=0,
            label="Sun" if name == "sun" else "Earth",
        )
    ticks = np.linspace(low, high, 5)
    ax.set_yticks(high - ticks)
    ax.set_yticklabels([f"{v:.1f}°" for v in ticks], fontsize=7)
    ax.set_title(title, fontsize=10)
    ax.legend(
        loc="lower left", bbox_to_anchor=(-0.12, -0.12), fontsize=7, markerscale=6, frameon=False
    )
    fig.tight_layout()
    return fig


def time_series_plot(site: xr.Dataset, title: str) -> Figure:
    """Solar visible fraction and Earth elevation over the span."""
    time = site.time.values
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 4.2), sharex=True)
    top.fill_between(time, site.solar_visible_fraction.values, color=SUN_COLOUR, lw=0, step="mid")
    top.set_ylabel("solar disc\nvisible")
    top.set_ylim(0, 1.02)
    earth = site.earth_elevation_deg.values
    bottom.plot(time, earth, color=EARTH_COLOUR, lw=0.8)
    in_view = site.earth_in_view.values.astype(bool)
    bottom.fill_between(
        time,
        earth.min(),
        earth.max(),
        where=in_view,
        color=EARTH_COLOUR,
        alpha=0.12,
        lw=0,
        label="Earth in view",
    )
    bottom.axhline(0.0, color="0.5", lw=0.6)
    bottom.set_ylabel("Earth\nelevation (°)")
    bottom.legend(loc="upper right", fontsize=7, frameon=False)
    top.set_title(title, fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def fractions_bar_chart(statistics: xr.Dataset) -> Figure:
    """Grouped bars per site: sunlit, Earth in view, and both."""
    names = [str(n) for n in statistics.site.values]
    x = np.arange(len(names))
    bars = (
        ("sunlit_fraction", "sunlit", SUN_COLOUR),
        ("earth_in_view_fraction", "Earth in view", EARTH_COLOUR),
        ("sunlit_and_earth_fraction", "both", "#6a8f3a"),
    )
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(names) + 2), 3.8))
    width = 0.8 / len(bars)
    for k, (var, label, colour) in enumerate(bars):
        ax.bar(x + (k - 1) * width, 100 * statistics[var].values, width, label=label, color=colour)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=25, ha="right", fontsize=8)
    ax.set_ylabel("% of time")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.12))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
