"""The fast first answer: vectorised greedy transfers of boundary accounts towards the band.

Why a heuristic first: a CP-SAT model of a 100k-account plan takes seconds just to build, while the planner
expects a suggestion within a second or two. Each round scores every candidate move at once in numpy (an account
to one of its L nearest allowed territories), then walks the most promising ones in order, re-checking each
against the live totals so that a batch never overshoots. Two criteria, lexicographic:

1. reduce the band/capacity violation (plus a small pull towards the middle of the band, which lets an overfull
   territory push accounts through in-band neighbours to an underfull one further away), ranked by improvement
   per unit of cost (disruption + compactness), so boundary accounts and small moves go first;
2. once nothing more helps the balance, lower the cost without any territory leaving its band
   (undo needless moves, tidy the borders).

It never breaks a hard rule: only free accounts move, only to open, active, eligible territories, and the change
budget is checked move by move.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from territory_desktop.solver.problem.snapshot import Problem, band_limits, targets_for

EPS = 1e-12
PULL = 0.5       # weight of the pull towards the middle of the band (phase 1 only)
INNER = 0.5      # the pull starts past this fraction of the band
MAX_MOVES_PER_ACCOUNT = 3  # no account ping-pongs while targets drift


def candidate_lists(problem: Problem, rows: np.ndarray, width: int = 8,
                    centres: np.ndarray | None = None) -> np.ndarray:
    """(len(rows), width) nearest allowed territories of each row (-1 pads); the baseline owner is kept in."""
    k = problem.k
    width = min(width, k)
    out = np.full((len(rows), width), -1, dtype=np.int32)
    chunk = max(1, 2_000_000 // max(k, 1))
    for s in range(0, len(rows), chunk):
        r = rows[s:s + chunk]
        d = problem.dist_all(r, centres)
        ok = problem.territory_open[None, :] & problem.active[None, :]
        if problem.eligible is not None:
            ok = ok & problem.eligible[r]
        d = np.where(ok, d, np.inf)
        if width < k:
            part = np.argpartition(d, width - 1, axis=1)[:, :width]
        else:
            part = np.tile(np.arange(k), (len(r), 1))
        dd = np.take_along_axis(d, part, axis=1)
        order = np.argsort(dd, axis=1)
        part = np.take_along_axis(part, order, axis=1)
        dd = np.take_along_axis(dd, order, axis=1)
        out[s:s + chunk] = np.where(np.isfinite(dd), part, -1)
    base = problem.baseline[rows]
    has_base = (base >= 0) & (out == base[:, None]).any(axis=1)
    can_base = base >= 0
    can_base[can_base] = problem.allowed(rows[can_base], base[can_base])
    fix = can_base & ~has_base & (width > 1)
    out[fix, -1] = base[fix]
    return out


class _Scorer:
    """Balance score f of a territory's totals: weighted relative band excess (+ capacity, + middle pull)."""

    def __init__(self, problem: Problem, totals: np.ndarray, pull: float) -> None:
        p = problem
        self.tgt = targets_for(p, totals)
        self.lo, self.hi = band_limits(p, self.tgt)
        self.safe = np.where(self.tgt > 0, self.tgt, 1.0)
        finite = np.isfinite(p.bands) | np.isfinite(p.band_low)
        self.w = np.where(finite, np.maximum(p.weights, 0.05), 0.0)
        self.w = np.broadcast_to(self.w, self.tgt.shape).copy()
        self.w[~p.active] = 0.0
        self.band = np.where(np.isfinite(p.bands), np.maximum(p.bands, 1e-6), 1.0)
        self.pull = pull
        # normalised limits: lo/target and hi/target are the same for every territory
        self.inv = 1.0 / self.safe
        self.hi_c = 1.0 + np.where(np.isfinite(p.bands), p.bands, np.inf)
        self.lo_c = 1.0 - np.where(np.isfinite(p.band_low), p.band_low, np.inf)
        self.band_c = self.band.copy()
        self.w_c = np.where(finite, np.maximum(p.weights, 0.05), 0.0)
        self.cap = None
        if p.capacity is not None and p.capacity_column is not None:
            self.cap = np.where(np.isfinite(p.capacity), p.capacity, np.inf)
            self.cap_safe = np.where((self.cap > 0) & np.isfinite(self.cap), self.cap, 1.0)
            self.cap_col = p.capacity_column
            self.cap_w = 4.0 if p.capacity_hard else 1.0

    def f_fast(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """`f` for active territories in normalised units: one gather (1/target) instead of four."""
        z = x * self.inv[t]
        ex = np.maximum(z - self.hi_c, 0.0) + np.maximum(self.lo_c - z, 0.0)
        if self.pull > 0:
            d = np.maximum(np.abs(z - 1.0) - INNER * self.band_c, 0.0)
            ex += self.pull * d * d / self.band_c
        s = ex @ self.w_c
        if self.cap is not None:
            s += self.cap_w * np.maximum(x[..., self.cap_col] - self.cap[t], 0.0) / self.cap_safe[t]
        return s

    def lists(self) -> None:
        """Plain-Python copies for the per-move check (numpy's call overhead dominates on 4 numbers)."""
        self.l_lo, self.l_hi = self.lo.tolist(), self.hi.tolist()
        self.l_safe, self.l_w = self.safe.tolist(), self.w.tolist()
        self.l_band = self.band.tolist()
        self.l_cap = self.cap.tolist() if self.cap is not None else None
        self.l_cap_safe = self.cap_safe.tolist() if self.cap is not None else None

    def f1(self, x: list[float], t: int) -> float:
        """f of one territory's totals, in plain Python (same formula as `f`)."""
        lo, hi, safe, w = self.l_lo[t], self.l_hi[t], self.l_safe[t], self.l_w[t]
        s = 0.0
        for c, xc in enumerate(x):
            wc = w[c]
            if wc == 0.0:
                continue
            sc = safe[c]
            if xc > hi[c]:
                s += wc * (xc - hi[c]) / sc
            elif xc < lo[c]:
                s += wc * (lo[c] - xc) / sc
            if self.pull > 0:
                b = self.l_band[c]
                d = abs(xc / sc - 1.0) - INNER * b
                if d > 0:
                    s += self.pull * d * d / b * wc
        if self.l_cap is not None:
            e = x[self.cap_col] - self.l_cap[t]
            if e > 0:
                s += self.cap_w * e / self.l_cap_safe[t]
        return s

    def f(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Score of totals x (..., M) for territories t (...)."""
        lo, hi, safe, w = self.lo[t], self.hi[t], self.safe[t], self.w[t]
        ex = (np.maximum(x - hi, 0.0) + np.maximum(lo - x, 0.0)) / safe
        s = (ex * w).sum(axis=-1)
        if self.pull > 0:
            dev = np.abs(x / safe - 1.0) - INNER * self.band
            s = s + self.pull * ((np.maximum(dev, 0.0) ** 2 / self.band) * w).sum(axis=-1)
        if self.cap is not None:
            s = s + self.cap_w * np.maximum(x[..., self.cap_col] - self.cap[t], 0.0) / self.cap_safe[t]
        return s


class Greedy:
    """Greedy transfer search on a problem; `run` improves an assignment in place until stuck or out of time."""

    def __init__(self, problem: Problem, width: int = 8, centres: np.ndarray | None = None) -> None:
        p = self.p = problem
        self.centres = p.centres if centres is None else centres
        self.free_rows = np.flatnonzero(p.free())
        self.cand = candidate_lists(p, self.free_rows, width, self.centres)
        r = self.free_rows
        n, width = self.cand.shape
        cw = p.compactness_weight * p.cost_weight()[r]
        dv = p.disruption_weight * p.disruption_values()[r]
        base = p.baseline[r]
        cflat = np.where(self.cand >= 0, self.cand, 0)
        rr = np.repeat(r, width)
        d = p.dist(rr, cflat.ravel(), self.centres).reshape(n, width) ** p.q
        self.cost_c = cw[:, None] * d + dv[:, None] * (self.cand != base[:, None])
        self.cw, self.dv, self.base = cw, dv, base
        self.wcol = p.workload_column if p.work_base is not None else None
        if self.wcol is not None:
            self.work_c = p.work_hours(r[:, None], p.travel_km(rr, cflat.ravel()).reshape(n, width))
        self.vals = p.measures[r]
        unit = float(np.mean(dv)) + float(np.mean(cw * np.mean(d))) if n else 1.0
        self.c0 = max(unit, 1e-9)
        self.budget_w = p.budget_values()[r]

    # ----- helpers -------------------------------------------------------------------------------------
    def _cost_now(self, a: np.ndarray) -> np.ndarray:
        p = self.p
        r = self.free_rows
        ok = a >= 0
        d = np.zeros(len(r))
        d[ok] = p.dist(r[ok], a[ok], self.centres) ** p.q
        return self.cw * d + self.dv * (a != self.base)

    def _vals_now(self, a: np.ndarray) -> np.ndarray:
        v = self.vals.copy()
        if self.wcol is not None:
            r = self.free_rows
            v[:, self.wcol] = np.where(a >= 0, self.p.values_in(r, a)[:, self.wcol], 0.0)
        return v

    def totals(self, assignment: np.ndarray) -> np.ndarray:
        p = self.p
        t = np.zeros((p.k, p.m))
        ok = assignment >= 0
        np.add.at(t, assignment[ok], p.values_in(np.flatnonzero(ok), assignment[ok]))
        return t

    def repair(self, assignment: np.ndarray) -> None:
        """Put unassigned free accounts in their nearest allowed territory (the baseline owner if allowed).

        Accounts the planner placed in an ineligible territory stay: the solver never moves one *into* a
        territory it may not go to, but it does not overrule the planner's own placements either.
        """
        r = self.free_rows
        bad = assignment[r] < 0
        if not bad.any():
            return
        base = self.base[bad]
        ok_base = base >= 0
        ok_base[ok_base] = self.p.allowed(r[bad][ok_base], base[ok_base])
        pick = np.where(ok_base, base, self.cand[bad, 0])
        assignment[r[bad]] = pick

    # ----- the search ----------------------------------------------------------------------------------
    def run(self, assignment: np.ndarray, deadline: float, should_stop: Callable[[], bool] = lambda: False,
            max_rounds: int = 10_000) -> np.ndarray:
        """Improve `assignment` (modified and returned) until no move helps or the deadline passes."""
        p = self.p
        self.repair(assignment)
        if not len(self.free_rows):
            return assignment
        tot = self.totals(assignment)
        counted = p.counted_moves(assignment)
        moved = int(counted.sum())
        moved_w = float(p.budget_values()[counted].sum())
        lim, wlim = p.move_limit(), p.moved_share_limit()
        phase = 1
        batch = int(min(5000, max(64, 10 * p.k)))
        self.moves = np.zeros(len(self.free_rows), dtype=np.int16)
        sc = _Scorer(p, tot, PULL)
        fresh = True
        for _ in range(max_rounds):
            if time.monotonic() > deadline or should_stop():
                break
            a = assignment[self.free_rows]
            fk = sc.f(tot, np.arange(p.k))
            hot = fk > 1e-12
            if phase == 1:
                sel = np.flatnonzero((a >= 0) & (hot[np.clip(a, 0, None)]
                                                 | (hot[np.clip(self.cand, 0, None)] & (self.cand >= 0)).any(1)))
            else:
                sel = np.flatnonzero(a >= 0)
            sel = sel[self.moves[sel] < MAX_MOVES_PER_ACCOUNT]
            n_acc = 0
            if len(sel):
                moved, moved_w, n_acc = self._round(assignment, sel, sc, tot, phase, batch, [moved, moved_w],
                                                    lim, wlim)
            if n_acc:
                fresh = False
                continue
            if not fresh:  # stuck against targets that drifted (workload totals move): look again
                sc = _Scorer(p, tot, PULL if phase == 1 else 0.0)
                fresh = True
                continue
            if phase == 2:
                break
            phase = 2
            sc = _Scorer(p, tot, 0.0)
        return assignment

    def _round(self, assignment: np.ndarray, sel: np.ndarray, sc: _Scorer, tot: np.ndarray, phase: int,
               batch: int, budget: list, lim: int | None, wlim: float | None) -> tuple[int, float, int]:
        p = self.p
        r = self.free_rows[sel]
        a = assignment[r]
        cand = self.cand[sel]
        valid = (cand >= 0) & (cand != a[:, None])
        cflat = np.where(cand >= 0, cand, 0)
        v = self._vals_now(assignment[self.free_rows])[sel]
        fk = sc.f(tot, np.arange(p.k))
        f_src_old = fk[a]
        f_src_new = sc.f_fast(tot[a] - v, a)
        vd = np.broadcast_to(self.vals[sel][:, None, :], cand.shape + (p.m,)).copy()
        if self.wcol is not None:
            vd[:, :, self.wcol] = self.work_c[sel]
        f_dst_old = fk[cflat]
        f_dst_new = sc.f_fast(tot[cflat] + vd, cflat)
        dfb = (f_src_new - f_src_old)[:, None] + (f_dst_new - f_dst_old)
        cost_now = self._cost_now(assignment[self.free_rows])[sel]
        dc = self.cost_c[sel] - cost_now[:, None]
        if phase == 1:
            good = valid & (dfb < -1e-9)
            key = np.where(good, dfb / (np.maximum(dc, 0.0) + self.c0), np.inf)
        else:
            good = valid & (dfb <= 1e-12) & (dc < -1e-9 * self.c0)
            key = np.where(good, dc, np.inf)
        best = np.argmin(key, axis=1)
        bkey = key[np.arange(len(sel)), best]
        rows_ok = np.flatnonzero(np.isfinite(bkey))
        if not len(rows_ok):
            return budget[0], budget[1], 0
        order = rows_ok[np.argsort(bkey[rows_ok], kind="stable")][:batch]
        moved, moved_w = budget
        accepted = 0
        sc.lists()
        tl = tot.tolist()
        touched = set()
        for i in order:
            src = int(a[i])
            li = int(best[i])
            dst = int(cand[i, li])
            vi = v[i].tolist()
            vj = vd[i, li].tolist()
            x_src, x_dst = tl[src], tl[dst]
            n_src = [xs - vs for xs, vs in zip(x_src, vi, strict=True)]
            n_dst = [xd + vs for xd, vs in zip(x_dst, vj, strict=True)]
            dfi = sc.f1(n_src, src) + sc.f1(n_dst, dst) - sc.f1(x_src, src) - sc.f1(x_dst, dst)
            dci = float(dc[i, li])
            if phase == 1 and not dfi < -1e-9:
                continue
            if phase == 2 and not (dfi <= 1e-12 and dci < 0):
                continue
            row = int(r[i])
            base = p.baseline[row]
            dm = (int(dst != base) - int(src != base)) if base >= 0 else 0
            bw = self.budget_w[sel[i]] * dm
            if lim is not None and dm > 0 and moved + dm > lim:
                continue
            if wlim is not None and bw > 0 and moved_w + bw > wlim + 1e-9:
                continue
            tl[src], tl[dst] = n_src, n_dst
            touched.update((src, dst))
            assignment[row] = dst
            moved += dm
            moved_w += bw
            accepted += 1
            self.moves[sel[i]] += 1
        for t in touched:
            tot[t] = tl[t]
        return moved, moved_w, accepted


def greedy_solve(problem: Problem, time_limit: float = 1.0, start: np.ndarray | None = None,
                 should_stop: Callable[[], bool] = lambda: False, width: int = 8) -> np.ndarray:
    """One call: the greedy search from `start` (default: the current assignment)."""
    g = Greedy(problem, width)
    a = (problem.current if start is None else start).astype(np.int32).copy()
    return g.run(a, time.monotonic() + time_limit, should_stop)
