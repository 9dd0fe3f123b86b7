"""`adjacency PLAN PAIRS.csv -o OUT`: a plan of counties that holds its adjacency keeps territories whole on every
`solve`, without --adjacency (issue 18, item 4: "the same in the plan when units carry adjacency")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.app import main
from territory_desktop.io.project.project_file import open_project
from tests.e2e.test_cli_solve_contiguous import _county_plan, _pieces


def _blocks(tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[Path, Path, list[tuple[str, str]]]:
    """The 7x7 county plan with books redrawn as three connected blocks of uneven size (saved in place)."""
    from territory_desktop.core.edits import MoveAccounts
    from territory_desktop.io.project.project_file import save_project

    plan_path, adj, pairs = _county_plan(tmp_path, capsys)
    plan = open_project(plan_path)
    col = np.array([int(str(i)[-2:]) for i in plan.accounts["account_id"]])
    row = np.array([int(str(i)[2]) for i in plan.accounts["account_id"]])
    target = np.where(col >= 5, 2, np.where(row >= 6, 1, 0))  # North is big, South West a thin strip
    plan.apply(MoveAccounts(np.arange(plan.n_accounts), target.astype(np.int32), label="blocks"))
    save_project(plan, plan_path)
    assert (_pieces(plan_path, pairs) == 1).all()
    return plan_path, adj, pairs


def test_a_plan_that_holds_its_adjacency_is_solved_without_cutting(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture) -> None:
    plan, adj, pairs = _blocks(tmp_path, capsys)
    with_adj = tmp_path / "with.territory"
    assert main(["adjacency", str(plan), str(adj), "-o", str(with_adj)]) == 0
    said = capsys.readouterr().out
    assert f"{len(pairs):,} touching pairs from adjacency.csv" in said and "Every territory is one" in said
    assert open_project(with_adj).adjacency is not None
    out = tmp_path / "solved.territory"
    assert main(["solve", str(with_adj), "--time-limit", "3", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Every territory is one connected piece of the map." in said
    assert (_pieces(out, pairs) == 1).all()
    assert (open_project(out).assignment != open_project(with_adj).assignment).any()  # it did rebalance
    assert main(["adjacency", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pairs"] == len(pairs) and summary["units"] == 49 and summary["cut"] == []


def test_remove_takes_it_away_and_bad_requests_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    plan, adj, _ = _blocks(tmp_path, capsys)
    with_adj = tmp_path / "with.territory"
    assert main(["adjacency", str(plan), str(adj), "-o", str(with_adj)]) == 0
    assert main(["adjacency", str(with_adj), "--remove", "-o", str(with_adj)]) == 0
    assert open_project(with_adj).adjacency is None
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n19000,19001\n19000,nope\n", encoding="utf-8")
    for args, words in ((["adjacency", str(plan), str(bad), "-o", str(tmp_path / "x.territory")],
                         "bad.csv: row 3, column 'b': 'nope' is not an account id of the plan"),
                        (["adjacency", str(plan), str(adj)], "-o OUT.territory is needed"),
                        (["adjacency", str(plan), "--remove", "-o", str(tmp_path / "y.territory")],
                         "holds no adjacency"),
                        (["adjacency", str(plan), str(adj), "-o", str(adj)], "adjacency")):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
