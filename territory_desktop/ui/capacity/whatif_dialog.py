"""What-if add / remove a rep: computed off the UI thread, shown with its effect, applied as one undoable edit.

The proposal comes from the solver (`solver/whatif`), which works on a copy of the plan: nothing changes until
the planner presses Apply, and then the whole change (the new territory and its accounts, or the
redistribution and the removal) is one step on the undo stack and in the change list.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.io.importing.geocode import zip_table
from territory_desktop.solver.whatif.proposals import WhatIf, propose_add_rep, propose_remove_rep

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
                   or int(after.at[t, "accounts"]) != int(before.at[t, "accounts"])]
        touched += [t for t in before.index if t not in after.index]
        for t in touched:
            r = table.rowCount()
            table.insertRow(r)
            name = str((after if t in after.index else before).at[t, "name"])

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


class AddRepDialog(QDialog):
    """Name the new territory and say where its rep lives: where coverage is thinnest, or at a US ZIP."""

    def __init__(self, default_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a rep")
        self.name = QLineEdit(default_name, self)
        self.thinnest = QRadioButton("Where coverage is thinnest (worked out from the accounts)", self)
        self.at_zip = QRadioButton("At ZIP code", self)
        self.zip = QLineEdit(self, placeholderText="e.g. 80202", maxLength=10)
        self.thinnest.setChecked(True)
        self.zip.setEnabled(False)
        self.at_zip.toggled.connect(self.zip.setEnabled)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #B3261E;")
        form = QFormLayout()
        form.addRow("Territory &name:", self.name)
        home = QVBoxLayout()
        home.addWidget(self.thinnest)
        row = QHBoxLayout()
        row.addWidget(self.at_zip)
        row.addWidget(self.zip, 1)
        home.addLayout(row)
        form.addRow("Rep's home:", home)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.addButton("Work it out", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.home: tuple[float, float] | None = None

    def _check(self) -> None:
        if not self.name.text().strip():
            self.problem.setText("Give the new territory a name.")
            return
        self.home = None
        if self.at_zip.isChecked():
            self.home = zip_home(self.zip.text())
            if self.home is None:
                self.problem.setText(f"{self.zip.text().strip()!r} is not a US ZIP code we know.")
                return
        self.accept()


def zip_home(text: str) -> tuple[float, float] | None:
    """(lat, lon) of a US ZIP's centroid, or None."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())[:5]
    if len(digits) < 3:
        return None
    table = zip_table()
    z = digits.zfill(5)
    if z not in table.index:
        return None
    return float(table.at[z, "lat"]), float(table.at[z, "lon"])


def run_what_if(window: Any, kind: str, ask: bool = True) -> Future | None:
    """Ask what the planner wants (a name for the new rep, or the territory to remove), compute the proposal in
    the background with a progress dialog, then show it; Apply is one undoable edit."""
    plan = window.plan
    if kind == "add":
        name, home = f"New territory {plan.n_territories + 1}", None
        if ask:
            dlg = AddRepDialog(name, window)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            name, home = dlg.name.text().strip(), dlg.home
        future = _POOL.submit(propose_add_rep, plan, name, home=home)
    else:
        t = window.territory_panel.current_territory() if hasattr(window.territory_panel, "current_territory") \
            else -1
        if t is None or t < 0:
            window.show_status("Select the territory to remove in the Territories panel first.")
            return None
        future = _POOL.submit(propose_remove_rep, plan, int(t))
    version = plan.version
    progress = QProgressDialog("Working out the best carve…" if kind == "add" else "Redistributing the book…",
                               "Cancel", 0, 0, window)
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
    dlg = WhatIfDialog(proposal, window)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return False
    ok = window.controller.apply(proposal.edit)
    if ok:
        window.show_status(proposal.title)
    return bool(ok)


