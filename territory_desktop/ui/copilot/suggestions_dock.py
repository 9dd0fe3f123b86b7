"""The co-pilot dock: what the solver is doing, and its suggestions to accept, reject or preview one by one.

The panel never edits the plan itself: accepting builds one `MoveAccounts` edit and hands it to the window's
`apply_edit` (so it lands on the undo stack and a refusal is explained there). Preview selects the suggestion's
accounts in the shared Selection, so the table and the map highlight them, and opens a card with the touched
territories' figures before → after. The list shows the best `MAX_SHOWN`; "Accept all" takes every suggestion,
which yields exactly the solver's plan.

After an edit the list is kept, greyed and marked out of date, until the co-pilot has new suggestions (or
says it has none): a list that blanks on every drop reads as if the co-pilot gave up. Out-of-date rows can be
previewed and rejected, not accepted. Deviations are worded by `core/band_words.py`, so a promise of "−15%"
against a ±15% band that still leaves the territory out reads "−15.3% (still out)".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text, status_of
from territory_desktop.core.edits import Edit
from territory_desktop.core.format import money, percent
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.solver.copilot.connected import connected_status
from territory_desktop.solver.copilot.messages import is_budget_hint
from territory_desktop.solver.copilot.suggestions import KpiDelta, Suggestion, suggestion_edit
from territory_desktop.ui.copilot.budget_row import BudgetRow
from territory_desktop.ui.theme.style import ACCENT, BORDER, MUTED, SPACING, TEXT

MAX_SHOWN = 60
"""The list shows the best suggestions only: nobody reviews hundreds one by one ("Accept all" takes the rest),
and laying out hundreds of wrapped rows would stall the window at 100k accounts."""
STATE_COLORS = {"running": ACCENT, "idle": "#1E6B34", "infeasible": "#8A5300", "error": "#B3261E",
                "paused": "#8A929C"}
STATE_WORDS = {"running": "Working", "idle": "Up to date", "infeasible": "Rules conflict",
               "error": "Solver problem", "paused": "Paused"}
BUDGET_WORD = "Limited by change budget"
"""The state word when the solver's only explanation is the budget hint: no rule conflicts, the change budget
held the search back. Neither a rules conflict nor proven infeasibility, so it must not read as one."""
BUDGET_HOW = ("The suggestions are the best plan within the budget. To let the co-pilot move more accounts, "
              "raise Change budget below the list or in Edit → Balance Settings… → Rules.")
_ROLE = Qt.ItemDataRole.UserRole
STALE_ROLE = _ROLE + 2
"""True on a row computed for an earlier version of the plan (shown greyed until new suggestions arrive)."""
STALE_TEXT = "#8A929C"
CONNECTED_KINDS = frozenset({"adjacency", "assignment", "settings", "territories", "accounts"})
"""Plan changes that can change the contiguity line (an account moved, the rule toggled, a territory removed)."""


class Sparkline(QWidget):
    """The objective over the current job (log scale: early plans are orders of magnitude worse)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.bound: float | None = None
        self.setMinimumSize(90, 26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Objective trend")

    def add(self, objective: float, bound: float | None, restart: bool) -> None:
        if restart:
            self.values = []
        self.values.append(objective)
        self.bound = bound
        self.update()

    def clear(self) -> None:
        self.values, self.bound = [], None
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(2, 3, -2, -3)
        p.setPen(QPen(QColor(BORDER), 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        vals = [math.log10(max(v, 1e-9)) for v in self.values if math.isfinite(v)]
        has_bound = self.bound is not None and self.bound > 0
        vals_all = [*vals, math.log10(self.bound)] if has_bound else vals
        if not vals:
            return
        lo, hi = min(vals_all), max(vals_all)
        span = hi - lo or 1.0
        n = max(len(vals) - 1, 1)

        def pt(i: int, v: float) -> QPointF:
            return QPointF(r.left() + r.width() * i / n, r.bottom() - r.height() * (v - lo) / span)

        path = QPainterPath(pt(0, vals[0]))
        for i, v in enumerate(vals[1:], start=1):
            path.lineTo(pt(i, v))
        p.setPen(QPen(QColor(ACCENT), 1.6))
        p.drawPath(path)
        p.setBrush(QColor(ACCENT))
        p.drawEllipse(pt(len(vals) - 1 if len(vals) > 1 else 0, vals[-1]), 2.2, 2.2)
        if self.bound is not None and self.bound > 0:
            y = pt(0, math.log10(self.bound)).y()
            p.setPen(QPen(QColor(MUTED), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))


class SuggestionDelegate(QStyledItemDelegate):
    """Two-level rows: the reason in the body font, the numbers and accounts beneath it, muted and smaller.

    Unselected rows are compact (the reason in at most `TITLE_LINES` lines, the numbers in one, each ending
    in "…") so several suggestions fit a laptop's dock; the current row opens up to its full text.
    """

    PAD = SPACING + 2
    TITLE_LINES = 2
    SUB_LINES = 1

    def _texts(self, index: QModelIndex) -> tuple[str, str]:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or ""), str(index.data(_ROLE + 1) or "")

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() - 1.0, 7.0))
        return QFont(option.font), small

    def _layout(self, option: QStyleOptionViewItem, index: QModelIndex, width: int
                ) -> tuple[list[str], list[str], QFont, QFont]:
        title, sub = self._texts(index)
        big, small = self._fonts(option)
        view = self.parent()
        # sizeHint's option carries no selection state: ask the list which row is current
        full = bool(option.state & QStyle.StateFlag.State_Selected) or (
            view is not None and view.currentIndex() == index)
        return (wrap_lines(title, big, width, None if full else self.TITLE_LINES),
                wrap_lines(sub, small, width, None if full else self.SUB_LINES) if sub else [], big, small)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        width = max((option.rect.width() or 320) - 2 * self.PAD, 120)
        t, sub, big, small = self._layout(option, index, width)
        h = len(t) * QFontMetrics(big).lineSpacing() + len(sub) * QFontMetrics(small).lineSpacing()
        return QSize(width + 2 * self.PAD, h + 2 * self.PAD + (4 if sub else 0))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(option.rect, QColor("#D8E4FA") if selected else QColor("#FFFFFF"))
        painter.setPen(QPen(QColor("#ECEEF1"), 1))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        r = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        t, sub, big, small = self._layout(option, index, r.width())
        y = r.top()
        stale = bool(index.data(STALE_ROLE))
        for font, color, lines in ((big, STALE_TEXT if stale else TEXT, t), (small, STALE_TEXT if stale else MUTED,
                                                                           sub)):
            painter.setFont(font)
            painter.setPen(QColor(color))
            fm = QFontMetrics(font)
            for line in lines:
                painter.drawText(QPointF(r.left(), y + fm.ascent()), line)
                y += fm.lineSpacing()
            y += 4
        painter.restore()


