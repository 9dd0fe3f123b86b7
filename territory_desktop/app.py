"""Start-up: route headless commands to the CLI, `screenshot` and everything else to the window.

`multiprocessing.freeze_support()` runs first so the solver's worker process can start inside the frozen
(PyInstaller) app. Qt is imported only on the window's path, so headless commands start fast; the CLI's
modules are imported only when the first argument may be a command (a file name never is one), so opening
the window does not pay for them.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
from pathlib import Path


def _screenshot(args: list[str]) -> int:
    p = argparse.ArgumentParser(prog="territory-desktop screenshot",
                                description="Render the main window offscreen to a PNG.")
    p.add_argument("plan", nargs="?", help=".territory, .csv or .xlsx (default: the bundled sample)")
    p.add_argument("-o", "--output", required=True, help="PNG file to write")
    p.add_argument("--size", default="1920x1080", help="window size WIDTHxHEIGHT (default 1920x1080)")
    p.add_argument("--no-copilot", action="store_true",
                   help="leave the co-pilot out (by default the picture waits up to 10 s for its suggestions)")
    ns = p.parse_args(args)
    try:
        w, h = (int(v) for v in ns.size.lower().split("x"))
    except ValueError:
        p.error(f"--size {ns.size!r} is not like 1920x1080")
    from territory_desktop.ui.shell.startup import render_screenshot

    try:
        render_screenshot(ns.plan, ns.output, (w, h), 0.0 if ns.no_copilot else 10.0)
    except SystemExit as exc:  # a file that cannot be read or written: one line, exit 2 like every command
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return 2
        raise
    print(f"Wrote {ns.output} ({w}×{h}).")
    return 0


def _keep_font_cache() -> None:
    """In the frozen app, give matplotlib a lasting cache folder for its font list.

    PyInstaller's matplotlib hook points MPLCONFIGDIR at a new temporary folder on every start (a one-file
    app unpacks to a new path each time), so matplotlib scanned every font of the system again before the
    window showed: 0.6 s with 130 fonts, more on a desktop with many. A one-folder app's paths do not
    change, and matplotlib rebuilds the list itself when a cached font file has gone. The cache lives in the
    user's cache folder, or under TERRITORY_DESKTOP_DATA_DIR when that is set (tests, portable installs)."""
    if not getattr(sys, "frozen", False):
        return
    from territory_desktop.io.project.paths import APP_NAME, DATA_DIR_ENV

    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        base = Path(override) / "cache"
    else:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir(APP_NAME, appauthor=False))
    os.environ["MPLCONFIGDIR"] = str(base / "matplotlib")


def _may_be_command(arg: str) -> bool:
    """False for an argument that names a file (it has a suffix: plan.territory, accounts.csv); commands and
    options never contain a dot."""
    return not Path(arg).suffix


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    _keep_font_cache()  # before anything imports matplotlib (the window's charts, the CLI's reports)
    if args and args[0] == "screenshot":
        gc.disable()  # as for the window, below
        return _screenshot(args[1:])
    if args and args[0] == "--smoke-test":
        from territory_desktop.ui.shell import smoke

        return smoke.main(args[1:])
    if args and _may_be_command(args[0]):
        from territory_desktop import cli

        if args[0] in cli.COMMANDS or args[0] in ("-h", "--help"):
            return cli.main(args)
    # Importing numpy, pandas, Qt and matplotlib and building the plan allocate millions of objects that all
    # live on: the cycle collector's passes over them were ~0.15 s of the start (8%, measured A/B).
    # startup.run_gui turns it back on, the start-up's objects frozen out of it, once the window is up.
    gc.disable()
    from territory_desktop.ui.shell.startup import run_gui

    return run_gui(args)
