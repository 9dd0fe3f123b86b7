"""The account table of the main window: search, filters, column chooser, the table, its context menu.

The panel never changes the plan itself: moves and locks go through `PlanController.apply` (so they are
undoable and refusals are reported in one place), and the table follows the plan's change events. Selection
is shared with every other view through `Selection`; the panel ignores the echo of its own changes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDrag,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.activity import UNTOUCHED_DAYS, has_activity_dates
from territory_desktop.core.edits import MoveAccounts, SetAccountLocks
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.ui.accounts.column_chooser import ChecklistButton, ColumnChooser
from territory_desktop.ui.accounts.filters import AccountFilters, distinct_values
from territory_desktop.ui.accounts.model import AccountTableModel
from territory_desktop.ui.hub.drag_payload import drag_badge, encode_rows
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.theme import icons
from territory_desktop.ui.theme.flow_layout import FlowLayout

SEARCH_DEBOUNCE_MS = 150
_CHIPS = (("moved", "Moved", "Only accounts that moved since the baseline"),
          ("locked", "Locked", "Only locked accounts"),
          ("unassigned", "Unassigned", "Only accounts no territory owns"),
          ("unplaced", "Unplaced", "Only accounts the map could not place"),
          ("untouched", f"Untouched {UNTOUCHED_DAYS}d+",
           f"Only accounts with no CRM activity for {UNTOUCHED_DAYS} days or more (or none logged)"))
_CHIP_STYLE = """
QToolButton#chip, QToolButton#filter { padding: 3px 10px; border: 1px solid palette(mid); border-radius: 11px; }
QToolButton#chip:checked, QToolButton#filter[active="true"] { background: palette(highlight);
    color: palette(highlighted-text); border-color: palette(highlight); }
"""


class AccountTableView(QTableView):
    """A table whose drag carries the selected plan rows (row numbers only) and whose menu key works."""

    def __init__(self, panel: AccountPanel) -> None:
        super().__init__(panel)
        self._panel = panel

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            p.drawText(self.viewport().rect().adjusted(0, 24, 0, 0),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._panel.empty_text())
            p.end()

    def startDrag(self, supported: Qt.DropAction) -> None:  # noqa: N802 (Qt API)
        """Build the payload from selection ranges: Qt's default would list every selected cell first."""
        rows = self._panel.selected_rows()
        if not len(rows):
            return
        drag = QDrag(self)
        drag.setMimeData(encode_rows(rows, self._panel.plan.version))
        drag.setPixmap(drag_badge(len(rows), self.font()))
        drag.exec(Qt.DropAction.MoveAction)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt API)
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            rect = self.visualRect(self.currentIndex())
            pos = rect.bottomLeft() if rect.isValid() else QPoint(8, 8)
        else:
            pos = event.pos()
        self._panel.context_menu().exec(self.viewport().mapToGlobal(pos))


