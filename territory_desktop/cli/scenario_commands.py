"""`territory-desktop scenario list|copy|rename|delete` and `compare`: named scenarios in one project file."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `scenario` and `compare` commands (being built: issue 16)."""
