"""Runs an import on a worker thread, so the window stays responsive and Cancel works on a big file.

The io importer is plain Python (no Qt): it reports `progress(fraction, stage)` and polls `cancelled()`
between its steps. `ImportRunner` owns the QThread and the worker and turns those calls into queued signals.
A cancelled import may need a moment to reach its next check, so the dialog lets go of it at once; the
module keeps every running runner alive until its thread has really ended (and waits for them at quit), so a
closed dialog never destroys a running thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from territory_desktop.io.importing.importer import ImportCancelled, ImportFailed, import_plan

log = logging.getLogger(__name__)

ImportFn = Callable[..., Any]
_MIN_PROGRESS_INTERVAL_S = 0.05


class ImportWorker(QObject):
    """Calls the importer once, in whatever thread it lives in, and reports the outcome as one signal."""

    progress = Signal(float, str)
    succeeded = Signal(object)  # the io ImportResult
    failed = Signal(str)  # a message naming the file and the reason, never a traceback
    cancelled = Signal()
    done = Signal()  # after exactly one of succeeded / failed / cancelled

    def __init__(self, accounts_path: str, reps_path: str | None, mapping: dict[str, str] | None,
                 import_fn: ImportFn = import_plan, sheet: str | None = None) -> None:
        super().__init__()
        self.accounts_path = accounts_path
        self.sheet = sheet
        self.reps_path = reps_path
        self.mapping = mapping
        self.import_fn = import_fn
        self._stop = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        """Ask the import to stop at its next check (safe to call from any thread)."""
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def _report(self, fraction: float, stage: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_progress >= _MIN_PROGRESS_INTERVAL_S or fraction == 0.0:
            self._last_progress = now
            self.progress.emit(float(fraction), str(stage))

    @Slot()
    def run(self) -> None:
        try:
            result = self.import_fn(self.accounts_path, self.reps_path, mapping=self.mapping, sheet=self.sheet,
                                    progress=self._report, cancelled=self.is_cancelled)
        except ImportCancelled:
            self.cancelled.emit()
        except ImportFailed as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit(f"{Path(self.accounts_path).name}: the file is too large for the memory available")
        except Exception as exc:  # a bug must not take the window down: say so in words, log the details
            log.exception("import of %s failed", self.accounts_path)
            self.failed.emit(f"{Path(self.accounts_path).name}: the import stopped on an unexpected problem "
                             f"({type(exc).__name__}: {exc}). Please report it with the file if you can.")
        else:
            if self._stop.is_set():  # cancelled after the last check: the planner asked to drop it
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        finally:
            self.done.emit()


_ACTIVE: set[ImportRunner] = set()
_QUIT_HOOKED = False


def wait_for_imports(timeout_ms: int = 30_000) -> bool:
    """Block until every running import thread has ended (at application quit); True if all did."""
    return all(r.wait(timeout_ms) for r in list(_ACTIVE))


def _cancel_and_wait_all() -> None:
    for r in list(_ACTIVE):
        r.cancel()
    wait_for_imports()


class ImportRunner(QObject):
    """Starts one import on its own QThread; forwards the worker's signals; `running` until it ends.

    Runners have no Qt parent: the module holds each one while its thread runs, whoever else lets go.
    """

    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._thread: QThread | None = None
        self._worker: ImportWorker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, accounts_path: str, reps_path: str | None, mapping: dict[str, str] | None,
              import_fn: ImportFn = import_plan, sheet: str | None = None) -> None:
        if self.running:
            raise RuntimeError("an import is already running")
        worker = ImportWorker(accounts_path, reps_path, mapping, import_fn, sheet)
        thread = QThread()
        thread.setObjectName("territory-import")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        worker.succeeded.connect(self.succeeded)
        worker.failed.connect(self.failed)
        worker.cancelled.connect(self.cancelled)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._thread_finished)
        self._thread, self._worker = thread, worker
        _ACTIVE.add(self)
        _hook_quit()
        thread.start()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the thread has ended (for shutdown); True if it did."""
        thread = self._thread
        return True if thread is None else thread.wait(timeout_ms)

    @Slot()
    def _thread_finished(self) -> None:
        self._thread, self._worker = None, None  # the last references: both are freed here, in the GUI thread
        self.finished.emit()
        _ACTIVE.discard(self)


def _hook_quit() -> None:
    """At application quit, stop and wait for imports still running (a QThread must not outlive its app)."""
    global _QUIT_HOOKED
    app = QCoreApplication.instance()
    if not _QUIT_HOOKED and app is not None:
        app.aboutToQuit.connect(_cancel_and_wait_all)
        _QUIT_HOOKED = True
