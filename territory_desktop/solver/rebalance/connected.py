"""Rebalancing a plan whose accounts are map units (counties, ZIPs) without ever cutting a territory in two.

The co-pilot's greedy (heuristic.py) moves any account to any near territory; on a county plan that leaves a
territory in pieces, which the planner asked not to happen (`BalanceSettings.keep_connected`). Here a move is
one boundary unit to a territory it touches, and it is made only when

* it lowers the band/capacity violation, or the deviation of a territory past half its band (so an
  overfull territory can push through in-band neighbours; nothing moves for tidiness alone),
* its own territory stays as connected as it was (a unit whose neighbours inside it are still joined without
  it; a stray piece may always leave), and no territory is emptied,
* the change budget allows it, and the unit is free and allowed there (locks, eligibility, closed territories).

Each round scores every boundary move at once in numpy, then takes the best ones whose territories no earlier
move of the round touched, so a round is a set of independent moves and the totals stay exact. Accounts with no
territory are given to a territory they touch (the one that suffers least), or the nearest one if they touch
none; the stray pieces of a territory that is already cut are first handed whole to a territory they touch.
Tested on county grids in tests/solver/rebalance/test_connected.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np

from territory_desktop.solver.problem.contiguity import Adjacency, components
from territory_desktop.solver.problem.snapshot import Problem, band_limits, targets_for
from territory_desktop.solver.problem.solution import Solution, make_solution

STATUS = "connected"
"""The plans' status: neither the greedy's "heuristic" nor the exact search's "improved" (none runs here)."""
TRIES_PER_ROUND = 400
"""Candidate moves checked for connectivity per round (best first); the rest wait for the next round."""
PULL = 0.5
"""Weight of the squared deviation past INNER of the band next to the band excess (as in heuristic.py)."""
INNER = 0.5
RETURN_BONUS = 1e-6
"""A tie-break only: of two equally good moves, the one that brings a unit back to its baseline owner wins."""


