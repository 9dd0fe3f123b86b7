"""Territories → Quarterly Review…: one screen with what changed since the last review, the fix the stability
rule allows, and "Mark review done".

The figures are `core/review.py`'s (the CLI's `review` prints the same); the fix is the solver's
(`solver/whatif/review_fix.py`), worked out in a background thread exactly as the capacity view's what-if is,
previewed before → after, and applied as one undoable edit; the mark is one more undoable edit.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.activity import UNTOUCHED_DAYS, untouched_mask
from territory_desktop.core.audit import ACTION_WORDS
from territory_desktop.core.review import Review, mark_review_done, review
from territory_desktop.solver.whatif.proposals import WhatIf
from territory_desktop.solver.whatif.review_fix import propose_review_fix
from territory_desktop.ui.theme.style import MUTED, SPACING

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-fix")
SHOWN_ROWS = 2_000
"""Moved accounts listed in the dialog (all of them can be selected in the table)."""
DEFAULT_FIX_LIMIT = 50
"""The fix's account limit when the plan has no change budget."""


def stamp_text(iso: str) -> str:
    """"2026-12-03 09:21" in the planner's time zone from a stored UTC stamp ("" if unreadable)."""
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except (TypeError, ValueError):
        return ""
    return f"{(t.astimezone() if t.tzinfo else t):%Y-%m-%d %H:%M}"


def _table(headers: list[str], rows: list[tuple[str, ...]], parent: QWidget, stretch: int = -1) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1 if stretch < 0 else stretch, QHeaderView.ResizeMode.Stretch)
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(i, j, item)
    return table


