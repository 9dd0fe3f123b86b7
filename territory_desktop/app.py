"""Start-up: route headless commands to the CLI, `screenshot` and everything else to the window.

`multiprocessing.freeze_support()` runs first so the solver's worker process can start inside the frozen
(PyInstaller) app. Qt is imported only on the window's path, so headless commands start fast.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys

from territory_desktop import cli


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


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in cli.COMMANDS or args[0] in ("-h", "--help")):
        return cli.main(args)
    if args and args[0] == "screenshot":
        return _screenshot(args[1:])
    if args and args[0] == "--smoke-test":
        from territory_desktop.ui.shell import smoke

        return smoke.main(args[1:])
    from territory_desktop.ui.shell.startup import run_gui

    return run_gui(args)
