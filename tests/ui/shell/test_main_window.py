"""The main window as a planner uses it: title and modified mark, files, recent files, layout, keyboard."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

import territory_desktop.io.project.project_file as project
from territory_desktop.core.edits import MoveAccounts, SetAccountLocks, UpdateTerritory
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.ui.shell.main_window import MainWindow
from territory_desktop.ui.shell.preferences import app_settings, recent_files
from tests.conftest import make_plan
from tests.ui.window_driver import drop_on, make_window


def test_title_names_the_file_and_marks_unsaved_changes(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=120, k=3))
    assert w.windowTitle() == "Untitled[*] — Territory Desktop"
    assert not w.isWindowModified()
    drop_on(w.territory_panel, [1, 2, 3], 2)
    assert w.isWindowModified()
    w.actions_by_name["undo"].trigger()
    assert not w.isWindowModified()  # back at the saved state
    w.actions_by_name["redo"].trigger()
    assert w.isWindowModified()
    assert w.files.save_as(tmp_path / "north")
    assert w.windowTitle() == "north.territory[*] — Territory Desktop"
    assert not w.isWindowModified()


def test_save_then_reopen_restores_the_whole_plan(qtbot, tmp_path):
    plan = make_plan(n=300, k=5, seed=11)
    w = make_window(qtbot, tmp_path, plan)
    ctl = w.doc.controller
    drop_on(w.territory_panel, np.arange(10, 40), 3)
    ctl.apply(SetAccountLocks([5, 6], True))
    w.territory_panel.rename_territory(1, "Great Lakes")
    w.territory_panel.set_locked(4, True)
    w.territory_panel.remove_territory(0, 2)
    new = w.territory_panel.add_territory("Gulf Coast")
    assert new is not None
    ctl.apply(MoveAccounts([100, 101], new))
    settings = BalanceSettings().with_measures(BalanceSettings().measures[:2])
    w.preview_settings(settings)  # a preview alone must not change the plan
    assert w.plan.settings == BalanceSettings()
    path = tmp_path / "plan.territory"
    assert w.files.save_as(path)
    assert recent_files(w.settings)[0] == str(path.resolve())

    other = make_window(qtbot, tmp_path, make_plan(n=10, k=2))
    followed = []
    other.documentChanged.connect(lambda doc: followed.append(doc.plan))  # how a later dock follows
    assert other.files.open_path(path)
    assert followed == [other.plan]
    p2, p1 = other.plan, plan
    assert np.array_equal(p2.assignment, p1.assignment)
    assert np.array_equal(p2.baseline, p1.baseline)
    assert np.array_equal(p2.locked, p1.locked)
    assert [t.to_dict() for t in p2.territories] == [t.to_dict() for t in p1.territories]
    assert p2.kpis.equals(p1.kpis)
    assert other.territory_panel.model.rowCount() == len(p1.active_territories())
    assert other.windowTitle().startswith("plan.territory")
    assert not other.isWindowModified()


def test_unsaved_changes_prompt_can_cancel_or_discard_an_open(qtbot, tmp_path):
    path = tmp_path / "other.territory"
    project.save_project(make_plan(n=50, k=2, seed=3), path)
    w = make_window(qtbot, tmp_path, make_plan(n=80, k=3))
    drop_on(w.territory_panel, [0, 1], 1)
    asked = []
    w.ask = lambda title, text, *_: asked.append(text) or QMessageBox.StandardButton.Cancel
    assert not w.files.open_path(path)
    assert "unsaved changes" in asked[0] and w.plan.n_accounts == 80
    w.ask = lambda *_: QMessageBox.StandardButton.Discard
    assert w.files.open_path(path)
    assert w.plan.n_accounts == 50


def test_file_errors_are_shown_as_a_message_not_a_traceback(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=40, k=2))
    bad = tmp_path / "broken.territory"
    bad.write_bytes(b"this is not a plan")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    assert not w.files.open_path(bad)
    assert not w.files.open_path(tmp_path / "missing.territory")
    assert not w.files.open_path(tmp_path / "notes.docx")
    titles, texts = zip(*w.errors, strict=True)
    assert set(titles) == {"Cannot Open File"}
    assert "broken.territory" in texts[0] and "Traceback" not in texts[0]
    assert "missing.territory does not exist" in texts[1]
    assert "notes.docx is not a file Territory Desktop can open" in texts[2]
    assert w.plan.n_accounts == 40  # the plan on screen is untouched


def test_a_plan_file_dropped_on_the_window_opens(qtbot, tmp_path):
    path = tmp_path / "dropped.territory"
    project.save_project(make_plan(n=60, k=3, seed=2), path)
    w = make_window(qtbot, tmp_path, make_plan(n=30, k=2))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w, drop)
    qtbot.waitUntil(lambda: w.plan.n_accounts == 60, timeout=3000)
    assert w.windowTitle().startswith("dropped.territory")


def test_move_selection_by_keyboard_with_the_chooser(qtbot, tmp_path):
    import territory_desktop.ui.accounts.move_chooser as chooser
    plan = make_plan(n=100, k=4, seed=9)
    w = make_window(qtbot, tmp_path, plan)
    w.doc.controller.apply(UpdateTerritory(3, {"name": "Pacific Northwest"}))
    rows = np.flatnonzero(plan.assignment != 3)[:4]
    w.selection.set_rows(rows)

    def pick() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, chooser.MoveChooser)
        qtbot.keyClicks(dlg.filter, "pacific")
        qtbot.keyClick(dlg.filter, Qt.Key.Key_Return)

    assert w.selection_summary.text().startswith("4 selected · $")
    QTimer.singleShot(0, pick)
    w.actions_by_name["move"].trigger()
    assert (plan.assignment[rows] == 3).all()
    assert "Moved 4 accounts to Pacific Northwest" in w.statusBar().currentMessage()


def test_docks_and_window_state_persist_between_sessions(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    w = MainWindow(make_plan(n=50, k=2), settings=settings, start_journal=False)
    qtbot.addWidget(w)
    w.show()
    w.history_dock.hide()
    w.territory_panel.view.sortByColumn(w.territory_panel.model.column_of("dev_potential"),
                                        Qt.SortOrder.DescendingOrder)
    w.close()
    w2 = MainWindow(make_plan(n=50, k=2), settings=settings, start_journal=False)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.history_dock.isHidden() and not w2.territory_dock.isHidden()
    header = w2.territory_panel.view.horizontalHeader()
    assert w2.territory_panel.model.column_key(header.sortIndicatorSection()) == "dev_potential"
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    w2.reset_layout()
    assert not w2.history_dock.isHidden()


def test_settings_stay_inside_the_test_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TERRITORY_DESKTOP_DATA_DIR", str(tmp_path))
    assert app_settings().fileName() == str(tmp_path / "settings.ini")


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshot_is_written_and_not_blank(qtbot, tmp_path, size):
    from territory_desktop.ui.shell.startup import render_screenshot

    plan_path = tmp_path / "shot.territory"
    project.save_project(make_plan(n=400, k=8, seed=4), plan_path)
    out = tmp_path / "shot.png"
    render_screenshot(str(plan_path), str(out), size)
    img = QImage(str(out))
    assert (img.width(), img.height()) == size
    small = img.scaled(96, 54).convertToFormat(QImage.Format.Format_RGB32)
    colours = {small.pixel(x, y) for x in range(96) for y in range(54)}
    assert len(colours) > 40  # text, swatches, bars: a real window, not a flat fill


def test_signals_used_from_python_do_not_eat_references_to_bools():
    """PySide6 6.12.0 + Python 3.11 abort after a few thousand emits: the pinned Qt binding must not leak."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Source(QObject):
        changed = Signal(int)

    src = Source()
    slots = [lambda _v: None for _ in range(500)]
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for slot in slots:
        src.changed.connect(slot)
    for i in range(5000):
        src.changed.emit(i)
    for slot in slots:
        src.changed.disconnect(slot)
    assert abs(sys.getrefcount(True) + sys.getrefcount(False) - before) < 50  # the bug loses 6,000 here


