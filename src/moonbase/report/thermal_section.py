"""The thermal part of each site's report section: regolith temperatures and modules."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.report.drawing import Draw, ReportFigure
from moonbase.systems.thermal import ThermalResults

SURFACE_COLOUR = "#c0392b"
#: Spans longer than this many lunations also get a one-lunation zoom.
ZOOM_AFTER_LUNATIONS = 1.5
MAX_POINTS = 4000

MODULE_COLUMNS = [
    "module", "owner", "hottest (K)", "limit (K)", "radiator ok", "area needed (m²)",
    "coldest unheated (K)", "survival limit (K)", "peak heater (W)", "heater per lunar day (kWh)",
]  # fmt: skip


@dataclass(frozen=True)
class ThermalPart:
    """One site's thermal results, formatted."""

    facts: list[tuple[str, str]]
    figure: ReportFigure
    module_rows: list[list[str]]
    module_columns: tuple[str, ...] = tuple(MODULE_COLUMNS)


def _when(value) -> str:
    return np.datetime_as_string(np.datetime64(value, "m"), unit="m").replace("T", " ")


def _thin(part: xr.Dataset) -> xr.Dataset:
    return part.isel(time=slice(None, None, max(1, part.sizes["time"] // MAX_POINTS)))


def _draw(ax, part: xr.Dataset) -> None:
    part = _thin(part)
    time = part.time.values
    ax.plot(time, part.surface_temperature_k, color=SURFACE_COLOUR, lw=1.0, label="surface")
    colours = plt.cm.Blues(np.linspace(0.45, 0.95, part.sizes["depth_m"]))
    for depth, colour in zip(part.depth_m.values, colours, strict=True):
        ax.plot(time, part.temperature_k.sel(depth_m=depth), color=colour, lw=0.9,
                label=f"{depth * 100:g} cm")  # fmt: skip
    ax.set_ylabel("K")
    ax.grid(alpha=0.3)


def temperature_plot(regolith: xr.Dataset, title: str) -> Figure:
    """Surface and subsurface temperatures over the span, and over the lunation around the
    hottest moment when the span is longer."""
    time = regolith.time.values
    span_d = float((time[-1] - time[0]) / np.timedelta64(1, "D"))
    zoom = span_d > ZOOM_AFTER_LUNATIONS * SYNODIC_MONTH_D
    fig, axes = plt.subplots(2 if zoom else 1, 1, figsize=(9, 5.2 if zoom else 3.0), squeeze=False)
    _draw(axes[0, 0], regolith)
    axes[0, 0].set_title(title, fontsize=10)
    axes[0, 0].legend(loc="upper right", fontsize=7, ncols=3, framealpha=0.9)
    if zoom:
        hottest = time[int(np.argmax(regolith.surface_temperature_k.values))]
        half = np.timedelta64(int(SYNODIC_MONTH_D * 12 * 3600), "s")
        start = max(min(hottest - half, time[-1] - 2 * half), time[0])
        _draw(axes[1, 0], regolith.sel(time=slice(start, start + 2 * half)))
        axes[1, 0].set_title("one lunation around the hottest moment", fontsize=9)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _module_rows(table) -> list[list[str]]:
    return [
        [
            r.module,
            r.owner,
            f"{r.hottest_temperature_k:.0f}",
            f"{r.max_temperature_k:.0f}",
            "yes" if r.rejects_enough else "NO",
            f"{r.radiator_area_needed_m2:.2f}" if np.isfinite(r.radiator_area_needed_m2) else "-",
            f"{r.coldest_temperature_k:.0f}",
            f"{r.min_temperature_k:.0f}",
            f"{r.peak_heater_w:,.0f}",
            f"{r.heater_wh_per_lunar_day / 1e3:,.1f}",
        ]
        for r in table.itertuples()
    ]


def thermal_parts(thermal: ThermalResults, png: Draw) -> dict[str, ThermalPart]:
    """Return each site's thermal part; ``png(figure, title)`` turns a figure into a
    ReportFigure."""
    parts = {}
    attrs = thermal.regolith.attrs
    for row in thermal.sites.itertuples():
        regolith = thermal.regolith.sel(site=row.site)
        modules = thermal.modules[thermal.modules.site == row.site] if len(thermal.modules) else []
        facts = [
            ("Coldest surface", f"{row.surface_min_k:.0f} K ({_when(row.surface_min_time_utc)})"),
            ("Hottest surface", f"{row.surface_max_k:.0f} K ({_when(row.surface_max_time_utc)})"),
            ("Mean surface", f"{row.surface_mean_k:.0f} K"),
            (
                "Regolith model",
                f"Hayne et al. 2017 profile, albedo {attrs.get('albedo', 0.12):g}, "
                f"H {attrs.get('e_folding_depth_m', 0.06):g} m, flat unless a slope is given; "
                f"spun up over {attrs.get('spin_up_window', 'the span')} "
                f"({row.spin_up_cycles} cycles)",
            ),
            (
                "Module balance",
                "vertical radiator seeing half ground, half sky; hot case: operating power, "
                "panel facing the Sun; heater: survival power, Sun averaged over azimuth",
            ),
        ]
        parts[row.site] = ThermalPart(
            facts,
            png(temperature_plot(regolith, f"{row.site}: regolith temperature"), "Temperatures"),
            _module_rows(modules) if len(modules) else [],
        )
    return parts
