"""The CLI as a newcomer reads it: `info` words a band edge honestly, `move` into the territory an account is
already in says so, and `solve` reports the time it took and what found the plan in plain words."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.app import main
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.project_file import open_project, save_project


def _edge_plan_file(tmp_path: Path) -> Path:
    """Two peers at +15.3% / −15.3% of their mean potential, band ±15%: both out, by a hair."""
    acc = accounts_frame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"], "lat": [40.0, 41.0],
                          "lon": [-100.0, -101.0], "potential": [1153.0, 847.0]})
    plan = Plan(acc, [Territory("North", rep="Ann"), Territory("South", rep="Bob")], np.array([0, 1]))
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),))
    path = tmp_path / "edge.territory"
    save_project(plan, path)
    return path


def test_info_shows_the_decimal_that_makes_a_band_edge_out(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _edge_plan_file(tmp_path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    north = next(line for line in out.splitlines() if line.startswith("North"))
    assert "+15.3%" in north and "OUT" in north
    assert "+15%" not in north.replace("+15.3%", "")
    assert "deviation 15.3%" in out and "2 out of band" in out


def test_move_into_the_territory_it_is_in_moves_nothing_and_says_so(plan_file: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    plan = open_project(plan_file)
    row = int(np.flatnonzero(plan.assignment >= 0)[0])
    account = str(plan.accounts["account_id"].iloc[row])
    home = plan.territories[int(plan.assignment[row])].name
    saved = plan_file.read_bytes()
    assert main(["move", str(plan_file), "--accounts", account, "--to", home]) == 0
    out = capsys.readouterr().out
    assert "Moved 1" not in out
    assert f"{account} is already in {home}" in out and "nothing moved" in out.lower()
    assert plan_file.read_bytes() == saved  # nothing to save


def test_move_of_some_already_there_counts_only_the_moved(plan_file: Path, capsys: pytest.CaptureFixture) -> None:
    plan = open_project(plan_file)
    target = 1
    here = int(np.flatnonzero(plan.assignment == target)[0])
    away = np.flatnonzero((plan.assignment != target) & (plan.assignment >= 0) & ~plan.locked)[:2]
    ids = [str(plan.accounts["account_id"].iloc[int(r)]) for r in (here, *away)]
    name = plan.territories[target].name
    assert main(["move", str(plan_file), "--accounts", ",".join(ids), "--to", name]) == 0
    out = capsys.readouterr().out
    assert f"Moved 2 accounts to {name} (1 was already there)" in out
    assert "account(s)" not in out


def test_solve_reports_its_wall_time_and_no_riddle(plan_file: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    out_file = tmp_path / "solved.territory"
    t0 = time.monotonic()
    assert main(["solve", str(plan_file), "--time-limit", "2", "-o", str(out_file)]) == 0
    wall = time.monotonic() - t0
    out = capsys.readouterr().out
    assert "never left out" not in out and "account(s)" not in out
    total = float(re.search(r"([\d.]+) s in all", out).group(1))
    assert 0.6 * wall <= total <= wall + 0.05, (total, wall, out)


def test_solve_words_its_result_as_info_will(plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out_file = tmp_path / "solved.territory"
    assert main(["solve", str(plan_file), "--time-limit", "1", "-o", str(out_file)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert main(["info", str(out_file), "--json"]) == 0
    import json
    after = json.loads(capsys.readouterr().out)
    if after["out_of_band"]:
        assert first.startswith(f"{after['out_of_band']} territor")
    else:
        assert first.startswith(f"All {len(after['territories'])} territories in band")
