"""``moonbase terrain ...``: DEM information and horizons, scriptable."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moonbase.cli.output import (
    clear_errors,
    err_console,
    fail,
    out_console,
    progress_bar,
    say,
    span_from_options,
)
from moonbase.errors import DemError
from moonbase.io.atomic import check_writable

if TYPE_CHECKING:
    from moonbase.terrain.dem import Dem

# The readers and kernels are imported inside the commands, so that `--help` is quick.

# Options shared by the terrain commands.
DemArgument = Annotated[Path, typer.Argument(help="DEM: PDS3 .LBL or GeoTIFF.")]
AzimuthsOption = Annotated[int, typer.Option(min=4, max=7200, help="Number of azimuths.")]
HeightOption = Annotated[float, typer.Option("--height-m", min=0.0, help="Observer height, m.")]
CenterOption = Annotated[str | None, typer.Option(help="Cut a window centred at LAT,LON.")]
SizeOption = Annotated[float, typer.Option(min=0.1, help="Window side, km.")]
ResolutionOption = Annotated[float | None, typer.Option(min=1.0, help="Window pixel, m.")]
FarFieldOption = Annotated[
    Path | None,
    typer.Option("--far-field", help="A coarser DEM (PDS3 or GeoTIFF) searched beyond the window."),
]
FarKmOption = Annotated[
    float, typer.Option("--far-km", min=1.0, help="Far field's reach past the window's edges, km.")
]
FarResolutionOption = Annotated[
    float | None,
    typer.Option("--far-resolution-m", min=1.0, help="Far-field pixel, m (default: the DEM's)."),
]
TileSizeOption = Annotated[
    int | None,
    typer.Option(
        "--tile-size",
        min=8,
        help="Compute in tiles of N x N pixels on a Dask cluster (resumable).",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of an existing Dask scheduler (default: a local cluster).",
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Workers of the local Dask cluster.")
]
TilesDirOption = Annotated[
    Path | None,
    typer.Option("--tiles-dir", help="Folder of finished tiles (default: OUT.tiles)."),
]
ThreadsOption = Annotated[
    int | None,
    typer.Option(
        "--threads",
        min=1,
        help="Threads on this machine (default: one per core); with tiles, "
        "threads per tile task (default: 1).",
    ),
]
KeepTilesOption = Annotated[
    bool, typer.Option("--keep-tiles", help="Keep the tile folder after the output is written.")
]

NearFieldOption = Annotated[
    int,
    typer.Option(
        "--near-field",
        min=1,
        max=512,
        help="Steps of each pixel's own ray sampled exactly before the line sweep's "
        "proposals take over: more misses fewer horizons and takes longer "
        "(16: about half the misses for +10 % time; --check-pixels shows the effect).",
    ),
]
# The default is horizon.NEAR_FIELD_PX, written out: importing it would load numba.
NEAR_FIELD_DEFAULT = 8

#: Tile side (pixels) when --scheduler is given without --tile-size.
DEFAULT_TILE_SIZE = 256

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


def load_far_field(
    path: Path | None, grid: Dem, far_km: float, far_resolution_m: float | None
) -> Dem | None:
    """Return the far field around ``grid`` from ``path`` (None without --far-field)."""
    from moonbase.io.dem_readers import read_far_field

    if path is None:
        return None
    return read_far_field(path, grid, reach_m=far_km * 1000.0, resolution_m=far_resolution_m)


@contextmanager
def dask_client(scheduler: str | None, workers: int):
    """A Dask client: of the cluster at ``scheduler``, or of a local cluster."""
    from moonbase.terrain.tiles import local_client, scheduler_client

    if scheduler is not None:
        with scheduler_client(scheduler) as client:
            yield client
    else:
        with local_client(workers) as client:
            yield client


def finish_tiles(out: Path, tiles_dir: Path | None, keep: bool, counts: tuple[int, int]) -> str:
    """Remove the tile folder unless kept; describe what the tiled run did."""
    from moonbase.terrain.tiles import remove_tile_folder

    folder = tiles_dir or Path(f"{out}.tiles")
    if not keep:
        remove_tile_folder(folder)
    tiles, resumed = counts
    return f"{tiles} tiles ({resumed} already done in {folder})"


def tell_if_compiling() -> None:
    """Say on stderr when the horizon kernel is not compiled yet, before the wait."""
    from moonbase.terrain.horizon import horizon_kernel_cached

    if not horizon_kernel_cached():
        err_console.print(
            "compiling the horizon kernel (about 10 s, on the first run after install only)",
            highlight=False,
        )


def map_with_progress(
    grid: Dem, azimuths: int, height_m: float, far: Dem | None, near_px: int, threads: int | None
):
    """The horizon map of ``grid`` (one machine), with a progress bar over its azimuths."""
    from moonbase.terrain.horizon import horizon_map

    tell_if_compiling()
    with progress_bar("horizon map (azimuths)") as update:
        return horizon_map(
            grid,
            azimuths=azimuths,
            height_m=height_m,
            far_field=far,
            near_px=near_px,
            threads=threads,
            progress=update,
        )


def load_grid(dem: Path, center: str | None, size_km: float, resolution_m: float | None) -> Dem:
    """Return the metric grid to work on: the DEM itself, or a window cut from it."""
    from moonbase.io.dem_readers import read_dem, read_dem_around
    from moonbase.terrain.window import cut_window

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
    from moonbase.io.dem_readers import describe_dem

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
        Path | None,
        typer.Option("--out", help="Write the horizon map: NetCDF, or Zarr if it ends in .zarr."),
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="One point, LAT,LON: print its skyline.")
    ] = None,
    azimuths: AzimuthsOption = 360,
    height_m: HeightOption = 0.0,
    center: CenterOption = None,
    size_km: SizeOption = 300.0,
    resolution_m: ResolutionOption = None,
    far_field: FarFieldOption = None,
    far_km: FarKmOption = 300.0,
    far_resolution_m: FarResolutionOption = None,
    tile_size: TileSizeOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    tiles_dir: TilesDirOption = None,
    keep_tiles: KeepTilesOption = False,
    output_format: Annotated[
        str, typer.Option("--format", help="json or table (with --site).")
    ] = "table",
    check_pixels: Annotated[
        int,
        typer.Option(
            "--check-pixels",
            min=0,
            help="Also compare the map with a brute-force ray march at N random pixels.",
        ),
    ] = 0,
    near_field: NearFieldOption = NEAR_FIELD_DEFAULT,
    threads: ThreadsOption = None,
) -> None:
    """Compute a horizon map (--out) or one point's skyline (--site).

    Map azimuths are grid azimuths (clockwise from the map's +y); a site's skyline is
    in local azimuth (from local north through east). --far-field searches a coarser
    DEM past the window's edges; --tile-size or --scheduler computes the map in tiles
    on Dask, resuming from the tiles a stopped run left in --tiles-dir. --check-pixels
    reports the map's error against the brute-force ray march on this terrain.
    """
    import xarray as xr

    from moonbase.io.exports import check_dataset_path, write_dataset
    from moonbase.terrain.horizon import (
        MAP_FILE_CHUNKS,
        azimuth_grid,
        check_horizon_map,
        horizon_range,
    )

    if (out is None) == (site is None):
        fail("give either --out FILE.nc or FILE.zarr (a map) or --site LAT,LON (a point)")
    if output_format not in ("json", "table"):
        fail(f"--format: choose json or table (got {output_format!r})")
    map_only = tile_size or scheduler or check_pixels or threads is not None
    if site is not None and (map_only or near_field != NEAR_FIELD_DEFAULT):
        fail(
            "--tile-size, --scheduler, --check-pixels, --threads and --near-field are for "
            "maps (--out), not --site (a skyline is one ray march per azimuth)"
        )
    with clear_errors(), ExitStack() as files:
        if out is not None:
            check_dataset_path(out)
            check_writable(out)
        if site is not None:
            _site_skyline(
                dem,
                site,
                azimuths,
                height_m,
                center,
                size_km,
                resolution_m,
                (far_field, far_km, far_resolution_m),
                output_format,
            )
            return
        grid = load_grid(dem, center, size_km, resolution_m)
        far = load_far_field(far_field, grid, far_km, far_resolution_m)
        if tile_size is None and scheduler is None:
            dataset = map_with_progress(grid, azimuths, height_m, far, near_field, threads)
            with progress_bar(f"writing {Path(out).name}") as update:
                write_dataset(dataset, out, chunk_sizes=MAP_FILE_CHUNKS, progress=update)
            horizons = dataset.horizon_deg
            done = f"{grid.shape[0]} x {grid.shape[1]} pixels x {azimuths} azimuths"
        else:
            from moonbase.terrain.tiles import horizon_map_tiled

            tell_if_compiling()
            with (
                progress_bar("horizon map (tiles)") as update,
                dask_client(scheduler, workers) as client,
            ):
                counts = horizon_map_tiled(
                    grid,
                    out,
                    client=client,
                    tile_size=tile_size or DEFAULT_TILE_SIZE,
                    tiles_dir=tiles_dir,
                    azimuths=azimuths,
                    height_m=height_m,
                    far_field=far,
                    near_px=near_field,
                    threads_per_task=threads or 1,
                    progress=lambda done, total, _resumed: update(done, total),
                )
            done = finish_tiles(out, tiles_dir, keep_tiles, counts)
            # Read back lazily: a tiled map need not fit in memory.
            horizons = files.enter_context(xr.open_dataset(out)).horizon_deg
        low, high = horizon_range(horizons)
        reach = "" if far is None else f", far field {far_km:g} km past the edges"
        say(f"wrote {out}: {done}{reach}, horizons {low:.2f}..{high:.2f} deg")
        if check_pixels:
            stats = check_horizon_map(
                grid,
                horizons,
                azimuth_grid(azimuths),
                height_m=height_m,
                far_field=far,
                pixels=check_pixels,
                threads=threads,
            )
            say(
                f"checked against a brute-force ray march at {check_pixels} random pixels x "
                f"{azimuths} azimuths: mean error {stats['mean']:.1e} deg, worst "
                f"{stats['max']:.3f} deg, {100 * stats['share_within_0.05']:.3f} % within 0.05 deg"
            )
            if stats["max"] > 0.05:
                say(
                    f"for fewer misses, sample more of each ray exactly: --near-field "
                    f"{2 * near_field} (now {near_field}; longer run)"
                )


def _site_skyline(
    dem, site, azimuths, height_m, center, size_km, resolution_m, far_options, output_format
):
    from moonbase.io.dem_readers import is_metric_grid
    from moonbase.terrain.horizon import site_horizon

    lat, lon = parse_lat_lon(site, "--site")
    # A metric grid (e.g. a polar stereographic product) is used as is; a global map
    # gets a window around the site.
    own_grid = center is None and resolution_m is None and is_metric_grid(dem)
    grid = load_grid(dem, None if own_grid else center or site, size_km, resolution_m)
    far = load_far_field(far_options[0], grid, far_options[1], far_options[2])
    skyline = site_horizon(grid, lat, lon, azimuths=azimuths, height_m=height_m, far_field=far)
    result = {
        "azimuth_deg": [round(float(a), 6) for a in skyline.azimuth_deg],
        "horizon_deg": [round(float(e), 6) for e in skyline.elevation_deg],
    }
    if output_format == "json":
        sys.stdout.write(json.dumps(result) + "\n")
        return
    table = Table(title=f"skyline at {lat:g}, {lon:g} E", title_justify="left")
    table.add_column("azimuth (deg)", justify="right")
    table.add_column("horizon (deg)", justify="right")
    for a, e in zip(result["azimuth_deg"], result["horizon_deg"], strict=True):
        table.add_row(f"{a:.2f}", f"{e:.3f}")
    out_console.print(table)


@terrain_app.command("illumination")
def illumination(
    dem: DemArgument,
    start: Annotated[str, typer.Option(help="First time, ISO 8601 UTC.")],
    stop: Annotated[str, typer.Option(help="Last time, ISO 8601 UTC.")],
    out: Annotated[
        Path, typer.Option("--out", help="Write the maps: NetCDF, or Zarr if it ends in .zarr.")
    ],
    step: Annotated[str, typer.Option(help="Step, e.g. 1h, 6h, PT30M.")] = "1h",
    azimuths: AzimuthsOption = 360,
    height_m: HeightOption = 0.0,
    center: CenterOption = None,
    size_km: SizeOption = 300.0,
    resolution_m: ResolutionOption = None,
    far_field: FarFieldOption = None,
    far_km: FarKmOption = 300.0,
    far_resolution_m: FarResolutionOption = None,
    tile_size: TileSizeOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    tiles_dir: TilesDirOption = None,
    keep_tiles: KeepTilesOption = False,
    near_field: NearFieldOption = NEAR_FIELD_DEFAULT,
    threads: ThreadsOption = None,
) -> None:
    """Map the sunlit, mean visible-disc and Earth-visible fractions over a span.

    Writes sunlit_fraction, mean_solar_visible_fraction, earth_visible_fraction and
    permanent_shadow (y, x) with units. With --tile-size or --scheduler, tiles on Dask
    compute their own horizons and fractions (no horizon map is kept), resumably.
    """
    import xarray as xr

    from moonbase.geometry.ephemeris import load_ephemeris
    from moonbase.geometry.times import time_grid
    from moonbase.io.exports import check_dataset_path, write_dataset
    from moonbase.terrain.illumination import illumination_map, sky_tables

    span = span_from_options(start, stop, step)
    with clear_errors():
        check_dataset_path(out)
        check_writable(out)
        grid = load_grid(dem, center, size_km, resolution_m)
        far = load_far_field(far_field, grid, far_km, far_resolution_m)
        ephemeris = load_ephemeris()
        t, _ = time_grid(ephemeris.ts, span.start, span.stop, span.step)
        if tile_size is None and scheduler is None:
            horizons = map_with_progress(grid, azimuths, height_m, far, near_field, threads)
            with progress_bar("illumination (rows)") as update:
                maps = illumination_map(
                    grid, horizons, t, ephemeris=ephemeris, threads=threads, progress=update
                )
            with progress_bar(f"writing {Path(out).name}") as update:
                write_dataset(maps, out, progress=update)
            done = f"{grid.shape[0]} x {grid.shape[1]} pixels"
        else:
            from moonbase.terrain.horizon import azimuth_grid
            from moonbase.terrain.tiles import illumination_map_tiled

            sky = sky_tables(grid, azimuth_grid(azimuths), t, ephemeris=ephemeris)
            tell_if_compiling()
            with (
                progress_bar("illumination (tiles)") as update,
                dask_client(scheduler, workers) as client,
            ):
                counts = illumination_map_tiled(
                    grid,
                    sky,
                    out,
                    client=client,
                    tile_size=tile_size or DEFAULT_TILE_SIZE,
                    tiles_dir=tiles_dir,
                    height_m=height_m,
                    far_field=far,
                    near_px=near_field,
                    threads_per_task=threads or 1,
                    progress=lambda done, total, _resumed: update(done, total),
                )
            done = finish_tiles(out, tiles_dir, keep_tiles, counts)
            with xr.open_dataset(out) as written:
                maps = written.load()
        lit = maps.sunlit_fraction.values
        say(
            f"wrote {out}: {done} over {len(t.tt)} steps; "
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
