"""`capacity`: fairness per measure and peer group, the health check and reps needed per role, headless."""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict
from typing import Any

from territory_desktop.cli.loading import load_plan
from territory_desktop.core.fairness import Fairness, fairness
from territory_desktop.core.headcount import RoleHeadcount, headcount
from territory_desktop.core.health_check import HealthEntry, health_check
from territory_desktop.core.plan import Plan


def register(sub: argparse._SubParsersAction) -> None:
    """Add the capacity command to the CLI."""
    p = sub.add_parser("capacity", help="print fairness, the health check and reps needed per role",
                       description="How evenly each balanced measure is spread (per rep role and overall), "
                                   "what the plan's health check finds, and how many reps each role needs by "
                                   "workload and by quota (the plan's headcount settings).")
    p.add_argument("plan", help=".territory project (or a .csv/.xlsx export, imported on the fly)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=cmd_capacity)


def _plain(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def headcount_dict(h: RoleHeadcount) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(h).items()}


def _summary(fair: list[Fairness], health: list[HealthEntry], heads: list[RoleHeadcount]) -> dict[str, Any]:
    return {
        "fairness": [f.to_dict() for f in fair],
        "health": [{"key": e.key, "title": e.title, "count": e.count, "territories": list(e.territories)}
                   for e in health],
        "headcount": [headcount_dict(h) for h in heads],
    }


def capacity_summary(plan: Plan) -> dict[str, Any]:
    """The capacity numbers as plain JSON types (the `capacity --json` contract); health entries give their
    territory indices (as `info --json` numbers them), not account rows."""
    return _summary(fairness(plan), health_check(plan), headcount(plan, plan.settings.headcount))


def _num(v: float | None, fmt: str, suffix: str = "") -> str:
    if v is None or math.isnan(v):
        return "—"
    return "∞" if math.isinf(v) else f"{v:{fmt}}{suffix}"


def cmd_capacity(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan)
    fair, health = fairness(plan), health_check(plan)
    heads = headcount(plan, plan.settings.headcount)
    summary = _summary(fair, health, heads)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    head = f"{'Measure':<14}{'Group':<24}{'Territories':>12}{'Max/min':>10}{'CV':>7}{'Gini':>7}{'Balance':>9}"
    print(head)
    print("-" * len(head))
    for f in fair:
        print(f"{f.measure[:13]:<14}{f.group[:23]:<24}{f.territories:>12,}"
              f"{_num(f.max_min_ratio, '.2f', '×'):>10}{_num(f.cv, '.2f'):>7}{_num(f.gini, '.2f'):>7}"
              f"{_num(f.balance_index, '.0f'):>9}")
    print()
    print("Health check:" if summary["health"] else "Health check: nothing to check, every book is in band "
                                                     "and within capacity.")
    for e in summary["health"]:
        print(f"  {e['title']}")
    print()
    if not heads:
        print("Reps needed: no territories.")
        return 0
    head = f"{'Role':<24}{'Reps':>6}{'By workload':>13}{'By quota':>10}{'Needed':>8}{'Gap':>6}"
    print(head)
    print("-" * len(head))
    for h in heads:
        print(f"{h.role[:23]:<24}{h.current:>6,}{_num(h.by_workload, '.1f'):>13}{_num(h.by_quota, '.1f'):>10}"
              f"{h.needed:>8,}{(f'{h.gap:+d}' if h.gap else '0'):>6}")
    for h in heads:
        print(h.words + ".")
    return 0