def connected_stream(p: Problem, time_limit: float,
                     should_stop: Callable[[], bool] = lambda: False) -> Iterator[Solution]:
    """Ever better plans in which no move cut a territory (the last one yielded is the best)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    adj = p.adjacency
    assert adj is not None
    search = _Search(p, adj)
    search.place_unassigned()
    search.join_pieces()
    best, _ = make_solution(p, search.a.astype(np.int32), t0, STATUS)
    yield best
    last_yield = time.monotonic()
    improved = False
    while time.monotonic() < deadline and not should_stop():
        if not search.round():
            break
        improved = True
        if time.monotonic() - last_yield > 1.0:
            yield make_solution(p, search.a.astype(np.int32), t0, STATUS)[0]
            last_yield, improved = time.monotonic(), False
    if improved:
        yield make_solution(p, search.a.astype(np.int32), t0, STATUS)[0]


class _Search:
    """The live assignment, its totals per territory and the moves that keep it connected."""

    def __init__(self, p: Problem, adj: Adjacency) -> None:
        self.p, self.adj = p, adj
        self.a = p.current.astype(np.int64).copy()
        self.free = p.free()
        self.limit = p.move_limit()
        n = p.n
        src = np.repeat(np.arange(n), np.diff(adj.start))
        self.src, self.dst = src, adj.nbr
        self.nbrs = adj.neighbour_lists()
        self.size = np.bincount(self.a[self.a >= 0], minlength=p.k)
        self.totals = np.zeros((p.k, p.m))
        ok = self.a >= 0
        np.add.at(self.totals, self.a[ok], p.values_in(np.flatnonzero(ok), self.a[ok]))
        finite = np.isfinite(p.bands) | np.isfinite(p.band_low)
        self.w = np.where(finite, np.maximum(p.weights, 0.05), 0.0)
        self.band = np.where(np.isfinite(p.bands), np.maximum(p.bands, 1e-6), 1.0)
        self.cap = p.capacity if p.capacity is not None and p.capacity_column is not None else None

    # ----- scoring ----------------------------------------------------------------------------------
    def _limits(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tgt = targets_for(self.p, self.totals)
        lo, hi = band_limits(self.p, tgt)
        return lo, hi, np.where(tgt > 0, tgt, 1.0)

    def _bad(self, tot: np.ndarray, terr: np.ndarray, lims: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        """Violation of territories `terr` if their totals were `tot` (rows of (C, M))."""
        lo, hi, safe = lims
        ex = np.maximum(tot - hi[terr], 0.0) + np.maximum(lo[terr] - tot, 0.0)
        bad = (ex / safe[terr] * self.w[None, :]).sum(axis=1)
        # the pull: past INNER of its band a territory gains by shedding to a neighbour nearer the middle, so an
        # overfull territory can push through in-band neighbours to an underfull one further away
        dev = np.abs(tot / safe[terr] - 1.0)
        bad = bad + PULL * ((np.maximum(dev - INNER * self.band[None, :], 0.0) ** 2) * self.w[None, :]).sum(axis=1)
        bad = np.where(self.p.active[terr], bad, 0.0)
        if self.cap is not None:
            c = self.cap[terr]
            over = np.maximum(tot[:, self.p.capacity_column] - c, 0.0)
            bad = bad + np.where(np.isfinite(c) & (c > 0), over / np.where(c > 0, c, 1.0), 0.0)
        return bad

    # ----- moves ------------------------------------------------------------------------------------
    def place_unassigned(self) -> None:
        """Give every free account without a territory one it touches (least harm), else its nearest."""
        p = self.p
        while True:
            todo = np.flatnonzero((self.a < 0) & self.free)
            if not len(todo):
                return
            cand = self._touching(todo)
            if cand is None:
                break
            u, t = cand
            lims = self._limits()
            vals = p.values_in(u, t)
            harm = self._bad(self.totals[t] + vals, t, lims) - self._bad(self.totals[t], t, lims)
            order = np.lexsort((u, harm))
            done: set[int] = set()
            for i in order.tolist():
                if int(u[i]) in done or int(t[i]) in done:
                    continue
                self._apply(int(u[i]), int(t[i]), vals[i])
                done |= {int(u[i]), int(t[i])}
        rows = np.flatnonzero((self.a < 0) & self.free)
        if len(rows):
            d = p.dist_all(rows)
            ok = p.territory_open[None, :] & p.active[None, :]
            if p.eligible is not None:
                ok = ok & p.eligible[rows]
            d = np.where(ok, d, np.inf)
            t = np.argmin(d, axis=1)
            for r, tt, fin in zip(rows.tolist(), t.tolist(), np.isfinite(d[np.arange(len(rows)), t]), strict=True):
                if fin:
                    self._apply(r, tt, p.values_in(np.array([r]), np.array([tt]))[0])

    def join_pieces(self) -> None:
        """Hand each stray piece of a cut territory (all but its largest) to a territory it touches.

        A whole piece moves at once, so its new territory stays one piece and its old one loses a piece. A piece
        holding a unit that may not move (locked, named, open pipeline) stays; so does one that touches no
        territory every unit of it may join."""
        p, a = self.p, self.a
        for s in range(p.k):
            members = np.flatnonzero(a == s)
            if len(members) < 2:
                continue
            label = components(self.adj, members)[members]
            sizes = np.bincount(label)
            if len(sizes) < 2:
                continue
            keep = int(np.argmax(sizes))
            for piece in range(len(sizes)):
                units = members[label == piece]
                if piece == keep or not self.free[units].all():
                    continue
                if self.limit is not None and int(p.counted_moves(a).sum()) + len(units) > self.limit:
                    continue  # the change budget outranks tidiness
                inside = np.zeros(p.n, dtype=bool)
                inside[units] = True
                e = inside[self.src] & ~inside[self.dst] & (a[self.dst] >= 0) & (a[self.dst] != s)
                touch, borders = np.unique(a[self.dst[e]], return_counts=True)
                for t in touch[np.argsort(-borders, kind="stable")].tolist():
                    if p.allowed(units, np.full(len(units), t)).all():
                        for u in units.tolist():
                            self._apply(u, t, p.values_in(np.array([u]), np.array([t]))[0])
                        break

    def _touching(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(unit, territory) pairs: each of `rows` with a territory one of its neighbours is in, allowed there."""
        inside = np.zeros(self.p.n, dtype=bool)
        inside[rows] = True
        e = inside[self.src] & (self.a[self.dst] >= 0)
        u, t = self.src[e], self.a[self.dst[e]]
        ok = self.p.allowed(u, t)
        u, t = u[ok], t[ok]
        if not len(u):
            return None
        pair = np.unique(np.column_stack([u, t]), axis=0)
        return pair[:, 0], pair[:, 1]

    def round(self) -> bool:
        """One round of independent improving moves; False when none is left."""
        p, a = self.p, self.a
        e = (a[self.src] >= 0) & (a[self.dst] >= 0) & (a[self.src] != a[self.dst]) & self.free[self.src]
        if not e.any():
            return False
        pair = np.unique(np.column_stack([self.src[e], a[self.dst[e]]]), axis=0)
        u, t = pair[:, 0], pair[:, 1]
        ok = p.allowed(u, t)
        u, t = u[ok], t[ok]
        if not len(u):
            return False
        s = a[u]
        lims = self._limits()
        v_from, v_to = p.values_in(u, s), p.values_in(u, t)
        before = self._bad(self.totals[s], s, lims) + self._bad(self.totals[t], t, lims)
        after = self._bad(self.totals[s] - v_from, s, lims) + self._bad(self.totals[t] + v_to, t, lims)
        gain = before - after
        base = p.baseline[u]
        gain = gain + RETURN_BONUS * (t == base) - RETURN_BONUS * ((s == base) & (base >= 0))
        good = np.flatnonzero(gain > 1e-9)
        if not len(good):
            return False
        good = good[np.argsort(-gain[good], kind="stable")][:TRIES_PER_ROUND]
        touched: set[int] = set()
        counted = int(p.counted_moves(a).sum()) if self.limit is not None else 0
        moved = False
        for i in good.tolist():
            uu, ss, tt = int(u[i]), int(s[i]), int(t[i])
            if ss in touched or tt in touched or self.size[ss] <= 1:
                continue
            if self.limit is not None:
                b = int(p.baseline[uu])
                step = int(b >= 0 and tt != b) - int(b >= 0 and ss != b)
                if counted + step > self.limit:
                    continue
            if self._splits(uu, ss):
                continue
            if self.limit is not None:
                counted += step
            self._apply(uu, tt, v_to[i], v_from[i])
            touched |= {ss, tt}
            moved = True
        return moved

    def _apply(self, u: int, t: int, v_to: np.ndarray, v_from: np.ndarray | None = None) -> None:
        s = int(self.a[u])
        if s >= 0:
            self.totals[s] -= v_from if v_from is not None else self.p.values_in(np.array([u]), np.array([s]))[0]
            self.size[s] -= 1
        self.totals[t] += v_to
        self.size[t] += 1
        self.a[u] = t

    def _splits(self, u: int, s: int) -> bool:
        """Would taking unit u out of territory s split the piece u is in? (Its neighbours in s stay joined.)"""
        a, nbrs = self.a, self.nbrs
        inside = [v for v in nbrs[u] if a[v] == s]
        if len(inside) <= 1:
            return False
        want = set(inside[1:])
        seen = {u, inside[0]}
        stack = [inside[0]]
        while stack and want:
            x = stack.pop()
            for y in nbrs[x]:
                if y not in seen and a[y] == s:
                    seen.add(y)
                    want.discard(y)
                    stack.append(y)
        return bool(want)
