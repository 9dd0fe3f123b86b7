"""The territories table model (one row per active territory, from `kpis.territory_table(plan)`); its view,
a drop target for account drags, is in view.py.

The table has K rows (tens to a few hundred), so recomputing it after an edit costs well under a
millisecond per row; what must stay targeted is what Qt repaints. `refresh` diffs the new numbers
against the ones shown and emits `dataChanged` only for the rows that differ (a move between two
territories touches those two rows, plus any whose deviation from the mean crossed a displayed digit).
Only a change of the territory list or of the balanced measures resets the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.ui.territories.delegates import BAND_TEXT_ROLE, workload_text
from territory_desktop.ui.theme import icons
from territory_desktop.ui.theme.style import BAND_COLORS, BAND_ROLE, BAND_WORDS, MUTED, WORKLOAD_ROLE

TERRITORY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The plan's territory index of a row (stable across sorting and removals)."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A raw number (or casefolded text) to sort by, so $1.2M sorts above $950k."""

MEASURE_TITLES = {"potential": "Potential", "pipeline": "Pipeline", "accounts": "Accounts",
                  "workload": "Workload"}
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    tip: str


_FIXED_HEAD = (
    Column("name", "Territory", "Territory name and map colour"),
    Column("rep", "Rep", "The rep who owns the territory (empty: an open seat)"),
    Column("accounts", "Accounts", "Accounts assigned to the territory"),
    Column("potential", "Potential", "Total potential of the territory's accounts"),
    Column("workload", "Workload", "Yearly hours of service and travel against the rep's capacity"),
)
_LOCK = Column("locked", "Lock", "A locked territory keeps its accounts: nothing moves in or out")


def title_of(measure: str) -> str:
    return MEASURE_TITLES.get(measure, measure.replace("_", " ").capitalize())


