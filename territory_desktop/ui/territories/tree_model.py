"""The territories as a tree: areas (when any territory names one) → regions → territories, from
`core/hierarchy.py`, with the flat table model's columns.

A territory row is the flat model's row, read through it (same text, colours, sort keys, lock box), so the
two modes never disagree and the flat model stays the one place that formats a territory. A group row
shows its totals: territories, accounts, potential, workload against capacity, and per balanced measure
how many of its territories are out of band. The tree follows the flat model's `refreshed` signal: one
roll-up per plan change (~1 ms at 200 territories); when the numbers change it repaints the group rows
and the changed territories, when the shape changes (a region edited, a territory added) it resets.
It does nothing while the panel shows the flat table (`set_active`), so flat mode costs what it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from territory_desktop.core import format as fmt
from territory_desktop.core.hierarchy import Group, Hierarchy, Totals, roll_up
from territory_desktop.ui.territories.model import SORT_ROLE, TERRITORY_ROLE, TerritoryTableModel, title_of
from territory_desktop.ui.theme.style import BAND_COLORS, BAND_WORDS, MUTED, WORKLOAD_ROLE

GROUP_ROLE = Qt.ItemDataRole.UserRole + 10
"""The region/area key of a group row (None on a territory row): expansion state survives a reset by it."""
GROUP_BACKGROUND = "#EEF1F5"
ROW_HEIGHT = 30
"""px, as the flat table's rows (its vertical header's section size)."""
Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Node:
    parent: int
    """Node id of the parent, -1 at the top."""
    row: int
    territory: int = -1
    group: Group | None = None
    children: list[int] = field(default_factory=list)


def _shape(h: Hierarchy) -> tuple:
    def of(g: Group) -> tuple:
        return g.key, g.name, tuple(of(c) for c in g.children), () if g.children else g.territories
    return h.has_areas, tuple(of(g) for g in h.groups)


class TerritoryTreeModel(QAbstractItemModel):
    """Group rows with totals over the flat model's territory rows."""

    def __init__(self, flat: TerritoryTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flat = flat
        self._active = False
        self._nodes: list[_Node] = []
        self._top: list[int] = []
        self._node_of_territory: dict[int, int] = {}
        self._flat_row: dict[int, int] = {}
        self._shape: tuple = ()
        self.hierarchy: Hierarchy | None = None
        flat.modelReset.connect(self._on_flat_reset)
        flat.refreshed.connect(self._on_flat_refreshed)

    # ----- building -------------------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """Follow the plan only while shown; becoming active rebuilds from the current plan."""
        self._active = active
        if active:
            self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        self._build(roll_up(self.flat.plan))
        self.endResetModel()

    def _build(self, h: Hierarchy) -> None:
        self.hierarchy = h
        self._shape = _shape(h)
        self._nodes, self._top, self._node_of_territory = [], [], {}
        self._flat_row = {self.flat.territory_at(r): r for r in range(self.flat.rowCount())}

        def add(parent: int, g: Group, row: int) -> int:
            nid = len(self._nodes)
            self._nodes.append(_Node(parent, row, group=g))
            if g.children:
                self._nodes[nid].children = [add(nid, c, i) for i, c in enumerate(g.children)]
            else:
                kids = []
                for i, t in enumerate(g.territories):
                    kid = len(self._nodes)
                    self._nodes.append(_Node(nid, i, territory=t))
                    self._node_of_territory[t] = kid
                    kids.append(kid)
                self._nodes[nid].children = kids
            return nid

        self._top = [add(-1, g, i) for i, g in enumerate(h.groups)]

    def _on_flat_reset(self) -> None:
        if self._active:
            self._reset()

    def _on_flat_refreshed(self, changed: object) -> None:
        """After the flat model re-read the plan: repaint what changed, or reset if the tree's shape did."""
        if not self._active:
            return
        h = roll_up(self.flat.plan)
        if _shape(h) != self._shape:
            self.beginResetModel()
            self._build(h)
            self.endResetModel()
            return
        groups = {(g.level, g.key): g for g in h.groups} | {(c.level, c.key): c for g in h.groups for c in g.children}
        self.hierarchy = h
        last = self.columnCount() - 1
        for nid, node in enumerate(self._nodes):
            if node.group is None:
                continue
            new = groups.get((node.group.level, node.group.key))
            if new is None:
                continue
            repaint = new.totals != node.group.totals
            node.group = new
            if repaint:
                self.dataChanged.emit(self.createIndex(node.row, 0, nid), self.createIndex(node.row, last, nid))
        for t in changed or ():
            nid = self._node_of_territory.get(int(t))
            if nid is not None:
                row = self._nodes[nid].row
                self.dataChanged.emit(self.createIndex(row, 0, nid), self.createIndex(row, last, nid))

    # ----- lookups --------------------------------------------------------------------------------------
    def index_of_territory(self, territory: int, column: int = 0) -> QModelIndex:
        nid = self._node_of_territory.get(territory)
        return QModelIndex() if nid is None else self.createIndex(self._nodes[nid].row, column, nid)

    def group_indexes(self, column: int) -> list[QModelIndex]:
        """Every area and region row's index in `column` (the panel sizes columns to fit their totals too)."""
        return [self.createIndex(n.row, column, nid) for nid, n in enumerate(self._nodes) if n.group is not None]

    def group_at(self, index: Index) -> Group | None:
        return self._nodes[index.internalId()].group if index.isValid() else None

    # ----- Qt model API ---------------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        kids = self._nodes[parent.internalId()].children if parent.isValid() else self._top
        if not (0 <= row < len(kids) and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column, kids[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        p = self._nodes[index.internalId()].parent
        return QModelIndex() if p < 0 else self.createIndex(self._nodes[p].row, 0, p)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        if not parent.isValid():
            return len(self._top)
        return len(self._nodes[parent.internalId()].children) if parent.column() == 0 else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return self.flat.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 (Qt API)
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.flat.headerData(section, orientation, role)

    def _flat_index(self, index: Index) -> QModelIndex:
        t = self._nodes[index.internalId()].territory
        row = self._flat_row.get(t, -1)
        return self.flat.index(row, index.column()) if row >= 0 else QModelIndex()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._nodes[index.internalId()].group is None:
            return self.flat.flags(self._flat_index(index))
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """The lock box of a territory row, as in the flat table (an undoable edit through the panel)."""
        if not index.isValid() or self._nodes[index.internalId()].group is not None:
            return False
        return self.flat.setData(self._flat_index(index), value, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(10, ROW_HEIGHT)
        if node.group is None:
            return self.flat.data(self._flat_index(index), role)
        return self._group_data(node.group, self.flat.column_key(index.column()), role)

    # ----- group rows -----------------------------------------------------------------------------------
    def _group_data(self, g: Group, key: str, role: int) -> Any:
        t = g.totals
        if role == GROUP_ROLE:
            return f"{g.level}:{g.key}"
        if role == TERRITORY_ROLE:
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(GROUP_BACKGROUND))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._summary(g)
        if key.startswith("dev_"):
            return self._group_band(t, key[4:], role)
        if key == "workload":
            util = t.utilisation
            if role == WORKLOAD_ROLE:
                return t.workload, t.capacity, util
            if role == SORT_ROLE:
                return util if t.capacity > 0 else t.workload
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{fmt.hours(t.workload)} of {fmt.hours(t.capacity)}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return g.name
            if key == "rep":
                n = t.territories
                return f"{n} territor{'y' if n == 1 else 'ies'}"
            if key == "accounts":
                return fmt.count(float(t.accounts))
            if key == "potential":
                return fmt.money(t.measures.get("potential", 0.0))
            return None
        if role == SORT_ROLE:
            if key == "name":
                return ("\uffff" if g.name.startswith("No ") else "") + g.name.casefold()  # "No region" last
            if key == "rep":
                return t.territories
            if key == "accounts":
                return float(t.accounts)
            if key == "potential":
                return t.measures.get("potential", 0.0)
            if key == "locked":
                return 0
            return None
        if role == Qt.ItemDataRole.ForegroundRole and key == "rep":
            return QBrush(QColor(MUTED))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("accounts", "potential"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _group_band(self, t: Totals, measure: str, role: int) -> Any:
        """A group's band cell: how many of its territories are out (or near) on this measure."""
        out, near = t.out_by_measure.get(measure, 0), t.near_by_measure.get(measure, 0)
        status = "out" if out else ("near" if near else "in")
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{out} out" if out else (f"{near} near" if near else "all in")
        if role == SORT_ROLE:
            return float(out) + near / 1000.0
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(BAND_COLORS.get(status, (MUTED, ""))[0]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{title_of(measure)}: {out} of {t.territories} territories {BAND_WORDS['out']}, "
                    f"{near} {BAND_WORDS['near']}")
        return None

    def _summary(self, g: Group) -> str:
        t = g.totals
        lines = [f"{g.name} ({'area' if g.level == 'area' else 'region'}): {t.territories} territories",
                 f"Accounts {fmt.count(float(t.accounts))}"]
        for m, v in t.measures.items():
            if m in ("potential", "pipeline"):
                lines.append(f"{title_of(m)} {fmt.money(v)}")
        util = f" ({t.utilisation * 100:,.0f}%)" if t.capacity > 0 else ""
        lines.append(f"Workload {fmt.hours(t.workload)} of {fmt.hours(t.capacity)} capacity{util}")
        lines.append(f"{t.out_of_band} out of band, {t.over_capacity} over capacity")
        return "\n".join(lines)
