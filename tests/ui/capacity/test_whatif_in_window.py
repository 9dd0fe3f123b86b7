"""What-if from the capacity view: computed in the background, shown, applied as one undoable step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog

from territory_desktop.core import kpis
from territory_desktop.ui.capacity import whatif_dialog
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


@pytest.fixture
def accept_dialog(monkeypatch):
    shown = []

    def exec_(self) -> int:
        shown.append(self.proposal)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(whatif_dialog.WhatIfDialog, "exec", exec_)
    return shown


def test_add_a_rep_then_undo(qtbot, tmp_path, accept_dialog):
    w = make_window(qtbot, tmp_path, make_plan(n=600, k=6, seed=8))
    before = w.plan.assignment.copy()
    counts = w.plan.kpis.counts.copy()
    future = whatif_dialog.run_what_if(w, "add", ask=False)
    qtbot.waitUntil(lambda: bool(accept_dialog), timeout=30_000)
    proposal = accept_dialog[0]
    assert w.plan.n_territories == 7 and w.plan.territories[6].name.startswith("New territory")
    new = np.flatnonzero(w.plan.assignment == 6)
    assert len(new) == proposal.moved_accounts > 0
    assert np.array_equal(kpis.territory_table(w.plan)["accounts"], proposal.after["accounts"])
    assert w.undo_group.activeStack().count() == 1
    w.undo_group.undo()
    assert np.array_equal(w.plan.assignment, before)
    assert np.array_equal(w.plan.kpis.counts[:6], counts[:6])
    assert future.done()


def test_remove_a_rep_redistributes_the_book(qtbot, tmp_path, accept_dialog):
    w = make_window(qtbot, tmp_path, make_plan(n=600, k=6, seed=9))
    w.territory_panel.select_territory(2)
    whatif_dialog.run_what_if(w, "remove", ask=False)
    qtbot.waitUntil(lambda: bool(accept_dialog), timeout=30_000)
    assert w.plan.territories[2].removed and not (w.plan.assignment == 2).any()
    w.undo_group.undo()
    assert not w.plan.territories[2].removed and (w.plan.assignment == 2).any()


def test_add_rep_dialog_takes_a_zip_for_the_home_and_refuses_an_unknown_one(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    dlg = whatif_dialog.AddRepDialog("West 2")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.mouseClick(dlg.at_zip, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dlg.zip, "00000")
    ok = next(b for b in dlg.findChildren(QDialogButtonBox)[0].buttons() if b.text() == "Work it out")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() != QDialog.DialogCode.Accepted and "not a US ZIP" in dlg.problem.text()
    dlg.zip.clear()
    qtbot.keyClicks(dlg.zip, "80202")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.home == pytest.approx((39.75, -104.99), abs=0.1)  # downtown Denver
