"""The plan's audit trail: every edit applied, undone or redone, with its time, label, reason and OS user.

Sales-ops must be able to answer "who moved Acme to West, when, and why" months later, so the trail is part
of the saved plan, not of the window session. Entries are plain text (ISO 8601 UTC times) so a project file
stays readable by any SQLite tool and journal replays can never smuggle objects in.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import asdict, dataclass
from typing import Any

EDIT, UNDO, REDO, SCENARIO = "edit", "undo", "redo", "scenario"
ACTIONS = (EDIT, UNDO, REDO, SCENARIO)
ACTION_WORDS = {EDIT: "Edit", UNDO: "Undo", REDO: "Redo", SCENARIO: "Scenario"}


def current_user() -> str:
    """The OS login name, as the change list's "who" (never raises: a container may have no user entry)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def now_iso() -> str:
    """Now in UTC, to the second: what every stamp in a plan uses, so they sort as text."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the trail. `accounts` is how many account rows the step reassigned (0 for other edits)."""

    at: str
    user: str
    action: str
    label: str
    reason: str = ""
    kind: str = ""
    accounts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: Any) -> AuditEntry:
        """Rebuild an entry from a saved record; ValueError naming what is wrong (files are untrusted)."""
        if not isinstance(d, dict):
            raise ValueError("an audit entry is not a record")
        text = {k: d.get(k, "") for k in ("at", "user", "action", "label", "reason", "kind")}
        for k, v in text.items():
            if not isinstance(v, str):
                raise ValueError(f"the audit field {k!r} must be text")
        if text["action"] not in ACTIONS:
            raise ValueError(f"unknown audit action {text['action']!r}")
        accounts = d.get("accounts", 0)
        if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 0:
            raise ValueError("the audit field 'accounts' must be a count")
        return AuditEntry(**text, accounts=accounts)
