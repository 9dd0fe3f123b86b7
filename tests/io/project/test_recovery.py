"""After a crash, the recovery journal gives back exactly the plan the planner had; bad journals are refused."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core.edits import (
    AddTerritory,
    Batch,
    MoveAccounts,
    RemoveTerritory,
    SetAccountLocks,
    SetSettings,
    UpdateTerritory,
)
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.settings import BalanceSettings, WorkloadModel
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.paths import recovery_dir
from territory_desktop.io.project.project_file import save_project
from territory_desktop.io.project.recovery import Journal, RecoveryError, discard, list_recoverable, recover
from tests.conftest import make_plan

ROOT = Path(__file__).resolve().parents[2]


def scripted_session(plan: Plan) -> int:
    """A planner's session: moves, undo, territory edits, locks, settings, a bulk action. Returns #edits."""
    undo = plan.apply(MoveAccounts(np.arange(0, 30), 1))
    plan.apply(MoveAccounts(np.arange(30, 60), np.arange(30, 60) % 3))
    plan.apply(undo)
    plan.apply(UpdateTerritory(2, {"name": "Gulf Coast", "home_lat": 29.9, "home_lon": -90.1}))
    plan.apply(UpdateTerritory(0, {"home_lat": float("nan"), "rep": "Zoë Ω"}))
    plan.apply(AddTerritory(Territory("New Seat", rep="", capacity_hours=900.0)))
    plan.apply(MoveAccounts(np.arange(100, 120), plan.n_territories - 1))
    plan.apply(SetAccountLocks(np.arange(100, 105), True))
    undo_remove = plan.apply(RemoveTerritory(3, to=-1))
    plan.apply(undo_remove)
    plan.apply(RemoveTerritory(4, to=1))
    plan.apply(SetSettings(BalanceSettings(workload=WorkloadModel(speed_kmh=55.0), capacity_hard=False)))
    plan.apply(Batch([MoveAccounts(np.array([200, 201]), -1), SetAccountLocks(np.array([200]), True)], "Bulk"))
    return 13


def kpi_tuple(k: KpiState) -> tuple:
    return (k.counts.tolist(), k.sums.tolist(), k.workload.tolist(), k.seg_counts.tolist(), k.moved_count,
            k.moved_sums.tolist())


def assert_same_state(expected: Plan, got: Plan) -> None:
    assert np.array_equal(got.assignment, expected.assignment)
    assert np.array_equal(got.baseline, expected.baseline)
    assert np.array_equal(got.locked, expected.locked)
    assert [t.to_dict() for t in got.territories] == [t.to_dict() for t in expected.territories]
    assert got.settings == expected.settings
    assert kpi_tuple(got.kpis) == kpi_tuple(expected.kpis) == kpi_tuple(KpiState.full(got))


def crash(journal: Journal) -> Path:
    """Simulate a crash of the session owning `journal`: it disappears without close()."""
    path = journal.path
    del journal
    return path


def test_unsaved_plan_is_recovered_exactly_after_the_journal_is_dropped() -> None:
    plan = make_plan(300, 5, seed=4)
    journal = Journal.start(plan, None, source_path=Path("/data/accounts.csv"))
    n_edits = scripted_session(plan)
    assert list_recoverable() == []  # a live session's journal is never offered
    del journal
    [session] = list_recoverable()
    assert session.edit_count == n_edits and not session.torn_tail and session.project_path is None
    assert "accounts.csv" in session.description and f"{n_edits} unsaved edits" in session.description
    assert_same_state(plan, recover(session))


def test_killed_process_leaves_a_journal_that_recovers_its_plan() -> None:
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]);"
            "from tests.conftest import make_plan; from tests.io.project.test_recovery import scripted_session;"
            "from territory_desktop.io.project.recovery import Journal;"
            "p = make_plan(300, 5, seed=9); j = Journal.start(p, None); scripted_session(p);"
            "print('done', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ROOT)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "done"
        assert list_recoverable() == []  # still running: its lock is held
    finally:
        proc.kill()
        proc.wait(timeout=30)
    expected = make_plan(300, 5, seed=9)
    scripted_session(expected)
    [session] = list_recoverable()
    assert_same_state(expected, recover(session))