class ReviewDialog(QDialog):
    """The review of the window's plan: summary, four tabs, the fix within the rule, and the mark."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Quarterly Review")
        self.setObjectName("quarterlyReview")
        self.future: Future | None = None
        self.proposal: WhatIf | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2 * SPACING, 2 * SPACING, 2 * SPACING, 2 * SPACING)
        self.head = QLabel(self)
        self.head.setWordWrap(True)
        lay.addWidget(self.head)
        self.tabs = QTabWidget(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self._fix_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.mark = buttons.addButton("Mark review done", QDialogButtonBox.ButtonRole.ActionRole)
        self.mark.setToolTip("Records today's review in the plan's history (saved with the plan): the next review "
                             "shows what changed from here. Undo takes it back.")
        self.mark.clicked.connect(self.mark_done)
        self.pdf = buttons.addButton("Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf.setToolTip("The review as one report page: the figures above and the territories that changed")
        self.pdf.clicked.connect(lambda: self.save_pdf())
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.refresh()
        self.resize(980, 680)

    # ----- content --------------------------------------------------------------------------------------
    def _fix_box(self) -> QGroupBox:
        box = QGroupBox("Fix within the stability rule", self)
        row = QHBoxLayout(box)
        row.addWidget(QLabel("Only moves that bring a territory into band, never pushing another out; at most",
                             box))
        self.limit = QSpinBox(box)
        self.limit.setRange(1, 1_000_000)
        self.limit.setGroupSeparatorShown(True)
        self.limit.setSuffix(" accounts")
        self.limit.setMaximumWidth(150)
        row.addWidget(self.limit)
        row.addStretch(1)
        self.propose = QPushButton("Propose fix…", box)
        self.propose.clicked.connect(self.propose_fix)
        row.addWidget(self.propose)
        return box

    def refresh(self) -> None:
        """Work the review out again from the plan as it is now (after a fix is applied, say)."""
        plan = self.window_.plan
        self.review: Review = review(plan)
        r = self.review
        since = (f"Since the review of {stamp_text(r.since.at)} by {r.since.user}" if r.since
                 else "No review marked yet: changes since the plan was made")
        self.head.setText(f"<b>{since}</b><br>" + "<br>".join(r.lines()))
        current = self.tabs.currentIndex()
        self.tabs.clear()
        self.tabs.addTab(self._territories_tab(), f"Territories ({len(self._territory_rows())})")
        self.tabs.addTab(self._moved_tab(), f"Accounts moved ({len(r.moved_rows):,})")
        self.tabs.addTab(self._edits_tab(), f"Edits ({len(r.edits):,})")
        self.tabs.addTab(self._accounts_tab(), "Accounts to look at")
        self.tabs.setCurrentIndex(max(current, 0))
        left = r.budget_left
        self.limit.setValue(max(left if left is not None and left > 0 else DEFAULT_FIX_LIMIT, 1))
        self.propose.setEnabled(bool(r.out_of_band))
        self.propose.setToolTip("" if r.out_of_band else "Every territory is in band: nothing to fix.")

    def _territory_rows(self) -> list[tuple[int, str, str, str]]:
        r = self.review
        out: list[tuple[int, str, str, str]] = []
        left = {n.territory for n in r.left_band}
        for n in r.out_of_band:
            out.append((n.territory, n.name, "Left the band since the review" if n.territory in left
                        else "Out of band", n.detail))
        new_over = {n.territory for n in r.new_over_capacity}
        for n in r.over_capacity:
            out.append((n.territory, n.name, "Over capacity (new)" if n.territory in new_over else "Over capacity",
                        n.detail))
        out += [(n.territory, n.name, "Back in band", "was out at the review") for n in r.back_in_band]
        out += [(n.territory, n.name, "Vacant until the hire", n.detail) for n in r.vacant]
        return out

    def _territories_tab(self) -> QWidget:
        rows = self._territory_rows()
        table = _table(["Territory", "Since the review", "Detail"],
                       [(name, state, detail) for _t, name, state, detail in rows] or
                       [("Every territory is in band and within capacity", "", "")], self)
        table.setObjectName("reviewTerritories")
        terr = [t for t, *_ in rows]
        table.cellDoubleClicked.connect(lambda i, _j: i < len(terr) and self._select_territory(terr[i]))
        return self._with_note(table, "Double-click a territory to select its accounts in the window.")

    def _moved_tab(self) -> QWidget:
        plan = self.window_.plan
        rows = self.review.moved_rows[:SHOWN_ROWS]
        names = [t.name for t in plan.territories] + ["(unassigned)"]
        a = plan.assignment.astype(np.int64)
        ids = plan.accounts["account_id"].astype(str).to_numpy()
        acc = plan.accounts["name"].astype(str).to_numpy()
        cells = [(ids[i], acc[i], names[a[i]] if a[i] >= 0 else names[-1], str(plan.notes.reason[i]) or "—",
                  stamp_text(plan.notes.at[i])) for i in rows.tolist()]
        table = _table(["Account ID", "Account", "Territory now", "Reason", "Moved"], cells, self, stretch=3)
        table.setObjectName("reviewMoved")
        by = "; ".join(f"{k} {n:,}" for k, n in self.review.moved_by_reason[:6])
        more = f" (the first {SHOWN_ROWS:,} listed)" if len(self.review.moved_rows) > SHOWN_ROWS else ""
        return self._with_note(table, f"By reason: {by}{more}." if by else "No account moved.",
                               ("Select in the table", self.review.moved_rows))

    def _edits_tab(self) -> QWidget:
        cells = [(stamp_text(e.at), e.user, ACTION_WORDS.get(e.action, e.action), e.label, e.reason,
                  f"{e.accounts:,}" if e.accounts else "") for e in reversed(self.review.edits)]
        table = _table(["When", "Who", "Step", "Change", "Reason", "Accounts"], cells, self, stretch=4)
        table.setObjectName("reviewEdits")
        kinds = ", ".join(f"{k} {n:,}" for k, n in self.review.edit_kinds[:6])
        return self._with_note(table, f"Newest first. By kind: {kinds}." if kinds else "No edit since the review.")

    def _accounts_tab(self) -> QWidget:
        r = self.review
        plan = self.window_.plan
        page = QWidget(self)
        lay = QVBoxLayout(page)
        for text, rows in ((f"{len(r.unassigned_rows):,} account{'s' if len(r.unassigned_rows) != 1 else ''} "
                            "unassigned (new from a refresh, or left by a removed territory)", r.unassigned_rows),
                           (f"{r.untouched:,} account{'s' if r.untouched != 1 else ''} untouched for "
                            f"{UNTOUCHED_DAYS}+ days", np.flatnonzero(untouched_mask(plan)))):
            row = QHBoxLayout()
            row.addWidget(QLabel(text, page), 1)
            button = QPushButton("Select", page)
            button.setEnabled(bool(len(rows)))
            button.clicked.connect(lambda _c=False, rows=rows: self._select_rows(rows))
            row.addWidget(button)
            lay.addLayout(row)
        lay.addStretch(1)
        return page

    def _with_note(self, table: QTableWidget, note: str,
                   action: tuple[str, np.ndarray] | None = None) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.addWidget(table, 1)
        row = QHBoxLayout()
        label = QLabel(note, page)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {MUTED};")
        row.addWidget(label, 1)
        if action is not None:
            text, rows = action
            button = QPushButton(text, page)
            button.setEnabled(bool(len(rows)))
            button.clicked.connect(lambda _c=False: self._select_rows(rows))
            row.addWidget(button)
        lay.addLayout(row)
        return page

    # ----- actions --------------------------------------------------------------------------------------
    def _select_rows(self, rows: np.ndarray) -> None:
        self.window_.selection.set_rows(rows, self)
        self.window_.show_status(f"{len(rows):,} account{'s' if len(rows) != 1 else ''} selected.")

    def _select_territory(self, t: int) -> None:
        self._select_rows(self.window_.plan.rows_in(t))

    def save_pdf(self, path: str | None = None) -> bool:
        """Write the review page (io/reports/review_page.py) — the same figures as this window."""
        from territory_desktop.io.reports.review_page import write_review_pdf

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the review as PDF", "Quarterly review.pdf",
                                                  "PDF document (*.pdf)")
            if not path:
                return False
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        title = getattr(getattr(self.window_, "doc", None), "display_name", "") or "Plan"
        try:
            write_review_pdf(self.window_.plan, self.review, Path(path), title)
        except OSError as exc:
            QMessageBox.warning(self, "Quarterly Review", f"Could not save {path}: {exc.strerror or exc}")
            return False
        self.window_.show_status(f"Saved the review page to {path}.")
        return True

    def mark_done(self) -> bool:
        """Record the review in the plan's history (one undoable step) and close."""
        edit = mark_review_done(self.window_.plan)  # the plan as it is now, even if edited while open
        if not self.window_.controller.apply(edit):
            return False
        self.window_.show_status(f"Quarterly review recorded: {edit.summary}")
        self.accept()
        return True

    def propose_fix(self) -> Future:
        """Work the fix out in the background; when it is ready, preview it (Apply = one undoable edit)."""
        plan = self.window_.plan
        version = plan.version
        self.propose.setEnabled(False)
        self.propose.setText("Working it out…")
        self.future = _POOL.submit(propose_review_fix, plan, int(self.limit.value()))
        timer = QTimer(self)

        def poll() -> None:
            if self.future is None or not self.future.done():
                return
            timer.stop()
            self.propose.setText("Propose fix…")
            self.propose.setEnabled(True)
            exc = self.future.exception()
            if exc is not None:
                self.window_.show_error("Quarterly Review", str(exc) if isinstance(exc, ValueError)
                                        else f"The fix could not be worked out: {exc}")
                return
            if self.window_.plan is not plan or plan.version != version:
                self.window_.show_status("The plan changed while the fix was worked out; propose it again.")
                return
            self.proposal = self.future.result()
            self.show_fix(self.proposal)

        timer.timeout.connect(poll)
        timer.start(50)
        return self.future

    def show_fix(self, proposal: WhatIf) -> bool:
        dlg = FixPreview(proposal, self)
        if dlg.exec() != QDialog.DialogCode.Accepted or not proposal.moved_accounts:
            return False
        ok = bool(self.window_.controller.apply(proposal.edit))
        if ok:
            self.window_.show_status(proposal.title)
            self.refresh()
        return ok


