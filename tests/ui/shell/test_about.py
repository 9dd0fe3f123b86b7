"""Help → About: the version defined once in pyproject.toml, and the licences of everything the app ships
with — the same text as the file the installers ship."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from territory_desktop import __version__
from territory_desktop.io.resources import resource_path
from territory_desktop.ui.shell.about import AboutDialog
from tests.ui.window_driver import make_window

ROOT = Path(__file__).resolve().parents[3]


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_version_is_the_one_in_pyproject() -> None:
    assert __version__ == _pyproject_version()


def _table_rows(markdown: str) -> list[list[str]]:
    """The cells of every table row the dialog shows (its text read back as Markdown)."""
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in markdown.splitlines()
            if line.lstrip().startswith("|") and not set(line.strip()) <= set("|-: ")]


def test_help_about_opens_with_the_version_and_the_bundled_licences(qtbot, tmp_path, small_plan) -> None:
    window = make_window(qtbot, tmp_path, small_plan)
    seen: dict[str, str] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        seen["title"] = dialog.title.text()
        seen["licences"] = dialog.licenses.toMarkdown()
        seen["build"] = dialog.build.text()
        dialog.grab().save(str(tmp_path / "about.png"))
        dialog.reject()

    QTimer.singleShot(200, read_and_close)
    window.actions_by_name["about"].trigger()  # modal: returns once the dialog is closed
    assert f"version {_pyproject_version()}" in seen["title"]
    assert "Python 3." in seen["build"] and "Qt 6." in seen["build"]
    rows = _table_rows(seen["licences"])
    for component, licence in (("Qt 6", "LGPL-3.0"), ("Google OR-Tools", "Apache-2.0"),
                               ("Natural Earth", "public domain"), ("GeoNames", "CC-BY 4.0"),
                               ("NumPy", "BSD-3-Clause"), ("Shapely", "BSD-3-Clause"), ("GEOS", "LGPL-2.1")):
        (row,) = [r for r in rows if r[0].startswith(component)]
        assert licence in row[-1], (component, row)
    assert (tmp_path / "about.png").stat().st_size > 0


def test_the_dialog_shows_the_shipped_file(qtbot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    shipped = resource_path("THIRD-PARTY-LICENSES.md").read_text(encoding="utf-8")
    shown = dialog.licenses.toMarkdown()
    for line in shipped.splitlines():
        if line.startswith("| ") and not line.startswith("| Component") and not line.startswith("| Data"):
            name = line.split("|")[1].strip()
            assert name.split(" (")[0] in shown, name


def test_a_missing_licence_file_is_said_in_words(qtbot, monkeypatch) -> None:
    import territory_desktop.ui.shell.about as about

    def missing(*parts: str) -> Path:
        raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found; looked in: /nowhere")

    monkeypatch.setattr(about, "resource_path", missing)
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert "could not be read" in dialog.licenses.toPlainText()
    assert "THIRD-PARTY-LICENSES.md" in dialog.licenses.toPlainText()
