"""`territory-desktop scenario list|copy|rename|delete` and `compare`: named scenarios in one project file.

The scenario commands change the file in place (atomically, like every save); `compare` only reads. Scenario
names are matched case-insensitively and a unique prefix will do, as in the window's rules (core/scenarios).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input
from territory_desktop.core import format as fmt
from territory_desktop.core.compare import BASELINE, Comparison, compare
from territory_desktop.core.kpis import plan_health
from territory_desktop.core.scenarios import ScenarioError, ScenarioSet


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `scenario` and `compare` commands."""
    p = sub.add_parser("scenario", help="list, copy, rename or delete the scenarios of a plan",
                       description="Scenarios are named versions of one plan kept in its project file, each "
                                   "with its own assignment, territories and settings.")
    ss = p.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    q = ss.add_parser("list", help="the scenarios with their balance and moves")
    q.add_argument("plan", help=".territory project")
    q.add_argument("--json", action="store_true", help="print JSON instead of a table")
    q.set_defaults(func=cmd_list)
    q = ss.add_parser("copy", help="copy a scenario under a new name (saved in place)")
    q.add_argument("plan", help=".territory project, saved in place")
    q.add_argument("source", help="the scenario to copy")
    q.add_argument("name", help="the new scenario's name")
    q.add_argument("--notes", default="", help="notes on the new scenario")
    q.add_argument("--activate", action="store_true", help="open the file on the new scenario from now on")
    q.set_defaults(func=cmd_copy)
    q = ss.add_parser("rename", help="rename a scenario (saved in place)")
    q.add_argument("plan", help=".territory project, saved in place")
    q.add_argument("old", help="the scenario's name")
    q.add_argument("new", help="its new name")
    q.set_defaults(func=cmd_rename)
    q = ss.add_parser("delete", help="delete a scenario (saved in place; a plan keeps at least one)")
    q.add_argument("plan", help=".territory project, saved in place")
    q.add_argument("name", help="the scenario to delete")
    q.set_defaults(func=cmd_delete)

    p = sub.add_parser("compare", help="compare two scenarios, or one with the baseline",
                       description="Plan figures, per-territory KPIs with deltas (A - B) and the accounts whose "
                                   "territory differs (from B to A).")
    p.add_argument("plan", help=".territory project")
    p.add_argument("a", help="scenario A")
    p.add_argument("b", nargs="?", default=BASELINE, help="scenario B (default: the baseline)")
    p.add_argument("--json", action="store_true", help="print one JSON object (every differing account)")
    p.add_argument("--limit", type=int, default=20, metavar="N",
                   help="differing accounts printed, most potential first (default 20; 0: all)")
    p.set_defaults(func=cmd_compare)


# ----- files -----------------------------------------------------------------------------------------------
def _open(path: str) -> ScenarioSet:
    from territory_desktop.io.project.project_file import ProjectFileError, open_scenarios

    check_input(path, "plan")
    if Path(path).suffix.lower() != ".territory":
        raise CliError(f"{path} is not a .territory project; scenarios live in project files "
                       "(import an export first: territory-desktop import ... -o PLAN.territory)")
    try:
        return open_scenarios(path)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from exc


def _save(sset: ScenarioSet, path: str) -> None:
    from territory_desktop.io.project.project_file import ProjectFileError, save_project

    try:
        save_project(sset, path)
    except (ProjectFileError, OSError) as exc:
        raise CliError(f"cannot save {path}: {exc}") from exc


def _index(sset: ScenarioSet, name: str, path: str) -> int:
    try:
        return sset.index_of(name)
    except ScenarioError as exc:
        raise CliError(f"{Path(path).name}: {exc}") from exc


# ----- scenario ----------------------------------------------------------------------------------------------
def cmd_list(args: argparse.Namespace) -> int:
    sset = _open(args.plan)
    rows = []
    for i, sc in enumerate(sset.scenarios):
        h = plan_health(sc.plan)
        rows.append({"name": sc.name, "active": i == sset.active, "notes": sc.notes, "created_at": sc.created_at,
                     "territories": h.territories, "out_of_band": h.out_of_band,
                     "max_deviation": h.max_deviation, "moved_accounts": h.moved_accounts,
                     "moved_potential": h.moved_potential, "history": len(sc.plan.audit)})
    if args.json:
        print(json.dumps({"plan": args.plan, "scenarios": rows}, indent=2))
        return 0
    width = max(len("Scenario"), *(len(r["name"]) for r in rows)) + 2
    print(f"  {'Scenario':<{width}}{'Territories':>12}{'Out of band':>13}{'Max dev':>9}{'Moved':>8}"
          f"{'Potential moved':>17}  Notes")
    for r in rows:
        note = r["notes"].splitlines()[0][:50] if r["notes"] else ""
        print(f"{'*' if r['active'] else ' '} {r['name']:<{width}}{r['territories']:>12,}{r['out_of_band']:>13,}"
              f"{fmt.percent(r['max_deviation'], 1):>9}{r['moved_accounts']:>8,}"
              f"{fmt.money(r['moved_potential']):>17}  {note}")
    print(f"* = the scenario the file opens on. {len(rows)} scenario{'s' if len(rows) != 1 else ''}.")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    sset = _open(args.plan)
    src = _index(sset, args.source, args.plan)
    try:
        new = sset.duplicate(src, args.name, args.notes)
    except ScenarioError as exc:
        raise CliError(f"{Path(args.plan).name}: {exc}") from exc
    if args.activate:
        sset.activate(new)
    _save(sset, args.plan)
    print(f"Copied {sset.scenarios[src].name!r} as {sset.scenarios[new].name!r}"
          f"{' (the file now opens on it)' if args.activate else ''}. Saved {args.plan}.")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    sset = _open(args.plan)
    i = _index(sset, args.old, args.plan)
    old = sset.scenarios[i].name
    try:
        sset.rename(i, args.new)
    except ScenarioError as exc:
        raise CliError(f"{Path(args.plan).name}: {exc}") from exc
    _save(sset, args.plan)
    print(f"Renamed {old!r} to {sset.scenarios[i].name!r}. Saved {args.plan}.")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    sset = _open(args.plan)
    i = _index(sset, args.name, args.plan)
    try:
        gone = sset.delete(i)
    except ScenarioError as exc:
        raise CliError(f"{Path(args.plan).name}: {exc}") from exc
    _save(sset, args.plan)
    print(f"Deleted {gone.name!r}; {len(sset)} scenario{'s' if len(sset) != 1 else ''} left, the file opens on "
          f"{sset.current.name!r}. Saved {args.plan}.")
    return 0