def wrap_lines(text: str, font: QFont, width: int, max_lines: int | None) -> list[str]:
    """`text` word-wrapped to `width` pixels; past `max_lines` the last kept line ends in "…"."""
    fm = QFontMetrics(font)
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split()
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if fm.horizontalAdvance(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = fm.elidedText(kept[-1] + " " + lines[max_lines], Qt.TextElideMode.ElideRight, width)
        if not kept[-1].endswith("…"):
            kept[-1] = fm.elidedText(kept[-1] + " …", Qt.TextElideMode.ElideRight, width)
        return kept
    return lines


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
        self._names: dict[int, str] = {}
        self.move_preview: Any = None
        """A hub MovePreview the window may hand over: the current suggestion is shown on the map."""
        self._last_elapsed = math.inf
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
        client.progress.connect(self._on_progress)
        plan.changed.connect(self._on_plan_changed)
        self._on_status(getattr(client, "state", "idle"), getattr(client, "detail", ""))
        self.set_suggestions(list(getattr(client, "suggestions", [])))
        self.refresh_connected()

    # ----- layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2 * SPACING, 2 * SPACING, 2 * SPACING, 2 * SPACING)
        outer.setSpacing(SPACING + 2)
        head = QHBoxLayout()
        head.setSpacing(SPACING)
        self.dot = QLabel("●")
        self.state_label = QLabel()
        f = self.state_label.font()
        f.setBold(True)
        self.state_label.setFont(f)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Stop the co-pilot from looking for new suggestions")
        self.pause_button.toggled.connect(self._on_pause)
        head.addWidget(self.dot)
        head.addWidget(self.state_label)
        head.addStretch(1)
        head.addWidget(self.pause_button)
        outer.addLayout(head)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setStyleSheet(f"color: {MUTED};")
        outer.addWidget(self.detail_label)
        trend = QHBoxLayout()
        trend.setSpacing(SPACING)
        self.sparkline = Sparkline()
        self.sparkline.setFixedWidth(120)
        self.sparkline.setToolTip("How far the co-pilot's best plan is from an ideal one, as it searches (lower "
                                  "is better): band violations weigh most, then accounts moved and travel. "
                                  "The dashed line is the best any plan could reach, when it is known.")
        self.objective_label = QLabel("—")
        self.objective_label.setWordWrap(True)
        self.objective_label.setStyleSheet(f"color: {MUTED};")
        trend.addWidget(self.sparkline)
        trend.addWidget(self.objective_label, 1)
        outer.addLayout(trend)
        self.list = QListWidget()
        self.list.setItemDelegate(SuggestionDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setAccessibleName("Suggestions")
        self.list.installEventFilter(self)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.currentRowChanged.connect(lambda _r: self.preview_card.hide())
        self.list.currentRowChanged.connect(lambda _r: self.list.doItemsLayout())  # the current row opens up
        self.list.itemDoubleClicked.connect(lambda _item: self.preview())
        outer.addWidget(self.list, 1)
        self.preview_card = QLabel()
        self.preview_card.setObjectName("previewCard")
        self.preview_card.setTextFormat(Qt.TextFormat.RichText)
        self.preview_card.setWordWrap(True)
        self.preview_card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_card.setStyleSheet(f"QLabel#previewCard {{ background: #FFFFFF; border: 1px solid {BORDER}; "
                                        f"border-left: 3px solid {ACCENT}; border-radius: 4px; padding: 6px; }}")
        self.preview_card.setAccessibleName("Preview: before and after")
        self.preview_card.hide()
        outer.addWidget(self.preview_card)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setStyleSheet(f"color: {MUTED};")
        outer.addWidget(self.count_label)
        self.connected_label = QLabel()  # only for plans whose accounts are map units with an adjacency
        self.connected_label.setObjectName("connectedStatus")
        self.connected_label.setWordWrap(True)
        self.connected_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.connected_label.setStyleSheet(f"color: {MUTED};")
        self.connected_label.setAccessibleName("Map contiguity")
        self.connected_label.setToolTip("Which accounts touch on the map comes from File → Import "
                                        "Adjacency…; Edit → Balance Settings… → Rules "
                                        "turns the keep-connected rule on or off.")
        self.connected_label.hide()
        outer.addWidget(self.connected_label)
        self.budget = BudgetRow(self.plan, lambda edit: self.apply_edit(edit), self)
        outer.addWidget(self.budget)
        buttons = QHBoxLayout()
        buttons.setSpacing(SPACING)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Select these accounts in the table and on the map, and show the "
                                       "territories' figures before → after (double-click, Space)")
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Drop this suggestion; the co-pilot will not offer it again (Delete)")
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Make these moves as one undoable step (Enter)")
        self.accept_button.setDefault(True)
        self.accept_all_button = QPushButton("Accept all")
        self.accept_all_button.setToolTip("Make every suggested move as one undoable step")
        self.preview_button.clicked.connect(self.preview)
        self.reject_button.clicked.connect(self.reject)
        self.accept_button.clicked.connect(self.accept)
        self.accept_all_button.clicked.connect(self.accept_all)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.accept_all_button)
        outer.addLayout(buttons)
        self._update_buttons()

    # ----- actions -----------------------------------------------------------------------------------
    def current(self) -> Suggestion | None:
        """The suggestion of the current row as shown (call flush() first to act on pending updates)."""
        item = self.list.currentItem()
        return None if item is None else item.data(_ROLE)

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
        self.flush()
        fresh = [s for s in self._suggestions if not s.is_stale(self.plan)]
        if not fresh or not self.apply_edit(suggestion_edit(fresh)):
            return False
        self.set_suggestions([s for s in self._suggestions if s not in fresh])
        return True

    def reject(self) -> None:
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
        self.preview_card.setText(self._preview_html(s))
        self.preview_card.show()

    def _preview_html(self, s: Suggestion) -> str:
        """The touched territories, one line per balanced measure: before → after, each with its band word."""
        plan = self.plan
        near = plan.settings.near_fraction
        bands = {m.measure: m.band for m in plan.settings.measures}
        dest = "Unassigned" if s.to_territory < 0 else plan.territories[s.to_territory].name
        src = "Unassigned" if s.from_territory < 0 else plan.territories[s.from_territory].name
        out = [f"<b>{_html(_accounts(s.n_accounts))} from {_html(src)} to {_html(dest)}</b>"
               + (" <span style='color:#8A5300'>(out of date: the plan changed since)</span>"
                  if s.is_stale(plan) else "")]
        rows = []
        last = None
        for d in s.deltas:
            if d.territory != last:  # one heading per territory, its measures beneath
                last = d.territory
                name = "Unassigned" if d.territory < 0 else plan.territories[d.territory].name
                rows.append(f"<tr><td colspan='4' style='padding-top:4px'><b>{_html(name)}</b></td></tr>")
            band = bands.get(d.measure, 0.0)
            rows.append(f"<tr><td style='color:{MUTED}'>{_html(d.measure)}&nbsp;&nbsp;</td>"
                        f"<td align='right' style='white-space:nowrap'>{_value(d.measure, d.before)} "
                        f"{_dev(d.dev_before, band, near)}</td><td>&nbsp;→&nbsp;</td>"
                        f"<td style='white-space:nowrap'>{_value(d.measure, d.after)} "
                        f"<b>{_dev(d.dev_after, band, near)}</b></td></tr>")
        if rows:
            out.append("<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>")
        return "".join(out)

    def _remove(self, s: Suggestion, row: int) -> None:
        self._suggestions = [x for x in self._suggestions if x is not s]
        self._fill(keep_row=row)

    # ----- updates -----------------------------------------------------------------------------------
    def set_plan(self, plan: Plan) -> None:
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
        text = connected_status(self.plan) if self.plan.adjacency is not None else None
        if text is None:
            self.connected_label.hide()
            return
        self.connected_label.setText(text)
        self.connected_label.show()

    def _fill(self, keep_row: int = 0) -> None:
        self._filling = True  # the list's own signals fire inside clear(): never rebuild it re-entrantly
        try:
            self._fill_list(keep_row)
        finally:
            self._filling = False

    def _fill_list(self, keep_row: int) -> None:
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        shown = self._suggestions[:MAX_SHOWN]
        self._names = self._names_of(shown, limit=20)
        pairs = Counter((s.from_territory, s.to_territory) for s in shown)
        seen: Counter[tuple[int, int]] = Counter()
        for s in shown:
            pair = (s.from_territory, s.to_territory)
            seen[pair] += 1
            # several groups of one from→to pair each say "from +59%": mark them as parts of one move, each
            # worded on its own, or the list reads as the same suggestion three times
            part = f"({seen[pair]} of {pairs[pair]}) " if pairs[pair] > 1 else ""
            item = QListWidgetItem(part + headline(self.plan, s))
            item.setData(_ROLE, s)
            item.setData(STALE_ROLE, self._stale)
            item.setData(_ROLE + 1, self._subtitle(s))
            tip = self._accounts_text(s, limit=20)
            if part:
                tip = (f"Group {seen[pair]} of {pairs[pair]} moving accounts {self._pair_words(pair)}; its figures "
                       f"are for this group alone, on today's plan.\n{tip}")
            item.setToolTip(tip)
            self.list.addItem(item)
        self.list.setUpdatesEnabled(True)
        if self.list.count():
            self.list.setCurrentRow(min(keep_row, self.list.count() - 1))
        n, shown = len(self._suggestions), min(len(self._suggestions), MAX_SHOWN)
        accounts = sum(s.n_accounts for s in self._suggestions)
        if n and self._stale:
            paused = getattr(self.client, "state", "") == "paused"
            self.count_label.setText("Out of date: the plan changed since these were worked out. "
                                     + ("Resume the co-pilot to refresh them." if paused
                                        else "New suggestions follow in a moment."))
        elif n == 0:
            h = kpis.plan_health(self.plan)
            balanced = h.territories and not h.out_of_band and not h.over_capacity and not h.unassigned
            self.count_label.setText("Balanced — nothing worth moving." if balanced
                                     else "No suggestions right now.")
        elif shown < n:
            self.count_label.setText(f"Showing the best {shown:,} of {n:,} suggestions ({accounts:,} accounts)")
        else:
            self.count_label.setText(f"{n:,} suggestion{'s' if n != 1 else ''} · {accounts:,} "
                                     f"account{'s' if accounts != 1 else ''}")
        self._update_buttons()

    def _pair_words(self, pair: tuple[int, int]) -> str:
        def name(t: int) -> str:
            return "Unassigned" if t < 0 else self.plan.territories[t].name
        return f"from {name(pair[0])} to {name(pair[1])}"

    def _subtitle(self, s: Suggestion) -> str:
        parts = [_delta_text(self.plan, d) for d in s.deltas
                 if round(d.dev_before * 100) != round(d.dev_after * 100)]
        return " · ".join(parts[:4]) + ("\n" if parts else "") + self._accounts_text(s, limit=3)

    def _names_of(self, suggestions: list[Suggestion], limit: int) -> dict[int, str]:
        """Names of the first accounts of every shown suggestion, in one DataFrame lookup (not one per row)."""
        if not suggestions:
            return {}
        rows = np.unique(np.concatenate([s.rows[:limit] for s in suggestions]))
        names = self.plan.accounts["name"].iloc[rows].astype(str).tolist()
        return dict(zip(rows.tolist(), names, strict=True))

    def _accounts_text(self, s: Suggestion, limit: int) -> str:
        names = [self._names.get(int(r), "") for r in s.rows[:limit]]
        more = f" and {s.n_accounts - limit:,} more" if s.n_accounts > limit else ""
        return ", ".join(names) + more

    def _update_buttons(self, *_args: object) -> None:
        s = self.current()
        has = s is not None
        fresh = has and not s.is_stale(self.plan)
        if self.move_preview is not None:
            if fresh:
                self.move_preview.show(s.rows, s.from_territory, s.to_territory)
            else:
                self.move_preview.clear()
        for b in (self.preview_button, self.reject_button):
            b.setEnabled(has)
        self.accept_button.setEnabled(fresh)
        self.accept_button.setToolTip("Make these moves as one undoable step (Enter)" if fresh or not has else
                                      "Out of date: the plan changed since; wait for the new suggestions")
        self.accept_all_button.setEnabled(any(not x.is_stale(self.plan) for x in self._suggestions))

    def _on_plan_changed(self, change: PlanChange) -> None:
        self.budget.refresh()
        if change.kind in CONNECTED_KINDS:
            if self.plan.adjacency is None:  # most plans: no graph to walk, nothing to say
                self.connected_label.hide()
            else:
                self._recount.start()
        if change.kind == "accounts":  # a CRM refresh replaced the accounts: old rows name other accounts now
            self._suggestions, self._stale, self._names = [], False, {}
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
        colour = STATE_COLORS.get(state, MUTED)
        self.dot.setStyleSheet(f"color: {colour};")
        lines = [x for x in detail.splitlines() if x.strip()]
        limited = state == "infeasible" and bool(lines) and all(is_budget_hint(x) for x in lines)
        self.state_label.setText(BUDGET_WORD if limited else STATE_WORDS.get(state, state.capitalize()))
        if limited:
            detail = "\n".join([*lines, BUDGET_HOW])
        elif state == "infeasible":
            detail = "These rules cannot all hold:\n" + "\n".join(f"•  {x}" for x in lines)
        self.detail_label.setText(detail)
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(state == "paused")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.pause_button.blockSignals(False)

    def _on_progress(self, objective: float, bound: object, elapsed: float) -> None:
        restart = elapsed < self._last_elapsed
        self._last_elapsed = elapsed
        b = float(bound) if isinstance(bound, int | float) else None
        self.sparkline.add(objective, b, restart)
        # the objective's raw size ("score 3.1M") means nothing to a planner; how long and how close does
        text = f"Best plan so far after {elapsed:,.1f} s"
        if b is not None and objective > 0:
            gap = max((objective - b) / abs(objective), 0.0)
            text += (" · proved the best possible" if gap < 5e-4
                     else f" · within {percent(gap, 1)} of the best possible")
        self.objective_label.setText(text)
        self.objective_label.setToolTip(f"The co-pilot's penalty for its best plan: {_compact(objective)}"
                                        + (f", at least {_compact(b)} for any plan" if b is not None else "")
                                        + ". Lower is better: band violations first, then disruption and distance.")

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


