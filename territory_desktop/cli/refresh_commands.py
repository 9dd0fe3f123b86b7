"""`territory-desktop refresh`: take in a newer CRM export (new, gone and changed accounts), then route.

    refresh PLAN.territory NEW_EXPORT [--reps REPS] -o OUT.territory [--report CHANGES.csv] [--json]
            [--no-route] [--skip-bad-rows]

Headless there is no preview before the refresh is applied, so what would silently lose accounts is refused: an
export without an account id column (matched by name, every account would look new and gone), one whose ids
match none of the plan's (another CRM), and rows the import rejects (an account on such a row would look gone;
`--skip-bad-rows` takes that risk knowingly). The window's File -> Refresh shows the same facts in its preview.
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
from territory_desktop.cli.rules_commands import ids, neutralise_formulas, route_plan
from territory_desktop.core.wording import agree, counted

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan
    from territory_desktop.core.refresh import RefreshDiff
    from territory_desktop.core.routing import Routing


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
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="refresh even when the import rejects rows of the export (an account of the plan on a "
                        "rejected row then counts as gone from the CRM)")
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
    _check_ids(plan, fresh.mapping, new, Path(args.export).name)
    bad = fresh.errors  # a blank line or a report footer is a note, not an error: it loses nothing
    if bad and not args.skip_bad_rows:
        more = f" (and {len(bad) - 1:,} more rejected {agree(len(bad) - 1, 'row')})" if len(bad) > 1 else ""
        raise CliError(f"{bad[0]}{more}: an account of the plan on a rejected row would count as gone from the "
                       "CRM; fix the export, or pass --skip-bad-rows to refresh without those rows")
    try:
        diff = diff_accounts(plan, new)
    except ValueError as exc:
        raise CliError(f"{args.export}: {exc}") from exc
    if len(diff.matched_old) == 0 and plan.n_accounts and len(new):
        raise CliError(f"none of the {len(new):,} accounts in {Path(args.export).name} has an account id of the "
                       f"plan ({plan.n_accounts:,} accounts, e.g. {plan.accounts['account_id'].iat[0]!r}): is it "
                       "an export of the same CRM? Import it as a new plan instead")
    before, before_terr = plan.accounts, _territory_names(plan, plan.assignment)
    plan.apply(refresh_edit(plan, new, diff, fresh.plan.source))
    # the new accounts only, as the window's refresh does (accounts unassigned before stay for `route`)
    routed = route_plan(plan, diff.new_rows) if not args.no_route else None
    locked = _lock_new_accounts(plan, diff.new_rows)
    save_plan(plan, args.output)
    if args.report:
        _write_report(Path(args.report), before, before_terr, new, diff, plan, routed, locked)
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
        "locked": {"count": len(locked), "ids": ids(plan.accounts, locked)},
        "import": {"rows_in": fresh.rows_in, "kept": len(new), "rejected": fresh.rows_rejected,
                   "skipped": fresh.rows_skipped,
                   "problems": [str(p) for p in (fresh.errors + fresh.warnings)[:100]]},
        "output": str(args.output),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"Refreshed {args.plan} from {args.export}: " + "; ".join(diff.summary()) + ".")
        if routed is not None:
            print(f"Routed {counted(len(routed.rows), 'account')}; {len(routed.unrouted):,} left unassigned.")
        if len(locked):
            print(f"Locked {counted(len(locked), 'new account')} by the plan's lock rules.")
        print(f"Saved {args.output}.")
        problems = fresh.errors + fresh.warnings
        if problems:
            skipped = (f", {counted(fresh.rows_skipped, 'blank or footer line')} skipped" if fresh.rows_skipped
                       else "")
            print(f"Read {counted(fresh.rows_in, 'row')} from {Path(args.export).name}: "
                  f"{counted(len(new), 'account')} kept, {fresh.rows_rejected:,} rejected{skipped}; "
                  f"{counted(len(fresh.errors), 'error')}, {counted(len(fresh.warnings), 'warning')}:")
            for prob in problems[:10]:
                print(f"  {prob}")
            if len(problems) > 10:
                print(f"  ... {len(problems) - 10:,} more (--json lists the first 100)")
    return 0


def _check_ids(plan: Plan, mapping: dict[str, str], new: pd.DataFrame, export: str) -> None:
    """Refuse an export without an account id column: matched by name, every account would look new and gone.
    A plan that was itself imported by name (its ids are its names) may be refreshed by name."""
    if mapping.get("account_id"):
        return
    acc = plan.accounts
    if len(acc) and (acc["account_id"].astype(str) == acc["name"].astype(str)).all():
        return
    raise CliError(f"{export} has no account id column (looked for 'Account ID', 'Id', 'Company ID' and the "
                   f"like), and the plan's accounts are matched by id (e.g. {acc['account_id'].iat[0]!r}): "
                   "export the id column from the CRM too")


def _lock_new_accounts(plan: Plan, new_rows: np.ndarray) -> np.ndarray:
    """Lock the new accounts the plan's lock rules name (after routing, as the window does: a lock keeps an
    account where it was placed); the rows locked. Accounts already in the plan keep their locks as they were."""
    from territory_desktop.core.edits import SetAccountLocks
    from territory_desktop.core.lock_rules import LockRuleError, locked_by_rules

    if not plan.settings.lock_rules or not len(new_rows):
        return np.empty(0, dtype=np.int64)
    try:
        mask = locked_by_rules(plan)
    except LockRuleError as exc:
        raise CliError(f"the plan's lock rules do not fit the new export: {exc}") from exc
    rows = np.asarray(new_rows, dtype=np.int64)[mask[new_rows]]
    if len(rows):
        plan.apply(SetAccountLocks(rows, True, f"Lock {counted(len(rows), 'new account')} by the lock rules"))
    return rows


def _territory_names(plan: Plan, assignment: np.ndarray) -> np.ndarray:
    names = np.array([t.name for t in plan.territories] + [""], dtype=object)
    return names[np.asarray(assignment, dtype=np.int64)]  # -1 (unassigned) takes the last slot, ""


def _place(df: pd.DataFrame, r: int) -> str:
    """ "San Diego, CA 92101": a location as a planner reads it in the report."""
    city, state, zip_ = (str(df[c].iat[r]).strip() if c in df.columns else "" for c in ("city", "state", "zip"))
    city, state, zip_ = ("" if v.lower() == "nan" else v for v in (city, state, zip_))
    return ", ".join(x for x in (city, " ".join(y for y in (state, zip_) if y)) if x)


def _value(df: pd.DataFrame, kind: str, r: int) -> object:
    if kind == "location":
        return _place(df, r)
    v = df[kind].iat[r]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


REVIEW_WORDS = {"far": "new location far outside the territory: review whether it should move",
                "ineligible": "new segment may not be owned by the territory's rep role: review"}


def _write_report(path: Path, before: pd.DataFrame, before_terr: np.ndarray, new: pd.DataFrame,
                  diff: RefreshDiff, plan: Plan, routed: Routing | None, locked: np.ndarray) -> None:
    """One row per difference: account, what changed, old and new value, its territory, and for a new account
    where it went and why (or why it stayed unassigned)."""
    rows = []
    old_pos = {int(o): int(n) for o, n in zip(diff.matched_old.tolist(), diff.matched_new.tolist(), strict=True)}

    def row(r: int, change: str, old: object = "", new_value: object = "", reason: str = "") -> dict[str, object]:
        return {"account_id": before["account_id"].iat[r], "name": before["name"].iat[r], "change": change,
                "old": old, "new": new_value, "territory": before_terr[r], "reason": reason}

    for kind, which in diff.changed.items():
        for r in which.tolist():
            rows.append(row(r, kind, _value(before, kind, r), _value(new, kind, old_pos[r])))
    for kind, which in diff.review.items():
        for r in which.tolist():
            shown = "location" if kind == "far" else "segment"
            rows.append(row(r, f"review: {kind}", _value(before, shown, r), _value(new, shown, old_pos[r]),
                            REVIEW_WORDS.get(kind, "")))
    for r in diff.removed_rows.tolist():
        rows.append(row(r, "removed", reason="gone from the CRM export"))
    where = routed.reason_of() if routed is not None else {}
    if routed is not None:
        where.update({int(r): why for r, why in zip(routed.unrouted.tolist(), routed.unrouted_reasons, strict=False)})
    pos = pd.Index(plan.accounts["account_id"].astype(str))
    now_terr = _territory_names(plan, plan.assignment)
    by_rule = set(locked.tolist())
    for i in diff.new_rows.tolist():
        aid = str(new["account_id"].iat[i])
        r = int(pos.get_loc(aid))
        why = where.get(r, "" if routed is not None else "not routed (--no-route)")
        if r in by_rule:
            why = f"{why}; locked by the lock rules" if why else "locked by the lock rules"
        rows.append({"account_id": aid, "name": new["name"].iat[i], "change": "new", "old": "", "new": "",
                     "territory": now_terr[r], "reason": why})
    df = pd.DataFrame(rows, columns=["account_id", "name", "change", "old", "new", "territory", "reason"])
    try:
        neutralise_formulas(df).to_csv(path, index=False)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
