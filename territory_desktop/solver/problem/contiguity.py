"""Territories as connected pieces of a map: the adjacency of geographic units (counties, ZIPs) and what it rules out.

A unit list with `a,b` adjacency pairs is a graph; a territory is contiguous when its units form one connected
piece of it. Two facts are used everywhere: how many pieces each territory has (a plan with more than one per
territory breaks the rule), and a proof of impossibility — every connected part of the map (an island, a
separate state) must hold whole territories, so a part whose population fits no whole number of territories
within the band makes the bands impossible with contiguity, whatever the solver does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Adjacency:
    """Neighbours of every unit, as compressed rows (CSR): unit i's neighbours are nbr[start[i]:start[i+1]]."""

    start: np.ndarray
    nbr: np.ndarray

    @staticmethod
    def from_pairs(n: int, pairs: np.ndarray) -> Adjacency:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        both = np.concatenate([pairs, pairs[:, ::-1]])
        both = np.unique(both, axis=0) if len(both) else both
        order = np.argsort(both[:, 0], kind="stable") if len(both) else np.empty(0, dtype=np.int64)
        both = both[order]
        counts = np.bincount(both[:, 0], minlength=n) if len(both) else np.zeros(n, dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Adjacency(start, both[:, 1].astype(np.int64) if len(both) else np.empty(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return len(self.start) - 1

    def of(self, i: int) -> np.ndarray:
        return self.nbr[self.start[i]:self.start[i + 1]]

    def neighbour_lists(self) -> list[list[int]]:
        return [self.of(i).tolist() for i in range(self.n)]


def components(adj: Adjacency, members: np.ndarray | None = None) -> np.ndarray:
    """Connected-part label per unit (-1 for units outside `members` when given), by breadth-first search."""
    n = adj.n
    inside = np.ones(n, dtype=bool) if members is None else np.zeros(n, dtype=bool)
    if members is not None:
        inside[np.asarray(members, dtype=np.int64)] = True
    label = np.full(n, -1, dtype=np.int64)
    nbrs = adj.neighbour_lists()
    part = 0
    for s in np.flatnonzero(inside).tolist():
        if label[s] >= 0:
            continue
        label[s] = part
        stack = [s]
        while stack:
            u = stack.pop()
            for v in nbrs[u]:
                if inside[v] and label[v] < 0:
                    label[v] = part
                    stack.append(v)
        part += 1
    return label


def pieces_per_territory(adj: Adjacency, assignment: np.ndarray, k: int) -> np.ndarray:
    """How many connected pieces each territory's units form (0 for an empty territory)."""
    a = np.asarray(assignment, dtype=np.int64)
    nbrs = adj.neighbour_lists()
    seen = np.zeros(len(a), dtype=bool)
    out = np.zeros(k, dtype=np.int64)
    for s in range(len(a)):
        if seen[s] or a[s] < 0:
            continue
        t = a[s]
        out[t] += 1
        seen[s] = True
        stack = [s]
        while stack:
            u = stack.pop()
            for v in nbrs[u]:
                if not seen[v] and a[v] == t:
                    seen[v] = True
                    stack.append(v)
    return out


def territory_pieces(adj: Adjacency, assignment: np.ndarray, t: int) -> int:
    """How many connected pieces territory t's units form (a search over its members only: cheap per check)."""
    a = np.asarray(assignment)
    members = np.flatnonzero(a == t).tolist()
    seen: set[int] = set()
    pieces = 0
    for s in members:
        if s in seen:
            continue
        pieces += 1
        seen.add(s)
        stack = [s]
        while stack:
            u = stack.pop()
            for v in adj.of(u).tolist():
                if v not in seen and a[v] == t:
                    seen.add(v)
                    stack.append(v)
    return pieces


def impossible_parts(adj: Adjacency, values: np.ndarray, k: int, lo: float, hi: float) -> str | None:
    """A sentence proving that no contiguous plan keeps every territory's total within [lo, hi], or None.

    Each connected part of the map must hold m whole territories with m·lo ≤ total ≤ m·hi, and the m add up
    to k; if no such choice exists (checked exactly by a small subset-sum over the parts), it is impossible.
    """
    label = components(adj)
    parts = int(label.max()) + 1 if len(label) else 0
    totals = np.bincount(label, weights=values, minlength=parts)
    options: list[list[int]] = []
    for tot in totals.tolist():
        ms = [m for m in range(1, k + 1) if m * lo - 1e-9 <= tot <= m * hi + 1e-9]
        if not ms:
            return (f"one connected part of the map ({_units(label, totals, tot)}) holds {tot:,.0f}, which no whole "
                    f"number of territories within the band ({lo:,.0f}–{hi:,.0f} each) can hold ("
                    f"{_why_none(tot, lo, hi, k)})")
        options.append(ms)
    reachable = {0}
    for ms in options:
        reachable = {r + m for r in reachable for m in ms if r + m <= k}
    if k not in reachable:
        return (f"the map falls into {parts} separate parts, and no way of giving each part whole territories "
                f"within the band ({lo:,.0f}–{hi:,.0f} each) adds up to {k} territories")
    return None


def _why_none(tot: float, lo: float, hi: float, k: int) -> str:
    """Why no whole number of territories fits a part's total: too little for one, too much for all, or between."""
    if tot < lo:
        return f"less than one territory needs, {lo:,.0f}"
    if tot > k * hi:
        return f"more than all {k} territories may hold, {k * hi:,.0f}"
    m = int(tot // hi) if hi > 0 else 0  # the most territories that fit below it
    return (f"more than {m} territor{'y' if m == 1 else 'ies'} may hold, {m * hi:,.0f}, and less than "
            f"{m + 1} need, {(m + 1) * lo:,.0f}")


def _units(label: np.ndarray, totals: np.ndarray, tot: float) -> str:
    part = int(np.flatnonzero(np.isclose(totals, tot))[0])
    count = int((label == part).sum())
    return f"{count} unit{'s' if count != 1 else ''}"
