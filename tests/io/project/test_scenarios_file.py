"""Scenarios, change notes and the audit trail in the project file; files of schema 1 still open."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.edits import AddTerritory, MoveAccounts, SetSettings
from territory_desktop.core.scenarios import DEFAULT_NAME, ScenarioSet
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.project_file import (
    SCHEMA_VERSION,
    ProjectFileError,
    open_project,
    open_scenarios,
    save_project,
)
from tests.conftest import FIXTURES, make_plan

SCHEMA1 = FIXTURES / "projects" / "schema1_plan.territory"
"""Saved by the code of schema 1 (before scenarios; tests/fixtures/projects/make_schema1.py says how)."""


def _user_version(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


def test_a_plan_saved_before_scenarios_opens_as_one_scenario_with_its_data(tmp_path: Path) -> None:
    assert _user_version(SCHEMA1) == 1
    sset = open_scenarios(SCHEMA1)
    assert sset.names == [DEFAULT_NAME] and sset.active == 0
    plan = sset.current.plan
    assert plan.n_accounts == 400
    assert plan.territories[0].name == "Old West" and plan.territories[5].removed
    assert (plan.assignment[[3, 4, 5]] == 1).all() and (plan.assignment[[10, 11]] == 2).all()
    assert plan.locked[[20, 21]].all() and plan.locked.sum() == 2
    assert (plan.assignment == 5).sum() == 0 and (plan.baseline == 5).sum() > 0
    assert (plan.notes.reason == "").all() and plan.audit == []

    # saved again it becomes the current schema and keeps every number
    copy = tmp_path / "migrated.territory"
    shutil.copy(SCHEMA1, copy)
    save_project(plan, copy)
    assert _user_version(copy) == SCHEMA_VERSION == 4
    again = open_project(copy)
    assert np.array_equal(again.assignment, plan.assignment) and np.array_equal(again.baseline, plan.baseline)
    assert [t.to_dict() for t in again.territories] == [t.to_dict() for t in plan.territories]
    assert again.settings == plan.settings and again.kpis.equals(plan.kpis)


def _three_scenarios() -> ScenarioSet:
    main = make_plan(300, 4, seed=3)
    main.apply(MoveAccounts(np.arange(10), 2, reason="Closer to the Austin rep"))
    sset = ScenarioSet.single(main)
    b = sset.scenarios[sset.duplicate(0, "Two new reps", "FY27 option B\nneeds budget")].plan
    b.apply(AddTerritory(Territory("Gulf", rep="New Rep", home_lat=30.0, home_lon=-95.0, capacity_hours=2000.0)))
    b.apply(MoveAccounts(np.arange(20, 60), 4, reason="New rep: Gulf"))
    c = sset.scenarios[sset.duplicate(0, "Wider bands")].plan
    c.apply(SetSettings(c.settings.with_measures(c.settings.measures[:1])))
    sset.activate(1)
    return sset


def test_every_scenario_round_trips_with_its_notes_reasons_and_history(tmp_path: Path) -> None:
    sset = _three_scenarios()
    path = tmp_path / "options.territory"
    save_project(sset, path)
    back = open_scenarios(path)
    assert back.names == ["Main plan", "Two new reps", "Wider bands"] and back.active == 1
    assert back.scenarios[1].notes == "FY27 option B\nneeds budget"
    for before, after in zip(sset.scenarios, back.scenarios, strict=True):
        p, q = before.plan, after.plan
        assert np.array_equal(p.assignment, q.assignment)
        assert [t.to_dict() for t in p.territories] == [t.to_dict() for t in q.territories]
        assert p.settings == q.settings and p.kpis.equals(q.kpis)
        assert p.notes.reason.tolist() == q.notes.reason.tolist() and p.notes.at.tolist() == q.notes.at.tolist()
        assert p.audit == q.audit
    b = back.scenarios[1].plan
    assert set(b.notes.reason[20:60]) == {"New rep: Gulf"} and set(b.notes.reason[:10]) == {"Closer to the Austin rep"}
    assert b.territories[-1].name == "Gulf" and b.n_territories == 5
    assert [e.label for e in b.audit][-2:] == ["Add territory Gulf", "Move 40 accounts"]


def test_scenarios_share_unchanged_columns_so_the_file_does_not_multiply(tmp_path: Path) -> None:
    one, three = tmp_path / "one.territory", tmp_path / "three.territory"
    sset = _three_scenarios()
    save_project(ScenarioSet.single(make_plan(300, 4, seed=3)), one)
    save_project(sset, three)
    assert three.stat().st_size < 1.6 * one.stat().st_size


def test_saving_one_scenario_keeps_the_others_and_opens_on_it(tmp_path: Path) -> None:
    sset = _three_scenarios()
    path = tmp_path / "options.territory"
    wider = sset.scenarios[2].plan
    save_project(wider, path)  # what a command does that opened one scenario and saves it
    back = open_scenarios(path)
    assert len(back) == 3 and back.current.name == "Wider bands"
    named = open_project(path, "two new")  # a unique prefix, any case
    assert named.territories[-1].name == "Gulf"


def test_an_unknown_scenario_name_is_refused_naming_the_file_and_the_choices(tmp_path: Path) -> None:
    path = tmp_path / "options.territory"
    save_project(_three_scenarios(), path)
    with pytest.raises(ProjectFileError) as info:
        open_project(path, "Nope")
    msg = str(info.value)
    assert "options.territory" in msg and "'Nope'" in msg and "'Wider bands'" in msg


@pytest.mark.parametrize(("statement", "words"), [
    ("UPDATE scenarios SET notes='tampered' WHERE position=1", ("checksum",)),
    ("UPDATE scenarios SET name='Main plan' WHERE position=1", ("same name",)),
    ("UPDATE audit SET action='rm -rf' WHERE position=0 AND scenario=1", ("history", "rm -rf")),
    ("DELETE FROM scenarios WHERE position=2", ("3 scenario",)),
    ("UPDATE meta SET value='7' WHERE key='active_scenario'", ("active scenario",)),
    ("UPDATE meta SET value='100000' WHERE key='scenario_count'", ("scenario count",)),
    ("DROP TABLE audit", ("audit", "missing")),
    ("UPDATE columns SET kind='same' WHERE scenario=0 AND frame='plan' AND position=0", ("assignment",)),
])
def test_a_damaged_scenario_file_is_refused_with_a_reason(tmp_path: Path, statement: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "options.territory"
    save_project(_three_scenarios(), path)
    con = sqlite3.connect(path)
    con.execute(statement)
    con.commit()
    con.close()
    with pytest.raises(ProjectFileError) as info:
        open_project(path)
    msg = str(info.value)
    assert "options.territory" in msg
    for w in words:
        assert w in msg, msg


def test_territory_rules_round_trip_and_a_bad_rule_is_refused(tmp_path: Path) -> None:
    plan = make_plan(40, 3)
    plan.territories[1].rules = [{"field": "state", "operator": "in", "values": ["TX", "OK"]}]
    path = tmp_path / "rules.territory"
    save_project(plan, path)
    assert open_project(path).territories[1].rules == [{"field": "state", "operator": "in", "values": ["TX", "OK"]}]
    assert open_project(SCHEMA1).territories[0].rules == []  # older files: territories defined by accounts
    con = sqlite3.connect(path)
    con.execute("""UPDATE territories SET rules='[{"field": "shoe size", "values": ["9"]}]' WHERE position=1""")
    con.commit()
    con.close()
    with pytest.raises(ProjectFileError, match="rule of territory 2 cannot be used.*shoe size"):
        open_project(path)


SCHEMA2 = FIXTURES / "projects" / "schema2_plan.territory"
"""Saved by the code of schema 2 (text as JSON, no departed accounts; tests/fixtures/projects/make_schema2.py)."""


def test_a_plan_saved_with_text_as_json_opens_and_migrates_with_every_value(tmp_path: Path) -> None:
    assert _user_version(SCHEMA2) == 2
    sset = open_scenarios(SCHEMA2)
    assert sset.names == [DEFAULT_NAME, "Option B"]
    main, option = (s.plan for s in sset.scenarios)
    assert main.n_accounts == 300 and main.territories[0].name == "Old West"
    assert main.accounts["city"].isna().sum() >= 2  # the missing cities stay missing, not "None" or ""
    assert set(main.assignment[[3, 4, 5]]) == {1} and main.notes.reason[3] == "Closer to Ann"
    assert main.locked[[20, 21]].all() and (option.assignment[30:40] == 2).all()
    assert len(main.departed) == 0

    copy = tmp_path / "migrated.territory"
    shutil.copy(SCHEMA2, copy)
    save_project(sset, copy)
    assert _user_version(copy) == SCHEMA_VERSION == 4
    again = open_scenarios(copy)
    for before, after in zip(sset.scenarios, again.scenarios, strict=True):
        assert before.name == after.name
        assert before.plan.accounts.equals(after.plan.accounts)
        assert np.array_equal(before.plan.assignment, after.plan.assignment)
        assert np.array_equal(before.plan.locked, after.plan.locked)
        assert list(before.plan.notes.reason) == list(after.plan.notes.reason)



def test_accounts_gone_from_the_crm_are_kept_for_the_change_list_across_save_and_open(tmp_path: Path) -> None:
    from territory_desktop.core.refresh import diff_accounts, refresh_edit

    plan = make_plan(60, 3, seed=4)
    gone_ids = plan.accounts["account_id"].iloc[[5, 6, 7]].tolist()
    newer = plan.accounts.drop(index=[5, 6, 7]).reset_index(drop=True)
    plan.apply(refresh_edit(plan, newer, diff_accounts(plan, newer)))
    path = tmp_path / "refreshed.territory"
    save_project(plan, path)
    again = open_project(path)
    assert again.n_accounts == 57
    assert list(again.departed["account_id"]) == gone_ids
    assert list(again.departed["reason"]) == ["gone from the CRM export"] * 3
