"""Why each account sits where it does: the reason, the person and the time of the move that put it there.

The change list needs, for every account that differs from the baseline, the sentence that moved it (the
co-pilot's reason, the planner's note, "rep departure"), who moved it and when. Keeping those three per account
next to the assignment makes the change list a lookup, and because every move records the notes it replaced
in its inverse, undo and redo bring the right reason back with the account.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

NOTICE_DAYS = 30
"""The playbook's notice period: a change list takes effect this many days after it is written by default."""

NoteColumns = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(reason, by, at) for some rows: three object arrays of text, at as ISO 8601 UTC."""


def _text_array(values: object, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    arr = np.asarray(values, dtype=object)
    if arr.shape != (n,):
        raise ValueError(f"change notes must have one entry per account ({n}), not {arr.shape}")
    return np.array(["" if v is None or v != v else str(v) for v in arr], dtype=object)


class ChangeNotes:
    """Reason, who and when of the last move of every account ("" for an account never moved)."""

    def __init__(self, n: int, reason: object = None, by: object = None, at: object = None) -> None:
        self.reason = _text_array(reason, n)
        self.by = _text_array(by, n)
        self.at = _text_array(at, n)

    def take(self, rows: np.ndarray) -> NoteColumns:
        """The notes of `rows` (copies), as an inverse edit needs them to restore what it overwrites."""
        return self.reason[rows].copy(), self.by[rows].copy(), self.at[rows].copy()

    def put(self, rows: np.ndarray, reason: object, by: object, at: object) -> None:
        """Write one note for all rows (scalars) or one each (arrays of len(rows))."""
        self.reason[rows] = reason
        self.by[rows] = by
        self.at[rows] = at

    def copy(self) -> ChangeNotes:
        return ChangeNotes(len(self.reason), self.reason, self.by, self.at)


def default_effective_date(today: dt.date | None = None) -> dt.date:
    """The change list's default effective date: the notice period from today."""
    return (today or dt.date.today()) + dt.timedelta(days=NOTICE_DAYS)
