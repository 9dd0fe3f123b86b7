"""`territory-desktop report PLAN.territory -o DIR`: the per-rep and plan-summary PDFs and the workbook."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `report` command (being built: issue 16)."""
