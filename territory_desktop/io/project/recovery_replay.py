"""Crash recovery, reading side: find the journals of sessions that crashed, replay one onto its base, discard.

Journal lines are untrusted input: they are parsed as JSON and rebuilt through the core's Edit registry only,
with indices checked. The journal's format (header, suffixes, the writer's OS lock) is defined here because
this is what reads it back; recovery.py writes it and re-exports the public names of this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from territory_desktop.core.edits import (
    AddTerritory,
    Batch,
    Edit,
    MoveAccounts,
    RemoveTerritory,
    SetAccountLocks,
    UpdateTerritory,
)
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.review import MARK_KIND, UNMARK_KIND  # the import registers the review edit
from territory_desktop.io.project.paths import recovery_dir
from territory_desktop.io.project.project_file import ProjectFileError, open_project, read_save_id

JOURNAL_FORMAT = 1
JOURNAL_SUFFIX = ".journal"
LOCK_SUFFIX = ".lock"
SNAPSHOT_SUFFIX = ".base.territory"
REVIEW_KINDS = (MARK_KIND, UNMARK_KIND)
MAX_JOURNAL_BYTES = 1024**3
"""A journal larger than this is not read (no session journals a gigabyte of edits)."""


class RecoveryError(Exception):
    """A journal that cannot be replayed; the message names the journal (and line) and says why."""


@dataclass(frozen=True)
class RecoverableSession:
    """A journal left by a session that ended without a clean close."""

    path: Path
    project_path: Path | None
    source_path: Path | None
    base_snapshot: Path | None
    save_id: str | None
    started_at: str
    """ISO 8601, UTC."""
    edit_count: int
    torn_tail: bool
    """The last line was cut off by the crash; it is skipped."""
    description: str
    """One line for the recovery dialog or the CLI."""
    problem: str | None = None
    """Why this journal cannot be replayed as is (it can still be discarded)."""
    unsaved_base: bool = False
    """The starting snapshot itself holds changes never saved (a plan restored after an earlier crash), so
    the session is worth offering even when no edit followed."""
    saved_since: bool = False
    """The edits replay onto the project file, but that file no longer has the save id in the journal's header:
    it was saved after they were journaled (a crash between a save and the journal's clean-up leaves this),
    so there is no base to replay them onto and nothing to restore."""
    edits_in_file: bool = False
    """With `saved_since`: replaying the edits onto the file as it is now changes nothing, so they are in it."""

    @property
    def nothing_to_restore(self) -> bool:
        """Nothing a restore could give back: the file was saved since, or the session ended abruptly before its
        first edit was complete on a plan that equals its file (the journal is kept until discarded)."""
        return self.problem is None and (self.saved_since or (
            not self.edit_count and not self.unsaved_base and self.base_snapshot is None))


def try_lock(fh: IO[bytes]) -> bool:
    """Take an exclusive, non-blocking lock; False if another open file (any process) holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _writer_alive(journal: Path) -> bool:
    lock_path = journal.with_suffix(LOCK_SUFFIX)
    if not lock_path.exists():
        return False
    try:
        with open(lock_path, "a+b") as fh:
            return not try_lock(fh)
    except OSError:
        return True  # cannot tell: leave it alone rather than steal a live session's journal


# ----- reading ---------------------------------------------------------------------------------------------
def _read_journal(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """Header, edit records and whether a torn last line was skipped; RecoveryError naming the line if bad."""
    problem = _not_a_file(path, MAX_JOURNAL_BYTES)
    if problem:
        raise RecoveryError(f"The recovery file {path.name} {problem}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecoveryError(f"Cannot read the recovery file {path.name}: {exc.strerror or exc}.") from exc
    lines = data.split(b"\n")  # bytes: json.loads then decodes each line as strict UTF-8
    torn = bool(lines and lines[-1].strip(b"\x00 \r"))  # the crash cut the last write short
    lines = lines[:-1]
    while lines and not lines[-1].strip(b"\x00 \r"):
        lines.pop()
    if not lines:
        raise RecoveryError(f"The recovery file {path.name} is empty.")
    records: list[Any] = []
    for i, line in enumerate(lines, start=1):
        try:
            records.append(json.loads(line))
        except (ValueError, RecursionError) as exc:
            if i == len(lines) and i > 1 and not torn:  # a zero-filled or half-written final line
                torn = True
                break
            raise RecoveryError(f"The recovery file {path.name} is damaged at line {i}: {exc}.") from exc
    header = records[0]
    if not isinstance(header, dict) or "journal_format" not in header:
        raise RecoveryError(f"The recovery file {path.name} has no valid header.")
    if header["journal_format"] != JOURNAL_FORMAT:
        raise RecoveryError(f"The recovery file {path.name} has journal format {header['journal_format']!r}; "
                            f"this version reads format {JOURNAL_FORMAT}.")
    for i, rec in enumerate(records[1:], start=2):
        if not isinstance(rec, dict):
            raise RecoveryError(f"The recovery file {path.name} is damaged at line {i}: not an edit record.")
    return header, records[1:], torn


def _opt_path(v: Any) -> Path | None:
    return Path(v) if isinstance(v, str) and v else None


def _describe(header: dict[str, Any], count: int, torn: bool, saved_since: bool = False,
              edits_in_file: bool = False) -> str:
    """One line for the dialog and the CLI: whose plan, how many edits, since when; a file saved after the
    edits and a last line cut off by the crash are said in words."""
    try:
        started = dt.datetime.fromisoformat(str(header.get("started_at"))).astimezone()
        when = f"{started:%Y-%m-%d %H:%M}"
    except ValueError:
        when = "an unknown time"
    project = _opt_path(header.get("project_path"))
    source = _opt_path(header.get("source_path"))
    plural = "s" if count != 1 else ""
    whose = (f"{project.name}: " if project is not None else
             f"Unsaved plan imported from {source.name}: " if source is not None else "Unsaved plan: ")
    if saved_since:
        journaled = f"the {count} edit{plural} journaled since {when}"
        if edits_in_file:
            return (f"{whose}the project was saved after these edits, so there is nothing to restore "
                    f"({journaled} {'are' if count != 1 else 'is'} already in the file)")
        return (f"{whose}the project was saved after these edits began, and {journaled} cannot be restored: "
                "they were made on an earlier version of the file, which a later save replaced")
    if torn:
        edits = f"{count} complete{' unsaved' if count else ''} edit{plural}"
        if not count and header.get("unsaved_base") is True:
            edits = "unsaved changes and 0 complete edits"
        return (f"{whose}the session ended abruptly with {edits} since {when}; "
                "the last line was cut off and is ignored")
    edits = f"{count} unsaved edit{plural}"
    if not count and header.get("unsaved_base") is True:
        edits = "unsaved changes"
    return f"{whose}{edits} since {when}"


def list_recoverable() -> list[RecoverableSession]:
    """Journals of sessions that ended without closing them, newest first.

    Journals with nothing to give back (a project opened and never edited) are deleted on the way; one whose
    last line was torn by a kill (an edit being written) is kept and listed, even with no complete edit. A
    journal whose project file was saved after it began (`saved_since`) is listed as such, not as unsaved edits.
    """
    folder = recovery_dir()
    for lock in folder.glob(f"*{LOCK_SUFFIX}"):  # a crash before the journal was written leaves only these
        journal = lock.with_suffix(JOURNAL_SUFFIX)
        if not journal.exists() and not _writer_alive(journal):
            for p in (lock, folder / f"{lock.stem}{SNAPSHOT_SUFFIX}"):
                with contextlib.suppress(OSError):
                    p.unlink()
    found: list[tuple[float, RecoverableSession]] = []
    for path in folder.glob(f"*{JOURNAL_SUFFIX}"):
        if _writer_alive(path):
            continue
        try:
            mtime = path.stat().st_mtime
            problem = _not_a_file(path, MAX_JOURNAL_BYTES)
            if problem:
                found.append((0.0, _bare_session(path, f"The recovery file {path.name} {problem}.")))
                continue
            if b"\n" not in path.read_bytes():  # died while writing the header: nothing was recorded
                discard(_bare_session(path, ""))
                continue
            header, edits, torn = _read_journal(path)
        except RecoveryError as exc:
            found.append((0.0, _bare_session(path, str(exc))))
            continue
        except OSError:
            continue
        saved_since = _saved_since(header)
        in_file = saved_since and _edits_in_file(header, edits)
        session = RecoverableSession(
            path, _opt_path(header.get("project_path")), _opt_path(header.get("source_path")),
            _opt_path(header.get("base_snapshot")), header.get("save_id"), str(header.get("started_at", "")),
            len(edits), torn, _describe(header, len(edits), torn, saved_since, in_file),
            unsaved_base=header.get("unsaved_base") is True, saved_since=saved_since, edits_in_file=in_file)
        if not edits and session.base_snapshot is None and not torn:
            discard(session)  # opened and never edited: a torn line means an edit was being written, so kept
            continue
        found.append((mtime, session))
    return [s for _, s in sorted(found, key=lambda x: -x[0])]


def _saved_since(header: dict[str, Any]) -> bool:
    """The journal replays onto its project file (save id, no snapshot), and that file is still a plan but with
    another save id: it was saved after the edits were journaled. (A file moved or deleted is not this.)"""
    project = _opt_path(header.get("project_path"))
    save_id = header.get("save_id")
    if project is None or not save_id or _opt_path(header.get("base_snapshot")) is not None:
        return False
    if _not_a_file(project) or not project.exists():
        return False
    current = read_save_id(project)
    return current is not None and current != save_id


def _edits_in_file(header: dict[str, Any], records: list[dict[str, Any]]) -> bool:
    """Whether replaying `records` onto the project file as it is now leaves its assignment, locks, territories
    and settings as they are, and each review mark among them is in its trail: then the save after them holds
    them. Any doubt (the file cannot be opened, a line cannot be replayed, the edit is refused) is False."""
    project = _opt_path(header.get("project_path"))
    if project is None:
        return False
    try:
        plan = open_project(project)
        if header.get("n_accounts", plan.n_accounts) != plan.n_accounts:
            return False
        before, trail = _state(plan), {(e.kind, e.reason) for e in plan.audit}
        for record in records:
            _check_record(record)
            edit = Edit.from_dict(record)
            _check_indices(edit, plan.n_accounts, plan.n_territories)
            plan.apply(edit)
            last = plan.audit[-1]
            if last.kind in REVIEW_KINDS and (last.kind, last.reason) not in trail:  # marks change only the trail
                return False
        return _state(plan) == before
    except Exception:  # noqa: BLE001 - untrusted lines: any failure only means "not known to be in the file"
        return False


def _state(plan: Plan) -> tuple[bytes, bytes, list[str], str]:
    """What journaled edits change besides the trail: the assignment, the locks, each territory and the
    settings (compared by repr, so NaN equals NaN)."""
    return (plan.assignment.tobytes(), plan.locked.tobytes(),
            [repr(sorted(vars(t).items())) for t in plan.territories], repr(plan.settings))


def _bare_session(path: Path, problem: str) -> RecoverableSession:
    return RecoverableSession(path, None, None, None, None, "", 0, False, f"Damaged recovery file {path.name}",
                              problem or None)


def recover(session: RecoverableSession) -> Plan:
    """Rebuild the crashed session's plan: its base plus every journaled edit, in order.

    The result differs from `session.project_path` on disk: start the next journal with project_path=None
    (or save first), otherwise a later crash would replay onto the wrong base.
    """
    plan, steps = recovered_steps(session)
    replay = steps(plan)
    for edit in replay:
        try:
            plan.apply(edit)
        except EditRefused as exc:
            replay.throw(exc)  # raises RecoveryError naming the journal line
    return plan


Steps = Callable[[Plan], Iterator[Edit]]
"""Given the plan being rebuilt, yields each journaled edit checked against it as it stands then."""


def recovered_steps(session: RecoverableSession) -> tuple[Plan, Steps]:
    """The crashed session's base plan and its edits one by one, for a caller that applies them itself.

    The window replays them through its PlanController, so every restored edit is a step of the undo stack
    (and of Edit History), as it was before the crash. Each edit is checked against the plan as it stands when
    it is yielded (a journaled AddTerritory makes the next edit's territory index valid), so the caller must
    apply each edit before asking for the next; a line that cannot be replayed raises RecoveryError naming it.
    """
    header, records, _ = _read_journal(session.path)
    name = session.path.name
    plan = _base_plan(session, header)

    def steps(live: Plan) -> Iterator[Edit]:
        for line, record in enumerate(records, start=2):
            try:
                _check_record(record)
                edit = Edit.from_dict(record)
                _check_indices(edit, live.n_accounts, live.n_territories)
            except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError,
                    OverflowError) as exc:
                raise RecoveryError(f"Cannot recover {name}: line {line} cannot be replayed ({exc}).") from exc
            try:
                yield edit
            except EditRefused as exc:  # thrown in by a caller whose plan refused it
                raise RecoveryError(f"Cannot recover {name}: line {line} cannot be replayed ({exc}).") from exc

    return plan, steps


def _base_plan(session: RecoverableSession, header: dict[str, Any]) -> Plan:
    """The plan the journaled edits were made on: the project file if unchanged, else the base snapshot."""
    name = session.path.name
    project = _opt_path(header.get("project_path"))
    snapshot = _opt_path(header.get("base_snapshot"))
    save_id = header.get("save_id")
    if snapshot is not None and _not_a_file(snapshot):
        raise RecoveryError(f"Cannot recover {name}: its starting snapshot {snapshot.name} "
                            f"{_not_a_file(snapshot)}.")
    try:
        if project is not None and not _not_a_file(project) and save_id and read_save_id(project) == save_id:
            plan = open_project(project)
        elif snapshot is not None and snapshot.exists():
            plan = open_project(snapshot)
        elif project is not None and save_id:
            raise RecoveryError(f"Cannot recover {name}: {project.name} has been saved again, moved or deleted "
                                "since these edits were made, and they only apply to the version they were "
                                "made on.")
        else:
            raise RecoveryError(f"Cannot recover {name}: its starting snapshot is missing.")
    except ProjectFileError as exc:
        raise RecoveryError(f"Cannot recover {name}: {exc}") from exc
    if header.get("n_accounts", plan.n_accounts) != plan.n_accounts:
        raise RecoveryError(f"Cannot recover {name}: it was recorded for {header.get('n_accounts')} accounts, "
                            f"but its starting plan has {plan.n_accounts}.")
    return plan


def _not_a_file(path: Path, limit: int | None = None) -> str | None:
    """Why `path` must not be read (a folder, FIFO, device, or too large), or None (also when it is absent:
    the reader says so)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return "is a folder"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a pipe or device)"
    if limit is not None and st.st_size > limit:
        return f"is larger than {limit // 1024**2:,} MB"
    return None


INT64 = (-(2**63), 2**63 - 1)
LARGEST = 1e15
"""A journaled number beyond this (a capacity of 1e300) is no real quantity: refused, not replayed."""
MAX_DEPTH = 12
TEXT_FIELDS = ("name", "rep", "role", "region", "area", "color", "label")
NUMBER_FIELDS = ("capacity_hours", "target_share", "home_lat", "home_lon")
FLAG_FIELDS = ("locked", "removed")


def _check_record(record: Any) -> None:
    """Refuse, naming the field, what no edit ever journals: integers beyond 64 bits, NaN, ±inf or absurd
    floats, text where a territory needs a number (and the reverse), nesting deeper than any edit."""
    def walk(v: Any, where: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ValueError(f"field {where!r} is nested too deeply")
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return
        if isinstance(v, int):
            if not INT64[0] <= v <= INT64[1]:
                raise ValueError(f"field {where!r} holds the integer {str(v)[:30]}, beyond 64 bits")
        elif isinstance(v, float):
            if not math.isfinite(v) or abs(v) > LARGEST:
                raise ValueError(f"field {where!r} holds {v!r}, not a usable number")
        elif isinstance(v, dict):
            for k, x in v.items():
                here = f"{where}.{k}" if where else str(k)
                walk(x, here, depth + 1)
                if k in ("changes", "territory") and isinstance(x, dict):  # territory fields, any batch depth
                    for field, value in x.items():
                        _check_field(str(field), value, f"{here}.{field}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{where}[{i}]", depth + 1)

    walk(record, "", 0)


def _check_field(key: str, v: Any, where: str) -> None:
    """Territory fields (in `changes`, `territory`) must have their own type."""
    if key in TEXT_FIELDS and not isinstance(v, str):
        raise ValueError(f"field {where!r} must be text, not {type(v).__name__}")
    if key in NUMBER_FIELDS and not (v is None and key.startswith("home_")):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"field {where!r} must be a number, not {type(v).__name__}")
        if key == "home_lat" and abs(v) > 90 or key == "home_lon" and abs(v) > 180:
            raise ValueError(f"field {where!r} holds {v!r}, outside the globe")
        if key in ("capacity_hours", "target_share") and v < 0:
            raise ValueError(f"field {where!r} holds {v!r}, below 0")
    if key in FLAG_FIELDS and not isinstance(v, bool):
        raise ValueError(f"field {where!r} must be true or false, not {type(v).__name__}")


def _check_indices(edit: Edit, n: int, k: int) -> int:
    """Reject rows/territories out of range (numpy would quietly wrap a negative index around).

    Returns the number of territory slots after the edit, so a batch can add a territory and then use it.
    """
    def rows_ok(rows: Any) -> None:
        rows = np.asarray(rows)
        if rows.ndim != 1 or (len(rows) and (rows.min() < 0 or rows.max() >= n)):
            raise ValueError(f"account rows outside 0..{n - 1}")

    def terr_ok(t: Any, allow_none: bool) -> None:
        t = np.asarray(t)
        low = -1 if allow_none else 0
        if t.size and (t.min() < low or t.max() >= k):
            raise ValueError(f"territory index outside {low}..{k - 1}")

    if isinstance(edit, Batch):
        for e in edit.edits:
            k = _check_indices(e, n, k)
        return k
    if isinstance(edit, AddTerritory):
        return k + 1
    if isinstance(edit, MoveAccounts):
        rows_ok(edit.rows)
        terr_ok(edit.to, True)
        if isinstance(edit.to, np.ndarray) and edit.to.shape != edit.rows.shape:
            raise ValueError("one target per row expected")
    elif isinstance(edit, SetAccountLocks):
        rows_ok(edit.rows)
        if isinstance(edit.locked, np.ndarray) and edit.locked.shape != edit.rows.shape:
            raise ValueError("one lock value per row expected")
    elif isinstance(edit, UpdateTerritory | RemoveTerritory):
        terr_ok(edit.index, False)
        if isinstance(edit, RemoveTerritory):
            terr_ok(edit.to, True)
    elif hasattr(edit, "index"):  # the inverses of add/remove territory
        terr_ok(edit.index, False)
        if hasattr(edit, "rows"):
            rows_ok(edit.rows)
        else:
            return k - 1
    return k


def discard(session: RecoverableSession) -> None:
    """Delete a journal and its own snapshot (never the user's project file)."""
    folder = recovery_dir().resolve()
    targets = [session.path, session.path.with_suffix(LOCK_SUFFIX),
               session.path.with_name(f"{session.path.stem}{SNAPSHOT_SUFFIX}")]
    if session.base_snapshot is not None and session.base_snapshot.resolve().parent == folder:
        targets.append(session.base_snapshot)
    for p in targets:
        with contextlib.suppress(OSError):
            p.unlink()
