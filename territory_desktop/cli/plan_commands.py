"""`import`, `info`, `move`, `export`, `recover`: the plan's life cycle without a window."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the plan commands to the CLI."""
