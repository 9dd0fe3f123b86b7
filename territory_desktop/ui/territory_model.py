"""The territories table model (one row per active territory, from `plan.territory_table()`) and its view,
a drop target for account drags.

The table has K rows (tens to a few hundred), so recomputing it after an edit costs well under a
millisecond per row; what must stay targeted is what Qt repaints. `refresh` diffs the new numbers
against the ones shown and emits `dataChanged` only for the rows that differ (a move between two
territories touches those two rows, plus any whose deviation from the mean crossed a displayed digit).
Only a change of the territory list or of the balanced measures resets the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from territory_desktop.core import format as fmt
from territory_desktop.core.plan import Plan, PlanChange

from . import icons
from .mime import MIME, decode_rows, decode_version
from .style import ACCENT, BAND_COLORS, BAND_ROLE, BAND_WORDS, MUTED, WORKLOAD_ROLE

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


def _title(measure: str) -> str:
    return MEASURE_TITLES.get(measure, measure.replace("_", " ").capitalize())


class TerritoryTableModel(QAbstractTableModel):
    """Territory rows with formatted numbers, band states and a checkable lock, kept current from the plan."""

    lockRequested = Signal(int, bool)  # noqa: N815 (Qt naming) — territory index, new lock state

    def __init__(self, plan: Plan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self._columns: list[Column] = []
        self._index = np.empty(0, dtype=np.int64)
        self._vals: dict[str, np.ndarray] = {}
        self._measures: tuple[str, ...] = ()
        self._load(plan.territory_table())
        plan.changed.connect(self._on_plan_changed)

    # ----- plumbing -------------------------------------------------------------------------------------
    def set_plan(self, plan: Plan) -> None:
        """Follow another plan (a file was opened): one reset, then targeted refreshes again."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        plan.changed.connect(self._on_plan_changed)
        self.beginResetModel()
        self._load(plan.territory_table())
        self.endResetModel()

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_plan_changed)

    def _load(self, table: pd.DataFrame) -> None:
        self._measures = tuple(m.measure for m in self.plan.settings.measures)
        self._columns = [*_FIXED_HEAD,
                         *(Column(f"dev_{m}", f"± {_title(m)}",
                                  f"{_title(m)}: deviation from the territory's fair share, "
                                  f"band ±{fmt.percent(b.band)}")
                           for m, b in zip(self._measures, self.plan.settings.measures, strict=True)),
                         _LOCK]
        self._index = table.index.to_numpy(dtype=np.int64)
        self._vals = {c: table[c].to_numpy() for c in table.columns}

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind == "locks":  # account locks leave every territory number as it was
            return
        self.refresh()

    def refresh(self) -> None:
        """Re-read the territory numbers; repaint only the rows that changed (reset if the rows did)."""
        table = self.plan.territory_table()
        measures = tuple(m.measure for m in self.plan.settings.measures)
        new_index = table.index.to_numpy(dtype=np.int64)
        if measures != self._measures or not np.array_equal(new_index, self._index) \
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
            return
        last = self.columnCount() - 1
        # one signal per contiguous run of changed rows
        breaks = np.flatnonzero(np.diff(rows) > 1)
        starts = np.r_[rows[0], rows[breaks + 1]]
        ends = np.r_[rows[breaks], rows[-1]]
        for a, b in zip(starts, ends, strict=True):
            self.dataChanged.emit(self.index(int(a), 0), self.index(int(b), last))

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
        row, key = index.row(), self._columns[index.column()].key
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
            return f"{fmt.hours(work)} of {fmt.hours(cap)} ({fmt.percent(util)})" if cap > 0 else fmt.hours(work)
        if role == Qt.ItemDataRole.ToolTipRole:
            over = " — over capacity" if cap > 0 and work > cap else ""
            return f"Workload {fmt.hours(work)} of {fmt.hours(cap)} capacity ({fmt.percent(util)}){over}"
        return None

    def _deviation(self, row: int, measure: str, role: int) -> Any:
        dev = float(self._vals[f"dev_{measure}"][row])
        status = str(self._vals[f"status_{measure}"][row])
        if role == BAND_ROLE:
            return dev, status
        if role == SORT_ROLE:
            return dev
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{fmt.percent(dev, signed=True)} · {status}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(BAND_COLORS.get(status, (MUTED, ""))[0]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{_title(measure)} {fmt.percent(dev, 1, signed=True)} against its fair share: "
                    f"{BAND_WORDS.get(status, status)}")
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


NAME_MIN_WIDTH = 184
REP_MIN_WIDTH = 120


