"""``moonbase thermal``: regolith temperatures at one lunar surface point, scriptable."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from moonbase.cli.output import clear_errors, err_console, out_console, say, span_from_options
from moonbase.io.atomic import check_writable


class ThermalFormat(StrEnum):
    table = "table"
    json = "json"


def thermal(
    lat: Annotated[float, typer.Option(min=-90.0, max=90.0, help="Latitude, deg.")],
    lon: Annotated[float, typer.Option(min=-180.0, max=360.0, help="East longitude, deg.")],
    start: Annotated[str, typer.Option(help="First time, ISO 8601 UTC.")],
    stop: Annotated[str, typer.Option(help="Last time, ISO 8601 UTC.")],
    step: Annotated[str, typer.Option(help="Output step, e.g. 1h, 30min.")] = "1h",
    albedo: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Bolometric albedo at normal incidence (default: Hayne et al.'s highlands).",
        ),
    ] = None,
    height_m: Annotated[
        float, typer.Option("--height-m", min=0.0, help="Height of the skyline's viewpoint, m.")
    ] = 0.0,
    slope_deg: Annotated[
        float, typer.Option("--slope-deg", min=0.0, max=90.0, help="Surface tilt, deg.")
    ] = 0.0,
    aspect_deg: Annotated[
        float, typer.Option("--aspect-deg", help="Azimuth the slope faces, deg from north.")
    ] = 0.0,
    output_format: Annotated[
        ThermalFormat, typer.Option("--format", help="Output format.")
    ] = ThermalFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the temperature series (NetCDF).")
    ] = None,
) -> None:
    """Print the regolith's surface temperature range at one point over a span.

    Hayne et al. 2017 regolith under the smooth-sphere skyline seen from --height-m,
    spun up over the twelve lunations before --start; the span's hottest, coldest and
    mean surface temperature, and the range at a few depths.
    """
    from moonbase.environment.horizon import Horizon
    from moonbase.environment.site_environment import SurfaceSite
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.sky import SurfacePoint
    from moonbase.geometry.times import time_grid
    from moonbase.io.exports import check_dataset_path, write_netcdf
    from moonbase.systems.regolith import RegolithModel, RegolithParameters
    from moonbase.systems.thermal import site_regolith, sun_series

    span = span_from_options(start, stop, step)
    with clear_errors():
        if out is not None:
            check_dataset_path(out, zarr=False)
            check_writable(out)
        parameters = RegolithParameters() if albedo is None else RegolithParameters(albedo=albedo)
        albedo = parameters.albedo
        model = RegolithModel(parameters)
        point = SurfacePoint(lat, lon % 360.0, height_m=height_m)
        site = SurfaceSite("point", point, Horizon.smooth_sphere(height_m))
        columns = (TextColumn("{task.description:<24}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err_console, transient=True) as progress:
            task = progress.add_task("the Sun's path", total=2)
            ephemeris = load_ephemeris()
            t, labels = time_grid(ephemeris.ts, span.start, span.stop, span.step)
            series = sun_series(site, t, ephemeris=ephemeris).assign_coords(time=labels)
            progress.update(task, advance=1, description="regolith (spin-up, span)")
            regolith = site_regolith(
                site,
                series,
                ephemeris=ephemeris,
                model=model,
                slope_deg=slope_deg,
                aspect_deg=aspect_deg,
            )
            progress.update(task, advance=1)
        regolith = regolith.assign_coords(lat_deg=lat, lon_deg=lon % 360.0)
        if out is not None:
            write_netcdf(regolith, out)
    summary = _summary(regolith, lat, lon, albedo, height_m)
    if output_format is ThermalFormat.json:
        sys.stdout.write(json.dumps(summary, indent=1) + "\n")
    else:
        _print_table(summary)
    if out is not None and output_format is ThermalFormat.table:
        say(f"wrote {out}")


def _summary(regolith, lat: float, lon: float, albedo: float, height_m: float) -> dict:
    import numpy as np

    from moonbase.systems.thermal import span_summary

    surface = regolith.surface_temperature_k
    times = regolith.time.values

    def iso(index) -> str:
        return np.datetime_as_string(times[int(index)], unit="s") + "Z"

    depths = [
        {
            "depth_m": float(depth),
            "min_k": round(float(column.min()), 2),
            "max_k": round(float(column.max()), 2),
            "mean_k": round(float(column.mean()), 2),
        }
        for depth, column in zip(
            regolith.depth_m.values, regolith.temperature_k.values.T, strict=True
        )
    ]
    return {
        "lat_deg": lat,
        "lon_deg": lon % 360.0,
        "height_m": height_m,
        "albedo": albedo,
        "start_utc": iso(0),
        "stop_utc": iso(-1),
        **{key: round(value, 2) for key, value in span_summary(regolith).items()},
        "surface_max_time_utc": iso(np.argmax(surface.values)),
        "surface_min_time_utc": iso(np.argmin(surface.values)),
        "depths": depths,
        "spin_up_cycles": int(regolith.attrs["spin_up_cycles"]),
        "spin_up_window": regolith.attrs["spin_up_window"],
    }


def _print_table(summary: dict) -> None:
    title = f"Regolith at {summary['lat_deg']:g}°, {summary['lon_deg']:g}° E"
    table = Table(title=title, title_justify="left")
    for heading in ("depth", "min K", "max K", "mean K"):
        table.add_column(heading, justify="right")
    table.add_row(
        "surface",
        f"{summary['surface_min_k']:.1f}",
        f"{summary['surface_max_k']:.1f}",
        f"{summary['surface_mean_k']:.1f}",
    )
    for row in summary["depths"]:
        table.add_row(
            f"{row['depth_m']:g} m",
            f"{row['min_k']:.1f}",
            f"{row['max_k']:.1f}",
            f"{row['mean_k']:.1f}",
        )
    out_console.print(table)
    say(
        f"hottest {summary['surface_max_time_utc']}, coldest {summary['surface_min_time_utc']}; "
        f"spun up over {summary['spin_up_window']} ({summary['spin_up_cycles']} cycles)"
    )