def test_balance_settings_preview_live_and_apply_as_one_undoable_step(qtbot, tmp_path):
    import territory_desktop.ui.settings.dialog as dialogs
    plan = make_plan(n=300, k=5, seed=13)
    w = make_window(qtbot, tmp_path, plan)
    original = plan.settings
    pill_before = w.health.band.text()
    seen = {}

    def narrow_the_primary_band() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, dialogs.BalanceSettingsDialog)
        row = next(r for r in dlg._rows if r.primary.isChecked())
        row.band.setValue(1.0)  # ±1%: nearly every territory falls out of band
        seen["pill"] = w.health.band.text()
        seen["plan_settings"] = plan.settings
        dlg.accept()

    QTimer.singleShot(0, narrow_the_primary_band)
    assert w.open_balance_settings()
    assert seen["plan_settings"] == original  # the live preview did not edit the plan
    assert seen["pill"] != pill_before  # ...but the status bar already showed its consequence
    assert plan.settings.primary.band == 0.01
    assert w.health.band.text() == seen["pill"]
    assert w.doc.controller.stack.count() == 1
    w.actions_by_name["undo"].trigger()
    assert plan.settings == original
    assert w.health.band.text() == pill_before


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_default_layout_shows_every_territory_column_and_the_table(qtbot, tmp_path, size):
    w = make_window(qtbot, tmp_path, make_plan(n=200, k=12, seed=2))
    w.resize(*size)
    w.arrange_default_layout()
    QApplication.processEvents()
    view = w.territory_panel.view
    assert view.horizontalScrollBar().maximum() == 0  # no column hidden behind a scroll bar
    assert view.viewport().height() >= 5 * view.verticalHeader().defaultSectionSize()
    assert w.centralWidget().height() >= 0.4 * size[1]
    assert w.history_dock.isVisible() and w.history_dock.width() >= 250


