"""The Capacity panel: the chart, the health check, fairness per measure and peer group, and headcount.

Everything follows `plan.changed`: a move updates the chart rows of the territories it touched and recomputes the
three side lists (the core's numbers, a few ms at 200 territories). Clicking a chart row or a health-check entry
selects the accounts concerned in the shared Selection (so the table and the map follow) and asks the shell to
select the territory in the territories panel.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.book_norms import norm_for
from territory_desktop.core.fairness import fairness
from territory_desktop.core.headcount import headcount
from territory_desktop.core.health_check import health_check
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.ui.capacity.chart import CapacityChart
from territory_desktop.ui.capacity.fairness_table import FairnessTable
from territory_desktop.ui.capacity.rows import SORTS, chart_data
from territory_desktop.ui.capacity.wrapping_list import WrappingList
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.theme.style import MUTED

_ROWS = Qt.ItemDataRole.UserRole


class CapacityPanel(QWidget):
    """Capacity and fairness of one plan. `territorySelected(t)` when the planner picks a territory here;
    `whatIfRequested(kind)` ("add" / "remove") when a what-if button is pressed (the shell runs it)."""

    territorySelected = Signal(int)  # noqa: N815 (Qt naming)
    whatIfRequested = Signal(str)  # noqa: N815
    message = Signal(str)

    def __init__(self, plan: Plan, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan, self.selection = plan, selection
        self._due: set[int] = set()
        self._chart_due = False
        self._on_screen = True  # False while the dock's tab is behind another (`set_on_screen`)
        self._held: set[int] = set()  # territories moved while off screen
        self._lists_held = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._refresh_due)
        self._build()
        plan.changed.connect(self._on_plan_changed)
        self.refresh()

    # ----- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.sort_combo = QComboBox(self)
        for key, text in SORTS:
            self.sort_combo.addItem(f"Sort by {text.lower()}", key)
        self.sort_combo.setToolTip("Order of the territories inside each peer group")
        self.sort_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.chart = CapacityChart(self)
        self.chart.territoryClicked.connect(self.select_territory)
        self.health = WrappingList(self)
        self.health.setAccessibleName("Health check")
        self.health.setToolTip("Click an entry to select the accounts concerned in the table and on the map")
        self.health.itemClicked.connect(self._health_clicked)
        self.health.itemActivated.connect(self._health_clicked)
        self.fair = FairnessTable(self)
        self.heads = QLabel(self)
        self.heads.setWordWrap(True)
        self.heads.setTextFormat(Qt.TextFormat.RichText)
        self.add_button = QPushButton("Add a rep…", self)
        self.add_button.setToolTip("What if: a new territory where coverage is thinnest, carved from its "
                                   "neighbours (shown before it is applied)")
        self.remove_button = QPushButton("Remove a rep…", self)
        self.remove_button.setToolTip("What if: the selected territory's book redistributed to the others")
        self.add_button.clicked.connect(lambda: self.whatIfRequested.emit("add"))
        self.remove_button.clicked.connect(lambda: self.whatIfRequested.emit("remove"))

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(6, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.sort_combo)
        top.addStretch(1)
        lv.addLayout(top)
        lv.addWidget(self.chart, 1)
        # One tab per list: stacked in a dock ~370 px tall, each got three lines and the fairness table's
        # figures were cut off; a tab gives its list the dock's whole height.
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.setUsesScrollButtons(False)  # three short titles fit the side column of a laptop's dock
        self.side_tabs.addTab(self.health, "Health")
        self.side_tabs.setTabToolTip(0, "Health check: what is out of band, over capacity or unassigned")
        self.side_tabs.addTab(self.fair, "Fairness")
        heads_page = QWidget(self)
        hv = QVBoxLayout(heads_page)
        hv.setContentsMargins(6, 6, 6, 6)
        hv.addWidget(self.heads)
        hv.addStretch(1)
        self.side_tabs.addTab(heads_page, "Headcount")
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 6, 6, 0)
        rv.addWidget(self.side_tabs, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("What if:", self))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        rv.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        right.setMinimumWidth(300)

        self._split = split
        self._sized = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().showEvent(event)
        if not self._sized and self.width() > 800:  # first show: the chart ~62%, the lists the rest
            self._sized = True
            w = self._split.width()
            chart = max(int(w * 0.62), w - 460)
            self._split.setSizes([chart, w - chart])
        if self._chart_due:  # laid out once, at the size it is shown at
            self._chart_due = False
            self._refresh_chart()

    # ----- plan ----------------------------------------------------------------------------------------
    def set_on_screen(self, on: bool) -> None:
        """The shell tells the panel when its dock tab comes to the front or goes behind (Qt keeps a tab that
        is behind "visible"). Off screen, edits only note which territories changed: a drop of 1,000 accounts
        at 100k accounts then skips the chart's numbers and the side lists; raising the tab catches up."""
        self._on_screen = on
        if not on:
            return
        if self._held:
            self._due |= self._held
            self._held = set()
            self._refresh_due()
        elif self._lists_held:
            self._refresh_lists()

    def set_plan(self, plan: Plan) -> None:
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        plan.changed.connect(self._on_plan_changed)
        self._due.clear()
        self._held.clear()
        self.refresh()

    def _norms(self) -> dict[int, tuple[int, int] | None]:
        return {int(t): norm_for(self.plan, int(t)) for t in self.plan.active_territories()}

    def refresh(self) -> None:
        """Everything anew: the chart's rows in the chosen order, and the three side lists. A hidden panel
        (the Capacity tab behind Territories) lays its chart out when it is first shown."""
        if self.isVisible():
            self._refresh_chart()
        else:
            self._chart_due = True
        self._refresh_lists()

    def _refresh_chart(self) -> None:
        self.chart.set_data(chart_data(self.plan, self.sort_combo.currentData() or "deviation", self._norms()))

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind == "accounts":  # the account set was replaced (a refresh): the shell re-points every view
            return
        if change.kind == "assignment":
            self._due.update(change.territories)
            self._timer.start()  # moves in a row are gathered into one update
        elif change.kind != "locks":
            self._due.clear()
            self.refresh()
        elif self._on_screen:
            self._refresh_lists()
        else:
            self._lists_held = True

    def _refresh_due(self) -> None:
        if not self._on_screen:  # behind another tab: caught up by set_on_screen(True)
            self._held |= self._due
            self._due = set()
            return
        due, self._due = self._due, set()
        if self._chart_due:  # hidden: the chart is laid out anew when shown, so its numbers are not needed now
            self._refresh_lists()
            return
        data = chart_data(self.plan, "deviation", self._norms())
        # keep the rows where they are: re-read the numbers in the order shown
        shown = self.chart.data
        if shown is None or set(shown.order.tolist()) != set(data.order.tolist()):
            self.refresh()
            return
        pos_of = {int(t): i for i, t in enumerate(data.order.tolist())}
        data = _reorder(data, shown.order, pos_of)
        positions = [i for i, t in enumerate(shown.order.tolist()) if t in due or _changed(shown, data, i)]
        self.chart.update_rows(data, positions)
        self._refresh_lists()

    def _refresh_lists(self) -> None:
        """Health check, fairness and headcount; widgets are touched only where their text changed."""
        self._lists_held = False
        entries = health_check(self.plan)
        titles = [e.title for e in entries] or ["Nothing to check: every book is in band and within capacity"]
        self.health.set_texts(titles)
        self.side_tabs.setTabText(0, f"Health ({len(entries)})" if entries else "Health")
        for i, e in enumerate(entries):
            self.health.item(i).setData(_ROWS, (e.rows, e.territories))
        self.fair.set_rows(fairness(self.plan))
        lines = [h.words for h in headcount(self.plan, self.plan.settings.headcount)]
        text = "<br>".join(lines) if lines else f"<span style='color:{MUTED}'>No reps yet</span>"
        if self.heads.text() != text:
            self.heads.setText(text)

    # ----- selection -----------------------------------------------------------------------------------
    def select_territory(self, territory: int) -> None:
        rows = np.flatnonzero(self.plan.assignment == territory)
        self.selection.set_rows(rows, self)
        self.territorySelected.emit(territory)
        self.message.emit(f"{self.plan.territories[territory].name}: {fmt.count(len(rows))} accounts selected.")

    def _health_clicked(self, item: QListWidgetItem) -> None:
        data = item.data(_ROWS)
        if not data:
            return
        rows, territories = data
        if len(rows):
            self.selection.set_rows(rows, self)
        if len(territories) == 1:
            self.territorySelected.emit(int(territories[0]))
        self.message.emit(item.text())


def _reorder(data, order: np.ndarray, pos_of: dict[int, int]):  # noqa: ANN001, ANN202 — ChartData
    """`data` with its rows in `order` (the order on screen)."""
    idx = np.array([pos_of[int(t)] for t in order.tolist()], dtype=np.int64)
    return replace(data, order=order, names=[data.names[i] for i in idx], color=[data.color[i] for i in idx],
                   utilisation=data.utilisation[idx], workload=data.workload[idx], capacity=data.capacity[idx],
                   deviation=data.deviation[idx], status=[data.status[i] for i in idx],
                   segment_counts=data.segment_counts[idx], norms=[data.norms[i] for i in idx],
                   pipeline=data.pipeline[idx])


def _changed(old, new, i: int) -> bool:  # noqa: ANN001 — ChartData
    """A row whose numbers moved although its territory was not edited (its peers' mean shifted)."""
    return bool(abs(old.deviation[i] - new.deviation[i]) > 1e-12 or old.status[i] != new.status[i])
