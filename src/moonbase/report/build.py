"""Turn run results into a report model: tables of text and figures as PNG."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from moonbase import __version__
from moonbase.pipeline import Results
from moonbase.report.drawing import Draw, FigureDrawer, ReportFigure
from moonbase.report.figures import fractions_bar_chart, sky_plot, time_series_plot
from moonbase.report.links_section import LinksSection, links_section
from moonbase.report.maps import fraction_maps
from moonbase.report.power_section import PowerPart, power_parts
from moonbase.report.programme_section import ProgrammeSection, programme_section
from moonbase.report.thermal_section import ThermalPart, thermal_parts
from moonbase.terrain.parametric import south_pole_features


@dataclass(frozen=True)
class SiteSection:
    """One site's part of the report."""

    name: str
    facts: list[tuple[str, str]]
    figures: list[ReportFigure]
    power: PowerPart | None = None
    thermal: ThermalPart | None = None


@dataclass(frozen=True)
class TerrainSection:
    """Regional terrain maps and the site suitability table."""

    description: str
    figure: ReportFigure
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class ReportModel:
    """Everything the HTML page shows, already formatted."""

    title: str
    subtitle: str
    summary: list[tuple[str, str]]
    partners: list[dict[str, str]]
    ground_stations: list[dict[str, str]]
    comparison_columns: list[str]
    comparison_rows: list[list[str]]
    overview: ReportFigure
    sites: list[SiteSection]
    exports: list[str]
    terrain: TerrainSection | None = None
    links: LinksSection | None = None
    programme: ProgrammeSection | None = None


def _source(text: str, approximate: bool) -> str:
    return f"{text} (approximate)" if approximate else text


def _horizon_text(results: Results, site) -> str:
    skyline = results.environment.series.horizon_elevation_deg.sel(site=site.name)
    low, high = float(skyline.min()), float(skyline.max())
    terrain = results.scenario.terrain
    if terrain is not None:
        return (
            f"terrain from {terrain.dem} within {terrain.radius_km:g} km at "
            f"{terrain.resolution_m:g} m: skyline {low:+.2f}° to {high:+.2f}°"
        )
    if site.horizon_mask is not None:
        return f"mask over the smooth sphere: skyline {low:+.2f}° to {high:+.2f}°"
    return f"smooth sphere, skyline at {low:+.3f}° (no terrain)"


COMPARISON_COLUMNS = [
    "site", "lat (°)", "lon E (°)", "sunlit %", "mean disc visible %",
    "longest darkness (h)", "Earth in view %", "sunlit + Earth %", "mean irradiance (W/m²)",
]  # fmt: skip


SUITABILITY_COLUMNS = [
    "site", "sunlit %", "mean disc visible %", "Earth in view %", "shadowed",
    "to nearest permanent shadow (km)", "slope (°)", "roughness (m)",
]  # fmt: skip


def _terrain_section(results: Results, png: Draw) -> TerrainSection | None:
    terrain = results.terrain
    if terrain is None:
        return None
    dem = terrain.dem
    markers = [
        (s.name, *map(float, dem.from_lonlat(s.lon_deg, s.lat_deg))) for s in results.scenario.sites
    ]
    features = [
        (f.name, *map(float, dem.from_lonlat(f.lon_deg, f.lat_deg)))
        for f in south_pole_features()
        if f.kind != "ridge"
    ]
    figure = fraction_maps(
        terrain.maps,
        markers,
        f"{dem.shape[0]} x {dem.shape[1]} pixels "
        f"of {dem.resolution[0]:.0f} m from {results.scenario.terrain.dem}",
        features,
    )
    rows = [
        [
            r.site,
            f"{100 * r.sunlit_fraction:.1f}",
            f"{100 * r.mean_solar_visible_fraction:.1f}",
            f"{100 * r.earth_visible_fraction:.1f}",
            "yes" if r.permanent_shadow else "",
            f"{r.distance_to_shadow_km:.1f}",
            f"{r.slope_deg:.1f}",
            f"{r.roughness_m:.1f}",
        ]
        for r in terrain.suitability.itertuples()
    ]
    return TerrainSection(
        "Fractions of the span mapped over the region (sky-histogram method); "
        "permanently shadowed areas outlined in cyan. Values at the sites are read at the "
        "nearest pixel; the site sections use each site's own skyline from its exact "
        "position, which on a coarse DEM can differ by several points near peaks and rims.",
        png(figure, "Terrain maps"),
        SUITABILITY_COLUMNS,
        rows,
    )


