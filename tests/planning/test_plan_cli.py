"""``moonbase plan``: JSON output, what-ifs, and clear errors."""

from __future__ import annotations

import json

import pytest
import yaml

from moonbase.io.scenario_files import default_scenario_text


@pytest.fixture(scope="module")
def quick_scenario(tmp_path_factory):
    """The default programme at one site, without terrain, over two months at 2 h."""
    data = yaml.safe_load(default_scenario_text())
    data.pop("terrain")
    data["sites"] = data["sites"][:2]
    data["span"] = {"start": "2030-01-01T00:00:00Z", "stop": "2030-03-01T00:00:00Z", "step": "2h"}
    path = tmp_path_factory.mktemp("plan") / "quick.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_plan_json(quick_scenario, moonbase_cli):
    result = moonbase_cli("plan", str(quick_scenario), "--fairness", "maxmin", "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["site"] == "Connecting Ridge" and plan["fairness"] == "maxmin"
    assert {r["fairness"] for r in plan["rules"]} == {"sum", "maxmin", "nash"}
    shares = {p["partner"]: p["share"] for p in plan["partners"]}
    assert min(shares.values()) == pytest.approx(plan["portfolio"]["worst_share"])
    assert all(0.0 <= s <= 1.0 for s in shares.values())
    # Without terrain maps the distance to a shadowed area is unknown: said, not guessed.
    assert "unknown without terrain maps" in plan["excluded"]["ILRS3-ICE"]
    assert {c["constraint"] for c in plan["constraints"]} >= {"energy_wh_per_day", "Chang'e-8"}
    assert plan["schedule"]["placed"] <= plan["schedule"]["wanted"]
    assert plan["campaign"]["issues"] == []
    best = max(r["worst_share"] for r in plan["rules"])
    assert plan["pareto"][-1]["worst_share"] == pytest.approx(best)


def test_plan_without_a_mission_shows_what_is_lost(quick_scenario, moonbase_cli):
    result = moonbase_cli(
        "plan", str(quick_scenario), "--format", "json", "--without", "Chang'e-7", "--slip",
        "ILRS-5=1y",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["what_if"] == "without Chang'e-7, ILRS-5 slipped 365 days"
    comparison = plan["comparison"]
    on_ce7 = {t for t, m in comparison["planned"].items() if m == "Chang'e-7"}
    assert on_ce7, "the plan uses Chang'e-7"
    chosen = {t["task"]: t["mission"] for t in plan["portfolio"]["tasks"]}
    assert "Chang'e-7" not in chosen.values()
    assert set(comparison["lost"]) == set(comparison["planned"]) - set(chosen)
    for task in on_ce7 - set(chosen):  # CE7-SEIS may move to ILRS-2 instead
        assert comparison["lost"][task] == "none of its missions (Chang'e-7) flies"
    assert any("ILRS-5 slips 365 days" in c for c in plan["campaign"]["changes"])


def test_plan_table_and_errors(quick_scenario, moonbase_cli):
    result = moonbase_cli("plan", str(quick_scenario), "--fairness", "sum")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # titles wrap at the terminal's width
    assert "Portfolio at Connecting Ridge (sum rule" in text
    assert "Constraints and shadow prices" in text
    assert "not a candidate: ILRS3-ICE" in text
    result = moonbase_cli("plan", str(quick_scenario), "--without", "Luna-99")
    assert result.returncode == 1
    assert "no mission named 'Luna-99'" in result.stderr and "Traceback" not in result.stderr
    result = moonbase_cli("plan", str(quick_scenario), "--slip", "ILRS-2")
    assert result.returncode == 1 and "MISSION=DURATION" in result.stderr
