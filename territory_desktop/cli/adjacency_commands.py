"""`territory-desktop adjacency`: give a plan of map units (counties, ZIPs) which of them touch, or take it away.

    adjacency PLAN.territory                          # what the plan holds: pairs, source, cut territories
    adjacency PLAN.territory PAIRS.csv -o OUT.territory
    adjacency PLAN.territory --remove -o OUT.territory

A plan that holds its adjacency keeps every territory one connected piece whenever the solver or the window's
co-pilot moves accounts (Balance Settings: keep each territory one connected piece), without --adjacency on
every `solve`. The same edit as File > Import Adjacency... in the window, so it is journaled and audited alike.
"""

from __future__ import annotations

import argparse
import json

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs, load_plan, save_plan


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("adjacency", help="store which accounts touch on the map (plans of counties or ZIPs)",
                       description="PAIRS.csv: a header row, then two account ids a row (a,b) for each pair of "
                                   "units that share a border. Without PAIRS.csv or --remove, prints what the "
                                   "plan holds.")
    p.add_argument("plan")
    p.add_argument("pairs", nargs="?", help="CSV of a,b account id pairs")
    p.add_argument("--remove", action="store_true", help="take the plan's adjacency away")
    p.add_argument("-o", "--output", help="the .territory project to write (with PAIRS.csv or --remove)")
    p.add_argument("--json", action="store_true", help="print the plan's adjacency summary as JSON")
    p.set_defaults(func=cmd_adjacency)


def cmd_adjacency(args: argparse.Namespace) -> int:
    from territory_desktop.core.adjacency import AdjacencyError
    from territory_desktop.core.edits import SetAdjacency
    from territory_desktop.io.adjacency_file import read_adjacency_csv

    changing = bool(args.pairs) or args.remove
    if args.pairs and args.remove:
        raise CliError("give PAIRS.csv or --remove, not both")
    if changing and not args.output:
        raise CliError("-o OUT.territory is needed to save the plan with its new adjacency")
    if not changing and args.output:
        raise CliError("-o is for PAIRS.csv or --remove; without them the plan is only described")
    check_input(args.pairs, "adjacency file")
    # the plan itself may be -o (saved in place, as `solve` allows); the pairs file may not
    check_outputs({"adjacency file": args.pairs}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    if args.pairs:
        try:
            adjacency = read_adjacency_csv(args.pairs, plan)
        except AdjacencyError as exc:
            raise CliError(str(exc)) from exc
        plan.apply(SetAdjacency(adjacency, f"Import adjacency ({len(adjacency):,} pairs)"))
        save_plan(plan, args.output)
    elif args.remove:
        if plan.adjacency is None:
            raise CliError(f"{args.plan} holds no adjacency; there is nothing to remove")
        plan.apply(SetAdjacency(None, "Remove adjacency"))
        save_plan(plan, args.output)
    print(_describe(plan, args) if not args.json else json.dumps(_summary(plan)))
    return 0


def _summary(plan) -> dict[str, object]:  # noqa: ANN001 - a Plan
    from territory_desktop.solver.copilot.connected import cut_territories

    adj = plan.adjacency
    cut = cut_territories(plan) if adj is not None else None
    return {"pairs": 0 if adj is None else len(adj), "units": 0 if adj is None else adj.units(),
            "source": None if adj is None else adj.source, "keep_connected": bool(plan.settings.keep_connected),
            "cut": None if cut is None else [{"territory": name, "pieces": n} for name, n in cut]}


def _describe(plan, args: argparse.Namespace) -> str:  # noqa: ANN001 - a Plan
    from territory_desktop.solver.copilot.connected import connected_status

    saved = f" Saved {args.output}." if args.output else ""
    if plan.adjacency is None:
        return f"The plan holds no adjacency: territories are not kept connected.{saved}"
    return f"{connected_status(plan)} ({plan.adjacency.units():,} accounts are map units.){saved}"
