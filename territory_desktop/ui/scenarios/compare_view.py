"""Scenarios → Compare…: two scenarios (or one and the baseline) side by side.

Plan figures (balance and disruption), per-territory KPIs with deltas and the accounts that differ, all from
`core.compare` (the numbers `territory-desktop compare` prints). "Select differing accounts" puts them in the
shared selection, so the map and the table show them. The view follows edits and scenario changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.compare import BASELINE, Comparison, compare
from territory_desktop.core.plan import Plan
from territory_desktop.ui.hub.document import Document
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.theme.style import BAND_COLORS, MUTED, SPACING

GOOD, BAD = BAND_COLORS["in"][0], BAND_COLORS["out"][0]
Column = tuple[str, str, Callable[[Any], str], int]
"""(header, frame column, formatter, better direction: +1 higher is better, -1 lower, 0 neutral)."""


def _signed(f: Callable[[float], str]) -> Callable[[Any], str]:
    def g(v: Any) -> str:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return "—"
        if abs(float(v)) < 1e-9:
            return "±0"
        return ("+" if v > 0 else "") + f(float(v))
    return g


def _pct(v: Any) -> str:
    return fmt.percent(float(v), 1, signed=True) if v is not None and math.isfinite(float(v)) else "—"


def _band(v: Any) -> str:
    return "—" if v is None or (isinstance(v, float) and v != v) else ("in band" if bool(v) else "out of band")


class FrameModel(QAbstractTableModel):
    """A read-only pandas frame as a sortable table: each column formatted for reading, sorted by value."""

    def __init__(self, columns: list[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.frame = pd.DataFrame()

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        header, key, f, better = self.columns[index.column()]
        value = self.frame[key].iloc[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f(value)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return value if not (isinstance(value, float) and value != value) else -math.inf
        if role == Qt.ItemDataRole.TextAlignmentRole and f is not str:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and better and isinstance(value, float | int | np.number):
            v = float(value)
            if math.isfinite(v) and abs(v) > 1e-9:
                return QBrush(QColor(GOOD if v * better > 0 else BAD))
        return None


class FiguresModel(FrameModel):
    """The plan figures: values right-aligned; a change coloured green when it helps, red when it hurts."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() > 0:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
                row = self.frame.iloc[index.row()]
                v = float(row["delta"]) * float(row["better"])
                if abs(v) > 1e-12:
                    return QBrush(QColor(GOOD if v > 0 else BAD))
            if role == Qt.ItemDataRole.FontRole and index.column() == 3 and abs(float(self.frame["delta"].iloc[index.row()])) > 1e-12:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


