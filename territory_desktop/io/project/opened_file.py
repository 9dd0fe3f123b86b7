"""What opening a project file read, kept so that saving moves back into it need not re-encode the accounts.

At 1M accounts a full save re-encodes ~130 MB of account and source columns that a `move` of one account
never touched (~1.7 s). `open_scenarios` records, per file it opened, the column rows' metadata (everything
but the bytes, which stay in the file), the file's identity, and weak references to the frames it built; each
plan's `applied` event tells the record when an edit other than moves and locks happens. `quick_save.py`
trusts the old file's bytes only while every one of these still holds.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import Any

from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import ScenarioSet

MOVES_ONLY_KINDS = frozenset({"move", "locks"})
"""Edit kinds that change only the "plan" frame (assignment, baseline, locks, change notes), the audit trail
and nothing a file keeps in its other frames. Any other kind, or a batch holding one, ends the quick save."""


def file_signature(path: str) -> tuple[int, int, int, int]:
    """Device, inode, size and modification time: a file replaced or written since is a different file."""
    return file_signature_of(os.stat(path))


def file_signature_of(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _frames_of(plan: Plan) -> tuple[Any, ...]:
    return (plan.accounts, plan.source, getattr(plan, "departed", None), plan.adjacency)


def _ref(obj: Any) -> weakref.ref[Any] | None:
    return None if obj is None else weakref.ref(obj)


@dataclass
class OpenedFile:
    """One opened file: where it is, what it was, and whether its plans changed only by moves and locks."""

    path: str
    """The file's real path (symlinks resolved), as a save resolves it."""
    signature: tuple[int, int, int, int]
    kept: list[tuple[Any, ...]]
    """Column rows of every frame but "plan", as in the file, with data and mask left out (None)."""
    plans: list[weakref.ref[Plan]]
    frames: list[tuple[weakref.ref[Any] | None, ...]]
    columns: list[list[Any]]
    moves_only: bool = True

    @classmethod
    def record(cls, scenarios: ScenarioSet, path: str, signature: tuple[int, int, int, int],
               kept: list[tuple[Any, ...]]) -> OpenedFile:
        plans = [s.plan for s in scenarios.scenarios]
        opened = cls(path, signature, kept, [weakref.ref(p) for p in plans],
                     [tuple(_ref(f) for f in _frames_of(p)) for p in plans],
                     [list(p.accounts.columns) for p in plans],
                     moves_only=not any(p.filled_in for p in plans))
        for p in plans:
            p.applied.connect(opened._on_edit)
        _OPENED[scenarios] = opened
        return opened

    def _on_edit(self, edit: Any) -> None:
        if not _moves_only(edit):
            self.moves_only = False

    def still_holds(self, scenarios: ScenarioSet, path: str) -> bool:
        """True if `scenarios` are the plans read from `path`, changed since only by moves and locks, and the
        file there is still the one they were read from."""
        if not self.moves_only or os.path.realpath(path) != self.path:
            return False
        plans = [s.plan for s in scenarios.scenarios]
        if len(plans) != len(self.plans) or any(ref() is not p for ref, p in zip(self.plans, plans, strict=True)):
            return False
        for p, refs, names in zip(plans, self.frames, self.columns, strict=True):
            now = _frames_of(p)
            if any((ref is None) != (obj is None) or (ref is not None and ref() is not obj)
                   for ref, obj in zip(refs, now, strict=True)):
                return False
            if list(p.accounts.columns) != names:
                return False
        try:
            return file_signature(self.path) == self.signature
        except OSError:
            return False


def _moves_only(edit: Any) -> bool:
    inner = getattr(edit, "edits", None)
    if getattr(edit, "kind", "") == "batch" and isinstance(inner, list):
        return all(_moves_only(e) for e in inner)
    return getattr(edit, "kind", "") in MOVES_ONLY_KINDS


_OPENED: weakref.WeakKeyDictionary[ScenarioSet, OpenedFile] = weakref.WeakKeyDictionary()


def opened_file(scenarios: ScenarioSet) -> OpenedFile | None:
    """The record of the file these scenarios were opened from, if they were."""
    return _OPENED.get(scenarios)
