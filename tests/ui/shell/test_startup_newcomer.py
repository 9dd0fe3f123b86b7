"""Starting the app as a newcomer does: `territory-desktop export.csv` goes through the import dialog (mapping,
report) as the README says, and with no display the app says it runs offscreen instead of looking hung."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from territory_desktop.ui.shell import startup
from territory_desktop.ui.shell.file_commands import FileCommands
from tests.ui.importing.test_import_dialog import MESSY


def test_a_csv_on_the_command_line_opens_the_import_dialog(qtbot, tmp_path, monkeypatch) -> None:
    export = tmp_path / "crm export.csv"
    export.write_text(MESSY, encoding="utf-8")
    seen: list[Path | None] = []
    monkeypatch.setattr(FileCommands, "_run_import_dialog", lambda self, path: seen.append(path))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = startup.open_window([str(export)], settings=settings, copilot=False, journal=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [export]
    assert window.plan.n_accounts == 0  # nothing imported behind the planner's back
    window.doc.close()


def test_a_project_on_the_command_line_opens_directly(qtbot, tmp_path, monkeypatch) -> None:
    import territory_desktop.io.project.project_file as project
    from tests.conftest import make_plan

    path = tmp_path / "book.territory"
    project.save_project(make_plan(n=30, k=2), path)
    monkeypatch.setattr(FileCommands, "_run_import_dialog", lambda self, p: (_ for _ in ()).throw(AssertionError))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = startup.open_window([str(path)], settings=settings, copilot=False, journal=False)
    qtbot.addWidget(window)
    assert window.plan.n_accounts == 30
    window.doc.close()


def test_no_display_is_said_in_one_line() -> None:
    line = startup.headless_notice({}, "linux")
    assert line is not None and "offscreen" in line and "screenshot" in line
    assert startup.headless_notice({"DISPLAY": ":0"}, "linux") is None
    assert startup.headless_notice({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert startup.headless_notice({}, "win32") is None
    assert "offscreen" in (startup.headless_notice({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux") or "")


def test_run_gui_prints_the_line_before_starting(monkeypatch, capsys) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(startup.sys, "platform", "linux")
    started = []
    monkeypatch.setattr(startup, "open_window", lambda paths, **_k: started.append(paths))
    monkeypatch.setattr(startup.QApplication, "exec", lambda self=None: 0)
    assert startup.run_gui([]) == 0
    assert started == [[]]
    assert "offscreen" in capsys.readouterr().err
