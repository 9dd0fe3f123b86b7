"""`import`, `info`, `move`, `export`, `recover`: the plan's life cycle without a window."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs, load_plan, save_plan
from territory_desktop.core import kpis
from territory_desktop.core.activity import UNTOUCHED_DAYS
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.fairness import fairness
from territory_desktop.core.format import hours, money
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.sanity import glance_lines
from territory_desktop.core.settings import DEFAULT_CAPACITY_HOURS
from territory_desktop.core.wording import counted  # re-exported: callers once imported it from here


def register(sub: argparse._SubParsersAction) -> None:
    """Add the plan commands to the CLI."""
    p = sub.add_parser("import", help="import a CRM export (CSV/Excel) into a .territory project",
                       description="Import accounts (and optionally reps) into a project file. Every row that "
                                   "cannot be taken is reported with its file, row, column and reason.")
    p.add_argument("accounts", help="accounts file: .csv (any common encoding/delimiter) or .xlsx")
    p.add_argument("--reps", help="reps/territories file (.csv or .xlsx), one row per rep or territory, matched to "
                                  "the accounts' owners by rep or territory name: a Rep and/or Territory column, "
                                  "optionally Role, Region, Area, Capacity Hours (selling hours a year, default "
                                  f"{DEFAULT_CAPACITY_HOURS:,.0f}) and the rep's home (Address, Home City, Home "
                                  "State, Home ZIP, Country, or Home Latitude and Home Longitude); common "
                                  "spellings of these headers are recognised, a mapping file can name others. "
                                  "Default: one territory per owner")
    p.add_argument("--mapping", help="column mapping: JSON {\"field\": \"Column\"} or CSV field,column")
    p.add_argument("--sheet", help="Excel sheet name (default: the first)")
    p.add_argument("-o", "--output", required=True, help="the .territory file to write")
    p.add_argument("--report", help="write every problem found to this CSV")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="print the KPI table of a plan",
                       description="Per-territory balance and workload, and the plan's health.")
    p.add_argument("plan", help=".territory project (or a .csv/.xlsx export, imported on the fly)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("move", help="move accounts to a territory (saved, journaled)")
    p.add_argument("plan", help=".territory project, saved in place")
    p.add_argument("--accounts", required=True, help="account ids, comma separated")
    p.add_argument("--to", required=True, help="territory name (or 'unassigned')")
    p.add_argument("--reason", default="", help="why (shown in the change list's Reason column and the plan's "
                                                 "history), e.g. \"rep moved to Denver\"")
    p.set_defaults(func=cmd_move)

    p = sub.add_parser("export", help="export the CRM assignment file and the change list")
    p.add_argument("plan", help=".territory project")
    p.add_argument("-o", "--output", required=True, help="assignments file, .csv or .xlsx")
    p.add_argument("--changes", help="change list file, .csv or .xlsx (accounts whose territory changed)")
    p.add_argument("--effective-date", help="effective date of the changes, YYYY-MM-DD "
                                            "(default: 30 days from today, the usual notice period)")
    p.add_argument("--reason", default="", help="reason written on change rows that carry none of their own")
    p.add_argument("--scenario", metavar="NAME", help="export this scenario of the plan instead of the current one "
                                                      "(a unique prefix will do)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("recover", help="list and restore edits journaled before a crash")
    p.add_argument("--restore", type=int, metavar="N", help="restore session N of the list")
    p.add_argument("--discard", type=int, metavar="N", help="delete session N of the list")
    p.add_argument("-o", "--output", help="where to save the restored plan (default: its own project file)")
    p.set_defaults(func=cmd_recover)


def cmd_import(args: argparse.Namespace) -> int:
    from territory_desktop.io.importing.columns import load_mapping_file
    from territory_desktop.io.importing.importer import ImportFailed, import_plan, write_problems_csv

    inputs = {"accounts file": args.accounts, "reps file": args.reps, "mapping file": args.mapping}
    for what, path in inputs.items():
        check_input(path, what)
    check_outputs(inputs, {"-o": args.output, "--report": args.report}, territory=("-o",))
    try:
        mapping = load_mapping_file(args.mapping) if args.mapping else None
    except RecursionError as exc:
        raise CliError(f"{Path(args.mapping).name}: the mapping is nested too deeply to be a column mapping "
                       '(give {"field": "Column", ...})') from exc
    except (ImportFailed, ValueError, OSError) as exc:
        raise CliError(str(exc)) from exc
    try:
        result = import_plan(args.accounts, args.reps, mapping=mapping, sheet=args.sheet)
    except (ImportFailed, ValueError, OSError) as exc:
        raise CliError(str(exc)) from exc
    save_plan(result.plan, args.output)
    plan = result.plan
    errors, warnings = result.errors, result.warnings
    listed = errors + warnings  # the notes (blank and footer lines: nothing lost) are in --report FILE only
    skipped = (f", {counted(result.rows_skipped, 'blank or footer line')} skipped" if result.rows_skipped
               else "")
    print(f"Read {counted(result.rows_in, 'row')} from {args.accounts}: {counted(plan.n_accounts, 'account')} "
          f"kept, {result.rows_rejected:,} rejected{skipped}, "
          f"{int((~np.isfinite(plan.lat)).sum()):,} not placed on the map.")
    print(f"{counted(len(plan.active_territories()), 'territory', 'territories')}. Saved {args.output}.")
    for line in [*result.notes, *glance_lines(plan)]:
        print(line)
    for line in result.sanity:
        print(f"Check: {line}")
    if listed:
        print(f"{counted(len(errors), 'error')} and {counted(len(warnings), 'warning')}:")
        for prob in listed[:10]:
            print(f"  {prob}")
        if len(listed) > 10:
            print(f"  ... {len(listed) - 10:,} more" + ("" if args.report else " (use --report FILE)"))
    if args.report:
        try:
            write_problems_csv(result.problems, args.report)
        except OSError as exc:
            raise CliError(f"cannot write the report {args.report}: {exc.strerror or exc}") from exc
        print(f"Problems written to {args.report}.")
    return 0


def plan_summary(plan: Plan) -> dict:
    """The plan's numbers as plain JSON types (the `info --json` contract)."""
    table = kpis.territory_table(plan)
    health = kpis.plan_health(plan)
    measures = [m.measure for m in plan.settings.measures]
    territories = []
    for k, row in zip(table.index, table.to_dict("records"), strict=True):  # iterrows: a Series a row, 0.4 s at 2,000
        territories.append({
            "index": int(k), "name": row["name"], "rep": row["rep"], "region": row["region"],
            "accounts": int(row["accounts"]), "potential": float(row["potential"]),
            "pipeline": float(row["pipeline"]), "workload": round(float(row["workload"]), 3),
            "capacity": float(row["capacity"]),
            "utilisation": None if math.isnan(row["utilisation"]) else float(row["utilisation"]),
            "deviation": {m: float(row[f"dev_{m}"]) for m in measures},
            "status": {m: str(row[f"status_{m}"]) for m in measures},
            "over_capacity": bool(row["over_capacity"]), "in_band": bool(row["in_band"]),
        })
    return {
        "accounts": plan.n_accounts, "unplaced": health.unplaced, "unassigned": health.unassigned,
        "untouched": health.untouched, "territories": territories,
        "bands": {m.measure: m.band for m in plan.settings.measures},
        "primary_measure": health.primary_measure, "max_deviation": health.max_deviation, "cv": health.cv,
        "out_of_band": health.out_of_band, "over_capacity": health.over_capacity,
        "moved_accounts": health.moved_accounts, "moved_potential": health.moved_potential,
        "moved_potential_share": health.moved_potential_share,
        "fairness": [f.to_dict() for f in fairness(plan)],
    }