def build_report(
    results: Results,
    exports: list[str],
    progress: Callable[[str], None] | None = None,
    in_workers: bool = False,
) -> ReportModel:
    """Build the report model of a run; ``exports`` names the files written beside it.

    ``progress`` is called with each figure's title once it is drawn. Drawing is most
    of the time a report takes: ``in_workers`` draws in worker processes while the next
    figures are built (see ``report.drawing`` for when that is safe). Every figure is
    drawn when this returns.
    """
    with FigureDrawer(progress, in_workers) as drawn:
        return _report_model(results, exports, drawn)


def _report_model(results: Results, exports: list[str], drawn: Draw) -> ReportModel:
    scenario = results.scenario
    series, statistics = results.environment.series, results.environment.statistics
    span = scenario.span
    steps = series.sizes["time"]
    summary = [
        ("Station", scenario.station.name),
        ("About", scenario.station.description or "-"),
        ("Span (UTC)", f"{span.start:%Y-%m-%d %H:%M} to {span.stop:%Y-%m-%d %H:%M}"),
        ("Step", f"{span.step} ({steps} samples per site)"),
        ("Sites", str(len(scenario.sites))),
        ("Ephemeris and frame", "JPL DE421; MOON_ME_DE421 (the LOLA map frame)"),
        ("Sunlit means", "some of the solar disc above the skyline"),
    ]
    rows = []
    sections = []
    power = power_parts(results.power, drawn) if results.power is not None else {}
    thermal = thermal_parts(results.thermal, drawn) if results.thermal is not None else {}
    for site in scenario.sites:
        stats = statistics.sel(site=site.name)
        rows.append(
            [
                site.name,
                f"{site.lat_deg:.3f}",
                f"{site.lon_deg:.3f}",
                f"{100 * float(stats.sunlit_fraction):.1f}",
                f"{100 * float(stats.mean_solar_visible_fraction):.1f}",
                f"{float(stats.longest_darkness_h):.1f}",
                f"{100 * float(stats.earth_in_view_fraction):.1f}",
                f"{100 * float(stats.sunlit_and_earth_fraction):.1f}",
                f"{float(stats.mean_irradiance_w_m2):.0f}",
            ]
        )
        one = series.sel(site=site.name)
        sections.append(
            SiteSection(
                site.name,
                [
                    ("Position", f"{site.lat_deg:.3f}°, {site.lon_deg:.3f}° E"),
                    ("Height above ground", f"{site.height_m:g} m"),
                    ("Horizon", _horizon_text(results, site)),
                    ("Highest Sun", f"{float(stats.max_sun_elevation_deg):.2f}°"),
                    ("Notes", site.notes or "-"),
                    ("Source", _source(site.source, site.approximate)),
                ],
                [
                    drawn(sky_plot(one, f"{site.name}: sky over the span"), "Sky plot"),
                    drawn(time_series_plot(one, site.name), "Time series"),
                ],
                power.get(site.name),
                thermal=thermal.get(site.name),
            )
        )
    return ReportModel(
        title=f"{scenario.station.name}: site environment",
        subtitle=f"moonbase {__version__}, generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        summary=summary,
        partners=[
            {
                "code": p.code,
                "name": p.name,
                "founder": "yes" if p.founder else "",
                "joined": str(p.joined or ""),
            }
            for p in scenario.partners
        ],
        ground_stations=[
            {
                "name": g.name,
                "operator": g.operator,
                "antenna": f"{g.antenna_diameter_m:g} m",
                "position": f"{g.lat_deg:.3f}°, {g.lon_deg:.3f}° E, {g.altitude_m:g} m",
                "source": _source(g.source, g.approximate),
            }
            for g in scenario.ground_stations
        ],
        comparison_columns=COMPARISON_COLUMNS,
        comparison_rows=rows,
        overview=drawn(fractions_bar_chart(statistics), "Sunlit and Earth-in-view fractions"),
        sites=sections,
        exports=exports,
        terrain=_terrain_section(results, drawn),
        links=links_section(results.links, drawn),
        programme=(
            programme_section(scenario, results.programme, drawn)
            if results.programme is not None
            else None
        ),
    )
