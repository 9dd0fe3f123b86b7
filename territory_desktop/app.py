"""Start-up: route headless commands to the CLI, everything else to the window.

`multiprocessing.freeze_support()` must run first so the solver's worker process can start inside the frozen
(PyInstaller) app.
"""

from __future__ import annotations

import multiprocessing
import sys

from territory_desktop import cli


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in cli.COMMANDS:
        return cli.main(args)
    if args and args[0] in ("-h", "--help"):
        return cli.main(args)
    from territory_desktop.cli import build_parser
    build_parser().print_help()
    return 0
