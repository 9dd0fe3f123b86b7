"""The capacity view's fairness table: one row per balanced measure and peer group, its balance index first.

The side column of the capacity dock is ~300 px wide on a laptop. Six columns there squeezed the peer group's
name to a letter ("E…"); so the spread figures a narrow table cannot show (Gini, then CV) are hidden until
there is room (then max/min), and every row's tooltip always gives all of them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from territory_desktop.core.fairness import Fairness

COLUMNS = ("Measure", "Group", "Index", "Max/min", "CV", "Gini")
OPTIONAL = (5, 4, 3)
"""Columns hidden, in this order (Gini, CV, Max/min), while the group's name would not fit whole."""
GROUP_MAX = 160
"""A group name wider than this may be elided rather than hide a figure (its tooltip has it whole)."""


class FairnessTable(QTableWidget):
    """Rows of `core.fairness` figures; cells are rewritten only where their text changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()  # every figure fits; the group name takes what is left
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setToolTip("Balance index 0–100 (100 = every book equal) with the spread figures behind it, "
                        "per balanced measure and peer group")

    def set_rows(self, rows: list[Fairness]) -> None:
        self.setRowCount(len(rows))
        for i, f in enumerate(rows):
            cells = (f.measure, f.group, f"{f.balance_index:.0f}", ratio_text(f.max_min_ratio), f"{f.cv:.2f}",
                     f"{f.gini:.2f}")
            tip = (f"{f.measure}, {f.group}: balance index {cells[2]}, largest ÷ smallest {cells[3]}, "
                   f"CV {cells[4]}, Gini {cells[5]}")
            for j, text in enumerate(cells):
                item = self.item(i, j)
                if item is None:
                    item = QTableWidgetItem(text)
                    if j >= 2:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.setItem(i, j, item)
                elif item.text() != text:
                    item.setText(text)
                item.setToolTip(tip)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Show the optional figures only while the group's name still fits whole (up to GROUP_MAX pixels)."""
        header = self.horizontalHeader()
        room = self.viewport().width()
        need = min(self.sizeHintForColumn(1), GROUP_MAX)
        width = {c: max(header.sectionSizeHint(c), self.sizeHintForColumn(c)) for c in range(len(COLUMNS)) if c != 1}
        shown = set(width)
        for c in OPTIONAL:
            if room - sum(width[x] for x in shown) >= need:
                break
            shown.discard(c)
        for c in OPTIONAL:
            self.setColumnHidden(c, c not in shown)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        self.fit_columns()


def ratio_text(v: float) -> str:
    """Largest ÷ smallest as shown: "1.73×", "∞" when the smallest is 0, "—" when undefined."""
    if not np.isfinite(v):
        return "—" if np.isnan(v) else "∞"
    return f"{v:.2f}×"
