"""What the UI benchmarks share: timing a call, and the table of medians they print."""

from __future__ import annotations

import time
from collections.abc import Callable

Row = tuple[str, str, float, float | None, int, str]
"""(measure, size, median ms, goal ms or None, repeats, note)."""


def samples(fn: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None) -> list[float]:
    """Wall times in ms; `setup` runs before each repeat, outside the timing."""
    out = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def print_table(rows: list[Row], size_header: str) -> None:
    """One line per measure: its median against its goal ("yes" / "NO"), repeats and a note."""
    width = max(len(r[0]) for r in rows)
    w = max(len(size_header), 4)
    print(f"{'measure':<{width}}  {size_header:>{w}}  {'median ms':>9}  {'goal ms':>7}  {'ok':>3}  {'n':>3}  note")
    for what, size, med, goal, reps_n, note in rows:
        g = f"{goal:>7.0f}" if goal is not None else " " * 7
        ok = ("yes" if med <= goal else "NO") if goal is not None else ""
        print(f"{what:<{width}}  {size:>{w}}  {med:>9.2f}  {g}  {ok:>3}  {reps_n:>3}  {note}")