def _compact(v: float) -> str:
    """1,234 / 12.3k / 4.5M: a score's size at a glance, not its digits."""
    if not math.isfinite(v):
        return "—"
    a = abs(v)
    for limit, unit, suffix in ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if a >= limit:
            return f"{v / unit:,.1f}{suffix}"
    return f"{v:,.0f}" if a >= 100 else f"{v:.3g}"


def _value(measure: str, v: float) -> str:
    if measure == ACCOUNTS:
        return f"{v:,.0f}"
    if measure == WORKLOAD:
        return f"{v:,.0f} h"
    return money(v)


def _dev(dev: float, band: float, near: float) -> str:
    """"+45% out": the deviation with as many decimals as its band word needs, and the word."""
    return f"{deviation_text(dev, band, near)} {status_of(dev, band, near)}"


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _accounts(n: int) -> str:
    return f"{n:,} account{'s' if n != 1 else ''}"


def _delta_text(plan: Plan, d: KpiDelta) -> str:
    name = "Unassigned" if d.territory < 0 else plan.territories[d.territory].name
    band = next((m.band for m in plan.settings.measures if m.measure == d.measure), 0.0)
    near = plan.settings.near_fraction
    values = f"{_value(d.measure, d.before)}→{_value(d.measure, d.after)}"
    return f"{name} {d.measure} {values} ({_dev(d.dev_before, band, near)} → {_dev(d.dev_after, band, near)})"