class FixPreview(QDialog):
    """The fix in words and, per territory it touches, accounts and the primary deviation before → after."""

    def __init__(self, proposal: WhatIf, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review fix")
        self.proposal = proposal
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{proposal.title}</b><br>" + "<br>".join(proposal.summary), self)
        head.setWordWrap(True)
        lay.addWidget(head)
        before, after = proposal.before, proposal.after
        devs = [c for c in after.columns if c.startswith("dev_")]
        col = devs[0] if devs else None
        touched = [t for t in after.index if t in before.index
                   and int(after.at[t, "accounts"]) != int(before.at[t, "accounts"])]
        cells = []
        for t in touched:
            dev = (f"{fmt.percent(float(before.at[t, col]), signed=True)} → "
                   f"{fmt.percent(float(after.at[t, col]), signed=True)}") if col else ""
            band = f"{'in' if before.at[t, 'in_band'] else 'out'} → {'in' if after.at[t, 'in_band'] else 'out'}"
            cells.append((str(after.at[t, "name"]), f"{int(before.at[t, 'accounts']):,} → "
                          f"{int(after.at[t, 'accounts']):,}", dev, band))
        measure = col[4:] if col else ""
        self.table = _table(["Territory", "Accounts", f"{measure.capitalize()} deviation", "Band"], cells, self,
                            stretch=0)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a read-only preview: no cell cursor
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply.setEnabled(bool(proposal.moved_accounts))
        self.apply.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(720, 440)


def open_review(window: Any) -> ReviewDialog:
    """Show the review (non-blocking, so the planner can look at what it selects in the window)."""
    dlg = ReviewDialog(window)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
