"""`territory-desktop refresh`, `route` and `rules`: keep a plan alive from newer CRM exports and routing rules.

    refresh PLAN.territory NEW_EXPORT [--reps REPS] -o OUT.territory [--report CHANGES.csv] [--json]
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
    p = sub.add_parser("refresh", help="take in a newer CRM export: new, gone and changed accounts",
                       description="Match the accounts of a newer CRM export by id, take in their new attributes "
                                   "(territories stay), add the new accounts and route them by the territories' "
                                   "rules, drop the ones gone from the CRM (kept in the change list).")
    p.add_argument("plan", help="the .territory project to refresh")
    p.add_argument("export", help="the newer CRM export (.csv or .xlsx)")
    p.add_argument("--reps", help="reps file of the export (only used to read the export as the import would)")
    p.add_argument("-o", "--output", required=True, help="the refreshed .territory project to write")
    p.add_argument("--report", help="write the differences, account by account, to this CSV")
    p.add_argument("--json", action="store_true", help="print the differences as one JSON object")
    p.add_argument("--no-route", action="store_true", help="leave new accounts unassigned")
    p.set_defaults(func=cmd_refresh)

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


def _ids(plan_or_frame: pd.DataFrame, rows: np.ndarray, limit: int = 1000) -> list[str]:
    return plan_or_frame["account_id"].astype(str).iloc[rows[:limit]].tolist()


def cmd_refresh(args: argparse.Namespace) -> int:
    from territory_desktop.core.refresh import diff_accounts, refresh_edit
    from territory_desktop.io.importing.importer import ImportFailed, import_plan

    check_input(args.export, "export")
    check_input(args.reps, "reps file")
    check_outputs({"plan": args.plan, "export": args.export, "reps file": args.reps},
                  {"-o": args.output, "--report": args.report}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    s = plan.settings
    try:
        fresh = import_plan(args.export, args.reps, segment_rules=s.segment_rules, potential_model=s.potential_model,
                            score_model=s.score_model)
    except ImportFailed as exc:
        raise CliError(str(exc)) from exc
    new = fresh.plan.accounts
    try:
        diff = diff_accounts(plan, new)
    except ValueError as exc:
        raise CliError(f"{args.export}: {exc}") from exc
    before = plan.accounts
    plan.apply(refresh_edit(plan, new, diff, fresh.plan.source))
    routed = _route(plan) if not args.no_route else None
    save_plan(plan, args.output)
    if args.report:
        _write_report(Path(args.report), before, new, diff, plan, routed)
    summary = {
        "new": {"count": len(diff.new_rows), "ids": _ids(new, diff.new_rows)},
        "removed": {"count": len(diff.removed_rows), "ids": _ids(before, diff.removed_rows)},
        "changed": {k: {"count": len(v), "ids": _ids(before, v)} for k, v in diff.changed.items()},
        "review": {k: {"count": len(v), "ids": _ids(before, v)} for k, v in diff.review.items()},
        "routed": {"count": 0 if routed is None else len(routed.rows),
                   "ids": [] if routed is None else _ids(plan.accounts, routed.rows)},
        "unrouted": {"count": 0 if routed is None else len(routed.unrouted),
                     "ids": [] if routed is None else _ids(plan.accounts, routed.unrouted),
                     "reasons": [] if routed is None else routed.unrouted_reasons[:1000]},
        "output": str(args.output),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"Refreshed {args.plan} from {args.export}: " + "; ".join(diff.summary()) + ".")
        if routed is not None:
            print(f"Routed {len(routed.rows):,} account(s); {len(routed.unrouted):,} left unassigned.")
        print(f"Saved {args.output}.")
    return 0


def _route(plan):  # noqa: ANN001, ANN202 — Plan -> Routing
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


def _write_report(path: Path, before: pd.DataFrame, new: pd.DataFrame, diff, plan, routed) -> None:  # noqa: ANN001
    """One row per difference: account, what changed, old and new value, and where a new account went."""
    rows = []
    old_pos = {int(o): int(n) for o, n in zip(diff.matched_old.tolist(), diff.matched_new.tolist(), strict=True)}
    col = {"location": "zip"}
    for kind, which in diff.changed.items():
        c = col.get(kind, kind)
        for r in which.tolist():
            rows.append({"account_id": before["account_id"].iat[r], "name": before["name"].iat[r], "change": kind,
                         "old": before[c].iat[r], "new": new[c].iat[old_pos[r]], "territory": "", "reason": ""})
    for kind, which in diff.review.items():
        for r in which.tolist():
            rows.append({"account_id": before["account_id"].iat[r], "name": before["name"].iat[r],
                         "change": f"review: {kind}", "old": "", "new": "", "territory": "", "reason": ""})
    for r in diff.removed_rows.tolist():
        rows.append({"account_id": before["account_id"].iat[r], "name": before["name"].iat[r], "change": "removed",
                     "old": "", "new": "", "territory": "", "reason": "gone from the CRM export"})
    where = routed.reason_of() if routed is not None else {}
    pos = pd.Index(plan.accounts["account_id"].astype(str))
    for i in diff.new_rows.tolist():
        aid = str(new["account_id"].iat[i])
        r = int(pos.get_loc(aid))
        t = int(plan.assignment[r])
        rows.append({"account_id": aid, "name": new["name"].iat[i], "change": "new", "old": "", "new": "",
                     "territory": plan.territories[t].name if t >= 0 else "", "reason": where.get(r, "")})
    df = pd.DataFrame(rows, columns=["account_id", "name", "change", "old", "new", "territory", "reason"])
    try:
        neutralise_formulas(df).to_csv(path, index=False)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas get the export's leading apostrophe."""
    from territory_desktop.io.export import neutralise
    return df.apply(lambda col: col.map(lambda v: neutralise(v) if isinstance(v, str) else v))


def cmd_route(args: argparse.Namespace) -> int:
    check_outputs({"plan": args.plan}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    routed = _route(plan)
    save_plan(plan, args.output)
    if args.json:
        print(json.dumps({"routed": {"count": len(routed.rows), "ids": _ids(plan.accounts, routed.rows)},
                          "unrouted": {"count": len(routed.unrouted), "ids": _ids(plan.accounts, routed.unrouted),
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
