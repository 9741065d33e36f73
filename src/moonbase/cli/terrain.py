"""``moonbase terrain ...``: DEM information and horizons, scriptable."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from moonbase.cli.output import clear_errors, fail, out_console, say, span_from_options
from moonbase.errors import DemError
from moonbase.io.dem_readers import describe_dem, read_dem, read_dem_around
from moonbase.io.exports import write_netcdf
from moonbase.terrain.dem import Dem
from moonbase.terrain.horizon import horizon_map, site_horizon
from moonbase.terrain.window import cut_window

# Options shared by the terrain commands.
DemArgument = Annotated[Path, typer.Argument(help="DEM: PDS3 .LBL or GeoTIFF.")]
AzimuthsOption = Annotated[int, typer.Option(min=4, max=7200, help="Number of azimuths.")]
HeightOption = Annotated[float, typer.Option("--height-m", min=0.0, help="Observer height, m.")]
CenterOption = Annotated[str | None, typer.Option(help="Cut a window centred at LAT,LON.")]
SizeOption = Annotated[float, typer.Option(min=0.1, help="Window side, km.")]
ResolutionOption = Annotated[float | None, typer.Option(min=1.0, help="Window pixel, m.")]

terrain_app = typer.Typer(help="Inspect DEMs and compute horizons.", no_args_is_help=True)


def parse_lat_lon(text: str, option: str) -> tuple[float, float]:
    """Parse ``'LAT,LON'`` (degrees, east longitude)."""
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        fail(f"{option}: write LAT,LON in degrees, e.g. -89.45,222.69 (got {text!r})")
    if not -90.0 <= lat <= 90.0:
        fail(f"{option}: latitude {lat:g} is outside -90..90")
    return lat, lon % 360.0


def load_grid(dem: Path, center: str | None, size_km: float, resolution_m: float | None) -> Dem:
    """Return the metric grid to work on: the DEM itself, or a window cut from it."""
    if center is None:
        grid = read_dem(dem)
        if not grid.is_projected:
            raise DemError(
                str(dem),
                "this DEM is not in a metric projection; give --center "
                "LAT,LON (and --size-km, --resolution-m) to cut a window",
            )
        return grid
    lat, lon = parse_lat_lon(center, "--center")
    size_m = size_km * 1000.0
    source = read_dem_around(dem, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m)
    resolution = resolution_m or (min(source.resolution) if source.is_projected else 1000.0)
    return cut_window(
        source, center_lat_deg=lat, center_lon_deg=lon, size_m=size_m, resolution_m=resolution
    )


@terrain_app.command("info")
def info(
    dem: DemArgument,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print a DEM's grid, CRS, resolution, extent and height range."""
    with clear_errors():
        facts = describe_dem(dem)
    if json_output:
        sys.stdout.write(json.dumps(facts, indent=1) + "\n")
        return
    table = Table(title=str(dem), title_justify="left", show_header=False)
    units = facts["resolution_units"]
    extent = facts["extent"]
    rows = [
        ("grid", f"{facts['rows']} rows x {facts['columns']} columns"),
        ("CRS", f"{facts['crs_name']}: {facts['crs']}"),
        ("resolution", f"{facts['resolution'][0]:g} x {facts['resolution'][1]:g} {units}"),
        (
            "extent",
            f"x {extent['left']:g}..{extent['right']:g}, "
            f"y {extent['bottom']:g}..{extent['top']:g} {units}",
        ),
        ("heights", f"{facts['height_min_m']:g} .. {facts['height_max_m']:g} m above 1737.4 km"),
        ("no-data pixels", str(facts["nodata_pixels"])),
    ]
    for key, value in rows:
        table.add_row(key, value)
    out_console.print(table)


@terrain_app.command("horizon")
def horizon(
    dem: DemArgument,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the horizon map (NetCDF).")
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="One point, LAT,LON: print its skyline.")
    ] = None,
    azimuths: AzimuthsOption = 360,
    height_m: HeightOption = 0.0,
    center: CenterOption = None,
    size_km: SizeOption = 300.0,
    resolution_m: ResolutionOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="json or table (with --site).")
    ] = "table",
) -> None:
    """Compute a horizon map (--out) or one point's skyline (--site).

    Map azimuths are grid azimuths (clockwise from the map's +y); a site's skyline is
    in local azimuth (from local north through east).
    """
    if (out is None) == (site is None):
        fail("give either --out FILE.nc (a map) or --site LAT,LON (a point)")
    if output_format not in ("json", "table"):
        fail(f"--format: choose json or table (got {output_format!r})")
    with clear_errors():
        _horizon(dem, out, site, azimuths, height_m, center, size_km, resolution_m, output_format)


