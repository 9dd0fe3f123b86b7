"""Territories → Quarterly Review…: what changed since the last review, and what is worth changing now."""

from __future__ import annotations

from typing import Any


def open_review(window: Any) -> None:
    """Being built (issue 17)."""
    window.show_status("The quarterly review is not in this build yet.")
