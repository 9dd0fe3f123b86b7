"""Territories → Territory Rules… and Lock by Rule…: territory definitions, routing, and locks kept as rules."""

from __future__ import annotations

from typing import Any


def open_rules(window: Any) -> None:
    """Being built (issue 17)."""
    window.show_status("Territory rules are not in this build yet.")


def open_lock_rules(window: Any) -> None:
    """Being built (issue 17)."""
    window.show_status("Lock by rule is not in this build yet.")