class HiddenSelectionNotice(QFrame):
    """"3 of the 4 selected accounts are hidden by the filters. [Show them]": said above the table when accounts
    selected elsewhere (a co-pilot preview, the map) are filtered out, instead of selecting nothing silently."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("hiddenSelection")
        self.setStyleSheet("QFrame#hiddenSelection { background: #FFF1D1; border: 1px solid #E8C878; "
                           "border-radius: 4px; } QFrame#hiddenSelection QLabel { color: #5C3A00; }")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.show_button = QToolButton(self, text="Show them")
        self.show_button.setToolTip("Clear the search and filters so every selected account shows")
        self.close_button = QToolButton(self, text="✕", autoRaise=True, toolTip="Dismiss")
        self.close_button.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 3, 4, 3)
        lay.setSpacing(8)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.show_button)
        lay.addWidget(self.close_button)
        self.hide()

    def say(self, hidden: int, total: int) -> None:
        """Show the count of hidden selected accounts (hide when none is hidden)."""
        if hidden <= 0:
            self.hide()
            return
        if hidden == total:
            what = "The selected account is" if total == 1 else f"All {total:,} selected accounts are"
        else:
            what = f"{hidden:,} of the {total:,} selected accounts {'is' if hidden == 1 else 'are'}"
        self.text.setText(f"{what} hidden by the search or filters.")
        self.show()


class AccountPanel(QWidget):
    """Search, filters and the account table of one plan, wired to the shared selection and undo stack."""

    def __init__(self, plan: Plan, selection: Selection, controller: PlanController,
                 settings_key: str = "accountTable", settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan, self.controller, self.selection = plan, controller, selection
        self._settings_key = settings_key
        self._settings = settings if settings is not None else QSettings()
        self._syncing = False
        self._current_row = -1
        self.model = AccountTableModel(plan, self)
        self._build_view()
        self._build_tools()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addLayout(self._tools)
        self.hidden_notice = HiddenSelectionNotice(self)
        self.hidden_notice.show_button.clicked.connect(self.show_hidden_selection)
        lay.addWidget(self.hidden_notice)
        lay.addWidget(self.view, 1)
        self.setStyleSheet(_CHIP_STYLE)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._wire()
        plan.changed.connect(self._on_plan_changed)
        self._fill_filters()
        self.columns_button.restore()
        self._update_count()
        self.setTabOrder(self.search, self.territory_filter)
        chain = [self.territory_filter, self.segment_filter, self.industry_filter, self.tier_filter,
                 *self.chips.values(),
                 self.columns_button, self.view]
        for a, b in zip(chain, chain[1:], strict=False):
            self.setTabOrder(a, b)

    # ----- construction -------------------------------------------------------------------------------------
    def _build_tools(self) -> None:
        self._tools = row = FlowLayout(spacing=6)  # wraps on a laptop instead of widening the window
        row.setContentsMargins(6, 6, 6, 0)
        self.search = QLineEdit(self, placeholderText="Search name, id or city", clearButtonEnabled=True)
        self.search.setToolTip("Quick search (Ctrl+F): accounts whose name, id or city contains the text")
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(320)
        row.addWidget(self.search)
        self.territory_filter = ChecklistButton("Territory", self)
        self.segment_filter = ChecklistButton("Segment", self)
        self.industry_filter = ChecklistButton("Industry", self)
        self.tier_filter = ChecklistButton("Tier", self)
        for w in (self.territory_filter, self.segment_filter, self.industry_filter, self.tier_filter):
            w.setObjectName("filter")
            row.addWidget(w)
        self.chips: dict[str, QToolButton] = {}
        for key, text, tip in _CHIPS:
            chip = QToolButton(self, text=text, toolTip=tip, checkable=True, objectName="chip")
            chip.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.chips[key] = chip
            row.addWidget(chip)
        self.clear_button = QToolButton(self, text="Clear filters", autoRaise=True,
                                        toolTip="Show every account again (clears search and filters)")
        self.clear_button.clicked.connect(self.clear_filters)
        self.clear_button.hide()
        row.addWidget(self.clear_button)
        self.count_label = QLabel(self)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.count_label.setMinimumHeight(self.search.sizeHint().height())  # centred on the wrapped line
        row.addWidget(self.count_label)
        self.columns_button = ColumnChooser(self.view, self._settings, self._settings_key, self)
        self.columns_button.setObjectName("filter")
        row.addWidget(self.columns_button)

    def _build_view(self) -> None:
        v = self.view = AccountTableView(self)
        v.setModel(self.model)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        v.setAlternatingRowColors(True)
        v.setShowGrid(False)
        v.setWordWrap(False)
        v.setTextElideMode(Qt.TextElideMode.ElideRight)
        v.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        v.setDragEnabled(True)
        v.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        v.setDefaultDropAction(Qt.DropAction.MoveAction)
        vh = v.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row size queries
        vh.setDefaultSectionSize(v.fontMetrics().height() + 10)
        h = v.horizontalHeader()
        h.setHighlightSections(False)
        h.setStretchLastSection(False)
        h.setSortIndicatorClearable(True)
        h.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        h.setSectionsClickable(True)
        v.setSortingEnabled(True)

    def _wire(self) -> None:
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self._find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self,
                                        activated=self.focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search, activated=self.search.clear,
                  context=Qt.ShortcutContext.WidgetShortcut)
        for w in (self.territory_filter, self.segment_filter, self.industry_filter, self.tier_filter):
            w.changed.connect(self._apply_filters)
        for chip in self.chips.values():
            chip.toggled.connect(self._apply_filters)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.selection.changed.connect(self._on_shared_selection)
        self.model.about_to_reorder.connect(self._forget_view_selection)
        self.model.modelAboutToBeReset.connect(self._forget_view_selection)
        self.model.reordered.connect(self._restore_view_selection)
        self.model.modelReset.connect(self._restore_view_selection)
        self.model.view_changed.connect(self._update_count)

    # ----- public ------------------------------------------------------------------------------------------
    def selected_rows(self) -> np.ndarray:
        """Plan rows selected in the table (sorted, unique), read from selection ranges, not cell lists."""
        bounds = np.array([(r.top(), r.bottom()) for r in self.view.selectionModel().selection()],
                          dtype=np.int64).reshape(-1, 2)
        if not len(bounds):
            return np.empty(0, dtype=np.int64)
        lengths = bounds[:, 1] - bounds[:, 0] + 1
        starts = np.repeat(bounds[:, 0] - np.cumsum(lengths) + lengths, lengths)
        return np.unique(self.model.plan_rows(starts + np.arange(lengths.sum())))

    def set_plan(self, plan: Plan, controller: PlanController) -> None:
        """Show another plan (opened file): filters reset, search and visible columns kept."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan, self.controller = plan, controller
        plan.changed.connect(self._on_plan_changed)
        self._set_filter_controls_silently()
        self.model.set_plan(plan)
        self._fill_filters()
        self.columns_button.restore()
        self._update_count()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Step back from Ctrl+F when the window has its own Find action: two would cancel each other out."""
        find = QKeySequence(QKeySequence.StandardKey.Find)
        owned = any(a.shortcut() == find for a in self.window().findChildren(QAction))
        self._find_shortcut.setEnabled(not owned)
        super().showEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def context_menu(self) -> QMenu:
        """The actions on the selected rows (built fresh so the territory list and enabled states are current)."""
        rows = self.selected_rows()
        menu = QMenu(self)
        move = menu.addMenu(icons.icon("move"), "Move to")
        p = self.plan
        order = sorted(p.active_territories().tolist(), key=lambda i: p.territories[i].name.casefold())
        for i in order:
            t = p.territories[i]
            act = move.addAction(icons.swatch(t.color), t.name + ("  (locked)" if t.locked else ""))
            act.triggered.connect(lambda _=False, i=i: self.move_selected_to(i))
        move.setEnabled(bool(len(rows)) and bool(order))
        menu.addAction("Unassign", lambda: self.move_selected_to(-1)).setEnabled(bool(len(rows)))
        menu.addSeparator()
        locked = p.locked[rows] if len(rows) else np.empty(0, dtype=bool)
        lock = menu.addAction(icons.icon("lock"), "Lock", lambda: self._set_locks(True))
        lock.setEnabled(bool((~locked).any()))
        unlock = menu.addAction(icons.icon("unlock"), "Unlock", lambda: self._set_locks(False))
        unlock.setEnabled(bool(locked.any()))
        menu.addSeparator()
        terrs = np.unique(p.assignment[rows]) if len(rows) else np.empty(0, dtype=np.int32)
        terrs = terrs[terrs >= 0]
        label = (f"Select all in {p.territories[int(terrs[0])].name}" if len(terrs) == 1
                 else "Select all in territory")
        menu.addAction(label, lambda: self.selection.set_rows(np.flatnonzero(np.isin(p.assignment, terrs))))\
            .setEnabled(bool(len(terrs)))
        return menu

    def move_selected_to(self, territory: int) -> bool:
        """Move the selected accounts (territory -1 = unassign) as one undoable step."""
        rows = self.selected_rows()
        if not len(rows):
            return False
        name = "Unassigned" if territory < 0 else self.plan.territories[territory].name
        label = f"Move {len(rows):,} account{'s' if len(rows) != 1 else ''} to {name}"
        return self.controller.apply(MoveAccounts(rows, territory, label))

    def _set_locks(self, locked: bool) -> None:
        rows = self.selected_rows()
        if len(rows):
            self.controller.apply(SetAccountLocks(rows, locked))

    # ----- filters and search ---------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        p = self.plan
        keep = set(self.territory_filter.checked())
        items = [(int(i), p.territories[i].name, icons.swatch(p.territories[i].color))
                 for i in p.active_territories().tolist()]
        self.territory_filter.set_items(sorted(items, key=lambda it: it[1].casefold()), keep)
        for w, col in ((self.segment_filter, "segment"), (self.industry_filter, "industry"),
                       (self.tier_filter, "tier")):
            keep = set(w.checked())
            w.set_items([(v, v, None) for v in distinct_values(p, col)], keep)
        self.chips["untouched"].setVisible(has_activity_dates(p))  # meaningless without activity dates

    def _set_filter_controls_silently(self) -> None:
        for w in (self.territory_filter, self.segment_filter, self.industry_filter, self.tier_filter):
            w.set_checked((), emit=False)
        for chip in self.chips.values():
            chip.blockSignals(True)
            chip.setChecked(False)
            chip.blockSignals(False)

    def current_filters(self) -> AccountFilters:
        return AccountFilters(
            territories=frozenset(int(k) for k in self.territory_filter.checked()),  # type: ignore[arg-type]
            segments=frozenset(str(k) for k in self.segment_filter.checked()),
            industries=frozenset(str(k) for k in self.industry_filter.checked()),
            tiers=frozenset(str(k) for k in self.tier_filter.checked()),
            **{key: chip.isChecked() for key, chip in self.chips.items()})

    def _apply_filters(self) -> None:
        self.model.set_filters(self.current_filters())

    def _apply_search(self) -> None:
        self.model.set_search(self.search.text())

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._apply_search()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_rows
        noun = "account" if total == 1 else "accounts"
        self.count_label.setText(f"{fmt.count(total)} {noun}" if shown == total
                                 else f"{fmt.count(shown)} of {fmt.count(total)} {noun}")
        self.clear_button.setVisible(self.model.filters.active or bool(self.model.search_text.strip()))

    def empty_text(self) -> str:
        """What an empty table says: why it is empty and what to do."""
        if self.model.total_rows == 0:
            return "This plan has no accounts yet. Import a CSV or Excel file to start."
        return "No accounts match the search and filters. Clear filters to see them all."

    def clear_filters(self) -> None:
        """Back to every account: search text, filter choices and chips all cleared, in one re-filter."""
        self._search_timer.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._set_filter_controls_silently()
        self.model.set_search("")
        self.model.set_filters(AccountFilters())
        self._update_count()

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind in ("territories", "segments", "scores"):
            self._fill_filters()

    # ----- selection sync -------------------------------------------------------------------------------
    def _on_view_selection(self, *_: object) -> None:
        if not self._syncing:
            self.selection.set_rows(self.selected_rows(), source=self)

    def _on_shared_selection(self, rows: np.ndarray, source: object) -> None:
        if source is not self:
            self._show_selection(rows, scroll=True)
            self._say_hidden(rows)
        else:
            self.hidden_notice.hide()  # picked in this table: it shows what is picked

    def _say_hidden(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.plan.n_accounts)]
        hidden = int((self.model.view_row_of(rows) < 0).sum()) if len(rows) else 0
        self.hidden_notice.say(hidden, len(rows))

    def show_hidden_selection(self) -> None:
        """Clear search and filters, then select and scroll to the shared selection again."""
        self.clear_filters()
        self.model.flush()
        self._show_selection(self.selection.rows, scroll=True)
        self._say_hidden(self.selection.rows)

    def _show_selection(self, rows: np.ndarray, scroll: bool) -> None:
        """Select these plan rows in the table (those visible), without echoing back to the shared selection."""
        pos = np.sort(self.model.view_row_of(rows)) if len(rows) else np.empty(0, np.int64)
        pos = pos[pos >= 0]
        sel = QItemSelection()
        last = self.model.columnCount() - 1
        if len(pos):
            breaks = np.flatnonzero(np.diff(pos) != 1)
            starts, ends = pos[np.r_[0, breaks + 1]], pos[np.r_[breaks, len(pos) - 1]]
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
                # += rather than select(): PySide6 6.12 on Python 3.11 loses a ref to None per void call
                sel += QItemSelection(self.model.index(s, 0), self.model.index(e, last))
        sm = self.view.selectionModel()
        self._syncing = True
        try:
            sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect
                      | QItemSelectionModel.SelectionFlag.Rows)
            if len(pos):
                first = self.model.index(int(pos[0]), max(0, self.view.currentIndex().column()))
                sm.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
                if scroll:
                    self.view.scrollTo(first, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._syncing = False

    def _forget_view_selection(self) -> None:
        """Before a sort or re-filter: drop the view's selection (re-applied from the shared one after), so Qt
        does not remap thousands of persistent indexes one by one."""
        cur = self.view.currentIndex()
        self._current_row = int(self.model.view_rows[cur.row()]) if cur.isValid() else -1
        self._syncing = True
        try:
            self.view.selectionModel().clearSelection()
        finally:
            self._syncing = False

    def _restore_view_selection(self) -> None:
        self._show_selection(self.selection.rows, scroll=True)
        if self.hidden_notice.isVisible():
            self._say_hidden(self.selection.rows)  # a filter change may have revealed them
        if self._current_row >= 0:
            r = int(self.model.view_row_of([self._current_row])[0])
            if r >= 0:
                idx = self.model.index(r, max(0, self.view.currentIndex().column()))
                self.view.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.NoUpdate)

    # ----- columns ---------------------------------------------------------------------------------------
    def save_columns(self) -> None:
        """Persist visible columns and widths now (the window calls this on close)."""
        self.columns_button.save()
