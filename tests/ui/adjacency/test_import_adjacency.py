"""File → Import Adjacency… and Remove Adjacency driven through the real menu entries: the pairs land on the
plan as one undoable step and the status bar says what came in; a bad file is explained by row and column in a
message box and leaves the plan as it was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.adjacency.conftest import grid_plan, write_pairs
from tests.ui.window_driver import make_window


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> list[str]:
    """The file dialog answers `path` (\"\" = Cancel); returns the start folders it was opened at."""
    asked: list[str] = []

    def answer(_parent, _caption="", folder="", _filter="", *_a, **_k):  # noqa: ANN001, ANN202
        asked.append(folder)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    return asked


def test_the_entry_sits_after_refresh_in_the_file_menu(qtbot, tmp_path: Path) -> None:
    w = make_window(qtbot, tmp_path, grid_plan())
    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    i = texts.index("Re&fresh from CRM Export…")
    assert texts[i + 1:i + 3] == ["Import A&djacency…", "Remo&ve Adjacency"]
    assert not w.actions_by_name["remove_adjacency"].isEnabled()  # nothing to remove yet


def test_importing_sets_the_adjacency_says_what_came_in_and_undoes(qtbot, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    _choose(monkeypatch, write_pairs(tmp_path))
    version = plan.version
    w.actions_by_name["import_adjacency"].trigger()

    assert plan.adjacency is not None and len(plan.adjacency) == 24 and plan.adjacency.units() == 16
    assert plan.adjacency.source == "iowa_pairs.csv" and plan.version > version
    assert w.statusBar().currentMessage() == "Adjacency: 24 touching pairs of 16 accounts from iowa_pairs.csv."
    assert w.errors == []
    stack = w.undo_group.activeStack()
    assert stack.count() == 1 and stack.text(0) == "Import adjacency from iowa_pairs.csv"
    assert w.actions_by_name["remove_adjacency"].isEnabled()
    assert w.isWindowModified()

    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    qtbot.keyClick(w.account_panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    assert plan.adjacency is None
    assert not w.actions_by_name["remove_adjacency"].isEnabled()
    w.actions_by_name["redo"].trigger()
    assert plan.adjacency is not None and len(plan.adjacency) == 24


def test_the_status_counts_accounts_no_pair_names(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window(qtbot, tmp_path, grid_plan())
    path = tmp_path / "two.csv"
    path.write_text("a,b\n19000,19001\n19001,19002\n", encoding="utf-8")
    _choose(monkeypatch, path)
    w.actions_by_name["import_adjacency"].trigger()
    assert w.statusBar().currentMessage() == ("Adjacency: 2 touching pairs of 3 accounts from two.csv · "
                                              "13 accounts of the plan touch none.")


def test_importing_again_replaces_the_adjacency_in_one_step(qtbot, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    _choose(monkeypatch, write_pairs(tmp_path))
    w.actions_by_name["import_adjacency"].trigger()
    first = plan.adjacency
    smaller = tmp_path / "north_row.csv"
    smaller.write_text("a,b\n19000,19001\n", encoding="utf-8")
    _choose(monkeypatch, smaller)
    w.actions_by_name["import_adjacency"].trigger()
    assert plan.adjacency is not None and len(plan.adjacency) == 1
    assert w.statusBar().currentMessage().startswith("Adjacency replaced: 1 touching pair of 2 accounts from "
                                                     "north_row.csv")
    w.actions_by_name["undo"].trigger()
    assert plan.adjacency == first


def test_cancelling_the_file_dialog_changes_nothing(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    _choose(monkeypatch, "")
    w.actions_by_name["import_adjacency"].trigger()
    assert plan.adjacency is None and w.undo_group.activeStack().count() == 0 and w.errors == []


@pytest.mark.parametrize(("extra", "words"), [
    ("19303\n", "iowa_pairs.csv: row 26: needs two account ids (county_a,county_b), got '19303'"),
    ("19303,55555\n", "iowa_pairs.csv: row 26, column 'county_b': '55555' is not an account id of the plan"),
])
def test_a_bad_row_is_named_in_a_message_and_the_plan_is_unchanged(qtbot, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    extra: str, words: str) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    monkeypatch.delattr(w, "show_error")  # the window's own message box, captured at QMessageBox
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *_a: shown.append((title, text)))
    _choose(monkeypatch, write_pairs(tmp_path, extra=extra))
    version, assignment = plan.version, plan.assignment.copy()
    w.actions_by_name["import_adjacency"].trigger()

    assert len(shown) == 1
    title, text = shown[0]
    assert title == "Import Adjacency" and text.startswith(words)
    assert "The plan is unchanged." in text and "two account ids a row (a,b)" in text
    assert plan.adjacency is None and plan.version == version and np.array_equal(plan.assignment, assignment)
    assert w.undo_group.activeStack().count() == 0
    assert not w.actions_by_name["remove_adjacency"].isEnabled()


def test_a_file_that_is_not_utf8_is_explained(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window(qtbot, tmp_path, grid_plan())
    path = tmp_path / "export.csv"
    path.write_bytes("a,b\n19000,19001\nZ\xfcrich,19002\n".encode("cp1252"))
    _choose(monkeypatch, path)
    w.actions_by_name["import_adjacency"].trigger()
    assert len(w.errors) == 1 and w.errors[0][1].startswith("export.csv: not a UTF-8 text file")
    assert w.plan.adjacency is None


def test_remove_is_one_undoable_step(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = grid_plan()
    w = make_window(qtbot, tmp_path, plan)
    _choose(monkeypatch, write_pairs(tmp_path))
    w.actions_by_name["import_adjacency"].trigger()
    imported = plan.adjacency

    w.actions_by_name["remove_adjacency"].trigger()
    assert plan.adjacency is None
    assert "Adjacency removed" in w.statusBar().currentMessage()
    assert not w.actions_by_name["remove_adjacency"].isEnabled()
    assert w.undo_group.activeStack().text(1) == "Remove adjacency"
    w.actions_by_name["undo"].trigger()
    assert plan.adjacency == imported and w.actions_by_name["remove_adjacency"].isEnabled()


def test_remove_follows_the_scenario_shown(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each scenario is its own plan: the copy made before the import has no adjacency to remove."""
    w = make_window(qtbot, tmp_path, grid_plan())
    w.doc.duplicate_scenario("Before the map", switch=False)
    _choose(monkeypatch, write_pairs(tmp_path))
    w.actions_by_name["import_adjacency"].trigger()
    remove = w.actions_by_name["remove_adjacency"]
    assert remove.isEnabled()
    w.doc.switch_scenario(1)
    assert w.plan.adjacency is None and not remove.isEnabled()
    w.doc.switch_scenario(0)
    assert w.plan.adjacency is not None and remove.isEnabled()