def cmd_info(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    summary = plan_summary(plan)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    measures = [m.measure for m in plan.settings.measures]
    bands = {m.measure: m.band for m in plan.settings.measures}
    near = plan.settings.near_fraction
    head = f"{'Territory':<28}{'Rep':<20}{'Accounts':>9}{'Potential':>11}{'Workload':>11}{'Capacity':>10}"
    head += "".join(f"{'Δ ' + m[:9]:>12}" for m in measures) + "  Band"
    print(head)
    print("-" * len(head))
    for t in summary["territories"]:
        line = (f"{t['name'][:27]:<28}{t['rep'][:19]:<20}{t['accounts']:>9,}{money(t['potential']):>11}"
                f"{hours(t['workload']):>11}{hours(t['capacity']):>10}")
        # as many decimals as the band word needs: "+15.3%" beside OUT, never "+15%" against a ±15% band
        line += "".join(f"{deviation_text(t['deviation'][m], bands[m], near):>12}" for m in measures)
        line += "  " + ("in" if t["in_band"] else "OUT") + (" · over capacity" if t["over_capacity"] else "")
        print(line)
    print("-" * len(head))
    print(f"{counted(summary['accounts'], 'account')} ({summary['unplaced']:,} not placed, "
          f"{summary['unassigned']:,} unassigned) in {counted(len(summary['territories']), 'territory', 'territories')}. "
          f"Max {summary['primary_measure']} deviation "
          f"{deviation_text(summary['max_deviation'], plan.settings.primary.band, near, signed=False)}, "
          f"CV {summary['cv']:.3f}, {summary['out_of_band']} out of band, "
          f"{summary['over_capacity']} over capacity. Moved vs baseline: {counted(summary['moved_accounts'], 'account')}, "
          f"{money(summary['moved_potential'])} potential."
          + (f" {counted(summary['untouched'], 'account')} untouched for {UNTOUCHED_DAYS}+ days." if summary["untouched"]
             else ""))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from territory_desktop.io.project.recovery import Journal

    path = Path(args.plan)
    plan = load_plan(path, allow_import=False)
    ids = [s.strip() for s in args.accounts.split(",") if s.strip()]
    if not ids:
        raise CliError("--accounts names no account ids (give them comma separated, e.g. A1,A2)")
    try:
        rows = plan.rows_of(ids)
        target = -1 if args.to.strip().lower() == "unassigned" else plan.territory_index(args.to)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from exc
    name = "unassigned" if target < 0 else plan.territories[target].name
    rows = np.asarray(rows, dtype=np.int64)
    there = plan.assignment[rows] == target
    if there.all():  # nothing to do: say so rather than "Moved 1 account", and leave the file as it was
        which = ", ".join(str(a) for a in plan.accounts["account_id"].iloc[rows[:5]])
        more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
        verb = "is" if len(rows) == 1 else "are"
        print(f"{which}{more} {verb} already in {name}; nothing moved, {path} left as it was.")
        return 0
    journal = Journal.start(plan, path)
    try:
        plan.apply(MoveAccounts(rows[~there], target, reason=" ".join(args.reason.split())))
    except EditRefused as exc:
        journal.close(discard=True)
        raise CliError(str(exc)) from exc
    save_plan(plan, path, moves_only=True)
    journal.close(discard=True)
    moved, stayed = int((~there).sum()), int(there.sum())
    note = f" ({stayed:,} {'was' if stayed == 1 else 'were'} already there)" if stayed else ""
    print(f"Moved {counted(moved, 'account')} to {name}{note}. Saved {path}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from territory_desktop.core.change_notes import default_effective_date
    from territory_desktop.io.export import ExportError, export_assignments, export_changes

    check_outputs({"plan": args.plan}, {"-o": args.output, "--changes": args.changes})
    plan = load_plan(args.plan, scenario=args.scenario) if args.scenario else load_plan(args.plan)
    try:
        date = (dt.date.fromisoformat(args.effective_date) if args.effective_date
                else default_effective_date())
    except ValueError as exc:
        raise CliError(f"--effective-date {args.effective_date!r} is not a date like 2027-01-01") from exc
    try:
        n = export_assignments(plan, args.output)
        print(f"Wrote {counted(n, 'assignment')} to {args.output}.")
        if args.changes:
            c = export_changes(plan, args.changes, date, args.reason)
            print(f"Wrote {counted(c, 'change')} effective {date.isoformat()} to {args.changes}.")
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from territory_desktop.io.project import recovery

    sessions = recovery.list_recoverable()
    if args.restore is None and args.discard is None:
        if not sessions:
            print("Nothing to recover: every session closed cleanly.")
            return 0
        for i, s in enumerate(sessions, 1):
            print(f"{i}. {s.description}")
        if any(not s.nothing_to_restore for s in sessions):
            print("Restore one with: territory-desktop recover --restore N [-o OUT.territory]")
        if any(s.nothing_to_restore for s in sessions):
            print("Discard one that has nothing to restore with: territory-desktop recover --discard N")
        return 0
    n = args.restore if args.restore is not None else args.discard
    if not 1 <= n <= len(sessions):
        raise CliError(f"there is no session {n}; `territory-desktop recover` lists {len(sessions)}")
    session = sessions[n - 1]
    if args.discard is not None:
        recovery.discard(session)
        print(f"Discarded: {session.description}")
        return 0
    if session.nothing_to_restore:  # the journal is kept: only the planner discards it
        name = session.project_path.name if session.project_path is not None else "the project"
        why = (f"{name} was saved after these edits (its save id is no longer the journal's)" if session.saved_since
               else "the session ended before its first edit was complete")
        raise CliError(f"session {n} has nothing to restore: {why}. Discard it with "
                       f"`territory-desktop recover --discard {n}`")
    if args.output:
        check_outputs({"recovery journal": session.path}, {"-o": args.output}, territory=("-o",))
        out = args.output
    else:
        out = _own_project(session)
    try:
        plan = recovery.recover(session)
    except (recovery.RecoveryError, ValueError, OverflowError) as exc:
        raise CliError(str(exc)) from exc
    save_plan(plan, out)
    recovery.discard(session)
    print(f"Restored {counted(session.edit_count, 'edit')} into {out}.")
    return 0


def _own_project(session) -> Path:  # noqa: ANN001 - a recovery.RecoverableSession
    """The project file a restore without -o may overwrite: only the plan these edits were made on.

    The journal's header is untrusted: the path it names is used only if it still holds a Territory plan with
    the save id recorded in that header (so a crafted journal cannot aim a restore at any other file).
    """
    import os
    import stat

    from territory_desktop.io.project.project_file import read_save_id

    path = session.project_path
    if path is None:
        raise CliError("this session was never saved to a project file: give -o OUT.territory")
    ask = "give -o OUT.territory to save the restored plan elsewhere"
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        regular = False
    if not regular or not session.save_id:
        raise CliError(f"{path} no longer holds the plan these edits were made on: {ask}")
    if read_save_id(path) != session.save_id:
        raise CliError(f"{path} has been saved again or replaced since these edits were made: {ask}")
    return path
