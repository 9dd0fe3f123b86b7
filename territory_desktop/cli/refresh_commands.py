"""`territory-desktop refresh`: take in a newer CRM export (new, gone and changed accounts), then route.

    refresh PLAN.territory NEW_EXPORT [--reps REPS] -o OUT.territory [--report CHANGES.csv] [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs, load_plan, save_plan
from territory_desktop.cli.rules_commands import ids, neutralise_formulas, route_plan


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
    routed = route_plan(plan) if not args.no_route else None
    save_plan(plan, args.output)
    if args.report:
        _write_report(Path(args.report), before, new, diff, plan, routed)
    summary = {
        "new": {"count": len(diff.new_rows), "ids": ids(new, diff.new_rows)},
        "removed": {"count": len(diff.removed_rows), "ids": ids(before, diff.removed_rows)},
        "changed": {k: {"count": len(v), "ids": ids(before, v)} for k, v in diff.changed.items()},
        "review": {k: {"count": len(v), "ids": ids(before, v)} for k, v in diff.review.items()},
        "routed": {"count": 0 if routed is None else len(routed.rows),
                   "ids": [] if routed is None else ids(plan.accounts, routed.rows)},
        "unrouted": {"count": 0 if routed is None else len(routed.unrouted),
                     "ids": [] if routed is None else ids(plan.accounts, routed.unrouted),
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
