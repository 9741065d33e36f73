"""Figures of the programme: Pareto front, campaign Gantt chart, schedule timelines."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from moonbase.planning.programme import ProgrammeResults
from moonbase.planning.resources import StationResources
from moonbase.planning.schedule import Schedule

RULE_MARKERS = {"sum": ("s", "#d62728"), "maxmin": ("^", "#2ca02c"), "nash": ("o", "#1f77b4")}
DARK_COLOUR = "#30343b"
EARTH_COLOUR = "#2a6fd6"


def pareto_plot(results: ProgrammeResults) -> Figure:
    """Total value against the worst-off partner's share, with each rule's portfolio."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    front = results.pareto
    if not front.empty:
        ax.step(
            front.worst_share,
            front.total_value,
            where="post",
            color="#999999",
            lw=1,
            zorder=1,
        )
        ax.scatter(
            front.worst_share,
            front.total_value,
            color="#555555",
            s=18,
            zorder=2,
            label="Pareto front (epsilon-constraint)",
        )
    for rule, portfolio in results.rules.items():
        marker, colour = RULE_MARKERS[rule]
        ax.scatter(
            portfolio.worst_share,
            portfolio.total_value,
            marker=marker,
            s=80,
            facecolor="none",
            edgecolor=colour,
            lw=1.8,
            zorder=3,
            label=f"{rule} rule",
        )
    ax.set_xlabel("worst-off partner's share of its catalogue value")
    ax.set_ylabel("total value (interest points)")
    ax.set_title(f"Value against fairness at {results.site}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def gantt_chart(campaign: pd.DataFrame, end) -> Figure:
    """The missions from launch to landing and on to the programme's end."""
    rows = campaign.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(rows) + 1.2))
    for i, row in rows.iterrows():
        flies = row.status == "flies"
        colour = "#1f77b4" if flies else "#bbbbbb"
        launch = pd.Timestamp(row.launch)
        if flies:
            landing = pd.Timestamp(row.landing)
            ax.barh(i, (landing - launch).days, left=launch, color="#ff7f0e", height=0.6)
            ax.barh(i, (pd.Timestamp(end) - landing).days, left=landing, color=colour, alpha=0.35)
        else:
            ax.barh(i, 60, left=launch, color=colour, height=0.6, hatch="//")
        label = row.mission if flies else f"{row.mission} ({row.status})"
        ax.text(launch, i + 0.38, f" {label}", fontsize=7, va="bottom")
    ax.set_yticks(range(len(rows)), rows.mission)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlim(pd.Timestamp(campaign.launch.min()) - pd.Timedelta(days=120), pd.Timestamp(end))
    ax.set_title("Campaign: transfer (orange), in service (blue), not flying (hatched)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def timeline_chart(schedule: Schedule, station: StationResources, tasks: list[str]) -> Figure:
    """One row per task: its operations over the span, over darkness and Earth windows;
    below, the daily science energy used against what was available."""
    fig, (ax, energy) = plt.subplots(
        2,
        1,
        figsize=(9.0, 0.26 * len(tasks) + 3.2),
        sharex=True,
        gridspec_kw={"height_ratios": [max(len(tasks), 4), 4]},
    )
    times = station.time
    _shade(ax, times, ~station.sunlit, DARK_COLOUR, 0.18, "darkness")
    _shade(ax, times, station.earth_in_view, EARTH_COLOUR, 0.07, "Earth in view")
    ops = schedule.operations
    for row, task in enumerate(tasks):
        mine = ops[ops.task == task]
        if len(mine):
            starts = mdates.date2num(mine.start_utc.to_numpy())
            widths = mine.duration_h.to_numpy() / 24.0
            bars = list(zip(starts, widths, strict=True))
            ax.broken_barh(bars, (row - 0.35, 0.7), color="C0")
    ax.set_yticks(range(len(tasks)), tasks, fontsize=7)
    ax.set_ylim(max(len(tasks), 1) - 0.5, -0.5)
    ax.legend(loc="upper right", fontsize=7)
    placed = int(schedule.tasks.placed.sum())
    wanted = int(schedule.tasks.wanted.sum())
    ax.set_title(f"{schedule.site}: {placed} of {wanted} operations placed ({schedule.status})")
    daily = schedule.daily
    days = daily.day.to_numpy()
    energy.fill_between(
        days,
        daily.science_energy_wh / 1000.0,
        step="post",
        color="#f2c57c",
        label="science energy available",
    )
    energy.step(
        days,
        (daily.standby_wh + daily.operations_energy_wh) / 1000.0,
        where="post",
        color="#b35806",
        lw=1,
        label="used (standby + operations)",
    )
    energy.set_ylabel("kWh/day")
    energy.legend(loc="upper right", fontsize=7)
    locator = mdates.AutoDateLocator()
    energy.xaxis.set_major_locator(locator)
    energy.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    energy.set_xlim(times[0], times[-1] + (times[-1] - times[-2]))
    fig.tight_layout()
    return fig


def _shade(ax, times: np.ndarray, mask: np.ndarray, colour: str, alpha: float, label: str):
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    starts, stops = edges[0::2], edges[1::2]
    stops = np.minimum(stops, len(times) - 1)
    for i, (a, b) in enumerate(zip(starts, stops, strict=True)):
        ax.axvspan(
            times[a], times[b], color=colour, alpha=alpha, lw=0, label=label if i == 0 else None
        )
