"""The co-pilot dock: what the solver is doing, and its suggestions to accept, reject or preview one by one.

The panel never edits the plan itself: accepting builds one `MoveAccounts` edit and hands it to the window's
`apply_edit` (so it lands on the undo stack and a refusal is explained there). Preview selects the suggestion's
accounts in the shared Selection, so the table and the map highlight them, and opens a card with the touched
territories' figures before → after. The list shows the best `MAX_SHOWN`; "Accept all" takes every suggestion,
which yields exactly the solver's plan.

After an edit the list is kept, greyed and marked out of date, until the co-pilot has new suggestions (or
says it has none): a list that blanks on every drop reads as if the co-pilot gave up. Out-of-date rows can be
previewed and rejected, not accepted.

This module holds the panel's state (the suggestions, whether they are out of date, the plan it follows) and
composes the parts kept beside it: `status_header` (state, explanation, Pause, objective trend),
`suggestion_list` (rows and their delegate), `suggestion_words` (how a suggestion reads), `preview_card`,
`connected_line` and `action_row` (the buttons). Names other modules import from here are re-exported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from territory_desktop.core.edits import Edit
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.solver.copilot.connected import connected_status
from territory_desktop.solver.copilot.suggestions import Suggestion, suggestion_edit
from territory_desktop.ui.copilot.action_row import ActionRow
from territory_desktop.ui.copilot.budget_row import BudgetRow
from territory_desktop.ui.copilot.connected_line import ConnectedLine
from territory_desktop.ui.copilot.preview_card import PreviewCard
from territory_desktop.ui.copilot.sparkline import Sparkline
from territory_desktop.ui.copilot.status_header import (
    BUDGET_HOW,
    BUDGET_WORD,
    STATE_COLORS,
    STATE_WORDS,
    StatusHeader,
)
from territory_desktop.ui.copilot.suggestion_list import (
    MAX_SHOWN,
    STALE_ROLE,
    STALE_TEXT,
    SUGGESTION_ROLE,
    SuggestionDelegate,
    count_text,
    fill_rows,
    suggestion_list,
    wrap_lines,
)
from territory_desktop.ui.copilot.suggestion_words import headline
from territory_desktop.ui.theme.style import MUTED, SPACING

__all__ = [
    "BUDGET_HOW", "BUDGET_WORD", "CONNECTED_KINDS", "MAX_SHOWN", "STALE_ROLE", "STALE_TEXT", "STATE_COLORS",
    "STATE_WORDS", "Sparkline", "SuggestionDelegate", "SuggestionsDock", "SuggestionsPanel", "connected_status",
    "headline", "wrap_lines",
]

CONNECTED_KINDS = frozenset({"adjacency", "assignment", "settings", "territories", "accounts"})
"""Plan changes that can change the contiguity line (an account moved, the rule toggled, a territory removed)."""


class SuggestionsPanel(QWidget):
    """The content of the co-pilot dock (usable on its own, e.g. inside MainWindow.add_dock)."""

    def __init__(self, plan: Plan, apply_edit: Callable[[Edit], bool], client: Any, selection: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.apply_edit = apply_edit
        self.client = client
        self.selection = selection
        self._suggestions: list[Suggestion] = []
        self.move_preview: Any = None
        """A hub MovePreview the window may hand over: the current suggestion is shown on the map."""
        self._stale = False
        """The list shown was computed for an earlier plan version (kept until the co-pilot answers again)."""
        self._filling = False
        self._refill = QTimer(self)
        self._refill.setSingleShot(True)
        self._refill.setInterval(0)
        self._refill.timeout.connect(lambda: self._fill(keep_row=max(self.list.currentRow(), 0)))
        self._recount = QTimer(self)  # the contiguity line: once per burst of edits, after the edit's slot
        self._recount.setSingleShot(True)
        self._recount.setInterval(0)
        self._recount.timeout.connect(self.refresh_connected)
        self._build()
        client.statusChanged.connect(self._on_status)
        client.suggestionsChanged.connect(self.set_suggestions)
        client.progress.connect(self.header.show_progress)
        plan.changed.connect(self._on_plan_changed)
        self._on_status(getattr(client, "state", "idle"), getattr(client, "detail", ""))
        self.set_suggestions(list(getattr(client, "suggestions", [])))
        self.refresh_connected()

    # ----- layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2 * SPACING, 2 * SPACING, 2 * SPACING, 2 * SPACING)
        outer.setSpacing(SPACING + 2)
        self.header = StatusHeader()
        self.dot, self.state_label, self.pause_button = (self.header.dot, self.header.state_label,
                                                         self.header.pause_button)
        self.detail_label, self.sparkline = self.header.detail_label, self.header.sparkline
        self.objective_label = self.header.objective_label
        self.pause_button.toggled.connect(self._on_pause)
        outer.addWidget(self.header)
        self.list = suggestion_list()
        self.list.installEventFilter(self)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.currentRowChanged.connect(lambda _r: self.preview_card.hide())
        self.list.currentRowChanged.connect(lambda _r: self.list.doItemsLayout())  # the current row opens up
        self.list.itemDoubleClicked.connect(lambda _item: self.preview())
        outer.addWidget(self.list, 1)
        self.preview_card = PreviewCard()
        outer.addWidget(self.preview_card)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setStyleSheet(f"color: {MUTED};")
        outer.addWidget(self.count_label)
        self.connected_label = ConnectedLine()
        outer.addWidget(self.connected_label)
        self.budget = BudgetRow(self.plan, lambda edit: self.apply_edit(edit), self)
        outer.addWidget(self.budget)
        self.action_row = ActionRow()
        self.preview_button, self.reject_button = self.action_row.preview_button, self.action_row.reject_button
        self.accept_button, self.accept_all_button = self.action_row.accept_button, self.action_row.accept_all_button
        self.preview_button.clicked.connect(self.preview)
        self.reject_button.clicked.connect(self.reject)
        self.accept_button.clicked.connect(self.accept)
        self.accept_all_button.clicked.connect(self.accept_all)
        outer.addWidget(self.action_row)
        self._update_buttons()

    # ----- actions -----------------------------------------------------------------------------------
    def current(self) -> Suggestion | None:
        """The suggestion of the current row as shown (call flush() first to act on pending updates)."""
        item = self.list.currentItem()
        return None if item is None else item.data(SUGGESTION_ROLE)

    def accept(self) -> bool:
        """Accept the current suggestion as one undoable edit."""
        self.flush()
        s = self.current()
        if s is None or s.is_stale(self.plan):
            return False
        row = self.list.currentRow()
        if not self.apply_edit(suggestion_edit([s])):
            return False
        self._remove(s, row)
        return True

    def accept_all(self) -> bool:
        """Accept every suggestion of today's plan as one undoable edit."""
        self.flush()
        fresh = [s for s in self._suggestions if not s.is_stale(self.plan)]
        if not fresh or not self.apply_edit(suggestion_edit(fresh)):
            return False
        self.set_suggestions([s for s in self._suggestions if s not in fresh])
        return True

    def reject(self) -> None:
        """Drop the current suggestion and tell the co-pilot not to offer it again."""
        self.flush()
        s = self.current()
        if s is None:
            return
        row = self.list.currentRow()
        self._remove(s, row)
        if hasattr(self.client, "reject"):
            self.client.reject(s)

    def preview(self) -> None:
        """Select the suggestion's accounts everywhere and open the before → after card beneath the list."""
        self.flush()
        s = self.current()
        if s is None:
            return
        self.selection.set_rows(s.rows, self)
        self.preview_card.show_suggestion(self.plan, s)

    def _remove(self, s: Suggestion, row: int) -> None:
        self._suggestions = [x for x in self._suggestions if x is not s]
        self._fill(keep_row=row)

    # ----- updates -----------------------------------------------------------------------------------
    def set_plan(self, plan: Plan) -> None:
        """Follow another plan: its budget and contiguity, no suggestions and no trend until the co-pilot's."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        plan.changed.connect(self._on_plan_changed)
        self.budget.set_plan(plan)
        self.set_suggestions([])
        self.sparkline.clear()
        self.refresh_connected()

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        """Show these suggestions. The list is rebuilt on the next event-loop turn, not inside the caller's
        slot: the client has just spent ~15 ms deriving them at 100k accounts, and the two together would
        stall the window past 50 ms; bursts of updates also coalesce into one rebuild."""
        fresh = [s for s in suggestions if not s.is_stale(self.plan)]
        if fresh or not self._suggestions or not all(s.is_stale(self.plan) for s in self._suggestions):
            self._suggestions, self._stale = fresh, False
        else:  # an edit made the list stale and nothing new has come yet: keep it, greyed, until it does
            self._stale = True
        self._refill.start()

    def flush(self) -> None:
        """Rebuild the list now if an update is pending (tests, and before acting on the current item)."""
        if self._refill.isActive() and not self._filling:
            self._refill.stop()
            self._fill(keep_row=max(self.list.currentRow(), 0))
        if self._recount.isActive():
            self._recount.stop()
            self.refresh_connected()

    def refresh_connected(self) -> None:
        """Show whether every territory is one connected piece (`connected_status`); hidden without an adjacency."""
        self._recount.stop()
        self.connected_label.show_text(connected_status(self.plan) if self.plan.adjacency is not None else None)

    def _fill(self, keep_row: int = 0) -> None:
        self._filling = True  # the list's own signals fire inside clear(): never rebuild it re-entrantly
        try:
            fill_rows(self.list, self.plan, self._suggestions, self._stale, keep_row)
            paused = getattr(self.client, "state", "") == "paused"
            self.count_label.setText(count_text(self.plan, self._suggestions, self._stale, paused))
            self._update_buttons()
        finally:
            self._filling = False

    def _update_buttons(self, *_args: object) -> None:
        s = self.current()
        has = s is not None
        fresh = has and not s.is_stale(self.plan)
        if self.move_preview is not None:
            if fresh:
                self.move_preview.show(s.rows, s.from_territory, s.to_territory)
            else:
                self.move_preview.clear()
        self.action_row.set_state(has, fresh, any(not x.is_stale(self.plan) for x in self._suggestions))

    def _on_plan_changed(self, change: PlanChange) -> None:
        self.budget.refresh()
        if change.kind in CONNECTED_KINDS:
            if self.plan.adjacency is None:  # most plans: no graph to walk, nothing to say
                self.connected_label.hide()
            else:
                self._recount.start()
        if change.kind == "accounts":  # a CRM refresh replaced the accounts: old rows name other accounts now
            self._suggestions, self._stale = [], False
            self.preview_card.hide()
            self._fill()
            return
        if any(s.is_stale(self.plan) for s in self._suggestions):
            self.set_suggestions([s for s in self._suggestions if not s.is_stale(self.plan)])
        self.preview_card.hide()

    def _on_status(self, state: str, detail: str) -> None:
        if self._stale and state in ("idle", "error"):  # the co-pilot answered: nothing new to offer
            self._suggestions, self._stale = [], False
            self._refill.start()
        elif self._stale:
            self._refill.start()  # the out-of-date note says whether new suggestions are coming
        self.header.show_status(state, detail)

    def _on_pause(self, checked: bool) -> None:
        if checked:
            self.client.pause()
        else:
            self.client.resume()

    # ----- keyboard ----------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self.list and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.reject()
                return True
            if key == Qt.Key.Key_Space:
                self.preview()
                return True
        return super().eventFilter(obj, event)


class SuggestionsDock(QDockWidget):
    """The co-pilot as a dock: status, objective trend, the suggestions and their buttons."""

    def __init__(self, plan: Plan, apply_edit: Callable[[Edit], bool], client: Any, selection: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__("Co-pilot", parent)
        self.setObjectName("suggestionsDock")
        self.panel = SuggestionsPanel(plan, apply_edit, client, selection, self)
        self.setWidget(self.panel)

    def set_plan(self, plan: Plan) -> None:
        """Follow another plan."""
        self.panel.set_plan(plan)
