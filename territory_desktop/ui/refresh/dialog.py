"""File → Refresh from CRM Export…: choose the newer export, see every difference, apply it as one undo step.

The export is read on a worker thread (busy cursor, progress in the dialog, Cancel stops it) by
`prepare.prepare_refresh`; nothing changes until Apply. The preview lists each group (new, gone, changed by
kind, flagged for review) with its count and its accounts; the checkbox decides whether the new accounts are
routed by the territory rules. Apply makes ONE `RefreshAccounts` edit through the window's controller, so
Edit → Undo brings the old accounts, assignment, baseline and notes back; the flagged accounts (or, when none
is flagged, the new ones) are then selected in the shared Selection, so the table and the map show them.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.wording import agree, counted
from territory_desktop.ui.refresh.groups import Group, build_groups, routing_line
from territory_desktop.ui.refresh.prepare import (
    Prepared,
    RefreshCancelled,
    RefreshProblem,
    edit_for,
    prepare_refresh,
)
from territory_desktop.ui.refresh.rows_model import RowsModel

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #B3261E;"
WARNING_STYLE = "background: #FCEFD8; color: #6B4100; border: 1px solid #E5B567; border-radius: 4px; padding: 6px;"
EXPORT_FILTER = "CRM exports (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"
POLL_MS = 40


class RefreshDialog(QDialog):
    """The preview of a refresh and its Apply; `window` is the main window (plan, controller, selection)."""

    def __init__(self, window: Any, export: str | Path | None = None, reps: str | Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.plan = window.plan
        self.prepared: Prepared | None = None
        self.problem = ""
        self._groups: dict[str, Group] = {}
        self._job: dict[str, Any] | None = None
        self._busy = False
        self.setWindowTitle("Refresh from CRM Export")
        self.setModal(True)
        self.resize(1180, 680)

        self.export_edit = QLineEdit(str(export or ""))
        self.export_edit.setPlaceholderText("The newer export of the same CRM (.csv or .xlsx)")
        self.reps_edit = QLineEdit(str(reps or ""))
        self.reps_edit.setPlaceholderText("Optional: the reps file it came with")
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(self.export_edit, "Choose the newer CRM export"))
        browse_reps = QPushButton("Browse…")
        browse_reps.clicked.connect(lambda: self._browse(self.reps_edit, "Choose the reps file"))
        self.read_button = QPushButton("Read export")
        self.read_button.clicked.connect(self.read)
        form = QFormLayout()
        form.addRow("Newer CRM export:", _row(self.export_edit, browse))
        form.addRow("Reps file:", _row(self.reps_edit, browse_reps, self.read_button))

        self.status = QLabel("Choose the newer export: nothing in the plan changes until you press Apply.")
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Difference", "Accounts"])
        self.tree.setRootIsDecorated(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.currentItemChanged.connect(self._show_group)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter: id, name, territory or value")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.rows = RowsModel()
        self.table = QTableView()
        self.table.setModel(self.rows)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col, width in ((0, 72), (2, 124), (3, 124)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        for col in (1, 4, 5):  # name and the two values share what is left; a cut value is whole in its tooltip
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.shown_label = QLabel()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.filter_edit)
        rl.addWidget(self.table, 1)
        rl.addWidget(self.shown_label)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([270, 910])

        self.route_box = QCheckBox("Route new accounts by the territory rules")
        self.route_box.setChecked(True)
        self.route_box.toggled.connect(self._routing_changed)
        self.route_line = QLabel()
        self.route_line.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("Apply refresh")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.summary)
        lay.addWidget(self.warning)
        lay.addWidget(split, 1)
        lay.addWidget(self.route_box)
        lay.addWidget(self.route_line)
        lay.addWidget(self.notes)
        lay.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        if export:
            QTimer.singleShot(0, self.read)

    # ----- choosing and reading ------------------------------------------------------------------------
    def _browse(self, edit: QLineEdit, title: str) -> None:
        start = edit.text() or str(getattr(self.window.doc, "source_path", "") or "")
        path, _ = QFileDialog.getOpenFileName(self, title, start, EXPORT_FILTER)
        if path:
            edit.setText(path)
            if edit is self.export_edit or self.export_edit.text().strip():
                self.read()

    def read(self) -> None:
        """Read the chosen export on a worker thread; the preview fills in when it is done."""
        export = self.export_edit.text().strip()
        if not export:
            self._fail("Choose the newer CRM export first (Browse…).")
            return
        if self._job is not None:
            self._job["cancel"] = True
        reps = self.reps_edit.text().strip() or None
        job: dict[str, Any] = {"cancel": False, "progress": (0.0, f"Reading {Path(export).name}…"), "done": False}
        self._job = job
        self.prepared = None
        self.problem = ""
        self.apply_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(f"Reading {Path(export).name}…")
        self._set_busy(True)
        plan = self.plan

        def work() -> None:
            try:
                job["result"] = prepare_refresh(plan, export, reps, progress=lambda f, s: job.update(progress=(f, s)),
                                                cancelled=lambda: bool(job["cancel"]))
            except RefreshCancelled:
                job["cancelled"] = True
            except RefreshProblem as exc:
                job["error"] = str(exc)
            except Exception as exc:  # noqa: BLE001 — a damaged file must end in a sentence, not a traceback
                log.exception("refresh: reading %s failed", export)
                job["error"] = f"Cannot read {Path(export).name}: {exc}"
            job["done"] = True

        threading.Thread(target=work, name="refresh-read", daemon=True).start()
        self._timer.start()

    def _poll(self) -> None:
        job = self._job
        if job is None:
            self._timer.stop()
            return
        if not job["done"]:
            fraction, stage = job["progress"]
            self.status.setText(f"{stage} ({fraction:.0%})")
            return
        self._timer.stop()
        self._job = None
        self._set_busy(False)
        if "error" in job:
            self._fail(job["error"])
        elif "result" in job:
            self._show(job["result"])

    def _set_busy(self, busy: bool) -> None:
        if busy and not self._busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        elif not busy and self._busy:
            QApplication.restoreOverrideCursor()
        self._busy = busy
        self.read_button.setEnabled(not busy)

    def _fail(self, text: str, unchanged: bool = True) -> None:
        self.problem = text
        self.prepared = None
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(text + (" The plan is unchanged." if unchanged else ""))
        self.summary.clear()
        self.warning.hide()
        self.tree.clear()
        self.rows.set_rows([])
        self.shown_label.clear()
        self.route_line.clear()
        self.apply_button.setEnabled(False)

    # ----- the preview ---------------------------------------------------------------------------------
    def _show(self, p: Prepared) -> None:
        self.prepared = p
        d = p.diff
        changed = sum(len(v) for v in d.changed.values())
        flagged = len(p.flagged_rows())
        self.status.setStyleSheet("")
        self.status.setText(f"{p.export.name} read. Nothing has changed yet: check the differences, then Apply.")
        self.summary.setText(
            f"<b>{p.export.name}</b>: {len(p.new):,} accounts, {p.matched:,} of the plan's {p.old_n:,} matched by "
            f"id — <b>{len(d.new_rows):,}</b> new, <b>{len(d.removed_rows):,}</b> gone from the CRM, "
            f"<b>{changed:,}</b> changes, <b>{flagged:,}</b> flagged for review.")
        if p.matched == 0:
            self.warning.setText(
                f"None of the {len(p.new):,} accounts of {p.export.name} has an id that is in this plan: it is "
                f"probably the wrong file (another CRM, or an export without the Account ID column the plan was "
                f"imported with). Applying it would remove all {p.old_n:,} accounts of the plan.")
            self.warning.show()
        else:
            self.warning.hide()
        self.notes.setText("\n".join(p.notes))
        self.notes.setVisible(bool(p.notes))
        self._routing_changed()  # the routing line, then the tree (the new accounts' territories follow it)
        self.apply_button.setEnabled(True)

    def _fill_tree(self) -> None:
        p = self.prepared
        assert p is not None
        current = self.tree.currentItem()
        keep = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        groups = build_groups(self.plan, p, self.route_box.isChecked())
        self._groups = {g.key: g for g in groups}
        self.tree.blockSignals(True)
        self.tree.clear()
        sections: dict[str, QTreeWidgetItem] = {}
        first: QTreeWidgetItem | None = None
        chosen: QTreeWidgetItem | None = None
        for g in groups:
            if g.section == g.title:
                item = QTreeWidgetItem([g.title, f"{g.count:,}"])
                self.tree.addTopLevelItem(item)
            else:
                parent = sections.get(g.section)
                if parent is None:
                    parent = sections[g.section] = QTreeWidgetItem([g.section, ""])
                    parent.setData(0, Qt.ItemDataRole.UserRole, f"section:{g.section}")
                    self.tree.addTopLevelItem(parent)
                item = QTreeWidgetItem([g.title, f"{g.count:,}"])
                parent.addChild(item)
                parent.setText(1, f"{sum(self._groups[k].count for k in self._section_keys(g.section)):,}")
            item.setData(0, Qt.ItemDataRole.UserRole, g.key)
            if g.tip:
                item.setToolTip(0, g.tip)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not g.count:
                item.setForeground(0, self.palette().placeholderText())
                item.setForeground(1, self.palette().placeholderText())
            if first is None and g.count:
                first = item
            if keep == g.key:
                chosen = item
        for key, parent in sections.items():
            parent.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if keep == f"section:{key}":
                chosen = parent
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self.tree.setCurrentItem(chosen or first or self.tree.topLevelItem(0))

    def _section_keys(self, section: str) -> list[str]:
        return [k for k, g in self._groups.items() if g.section == section]

    def _show_group(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            self.rows.set_rows([])
            return
        key = str(item.data(0, Qt.ItemDataRole.UserRole))
        if key.startswith("section:"):
            groups = [self._groups[k] for k in self._section_keys(key[len("section:"):])]
            headers = ("Old", "New")
        else:
            groups = [self._groups[key]]
            headers = groups[0].headers
        rows = [(r[0], r[1], r[2], g.change or g.title, r[3], r[4]) for g in groups for r in g.rows]
        self.rows.set_rows(rows, *headers)
        self._count_shown()

    def _filter(self, text: str) -> None:
        self.rows.set_filter(text)
        self._count_shown()

    def _count_shown(self) -> None:
        shown, total = self.rows.rowCount(), self.rows.total
        self.shown_label.setText(counted(total, "account") if shown == total
                                 else f"{shown:,} of {total:,} shown")

    def _routing_changed(self, _on: bool = False) -> None:
        p = self.prepared
        if p is None:
            return
        self.route_line.setText(routing_line(p, self.route_box.isChecked()))
        self.route_box.setEnabled(len(p.diff.new_rows) > 0)
        self._fill_tree()

    # ----- applying ------------------------------------------------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question before a risky Apply (hookable by tests)."""
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def apply(self) -> bool:
        """Apply the refresh as one undoable edit; report it in the status bar and select what needs review."""
        p = self.prepared
        if p is None:
            return False
        if self.window.plan is not self.plan or self.plan.version != p.version:
            self._fail("The plan changed while the export was being read; press Read export again.")
            return False
        if p.matched == 0 and not self.confirm(
                "Refresh from a file with no matching account?",
                f"No account of {p.export.name} matches an account of this plan by id. Applying it removes all "
                f"{p.old_n:,} accounts and adds {len(p.new):,} new ones. Apply anyway?"):
            return False
        routed = self.route_box.isChecked()
        edit = edit_for(p, routed)
        try:
            ok = self.window.controller.apply(edit)
        except Exception as exc:  # noqa: BLE001 — never a traceback; the plan is put back by the edit's own rules
            log.exception("refresh: applying failed")
            self._fail(f"The refresh could not be applied: {exc}. Save under a new name and check the plan.",
                       unchanged=False)
            return False
        if not ok:
            self._fail("The refresh was refused (see the status bar).")
            return False
        text, rows = self._outcome(p, routed)
        window = self.window
        window.show_status(text, 15)
        # the shell rebuilds the views on the next turn of the event loop (and clears the selection): select after
        QTimer.singleShot(0, lambda: window.selection.set_rows(rows))
        self.accept()
        return True

    def _outcome(self, p: Prepared, routed: bool) -> tuple[str, Any]:
        d = p.diff
        changed = sum(len(v) for v in d.changed.values())
        c = p.routing_counts()
        n_new = len(d.new_rows)
        new = f"{n_new:,} new"
        if n_new and routed and p.routing is not None:
            new += f" ({n_new - c['unrouted']:,} routed, {c['unrouted']:,} left unassigned)"
        elif n_new:
            new += " (unassigned)"
        text = (f"Refreshed from {p.export.name}: {new}, {len(d.removed_rows):,} gone, "
                f"{counted(changed, 'change')}. ")
        flagged = p.flagged_rows()
        if len(flagged):
            text += (f"{counted(len(flagged), 'account')} flagged for review "
                     f"{agree(len(flagged), 'is', 'are')} selected in the table.")
            return text + " Edit → Undo takes the refresh back.", flagged
        if n_new:
            text += f"The {agree(n_new, 'new account is', 'new accounts are')} selected in the table."
        return text + " Edit → Undo takes the refresh back.", d.new_rows.copy()

    def reject(self) -> None:
        if self._job is not None:
            self._job["cancel"] = True
            self._job = None
        self._timer.stop()
        self._set_busy(False)
        super().reject()


def _row(*widgets: QWidget) -> QWidget:
    w = QWidget()
    h = QHBoxLayout(w)
    h.setContentsMargins(0, 0, 0, 0)
    for i, x in enumerate(widgets):
        h.addWidget(x, 1 if i == 0 else 0)
    return w
