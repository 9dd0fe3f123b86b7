"""The import report, shown before the plan is opened: what was read, kept, rejected and skipped, and every problem.

Rejected rows (errors) are account rows left out, in red; skipped lines (notes: blank lines, a report's footer)
are no account and lose nothing, so they are counted apart, in grey. The problems table is a small
`QAbstractTableModel` over the importer's list; the errors/warnings/notes filter is an index array inside the
model (no proxy), so a report of 100k warnings still filters at once.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.sanity import glance_lines
from territory_desktop.core.wording import agree, counted
from territory_desktop.io.importing.importer import ERROR, NOTE, WARNING, ImportProblem, ImportResult

ALL, ERRORS, WARNINGS, NOTES = "all", ERROR, WARNING, NOTE
_MUTED = "color: #6B6F76;"
_KIND = {ERROR: "Error (row left out)", WARNING: "Warning (row taken)", NOTE: "Note (not an account, left out)"}
_TIPS = {ERROR: "Error: the row was left out",
         WARNING: "Warning: the row was taken, this value was left blank or guessed",
         NOTE: "Note: not an account, left out (a blank line or a report footer); nothing is lost"}
WRAP_LIMIT = 2000
"""Up to this many problems the reasons wrap in their rows (rows sized to their text); past it sizing every row
would stall the dialog, so rows stay one line and the full sentence is shown beneath the table."""
_HEADERS = ("", "File", "Row", "Column", "Value", "Reason")
_Index = QModelIndex | QPersistentModelIndex


class ProblemsModel(QAbstractTableModel):
    """The import problems, one per row, optionally only errors, only warnings or only notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problems: list[ImportProblem] = []
        self._shown = np.empty(0, dtype=np.int64)
        self._severity = ALL
        style = parent.style() if parent is not None else None
        self._icons = {} if style is None else {
            ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            WARNING: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            NOTE: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
        }

    def set_problems(self, problems: list[ImportProblem]) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self._shown = self._filtered()
        self.endResetModel()

    def set_severity(self, severity: str) -> None:
        """Show ALL problems, only ERRORS (rows not imported), only WARNINGS (rows kept with a blank) or only
        NOTES (lines that are no account: blank, a report footer)."""
        self.beginResetModel()
        self._severity = severity
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> np.ndarray:
        if self._severity == ALL:
            return np.arange(len(self._problems), dtype=np.int64)
        return np.array([i for i, p in enumerate(self._problems) if p.severity == self._severity], dtype=np.int64)

    def problem(self, row: int) -> ImportProblem:
        return self._problems[int(self._shown[row])]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        p = self.problem(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", p.file, "" if p.row is None else f"{p.row:,}", p.column or "", p.value, p.reason)[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icons.get(p.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return _TIPS.get(p.severity, p.severity)
            return str(p)
        if role == Qt.ItemDataRole.ForegroundRole and p.severity == NOTE and col > 0:
            return QColor("#6B6F76")  # nothing lost: read as an aside, not a problem
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _stat(value: str, caption: str, tone: str = "") -> QWidget:
    """A figure over its caption, for the summary strip."""
    box = QFrame()
    box.setObjectName("stat")
    box.setStyleSheet("QFrame#stat { border: 1px solid palette(midlight); border-radius: 4px; }")
    big = QLabel(value)
    big.setObjectName("statValue")
    big.setStyleSheet(f"font-size: 16pt; font-weight: 600; {tone}")
    small = QLabel(caption)
    small.setStyleSheet("color: #6B6F76;")
    lay = QVBoxLayout(box)
    lay.setContentsMargins(12, 8, 12, 8)
    lay.setSpacing(0)
    lay.addWidget(big)
    lay.addWidget(small)
    return box


class ReportPage(QWidget):
    """The summary figures and the filterable problems table of one import result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QGridLayout()
        self.summary.setHorizontalSpacing(10)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.glance = QLabel()
        self.glance.setObjectName("importGlance")
        self.glance.setWordWrap(True)
        self.glance.setTextFormat(Qt.TextFormat.RichText)
        self.glance.setStyleSheet("#importGlance { background: #F6F7F9; border: 1px solid #E1E4E8; "
                                  "border-radius: 6px; padding: 8px; }")
        self.model = ProblemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hdr.setStretchLastSection(True)
        for col, width in enumerate((28, 120, 60, 130, 140)):
            self.table.setColumnWidth(col, width)
        self.filter = QComboBox()
        self.filter.currentIndexChanged.connect(self._filter_changed)
        filter_label = QLabel("&Show:")
        filter_label.setBuddy(self.filter)
        self.save_button = QPushButton("Sa&ve Report as CSV…")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Problems by row</b>"))
        bar.addStretch(1)
        bar.addWidget(filter_label)
        bar.addWidget(self.filter)
        bar.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        lay.addLayout(self.summary)
        lay.addWidget(self.note)
        lay.addWidget(self.glance)
        self.detail = QLabel()
        self.detail.setObjectName("problemDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet("#problemDetail { background: #F6F7F9; border: 1px solid #E1E4E8; "
                                  "border-radius: 4px; padding: 6px; }")
        self.detail.setAccessibleName("The selected problem")
        self.detail.hide()
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_detail(cur.row()))
        hdr.sectionResized.connect(lambda *_: self._fit_rows())

    def show_result(self, result: ImportResult) -> None:
        while self.summary.count():
            item = self.summary.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        plan = result.plan
        unplaced = int((~np.isfinite(plan.lat)).sum())
        territories = len(plan.active_territories())
        red, amber = "color: #B3261E;", "color: #9A5B00;"
        skipped = result.rows_skipped
        stats = ((fmt.count(result.rows_in), "rows read", ""),
                 (fmt.count(plan.n_accounts), "accounts kept", ""),
                 (fmt.count(result.rows_rejected), "rejected", red if result.rows_rejected else ""),
                 *([(fmt.count(skipped), "skipped (blank or footer lines)", _MUTED)] if skipped else []),
                 (fmt.count(unplaced), "unplaced", amber if unplaced else ""),
                 (fmt.count(territories), "territories", ""))
        for col, (value, caption, tone) in enumerate(stats):
            self.summary.addWidget(_stat(value, caption, tone), 0, col)
        errors, warnings, notes = len(result.errors), len(result.warnings), len(result.skipped)
        lines = (f"; {counted(skipped, 'blank or footer line')} skipped (not accounts: nothing is lost)"
                 if skipped else "")
        if not errors and not warnings:
            self.note.setText(f"Every account row was read without a problem{lines}." if skipped else
                              "Every row was read without a problem.")
        else:
            self.note.setText(
                f"{counted(errors, 'error')} (rows left out) and {counted(warnings, 'warning')} (rows taken with "
                f"a value left blank or guessed){lines}. Nothing is changed until you open the plan.")
        if result.reps_mapping:
            used = ", ".join(f"{field} ← {column!r}" for field, column in result.reps_mapping.items())
            self.note.setText(self.note.text() + f"\nFrom the reps file: {used}.")
        self.show_glance(result)
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(f"All ({fmt.count(errors + warnings + notes)})", ALL)
        self.filter.addItem(f"Errors ({fmt.count(errors)})", ERRORS)
        self.filter.addItem(f"Warnings ({fmt.count(warnings)})", WARNINGS)
        self.filter.addItem(f"Notes: {agree(notes, 'line')} skipped ({fmt.count(notes)})", NOTES)
        self.filter.blockSignals(False)
        self.model.set_problems(result.problems)
        self.model.set_severity(ALL)
        for col in range(1, 5):  # file, row, column, value: as wide as their text, within reason
            self.table.resizeColumnToContents(col)
            self.table.setColumnWidth(col, max(50, min(self.table.columnWidth(col) + 8, 240)))
        self.save_button.setEnabled(bool(result.problems))
        self._fit_rows()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_detail(0 if self.model.rowCount() else -1)

    def _show_detail(self, row: int) -> None:
        """The whole problem in a sentence beneath the table: file, row, column, value and reason."""
        if not 0 <= row < self.model.rowCount():
            self.detail.hide()
            return
        p = self.model.problem(row)
        where = ", ".join(x for x in (p.file, f"row {p.row:,}" if p.row is not None else "",
                                      f"column {p.column!r}" if p.column else "") if x)
        value = f" Value {p.value!r}." if p.value else ""
        kind = _KIND.get(p.severity, p.severity)
        self.detail.setText(f"{kind} — {where}.{value} {p.reason}")
        self.detail.show()

    def _fit_rows(self) -> None:
        """Rows as tall as their wrapped reason (for reports small enough to measure)."""
        if 0 < self.model.rowCount() <= WRAP_LIMIT:
            self.table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        super().resizeEvent(event)
        self._fit_rows()

    def show_glance(self, result: ImportResult) -> None:
        """How potential and segments were decided, the plan at a glance, and what looks implausible."""
        lines = [html.escape(s) for s in (*result.notes, *glance_lines(result.plan))]
        warn = "".join(f"<p style='color:#9A5B00; margin:4px 0'>⚠ {html.escape(s)}</p>" for s in result.sanity)
        self.glance.setText("<p style='margin:0'>" + "<br>".join(lines) + "</p>" + warn)
        self.glance.setVisible(bool(lines or warn))

    def set_filter(self, severity: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(severity))

    def _filter_changed(self) -> None:
        self.model.set_severity(self.filter.currentData() or ALL)
        self._fit_rows()
        self._show_detail(0 if self.model.rowCount() else -1)
