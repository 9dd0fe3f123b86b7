"""`territory-desktop refresh` and `route`: keep a plan alive from newer CRM exports and routing rules."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `refresh` and `route` commands (being built: issue 17)."""
