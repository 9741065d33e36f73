"""The power part of each site's report section: figure, sizing facts, options, shed loads."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from moonbase.report.drawing import Draw, ReportFigure
from moonbase.systems.power import PowerResults

SOLAR_COLOUR = "#e08a00"
LOAD_COLOUR = "#16213a"
CHARGE_COLOUR = "#2a6fd6"
DARK_COLOUR = "0.85"
#: Days shown before the drawdown that leads to the lowest state of charge, and after it.
MARGIN_DAYS = 2.0

OPTION_COLUMNS = ["option", "storage", "storage (kWh)", "storage (kg)", "arrays (kg)",
                  "generators (kg)", "total (kg)"]  # fmt: skip
SHED_COLUMNS = ["module", "times shed", "hours", "lowest mode", "first (UTC)"]


@dataclass(frozen=True)
class PowerPart:
    """One site's power results, formatted."""

    facts: list[tuple[str, str]]
    figure: ReportFigure
    option_rows: list[list[str]]
    shed_rows: list[list[str]]
    option_columns: tuple[str, ...] = tuple(OPTION_COLUMNS)
    shed_columns: tuple[str, ...] = tuple(SHED_COLUMNS)


def _when(value: np.datetime64) -> str:
    return np.datetime_as_string(value, unit="m").replace("T", " ")


def _kwh(value_wh: float) -> str:
    return f"{value_wh / 1e3:,.1f} kWh"


def drawdown_plot(site: xr.Dataset, summary: xr.Dataset, title: str) -> Figure:
    """Generation, load and state of charge through the drawdown to the lowest charge."""
    start = summary.drawdown_start_time.values - np.timedelta64(int(MARGIN_DAYS * 24), "h")
    lowest = summary.min_state_of_charge_time.values
    after = max(np.timedelta64(int(MARGIN_DAYS * 24), "h"), (lowest - start) // 2)
    part = site.sel(time=slice(start, lowest + after))
    time = part.time.values
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 4.6), sharex=True)
    dark = part.solar_w.values <= 0.0
    for ax in (top, bottom):
        ax.fill_between(time, 0, 1, where=dark, transform=ax.get_xaxis_transform(),
                        color=DARK_COLOUR, lw=0, step="mid", label="no solar power")  # fmt: skip
    top.plot(time, part.generation_w / 1e3, color=SOLAR_COLOUR, lw=1.0, label="generation")
    top.plot(
        time, part.wanted_load_w / 1e3, color=LOAD_COLOUR, lw=0.8, ls="--", label="wanted load"
    )
    top.plot(time, (part.load_w - part.unserved_w) / 1e3, color=LOAD_COLOUR, lw=1.0,
             label="load served")  # fmt: skip
    top.set_ylabel("kW")
    top.legend(loc="center right", fontsize=7, framealpha=0.9, ncols=2)
    bottom.plot(time, 100 * part.state_of_charge, color=CHARGE_COLOUR, lw=1.2)
    bottom.plot([lowest], [100 * float(summary.min_state_of_charge)], "v", color="crimson")
    bottom.set_ylabel("state of\ncharge (%)")
    bottom.set_ylim(0, 102)
    top.set_title(title, fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def power_parts(power: PowerResults, png: Draw) -> dict[str, PowerPart]:
    """Return each site's formatted power part; ``png`` turns a figure into a report figure."""
    parts = {}
    for site in power.summary.site.values:
        name = str(site)
        s = power.summary.sel(site=site)
        array = float(s.required_array_m2)
        lowest = f"{100 * float(s.min_state_of_charge):.1f} %"
        facts = [
            ("Longest without solar power", f"{float(s.longest_without_solar_h):.0f} h"),
            ("Mean generation / wanted load",
             f"{float(s.mean_generation_w):,.0f} W / {float(s.mean_wanted_load_w):,.0f} W"),
            ("Battery needed (these arrays)",
             f"{_kwh(float(s.required_battery_wh))}, {float(s.required_battery_mass_kg):,.0f} kg"),
            ("Array needed (installed storage)",
             f"{array:,.1f} m², {float(s.required_array_mass_kg):,.0f} kg" if np.isfinite(array)
             else "none suffices"),
            ("Lowest state of charge",
             f"{lowest} on {_when(s.min_state_of_charge_time.values)} UTC"),
            ("Energy not served", _kwh(float(s.energy_not_served_wh))),
            ("Time with loads shed", f"{float(s.shed_hours):,.0f} h"),
        ]  # fmt: skip
        options = power.options[power.options.site == name]
        option_rows = [
            [o.option, o.storage, f"{o.storage_wh / 1e3:,.1f}", f"{o.storage_mass_kg:,.0f}",
             f"{o.array_mass_kg:,.0f}", f"{o.generator_mass_kg:,.0f}", f"{o.total_mass_kg:,.0f}"]
            for o in options.itertuples()
        ]  # fmt: skip
        shed = power.shed[power.shed.site == name]
        shed_rows = [
            [module, str(len(group)), f"{group.hours.sum():,.0f}",
             "survival" if (group.lowest_mode == "survival").any() else "standby",
             _when(group.start_utc.min().to_datetime64())]
            for module, group in shed.groupby("module", sort=False)
        ]  # fmt: skip
        figure = drawdown_plot(
            power.series.sel(site=site), s, f"{name}: through the deepest drawdown"
        )
        parts[name] = PowerPart(facts, png(figure, "Power"), option_rows, shed_rows)
    return parts