class TerritoryView(QTableView):
    """The territory table as a drop target for account drags, outlining the row under the cursor."""

    accountsDropped = Signal(object, int)  # noqa: N815 (Qt naming) — (plan rows, territory index)
    dropHint = Signal(str)  # noqa: N815 (Qt naming) — what releasing here would do (or why it cannot)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hover_row = -1
        self._hover_refused = False
        self._drag_rows: np.ndarray | None = None
        self.drop_check: Callable[[np.ndarray, int], str] | None = None
        """(rows, territory) -> "" if the move is allowed, else the planner-worded reason."""
        self.plan_version: Callable[[], int] | None = None
        """The shown plan's version: a payload of another version names rows of another plan (or state)."""
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)
        self._scroll_step = 0
        self._last_drag_pos = QPoint()
        self._scroll_timer = QTimer(self, interval=60)
        self._scroll_timer.timeout.connect(self._drag_scroll)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """The territory name takes the width the other columns leave, so there is no dead band on the right."""
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        header = self.horizontalHeader()
        if self.model() is None or header.count() == 0:
            return
        others = sum(header.sectionSize(c) for c in range(2, header.count()))
        spare = max(0, self.viewport().width() - others - NAME_MIN_WIDTH - REP_MIN_WIDTH)
        rep_extra = min(spare, 70)  # rep names first get room to show in full, the territory name the rest
        self.setColumnWidth(1, REP_MIN_WIDTH + rep_extra)
        self.setColumnWidth(0, NAME_MIN_WIDTH + spare - rep_extra)

    @property
    def hover_row(self) -> int:
        return self._hover_row

    def _territory_at(self, pos: QPoint) -> tuple[int, int]:
        idx = self.indexAt(pos)
        if not idx.isValid():
            return -1, -1
        return idx.row(), int(idx.data(TERRITORY_ROLE))

    def _set_hover(self, row: int) -> None:
        if row == self._hover_row:
            return
        self._hover_row = row
        self._hover_refused = False
        if row >= 0 and self._drag_rows is not None and self.drop_check is not None:
            territory = int(self.model().index(row, 0).data(TERRITORY_ROLE))
            reason = self.drop_check(self._drag_rows, territory)
            self._hover_refused = bool(reason)
            name = str(self.model().index(row, 0).data())
            n = len(self._drag_rows)
            self.dropHint.emit(f"Cannot move here: {reason}" if reason else
                               f"Release to move {n:,} account{'s' if n != 1 else ''} to {name}.")
        self.viewport().update()

    def _ours(self, mime) -> bool:  # noqa: ANN001 — QMimeData
        """An accounts payload of the plan shown here, in its current state (rows are plan row numbers)."""
        if not mime.hasFormat(MIME):
            return False
        return self.plan_version is None or decode_version(mime) == self.plan_version()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._ours(event.mimeData()):
            self._drag_rows = decode_rows(event.mimeData())
            event.acceptProposedAction()
        else:
            if event.mimeData().hasFormat(MIME):
                self.dropHint.emit("Cannot move here: these accounts were dragged from another plan or window.")
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not self._ours(event.mimeData()):
            event.ignore()
            return
        pos = event.position().toPoint()
        self._last_drag_pos = pos
        self._update_drag_scroll(pos)
        row, _ = self._territory_at(pos)
        self._set_hover(row)
        if row >= 0:
            event.acceptProposedAction()
        else:
            event.ignore()

    def _update_drag_scroll(self, pos: QPoint) -> None:
        """Near the top or bottom edge during a drag, scroll so any of 200 territories can be reached."""
        edge = max(18, self.verticalHeader().defaultSectionSize())
        h = self.viewport().height()
        self._scroll_step = -1 if pos.y() < edge else (1 if pos.y() > h - edge else 0)
        if self._scroll_step and not self._scroll_timer.isActive():
            self._scroll_timer.start()
        elif not self._scroll_step:
            self._scroll_timer.stop()

    def _drag_scroll(self) -> None:
        bar = self.verticalScrollBar()
        if not self._scroll_step or bar.value() == (bar.minimum() if self._scroll_step < 0 else bar.maximum()):
            self._scroll_timer.stop()
            return
        bar.setValue(bar.value() + self._scroll_step * max(1, bar.singleStep()))
        self._set_hover(self._territory_at(self._last_drag_pos)[0])

    def _stop_drag_scroll(self) -> None:
        self._scroll_step = 0
        self._scroll_timer.stop()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._stop_drag_scroll()
        self._set_hover(-1)
        self._drag_rows = None
        event.accept()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._stop_drag_scroll()
        self._set_hover(-1)
        self._drag_rows = None
        rows = decode_rows(event.mimeData())
        _, territory = self._territory_at(event.position().toPoint())
        if rows is None or territory < 0 or not self._ours(event.mimeData()):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the source must not try to delete its rows
        event.accept()
        self.accountsDropped.emit(rows, territory)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self._hover_row < 0 or self.model() is None:
            return
        first = self.visualRect(self.model().index(self._hover_row, 0))
        last = self.visualRect(self.model().index(self._hover_row, self.model().columnCount() - 1))
        rect = first.united(last).adjusted(1, 1, -2, -2)
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(BAND_COLORS["out"][0] if self._hover_refused else ACCENT)
        fill = QColor(colour)
        fill.setAlpha(40)
        p.setBrush(fill)
        p.setPen(QPen(colour, 2))
        p.drawRoundedRect(QRectF(rect), 4, 4)
        p.end()