class TerritoryTableModel(QAbstractTableModel):
    """Territory rows with formatted numbers, band states and a checkable lock, kept current from the plan."""

    lockRequested = Signal(int, bool)  # noqa: N815 (Qt naming) — territory index, new lock state
    refreshed = Signal(object)
    """After every refresh that kept the rows: the territory indices whose numbers changed (the tree's cue)."""

    def __init__(self, plan: Plan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self._columns: list[Column] = []
        self._index = np.empty(0, dtype=np.int64)
        self._vals: dict[str, np.ndarray] = {}
        self._measures: tuple[str, ...] = ()
        self._bands: dict[str, float] = {}
        self._load(kpis.territory_table(plan))
        plan.changed.connect(self._on_plan_changed)

    # ----- plumbing -------------------------------------------------------------------------------------
    def set_plan(self, plan: Plan) -> None:
        """Follow another plan (a file was opened): one reset, then targeted refreshes again."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        plan.changed.connect(self._on_plan_changed)
        self.beginResetModel()
        self._load(kpis.territory_table(plan))
        self.endResetModel()

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_plan_changed)

    def _load(self, table: pd.DataFrame) -> None:
        self._measures = tuple(m.measure for m in self.plan.settings.measures)
        self._bands = {m.measure: m.band for m in self.plan.settings.measures}
        self._columns = [*_FIXED_HEAD,
                         *(Column(f"dev_{m}", f"± {title_of(m)}",
                                  f"{title_of(m)}: deviation from the territory's fair share, "
                                  f"band ±{fmt.percent(b.band)}")
                           for m, b in zip(self._measures, self.plan.settings.measures, strict=True)),
                         _LOCK]
        self._index = table.index.to_numpy(dtype=np.int64)
        self._vals = {c: table[c].to_numpy() for c in table.columns}

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind in ("locks", "accounts"):  # locks leave the numbers; a refresh re-points every view
            return
        self.refresh()

    def refresh(self) -> None:
        """Re-read the territory numbers; repaint only the rows that changed (reset if the rows did)."""
        table = kpis.territory_table(self.plan)
        measures = tuple(m.measure for m in self.plan.settings.measures)
        new_index = table.index.to_numpy(dtype=np.int64)
        bands = {m.measure: m.band for m in self.plan.settings.measures}
        if measures != self._measures or bands != self._bands or not np.array_equal(new_index, self._index) \
                or set(table.columns) != set(self._vals):
            self.beginResetModel()
            self._load(table)
            self.endResetModel()
            return
        changed = np.zeros(len(new_index), dtype=bool)
        for col in table.columns:
            new, old = table[col].to_numpy(), self._vals[col]
            if new.dtype.kind == "f":
                changed |= ~((new == old) | (np.isnan(new) & np.isnan(old.astype(np.float64))))
            else:
                changed |= new != old
        self._load(table)
        rows = np.flatnonzero(changed)
        if not len(rows):
            self.refreshed.emit(())
            return
        last = self.columnCount() - 1
        # one signal per contiguous run of changed rows
        breaks = np.flatnonzero(np.diff(rows) > 1)
        starts = np.r_[rows[0], rows[breaks + 1]]
        ends = np.r_[rows[breaks], rows[-1]]
        for a, b in zip(starts, ends, strict=True):
            self.dataChanged.emit(self.index(int(a), 0), self.index(int(b), last))
        self.refreshed.emit(tuple(int(t) for t in self._index[rows]))

    # ----- lookups --------------------------------------------------------------------------------------
    def territory_at(self, row: int) -> int:
        return int(self._index[row])

    def row_of(self, territory: int) -> int:
        hits = np.flatnonzero(self._index == territory)
        return int(hits[0]) if len(hits) else -1

    def column_of(self, key: str) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key:
                return i
        return -1

    def column_key(self, column: int) -> str:
        return self._columns[column].key

    # ----- Qt model API ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._index)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        col = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tip
        if role == Qt.ItemDataRole.TextAlignmentRole:  # headers line up with their cells
            side = Qt.AlignmentFlag.AlignLeft if col.key in ("name", "rep", "locked", "workload") \
                else Qt.AlignmentFlag.AlignRight
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
        if index.isValid() and self._columns[index.column()].key == "locked":
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.value(index.row(), index.column(), role)

    def value(self, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What `data` gives for (row, column), without a QModelIndex: the panel's column fit reads a few
        thousand cells after an edit, and making an index and asking it through Qt cost ~20 µs a cell."""
        key = self._columns[column].key
        v = self._vals
        if role == TERRITORY_ROLE:
            return int(self._index[row])
        if key.startswith("dev_"):
            return self._deviation(row, key[4:], role)
        if key == "workload":
            return self._workload(row, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return str(v["name"][row])
            if key == "rep":
                return str(v["rep"][row]) or "Open seat"
            if key == "accounts":
                return fmt.count(float(v["accounts"][row]))
            if key == "potential":
                return fmt.money(float(v["potential"][row]))
            return None
        if role == SORT_ROLE:
            if key in ("name", "rep"):
                return str(v[key][row]).casefold()
            if key == "locked":
                return int(bool(v["locked"][row]))
            return float(v[key][row])
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "name":
                return icons.swatch(str(v["color"][row]))
            if key == "locked" and v["locked"][row]:
                return icons.lock_mark()
            return None
        if role == Qt.ItemDataRole.CheckStateRole and key == "locked":
            return Qt.CheckState.Checked if v["locked"][row] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and key == "rep" and not v["rep"][row]:
            return QBrush(QColor(MUTED))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("accounts", "potential"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "name":
                region = str(v["region"][row])
                return f"{v['name'][row]}" + (f" — {region}" if region else "") + \
                    "\nDrop accounts here to move them into this territory."
            if key == "locked":
                return "Locked: accounts cannot move in or out" if v["locked"][row] else "Not locked"
        return None

    def _workload(self, row: int, role: int) -> Any:
        work = float(self._vals["workload"][row])
        cap = float(self._vals["capacity"][row])
        util = float(self._vals["utilisation"][row])
        if role == WORKLOAD_ROLE:
            return work, cap, util
        if role == SORT_ROLE:
            return util if np.isfinite(util) else work
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{fmt.hours(work)} of {fmt.hours(cap)} ({workload_text(work, cap, util)[0]})" if cap > 0 \
                else fmt.hours(work)
        if role == Qt.ItemDataRole.ToolTipRole:
            over = " — over capacity" if cap > 0 and work > cap else ""
            return f"Workload {fmt.hours(work)} of {fmt.hours(cap)} capacity ({workload_text(work, cap, util)[0]}){over}"
        return None

    def _deviation(self, row: int, measure: str, role: int) -> Any:
        dev = float(self._vals[f"dev_{measure}"][row])
        status = str(self._vals[f"status_{measure}"][row])
        if role == BAND_ROLE:
            return dev, status
        if role == SORT_ROLE:
            return dev
        if role in (Qt.ItemDataRole.DisplayRole, BAND_TEXT_ROLE, Qt.ItemDataRole.ToolTipRole):
            band = self._bands.get(measure, 0.0)
            near = self.plan.settings.near_fraction
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"{title_of(measure)} {deviation_text(dev, band, near, min_digits=1)} against its fair "
                        f"share (band ±{fmt.percent(band)}): {BAND_WORDS.get(status, status)}")
            text = deviation_text(dev, band, near)
            return (text, status) if role == BAND_TEXT_ROLE else f"{text} · {status}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(BAND_COLORS.get(status, (MUTED, ""))[0]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Ticking the lock box asks for an undoable edit; the plan's change event repaints the row."""
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole \
                or self._columns[index.column()].key != "locked":
            return False
        locked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.lockRequested.emit(int(self._index[index.row()]), bool(locked))
        return True

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 (Qt API)
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