# ----- compare -----------------------------------------------------------------------------------------------
def cmd_compare(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CliError(f"--limit {args.limit}: give a number of accounts, 0 for all")
    sset = _open(args.plan)
    a = sset.scenarios[_index(sset, args.a, args.plan)]
    if args.b.strip().casefold() == BASELINE.casefold():
        b_plan, b_name = None, BASELINE
    else:
        b = sset.scenarios[_index(sset, args.b, args.plan)]
        b_plan, b_name = b.plan, b.name
    c = compare(a.plan, b_plan, a.name, b_name)
    if args.json:
        print(json.dumps(c.to_dict(), indent=2, default=_json_default))
        return 0
    _print_comparison(c, args.limit)
    return 0


def _json_default(v: object) -> object:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    raise TypeError(f"cannot write {type(v).__name__} as JSON")


def _signed(v: float, f) -> str:  # noqa: ANN001 — a core.format function
    return "±0" if abs(v) < 1e-9 else ("+" if v > 0 else "") + f(v)


def _print_comparison(c: Comparison, limit: int) -> None:
    a, b = c.a, c.b
    print(f"{c.a_name} (A) vs {c.b_name} (B)")
    figures = [
        ("Territories", fmt.count(a.territories), fmt.count(b.territories), _signed(a.territories - b.territories, fmt.count)),
        ("Out of band", fmt.count(a.out_of_band), fmt.count(b.out_of_band), _signed(a.out_of_band - b.out_of_band, fmt.count)),
        (f"Max deviation ({c.primary})", fmt.percent(a.max_deviation, 1), fmt.percent(b.max_deviation, 1),
         _signed((a.max_deviation - b.max_deviation) * 100, lambda v: f"{v:.1f} pts")),
        (f"CV ({c.primary})", fmt.percent(a.cv, 1), fmt.percent(b.cv, 1),
         _signed((a.cv - b.cv) * 100, lambda v: f"{v:.1f} pts")),
        ("Over capacity", fmt.count(a.over_capacity), fmt.count(b.over_capacity),
         _signed(a.over_capacity - b.over_capacity, fmt.count)),
        ("Moved vs baseline", fmt.count(a.moved_accounts), fmt.count(b.moved_accounts),
         _signed(a.moved_accounts - b.moved_accounts, fmt.count)),
        ("Potential moved", fmt.money(a.moved_potential), fmt.money(b.moved_potential),
         _signed(a.moved_potential - b.moved_potential, fmt.money)),
    ]
    print(f"\n{'Plan figure':<28}{'A':>12}{'B':>12}{'A - B':>12}")
    for name, x, y, d in figures:
        print(f"{name:<28}{x:>12}{y:>12}{d:>12}")

    t = c.territories
    changed = t[(t["accounts_delta"].abs() > 0) | (t["potential_delta"].abs() > 1e-6) | (t["only"] != "")]
    print(f"\nTerritories that differ: {len(changed):,} of {len(t):,}")
    if len(changed):
        width = max(len("Territory"), *(len(str(n)) for n in changed.index)) + 2
        print(f"{'Territory':<{width}}{'Accounts A':>11}{'Δ':>7}{'Potential A':>13}{'Δ':>10}{'Dev A':>9}{'Dev B':>9}")
        for name, r in changed.iterrows():
            only = {"a": "  (only in A)", "b": "  (only in B)"}.get(r["only"], "")
            print(f"{name!s:<{width}}{fmt.count(r['accounts_a']):>11}{_signed(r['accounts_delta'], fmt.count):>7}"
                  f"{fmt.money(r['potential_a']):>13}{_signed(r['potential_delta'], fmt.money):>10}"
                  f"{fmt.percent(r['dev_a'], 1, signed=True):>9}{fmt.percent(r['dev_b'], 1, signed=True):>9}{only}")

    acc = c.accounts
    print(f"\nAccounts in a different territory: {c.differing:,} ({fmt.money(c.differing_potential)} potential)")
    shown = acc if limit == 0 else acc.head(limit)
    for r in shown.itertuples():
        print(f"  {r.account_id}  {r.name[:36]:<36}  {r.from_territory} → {r.to_territory}  "
              f"{fmt.money(r.potential)} potential, {fmt.money(r.pipeline)} pipeline")
    if len(shown) < len(acc):
        print(f"  … and {len(acc) - len(shown):,} more (--limit 0 prints all, --json gives every account)")
