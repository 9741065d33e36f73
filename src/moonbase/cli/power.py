"""``moonbase power``: the power system through each site's darkness, scriptable."""

from __future__ import annotations

import json
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moonbase.cli.output import clear_errors, err_console, fail, out_console

if TYPE_CHECKING:
    from moonbase.pipeline import Results


class PowerFormat(StrEnum):
    table = "table"
    json = "json"


def power_report(results: Results) -> list[dict]:
    """Return per site the figures ``moonbase power`` prints (JSON-ready)."""
    import numpy as np

    power, statistics = results.power, results.environment.statistics
    rows = []
    for site in power.summary.site.values:
        s = power.summary.sel(site=site)
        options = power.options[power.options.site == site]

        def number(value: float, digits: int = 1) -> float | None:
            return None if not math.isfinite(value) else round(float(value), digits)

        rows.append(
            {
                "site": str(site),
                "longest_darkness_h": number(statistics.longest_darkness_h.sel(site=site)),
                "longest_without_solar_h": number(s.longest_without_solar_h),
                "mean_generation_w": number(s.mean_generation_w),
                "mean_wanted_load_w": number(s.mean_wanted_load_w),
                "required_battery_wh": number(s.required_battery_wh, 0),
                "required_battery_mass_kg": number(s.required_battery_mass_kg),
                "required_array_m2": number(s.required_array_m2, 2),
                "required_array_mass_kg": number(s.required_array_mass_kg),
                "min_state_of_charge": number(s.min_state_of_charge, 4),
                "min_state_of_charge_utc": np.datetime_as_string(
                    s.min_state_of_charge_time.values, unit="s"
                )
                + "Z",
                "energy_not_served_wh": number(s.energy_not_served_wh, 0),
                "shed_hours": number(s.shed_hours),
                "options": [
                    {
                        "option": o.option,
                        "storage_wh": number(o.storage_wh, 0),
                        "total_mass_kg": number(o.total_mass_kg),
                    }
                    for o in options.itertuples()
                ],
            }
        )
    return rows


def _print_tables(rows: list[dict], title: str) -> None:
    def shown(value, fmt: str, scale: float = 1.0) -> str:
        return "∞" if value is None else format(value * scale, fmt)

    table = Table(title=title, title_justify="left")
    table.add_column("site", min_width=12)
    for heading in ("dark\nh", "battery\nkWh", "battery\nkg", "array\nm²", "min\nSoC %",
                    "unmet\nkWh", "shed\nh"):  # fmt: skip
        table.add_column(heading, justify="right")
    for r in rows:
        table.add_row(
            r["site"],
            shown(r["longest_darkness_h"], ".0f"),
            shown(r["required_battery_wh"], ".0f", 1e-3),
            shown(r["required_battery_mass_kg"], ".0f"),
            shown(r["required_array_m2"], ".1f"),
            shown(r["min_state_of_charge"], ".1f", 100.0),
            shown(r["energy_not_served_wh"], ".0f", 1e-3),
            shown(r["shed_hours"], ".0f"),
        )
    out_console.print(table)
    out_console.print(
        "dark: longest darkness; battery: smallest that alone carries every load with "
        "these arrays; array: smallest with the installed storage (∞: none); "
        "min SoC: lowest state of charge of all storage (when: --format json); "
        "unmet: energy not served; shed: hours with a load below its wanted mode.",
        highlight=False,
    )
    names = [o["option"] for o in rows[0]["options"]] if rows else []
    if not names:
        return
    options = Table(title="Power options: total mass, kg", title_justify="left")
    options.add_column("site")
    for name in names:
        options.add_column(name, justify="right")
    for r in rows:
        options.add_row(r["site"], *(shown(o["total_mass_kg"], ",.0f") for o in r["options"]))
    out_console.print(options)


def power(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML file; the embedded default scenario if omitted."),
    ] = None,
    output_format: Annotated[
        PowerFormat, typer.Option("--format", help="Output format.")
    ] = PowerFormat.table,
) -> None:
    """Simulate the station's power at each site: longest darkness, the battery (and
    array) it needs, lowest state of charge, energy not served, option masses."""
    from moonbase.io.dem_readers import scenario_terrain_readers
    from moonbase.io.scenario_files import default_scenario, load_scenario
    from moonbase.pipeline import run

    with clear_errors():
        model = load_scenario(scenario) if scenario is not None else default_scenario()
        if model.power is None:
            fail(f"{scenario or 'the scenario'} has no power section; add one (see "
                 "`moonbase scenario init`)")  # fmt: skip
        if model.terrain is not None:
            # Site skylines only: the regional maps are not needed here.
            model = model.model_copy(
                update={"terrain": model.terrain.model_copy(update={"maps": False})}
            )
        readers = scenario_terrain_readers(model.terrain, scenario.parent if scenario else None)
        with err_console.status("simulating power at each site"):
            results = run(model, **readers)
        rows = power_report(results)
    if output_format is PowerFormat.json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
    else:
        _print_tables(rows, f"{model.station.name}: power over the span")
