"""The main window on a 1M-account project: what a planner does, timed (issue 19: "the window usable with 1M
accounts"). Offscreen, medians of a few runs, each step until the event queue is empty.

    python benchmarks/scale_1m.py --steps import    # once: writes ~/.cache/territory-desktop/bench-1000000/plan.territory
    python benchmarks/ui_1m.py [PLAN.territory] [--repeats 3]

No goal per step is set by the issue; the table is read against what a planner waits for without noticing
(~0.1 s) and what still feels like a click (~0.5 s). Drops go onto the territories panel as a real drag does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TERRITORY_DESKTOP_DATA_DIR", tempfile.mkdtemp(prefix="territory-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from ui_window import drop  # noqa: E402

from territory_desktop.io.project.project_file import open_project  # noqa: E402
from territory_desktop.ui.shell.main_window import MainWindow  # noqa: E402
from territory_desktop.ui.shell.startup import ensure_app  # noqa: E402

DEFAULT_PLAN = Path.home() / ".cache" / "territory-desktop" / "bench-1000000" / "plan.territory"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plan", nargs="?", type=Path, default=DEFAULT_PLAN)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    if not args.plan.exists():
        raise SystemExit(f"{args.plan} does not exist: run benchmarks/scale_1m.py --steps import first")
    app = ensure_app(offscreen=True)
    rows: list[tuple[str, float]] = []
    t = time.perf_counter()
    plan = open_project(args.plan)
    rows.append(("open the project (open_project)", time.perf_counter() - t))
    t = time.perf_counter()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(plan, settings=settings, restore_state=False, start_journal=False)
    w.resize(1920, 1080)
    w.arrange_default_layout()
    w.show()
    app.processEvents()
    rows.append(("build and show the window", time.perf_counter() - t))

    def timed(label: str, step: Callable[[int], object]) -> None:
        times = []
        for i in range(args.repeats):
            t0 = time.perf_counter()
            step(i)
            app.processEvents()
            times.append(time.perf_counter() - t0)
        rows.append((label, statistics.median(times)))

    m, v = w.account_panel.model, w.account_panel.view
    col = [c.key for c in m.columns].index
    flip = lambda i: Qt.SortOrder.DescendingOrder if i % 2 else Qt.SortOrder.AscendingOrder  # noqa: E731
    timed("sort the account table by potential", lambda i: v.sortByColumn(col("potential"), flip(i)))
    timed("sort the account table by name", lambda i: v.sortByColumn(col("name"), flip(i)))
    timed("search the accounts (after the typing pause)", lambda i: m.set_search(["acme", "", "bakery"][i % 3]))
    terr = plan.active_territories()
    rng = np.random.default_rng(3)

    def lasso(i: int) -> None:
        picked = np.flatnonzero(np.isin(plan.assignment, terr[[3 * i, 3 * i + 1]]))[:1000]
        drop(w, picked, int(terr[3 * i + 2]))

    timed("drop 1,000 accounts of 2 territories into a 3rd", lasso)
    timed("drop 1,000 accounts from all over the plan",
          lambda i: drop(w, np.sort(rng.choice(plan.n_accounts, 1000, replace=False)), int(terr[i])))
    timed("undo the last drop", lambda i: w.doc.controller.stack.undo())
    pv = w.territory_panel.view
    timed("sort the territories panel by a deviation", lambda i: pv.sortByColumn(5, flip(i)))
    w.ask = lambda *_: 0
    w.doc.controller.stack.setClean()
    w.close()
    width = max(len(r[0]) for r in rows)
    print(f"{plan.n_accounts:,} accounts, {len(terr):,} territories; median of {args.repeats} (open and window: one)")
    print(f"{'step':<{width}}  {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
