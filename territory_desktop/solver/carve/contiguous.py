"""Carving territories that are each one connected piece of the map (counties, ZIPs with an adjacency).

The unconstrained carve (pmedian.py) gives a compact start; its stray pieces are handed to neighbouring
territories (`repair`). A simulated-annealing search then moves boundary units between neighbouring territories,
never cutting a territory in two and never moving its centre unit away, scoring Σ w·d^q to the centre plus a
penalty on population outside the band that grows while no balanced plan is found; centres are re-chosen inside
each territory as it changes shape. Restarts grow regions from spread-out seeds. Every plan yielded is
contiguous; "impossible" is said only when `contiguity.impossible_parts` proves it.

Measured (2 shared cores): Iowa's 99 counties into 4 districts at ±0.5%, q = 2, weight = population —
see benchmarks/solver_quality.py.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

import numpy as np

from territory_desktop.solver.carve.pmedian import _bands, carve_stream, site_distance
from territory_desktop.solver.problem.contiguity import Adjacency, components, pieces_per_territory
from territory_desktop.solver.problem.snapshot import Problem
from territory_desktop.solver.problem.solution import Solution, make_solution

START_SHARE = 0.2
"""Share of the time for the unconstrained carve that gives the first start."""


def contiguous_stream(p: Problem, time_limit: float,
                      should_stop: Callable[[], bool] = lambda: False) -> Iterator[Solution]:
    """Ever better contiguous carves (each yielded plan is contiguous; balanced once one is found)."""
    t0 = time.monotonic()
    adj = p.adjacency
    assert adj is not None
    k = p.k
    start = None
    for sol in carve_stream(_without_contiguity(p), START_SHARE * time_limit, should_stop):
        start = sol
    dist = site_distance(p, np.arange(p.n))
    bands = _bands(p, k)
    vals, lo, hi = bands[0] if bands else (np.zeros(p.n), -np.inf, np.inf)
    search = _Search(dist, adj, vals, lo, hi, k, np.random.default_rng(0))
    a0 = repair(adj, start.assignment if start is not None else np.zeros(p.n, dtype=np.int64), vals, k)
    c0 = search.centres_for(a0)
    best_key: tuple[float, float] | None = (search.excess(a0), search.cost(a0, c0))
    yield make_solution(p, a0.astype(np.int32), t0, "heuristic", centres=np.column_stack([p.x[c0], p.y[c0]]),
                        centre_latlon=_latlon(p, c0))[0]
    deadline = t0 + time_limit
    first = True
    while time.monotonic() < deadline - 0.05 and not should_stop():
        a_init = a0 if first else search.grow()
        first = False
        left = deadline - time.monotonic()
        budget = left if best_key[0] > 0 or left < 4.0 else max(2.0, min(left, 0.35 * time_limit))
        for a, centres in search.anneal(a_init, time.monotonic() + budget, should_stop):
            key = (search.excess(a), search.cost(a, centres))
            if key < best_key:
                best_key = key
                xy = np.column_stack([p.x[centres], p.y[centres]])
                yield make_solution(p, a.astype(np.int32), t0, "improved", centres=xy,
                                    centre_latlon=_latlon(p, centres))[0]


def _without_contiguity(p: Problem) -> Problem:
    import dataclasses
    return dataclasses.replace(p, contiguous=False)


def repair(adj: Adjacency, assignment: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Keep each territory's largest piece; give the stray units, piece by piece, to a neighbouring territory
    (the lightest one they touch), so every territory is one piece."""
    a = np.asarray(assignment, dtype=np.int64).copy()
    for t in range(k):
        members = np.flatnonzero(a == t)
        if not len(members):
            continue
        lab = components(adj, members)[members]
        if lab.max() == 0:
            continue
        weight = np.bincount(lab, weights=values[members] + 1e-9)
        keep = int(np.argmax(weight))
        a[members[lab != keep]] = -1
    nbrs = adj.neighbour_lists()
    totals = np.bincount(a[a >= 0], weights=values[a >= 0], minlength=k)
    while (a < 0).any():
        progressed = False
        for u in np.flatnonzero(a < 0).tolist():
            near = {a[v] for v in nbrs[u] if a[v] >= 0}
            if near:
                t = min(near, key=lambda s: totals[s])
                a[u] = t
                totals[t] += values[u]
                progressed = True
        if not progressed:  # a part of the map with no territory at all: its nearest-by-index territory
            left = np.flatnonzero(a < 0)
            a[left[0]] = int(np.argmin(totals))
            totals[a[left[0]]] += values[left[0]]
    # a territory emptied by the repair takes one unit from the largest neighbour, so k territories remain
    for t in range(k):
        if not (a == t).any():
            big = int(np.argmax(np.bincount(a, minlength=k)))
            members = np.flatnonzero(a == big)
            a[members[0]] = t
    return a


