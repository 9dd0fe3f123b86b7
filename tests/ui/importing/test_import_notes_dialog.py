"""The import dialog on a report export with blank lines and a footer: the red "rejected" counts the three real
rows only; the seven blank or footer lines are shown apart, in grey, as notes the problems table can filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from territory_desktop.ui.importing.dialog import MAPPING, REPORT, ImportDialog
from territory_desktop.ui.importing.report import ALL, ERRORS, NOTES, WARNINGS
from tests.conftest import FIXTURES

FOOTER_EXPORT = FIXTURES / "crm" / "salesforce_report_export.csv"


def _imported(qtbot) -> ImportDialog:
    d = ImportDialog(str(FOOTER_EXPORT))
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.current_page() == MAPPING
    scope = d.sizing.findChild(QLabel, "sizingScope").text()
    assert scope.startswith("All 120 rows of the file, less 3 rejected (no id or a repeated id) and 7 blank or "
                            "footer lines skipped;"), scope
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.current_page() == REPORT and not d.importing, timeout=15_000)
    return d


def _stats(d: ImportDialog) -> list[tuple[str, str, str]]:
    """(figure, caption, figure's style) of each box of the summary strip."""
    out = []
    for box in d.report.findChildren(QLabel, "statValue"):
        caption = [w for w in box.parent().findChildren(QLabel) if w is not box][0]
        out.append((box.text(), caption.text(), box.styleSheet()))
    return out


def test_the_summary_counts_rejected_rows_and_skipped_lines_apart(qtbot):
    d = _imported(qtbot)
    stats = _stats(d)
    assert [(v, c) for v, c, _ in stats] == [("120", "rows read"), ("110", "accounts kept"), ("3", "rejected"),
                                             ("7", "skipped (blank or footer lines)"), ("0", "unplaced"),
                                             ("4", "territories")]
    assert "#B3261E" in stats[2][2]  # the rejected rows are red
    assert "#B3261E" not in stats[3][2] and "#6B6F76" in stats[3][2]  # the skipped lines grey
    note = d.report.note.text()
    assert note.startswith("3 errors (rows left out) and 1 warning (rows taken with a value left blank or "
                           "guessed); 7 blank or footer lines skipped (not accounts: nothing is lost)."), note
    assert "10 errors" not in note


def test_notes_have_their_own_icon_words_and_filter(qtbot):
    d = _imported(qtbot)
    combo = d.report.filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All (11)", "Errors (3)", "Warnings (1)", "Notes: lines skipped (7)"]
    assert [combo.itemData(i) for i in range(combo.count())] == [ALL, ERRORS, WARNINGS, NOTES]
    m = d.report.model
    d.report.set_filter(NOTES)
    assert m.rowCount() == 7 and {m.problem(r).severity for r in range(7)} == {"note"}
    first = m.index(0, 0)
    assert m.data(first, Qt.ItemDataRole.ToolTipRole).startswith("Note: not an account, left out")
    icon = m.data(first, Qt.ItemDataRole.DecorationRole)
    info = d.style().standardIcon(d.style().StandardPixmap.SP_MessageBoxInformation)
    assert icon is not None and icon.pixmap(16).toImage() == info.pixmap(16).toImage()
    assert d.report.detail.text().startswith("Note (not an account, left out) — salesforce_report_export.csv, "
                                             "row 115.")
    d.report.set_filter(ERRORS)
    assert [m.problem(r).row for r in range(m.rowCount())] == [32, 72, 102]
