"""Map figures of terrain results: fractions over a DEM window with site markers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib import patheffects
from matplotlib.figure import Figure

import moonbase.report.figures  # noqa: F401  (selects the off-screen backend first)

MAP_PANELS = (
    ("sunlit_fraction", "Sunlit (% of time)", "inferno"),
    ("earth_visible_fraction", "Earth in view (% of time)", "viridis"),
)


def fraction_maps(
    maps: xr.Dataset,
    markers: list[tuple[str, float, float]] = (),
    title: str = "",
    features: list[tuple[str, float, float]] = (),
) -> Figure:
    """Side-by-side maps of the sunlit and Earth-visible fractions, in km on the grid.

    ``markers`` are candidate sites and ``features`` named craters and massifs, each
    (label, x_m, y_m) in the grid's CRS. Permanently shadowed pixels are outlined in
    cyan. Sites are numbered on the maps and named in a key below them: near the pole
    they stand a few km apart, too close for their names to share the map.
    """
    site_names = {text for text, _, _ in markers}
    features = [f for f in features if f[0] not in site_names]
    x_km, y_km = maps.x.values / 1000.0, maps.y.values / 1000.0
    extent = (x_km[0], x_km[-1], y_km[-1], y_km[0])
    fig, axes = plt.subplots(
        1, len(MAP_PANELS), figsize=(6.2 * len(MAP_PANELS), 5.4), constrained_layout=True
    )
    for ax, (name, label, cmap) in zip(np.atleast_1d(axes), MAP_PANELS, strict=True):
        image = ax.imshow(
            100.0 * maps[name].values,
            extent=extent,
            origin="upper",
            cmap=cmap,
            vmin=0.0,
            vmax=100.0,
        )
        if name == "sunlit_fraction" and bool(maps.permanent_shadow.any()):
            ax.contour(
                x_km,
                y_km,
                maps.permanent_shadow.values.astype(float),
                levels=[0.5],
                colors="cyan",
                linewidths=0.7,
            )
        x_lo, x_hi, y_lo, y_hi = extent[0], extent[1], extent[2], extent[3]
        for text, x_m, y_m in features:
            if x_lo <= x_m / 1000.0 <= x_hi and y_lo <= y_m / 1000.0 <= y_hi:
                ax.annotate(
                    text,
                    (x_m / 1000.0, y_m / 1000.0),
                    fontsize=7,
                    style="italic",
                    color="#c8e6ff",
                    ha="center",
                    va="center",
                )
        for number, (_, x_m, y_m) in enumerate(markers, start=1):
            ax.plot(
                x_m / 1000.0,
                y_m / 1000.0,
                marker="^",
                color="white",
                markeredgecolor="black",
                markersize=6,
            )
            ax.annotate(
                str(number),
                (x_m / 1000.0, y_m / 1000.0),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=7,
                color="white",
                path_effects=[patheffects.withStroke(linewidth=2, foreground="black")],
            )
        ax.set_xlabel("x (km)")
        ax.set_ylabel("y (km)")
        ax.set_title(label, fontsize=10)
        fig.colorbar(image, ax=ax, shrink=0.85)
    if title:
        fig.suptitle(title, fontsize=11)
    if markers:
        key = [f"{number} {text}" for number, (text, _, _) in enumerate(markers, start=1)]
        rows = [", ".join(key[i : i + 5]) for i in range(0, len(key), 5)]
        fig.supxlabel("Sites: " + "\n".join(rows), fontsize=8)
    return fig