def _horizon(dem, out, site, azimuths, height_m, center, size_km, resolution_m, output_format):
    if site is not None:
        lat, lon = parse_lat_lon(site, "--site")
        grid = load_grid(dem, center or site, size_km, resolution_m)
        skyline = site_horizon(grid, lat, lon, azimuths=azimuths, height_m=height_m)
        result = {
            "azimuth_deg": [round(float(a), 6) for a in skyline.azimuth_deg],
            "horizon_deg": [round(float(e), 6) for e in skyline.elevation_deg],
        }
        if output_format == "json":
            sys.stdout.write(json.dumps(result) + "\n")
        else:
            table = Table(title=f"skyline at {lat:g}, {lon:g} E", title_justify="left")
            table.add_column("azimuth (deg)", justify="right")
            table.add_column("horizon (deg)", justify="right")
            for a, e in zip(result["azimuth_deg"], result["horizon_deg"], strict=True):
                table.add_row(f"{a:.2f}", f"{e:.3f}")
            out_console.print(table)
        return
    grid = load_grid(dem, center, size_km, resolution_m)
    dataset = horizon_map(grid, azimuths=azimuths, height_m=height_m)
    write_netcdf(dataset, out)
    finite = dataset.horizon_deg.values[dataset.horizon_deg.values > -90.0]
    say(
        f"wrote {out}: {grid.shape[0]} x {grid.shape[1]} pixels x {azimuths} azimuths, "
        f"horizons {np.min(finite):.2f}..{np.max(finite):.2f} deg"
    )


@terrain_app.command("illumination")
def illumination(
    dem: DemArgument,
    start: Annotated[str, typer.Option(help="First time, ISO 8601 UTC.")],
    stop: Annotated[str, typer.Option(help="Last time, ISO 8601 UTC.")],
    out: Annotated[Path, typer.Option("--out", help="Write the maps (NetCDF).")],
    step: Annotated[str, typer.Option(help="Step, e.g. 1h, 6h, PT30M.")] = "1h",
    azimuths: AzimuthsOption = 360,
    height_m: HeightOption = 0.0,
    center: CenterOption = None,
    size_km: SizeOption = 300.0,
    resolution_m: ResolutionOption = None,
) -> None:
    """Map the sunlit, mean visible-disc and Earth-visible fractions over a span.

    Writes sunlit_fraction, mean_solar_visible_fraction, earth_visible_fraction and
    permanent_shadow (y, x) with units.
    """
    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.times import time_grid
    from moonbase.terrain.illumination import illumination_map

    span = span_from_options(start, stop, step)
    with clear_errors():
        grid = load_grid(dem, center, size_km, resolution_m)
        horizons = horizon_map(grid, azimuths=azimuths, height_m=height_m)
        ephemeris = load_ephemeris()
        t, _ = time_grid(ephemeris.ts, span.start, span.stop, span.step)
        maps = illumination_map(grid, horizons, t, ephemeris=ephemeris)
        write_netcdf(maps, out)
        lit = maps.sunlit_fraction.values
        say(
            f"wrote {out}: {grid.shape[0]} x {grid.shape[1]} pixels over {len(t.tt)} steps; "
            f"sunlit {100 * lit.min():.1f}..{100 * lit.max():.1f} % of the time, "
            f"{int(maps.permanent_shadow.sum())} pixels never lit"
        )


data_app = typer.Typer(
    help="Fetch LOLA products (the only command that downloads).", no_args_is_help=True
)


@data_app.command("list")
def data_list() -> None:
    """List the products `moonbase data fetch` knows."""
    from moonbase.io.data_fetch import CATALOGUE

    table = Table(title="LOLA gridded products", title_justify="left")
    table.add_column("name")
    table.add_column("what")
    table.add_column("checksum known", justify="center")
    for product in CATALOGUE.values():
        table.add_row(product.name, product.description, "yes" if product.sha256 else "")
    out_console.print(table)


@data_app.command("fetch")
def data_fetch(
    name: Annotated[str, typer.Argument(help="Product name (see `moonbase data list`).")],
    dest: Annotated[Path, typer.Option(help="Folder to download into.")] = Path("moonbase-data"),
    base_url: Annotated[str | None, typer.Option(help="Another mirror of the PDS folder.")] = None,
) -> None:
    """Download a LOLA product (label and image) with resume, checksum and progress."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from moonbase.cli.output import err_console
    from moonbase.io.data_fetch import PDS_LOLA_GDR, fetch

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with clear_errors(), Progress(*columns, console=err_console) as bar:
        tasks: dict[str, int] = {}

        def update(file_name: str, done: int, total: int | None) -> None:
            if file_name not in tasks:
                tasks[file_name] = bar.add_task(file_name, total=total)
            bar.update(tasks[file_name], completed=done, total=total)

        paths = fetch(name, dest, base_url=base_url or PDS_LOLA_GDR, progress=update)
    for path in paths:
        say(f"have {path}")
