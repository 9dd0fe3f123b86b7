"""A departure kept whole as a vacant territory and the hire who fills it, driven through the real dialogs:
Remove a rep → "Keep the book whole…" → Apply, then Add a rep → "Take over a vacant territory" → Apply; each
one undo step, the health check lists the vacancy, the exported change list carries both reasons."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton

from territory_desktop.ui.capacity import whatif_dialog
from territory_desktop.ui.capacity.whatif_choices import AddRepDialog, RemoveRepDialog
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def button(dlg: QDialog, text: str) -> QPushButton:
    box = dlg.findChildren(QDialogButtonBox)[0]
    return next(b for b in box.buttons() if b.text() == text)


def drive_modals(qtbot, steps: list[tuple[type, Callable[[QDialog], None]]]) -> list[QDialog]:
    """Answer the modal dialogs as they open, in order, as a planner would (each step: its class, what to do)."""
    seen: list[QDialog] = []
    timer = QTimer()

    def tick() -> None:
        dlg = QApplication.activeModalWidget()
        if not steps or dlg is None or (seen and dlg is seen[-1]) or not isinstance(dlg, steps[0][0]):
            return
        seen.append(dlg)
        _cls, act = steps.pop(0)
        act(dlg)
        if not steps:
            timer.stop()

    timer.timeout.connect(tick)
    timer.start(30)
    drive_modals.timers.append(timer)  # keep it alive until the test ends
    return seen


drive_modals.timers = []


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_keep_the_book_whole_then_the_hire_fills_it_each_one_undo_step(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=500, k=5, seed=11))
    plan = w.plan
    book = plan.rows_in(3)
    w.territory_panel.select_territory(3)
    shown: list[QDialog] = []

    def keep(dlg: RemoveRepDialog) -> None:
        assert dlg.redistribute.isChecked()  # the old behaviour stays the default
        click(qtbot, dlg.keep)
        dlg.grab().save(str(tmp_path / "remove_choice.png"))
        click(qtbot, button(dlg, "Work it out"))

    def apply(dlg: QDialog) -> None:
        shown.append(dlg)
        click(qtbot, button(dlg, "Apply"))

    drive_modals(qtbot, [(RemoveRepDialog, keep), (whatif_dialog.WhatIfDialog, apply)])
    whatif_dialog.run_what_if(w, "remove")
    qtbot.waitUntil(lambda: plan.territories[-1].name == "T3 (vacant)", timeout=20_000)
    seat = plan.n_territories - 1
    assert "kept whole" in shown[0].proposal.title
    assert np.array_equal(plan.rows_in(seat), book) and plan.territories[seat].rep == ""
    assert w.undo_group.activeStack().count() == 1
    qtbot.waitUntil(lambda: any("vacant until the hire" in w.capacity_panel.health.item(i).text()
                                for i in range(w.capacity_panel.health.count())), timeout=5_000)

    def fill(dlg: AddRepDialog) -> None:
        assert dlg.fill.isChecked() and dlg.seat.currentText() == "T3 (vacant)"
        qtbot.keyClicks(dlg.rep, "Ben Ortiz")
        click(qtbot, dlg.at_zip)
        qtbot.keyClicks(dlg.zip, "80202")
        click(qtbot, button(dlg, "Work it out"))

    drive_modals(qtbot, [(AddRepDialog, fill), (whatif_dialog.WhatIfDialog, apply)])
    whatif_dialog.run_what_if(w, "add")
    qtbot.waitUntil(lambda: plan.territories[seat].rep == "Ben Ortiz", timeout=20_000)
    t = plan.territories[seat]
    assert t.name == "T3" and not t.locked and abs(t.home_lat - 39.75) < 0.1
    assert np.array_equal(plan.rows_in(seat), book)
    assert w.undo_group.activeStack().count() == 2
    health = [w.capacity_panel.health.item(i).text() for i in range(w.capacity_panel.health.count())]
    assert not any("vacant" in h for h in health)

    out = tmp_path / "changes.csv"
    assert w.exports.export_changes(out, dt.date(2027, 1, 4))
    with out.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(book)
    assert {(r["From Rep"], r["To Territory"], r["To Rep"], r["Reason"]) for r in rows} == \
        {("Rep 3", "T3", "Ben Ortiz", "New hire: Ben Ortiz (T3)")}

    w.undo_group.undo()  # the hire
    assert plan.territories[seat].name == "T3 (vacant)" and plan.territories[seat].rep == ""
    w.undo_group.undo()  # the departure
    assert plan.n_territories == 5 and np.array_equal(plan.rows_in(3), book)


def test_a_new_hire_can_still_carve_a_new_territory_beside_a_vacancy(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=600, k=6, seed=12))
    plan = w.plan
    w.territory_panel.select_territory(1)
    drive_modals(qtbot, [(RemoveRepDialog, lambda d: (click(qtbot, d.keep), click(qtbot, button(d, "Work it out")))),
                         (whatif_dialog.WhatIfDialog, lambda d: click(qtbot, button(d, "Apply")))])
    whatif_dialog.run_what_if(w, "remove")
    qtbot.waitUntil(lambda: plan.territories[-1].name == "T1 (vacant)", timeout=20_000)
    seat = plan.n_territories - 1
    book = plan.rows_in(seat)

    def carve(dlg: AddRepDialog) -> None:
        click(qtbot, dlg.carve)
        assert dlg.thinnest.isChecked() and not dlg.seat.isEnabled()
        dlg.name.setText("Gulf")
        qtbot.keyClicks(dlg.rep, "Cara Diaz")
        click(qtbot, button(dlg, "Work it out"))

    drive_modals(qtbot, [(AddRepDialog, carve), (whatif_dialog.WhatIfDialog,
                                                 lambda d: click(qtbot, button(d, "Apply")))])
    whatif_dialog.run_what_if(w, "add")
    qtbot.waitUntil(lambda: plan.territories[-1].name == "Gulf", timeout=30_000)
    gulf = plan.rows_in(plan.n_territories - 1)
    assert plan.territories[-1].rep == "Cara Diaz" and len(gulf)
    assert set(plan.notes.reason[gulf]) == {"New hire: Cara Diaz (Gulf)"}
    assert np.array_equal(plan.rows_in(seat), book)  # the carve took nothing from the vacant book


def test_the_fill_dialog_asks_for_the_hires_name_and_a_vacant_territory_offers_only_redistribution(qtbot):
    dlg = AddRepDialog("New territory 6", None, [(5, "West (vacant)")])
    qtbot.addWidget(dlg)
    dlg.show()
    click(qtbot, button(dlg, "Work it out"))
    assert dlg.result() != QDialog.DialogCode.Accepted and "Name the new hire" in dlg.problem.text()
    assert dlg.seat_home.isChecked() and not dlg.thinnest.isEnabled()
    qtbot.keyClicks(dlg.rep, "Ben Ortiz")
    click(qtbot, button(dlg, "Work it out"))
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.seat_index == 5 and dlg.home is None
    no_vacancy = AddRepDialog("New territory 6", None, [])
    qtbot.addWidget(no_vacancy)
    assert not no_vacancy.fill.isEnabled() and no_vacancy.carve.isChecked() and no_vacancy.seat_index == -1
    vacant = RemoveRepDialog("West (vacant)", "", 40, vacant=True)
    qtbot.addWidget(vacant)
    assert not vacant.keep.isEnabled() and vacant.mode == "redistribute"
