"""`territory-desktop scenario …` and `compare` as a planner runs them on a real imported plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from territory_desktop import cli
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.export import export_assignments
from territory_desktop.io.project.project_file import open_project, open_scenarios, save_project


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _move_some(path: Path, scenario: str, rows: np.ndarray, to: int) -> None:
    plan = open_project(path, scenario)
    plan.apply(MoveAccounts(rows, to, reason="test"))
    save_project(plan, path)  # saving one scenario keeps the others


def test_copy_rename_delete_and_list(plan_file: Path, capsys) -> None:
    code, out, _ = run(capsys, "scenario", "copy", str(plan_file), "main plan", "FY27 option", "--notes", "two reps")
    assert code == 0 and "Copied 'Main plan' as 'FY27 option'" in out
    code, out, _ = run(capsys, "scenario", "rename", str(plan_file), "fy27", "FY27 — Texas")
    assert code == 0 and "Renamed 'FY27 option' to 'FY27 — Texas'" in out
    code, out, _ = run(capsys, "scenario", "list", str(plan_file), "--json")
    listed = json.loads(out)["scenarios"]
    assert [s["name"] for s in listed] == ["Main plan", "FY27 — Texas"] and listed[1]["notes"] == "two reps"
    assert [s["active"] for s in listed] == [True, False]
    code, out, _ = run(capsys, "scenario", "delete", str(plan_file), "Main plan")
    assert code == 0 and "opens on 'FY27 — Texas'" in out
    assert open_scenarios(plan_file).names == ["FY27 — Texas"]
    code, _, err = run(capsys, "scenario", "delete", str(plan_file), "FY27 — Texas")
    assert code == 2 and "only scenario" in err and "plan.territory" in err


@pytest.mark.parametrize(("args", "words"), [
    (("scenario", "rename", "{plan}", "nope", "x"), ("no scenario 'nope'", "'Main plan'")),
    (("scenario", "copy", "{plan}", "main", "   "), ("needs a name",)),
    (("scenario", "copy", "{plan}", "main", "MAIN PLAN"), ("already a scenario",)),
    (("compare", "{plan}", "main", "nope"), ("no scenario 'nope'",)),
    (("compare", "{plan}", "main", "--limit", "-1"), ("--limit",)),
    (("scenario", "list", "{missing}"), ("does not exist",)),
])
def test_mistakes_get_one_clear_line(plan_file: Path, tmp_path: Path, capsys, args, words) -> None:
    filled = [a.format(plan=plan_file, missing=tmp_path / "missing.territory") for a in args]
    code, out, err = run(capsys, *filled)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    for w in words:
        assert w in err, err


def test_compare_equals_an_independent_diff_of_two_assignment_exports(plan_file: Path, tmp_path: Path,
                                                                      capsys) -> None:
    run(capsys, "scenario", "copy", str(plan_file), "main", "B")
    plan = open_project(plan_file)
    rng = np.random.default_rng(4)
    _move_some(plan_file, "Main plan", np.sort(rng.choice(plan.n_accounts, 30, replace=False)), 1)
    _move_some(plan_file, "B", np.sort(rng.choice(plan.n_accounts, 45, replace=False)), 2)
    exports = {}
    for name in ("Main plan", "B"):
        out = tmp_path / f"{name}.csv"
        export_assignments(open_project(plan_file, name), out)
        exports[name] = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("Account ID")
    a, b = exports["B"], exports["Main plan"]
    differ = a.index[a["Territory"] != b.loc[a.index, "Territory"]]
    expected = {(i, b.at[i, "Territory"], a.at[i, "Territory"]) for i in differ}

    code, out, _ = run(capsys, "compare", str(plan_file), "B", "Main plan", "--json")
    assert code == 0
    result = json.loads(out)
    got = {(r["account_id"], r["from_territory"], r["to_territory"]) for r in result["accounts"]}
    assert got == expected and result["differing_accounts"] == len(expected) > 0
    pot = pd.to_numeric(a.loc[list(differ), "Potential"]).sum()
    assert result["differing_potential"] == pytest.approx(pot)

    # against the baseline: exactly the export's "Moved" rows
    code, out, _ = run(capsys, "compare", str(plan_file), "B", "--json")
    moved = set(a.index[a["Moved"] == "yes"])
    assert {r["account_id"] for r in json.loads(out)["accounts"]} == moved


def test_the_compare_table_shows_figures_territories_and_accounts(plan_file: Path, capsys) -> None:
    run(capsys, "scenario", "copy", str(plan_file), "main", "B")
    plan = open_project(plan_file)
    _move_some(plan_file, "B", np.flatnonzero(plan.assignment != 0)[:8], 0)
    code, out, _ = run(capsys, "compare", str(plan_file), "B", "--limit", "3")
    assert code == 0
    assert out.startswith("B (A) vs Baseline (B)")
    for words in ("Out of band", "Max deviation", "CV", "Moved vs baseline", "Potential moved",
                  "Territories that differ", "Accounts in a different territory"):
        assert words in out
    assert "… and 5 more" in out and out.count(" → ") == 3


def test_export_of_a_named_scenario(plan_file: Path, tmp_path: Path, capsys) -> None:
    """`export --scenario` writes that scenario's assignments and change list, not the current scenario's."""
    import datetime as dt

    assert run(capsys, "scenario", "copy", str(plan_file), "main plan", "Option B")[0] == 0
    rows = np.arange(10, 25)
    _move_some(plan_file, "option b", rows, 1)
    b = open_project(plan_file, "Option B")
    main_out, b_out, b_changes = tmp_path / "main.csv", tmp_path / "b.csv", tmp_path / "b-changes.csv"
    assert run(capsys, "export", str(plan_file), "-o", str(main_out), "--scenario", "main plan")[0] == 0
    code, out, err = run(capsys, "export", str(plan_file), "-o", str(b_out), "--changes", str(b_changes),
                         "--scenario", "opt")
    assert code == 0, err
    main_df, b_df = (pd.read_csv(f, dtype=str, keep_default_na=False) for f in (main_out, b_out))
    both = main_df.merge(b_df, on="Account ID", suffixes=("_main", "_b"))
    differ = set(both.loc[both["Territory_main"] != both["Territory_b"], "Account ID"])
    ids = b.accounts["account_id"].astype(str)
    assert differ and differ <= set(ids.iloc[rows])
    changes = pd.read_csv(b_changes, dtype=str)
    assert set(changes["Account ID"]) == set(ids.iloc[np.flatnonzero(b.assignment != b.baseline)])
    notice = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # the default notice period
    assert set(changes["Effective Date"]) == {notice} and notice in out
    code, _, err = run(capsys, "export", str(plan_file), "-o", str(tmp_path / "x.csv"), "--scenario", "nope")
    assert code == 2 and "no scenario 'nope'" in err and "Option B" in err
