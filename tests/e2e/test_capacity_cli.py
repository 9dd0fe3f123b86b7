"""`territory-desktop capacity`: fairness, health check and headcount of a plan, agreeing with `info`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from territory_desktop.app import main


def _json(args: list[str], capsys: pytest.CaptureFixture) -> dict:
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_capacity_json_agrees_with_info(plan_file: Path, capsys: pytest.CaptureFixture):
    cap = _json(["capacity", str(plan_file), "--json"], capsys)
    info = _json(["info", str(plan_file), "--json"], capsys)
    assert set(cap) == {"fairness", "health", "headcount"}
    assert cap["fairness"] == info["fairness"] and cap["fairness"]
    measures = {m for m in info["bands"]}
    assert {f["measure"] for f in cap["fairness"]} == measures
    for f in cap["fairness"]:
        assert set(f) == {"measure", "group", "territories", "max_min_ratio", "cv", "gini", "balance_index"}
        assert f["balance_index"] is None or 0 <= f["balance_index"] <= 100
    health = {h["key"]: h for h in cap["health"]}
    if info["out_of_band"]:
        assert health["out_of_band"]["count"] == info["out_of_band"]
    if info["unassigned"]:
        assert health["unassigned"]["count"] == info["unassigned"]
    heads = cap["headcount"]
    assert sum(h["current"] for h in heads) == len(info["territories"])
    for h in heads:
        assert h["needed"] - h["current"] == h["gap"] and h["words"].startswith(h["role"])


def test_capacity_prints_tables_and_words(plan_file: Path, capsys: pytest.CaptureFixture):
    cap = _json(["capacity", str(plan_file), "--json"], capsys)
    assert main(["capacity", str(plan_file)]) == 0
    out = capsys.readouterr().out
    assert "Max/min" in out and "Health check" in out and "By workload" in out
    assert all(h["words"] in out for h in cap["headcount"])
    assert all(h["title"] in out for h in cap["health"])


def test_missing_or_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["capacity", str(tmp_path / "nope.territory")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("territory-desktop capacity:") and "Traceback" not in err
    bad = tmp_path / "bad.territory"
    bad.write_text("not a project", encoding="utf-8")
    assert main(["capacity", str(bad), "--json"]) == 2
