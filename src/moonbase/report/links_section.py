"""The report's links part: per site, a contact chart and a data-volume table."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from moonbase.constants import SYNODIC_MONTH_D
from moonbase.report.drawing import Draw, ReportFigure
from moonbase.systems.communications import LinkResults

#: Julian date of the Unix epoch, to put TT Julian dates on matplotlib's date axis
#: (TT runs about a minute ahead of UTC: invisible at the charts' scale).
_UNIX_EPOCH_JD = 2440587.5
KIND_COLOURS = {"link": "#2a6fd6", "station": "#9db8e0", "leg": "#e08a00", "all": "#16213a"}

VOLUME_COLUMNS = [
    "link", "contact %", "contacts", "mean contact (h)", "longest gap (h)", "mean Mbit/s",
    "Gbit/day", "Gbit/lunar month", "worst month (Gbit)",
]  # fmt: skip


@dataclass(frozen=True)
class LinkSite:
    name: str
    chart: ReportFigure
    rows: list[list[str]]


@dataclass(frozen=True)
class LinksSection:
    """Links to Earth: a description, the sites compared, and each site's part."""

    description: str
    columns: list[str]
    rows: list[list[str]]
    sites: list[LinkSite]
    volume_columns: list[str]


def _mdates(tt: np.ndarray) -> np.ndarray:
    return np.asarray(tt) - _UNIX_EPOCH_JD  # matplotlib dates: days since 1970


def contact_chart(results: LinkResults, site: str) -> Figure:
    """Gantt chart of a site's windows over the first lunar month, and the daily
    contact fraction of its links over the whole span."""
    stats = results.statistics
    names = [str(n) for n in stats.link.values]
    kinds = [str(k) for k in stats.kind.values]
    windows = [results.windows[(site, n)] for n in names]
    start = windows[0].span_tt[0]
    month_end = min(start + SYNODIC_MONTH_D, windows[0].span_tt[1])
    fig, (gantt, daily) = plt.subplots(
        2, 1, figsize=(10, 0.28 * len(names) + 3.6), height_ratios=[len(names), 8]
    )
    for row, (kind, w) in enumerate(zip(kinds, windows, strict=True)):
        keep = (w.stops_tt > start) & (w.starts_tt < month_end)
        lo = np.maximum(w.starts_tt[keep], start)
        hi = np.minimum(w.stops_tt[keep], month_end)
        gantt.broken_barh(
            list(zip(_mdates(lo), hi - lo, strict=True)), (row - 0.4, 0.8),
            color=KIND_COLOURS[kind], lw=0,
        )  # fmt: skip
    gantt.set_yticks(range(len(names)), names, fontsize=7)
    gantt.invert_yaxis()
    gantt.set_xlim(_mdates(start), _mdates(month_end))
    _date_axis(gantt)
    gantt.set_title(f"{site}: contact windows over the first lunar month (UTC)", fontsize=10)
    gantt.grid(axis="x", alpha=0.3)

    edges = np.arange(start, windows[0].span_tt[1] + 1.0, 1.0)
    for name, kind, w in zip(names, kinds, windows, strict=True):
        if kind in ("link", "all"):
            daily.plot(
                _mdates(edges[:-1]), _daily_fraction(w, edges), lw=0.8, label=name,
                color=KIND_COLOURS["all"] if kind == "all" else None,
            )  # fmt: skip
    _date_axis(daily)
    daily.set_ylim(-0.02, 1.02)
    daily.set_ylabel("fraction of\neach day")
    daily.set_title("Daily contact over the whole span", fontsize=9)
    daily.legend(fontsize=7, loc="lower left", ncols=4, frameon=False)
    fig.tight_layout()
    return fig


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _daily_fraction(windows, edges_tt: np.ndarray) -> np.ndarray:
    """Fraction of each interval between ``edges_tt`` covered by the windows."""
    covered = np.zeros(len(edges_tt) - 1)
    for a, b in zip(windows.starts_tt, windows.stops_tt, strict=True):
        lo = np.clip(edges_tt[:-1], a, b)
        hi = np.clip(edges_tt[1:], a, b)
        covered += hi - lo
    return covered / np.diff(edges_tt)


def _fmt(value: float, digits: int) -> str:
    return "-" if value != value else f"{value:,.{digits}f}"


def links_section(results: LinkResults | None, png: Draw) -> LinksSection | None:
    """Build the links part of the report; ``png`` turns a figure into a ReportFigure."""
    if results is None:
        return None
    stats = results.statistics
    sites, compare = [], []
    for site in stats.site.values:
        one = stats.sel(site=site)
        rows = [
            [
                str(link),
                _fmt(100 * float(s.contact_fraction), 1),
                _fmt(float(s.contacts), 0),
                _fmt(float(s.mean_contact_h), 1),
                _fmt(float(s.longest_gap_h), 1),
                _fmt(float(s.mean_rate_mbit_s), 2),
                _fmt(float(s.volume_per_day_gbit), 1),
                _fmt(float(s.volume_per_lunar_month_gbit), 0),
                _fmt(float(s.worst_lunar_month_gbit), 0),
            ]
            for link in one.link.values
            for s in [one.sel(link=link)]
        ]
        chart = png(contact_chart(results, str(site)), "Contact windows")
        sites.append(LinkSite(str(site), chart, rows))
        every = one.sel(link="all links")
        compare.append(
            [
                str(site),
                _fmt(100 * float(every.contact_fraction), 1),
                _fmt(float(every.longest_gap_h), 1),
                _fmt(float(every.volume_per_day_gbit), 1),
            ]
        )
    return LinksSection(
        "Direct links hold while a ground station stands above the site's skyline and the "
        "Moon above the station's limit; a relay link while the relay stands above the "
        "skyline and a station sees the relay (real-time, at the lesser hop's rate). "
        "Rates from each hop's link budget at the varying range, capped by its maximum "
        "rate; 'all links' sums the volumes of the scenario's links (separate terminals). "
        "Contact windows are in contacts.csv, rate series in links.nc.",
        ["site", "any link %", "longest gap without any link (h)", "Gbit/day, all links"],
        compare,
        sites,
        VOLUME_COLUMNS,
    )