def test_project_journal_restarts_at_each_save_and_replays_onto_the_saved_file(tmp_path: Path) -> None:
    path = tmp_path / "q3.territory"
    plan = make_plan(300, 5, seed=5)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(10), 2))
    save_project(plan, path)
    journal.mark_saved(path)
    assert len(list(recovery_dir().glob("*.journal"))) == 1
    plan.apply(MoveAccounts(np.arange(10, 50), 3))
    plan.apply(SetAccountLocks(np.arange(10, 20), True))
    crash(journal)
    del journal
    [session] = list_recoverable()
    assert session.project_path == path.resolve() and session.edit_count == 2 and session.base_snapshot is None
    assert session.description.startswith("q3.territory: 2 unsaved edits")
    assert_same_state(plan, recover(session))

    save_project(make_plan(300, 5, seed=6), path)  # the file changed after the crash: edits no longer apply
    with pytest.raises(RecoveryError, match="saved again"):
        recover(session)
    discard(session)
    assert list_recoverable() == [] and path.exists()
    assert sorted(p.name for p in recovery_dir().iterdir()) == []


def test_clean_close_leaves_nothing_and_an_unedited_project_is_not_offered(tmp_path: Path) -> None:
    path = tmp_path / "p.territory"
    plan = make_plan(50, 3)
    save_project(plan, path)
    Journal.start(plan, path).close()
    assert list(recovery_dir().iterdir()) == []
    journal = Journal.start(plan, path)
    del journal  # crashed before any edit: nothing to give back
    assert list_recoverable() == [] and list(recovery_dir().iterdir()) == []


def test_edit_cut_off_by_the_crash_is_skipped_and_reported() -> None:
    plan = make_plan(200, 4, seed=2)
    journal = Journal.start(plan, None)
    plan.apply(MoveAccounts(np.arange(20), 1))
    path = journal.path
    del journal
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"kind": "move", "rows": [1, 2')
    [session] = list_recoverable()
    assert session.torn_tail and session.edit_count == 1 and "cut off" in session.description
    assert_same_state(plan, recover(session))


def _journal_with(lines: list[str]) -> Path:
    plan = make_plan(40, 3, seed=1)
    journal = Journal.start(plan, None)
    plan.apply(MoveAccounts(np.arange(5), 1))
    path = journal.path
    del journal
    with open(path, "a", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in lines)
    return path


@pytest.mark.parametrize(("lines", "words"), [
    (["not json at all", json.dumps({"kind": "move", "rows": [1], "to": 0})], "line 3"),
    ([json.dumps({"kind": "__import__('os').system('echo hi')"})], "unknown edit"),
    ([json.dumps({"kind": "move", "rows": [-1], "to": 0})], "outside"),
    ([json.dumps({"kind": "move", "rows": [1], "to": 99})], "outside"),
    ([json.dumps({"kind": "move", "rows": "abc", "to": 0})], "line 3"),
    ([json.dumps({"kind": "update_territory", "index": 0, "changes": {"__class__": 1}})], "line 3"),
    ([json.dumps([1, 2, 3])], "not an edit record"),
])
def test_malformed_journal_lines_give_a_clear_error(lines: list[str], words: str) -> None:
    path = _journal_with(lines)
    [session] = list_recoverable()
    with pytest.raises(RecoveryError) as info:
        recover(session)
    assert path.name in str(info.value) and words in str(info.value)


def test_damaged_header_is_listed_with_its_problem_and_can_be_discarded() -> None:
    bad = recovery_dir() / "20260101T000000-1-deadbeef.journal"
    bad.write_text("garbage\n", encoding="utf-8")
    [session] = list_recoverable()
    assert session.problem and bad.name in session.problem
    with pytest.raises(RecoveryError):
        recover(session)
    discard(session)
    assert not bad.exists()


def test_invalid_utf8_inside_the_journal_is_an_error_not_a_silent_change() -> None:
    path = _journal_with([])
    with open(path, "ab") as fh:
        fh.write(b'{"kind": "update_territory", "index": 0, "changes": {"name": "Caf\xe9"}}\n')
        fh.write(json.dumps({"kind": "move", "rows": [1], "to": 0}).encode() + b"\n")
    [session] = list_recoverable()
    assert session.problem and "line 3" in session.problem


def test_journal_recorded_for_another_number_of_accounts_is_refused() -> None:
    path = _journal_with([])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["n_accounts"] = 41
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]), encoding="utf-8")
    [session] = list_recoverable()
    with pytest.raises(RecoveryError, match="41 accounts"):
        recover(session)


