"""The Workload page: the segment table is as tall as its rows (no blank box under three segments, the
fields below sit under it), and a CRM with many segments scrolls the table rather than growing the dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from territory_desktop.core.settings import BalanceSettings
from territory_desktop.ui.settings.workload_editor import WorkloadEditor


def _shown(qtbot, segments: list[str]) -> WorkloadEditor:
    editor = WorkloadEditor(BalanceSettings().workload, segments)
    qtbot.addWidget(editor)
    editor.resize(720, 620)
    editor.show()
    qtbot.waitExposed(editor)
    QApplication.processEvents()
    return editor


def _rows_height(table) -> int:
    return sum(table.rowHeight(r) for r in range(table.rowCount()))


def test_three_segments_leave_no_blank_box(qtbot):
    editor = _shown(qtbot, ["Enterprise", "Mid-Market", "SMB"])
    table = editor.segment_table
    blank = table.viewport().height() - _rows_height(table)
    assert 0 <= blank < table.rowHeight(0), f"{blank} px of empty table under the rows"
    assert table.verticalScrollBar().maximum() == 0
    assert editor.max_trip.geometry().bottom() < editor.height() - 100  # the fields follow the table


def test_many_segments_scroll_inside_the_table(qtbot):
    editor = _shown(qtbot, [f"Segment {i}" for i in range(40)])
    table = editor.segment_table
    assert table.verticalScrollBar().maximum() > 0
    assert table.height() <= 15 * table.rowHeight(0)
    assert editor.max_trip.isVisible() and editor.max_trip.geometry().bottom() <= editor.height()
