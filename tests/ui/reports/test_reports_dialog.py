"""File → Reports… driven as a user does: choose the folder and the reports, write, see the files; cancel
and find nothing written; reach it from the File menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from territory_desktop.io.reports import BOOKS_FOLDER, SUMMARY_FILE, WORKBOOK_FILE
from territory_desktop.ui.reports import dialog as dialog_mod
from territory_desktop.ui.reports.dialog import ReportsDialog
from tests.io.reports.report_plan import report_plan
from tests.ui.window_driver import make_window


@pytest.fixture
def plan():  # noqa: ANN201
    return report_plan(n=400, k=6)


def _dialog(qtbot, plan, folder: Path) -> ReportsDialog:
    d = ReportsDialog(plan, "FY27 plan", folder)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _finished(d: ReportsDialog) -> bool:
    return not d.running and d.write_button.isEnabled()


def test_choose_folder_and_reports_write_and_open(qtbot, plan, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "chosen"
    target.mkdir()
    d = _dialog(qtbot, plan, tmp_path / "default")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(target))
    qtbot.mouseClick(d.browse, Qt.MouseButton.LeftButton)
    assert d.folder.text() == str(target)
    d.workbook.click()  # untick the workbook
    assert d.write_button.isEnabled()
    qtbot.mouseClick(d.write_button, Qt.MouseButton.LeftButton)
    assert d.running and not d.books.isEnabled()  # choices are frozen while it writes
    qtbot.waitUntil(lambda: _finished(d), timeout=60_000)
    books = sorted(p.name for p in (target / BOOKS_FOLDER).iterdir())
    assert books == [f"T{i} - Rep {i}.pdf" for i in range(6)]
    assert (target / SUMMARY_FILE).is_file() and not (target / WORKBOOK_FILE).exists()
    assert d.progress.value() == 100
    assert d.status.text() == f"Wrote 6 rep books and {SUMMARY_FILE} to {target}."
    assert d.open_button.isVisible() and d.cancel_button.text() == "Close"
    opened = []
    monkeypatch.setattr(dialog_mod.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    qtbot.mouseClick(d.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(target)]


def test_cancel_leaves_no_file(qtbot, plan, tmp_path: Path) -> None:
    d = _dialog(qtbot, plan, tmp_path)
    qtbot.mouseClick(d.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.progress.value() > 0 or not d.running, timeout=30_000)
    assert d.running and d.cancel_button.text() == "Cancel"
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    assert d.isVisible()  # Cancel stops the run; the dialog stays to say so
    qtbot.waitUntil(lambda: _finished(d), timeout=30_000)
    assert d.status.text() == "Cancelled: no report was written."
    assert list(tmp_path.iterdir()) == []  # not even the staging folder


def test_a_folder_that_is_a_file_is_reported(qtbot, plan, tmp_path: Path) -> None:
    a_file = tmp_path / "plan.territory"
    a_file.write_text("x")
    d = _dialog(qtbot, plan, a_file)
    qtbot.mouseClick(d.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _finished(d), timeout=30_000)
    assert "is a file, not a folder" in d.status.text()
    for box in (d.books, d.summary, d.workbook):
        box.setChecked(False)
    assert not d.write_button.isEnabled()  # nothing chosen, nothing to write


def test_file_menu_opens_the_reports_dialog(qtbot, plan, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, plan)
    seen = []

    def close_it() -> None:
        modal = QApplication.activeModalWidget()
        seen.append(modal)
        if modal is not None:
            modal.reject()

    QTimer.singleShot(200, close_it)
    w.menus.actions["reports"].trigger()
    assert isinstance(seen[0], ReportsDialog)
    assert seen[0].folder.text() == str(Path.home() / "Territory reports")