def test_first_save_of_an_imported_plan_drops_its_snapshot(tmp_path: Path) -> None:
    plan = make_plan(80, 3)
    journal = Journal.start(plan, None)
    assert len(list(recovery_dir().glob("*.base.territory"))) == 1
    plan.apply(MoveAccounts(np.arange(4), 2))
    save_project(plan, tmp_path / "first.territory")
    journal.mark_saved(tmp_path / "first.territory")
    assert sorted(p.suffix for p in recovery_dir().iterdir()) == [".journal", ".lock"]
    plan.apply(MoveAccounts(np.arange(4, 8), 1))
    journal.close(discard=False)  # quit without saving, keeping the edits for the next start
    plan.apply(MoveAccounts(np.arange(8, 12), 1))  # no longer journaled
    [session] = list_recoverable()
    assert session.edit_count == 1 and session.base_snapshot is None
    recovered = recover(session)
    assert (recovered.assignment[4:8] == 1).all() and not np.array_equal(recovered.assignment, plan.assignment)


def test_a_journal_that_cannot_write_never_breaks_editing() -> None:
    plan = make_plan(80, 3)
    journal = Journal.start(plan, None)
    journal._fh.close()  # the disk went away
    plan.apply(MoveAccounts(np.arange(4), 2))
    assert (plan.assignment[:4] == 2).all()
    assert journal.error and journal.path.name in journal.error
    journal.close()


def test_leftovers_of_a_crash_during_journal_start_are_cleaned_up() -> None:
    folder = recovery_dir()
    (folder / "20260101T000000-1-aaaaaaaa.lock").write_bytes(b"")
    save_project(make_plan(10, 2), folder / "20260101T000000-1-aaaaaaaa.base.territory")
    (folder / "20260101T000000-1-bbbbbbbb.journal").write_bytes(b'{"journal_for')  # header cut short
    (folder / "20260101T000000-1-cccccccc.journal").write_bytes(b"")
    live = Journal.start(make_plan(10, 2), None)
    assert list_recoverable() == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [live.path.name, live.path.with_suffix(".lock").name, live.path.stem + ".base.territory"])
    live.close()


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(st.tuples(st.sampled_from(["move", "lock", "undo", "home", "settings", "remove"]),
                              st.integers(0, 10**6)), max_size=25))
def test_any_session_of_edits_and_undos_recovers_exactly(ops: list[tuple[str, int]]) -> None:
    for stale in list_recoverable():  # examples share the data folder of one test
        discard(stale)
    plan = make_plan(60, 4, seed=3)
    journal = Journal.start(plan, None)
    undo: list = []
    applied = 0
    for op, r in ops:
        rng = np.random.default_rng(r)
        k = int(rng.integers(0, plan.n_territories))
        if op == "move":
            edit = MoveAccounts(rng.choice(60, size=int(rng.integers(1, 10)), replace=False),
                                int(rng.integers(-1, plan.n_territories)))
        elif op == "lock":
            edit = SetAccountLocks(rng.choice(60, size=3, replace=False), bool(r % 2))
        elif op == "home":
            edit = UpdateTerritory(k, {"home_lat": float(rng.uniform(30, 45)), "capacity_hours": float(r)})
        elif op == "settings":
            edit = SetSettings(BalanceSettings(workload=WorkloadModel(speed_kmh=float(20 + r % 80))))
        elif op == "remove":
            edit = RemoveTerritory(k, to=-1)
        else:
            if undo:
                plan.apply(undo.pop())
                applied += 1
            continue
        with contextlib.suppress(EditRefused):  # refused edits are not applied, so not journaled either
            undo.append(plan.apply(edit))
            applied += 1
    del journal
    sessions = list_recoverable()
    assert len(sessions) == 1 and sessions[0].edit_count == applied
    assert_same_state(plan, recover(sessions[0]))
    discard(sessions[0])