class _Search:
    """Simulated annealing over contiguous plans (plain Python lists: a few microseconds a move)."""

    def __init__(self, dist: np.ndarray, adj: Adjacency, values: np.ndarray, lo: float, hi: float, k: int,
                 rng: np.random.Generator) -> None:
        self.dist, self.adj, self.k, self.rng = dist, adj, k, rng
        self.values = np.asarray(values, dtype=np.float64)
        self.lo, self.hi = lo, hi
        self.nbrs = adj.neighbour_lists()
        self.n = len(values)

    # ----- scoring -------------------------------------------------------------------------------------
    def excess(self, a: np.ndarray) -> float:
        tot = np.bincount(a, weights=self.values, minlength=self.k)
        return float((np.maximum(tot - self.hi, 0) + np.maximum(self.lo - tot, 0)).sum())

    def cost(self, a: np.ndarray, centres: np.ndarray) -> float:
        return float(self.dist[np.arange(self.n), centres[a]].sum())

    def centres_for(self, a: np.ndarray) -> np.ndarray:
        """The best centre unit inside each territory (Σ w·d^q to it smallest)."""
        out = np.zeros(self.k, dtype=np.int64)
        for t in range(self.k):
            m = np.flatnonzero(a == t)
            out[t] = m[int(np.argmin(self.dist[np.ix_(m, m)].sum(axis=0)))] if len(m) else 0
        return out

    # ----- starts --------------------------------------------------------------------------------------
    def grow(self) -> np.ndarray:
        """Regions grown from k spread-out seeds, the lightest region taking its nearest free neighbour."""
        n, k, d = self.n, self.k, self.dist
        seeds = [int(self.rng.integers(n))]
        while len(seeds) < k:
            far = d[:, seeds].min(axis=1) * self.rng.uniform(0.5, 1.0, n)
            far[seeds] = -1
            seeds.append(int(np.argmax(far)))
        a = np.full(n, -1, dtype=np.int64)
        tot = np.zeros(k)
        for t, s in enumerate(seeds):
            a[s] = t
            tot[t] += self.values[s]
        frontier = [set() for _ in range(k)]
        for t, s in enumerate(seeds):
            frontier[t].update(v for v in self.nbrs[s] if a[v] < 0)
        while (a < 0).any():
            order = np.argsort(tot)
            for t in order.tolist():
                cand = [v for v in frontier[t] if a[v] < 0]
                if cand:
                    v = min(cand, key=lambda u: d[u, seeds[t]])
                    a[v] = t
                    tot[t] += self.values[v]
                    frontier[t].discard(v)
                    frontier[t].update(w for w in self.nbrs[v] if a[w] < 0)
                    break
            else:  # no region can grow: the rest of the map is cut off from every seed
                rest = np.flatnonzero(a < 0)
                a[rest] = int(np.argmin(tot))
                break
        return repair(self.adj, a, self.values, k)

    # ----- the search ----------------------------------------------------------------------------------
    def anneal(self, a0: np.ndarray, deadline: float, should_stop: Callable[[], bool],
               ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (assignment, centres) whenever the best state improves (balanced first, then cheaper)."""
        k, nbrs, dist = self.k, self.nbrs, self.dist
        vals = self.values.tolist()
        a = a0.astype(np.int64).tolist()
        centres = self.centres_for(np.array(a)).tolist()
        members = [set() for _ in range(k)]
        for u, t in enumerate(a):
            members[t].add(u)
        tot = [0.0] * k
        for u, t in enumerate(a):
            tot[t] += vals[u]
        d = dist.tolist()
        lo, hi = self.lo, self.hi
        scale = max(float(np.mean(dist[np.arange(self.n), np.array(centres)[np.array(a)]])), 1e-9)
        per_unit = scale / max(float(np.mean(self.values)), 1e-9)
        lam = 4.0 * per_unit
        temp = 0.3 * scale
        best: tuple[float, float] | None = None
        cur_ex = sum(_ex(tot[t], lo, hi) for t in range(k))
        cur_cost = sum(d[u][centres[a[u]]] for u in range(self.n))
        best_cost = math.inf
        it = 0
        boundary = self._boundary(a)
        rand = self.rng.random
        while True:
            it += 1
            if it % 512 == 0:
                if time.monotonic() > deadline or should_stop():
                    return
                temp *= 0.97
                if temp < 1e-4 * scale:
                    temp = 0.3 * scale  # reheat
            if it % 4096 == 0:  # re-choose the centres inside the territories as they are now
                arr = np.array(a)
                centres = self.centres_for(arr).tolist()
                cur_cost = sum(d[u][centres[a[u]]] for u in range(self.n))
                # the band's price follows the search: up while it strays outside, down while it holds
                lam = min(lam * 1.3, 50 * per_unit) if cur_ex > 1e-9 else max(lam * 0.85, 0.5 * per_unit)
                boundary = self._boundary(a)
                if best is None or (cur_ex > 1e-9 and best[0] > 0 and cur_ex < best[0]):
                    best = (cur_ex, math.inf)
                    yield np.array(a), np.array(centres)  # not yet balanced: the least bad so far still shows
            if cur_ex <= 1e-9 and cur_cost < best_cost - 1e-9:  # balanced and cheaper: keep it
                arr = np.array(a)
                cs = self.centres_for(arr)
                key = (0.0, self.cost(arr, cs))
                best_cost = cur_cost
                if best is None or key < best:
                    best = key
                    yield arr, cs
            if not boundary:
                return
            u = boundary[int(rand() * len(boundary))]
            ta = a[u]
            opts = [a[v] for v in nbrs[u] if a[v] != ta]
            if not opts:
                continue
            tb = opts[int(rand() * len(opts))]
            if u == centres[ta] or len(members[ta]) <= 1:
                continue
            v_u = vals[u]
            if rand() < 0.5:  # a swap: u goes to tb and a unit of tb touching ta comes back (balance kept)
                back = [w for w in members[tb] if w != centres[tb] and w != u
                        and any(a[x] == ta for x in nbrs[w])] if len(members[tb]) > 1 else []
                if back:
                    w = min(back[:40], key=lambda z: abs(vals[z] - v_u) + rand() * 0.05 * v_u)
                    v_w = vals[w]
                    old_pen = _ex(tot[ta], lo, hi) + _ex(tot[tb], lo, hi)
                    new_pen = _ex(tot[ta] - v_u + v_w, lo, hi) + _ex(tot[tb] + v_u - v_w, lo, hi)
                    move = (d[u][centres[tb]] - d[u][centres[ta]]) + (d[w][centres[ta]] - d[w][centres[tb]])
                    delta = move + lam * (new_pen - old_pen)
                    if delta > 0 and rand() >= math.exp(-delta / temp):
                        continue
                    a[u], a[w] = tb, ta
                    if not (self._connected(members[ta] - {u} | {w}, ta, a)
                            and self._connected(members[tb] - {w} | {u}, tb, a)):
                        a[u], a[w] = ta, tb
                        continue
                    members[ta].discard(u)
                    members[ta].add(w)
                    members[tb].discard(w)
                    members[tb].add(u)
                    tot[ta] += v_w - v_u
                    tot[tb] += v_u - v_w
                    cur_ex += new_pen - old_pen
                    cur_cost += move
                    if it % 64 == 0:
                        boundary = self._boundary(a)
                    continue
            old_pen = _ex(tot[ta], lo, hi) + _ex(tot[tb], lo, hi)
            new_pen = _ex(tot[ta] - v_u, lo, hi) + _ex(tot[tb] + v_u, lo, hi)
            move = d[u][centres[tb]] - d[u][centres[ta]]
            delta = move + lam * (new_pen - old_pen)
            if delta > 0 and rand() >= math.exp(-delta / temp):
                continue
            if not self._stays_connected(u, ta, a, members[ta]):
                continue
            a[u] = tb
            members[ta].discard(u)
            members[tb].add(u)
            tot[ta] -= v_u
            tot[tb] += v_u
            cur_ex += new_pen - old_pen
            cur_cost += move

    def _connected(self, members: set[int], t: int, a: list[int]) -> bool:
        """Are these units (all assigned to t in `a`) one piece?"""
        if not members:
            return True
        s = next(iter(members))
        seen = {s}
        stack = [s]
        nbrs = self.nbrs
        while stack:
            x = stack.pop()
            for y in nbrs[x]:
                if y not in seen and a[y] == t:
                    seen.add(y)
                    stack.append(y)
        return len(seen) == len(members)

    def _boundary(self, a: list[int]) -> list[int]:
        return [u for u in range(self.n) if any(a[v] != a[u] for v in self.nbrs[u])]

    def _stays_connected(self, u: int, t: int, a: list[int], members: set[int]) -> bool:
        """Does territory t stay one piece without unit u? (breadth-first from one of u's neighbours in t)"""
        inside = [v for v in self.nbrs[u] if a[v] == t]
        if len(inside) <= 1:
            return True  # a leaf: its removal cannot cut the rest
        target = len(members) - 1
        seen = {inside[0]}
        stack = [inside[0]]
        need = set(inside[1:])
        nbrs = self.nbrs
        while stack:
            x = stack.pop()
            for y in nbrs[x]:
                if y != u and y not in seen and a[y] == t:
                    seen.add(y)
                    need.discard(y)
                    if not need:
                        return True
                    stack.append(y)
        return len(seen) == target


def _ex(total: float, lo: float, hi: float) -> float:
    return total - hi if total > hi else lo - total if total < lo else 0.0


def check_contiguous(p: Problem, assignment: np.ndarray) -> bool:
    """Every territory one piece (a test and benchmark check)."""
    assert p.adjacency is not None
    return bool((pieces_per_territory(p.adjacency, assignment, p.k) <= 1).all())


def _latlon(p: Problem, centres: np.ndarray) -> np.ndarray | None:
    """The centre accounts' lat/lon when the carve is measured on the sphere (as `site_distance` measures it)."""
    if p.distance != "haversine" or p.lat is None:
        return None
    return np.column_stack([p.lat[centres], p.lon[centres]])
