"""Headless commands (no Qt): `territory-desktop import|info|move|export|recover|solve|solve-points`, and
`capacity`.

Each command module registers its sub-parsers and handlers; `main` turns every expected failure (a bad file, an
unknown territory, an infeasible setting) into one clear line on stderr and exit code 2, never a traceback.
Any text prints: stdout and stderr are first set to write what their encoding cannot hold (a "Δ" or "≥" into a
Windows code page, a file name that is not UTF-8) as an escape instead of failing (`printable_streams`).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import os
import sys

from territory_desktop.cli import (
    adjacency_commands,
    capacity_commands,
    plan_commands,
    refresh_commands,
    report_commands,
    review_commands,
    rules_commands,
    scenario_commands,
    solve_commands,
)
from territory_desktop.cli.errors import CliError

COMMANDS = ("import", "info", "move", "export", "recover", "solve", "solve-points", "capacity", "scenario",
            "compare", "report", "refresh", "route", "rules", "review", "adjacency")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="territory-desktop",
        description="Carve, balance and maintain sales territories. Without a command the window opens "
                    "(on the bundled sample plan when no file is given).",
        epilog="Window: `territory-desktop [FILE]` opens a .territory project or imports a .csv/.xlsx export; "
               "`territory-desktop screenshot [FILE] -o WINDOW.png [--size 1920x1080] [--no-copilot]` renders "
               "the window offscreen; `territory-desktop --smoke-test` checks an installation.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    plan_commands.register(sub)
    solve_commands.register(sub)
    capacity_commands.register(sub)
    scenario_commands.register(sub)
    report_commands.register(sub)
    refresh_commands.register(sub)
    rules_commands.register(sub)
    review_commands.register(sub)
    adjacency_commands.register(sub)
    return p


FILE_ARGS = ("accounts", "reps", "mapping", "plan", "points", "territories", "distance_matrix")


PRINT_ERRORS = "territory_desktop_print"
"""Encoding errors of the CLI's output: an undecodable file-name byte (a lone surrogate from `os.fsdecode`)
is written back as that byte, as the name appears in `ls`; any other character the encoding lacks as a
backslash escape ("\\u0394"), which also keeps JSON output valid and lossless."""


def _print_anything(exc: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    if all(0xDC80 <= ord(ch) <= 0xDCFF for ch in bad):
        return bytes(ord(ch) - 0xDC00 for ch in bad), exc.end
    return codecs.backslashreplace_errors(exc)


codecs.register_error(PRINT_ERRORS, _print_anything)


def printable_streams() -> None:
    """Let stdout and stderr take any text: `PYTHONIOENCODING=cp1252 ... > out.txt` printed 'Δ' as a traceback
    (after `import` had saved the plan). Streams that cannot be reconfigured (a test's capture) are left."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) == PRINT_ERRORS:
            continue
        with contextlib.suppress(ValueError, OSError, TypeError):  # closed, or a stream of its own kind
            reconfigure(errors=PRINT_ERRORS)


def main(argv: list[str]) -> int:
    printable_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it would print a traceback
        return code
    except CliError as exc:
        print(f"territory-desktop {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head -1`: the reader has gone, nothing more to say
        _silence_stdout()
        return 1
    except (RecursionError, MemoryError, OverflowError) as exc:
        why = {RecursionError: "it is nested too deeply", MemoryError: "it does not fit in memory",
               OverflowError: "it holds a number too large"}[type(exc)]
        files = [str(v) for k in FILE_ARGS if isinstance(v := getattr(args, k, None), str)]
        print(f"territory-desktop {args.command}: cannot process {', '.join(files) or 'the input'}: {why}.",
              file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout already replaced (tests) or closed
        pass
