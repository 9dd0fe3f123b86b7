"""The account table's model: numpy columns, sorting and filtering inside the model, targeted refreshes.

A QSortFilterProxyModel over per-cell pandas lookups took 67 s to sort 100k rows; argsort over a precomputed
key array takes ~10 ms. So the model keeps `view_rows` (the plan row shown at each table row), builds display
strings and sort keys per column once (lazily), and answers a move with `dataChanged` for the moved rows only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.ui.accounts.filters import (
    STATUS_KEYS,
    AccountFilters,
    SearchIndex,
    build_columns,
    filter_mask,
    rank_text,
    rank_values,
)
from territory_desktop.ui.hub.drag_payload import MIME, encode_rows
from territory_desktop.ui.theme import icons

ModelIndex = QModelIndex | QPersistentModelIndex
REAPPLY_DELAY_MS = 250
"""After a move, a filter or sort that depends on the territory is re-applied this long after the last edit,
so a burst of drags costs one re-filter and rows do not jump away under the planner's cursor mid-burst."""
MAX_RANGES = 64
"""More separate row ranges than this and one min..max dataChanged is cheaper than many signals: the table
repaints only its visible rows either way, and a drop of 1,000 scattered accounts sent ~1,000 signals (~15 ms
at 100k accounts) where one does."""
_SORT_HISTORY = 3
CHUNK = 1024
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
_HANDLED = frozenset({_DISPLAY, _ALIGN, _DECORATION, _FOREGROUND, _TOOLTIP, _ACCESSIBLE})


