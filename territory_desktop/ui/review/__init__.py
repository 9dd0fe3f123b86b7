"""Territories → Quarterly Review…: what changed since the last review, and what is worth changing now."""

from __future__ import annotations

from territory_desktop.ui.review.dialog import FixPreview, ReviewDialog, open_review

__all__ = ["FixPreview", "ReviewDialog", "open_review"]
