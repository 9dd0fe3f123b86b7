"""Headless commands: import, info, move, export, recover, solve. No Qt here."""

from __future__ import annotations

import argparse

COMMANDS = ("import", "info", "move", "export", "recover", "solve", "solve-points")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="territory-desktop", description=__doc__)
    sub = p.add_subparsers(dest="command")
    sub.add_parser("info", help="print the KPI table of a plan")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    print(f"territory-desktop: {args.command} is not available yet")
    return 0
