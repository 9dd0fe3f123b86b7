"""What-if add / remove a rep: computed off the UI thread, shown with its effect, applied as one undoable edit.

The proposal comes from the solver (`solver/whatif`), which works on a copy of the plan: nothing changes until
the planner presses Apply, and then the whole change (the new territory and its accounts, the hire taking over a
vacant territory, the redistribution and the removal, or the book kept whole as a vacant territory) is one step
on the undo stack and in the change list, each account with its reason ("Rep departure: ...", "New hire: ...").
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.vacancy import is_vacant, vacant_territories
from territory_desktop.solver.whatif.proposals import WhatIf, propose_add_rep, propose_remove_rep
from territory_desktop.solver.whatif.vacancy import propose_fill_vacancy, propose_vacancy
from territory_desktop.ui.capacity.whatif_choices import (
    KEEP_VACANT,
    REDISTRIBUTE,
    AddRepDialog,
    RemoveRepDialog,
    zip_home,
)

__all__ = ["AddRepDialog", "RemoveRepDialog", "WhatIfDialog", "run_what_if", "show_proposal", "zip_home"]

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="what-if")


class WhatIfDialog(QDialog):
    """The proposal in words and, per territory it touches, accounts / workload / deviation before → after."""

    def __init__(self, proposal: WhatIf, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What if")
        self.proposal = proposal
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{proposal.title}</b>")
        head.setWordWrap(True)
        lay.addWidget(head)
        body = QLabel("<br>".join(proposal.summary))
        body.setWordWrap(True)
        lay.addWidget(body)
        table = QTableWidget(0, 4, self)
        table.setHorizontalHeaderLabels(["Territory", "Accounts", "Workload", "Capacity use"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        before, after = proposal.before, proposal.after
        touched = [t for t in after.index if t not in before.index
                   or int(after.at[t, "accounts"]) != int(before.at[t, "accounts"])
                   or after.at[t, "name"] != before.at[t, "name"] or after.at[t, "rep"] != before.at[t, "rep"]]
        touched += [t for t in before.index if t not in after.index]
        for t in touched:
            r = table.rowCount()
            table.insertRow(r)
            name = _who(before, after, t)

            def pair(col: str, f, t=t) -> str:  # noqa: ANN001
                a = f(before.at[t, col]) if t in before.index else "—"
                b = f(after.at[t, col]) if t in after.index else "removed"
                return f"{a} → {b}"
            cells = (name, pair("accounts", lambda v: f"{int(v):,}"), pair("workload", fmt.hours),
                     pair("utilisation", lambda v: fmt.percent(float(v)) if np.isfinite(v) else "—"))
            for j, text in enumerate(cells):
                table.setItem(r, j, QTableWidgetItem(text))
        lay.addWidget(table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        apply = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        apply.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(760, 460)


def _who(before: Any, after: Any, t: int) -> str:
    """A territory's row title: "name — rep", and "old → new" when the what-if renames it or changes its rep."""
    def title(table: Any) -> str:
        rep = str(table.at[t, "rep"])
        return f"{table.at[t, 'name']} — {rep}" if rep else str(table.at[t, "name"])
    if t in before.index and t in after.index and title(before) != title(after):
        return f"{title(before)} → {title(after)}"
    return title(after if t in after.index else before)


def run_what_if(window: Any, kind: str, ask: bool = True, mode: str = REDISTRIBUTE) -> Future | None:
    """Ask what the planner wants (the new hire and where the book comes from, or what happens to a leaving
    rep's book), compute the proposal in the background with a progress dialog, then show it; Apply is one
    undoable edit. Without `ask`: a carve where coverage is thinnest, or the departure handled by `mode`."""
    plan = window.plan
    if kind == "add":
        name, home, rep, seat = f"New territory {plan.n_territories + 1}", None, "", -1
        if ask:
            dlg = AddRepDialog(name, window, [(i, plan.territories[i].name) for i in vacant_territories(plan)])
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            name, home, rep, seat = dlg.name.text().strip(), dlg.home, dlg.rep.text().strip(), dlg.seat_index
        if seat >= 0:
            future = _POOL.submit(propose_fill_vacancy, plan, seat, rep, home)
            working = "Handing the vacant book to the new hire…"
        else:
            future = _POOL.submit(propose_add_rep, plan, name, home=home, rep=rep)
            working = "Working out the best carve…"
    else:
        t = window.territory_panel.current_territory() if hasattr(window.territory_panel, "current_territory") \
            else -1
        if t is None or t < 0:
            window.show_status("Select the territory to remove in the Territories panel first.")
            return None
        terr = plan.territories[int(t)]
        if ask:
            dlg = RemoveRepDialog(terr.name, terr.rep, len(plan.rows_in(int(t))), is_vacant(terr), window)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            mode = dlg.mode
        if mode == KEEP_VACANT:
            future = _POOL.submit(propose_vacancy, plan, int(t))
            working = "Keeping the book whole…"
        else:
            future = _POOL.submit(propose_remove_rep, plan, int(t))
            working = "Redistributing the book…"
    version = plan.version
    progress = QProgressDialog(working, "Cancel", 0, 0, window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    timer = QTimer(window)

    def poll() -> None:
        if progress.wasCanceled():
            timer.stop()
            return
        if not future.done():
            return
        timer.stop()
        progress.close()
        exc = future.exception()
        if exc is not None:
            window.show_error("What if", str(exc) if isinstance(exc, ValueError)
                              else f"The what-if could not be worked out: {exc}")
            return
        if window.plan is not plan or plan.version != version:
            window.show_status("The plan changed while the what-if was computed; run it again.")
            return
        show_proposal(window, future.result())

    timer.timeout.connect(poll)
    timer.start(50)
    return future


def show_proposal(window: Any, proposal: WhatIf) -> bool:
    """The proposal for the planner to judge; Apply puts its edit on the undo stack (one step)."""
    dlg = WhatIfDialog(proposal, window)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return False
    ok = window.controller.apply(proposal.edit)
    if ok:
        window.show_status(proposal.title)
    return bool(ok)


