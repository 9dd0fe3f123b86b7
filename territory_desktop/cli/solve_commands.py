"""`solve` and `solve-points`: the co-pilot's solver, headless, for scripting and benchmarks."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the solver commands to the CLI."""