class DeltaModel(FrameModel):
    """Territory rows: a zero delta is muted, a real one bold, so the changed territories stand out."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            key = self.columns[index.column()][1]
            if key.endswith("_delta"):
                v = self.frame[key].iloc[index.row()]
                moved = v is not None and math.isfinite(float(v)) and abs(float(v)) > 1e-9
                if role == Qt.ItemDataRole.ForegroundRole and not moved:
                    return QBrush(QColor(MUTED))
                if role == Qt.ItemDataRole.FontRole and moved:
                    font = QFont()
                    font.setBold(True)
                    return font
        return super().data(index, role)


class CompareDialog(QDialog):
    """A modeless window comparing scenario A with B (B: the baseline or another scenario)."""

    def __init__(self, doc: Document, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.selection = selection
        self.comparison: Comparison | None = None
        self.setWindowTitle("Compare Scenarios")
        self.setObjectName("compareDialog")
        self.a_combo, self.b_combo = QComboBox(self), QComboBox(self)
        for c, name in ((self.a_combo, "Scenario A"), (self.b_combo, "Compared with")):
            c.setAccessibleName(name)
            c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            c.setMinimumContentsLength(14)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Compare"))
        top.itemAt(0).widget().setBuddy(self.a_combo)
        top.addWidget(self.a_combo)
        top.addWidget(QLabel("with"))
        top.addWidget(self.b_combo)
        top.addStretch(1)
        self.summary = QLabel("")
        self.summary.setObjectName("compareSummary")
        self.summary.setWordWrap(True)
        bold = QFont(self.summary.font())
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.summary.setFont(bold)

        self.figures = FiguresModel([("Plan figure", "figure", str, 0), ("A", "a", str, 0), ("B", "b", str, 0),
                                     ("Change", "change", str, 0)], self)
        self.figures_view = self._table(self.figures, sortable=False)
        self.figures_view.horizontalHeader().setStretchLastSection(False)
        self.figures_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.figures_view.setObjectName("compareFigures")
        money_d, count_d = _signed(fmt.money), _signed(fmt.count)
        self.territories = DeltaModel([
            ("Territory", "territory", str, 0), ("Rep", "rep", str, 0),
            ("Accounts A", "accounts_a", fmt.count, 0), ("Accounts B", "accounts_b", fmt.count, 0),
            ("Δ Accounts", "accounts_delta", count_d, 0),
            ("Potential A", "potential_a", fmt.money, 0), ("Potential B", "potential_b", fmt.money, 0),
            ("Δ Potential", "potential_delta", money_d, 0), ("Δ Pipeline", "pipeline_delta", money_d, 0),
            ("Workload A", "workload_a", fmt.hours, 0), ("Δ Workload", "workload_delta", _signed(fmt.hours), 0),
            ("Deviation A", "dev_a", _pct, 0), ("Deviation B", "dev_b", _pct, 0),
            ("Band A", "in_band_a", _band, 0), ("Band B", "in_band_b", _band, 0)], self)
        self.territories_view = self._table(self.territories)
        self.territories_view.setObjectName("compareTerritories")
        self.territories_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.accounts = FrameModel([
            ("Account", "name", str, 0), ("Account ID", "account_id", str, 0), ("From (B)", "from_territory", str, 0),
            ("To (A)", "to_territory", str, 0), ("Potential", "potential", fmt.money, 0),
            ("Pipeline", "pipeline", fmt.money, 0)], self)
        self.accounts_view = self._table(self.accounts)
        self.accounts_view.setObjectName("compareAccounts")
        self.accounts_view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.accounts_view.horizontalHeader().setStretchLastSection(False)
        self.accounts_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.territories_view, "Territories")
        self.tabs.addTab(self.accounts_view, "Accounts that differ")

        self.select_button = QPushButton("Select Differing Accounts", self)
        self.select_button.setObjectName("selectDiffering")
        self.select_button.setToolTip("Select these accounts in the table and on the map (scenario shown)")
        self.select_button.clicked.connect(self.select_differing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.select_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(2 * SPACING, 2 * SPACING, 2 * SPACING, 2 * SPACING)
        lay.setSpacing(2 * SPACING)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        figures_row = QHBoxLayout()
        figures_row.addWidget(self.figures_view)
        figures_row.addStretch(1)
        lay.addLayout(figures_row)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(buttons)
        self.resize(1280, 800)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._watched: list[Plan] = []
        self.a_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.b_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        doc.scenariosChanged.connect(self._fill_combos)
        doc.scenarioChanged.connect(lambda _i: self._fill_combos())
        self._fill_combos()

    def _table(self, model: FrameModel, sortable: bool = True) -> QTableView:
        view = QTableView(self)
        if sortable:
            proxy = QSortFilterProxyModel(self)
            proxy.setSourceModel(model)
            proxy.setSortRole(Qt.ItemDataRole.UserRole)
            view.setModel(proxy)
            view.setSortingEnabled(True)
        else:
            view.setModel(model)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    # ----- choosing what to compare --------------------------------------------------------------------------
    def _fill_combos(self) -> None:
        names = self.doc.scenarios.names
        a_was, b_was = self.a_combo.currentText(), self.b_combo.currentText()
        for combo in (self.a_combo, self.b_combo):
            combo.blockSignals(True)
            combo.clear()
        self.a_combo.addItems(names)
        self.b_combo.addItem(BASELINE)
        self.b_combo.addItems(names)
        self.a_combo.setCurrentIndex(names.index(a_was) if a_was in names else self.doc.scenarios.active)
        self.b_combo.setCurrentIndex(self.b_combo.findText(b_was) if self.b_combo.findText(b_was) >= 0 else 0)
        for combo in (self.a_combo, self.b_combo):
            combo.blockSignals(False)
        self.refresh()

    def choose(self, a: str, b: str = BASELINE) -> None:
        """Compare scenario `a` with `b` (a scenario name or BASELINE)."""
        self.a_combo.setCurrentText(a)
        self.b_combo.setCurrentText(b)
        self.refresh()

    def _plans(self) -> tuple[Plan, Plan | None]:
        sc = self.doc.scenarios
        a = sc.scenarios[max(self.a_combo.currentIndex(), 0)].plan
        bi = self.b_combo.currentIndex()
        return a, (None if bi <= 0 else sc.scenarios[bi - 1].plan)

    def _watch(self, plans: list[Plan]) -> None:
        for p in self._watched:
            p.changed.disconnect(self._later)
        self._watched = plans
        for p in plans:
            p.changed.connect(self._later)

    def _later(self, _change: object) -> None:
        self._timer.start()

    # ----- showing it -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not len(self.doc.scenarios):
            return
        a, b = self._plans()
        self._watch([p for p in (a, b) if p is not None])
        c = compare(a, b, self.a_combo.currentText(), self.b_combo.currentText() or BASELINE)
        self.comparison = c
        self.figures.columns[1] = (c.a_name, "a", str, 0)
        self.figures.columns[2] = (c.b_name, "b", str, 0)
        self.figures.set_frame(_figure_rows(c))
        view = self.figures_view
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for col in range(1, 4):
            header.resizeSection(col, max(header.sectionSize(col), 130))
        view.setFixedHeight(header.height() + sum(view.rowHeight(r) for r in range(len(self.figures.frame))) + 4)
        view.setFixedWidth(sum(header.sectionSize(col) for col in range(4)) + 4)
        self.territories.set_frame(c.territories.reset_index())
        self.accounts.set_frame(c.accounts)
        n = c.differing
        same = a is b
        self.summary.setText("These are the same scenario." if same else
                             f"{fmt.count(n)} account{'s' if n != 1 else ''} in a different territory · "
                             f"{fmt.money(c.differing_potential)} potential · {c.a_name} vs {c.b_name}")
        self.tabs.setTabText(1, f"Accounts that differ ({n:,})")
        self.select_button.setEnabled(n > 0)
        self.select_button.setText(f"Select {n:,} Differing Account{'s' if n != 1 else ''}")

    def select_differing(self) -> int:
        """Select the differing accounts in the scenario the window shows (by account id)."""
        if self.comparison is None or not self.comparison.differing:
            return 0
        shown = self.doc.plan
        idx = pd.Index(shown.ids).get_indexer(self.comparison.accounts["account_id"].to_numpy(dtype=object))
        rows = idx[idx >= 0]
        self.selection.set_rows(rows, self)
        return len(rows)


def _figure_rows(c: Comparison) -> pd.DataFrame:
    a, b = c.a, c.b

    def delta(x: float, y: float, f: Callable[[float], str]) -> str:
        return _signed(f)(x - y)

    rows = [
        ("Territories", fmt.count(a.territories), fmt.count(b.territories), delta(a.territories, b.territories, fmt.count)),
        ("Out of band", fmt.count(a.out_of_band), fmt.count(b.out_of_band), delta(a.out_of_band, b.out_of_band, fmt.count)),
        (f"Max deviation ({c.primary})", fmt.percent(a.max_deviation, 1), fmt.percent(b.max_deviation, 1),
         _signed(lambda v: f"{v * 100:.1f} pts")(a.max_deviation - b.max_deviation)),
        (f"CV ({c.primary})", fmt.percent(a.cv, 1), fmt.percent(b.cv, 1),
         _signed(lambda v: f"{v * 100:.1f} pts")(a.cv - b.cv)),
        ("Over capacity", fmt.count(a.over_capacity), fmt.count(b.over_capacity),
         delta(a.over_capacity, b.over_capacity, fmt.count)),
        ("Moved accounts (vs baseline)", fmt.count(a.moved_accounts), fmt.count(b.moved_accounts),
         delta(a.moved_accounts, b.moved_accounts, fmt.count)),
        ("Moved potential (vs baseline)", fmt.money(a.moved_potential), fmt.money(b.moved_potential),
         delta(a.moved_potential, b.moved_potential, fmt.money)),
        ("Unassigned accounts", fmt.count(a.unassigned), fmt.count(b.unassigned),
         delta(a.unassigned, b.unassigned, fmt.count)),
    ]
    deltas = [a.territories - b.territories, a.out_of_band - b.out_of_band, a.max_deviation - b.max_deviation,
              a.cv - b.cv, a.over_capacity - b.over_capacity, a.moved_accounts - b.moved_accounts,
              a.moved_potential - b.moved_potential, a.unassigned - b.unassigned]
    better = [0, -1, -1, -1, -1, 0, 0, -1]  # lower is better for balance and coverage; disruption is a choice
    df = pd.DataFrame(rows, columns=["figure", "a", "b", "change"])
    df["delta"], df["better"] = np.asarray(deltas, dtype=np.float64), better
    return df
