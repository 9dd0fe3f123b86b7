"""Crash recovery: every edit since the last save is appended to a journal in the user data folder.

A journal is JSON lines: a header (format, pid, start time, project file and its save_id, or a base snapshot
for a plan that has no file yet) and then one `edit.to_dict()` per applied edit (undo included: an undo is
the inverse edit being applied), each line flushed and fsync'ed. An edit that cannot be written as a line (a
CRM refresh replaces the whole account set: its `to_dict` raises NotImplementedError) restarts the journal on a
fresh snapshot of the plan taken just after it, marked `unsaved_base`, so a crash after it still restores it.
A writer holds an OS lock on a sidecar `.lock` file for as long as it lives, so a journal whose lock can be
taken belongs to a session that crashed (or was dropped without close): that is what `list_recoverable`
offers. This module writes journals; reading them back (`list_recoverable`, `recover`, `discard`) is in
recovery_replay.py and re-exported here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
import weakref
from pathlib import Path
from typing import IO, Any

import numpy as np

from territory_desktop.core.edits import Edit
from territory_desktop.core.plan import Plan
from territory_desktop.io.project.paths import recovery_dir
from territory_desktop.io.project.project_file import ProjectFileError, read_save_id, save_project
from territory_desktop.io.project.recovery_replay import (
    JOURNAL_FORMAT,
    JOURNAL_SUFFIX,
    LOCK_SUFFIX,
    SNAPSHOT_SUFFIX,
    RecoverableSession,
    RecoveryError,
    Steps,
    discard,
    list_recoverable,
    recover,
    recovered_steps,
    try_lock,
)

__all__ = ["Journal", "RecoverableSession", "RecoveryError", "discard", "list_recoverable", "recover",
           "recovered_steps", "Steps"]


class Journal:
    """Appends every edit applied to one plan to a recovery file until the plan is saved or closed."""

    def __init__(self, plan: Plan, path: Path, lock: IO[bytes], fh: IO[str], snapshot: Path | None,
                 source_path: Path | None, file_path: Path | None = None) -> None:
        self._plan = plan
        self.path = path
        self._lock = lock
        self._fh: IO[str] | None = fh
        self._snapshot = snapshot
        self._source_path = source_path
        self._file_path = file_path
        self._project: Path | None = file_path
        """The project file the plan belongs to (named in a restarted journal's header)."""
        self._stopped = False
        """A refresh could not be snapshotted: later edits would replay onto a plan without it, so none is written."""
        self.snapshot_restarts = 0
        """How often an edit that cannot be journaled line by line made the journal start on a snapshot."""
        self.edit_count = 0
        self.error: str | None = None
        """Set when an edit could not be written (disk full...): the UI should urge a save."""
        ref = weakref.ref(self)

        def forward(edit: Edit) -> None:  # holds the journal weakly: dropping it acts like a crash
            journal = ref()
            if journal is not None:
                journal._append(edit)

        self._forward = forward
        plan.applied.connect(forward)

    @classmethod
    def start(cls, plan: Plan, project_path: Path | None, source_path: Path | None = None,
              unsaved_base: bool = False, file_path: Path | None = None) -> Journal:
        """Begin journaling `plan`, which must equal the file at `project_path` (or have no file: None).

        `unsaved_base`: the plan already differs from anything saved (restored after a crash), so the session
        must be offered after a crash even if no edit follows. `file_path`: the project file the plan belongs
        to when it does not equal it (another scenario is active than the file opens on, or the plan was
        restored): the edits replay onto a snapshot, and a restore gives the plan back under that file's name
        rather than as an untitled plan.
        """
        journal = cls(plan, *_open_files(plan, project_path, source_path, unsaved_base, file_path), source_path,
                      file_path)
        journal._project = Path(project_path) if project_path is not None else journal._project
        return journal

    def _append(self, edit: Edit) -> None:
        if self._fh is None or self._stopped:
            return
        try:
            record = edit.to_dict()
        except NotImplementedError:  # e.g. a CRM refresh: the plan itself is the record
            self._restart_on_snapshot()
            return
        except (TypeError, ValueError) as exc:
            self.error = f"Recovery journal {self.path.name} could not record an edit: {exc}"
            return
        try:
            _write_line(self._fh, record)
            self.edit_count += 1
        except (OSError, TypeError, ValueError) as exc:  # never break editing because the journal failed
            self.error = f"Recovery journal {self.path.name} could not record an edit: {exc}"

    def _restart_on_snapshot(self) -> None:
        """Begin a new journal on a snapshot of the plan as it is now (the edit just applied included), marked
        unsaved so a crash offers it even if nothing follows; the old journal goes only once the new one is
        written. Any failure (disk full, a plan that cannot be saved) stops journaling with `error` set: it
        must never reach the edit that was applied, since the plan has already changed."""
        try:
            fresh = _open_files(self._plan, None, self._source_path, unsaved_base=True, file_path=self._project)
        except Exception as exc:  # noqa: BLE001 — a journal failure must leave editing possible
            self.error = f"Recovery journal {self.path.name} could not record a refresh of the accounts: {exc}"
            self._stopped = True
            return
        old = (self.path, self._lock, self._fh, self._snapshot)
        self.path, self._lock, self._fh, self._snapshot = fresh
        self.edit_count, self.error = 0, None
        self.snapshot_restarts += 1
        _close_and_remove(*old)

    def mark_saved(self, project_path: Path) -> None:
        """The plan now equals `project_path`: restart the journal against that file, drop the old one."""
        fresh = _open_files(self._plan, project_path, self._source_path)  # new first: never without one
        old = (self.path, self._lock, self._fh, self._snapshot)
        self.path, self._lock, self._fh, self._snapshot = fresh
        self._project = Path(project_path)
        self.edit_count, self.error, self._stopped = 0, None, False
        _close_and_remove(*old)

    def close(self, discard: bool = True) -> None:
        """Stop journaling. discard=True (clean exit) deletes the journal; False keeps it for the next start."""
        self._plan.applied.disconnect(self._forward)
        if self._fh is None:
            return
        if discard:
            _close_and_remove(self.path, self._lock, self._fh, self._snapshot)
        else:
            self._fh.close()
            self._lock.close()
        self._fh = None


def _open_files(plan: Plan, project_path: Path | None, source_path: Path | None,
                unsaved_base: bool = False, file_path: Path | None = None,
                ) -> tuple[Path, IO[bytes], IO[str], Path | None]:
    """Lock, base snapshot (only when there is no saved file to replay onto) and the journal with its header.

    The header's project_path names the plan's file even when the edits replay onto a snapshot (`file_path`);
    its save_id is given only when they replay onto the file itself, so a restore never takes that file as
    the base of edits made on another scenario of it."""
    folder = recovery_dir()
    stem = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    lock = open(folder / f"{stem}{LOCK_SUFFIX}", "a+b")  # noqa: SIM115 - held for the journal's life
    if not try_lock(lock):
        lock.close()
        raise RecoveryError(f"Cannot lock the recovery file {stem}{LOCK_SUFFIX}.")
    project_path = Path(project_path).resolve() if project_path is not None else None
    save_id = read_save_id(project_path) if project_path is not None else None
    named = project_path if project_path is not None else \
        (Path(file_path).resolve() if file_path is not None else None)
    snapshot = None
    try:
        if save_id is None:
            snapshot = folder / f"{stem}{SNAPSHOT_SUFFIX}"
            save_project(plan, snapshot)
        header = {
            "journal_format": JOURNAL_FORMAT, "pid": os.getpid(),
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "project_path": str(named) if named is not None else None,
            "save_id": save_id, "base_snapshot": str(snapshot) if snapshot is not None else None,
            "source_path": str(source_path) if source_path is not None else None,
            "n_accounts": plan.n_accounts, "unsaved_base": bool(unsaved_base),
        }
        path = folder / f"{stem}{JOURNAL_SUFFIX}"
        fh = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - appended to per edit
        _write_line(fh, header)
    except (OSError, ProjectFileError) as exc:
        lock.close()
        for p in (Path(lock.name), snapshot):
            if p is not None:
                with contextlib.suppress(OSError):
                    p.unlink()
        raise RecoveryError(f"Cannot start the recovery journal in {folder}: {exc}") from exc
    return path, lock, fh, snapshot


def _write_line(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(json.dumps(record, default=_json_default) + "\n")  # ASCII: any text, even lone surrogates
    fh.flush()
    os.fsync(fh.fileno())


def _json_default(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    raise TypeError(f"cannot journal a value of type {type(v).__name__}")


def _close_and_remove(path: Path, lock: IO[bytes] | None, fh: IO[str] | None, snapshot: Path | None) -> None:
    if fh is not None:
        fh.close()
    for p in (path, snapshot):
        if p is not None:
            with contextlib.suppress(OSError):
                p.unlink()
    if lock is not None:
        lock.close()
        with contextlib.suppress(OSError):
            Path(lock.name).unlink()
