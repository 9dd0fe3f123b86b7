"""Interrupting a blocking OR-Tools solve from a watcher thread, for every model the solver runs.

Both the rebalance (CP-SAT neighbourhoods) and the carve (p-median MIP and CP-SAT) hand their solve here, so the
co-pilot's cancel reaches a long model within 50 ms whichever algorithm is working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def run_stoppable(solve: Callable[[], Any], stop: Callable[[], None],
                  should_stop: Callable[[], bool] | None) -> Any:
    """Run a blocking solve while a watcher polls should_stop every 50 ms and interrupts it: cancel stays
    immediate even while OR-Tools works on one long model."""
    if should_stop is None:
        return solve()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if should_stop():
                stop()
                return

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        return solve()
    finally:
        done.set()
        t.join()
