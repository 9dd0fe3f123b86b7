"""An editable list of conditions (field, operator, value): the body of both rules dialogs.

Each row is a field combo, an operator combo and a value box, so a planner picks from what the rules
understand instead of typing column names; `changed` fires on every edit so the dialogs preview live.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


class ConditionsTable(QWidget):
    """Rows of (field, operator, value); `fields` are (key, label) pairs, `operators` (key, label) pairs."""

    changed = Signal()

    def __init__(self, fields: Sequence[tuple[str, str]], operators: Sequence[tuple[str, str]],
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.operators = list(operators)
        self.placeholder = placeholder
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Field", "Operator", "Value(s)"])
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.table.horizontalHeader()
        for col, choices in ((0, self.fields), (1, self.operators)):  # wide enough for the longest choice
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, _combo_width(choices) + 6)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 4 * 34 + 6)
        self.add_button = QPushButton("&Add condition", self)
        self.remove_button = QPushButton("&Remove condition", self)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self._loading = False
        self._sync_buttons()

    # ----- rows ------------------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Show these conditions (replacing the current ones) without emitting `changed`."""
        self._loading = True
        try:
            self.table.setRowCount(0)
            for f, op, value in rows:
                self.add_row(f, op, value)
        finally:
            self._loading = False
        self._sync_buttons()

    def rows(self) -> list[tuple[str, str, str]]:
        """(field key, operator key, value text) of every row, in order."""
        out = []
        for r in range(self.table.rowCount()):
            f, op, value = self.widgets(r)
            out.append((str(f.currentData()), str(op.currentData()), value.text()))
        return out

    def widgets(self, row: int) -> tuple[QComboBox, QComboBox, QLineEdit]:
        f = self.table.cellWidget(row, 0)
        op = self.table.cellWidget(row, 1)
        value = self.table.cellWidget(row, 2)
        assert isinstance(f, QComboBox) and isinstance(op, QComboBox) and isinstance(value, QLineEdit)
        return f, op, value

    def add_row(self, field: str | None = None, operator: str | None = None, value: str = "") -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        f = QComboBox(self.table)
        for key, label in self.fields:
            f.addItem(label, key)
        op = QComboBox(self.table)
        for key, label in self.operators:
            op.addItem(label, key)
        _select(f, field)
        _select(op, operator)
        edit = QLineEdit(value, self.table)
        edit.setPlaceholderText(self.placeholder)
        edit.setFrame(False)
        self.table.setCellWidget(r, 0, f)
        self.table.setCellWidget(r, 1, op)
        self.table.setCellWidget(r, 2, edit)
        f.currentIndexChanged.connect(self._emit)
        op.currentIndexChanged.connect(self._emit)
        edit.textChanged.connect(self._emit)
        self.table.selectRow(r)
        self._sync_buttons()
        if not self._loading:
            edit.setFocus()
            self._emit()
        return r

    def remove_current(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            r = self.table.rowCount() - 1
        if r < 0:
            return
        self.table.removeRow(r)
        self._sync_buttons()
        self._emit()

    def setEnabled(self, on: bool) -> None:  # noqa: N802 (Qt API)
        super().setEnabled(on)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.rowCount() > 0)

    def _emit(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()


def _combo_width(choices: Sequence[tuple[str, str]]) -> int:
    probe = QComboBox()
    for key, label in choices:
        probe.addItem(label, key)
    probe.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    probe.ensurePolished()  # the application's style sheet pads combos: measure with it
    return probe.sizeHint().width() + 12


def _select(combo: QComboBox, key: str | None) -> None:
    if key is None:
        return
    i = combo.findData(key)
    if i < 0:  # a key the list does not offer (a field from a newer file): show it rather than drop it
        combo.addItem(key, key)
        i = combo.count() - 1
    combo.setCurrentIndex(i)
