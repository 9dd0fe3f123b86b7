"""`territory-desktop route` and `rules`: assign unassigned accounts by the territories' rules; rules as CSV.

    route PLAN.territory -o OUT.territory [--json]
    rules PLAN.territory --export RULES.csv | --load RULES.csv -o OUT.territory

A routed account's reason ("Rule of West: state in CA", "Named account of Strategic", "No rule matched: nearest
eligible rep with room (…)") is the move's reason, so it reaches the change list and the audit trail.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs, load_plan, save_plan
from territory_desktop.core.wording import counted

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan
    from territory_desktop.core.routing import Routing


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    r = sub.add_parser("route", help="assign every unassigned account by the territories' rules",
                       description="Named accounts first, then the most specific territory rule, then the nearest "
                                   "eligible rep with capacity headroom; each routed account says which rule sent "
                                   "it. Locked accounts stay unassigned.")
    r.add_argument("plan")
    r.add_argument("-o", "--output", required=True, help="the routed .territory project to write")
    r.add_argument("--json", action="store_true",
                   help="print routed accounts (id, territory, reason), unrouted ones, overlaps and gaps as JSON")
    r.set_defaults(func=cmd_route)

    q = sub.add_parser("rules", help="export or load the territories' routing rules as a CRM-ready CSV",
                       description="Columns territory, field, operator, value (values comma-separated). Fields: "
                                   "state, zip_prefix, zip, county, city, country, segment, industry, account_id "
                                   "(named accounts); operators: in, not in.")
    q.add_argument("plan")
    g = q.add_mutually_exclusive_group(required=True)
    g.add_argument("--export", metavar="RULES.csv", help="write the rules")
    g.add_argument("--load", metavar="RULES.csv", help="replace the rules of the territories the file names")
    q.add_argument("-o", "--output", help="with --load: the .territory project to write")
    q.set_defaults(func=cmd_rules)


def ids(plan_or_frame: pd.DataFrame, rows: np.ndarray, limit: int = 1000) -> list[str]:
    return plan_or_frame["account_id"].astype(str).iloc[rows[:limit]].tolist()


def route_plan(plan: Plan, rows: np.ndarray | None = None) -> Routing:
    """Route every unassigned account (or only `rows`) by the rules and apply it as one move (reasons per
    account)."""
    from territory_desktop.core.plan import EditRefused
    from territory_desktop.core.routing import RuleError, route, route_move

    try:
        routed = route(plan) if rows is None else route(plan, rows=np.asarray(rows, dtype=np.int64))
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    edit = route_move(routed)
    if edit is not None:
        try:
            plan.apply(edit)
        except EditRefused as exc:  # routing skips locks and ineligible territories; this is a safety net
            raise CliError(f"routing was refused: {exc}") from exc
    return routed


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas get the export's leading apostrophe."""
    from territory_desktop.io.export import neutralise
    return df.apply(lambda col: col.map(lambda v: neutralise(v) if isinstance(v, str) else v))


def _report_json(plan: Plan) -> dict[str, object]:
    from territory_desktop.core.routing import rule_report

    rep = rule_report(plan)
    return {"overlaps": [{"territories": [plan.territories[a].name, plan.territories[b].name],
                          "count": len(rows), "ids": ids(plan.accounts, rows)} for a, b, rows in rep.overlaps],
            "gaps": {"count": len(rep.gaps), "ids": ids(plan.accounts, rep.gaps)},
            "words": rep.words(plan)}


def cmd_route(args: argparse.Namespace) -> int:
    from territory_desktop.core.routing import RuleError

    check_outputs({"plan": args.plan}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    routed = route_plan(plan)
    save_plan(plan, args.output)
    try:
        report = _report_json(plan)
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    counts = routed.counts()
    if args.json:
        names = [plan.territories[int(t)].name for t in routed.targets[:1000].tolist()]
        print(json.dumps({
            "routed": {"count": len(routed.rows), "ids": ids(plan.accounts, routed.rows),
                       "by": {k: counts[k] for k in ("named", "rule", "nearest")},
                       "accounts": [{"account_id": a, "territory": t, "reason": why, "how": how}
                                    for a, t, why, how in zip(ids(plan.accounts, routed.rows), names,
                                                              routed.reasons[:1000], routed.how[:1000],
                                                              strict=True)]},
            "unrouted": {"count": len(routed.unrouted), "ids": ids(plan.accounts, routed.unrouted),
                         "reasons": routed.unrouted_reasons[:1000]},
            **report, "output": str(args.output)}))
    else:
        print(f"Routed {counted(len(routed.rows), 'account')}: {counts['named']:,} named, "
              f"{counts['rule']:,} by a rule, {counts['nearest']:,} to the nearest rep with room; "
              f"{len(routed.unrouted):,} left unassigned. "
              f"Saved {args.output}.")
        for line in report["words"]:  # type: ignore[attr-defined]
            print(f"  {line}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from territory_desktop.core.edits import Batch, UpdateTerritory
    from territory_desktop.core.routing import (
        RuleError,
        read_rules_table,
        rule_report,
        rules_frame,
        rules_from_frame,
    )

    if args.export:
        if args.output:
            raise CliError("-o is for --load; --export writes only the rules CSV")
        check_outputs({"plan": args.plan}, {"--export": args.export})
        plan = load_plan(args.plan, allow_import=False)
        try:
            frame = rules_frame(plan)
            neutralise_formulas(frame).to_csv(args.export, index=False)
        except RuleError as exc:
            raise CliError(str(exc)) from exc
        except OSError as exc:
            raise CliError(f"cannot write {args.export}: {exc.strerror or exc}") from exc
        print(f"Wrote {counted(len(frame), 'rule row')} of {args.plan} to {args.export}.")
        return 0
    if not args.output:
        raise CliError("--load needs -o OUT.territory (where to write the plan with the new rules)")
    check_input(args.load, "rules file")
    check_outputs({"plan": args.plan, "rules file": args.load}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    try:
        rules = rules_from_frame(plan, read_rules_table(args.load), Path(args.load).name)
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    if rules:
        plan.apply(Batch([UpdateTerritory(t, {"rules": crit}) for t, crit in rules.items()],
                         "Load routing rules"))
    save_plan(plan, args.output)
    print(f"Loaded rules for {len(rules)} territor{'y' if len(rules) == 1 else 'ies'}; saved {args.output}.")
    for line in rule_report(plan).words(plan):
        print(f"  {line}")
    return 0
