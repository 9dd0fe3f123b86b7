"""File → Reports…: choose a folder and the reports, write them off the UI thread with a progress bar and
Cancel, then open the folder.

The reports are written from a copy of the plan taken when Write is pressed, so the books, the summary and the
workbook describe one and the same plan even if something edits it meanwhile. The worker reports progress
into a small locked record that a QTimer reads (no Qt object crosses threads); Cancel sets an event the writer
checks between pages, and the writer publishes files only when all are done, so a cancel leaves the folder
as it was.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.change_notes import default_effective_date
from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import copy_plan
from territory_desktop.io.reports import (
    BOOKS_FOLDER,
    SUMMARY_FILE,
    WORKBOOK_FILE,
    Cancelled,
    ReportError,
    ReportRequest,
    write_reports,
)

POLL_MS = 50


@dataclass
class _State:
    """What the worker thread tells the dialog; read and written under `lock`."""

    done: int = 0
    total: int = 1
    what: str = ""
    finished: bool = False
    files: list[Path] | None = None
    error: str = ""
    cancelled: bool = False


class ReportsDialog(QDialog):
    """Folder, which reports, effective date and plan name; Write runs them in a background thread."""

    def __init__(self, plan: Plan, plan_name: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reports")
        self.plan = plan
        self.files: list[Path] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = _State()
        self._close_when_done = False
        n = len(plan.active_territories())

        intro = QLabel("Write the reports you hand out: a PDF book for every rep, the plan summary and an Excel "
                       "workbook. Numbers are the plan's as it stands now.", self)
        intro.setWordWrap(True)
        self.folder = QLineEdit(str(folder), self)
        self.folder.setMinimumWidth(380)
        self.browse = QPushButton("Choose…", self)
        self.browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.books = QCheckBox(f"Rep books — {n:,} PDF{'s' if n != 1 else ''}, one per territory "
                               f"(in “{BOOKS_FOLDER}”)", self)
        self.summary = QCheckBox(f"Plan summary — “{SUMMARY_FILE}”: map, balance, capacity, fairness, "
                                 "changes", self)
        self.workbook = QCheckBox(f"Workbook — “{WORKBOOK_FILE}”: Summary, Territories, Accounts, Changes", self)
        for box in (self.books, self.summary, self.workbook):
            box.setChecked(True)
            box.toggled.connect(self._update_buttons)
        picks = QVBoxLayout()
        for box in (self.books, self.summary, self.workbook):
            picks.addWidget(box)
        self.title = QLineEdit(plan_name, self)
        self.effective = QDateEdit(self)
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        d = default_effective_date()
        self.effective.setDate(QDate(d.year, d.month, d.day))
        form = QFormLayout()
        folder_label = QLabel("&Folder:", self)
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, row)
        form.addRow("Reports:", picks)
        form.addRow("Plan &name on the reports:", self.title)
        form.addRow("Changes &effective:", self.effective)
        note = QLabel("Reports already in the folder with the same names are replaced. Nothing is written "
                      "until every report is done.", self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #5B636E;")

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.write_button = self.buttons.addButton("Write reports", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        self.open_button = self.buttons.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.write_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_folder)
        self.cancel_button.clicked.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addSpacing(6)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.folder.textChanged.connect(self._update_buttons)
        self.resize(640, 380)

    # ----- choices ---------------------------------------------------------------------------------------
    def request(self) -> ReportRequest:
        return ReportRequest(rep_books=self.books.isChecked(), summary=self.summary.isChecked(),
                             workbook=self.workbook.isChecked())

    def _update_buttons(self) -> None:
        r = self.request()
        chosen = r.rep_books or r.summary or r.workbook
        self.write_button.setEnabled(not self.running and chosen and bool(self.folder.text().strip()))

    def _choose_folder(self) -> None:
        start = self.folder.text().strip() or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, "Folder for the reports", start)
        if path:
            self.folder.setText(path)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ----- the run ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Write the chosen reports in a background thread (the button's action)."""
        if self.running:
            return
        folder = Path(self.folder.text().strip()).expanduser()
        request = self.request()
        q = self.effective.date()
        effective = dt.date(q.year(), q.month(), q.day())
        title = self.title.text().strip() or "Territory plan"
        snapshot = copy_plan(self.plan)
        self._stop.clear()
        self._state = _State()
        self.files = []
        self._set_running(True)
        self.status.setText("Starting…")

        def work() -> None:
            try:
                files = write_reports(snapshot, folder, request, plan_name=title, effective_date=effective,
                                      progress=self._report, should_stop=self._stop.is_set)
                with self._lock:
                    self._state.files = files
            except Cancelled:
                with self._lock:
                    self._state.cancelled = True
            except ReportError as exc:
                with self._lock:
                    self._state.error = str(exc)
            except Exception as exc:  # noqa: BLE001 — any failure must reach the user as a sentence
                with self._lock:
                    self._state.error = f"The reports could not be written: {exc}"
            finally:
                with self._lock:
                    self._state.finished = True

        self._thread = threading.Thread(target=work, name="reports", daemon=True)
        self._thread.start()
        self._timer.start()

    def _report(self, done: int, total: int, what: str) -> None:
        with self._lock:
            self._state.done, self._state.total, self._state.what = done, total, what

    def _poll(self) -> None:
        with self._lock:
            s = _State(**vars(self._state))
        self.progress.setValue(min(100, s.done * 100 // max(s.total, 1)))
        if not s.finished:
            if not self._stop.is_set():
                self.status.setText(f"{s.what}…" if s.what else "Working…")
            return
        self._timer.stop()
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        self._set_running(False)
        if s.files is not None:
            self.files = s.files
            self.progress.setValue(100)
            folder = Path(self.folder.text().strip()).expanduser()
            self.status.setText(f"Wrote {_count_words(s.files, folder)} to {folder}.")
            self.open_button.show()
            self.open_button.setDefault(True)
            self.cancel_button.setText("Close")
        elif s.cancelled:
            self.progress.hide()
            self.status.setText("Cancelled: no report was written.")
        else:
            self.progress.hide()
            self.status.setText(f"<span style='color:#B3261E'>{_escape(s.error)}</span>")
        if self._close_when_done:
            super().reject()

    def _set_running(self, running: bool) -> None:
        for w in (self.folder, self.browse, self.books, self.summary, self.workbook, self.title, self.effective):
            w.setEnabled(not running)
        self.progress.setVisible(running or self.progress.isVisible())
        if running:
            self.progress.setValue(0)
            self.open_button.hide()
            self.cancel_button.setText("Cancel")
        self.write_button.setEnabled(not running)
        if not running:
            self._update_buttons()

    def cancel(self) -> None:
        """Ask the writer to stop at its next page; the files written so far are discarded."""
        if self.running:
            self._stop.set()
            self.status.setText("Cancelling…")

    def reject(self) -> None:  # Cancel button, Esc, the window's close box
        if self.running:
            self.cancel()
            self._close_when_done = False
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt naming)
        if self.running:  # closing mid-run cancels, then closes once the writer has cleaned up
            self.cancel()
            self._close_when_done = True
            event.ignore()
            return
        super().closeEvent(event)

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.folder.text().strip()).expanduser())))

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the run ends (for scripts and tests); True when it ended."""
        t = self._thread
        if t is not None:
            t.join(timeout)
        self._poll()
        return not self.running


def _count_words(files: list[Path], folder: Path) -> str:
    books = sum(1 for f in files if f.parent.name == BOOKS_FOLDER and f.parent.parent == folder)
    others = [f.name for f in files if f.parent == folder]
    parts = ([f"{books:,} rep book{'s' if books != 1 else ''}"] if books else []) + others
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "nothing"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
