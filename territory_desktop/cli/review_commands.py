"""`territory-desktop review`: the quarterly review of a plan, headless, and the mark that says it was done.

    review PLAN.territory [--scenario NAME] [--json] [--limit N] [--mark -o OUT.territory]

The figures are core/review.py's, the same the window's Quarterly Review dialog shows: edits and moves since the
last review mark, territories that left their band or went over capacity since then (the drift), vacant books,
accounts unassigned or untouched for 90 days, and the CRM refreshes since the mark with how many accounts changed
segment (core/refresh.py). `--mark` records "review done" as the window does (an audit entry the next review
starts from) and writes the plan to -o, never over the file it read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_outputs, load_plan, save_plan

if TYPE_CHECKING:
    from territory_desktop.core.audit import AuditEntry
    from territory_desktop.core.plan import Plan
    from territory_desktop.core.review import Review

ID_LIMIT = 1000
"""Account ids listed per group in --json (the counts are always whole)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("review", help="the quarterly review: what changed since the last review; --mark records it",
                       description="Compare the plan with its last review mark: edits and moves since then, "
                                   "territories that left their band or went over capacity, vacant books, "
                                   "accounts that changed segment in CRM refreshes, accounts unassigned or "
                                   "untouched for 90 days. Without a mark, everything since the plan was made.")
    p.add_argument("plan", help="the .territory project to review")
    p.add_argument("--scenario", metavar="NAME", help="review this scenario of the plan instead of the current one")
    p.add_argument("--json", action="store_true", help="print the review as one JSON object")
    p.add_argument("--limit", type=int, default=10, metavar="N",
                   help="moved accounts listed without --json (default 10; 0: all)")
    p.add_argument("--mark", action="store_true",
                   help="record that the review is done (the next review starts here); needs -o")
    p.add_argument("-o", "--output", help="with --mark: the .territory project to write")
    p.add_argument("--pdf", metavar="FILE.pdf", help="also write the review as a one-page PDF report")
    p.set_defaults(func=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    from territory_desktop.core.review import mark_review_done, review

    if args.mark and not args.output:
        raise CliError("--mark needs -o OUT.territory (where to write the plan with the review mark)")
    if args.output and not args.mark:
        raise CliError("-o is for --mark; a review alone only reads the plan")
    if args.limit < 0:
        raise CliError(f"--limit must be 0 (all) or more, not {args.limit}")
    check_outputs({"plan": args.plan}, {"-o": args.output, "--pdf": args.pdf}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False, scenario=args.scenario)
    found = review(plan)
    if args.pdf:
        _write_pdf(plan, found, args.pdf, plan_name(plan, args.plan))
    if args.mark:
        plan.apply(mark_review_done(plan, found))
        save_plan(plan, args.output)
    if args.json:
        print(json.dumps(review_json(plan, found, args.output if args.mark else None), ensure_ascii=False))
        return 0
    for line in review_lines(plan, found, args.limit, plan_name(plan, args.plan)):
        print(line)
    if args.mark:
        print(f"Marked the review done; the next review starts here. Saved {args.output}.")
    if args.pdf:
        print(f"Wrote the review page to {args.pdf}.")
    return 0


def _write_pdf(plan: Plan, found: Review, path: str, title: str) -> None:
    from pathlib import Path

    from territory_desktop.io.reports.review_page import write_review_pdf

    try:
        write_review_pdf(plan, found, Path(path), title)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _ids(plan: Plan, rows: np.ndarray) -> list[str]:
    return plan.accounts["account_id"].astype(str).iloc[rows[:ID_LIMIT]].tolist()


def _refreshes(found: Review) -> list[AuditEntry]:
    from territory_desktop.core.refresh import refreshes_in
    return refreshes_in(found.edits)


def review_json(plan: Plan, found: Review, marked: str | None) -> dict[str, Any]:
    """`Review.to_dict()` plus the account ids it names, the refreshes since the mark and the mark written."""
    from territory_desktop.core.activity import untouched_mask
    from territory_desktop.core.refresh import segment_changes

    out = found.to_dict()
    refreshes = _refreshes(found)
    out.update({
        "moved_ids": _ids(plan, found.moved_rows),
        "unassigned_ids": _ids(plan, found.unassigned_rows),
        "untouched_ids": _ids(plan, np.flatnonzero(untouched_mask(plan))),
        "refreshes": [{"at": e.at, "by": e.user, "summary": e.reason} for e in refreshes],
        "changed_segment": sum(segment_changes(e) for e in refreshes),
        "lines": found.lines(),
        "marked": None if marked is None else {"output": str(marked)},
    })
    return out


def review_lines(plan: Plan, found: Review, limit: int, title: str) -> list[str]:
    """The review as a person reads it: the summary sentences, then the territories, refreshes and moves."""
    out = [f"Quarterly review of {title}:"]  # the first line says since when
    out += [f"  {line}" for line in found.lines()]
    refreshes = _refreshes(found)
    from territory_desktop.core.review import territory_rows

    rows = territory_rows(found)
    if rows:
        out.append("Territories:")
        out += [f"  {name:<24} {state:<32} {detail}" for name, state, detail in rows]
    if refreshes:
        out.append("CRM refreshes:")
        out += [f"  {e.at[:16].replace('T', ' ')} UTC by {e.user}: {e.reason or e.label}" for e in refreshes]
    moved = found.moved_rows if limit == 0 else found.moved_rows[:limit]
    if len(moved):
        more = len(found.moved_rows) - len(moved)
        out.append("Accounts moved" + (f" (first {len(moved):,} of {len(found.moved_rows):,}; --limit 0 for all)"
                                       if more else "") + ":")
        names = [t.name for t in plan.territories]
        ids = plan.accounts["account_id"].astype(str).to_numpy()
        acc = plan.accounts["name"].astype(str).to_numpy()
        for r in moved.tolist():
            t = int(plan.assignment[r])
            why = str(plan.notes.reason[r]) or "no reason given"
            out.append(f"  {ids[r]}  {acc[r]} -> {names[t] if t >= 0 else '(unassigned)'} ({why})")
    return out


def plan_name(plan: Plan, path: str) -> str:
    """ "book.territory", or "book.territory (scenario 'Draft')" when the file holds several scenarios."""
    name = Path(path).name
    sc = getattr(plan, "scenarios", None)
    every = getattr(sc, "scenarios", ())
    mine = next((s.name for s in every if s.plan is plan), None)
    return f"{name} (scenario {mine!r})" if mine and len(every) > 1 else name
