"""`solve PLAN --mode carve --adjacency PAIRS.csv --contiguous`: a plan whose accounts are map units (counties,
ZIPs) carved into territories that are each one connected piece (issue 18, item 4, for plans)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.app import main
from territory_desktop.io.project.project_file import open_project
from territory_desktop.solver.problem.contiguity import Adjacency, pieces_per_territory

SIDE = 7


def _county_plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[Path, Path, list[tuple[str, str]]]:
    """A 7×7 grid of 'counties' (rook adjacency) with uneven people, three reps with homes on the map."""
    rng = np.random.default_rng(5)
    accounts, pairs = tmp_path / "counties.csv", []
    with open(accounts, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Account ID", "Account Name", "Latitude", "Longitude", "Employees", "Owner"])
        for r in range(SIDE):
            for c in range(SIDE):
                fips = f"19{r}{c:02d}"
                w.writerow([fips, f"County {r}-{c}", 41 + 0.3 * r, -95 + 0.4 * c, int(rng.integers(50, 900)),
                            ["Ann", "Bob", "Cy"][(r * SIDE + c) % 3]])  # striped: every rep's book in pieces
                if c + 1 < SIDE:
                    pairs.append((fips, f"19{r}{c + 1:02d}"))
                if r + 1 < SIDE:
                    pairs.append((fips, f"19{r + 1}{c:02d}"))
    reps = tmp_path / "reps.csv"
    reps.write_text("Rep,Territory,Latitude,Longitude\nAnn,North,42.6,-94.0\nBob,South West,41.2,-94.8\n"
                    "Cy,South East,41.2,-92.8\n", encoding="utf-8")
    adj = tmp_path / "adjacency.csv"
    adj.write_text("a,b\n" + "".join(f"{a},{b}\n" for a, b in pairs), encoding="utf-8")
    plan = tmp_path / "counties.territory"
    assert main(["import", str(accounts), "--reps", str(reps), "-o", str(plan)]) == 0
    capsys.readouterr()
    return plan, adj, pairs


def _pieces(path: Path, pairs: list[tuple[str, str]]) -> np.ndarray:
    plan = open_project(path)
    pos = {str(a): i for i, a in enumerate(plan.accounts["account_id"])}
    adj = Adjacency.from_pairs(plan.n_accounts, np.array([[pos[a], pos[b]] for a, b in pairs]))
    return pieces_per_territory(adj, plan.assignment.astype(np.int32), plan.n_territories)


def test_a_contiguous_carve_gives_every_territory_one_piece(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    plan, adj, pairs = _county_plan(tmp_path, capsys)
    assert (_pieces(plan, pairs) > 1).all()  # the imported books are striped across the grid
    out = tmp_path / "carved.territory"
    assert main(["solve", str(plan), "--mode", "carve", "--adjacency", str(adj), "--contiguous",
                 "--time-limit", "5", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Every territory is one connected piece of the map." in printed
    assert (_pieces(out, pairs) == 1).all()


def test_without_the_rule_the_solve_says_which_territories_are_cut(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    plan, adj, pairs = _county_plan(tmp_path, capsys)
    out = tmp_path / "rebalanced.territory"
    assert main(["solve", str(plan), "--adjacency", str(adj), "--time-limit", "2", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    pieces = _pieces(out, pairs)
    if (pieces > 1).any():
        cut = [name for name, p in zip(["North", "South West", "South East"], pieces, strict=True) if p > 1]
        assert "cut in pieces: " in printed and all(f"{n} ({p} pieces)" in printed
                                                     for n, p in zip(cut, pieces[pieces > 1], strict=True))
    else:
        assert "Every territory is one connected piece" in printed


def test_a_contiguous_rebalance_makes_striped_books_whole(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    plan, adj, pairs = _county_plan(tmp_path, capsys)
    assert (_pieces(plan, pairs) > 1).all()
    out = tmp_path / "rebalanced.territory"
    assert main(["solve", str(plan), "--adjacency", str(adj), "--contiguous", "--time-limit", "2",
                 "-o", str(out)]) == 0
    said = capsys.readouterr().out
    # the stray pieces are handed whole to a territory they touch, then the borders move for balance
    assert "Every territory is one connected piece of the map." in said
    assert (_pieces(out, pairs) == 1).all()


@pytest.mark.parametrize(("args", "words"), [
    (["--contiguous", "--mode", "carve"], "--contiguous needs --adjacency"),
    (["--mode", "carve", "--adjacency", "BAD"], "row 3, column 'b': '99999' is not an account id of the plan"),
])
def test_bad_contiguity_requests_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, args: list[str],
                                              words: str) -> None:
    plan, adj, _ = _county_plan(tmp_path, capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n19000,19001\n19000,99999\n", encoding="utf-8")
    args = [str(adj) if a == "ADJ" else str(bad) if a == "BAD" else a for a in args]
    assert main(["solve", str(plan), *args, "-o", str(tmp_path / "out.territory")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
