"""`territory-desktop --smoke-test`: prove an install (above all the frozen app) works end to end, headless.

A frozen build can start and still be broken: a data file PyInstaller did not collect (ZIP centroids, the
sample, the base map), a native library OR-Tools loads lazily, a Qt plugin, a matplotlib backend the map's
SVG/PDF export needs, or a worker process that cannot re-launch the frozen executable. Each of those only
shows when its code path runs, so this runs the product once the way a planner does, in the real main
window offscreen: open the bundled sample, check Qt's collation (the bundle slims ICU's data), move
accounts and undo, let the co-pilot's worker process suggest and accept a suggestion, save and reopen,
export CSV and XLSX, render the map (PNG, SVG, PDF) and the capacity view, and import an Excel export
through the import dialog. One line per step with its time; exit
0 and "smoke test passed", or exit 1 naming the step that broke.

The headless steps come first and Qt is imported only after them, so a broken Qt still reports those.

The steps live in modules by what they drive; this package re-exports what the app and the tests use, so
callers import from `territory_desktop.ui.shell.smoke` alone (`app.py` calls `smoke.main`).

- `harness`: `SmokeFailure`, the `Context` the steps hand on, waiting on the event loop, checking pictures.
- `headless`: the bundled sample imports, its KPIs, OR-Tools' native solvers (no Qt).
- `opening`: the main window opens on the sample; Qt's ICU collation and case mapping.
- `editing`: accounts move and undo; the co-pilot's worker suggests and one suggestion is accepted.
- `files`: save and reopen, CSV/XLSX and change-list exports, an Excel export through the import dialog.
- `rendering`: the map (painted, exported as PNG/SVG/PDF), the capacity view, the whole window as a PNG.
- `runner`: `CHECKS` in their order, running them with one line each, and `main` (the command line).
"""

from territory_desktop.ui.shell.smoke.harness import Context, SmokeFailure, png_size
from territory_desktop.ui.shell.smoke.opening import _same_plan, check_text_services
from territory_desktop.ui.shell.smoke.runner import CHECKS, PASSED, main, run_smoke_test

__all__ = [
    "CHECKS",
    "PASSED",
    "Context",
    "SmokeFailure",
    "_same_plan",
    "check_text_services",
    "main",
    "png_size",
    "run_smoke_test",
]