class AccountTableModel(QAbstractTableModel):
    """Accounts of one plan as a table; `view_rows[i]` is the plan row shown at table row i."""

    about_to_reorder = Signal()
    """Emitted before a sort reorders rows, so the view can drop its selection instead of remapping it."""
    reordered = Signal()
    view_changed = Signal()
    """The set or order of visible rows changed (after a filter, search or sort)."""

    def __init__(self, plan: Plan, parent: Any = None) -> None:
        super().__init__(parent)
        self._plan: Plan | None = None
        self._timer = QTimer(self, singleShot=True, interval=REAPPLY_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._need_refilter = self._need_resort = False
        self._attach(plan)

    # ----- plan -----------------------------------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        assert self._plan is not None
        return self._plan

    def set_plan(self, plan: Plan) -> None:
        """Show another plan (opened file, new scenario): one model reset, filters and search kept."""
        self.beginResetModel()
        self._attach(plan)
        self.endResetModel()
        self.view_changed.emit()

    def _attach(self, plan: Plan) -> None:
        if self._plan is not None:
            self._plan.changed.disconnect(self._on_plan_changed)
        self._plan = plan
        plan.changed.connect(self._on_plan_changed)
        self.columns = build_columns(plan)
        self._col_of = {c.key: i for i, c in enumerate(self.columns)}
        self._key_of = [c.key for c in self.columns]
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        self._align = [int(((right if c.numeric else left) | Qt.AlignmentFlag.AlignVCenter).value)
                       for c in self.columns]
        self._display: dict[str, np.ndarray] = {}
        self._numbers: dict[str, np.ndarray] = {}
        self._keys: dict[str, np.ndarray] = {}
        self._search_index: SearchIndex | None = None
        self._filters = AccountFilters()  # territory indices and values belong to the old plan
        self._search = getattr(self, "_search", "")
        self._history: list[tuple[str, Qt.SortOrder]] = getattr(self, "_history", [])
        self._history = [(k, o) for k, o in self._history if k in self._col_of]
        self._filter_mask: np.ndarray | None = None
        self._search_mask: np.ndarray | None = None
        self._refresh_territory_cache()
        self._refilter_masks()
        self._compute_view()

    def _refresh_territory_cache(self) -> None:
        ts = self.plan.territories
        self._t_names = [t.name for t in ts] + ["Unassigned"]
        self._t_reps = [t.rep for t in ts] + [""]
        self._t_colors = [QColor(t.color) for t in ts]

    # ----- visible rows -----------------------------------------------------------------------------------
    @property
    def filters(self) -> AccountFilters:
        return self._filters

    @property
    def search_text(self) -> str:
        return self._search

    @property
    def total_rows(self) -> int:
        return self.plan.n_accounts

    def plan_rows(self, view_indices: np.ndarray | list[int]) -> np.ndarray:
        """Plan rows shown at these table rows."""
        return self.view_rows[np.asarray(view_indices, dtype=np.int64)]

    def view_row_of(self, plan_rows: np.ndarray | list[int]) -> np.ndarray:
        """Table row of each plan row, -1 where the row is filtered out or not in this plan at all
        (a shared selection may still name rows of the plan that was open before)."""
        rows = np.asarray(plan_rows, dtype=np.int64)
        ok = (rows >= 0) & (rows < len(self._pos))
        if ok.all():
            return self._pos[rows]
        out = np.full(rows.shape, -1, dtype=np.int64)
        out[ok] = self._pos[rows[ok]]
        return out

    def set_search(self, text: str) -> None:
        if text == self._search:
            return
        self._search = text
        if self._search_index is None and text.strip():
            self._search_index = SearchIndex(self.plan)
        self._search_mask = self._search_index.mask(text) if self._search_index is not None else None
        self._reset_view()

    def set_filters(self, filters: AccountFilters) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._filter_mask = filter_mask(self.plan, filters) if filters.active else None
        self._reset_view()

    def _refilter_masks(self) -> None:
        self._filter_mask = filter_mask(self.plan, self._filters) if self._filters.active else None
        if self._search.strip():
            self._search_index = self._search_index or SearchIndex(self.plan)
            self._search_mask = self._search_index.mask(self._search)
        else:
            self._search_mask = None

    def _reset_view(self) -> None:
        self._timer.stop()
        self._need_refilter = self._need_resort = False
        self.beginResetModel()
        self._compute_view()
        self.endResetModel()
        self.view_changed.emit()

    def _compute_view(self) -> None:
        n = self.plan.n_accounts
        mask = self._filter_mask
        if self._search_mask is not None:
            mask = self._search_mask if mask is None else mask & self._search_mask
        rows = np.arange(n, dtype=np.int64) if mask is None else np.flatnonzero(mask).astype(np.int64)
        for key, order in self._history:
            rows = rows[self._order(rows, key, order)]
        self._set_view(rows)

    def _set_view(self, rows: np.ndarray) -> None:
        self.view_rows = rows
        self._pos = np.full(self.plan.n_accounts, -1, dtype=np.int64)
        self._pos[rows] = np.arange(len(rows), dtype=np.int64)

    # ----- sorting -----------------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Stable sort of the visible rows (ties keep the previous order); column -1 = plan order."""
        if column < 0:
            self._history = []
            self._reorder(np.sort(self.view_rows))
            return
        key = self.columns[column].key
        self._history = [(k, o) for k, o in self._history if k != key][-(_SORT_HISTORY - 1):] + [(key, order)]
        self._reorder(self.view_rows[self._order(self.view_rows, key, order)])

    def _reorder(self, rows: np.ndarray) -> None:
        self.about_to_reorder.emit()
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = self.view_rows[np.fromiter((i.row() for i in old), dtype=np.int64, count=len(old))]
        self._set_view(rows)
        if old:
            new_rows = self._pos[old_rows].tolist()
            self.changePersistentIndexList(
                old, [self.index(r, i.column()) if r >= 0 else QModelIndex()
                      for i, r in zip(old, new_rows, strict=True)])
        self.layoutChanged.emit()
        self.reordered.emit()
        self.view_changed.emit()

    def _order(self, rows: np.ndarray, key: str, order: Qt.SortOrder) -> np.ndarray:
        k = self.sort_key(key)[rows]
        if order == Qt.SortOrder.DescendingOrder:
            k = -k
        k = np.where(np.isnan(k), np.inf, k)  # missing values last in both directions
        return np.argsort(k, kind="stable")

    def sort_key(self, key: str) -> np.ndarray:
        """Float sort key per plan row (numbers as numbers, text by case-insensitive rank, NaN = missing)."""
        p = self.plan
        if key in ("territory", "rep", "moved"):
            names = self._t_reps if key == "rep" else self._t_names
            per_slot = rank_values([n or None for n in names])
            if key == "territory":
                per_slot[-1] = np.nan  # unassigned last
                return per_slot[p.assignment]
            if key == "rep":
                return per_slot[p.assignment]
            return np.where(p.assignment != p.baseline, per_slot[p.baseline], np.nan)
        if key == "locked":
            return np.where(p.locked, 0.0, 1.0)
        if key not in self._keys:
            s = self._series(key)
            col = self.columns[self._col_of[key]]
            if col.numeric:
                self._keys[key] = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            else:  # rank what the planner reads ("Not placed", not "none")
                self._keys[key] = rank_text(self._text_series(key).str.lower())
        return self._keys[key]

    def _text_series(self, key: str, rows: slice | list[int] | None = None) -> pd.Series:
        """What a text column shows (blank for missing, labels applied), of all rows or of a slice of them."""
        s = self._series(key)
        s = (s if rows is None else s.iloc[rows]).fillna("").astype(str)
        labels = self.columns[self._col_of[key]].labels
        return s.map(lambda v: labels.get(v, v)) if labels else s

    def _series(self, key: str) -> pd.Series:
        if key.startswith("src:"):
            assert self.plan.source is not None
            return self.plan.source[key[4:]]
        return self.plan.accounts[key]

    # ----- following the plan ----------------------------------------------------------------------------
    def _on_plan_changed(self, change: PlanChange) -> None:
        p = self.plan
        if change.kind == "accounts":  # the account set was replaced (a refresh): the shell re-points every view
            return
        if change.kind == "assignment":
            keys: tuple[str, ...] = ("territory", "rep", "moved")
            rows = change.rows
            self._need_refilter |= self._filters.uses_assignment
        elif change.kind == "locks":
            keys, rows = ("locked",), change.rows
            self._need_refilter |= self._filters.uses_locks
        elif change.kind in ("segments", "scores"):
            keys = ("segment", "segment_basis") if change.kind == "segments" else ("score", "tier")
            rows = change.rows
            for k in keys:  # static columns are cached as text and sort keys: these two are static no more
                self._display.pop(k, None)
                self._keys.pop(k, None)
            self._need_refilter = True
        elif change.kind == "territories":
            self._refresh_territory_cache()
            keys = ("territory", "rep", "moved")
            t = np.asarray(change.territories, dtype=np.int32)
            rows = np.flatnonzero(np.isin(p.assignment, t) | np.isin(p.baseline, t))
        else:
            return
        self._need_resort |= any(k in keys for k, _ in self._history)
        self._emit_rows_changed(rows, keys)
        if self._need_refilter or self._need_resort:
            self._timer.start()

    def _emit_rows_changed(self, rows: np.ndarray, keys: tuple[str, ...]) -> None:
        pos = self._pos[np.asarray(rows, dtype=np.int64)] if len(rows) else np.empty(0, np.int64)
        pos = np.unique(pos[pos >= 0])
        if not len(pos):
            return
        cols = [self._col_of[k] for k in keys]
        c0, c1 = min(cols), max(cols)
        breaks = np.flatnonzero(np.diff(pos) != 1)
        if len(breaks) + 1 > MAX_RANGES:
            starts, ends = pos[:1], pos[-1:]
        else:
            starts, ends = pos[np.r_[0, breaks + 1]], pos[np.r_[breaks, len(pos) - 1]]
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            self.dataChanged.emit(self.index(s, c0), self.index(e, c1))

    def flush(self) -> None:
        """Re-apply a filter/sort made stale by edits now (normally done by a short timer)."""
        self._timer.stop()
        refilter, resort = self._need_refilter, self._need_resort
        self._need_refilter = self._need_resort = False
        if refilter:
            self._filter_mask = filter_mask(self.plan, self._filters) if self._filters.active else None
            self._reset_view()
        elif resort:
            rows = np.sort(self.view_rows)
            for key, order in self._history:
                rows = rows[self._order(rows, key, order)]
            self._reorder(rows)

    # ----- Qt model interface --------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.view_rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        """Called for every visible cell and role on each paint: unknown roles leave before any lookup."""
        if role not in _HANDLED or not index.isValid():
            return None
        c = index.column()
        key = self._key_of[c]
        row = int(self.view_rows[index.row()])
        if role == _DISPLAY:
            return self._dynamic_text(key, row) if key in STATUS_KEYS else self.display_value(key, row)
        if role == _ALIGN:
            return self._align[c]
        if role == _DECORATION:
            if key == "territory":
                t = int(self.plan.assignment[row])
                return self._t_colors[t] if t >= 0 else None
            return icons.lock_mark() if key == "locked" and self.plan.locked[row] else None
        if role == _FOREGROUND:
            if key == "territory" and self.plan.assignment[row] < 0:
                return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            return None
        return self._tooltip(key, row, role)

    def _dynamic_text(self, key: str, row: int) -> str:
        p = self.plan
        t = int(p.assignment[row])
        if key == "territory":
            return self._t_names[t]
        if key == "rep":
            return self._t_reps[t]
        if key == "moved":
            b = int(p.baseline[row])
            return f"from {self._t_names[b]}" if b != t else ""
        return ""

    def _tooltip(self, key: str, row: int, role: int) -> str | None:
        p = self.plan
        if key == "locked":
            if p.locked[row]:
                return "Locked: this account stays where it is"
            return "Not locked" if role == _ACCESSIBLE else None
        if key == "moved" and p.assignment[row] != p.baseline[row]:
            return (f"Moved from {self._t_names[int(p.baseline[row])]} (baseline) "
                    f"to {self._t_names[int(p.assignment[row])]}")
        return None

    def display_value(self, key: str, row: int) -> str:
        """Formatted text of a static column at a plan row, built CHUNK rows at a time (text and numbers
        alike), so the first paint does not format every row: taking the ~25 text columns whole cost ~2 s of
        opening a 1M-account plan, for the few dozen rows the table shows."""
        arr = self._display.get(key)
        if arr is None:
            arr = np.empty(self.plan.n_accounts, dtype=object)
            if self.columns[self._col_of[key]].formatter is not None:
                self._numbers[key] = pd.to_numeric(self._series(key), errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan)
            self._display[key] = arr
        value = arr[row]
        if value is None:
            lo = row - row % CHUNK
            f = self.columns[self._col_of[key]].formatter  # looked up only when a chunk is built, not per cell
            if f is None:
                chunk = self._text_series(key, slice(lo, lo + CHUNK)).to_numpy(dtype=object)
                arr[lo:lo + len(chunk)] = chunk
            else:
                numbers = self._numbers[key][lo:lo + CHUNK].tolist()
                arr[lo:lo + len(numbers)] = ["" if v != v else f(v) for v in numbers]
            value = arr[row]
        return value

    def sample_texts(self, column: int, count: int = 200) -> list[str]:
        """Display text of the first `count` visible rows of a column (to size the column to its content)."""
        key = self._key_of[column]
        rows = self.view_rows[:count].tolist()
        if key in STATUS_KEYS:
            return [self._dynamic_text(key, r) for r in rows]
        if self.columns[self._col_of[key]].formatter is None and key not in self._display:
            # a sorted view's first rows are scattered: read just them, not a chunk around each
            return self._text_series(key, rows).tolist()
        return [self.display_value(key, r) for r in rows]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 (Qt API)
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt API)
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802 (Qt API)
        """The dragged plan rows (the view's own drag bypasses this with its selection ranges)."""
        rows = np.fromiter((i.row() for i in indexes if i.isValid()), dtype=np.int64)
        return encode_rows(self.plan_rows(np.unique(rows)), self.plan.version)
