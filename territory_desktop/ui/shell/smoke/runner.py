"""The smoke test's runner: `CHECKS`, every step in the order each needs the ones before (headless first, so
a broken Qt still reports those), run in a temporary folder that leaves no trace; one line per step with
its time, then "smoke test passed" (exit 0) or "FAILED <step>: <why>" at the first failure (exit 1).
`main` is the command line `app.py` hands `--smoke-test` to.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from territory_desktop.ui.shell.smoke.editing import check_copilot, check_move_undo
from territory_desktop.ui.shell.smoke.files import check_exports, check_save_reopen, check_xlsx_import
from territory_desktop.ui.shell.smoke.harness import Context, SmokeFailure
from territory_desktop.ui.shell.smoke.headless import check_kpis, check_ortools, check_sample
from territory_desktop.ui.shell.smoke.opening import check_text_services, check_window_opens
from territory_desktop.ui.shell.smoke.rendering import check_capacity, check_map, check_window_png

PASSED = "smoke test passed"

CHECKS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("bundled sample imports", check_sample),
    ("KPIs match a full recompute", check_kpis),
    ("OR-Tools native solvers load", check_ortools),
    ("main window opens the sample", check_window_opens),
    ("Qt collation and case mapping work", check_text_services),
    ("accounts move and undo", check_move_undo),
    ("co-pilot suggests, one is accepted", check_copilot),
    ("plan saves and reopens", check_save_reopen),
    ("assignments export as CSV and XLSX", check_exports),
    ("map renders and exports", check_map),
    ("capacity view renders", check_capacity),
    ("main window renders offscreen", check_window_png),
    ("an Excel export imports", check_xlsx_import),
)


def run_smoke_test(keep: Path | None = None, echo: Callable[[str], None] = print) -> bool:
    """Run every step in order (each needs the ones before); stop at the first failure. True if all pass."""
    key = "TERRITORY_DESKTOP_DATA_DIR"
    previous = os.environ.get(key)
    with tempfile.TemporaryDirectory(prefix="territory-smoke-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # Window settings and recovery journals go to the temp folder: a smoke test leaves no trace, and
        # the variable is restored afterwards so nothing points at the deleted folder.
        if previous is None:
            os.environ[key] = str(Path(tmp) / "data")
        ctx = Context(folder)
        try:
            return _run_checks(ctx, echo)
        finally:
            ctx.close()
            if previous is None:
                os.environ.pop(key, None)


def _run_checks(ctx: Context, echo: Callable[[str], None]) -> bool:
    for name, check in CHECKS:
        t0 = time.perf_counter()
        try:
            detail = check(ctx)
        except SmokeFailure as exc:
            echo(f"FAILED {name}: {exc}")
            return False
        except Exception as exc:  # the point is to say which step broke and how, never to crash
            echo(f"FAILED {name}: {type(exc).__name__}: {exc}")
            traceback.print_exc(file=sys.stderr)
            return False
        echo(f"ok     {name} ({detail}; {time.perf_counter() - t0:.1f} s)")
    echo(PASSED)
    return True


def main(argv: list[str] | None = None) -> int:
    """`territory-desktop --smoke-test [--keep FOLDER]`: exit 0 when every step passes, 1 otherwise."""
    ap = argparse.ArgumentParser(prog="territory-desktop --smoke-test",
                                 description="Check headless that this install opens, edits, solves, saves, "
                                             "exports, draws and imports, in the real window offscreen.")
    ap.add_argument("--keep", type=Path, help="write the plan, exports and pictures here instead of a temp folder")
    ns = ap.parse_args(argv)
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    from territory_desktop import __version__

    print(f"Territory Desktop {__version__} smoke test ({frozen}, Python {sys.version.split()[0]}, "
          f"{sys.platform})", flush=True)
    t0 = time.perf_counter()
    ok = run_smoke_test(ns.keep, lambda line: print(line, flush=True))
    print(f"total {time.perf_counter() - t0:.1f} s", flush=True)
    return 0 if ok else 1