def headline(plan: Plan, s: Suggestion) -> str:
    """The suggestion's reason with each "from −22% to −15%" re-worded so the numbers agree with the bands.

    The solver words its clauses with whole percent; a clause whose rounding would hide the judgement (−15.3%
    against ±15% rounds to "−15%" yet stays out) gets the decimal and "(still out)". Clauses already honest
    are left as the solver wrote them.
    """
    text = s.reason
    near = plan.settings.near_fraction
    bands = {m.measure: m.band for m in plan.settings.measures}
    for d in s.deltas:
        name = "Unassigned" if d.territory < 0 else plan.territories[d.territory].name
        old = f"{name} from {d.dev_before:+.0%} to {d.dev_after:+.0%} {d.measure}"
        if old not in text:
            continue
        band = bands.get(d.measure, 0.0)
        after = deviation_text(d.dev_after, band, near)
        if after == f"{d.dev_after:+.0%}" and deviation_text(d.dev_before, band, near) == f"{d.dev_before:+.0%}":
            continue  # whole percent already tells the truth: leave the solver's words
        # the decimal was needed, so the word is too: "to −15.3% (still out)" against a ±15% band
        word = status_of(d.dev_after, band, near)
        still = {"out": " (still out)", "near": " (near the edge)", "in": " (in band)"}[word]
        new = f"{name} from {deviation_text(d.dev_before, band, near)} to {after} {d.measure}{still}"
        text = text.replace(old, new)
    return text


class SuggestionsDock(QDockWidget):
    """The co-pilot as a dock: status, objective trend, the suggestions and their buttons."""

    def __init__(self, plan: Plan, apply_edit: Callable[[Edit], bool], client: Any, selection: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__("Co-pilot", parent)
        self.setObjectName("suggestionsDock")
        self.panel = SuggestionsPanel(plan, apply_edit, client, selection, self)
        self.setWidget(self.panel)

    def set_plan(self, plan: Plan) -> None:
        self.panel.set_plan(plan)
