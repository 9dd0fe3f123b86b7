"""The co-pilot dock says whether every territory is one connected piece of the map, once the plan has an
adjacency; it follows moves, the keep-connected setting and undo, and stays out of sight for other plans."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from territory_desktop.core.edits import MoveAccounts, SetSettings
from tests.ui.adjacency.conftest import StillClient, grid_plan, unit_id, write_pairs
from tests.ui.window_driver import make_window


def _window_with_copilot(qtbot, tmp_path: Path):  # noqa: ANN202 — (MainWindow, SuggestionsDock)
    w = make_window(qtbot, tmp_path, grid_plan())
    dock = w.attach_copilot(StillClient())
    dock.show()
    return w, dock


def _import(w, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    path = write_pairs(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    w.actions_by_name["import_adjacency"].trigger()
    assert w.plan.adjacency is not None


def test_no_adjacency_no_line(qtbot, tmp_path: Path) -> None:
    w, dock = _window_with_copilot(qtbot, tmp_path)
    line = dock.panel.connected_label
    assert line.isHidden()
    w.controller.apply(MoveAccounts(np.array([0]), 1))
    dock.panel.flush()
    assert line.isHidden()


def test_the_line_says_every_territory_is_whole_then_names_the_cut_one(qtbot, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    w, dock = _window_with_copilot(qtbot, tmp_path)
    line = dock.panel.connected_label
    _import(w, tmp_path, monkeypatch)
    dock.panel.flush()
    assert line.isVisible()
    assert line.text().startswith("Map adjacency: 24 touching pairs from iowa_pairs.csv. Every territory is one "
                                  "connected piece of the map.")
    assert "never cut" in line.text()  # the rule is on (the default)

    # the north-west corner unit goes to East: East is now two pieces (the corner and its own block)
    w.controller.apply(MoveAccounts(w.plan.rows_of([unit_id(0, 0)]), 1))
    qtbot.waitUntil(lambda: "East (2 pieces)" in line.text(), timeout=2000)
    assert "1 territory is cut in pieces: East (2 pieces)." in line.text()
    assert "West" not in line.text()

    w.actions_by_name["undo"].trigger()  # the move
    qtbot.waitUntil(lambda: "Every territory is one connected piece" in line.text(), timeout=2000)
    w.actions_by_name["undo"].trigger()  # the import
    qtbot.waitUntil(line.isHidden, timeout=2000)


def test_the_line_says_when_the_rule_is_off(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w, dock = _window_with_copilot(qtbot, tmp_path)
    _import(w, tmp_path, monkeypatch)
    w.controller.apply(SetSettings(replace(w.plan.settings, keep_connected=False)))
    dock.panel.flush()
    assert "Territories may be cut" in dock.panel.connected_label.text()


def test_a_plan_without_adjacency_never_walks_the_map(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The line's work is skipped outright for ordinary plans: no graph is built on an edit."""
    from territory_desktop.ui.copilot import suggestions_dock

    calls: list[object] = []
    monkeypatch.setattr(suggestions_dock, "connected_status", lambda plan: calls.append(plan))
    w, dock = _window_with_copilot(qtbot, tmp_path)
    for row in range(4):
        w.controller.apply(MoveAccounts(np.array([row]), 1))
    dock.panel.flush()
    qtbot.wait(10)
    assert calls == [] and dock.panel.connected_label.isHidden()
