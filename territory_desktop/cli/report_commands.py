"""`territory-desktop report PLAN.territory -o DIR`: the per-rep and plan-summary PDFs and the workbook."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import load_plan
from territory_desktop.core.plan import Plan

WHAT = ("books", "summary", "workbook")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `report` command."""
    p = sub.add_parser(
        "report", help="write a PDF book per rep, the plan summary PDF and the Excel workbook",
        description="Write the reports a planner hands out into a folder: 'Rep books/<territory> - <rep>.pdf' "
                    "(map, KPIs against peers, workload vs capacity, accounts joining and leaving, the account "
                    "list), 'Plan summary.pdf' and 'Plan workbook.xlsx' (Summary, Territories, Accounts, "
                    "Changes). Files are written only when all of them are done; existing reports of the same "
                    "names are replaced.")
    p.add_argument("plan", help=".territory project (or a .csv/.xlsx export, imported on the fly)")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="folder for the reports (created when its parent exists)")
    p.add_argument("--scenario", metavar="NAME", help="report this scenario of the plan instead of the current one")
    p.add_argument("--only", metavar="LIST",
                   help="comma-separated subset of: books, summary, workbook (default: all three)")
    p.add_argument("--territory", action="append", metavar="NAME",
                   help="write the book of this territory only (repeat for several; default: every territory)")
    p.add_argument("--effective-date", metavar="YYYY-MM-DD",
                   help="effective date of the changes (default: 30 days from today, the usual notice period)")
    p.add_argument("--title", help="plan name on the reports (default: the plan file's name)")
    p.set_defaults(func=cmd_report)


def _what(only: str | None) -> set[str]:
    if not only:
        return set(WHAT)
    chosen = {w.strip().casefold() for w in only.split(",") if w.strip()}
    unknown = sorted(chosen - set(WHAT))
    if unknown or not chosen:
        raise CliError(f"--only {only!r}: choose from {', '.join(WHAT)} (comma separated)")
    return chosen


def _scenario(plan: Plan, name: str, path: str) -> tuple[Plan, str]:
    """The named scenario of the project (a unique prefix will do) and its name, or a CliError that names
    the scenarios the file holds."""
    from territory_desktop.core.scenarios import ScenarioError, ScenarioSet

    scenarios = plan.scenarios
    if not isinstance(scenarios, ScenarioSet):
        raise CliError(f"{path} has no scenarios (it is not a .territory project): leave out --scenario")
    try:
        found = scenarios.scenarios[scenarios.index_of(name)]
    except ScenarioError as exc:
        raise CliError(f"{path}: {exc}") from exc
    return found.plan, found.name


def cmd_report(args: argparse.Namespace) -> int:
    from territory_desktop.io.reports import Cancelled, ReportError, ReportRequest, write_reports

    what = _what(args.only)
    try:
        effective = dt.date.fromisoformat(args.effective_date) if args.effective_date else None
    except ValueError as exc:
        raise CliError(f"--effective-date {args.effective_date!r} is not a date like 2027-01-01") from exc
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise CliError(f"-o {out} is a file: give a folder for the reports")
    if not out.exists() and not out.parent.is_dir():
        raise CliError(f"-o {out}: the folder {out.parent} does not exist")
    plan = load_plan(args.plan)
    title = args.title or Path(args.plan).stem
    if args.scenario:
        plan, name = _scenario(plan, args.scenario, args.plan)
        title = args.title or f"{Path(args.plan).stem} · {name}"
    territories = None
    if args.territory:
        try:
            territories = tuple(plan.territory_index(name) for name in args.territory)
        except KeyError as exc:
            known = ", ".join(plan.territories[int(i)].name for i in plan.active_territories()[:8])
            raise CliError(f"{exc.args[0]} in {args.plan} (territories: {known}"
                           f"{', …' if len(plan.active_territories()) > 8 else ''})") from exc
    request = ReportRequest(rep_books="books" in what, summary="summary" in what, workbook="workbook" in what,
                            territories=territories)
    start = time.perf_counter()
    try:
        files = write_reports(plan, out, request, plan_name=title, effective_date=effective,
                              progress=_progress if sys.stderr.isatty() else None)
    except ReportError as exc:
        raise CliError(str(exc)) from exc
    except (Cancelled, KeyboardInterrupt) as exc:
        raise CliError("interrupted: no report was written") from exc
    if sys.stderr.isatty():
        print(file=sys.stderr)
    books = sum(1 for f in files if f.suffix == ".pdf" and f.parent != out)
    parts = [f"{books:,} rep book{'s' if books != 1 else ''}"] if request.rep_books else []
    parts += [f.name for f in files if f.parent == out]
    print(f"Wrote {', '.join(parts)} to {out} in {time.perf_counter() - start:.1f} s.")
    return 0


def _progress(done: int, total: int, what: str) -> None:
    print(f"\r{min(done * 100 // max(total, 1), 100):3d}%  {what[:60]:<60}", end="", file=sys.stderr, flush=True)
