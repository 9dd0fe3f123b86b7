"""`territory-desktop route` and `rules`: assign unassigned accounts by the territories' rules; rules as CSV.

    route PLAN.territory -o OUT.territory [--json]
    rules PLAN.territory --export RULES.csv | --load RULES.csv -o OUT.territory
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs, load_plan, save_plan


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    r = sub.add_parser("route", help="assign every unassigned account by the territories' rules",
                       description="Named accounts first, then the most specific territory rule, then the nearest "
                                   "eligible rep with capacity headroom; each routed account says which rule sent "
                                   "it.")
    r.add_argument("plan")
    r.add_argument("-o", "--output", required=True, help="the routed .territory project to write")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_route)

    q = sub.add_parser("rules", help="export or load the territories' routing rules as a CRM-ready CSV",
                       description="Columns territory, field, operator, value (values comma-separated).")
    q.add_argument("plan")
    g = q.add_mutually_exclusive_group(required=True)
    g.add_argument("--export", metavar="RULES.csv", help="write the rules")
    g.add_argument("--load", metavar="RULES.csv", help="replace the rules of the territories the file names")
    q.add_argument("-o", "--output", help="with --load: the .territory project to write")
    q.set_defaults(func=cmd_rules)


def ids(plan_or_frame: pd.DataFrame, rows: np.ndarray, limit: int = 1000) -> list[str]:
    return plan_or_frame["account_id"].astype(str).iloc[rows[:limit]].tolist()


def route_plan(plan):  # noqa: ANN001, ANN201 — Plan -> Routing
    """Route every unassigned account by the rules and apply it as one undoable move."""
    from territory_desktop.core.edits import MoveAccounts
    from territory_desktop.core.routing import RuleError, route

    try:
        routed = route(plan)
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    if len(routed.rows):
        plan.apply(MoveAccounts(routed.rows, routed.targets.astype(np.int32),
                                f"Route {len(routed.rows):,} account(s) by the territory rules"))
    return routed


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas get the export's leading apostrophe."""
    from territory_desktop.io.export import neutralise
    return df.apply(lambda col: col.map(lambda v: neutralise(v) if isinstance(v, str) else v))


def cmd_route(args: argparse.Namespace) -> int:
    check_outputs({"plan": args.plan}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    routed = route_plan(plan)
    save_plan(plan, args.output)
    if args.json:
        print(json.dumps({"routed": {"count": len(routed.rows), "ids": ids(plan.accounts, routed.rows)},
                          "unrouted": {"count": len(routed.unrouted), "ids": ids(plan.accounts, routed.unrouted),
                                       "reasons": routed.unrouted_reasons[:1000]}}))
    else:
        print(f"Routed {len(routed.rows):,} account(s); {len(routed.unrouted):,} left unassigned. "
              f"Saved {args.output}.")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from territory_desktop.core.edits import UpdateTerritory
    from territory_desktop.core.routing import RuleError, rule_report, rules_frame, rules_from_frame

    if args.export:
        check_outputs({"plan": args.plan}, {"--export": args.export})
        plan = load_plan(args.plan, allow_import=False)
        try:
            neutralise_formulas(rules_frame(plan)).to_csv(args.export, index=False)
        except (RuleError, OSError) as exc:
            raise CliError(str(exc)) from exc
        print(f"Wrote the rules of {args.plan} to {args.export}.")
        return 0
    if not args.output:
        raise CliError("--load needs -o OUT.territory (where to write the plan with the new rules)")
    check_input(args.load, "rules file")
    check_outputs({"plan": args.plan, "rules file": args.load}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    try:
        df = pd.read_csv(args.load, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise CliError(f"rules file not found: {args.load}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise CliError(f"{args.load}: not a readable CSV ({exc})") from exc
    try:
        rules = rules_from_frame(plan, df, Path(args.load).name)
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    for t, crit in rules.items():
        plan.apply(UpdateTerritory(t, {"rules": crit}, "Load routing rules"))
    save_plan(plan, args.output)
    print(f"Loaded rules for {len(rules)} territor{'y' if len(rules) == 1 else 'ies'}; saved {args.output}.")
    for line in rule_report(plan).words(plan):
        print(f"  {line}")
    return 0
