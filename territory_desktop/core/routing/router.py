"""Routing accounts: named accounts, then the most specific rule, then the nearest eligible rep with room.

`route` runs the precedence over the territories' definitions (see the package docstring) and returns a
`Routing` — where each account goes and the sentence that sent it, or why it stays unrouted; the last step
(`_nearest_with_room`) is workload- and capacity-aware, counting the hours the rules already send.
`route_move` turns a routing into the one edit that applies it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from territory_desktop.core.geo import haversine_km
from territory_desktop.core.plan import Plan
from territory_desktop.core.routing.criteria import territory_rules
from territory_desktop.core.routing.matching import Columns, _named_mask, matches
from territory_desktop.core.workload import SCALE


@dataclass
class Routing:
    """Where each routed account goes and why; `unrouted` are those no rule or rep could take.

    `how` says per routed account which step sent it: "named", "rule" or "nearest"."""

    rows: np.ndarray
    targets: np.ndarray
    reasons: list[str]
    unrouted: np.ndarray
    unrouted_reasons: list[str]
    how: list[str] = field(default_factory=list)

    def reason_of(self) -> dict[int, str]:
        return {int(r): why for r, why in zip(self.rows.tolist(), self.reasons, strict=True)}

    def counts(self) -> dict[str, int]:
        """Routed accounts per step, and those left unassigned."""
        out = {k: self.how.count(k) for k in ("named", "rule", "nearest")}
        out["unrouted"] = len(self.unrouted)
        return out


def _homes(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([t.home_lat for t in plan.territories], dtype=np.float64)
    lon = np.array([t.home_lon for t in plan.territories], dtype=np.float64)
    return lat, lon


def _open_territories(plan: Plan) -> np.ndarray:
    return np.array([not t.removed and not t.locked for t in plan.territories], dtype=bool)


def _eligible(plan: Plan, rows: np.ndarray, t: int) -> np.ndarray:
    """Which rows territory t's role may own (the balance settings' segment -> role rules)."""
    role = plan.territories[t].role
    if not plan.settings.eligibility or not role:
        return np.ones(len(rows), dtype=bool)
    ok_codes = np.array([(roles := plan.settings.allowed_roles(seg)) is None or role in roles
                         for seg in plan.segment_names], dtype=bool)
    return ok_codes[plan.segment_codes[rows]] if len(ok_codes) else np.ones(len(rows), dtype=bool)


def route(plan: Plan, rows: np.ndarray | None = None, rules: Mapping[int, list[dict[str, Any]]] | None = None,
          fallback: bool = True, columns: Columns | None = None) -> Routing:
    """Route the given account rows (default: every unassigned account) by the territories' rules, then (with
    `fallback`) to the nearest eligible rep with capacity headroom. Locked accounts stay where they are."""
    rows = np.flatnonzero(plan.assignment < 0) if rows is None else np.asarray(rows, dtype=np.int64)
    n = len(rows)
    targets = np.full(n, -1, dtype=np.int64)
    reasons = [""] * n
    how = [""] * n
    table = territory_rules(plan, rules)
    open_t = _open_territories(plan)
    hlat, hlon = _homes(plan)
    columns = columns or Columns(plan)
    locked = plan.locked[rows]
    # 1. named accounts
    best_d = np.full(n, math.inf)
    named_done = np.zeros(n, dtype=bool)
    for tr in table:
        t = tr.territory
        if not tr.named or not open_t[t]:
            continue
        hit = _named_mask(plan, tr.named, rows) & ~locked & _eligible(plan, rows, t)
        d = _distance(plan, rows, t, hlat, hlon)
        better = hit & (~named_done | (d < best_d))
        idx = np.flatnonzero(better)
        targets[idx], best_d[idx], named_done[idx] = t, d[idx], True
        for i in idx.tolist():
            reasons[i], how[i] = f"Named account of {plan.territories[t].name}", "named"
    # 2. the most specific rule, ties to the nearest home
    best_spec = np.full(n, -math.inf)
    tie_dist = np.full(n, math.inf)
    free = ~named_done & ~locked
    for tr in table:
        t = tr.territory
        if not tr.criteria or not open_t[t]:
            continue
        hit = free & matches(plan, tr.criteria, rows, columns) & _eligible(plan, rows, t)
        if not hit.any():
            continue
        spec = tr.specificity
        d = _distance(plan, rows, t, hlat, hlon)
        better = hit & ((spec > best_spec) | ((spec == best_spec) & (d < tie_dist)))
        idx = np.flatnonzero(better)
        targets[idx], best_spec[idx], tie_dist[idx] = t, spec, d[idx]
        sentence = f"Rule of {plan.territories[t].name}: {tr.words()}"
        for i in idx.tolist():
            reasons[i], how[i] = sentence, "rule"
    # 3. the nearest eligible rep with room (after what the rules send), else unrouted with the reason
    left = np.flatnonzero(targets < 0)
    unrouted: list[int] = []
    unrouted_reasons: list[str] = []
    if len(left):
        if fallback:
            placed = np.flatnonzero(targets >= 0)
            fb, why = _nearest_with_room(plan, rows[left], locked[left], open_t, hlat, hlon,
                                         rows[placed], targets[placed])
        else:
            fb = np.full(len(left), -1, dtype=np.int64)
            why = ["locked: unlock it to route it" if locked[i] else "no rule takes it" for i in left.tolist()]
        for i, t, w in zip(left.tolist(), fb.tolist(), why, strict=True):
            if t >= 0:
                targets[i], reasons[i], how[i] = t, w, "nearest"
            else:
                unrouted.append(i)
                unrouted_reasons.append(w)
    done = targets >= 0
    keep = np.flatnonzero(done).tolist()
    return Routing(rows[done], targets[done], [reasons[i] for i in keep],
                   rows[np.array(unrouted, dtype=np.int64)], unrouted_reasons, [how[i] for i in keep])


def _distance(plan: Plan, rows: np.ndarray, t: int, hlat: np.ndarray, hlon: np.ndarray) -> np.ndarray:
    if not (math.isfinite(hlat[t]) and math.isfinite(hlon[t])):
        return np.full(len(rows), math.inf)
    d = haversine_km(plan.lat[rows], plan.lon[rows], hlat[t], hlon[t])
    return np.where(np.isfinite(d), d, math.inf)


def _nearest_with_room(plan: Plan, rows: np.ndarray, locked: np.ndarray, open_t: np.ndarray, hlat: np.ndarray,
                       hlon: np.ndarray, routed_rows: np.ndarray, routed_to: np.ndarray,
                       ) -> tuple[np.ndarray, list[str]]:
    """For accounts no rule takes: the nearest open territory whose role may own the segment and whose workload
    is below capacity. The hours of accounts the rules send count first; then accounts are placed one by one,
    each adding its own hours (with travel from the chosen home)."""
    k = plan.n_territories
    load = plan.kpis.workload[:k].astype(np.float64) / SCALE  # hours per territory now (the panel's numbers)
    if len(routed_rows):
        np.add.at(load, routed_to, plan.workload_of(routed_rows, routed_to).astype(np.float64) / SCALE)
    cap = np.array([t.capacity_hours for t in plan.territories], dtype=np.float64)
    out = np.full(len(rows), -1, dtype=np.int64)
    why: list[str] = []
    has_home = np.isfinite(hlat) & np.isfinite(hlon)
    elig = np.ones((max(len(plan.segment_names), 1), k), dtype=bool)
    for t in range(k):
        role = plan.territories[t].role
        if plan.settings.eligibility and role:
            for c, seg in enumerate(plan.segment_names):
                roles = plan.settings.allowed_roles(seg)
                elig[c, t] = roles is None or role in roles
    base = open_t & has_home
    for j, r in enumerate(rows.tolist()):
        seg = plan.segment_names[int(plan.segment_codes[r])] if len(plan.segment_names) else ""
        if locked[j]:
            why.append("locked: unlock it to route it")
            continue
        if not np.isfinite(plan.lat[r]) or not np.isfinite(plan.lon[r]):
            why.append("not placed on the map, and no rule names it")
            continue
        ok = base & elig[int(plan.segment_codes[r])] if len(plan.segment_names) else base
        if not ok.any():
            why.append(f"no open territory with a home may own {seg or 'it'}")
            continue
        d = haversine_km(np.full(k, plan.lat[r]), np.full(k, plan.lon[r]), np.nan_to_num(hlat),
                         np.nan_to_num(hlon))
        hours = plan.workload_of(np.full(k, r), np.arange(k)).astype(np.float64) / SCALE  # with travel from each
        room = ok & (load + hours <= cap)
        if not room.any():
            why.append("every eligible rep is at capacity")
            continue
        t = int(np.argmin(np.where(room, d, np.inf)))
        out[j] = t
        load[t] += hours[t]
        why.append(f"No rule matched: nearest eligible rep with room ({plan.territories[t].name}, {d[t]:,.0f} km)")
    return out, why


def route_move(routing: Routing):  # noqa: ANN201 — MoveAccounts | None (edits/ builds on the plan, as we do)
    """The one move that applies a routing, each account with the sentence that sent it as its reason (so the
    change list says "Rule of West: state in CA"), or None when nothing is routed."""
    from territory_desktop.core.edits import MoveAccounts

    n = len(routing.rows)
    if not n:
        return None
    return MoveAccounts(routing.rows, routing.targets.astype(np.int32),
                        f"Route {n:,} account{'s' if n != 1 else ''} by the territory rules",
                        reason=np.asarray(routing.reasons, dtype=object))