def test_run_gui_opens_the_given_file_in_a_shown_window(qtbot, tmp_path, monkeypatch):
    from territory_desktop.ui.shell import startup as gui_main

    path = tmp_path / "start.territory"
    project.save_project(make_plan(n=70, k=3, seed=5), path)
    app = QApplication.instance()
    monkeypatch.setattr(app, "exec", lambda: 0)  # return at once instead of running the event loop
    before = set(QApplication.topLevelWidgets())
    assert gui_main.run_gui([str(path)]) == 0
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w not in before]
    assert len(windows) == 1
    w = windows[0]
    qtbot.addWidget(w)
    assert w.isVisible() and w.plan.n_accounts == 70
    assert w.windowTitle() == "start.territory[*] — Territory Desktop"
    qtbot.waitUntil(lambda: w.doc.journal is not None)  # crash recovery is on once the window is up


def test_select_its_accounts_then_ctrl_m_moves_the_whole_territory(qtbot, tmp_path):
    plan = make_plan(n=150, k=4, seed=21)
    w = make_window(qtbot, tmp_path, plan)
    rows = plan.rows_in(2)
    w.territory_panel.select_territory(2)
    w.territory_panel.actions_by_name["select"].trigger()
    assert np.array_equal(w.selection.rows, rows)
    assert np.array_equal(w.account_panel.selected_rows(), rows)  # the table shows the same selection
    assert w.selection_summary.text().startswith(f"{len(rows)} selected")
    assert w.move_selection(0)
    assert (plan.assignment[rows] == 0).all() and plan.kpis.counts[2] == 0


@pytest.mark.skipif(not hasattr(__import__("os"), "link"), reason="hard links")
def test_saving_a_hard_linked_plan_says_in_the_status_bar_that_the_other_name_keeps_the_old_plan(qtbot, tmp_path):
    import os

    w = make_window(qtbot, tmp_path, make_plan(n=60, k=3))
    path = tmp_path / "plan.territory"
    assert w.files.save_as(path)
    assert w.statusBar().currentMessage() == "Saved plan.territory."
    os.link(path, tmp_path / "backup.territory")
    drop_on(w.territory_panel, [1, 2], 2)
    assert w.files.save()
    msg = w.statusBar().currentMessage()
    assert msg.startswith("plan.territory was saved as a new file: its other name (a hard link) keeps the previous")
    assert project.open_project(tmp_path / "backup.territory").assignment.tolist() != w.plan.assignment.tolist()
