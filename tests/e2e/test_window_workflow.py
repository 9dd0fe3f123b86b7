"""Whole workflows through the window: import → move → save → reopen → export, and a crash then restore."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

import territory_desktop.io.project.project_file as project
import territory_desktop.io.project.recovery as recovery
import territory_desktop.io.sample.generate as sample
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.ui.hub.document import Document, import_file
from tests.conftest import make_plan
from tests.ui.window_driver import drop_on, make_window

ROOT = Path(__file__).resolve().parents[2]

_APP_SESSION = """
import sys
import numpy as np
from territory_desktop.ui.shell.startup import ensure_app
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.ui.hub.document import Document, load_path
from territory_desktop.ui.shell.main_window import MainWindow

app = ensure_app(offscreen=True)
loaded = load_path(sys.argv[1])
w = MainWindow(Document(loaded.plan, loaded.project_path), restore_state=False)
w.show()
app.processEvents()
assert w.doc.journal is not None, w.doc.journal_problem
w.territory_panel.move_rows_to(np.arange(0, 30), 2)
w.territory_panel.rename_territory(1, "Recovered North")
w.doc.controller.stack.undo()
w.doc.controller.stack.redo()
np.save(sys.argv[2], w.plan.assignment)
print("READY", flush=True)
app.exec()
"""


def test_crash_then_restart_offers_and_restores_the_unsaved_edits(qtbot, tmp_path):
    plan_path = tmp_path / "book.territory"
    project.save_project(make_plan(n=200, k=4, seed=12), plan_path)
    expected = tmp_path / "expected.npy"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _APP_SESSION, str(plan_path), str(expected)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY", proc.stderr.read()
    finally:
        proc.kill()  # the app dies without closing anything: a crash
        proc.wait(timeout=10)

    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    asked = []
    w.ask = lambda title, text, *_: asked.append(text) or QMessageBox.StandardButton.Yes
    assert w.files.offer_recovery()
    assert asked[0].startswith("Territory Desktop closed unexpectedly. Restore 4 unsaved edits to book.territory?")
    assert np.array_equal(w.plan.assignment, np.load(expected))
    assert w.plan.territories[1].name == "Recovered North"
    assert w.territory_panel.model.index(w.territory_panel.model.row_of(1), 0).data() == "Recovered North"
    assert w.windowTitle().startswith("book.territory") and w.isWindowModified()
    assert not recovery.list_recoverable()  # offered once; the restored plan has its own journal now
    w.ask = lambda *_: QMessageBox.StandardButton.Discard
    w.close()
    assert not recovery.list_recoverable()  # a clean close leaves nothing to recover


def test_discarding_the_offer_deletes_the_recovery_file(qtbot, tmp_path):
    plan = make_plan(n=50, k=3, seed=1)
    doc = Document(plan)
    doc.start_journal()
    doc.controller.apply(MoveAccounts([1], 2))
    journal, doc.journal = doc.journal, None
    del journal  # dropped without close: what a crash leaves behind
    assert len(recovery.list_recoverable()) == 1
    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    w.ask = lambda *_: QMessageBox.StandardButton.Discard
    assert not w.files.offer_recovery()
    assert not recovery.list_recoverable()
    assert w.plan.n_accounts == 20


def test_import_move_save_reopen_export(qtbot, tmp_path):
    accounts, reps = sample.write_sample(tmp_path / "crm", 400, 6, seed=3)
    loaded = import_file(accounts)
    w = make_window(qtbot, tmp_path, make_plan(n=10, k=2))
    w.set_document(Document(loaded.plan, None, loaded.source_path))
    assert w.windowTitle() == "Untitled (from accounts.csv)[*] — Territory Desktop"
    plan = w.plan
    target = int(plan.active_territories()[0])
    rows = np.flatnonzero((plan.assignment != target) & ~plan.locked)[:12]
    drop_on(w.territory_panel, rows, target)
    assert w.isWindowModified()

    assert w.files.save_as(tmp_path / "realigned.territory")
    assert not w.isWindowModified()
    assert w.exports.export_assignments(tmp_path / "assignments.csv")
    assert w.exports.export_changes(tmp_path / "changes.csv", dt.date(2027, 1, 1), "FY27 realignment")
    changes = (tmp_path / "changes.csv").read_text(encoding="utf-8").splitlines()
    assert len(changes) == 1 + len(rows)
    assert "2027-01-01" in changes[1] and "FY27 realignment" in changes[1]
    assert len((tmp_path / "assignments.csv").read_text(encoding="utf-8").splitlines()) == 1 + plan.n_accounts

    w2 = make_window(qtbot, tmp_path, make_plan(n=10, k=2))
    assert w2.files.open_path(tmp_path / "realigned.territory")
    assert np.array_equal(w2.plan.assignment, plan.assignment)
    assert w2.plan.kpis.moved_count == len(rows)
    assert "Moved 12 accounts" in w2.health.moved.text()


def test_a_crashed_session_without_edits_is_cleared_without_asking(qtbot, tmp_path):
    doc = Document(make_plan(n=30, k=2, seed=4))
    doc.start_journal()
    journal, doc.journal = doc.journal, None
    del journal
    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    w.ask = lambda *_: pytest.fail("nothing to restore: the planner must not be asked")
    assert not w.files.offer_recovery()
    assert not list((Path(os.environ["TERRITORY_DESKTOP_DATA_DIR"]) / "recovery").glob("*.journal"))
