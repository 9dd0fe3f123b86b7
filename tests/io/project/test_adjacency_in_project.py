"""Which accounts touch on the map (the plan's adjacency) is kept by the project file (schema 4) and the
crash journal; files saved before it (schema 3) still open, with no adjacency."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.adjacency import AccountAdjacency, adjacency_from_rows
from territory_desktop.core.edits import MoveAccounts, SetAdjacency
from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import DEFAULT_NAME, ScenarioSet
from territory_desktop.io.project.project_file import (
    SCHEMA_VERSION,
    ProjectFileError,
    open_project,
    open_scenarios,
    save_project,
)
from territory_desktop.io.project.recovery import Journal, list_recoverable, recover, recovered_steps
from tests.conftest import FIXTURES, make_plan

SCHEMA3 = FIXTURES / "projects" / "schema3_plan.territory"
"""Saved by the code of schema 3 (before adjacency; tests/fixtures/projects/make_schema3.py says how)."""


def _chain(plan: Plan, source: str = "counties.csv", step: int = 1) -> AccountAdjacency:
    """An adjacency read the way the app reads a pairs CSV: account i touches account i + step."""
    ids = [str(x) for x in plan.ids]
    rows = [["a", "b"], *([ids[i], ids[i + step]] for i in range(len(ids) - step))]
    return adjacency_from_rows(rows, plan, source)


def _sql(path: Path, *statements: str, params: tuple = ()) -> None:
    con = sqlite3.connect(path)
    try:
        for s in statements:
            con.execute(s, params)
        con.commit()
    finally:
        con.close()


def _rows(path: Path, query: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _user_version(path: Path) -> int:
    return int(_rows(path, "PRAGMA user_version")[0][0])


def test_a_plan_with_an_adjacency_opens_with_the_same_pairs_and_file_name(tmp_path: Path) -> None:
    plan = make_plan(120, 4, seed=3)
    plan.apply(SetAdjacency(_chain(plan, "us_counties_adjacency.csv")))
    path = tmp_path / "counties.territory"
    save_project(plan, path)
    assert _user_version(path) == SCHEMA_VERSION == 4

    again = open_project(path)
    assert again.adjacency == plan.adjacency
    assert again.adjacency is not None and len(again.adjacency) == 119
    assert again.adjacency.source == "us_counties_adjacency.csv"
    assert list(again.adjacency.a[:2]) == ["ACC-00000", "ACC-00001"]
    assert all(isinstance(v, str) for v in again.adjacency.b)
    assert np.array_equal(again.adjacency.row_pairs(again), plan.adjacency.row_pairs(plan))
    assert dict(_rows(path, "SELECT key, value FROM meta WHERE key LIKE '%adjacency%'")) == {
        "n_adjacency": "119", "adjacency_source": "us_counties_adjacency.csv"}


def test_a_large_adjacency_of_repeating_ids_round_trips(tmp_path: Path) -> None:
    """Ids repeat in many pairs: the codec may store them as distinct ids + codes; the pairs come back."""
    plan = make_plan(3000, 4, seed=5)
    ids = [str(x) for x in plan.ids]
    rows = [["a", "b"], *([ids[i], ids[j]] for i in range(len(ids)) for j in (i + 1, i + 7) if j < len(ids))]
    plan.adjacency = adjacency_from_rows(rows, plan, "zips.csv")
    path = tmp_path / "zips.territory"
    save_project(plan, path)
    assert open_project(path).adjacency == plan.adjacency


def test_two_scenarios_keep_their_own_adjacency_and_a_shared_one_is_stored_once(tmp_path: Path) -> None:
    plan = make_plan(80, 3, seed=8)
    plan.apply(SetAdjacency(_chain(plan, "counties.csv")))
    sset = ScenarioSet.single(plan)
    same = sset.duplicate(0, "Same map")
    other = sset.duplicate(0, "Other map")
    sset.scenarios[other].plan.apply(SetAdjacency(_chain(sset.scenarios[other].plan, "zips.csv", step=2)))
    bare = sset.duplicate(0, "No map")
    sset.scenarios[bare].plan.apply(SetAdjacency(None))
    path = tmp_path / "options.territory"
    save_project(sset, path)

    again = open_scenarios(path)
    got = {s.name: s.plan.adjacency for s in again.scenarios}
    assert got[DEFAULT_NAME] == got["Same map"] == plan.adjacency
    assert got["Other map"] == sset.scenarios[other].plan.adjacency and got["Other map"].source == "zips.csv"
    assert len(got["Other map"]) == 78 and got["Other map"] != got[DEFAULT_NAME]
    assert got["No map"] is None
    kinds = dict(((sc, name), kind) for sc, name, kind in
                 _rows(path, "SELECT scenario, name, kind FROM columns WHERE frame='adjacency'"))
    assert kinds[same, '"a"'] == kinds[same, '"b"'] == "same"  # shared with scenario 0: stored once
    assert kinds[other, '"a"'] != "same"
    assert (bare, '"a"') not in kinds


def test_a_plan_without_an_adjacency_opens_without_one(tmp_path: Path) -> None:
    plan = make_plan(50, 3)
    path = tmp_path / "plain.territory"
    save_project(plan, path)
    assert open_project(path).adjacency is None
    assert _rows(path, "SELECT count(*) FROM columns WHERE frame='adjacency'") == [(0,)]
    assert _rows(path, "SELECT count(*) FROM meta WHERE key LIKE '%adjacency%'") == [(0,)]


def test_an_adjacency_imported_then_undone_is_not_saved(tmp_path: Path) -> None:
    plan = make_plan(60, 3, seed=2)
    undo = plan.apply(SetAdjacency(_chain(plan)))
    plan.apply(undo)
    assert plan.adjacency is None
    path = tmp_path / "undone.territory"
    save_project(plan, path)
    assert open_project(path).adjacency is None
    assert _rows(path, "SELECT count(*) FROM columns WHERE frame='adjacency'") == [(0,)]


def _drop_last_pair(path: Path) -> None:
    """Rewrite column "b" of the adjacency with one id fewer and a checksum that matches, as a tool might."""
    [(kind, data, mask)] = _rows(path, "SELECT kind, data, mask FROM columns WHERE frame='adjacency' AND "
                                       "name='\"b\"' AND scenario=0")
    assert kind == "text" and mask is None
    shorter = bytes(data).rsplit(b"\x00", 1)[0]
    _sql(path, "UPDATE columns SET data=?, crc=? WHERE frame='adjacency' AND name='\"b\"' AND scenario=0",
         params=(shorter, zlib.crc32(b"", zlib.crc32(shorter))))


@pytest.mark.parametrize(("damage", "words"), [
    (lambda p: _sql(p, "UPDATE meta SET value='12' WHERE key='n_adjacency'"), ("adjacency", "expected 12")),
    (lambda p: _sql(p, "UPDATE meta SET value='many' WHERE key='n_adjacency'"), ("adjacency", "'many'")),
    (lambda p: _sql(p, "UPDATE meta SET value='-3' WHERE key='n_adjacency'"), ("adjacency", "-3")),
    (lambda p: _sql(p, "DELETE FROM meta WHERE key='n_adjacency'"), ("adjacency", "n_adjacency")),
    (lambda p: _sql(p, "DELETE FROM columns WHERE frame='adjacency' AND name='\"b\"'"),
     ("adjacency", "'b'", "missing")),
    (_drop_last_pair, ("adjacency", "expected 39")),
    (lambda p: _sql(p, "UPDATE columns SET crc=crc+1 WHERE frame='adjacency' AND name='\"a\"'"),
     ("adjacency", "checksum")),
    (lambda p: _sql(p, "UPDATE meta SET value='other.csv' WHERE key='adjacency_source'"), ("checksum",)),
])
def test_a_damaged_adjacency_is_refused_naming_the_file_and_the_adjacency(tmp_path: Path, damage, words) -> None:
    plan = make_plan(40, 3, seed=6)
    plan.adjacency = _chain(plan)
    path = tmp_path / "map.territory"
    save_project(plan, path)
    damage(path)
    with pytest.raises(ProjectFileError) as info:
        open_project(path)
    msg = str(info.value)
    assert "map.territory" in msg
    for w in words:
        assert w in msg, msg


def test_adjacency_ids_that_are_not_text_are_refused(tmp_path: Path) -> None:
    plan = make_plan(40, 3, seed=6)
    plan.adjacency = _chain(plan)
    path = tmp_path / "numbers.territory"
    save_project(plan, path)
    raw = np.arange(39, dtype="<i8").tobytes()  # a column of numbers where the ids should be
    _sql(path, "UPDATE columns SET kind='numpy', dtype='<i8', data=?, mask=NULL, crc=? "
               "WHERE frame='adjacency' AND name='\"a\"'", params=(raw, zlib.crc32(b"", zlib.crc32(raw))))
    with pytest.raises(ProjectFileError, match=r"numbers\.territory is damaged: column 'a' of the adjacency.*text"):
        open_project(path)


def test_a_file_from_a_newer_version_names_both_schema_versions(tmp_path: Path) -> None:
    path = tmp_path / "future.territory"
    save_project(make_plan(30, 2), path)
    _sql(path, "PRAGMA user_version = 5")
    with pytest.raises(ProjectFileError, match=r"future\.territory was saved by a newer version.*schema 5.*"
                                               r"up to schema 4.*Please update"):
        open_project(path)


def test_an_unsaved_adjacency_import_comes_back_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "q3.territory"
    plan = make_plan(100, 4, seed=7)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(5), 2))
    plan.apply(SetAdjacency(_chain(plan, "counties.csv")))
    del journal  # the session crashes before a save
    [session] = list_recoverable()
    assert session.edit_count == 2
    got = recover(session)
    assert got.adjacency == plan.adjacency and got.adjacency is not None and got.adjacency.source == "counties.csv"
    assert np.array_equal(got.assignment, plan.assignment)
    assert open_project(path).adjacency is None  # the file itself was never touched

    base, steps = recovered_steps(session)  # the window's way: each edit a step of its undo stack
    undo = [base.apply(edit) for edit in steps(base)]
    assert base.adjacency == plan.adjacency
    base.apply(undo[-1])  # undoing the restored import takes the adjacency away again
    assert base.adjacency is None


def test_an_adjacency_removed_after_the_last_save_stays_removed_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "map.territory"
    plan = make_plan(100, 4, seed=7)
    plan.adjacency = _chain(plan)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(SetAdjacency(None, "Remove adjacency"))
    del journal
    [session] = list_recoverable()
    assert recover(session).adjacency is None


def test_an_untitled_plan_with_an_adjacency_recovers_it_from_its_snapshot() -> None:
    plan = make_plan(100, 4, seed=9)
    plan.adjacency = _chain(plan, "from_before.csv")
    journal = Journal.start(plan, None)  # no file yet: the journal starts on a snapshot of the plan
    plan.apply(MoveAccounts(np.arange(3), 1))
    del journal
    [session] = list_recoverable()
    got = recover(session)
    assert got.adjacency == plan.adjacency and np.array_equal(got.assignment, plan.assignment)


def test_a_plan_saved_before_adjacency_opens_with_every_value_and_no_adjacency(tmp_path: Path) -> None:
    assert _user_version(SCHEMA3) == 3
    sset = open_scenarios(SCHEMA3)
    assert sset.names == [DEFAULT_NAME, "Option B"] and sset.active == 0
    main, option = (s.plan for s in sset.scenarios)
    assert main.adjacency is None and option.adjacency is None
    assert main.n_accounts == 297 and main.n_territories == 5 and main.territories[0].name == "Old West"
    assert main.accounts["city"].isna().sum() >= 2  # missing cities stay missing
    assert set(main.assignment[[3, 4, 5]]) == {1} and main.notes.reason[3] == "Closer to Ann"
    assert main.notes.by[3] == "lee"
    assert main.locked[[20, 21]].all() and not main.locked[22]
    assert (option.assignment[30:40] == 2).all() and option.notes.reason[30] == "Option B carve"
    assert not main.settings.capacity_hard and main.settings.near_fraction == 0.7
    assert main.settings.keep_connected  # a setting newer than the file reads as its default
    assert len(main.departed) == 3

    copy = tmp_path / "migrated.territory"
    shutil.copy(SCHEMA3, copy)
    main.apply(SetAdjacency(_chain(main, "counties.csv")))
    save_project(sset, copy)
    assert _user_version(copy) == SCHEMA_VERSION
    again = open_scenarios(copy)
    for before, after in zip(sset.scenarios, again.scenarios, strict=True):
        assert before.name == after.name and after.plan.adjacency == before.plan.adjacency
        assert before.plan.accounts.equals(after.plan.accounts)
        assert np.array_equal(before.plan.assignment, after.plan.assignment)
        assert dataclasses.asdict(before.plan.settings) == dataclasses.asdict(after.plan.settings)
    assert again.scenarios[0].plan.adjacency is not None and again.scenarios[1].plan.adjacency is None
