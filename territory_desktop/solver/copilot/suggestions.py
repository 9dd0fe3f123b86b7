"""Turn the solver's plan into suggestions a planner can judge one at a time.

A suggestion is a small group of moves (1–5 accounts sharing a from→to pair, neighbours on the map) with the
KPI change it predicts for the two territories it touches and a sentence saying why. The numbers use the same
arithmetic as the core KPIs (fixed-point totals from `plan.kpis`, workload from `plan.workload_of`), so what a
suggestion predicts is what the territory panel shows after accepting it. Groups are ranked by improvement per
disruption, and accepting all of them is one edit that yields exactly the solver's plan.

Hard rules are re-checked against the live plan here, not trusted from the solver: locked and named accounts,
accounts with open pipeline (unless allowed), locked or removed territories, eligibility rules (segment -> role).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text, status_of
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.format import money
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.core.workload import SCALE
from territory_desktop.solver.problem.contiguity import territory_pieces
from territory_desktop.solver.problem.from_plan import plan_adjacency

COLUMNS = (ACCOUNTS, "potential", "pipeline", WORKLOAD)
"""Every total a suggestion predicts; balanced measures are a subset of these."""
SPREAD_WEIGHT = 0.1
"""Weight of the squared deviations next to the band excess: in-band moves towards the mean still rank."""


@dataclass(frozen=True)
class KpiDelta:
    """One measure of one touched territory, before and after the suggestion (display units)."""

    territory: int
    measure: str
    before: float
    after: float
    dev_before: float
    dev_after: float


@dataclass(eq=False)
class Suggestion:
    """Move `rows` from territory `from_territory` (-1: unassigned) to `to_territory`, for plan `version`.

    `deltas` and `reason` are worded on first use: a 100k-account solution yields thousands of groups, and the
    window shows a few dozen, so only those pay for their sentences.
    """

    rows: np.ndarray
    from_territory: int
    to_territory: int
    version: int
    improvement: float = 0.0
    score: float = 0.0
    pipeline: float = 0.0
    fixes: bool = False
    """True when the moves bring a touched territory towards its band or within capacity (or place an
    unassigned account), rather than only evening out territories already in band."""
    _detail: Callable[[Suggestion], tuple[tuple[KpiDelta, ...], str]] | None = field(default=None, repr=False)
    _cache: tuple[tuple[KpiDelta, ...], str] | None = field(default=None, repr=False)

    def is_stale(self, plan: Plan) -> bool:
        """True once the plan has changed since the suggestion was computed."""
        return plan.version != self.version

    @property
    def n_accounts(self) -> int:
        return len(self.rows)

    @property
    def deltas(self) -> tuple[KpiDelta, ...]:
        """Predicted totals and deviations of every balanced measure in the touched territories."""
        return self._described()[0]

    @property
    def reason(self) -> str:
        return self._described()[1]

    def _described(self) -> tuple[tuple[KpiDelta, ...], str]:
        if self._cache is None:
            self._cache = self._detail(self) if self._detail is not None else ((), "")
        return self._cache

    def moves(self) -> frozenset[tuple[int, int]]:
        """(row, target) pairs: how a rejected suggestion is recognised in later solutions."""
        return frozenset((int(r), self.to_territory) for r in self.rows)


def movable_mask(plan: Plan, rows: np.ndarray, targets: np.ndarray,
                 allow_pipeline_moves: bool | None = None) -> np.ndarray:
    """Which of these moves a suggestion may offer under the plan's hard rules (elementwise)."""
    rows = np.asarray(rows, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    k = plan.n_territories
    t_locked = np.array([t.locked for t in plan.territories] + [True], dtype=bool)  # -1 -> last slot
    t_removed = np.array([t.removed for t in plan.territories] + [True], dtype=bool)
    src = plan.assignment[rows].astype(np.int64)
    ok = ~plan.locked[rows] & ~plan.named[rows]
    allow = plan.settings.allow_pipeline_moves if allow_pipeline_moves is None else allow_pipeline_moves
    if not allow:
        pipe = plan.measure_values[rows, plan.measure_names.index("pipeline")] / SCALE
        ok &= ~(pipe > plan.settings.pipeline_lock_threshold) | (src < 0)  # an open deal with no owner: give it one
    tgt = np.where(targets < 0, k, targets)
    ok &= (targets >= 0) & ~t_locked[tgt] & ~t_removed[tgt]
    ok &= (src < 0) | ~t_locked[np.where(src < 0, k, src)]
    if plan.settings.eligibility and len(rows):
        ok &= eligible_matrix(plan)[plan.segment_codes[rows], tgt]
    return ok


def eligible_matrix(plan: Plan) -> np.ndarray:
    """(segments, K + 1): may an account of each segment go to each territory (last slot: unassigned)?

    The same rule as a hand move (core's check_movable): a territory without a role takes any segment.
    """
    k = plan.n_territories
    out = np.ones((max(len(plan.segment_names), 1), k + 1), dtype=bool)
    roles = [t.role for t in plan.territories]
    for code, segment in enumerate(plan.segment_names):
        allowed = plan.settings.allowed_roles(segment)
        if allowed is not None:
            out[code, :k] = [not r or r in allowed for r in roles]
    return out


@dataclass(frozen=True)
class ChangeBudget:
    """How many accounts may sit away from their baseline owner in all (the playbook's "few changes between
    reviews"), and how many already do. Giving an owner to an account that had none uses no budget, as in the
    solver (`Problem.counted_moves`)."""

    share: float
    limit: int | None
    """Accounts; None when there is no budget (share 0)."""
    used: int

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


def change_budget(plan: Plan, share: float | None = None) -> ChangeBudget:
    """The plan's change budget (`copilot_change_budget` unless `share` is given) and what it has used."""
    share = plan.settings.copilot_change_budget if share is None else float(share)
    used = int(((plan.assignment != plan.baseline) & (plan.baseline >= 0)).sum())
    if not share > 0:
        return ChangeBudget(0.0, None, used)
    return ChangeBudget(share, max(min(1, plan.n_accounts), math.floor(share * plan.n_accounts + 1e-9)), used)


def make_suggestions(plan: Plan, solution_assignment: np.ndarray, version: int, max_group: int = 5,
                     allow_pipeline_moves: bool | None = None,
                     rejected: set[tuple[int, int]] | None = None,
                     min_gain: float | None = None, budget: float | None = None) -> list[Suggestion]:
    """The moves from the current plan to the solver's plan, as ranked groups of at most `max_group` accounts.

    `rejected` holds (row, target) moves the planner turned down; they are not offered again. A group must earn
    its disruption: it brings a territory towards its band or capacity, or it improves the balance by at least
    `min_gain` per account moved (default: the plan's `copilot_min_gain`; 0 offers every move of the solver's
    plan). Reshuffling books that are already in band costs relationships for a gain nobody sees.

    The list stays within the change budget (`budget`, a share of the plan's accounts; default the plan's
    `copilot_change_budget`, 0 = none): the best groups are kept, those that fix a band or capacity first, until
    the accounts they take away from their baseline owner would pass what the budget has left.
    """
    sol = np.asarray(solution_assignment, dtype=np.int64)
    if sol.shape != (plan.n_accounts,):
        raise ValueError(f"the solver's plan has {sol.size:,} accounts but the plan has {plan.n_accounts:,}; "
                         "it belongs to another plan")
    rows = np.flatnonzero(sol != plan.assignment)
    rows = rows[movable_mask(plan, rows, sol[rows], allow_pipeline_moves)]
    if rejected:
        keep = np.array([(int(r), int(sol[r])) not in rejected for r in rows], dtype=bool)
        rows = rows[keep] if len(rows) else rows
    if not len(rows):
        return []
    groups = _group(plan, rows, sol[rows], max(1, int(max_group)))
    model = _Model(plan)
    out = model.score(groups, version)
    connected = plan.adjacency is not None and plan.settings.keep_connected
    if connected:
        _mark_joins(plan, out)
    gain = plan.settings.copilot_min_gain if min_gain is None else float(min_gain)
    if gain > 0:
        out = [s for s in out if s.fixes or s.improvement >= gain * s.n_accounts]
    out.sort(key=lambda s: (-s.score, -s.improvement, s.from_territory, s.to_territory, int(s.rows[0])))
    if connected:
        out = _keeping_territories_whole(plan, out)
    left = change_budget(plan, budget).left
    return out if left is None else _within_budget(plan, out, left)


def _mark_joins(plan: Plan, suggestions: list[Suggestion]) -> None:
    """Suggestions that, alone, leave their territory in fewer pieces are fixes: a cut territory breaks the
    planner's rule as surely as a band does. Their sentence says so first."""
    adj = plan_adjacency(plan)
    if adj is None:
        return
    now = plan.assignment
    cut = {t for t in {s.from_territory for s in suggestions} if t >= 0 and territory_pieces(adj, now, t) > 1}
    for s in suggestions:
        if s.from_territory not in cut:
            continue
        after = now.copy()
        after[s.rows] = s.to_territory
        if territory_pieces(adj, after, s.from_territory) < territory_pieces(adj, now, s.from_territory):
            s.fixes = True
            s._detail = _joining(s._detail, plan.territories[s.from_territory].name,
                                 plan.territories[s.to_territory].name)


def _joining(detail: Callable[[Suggestion], tuple[tuple[KpiDelta, ...], str]] | None, name: str,
             to: str) -> Callable[[Suggestion], tuple[tuple[KpiDelta, ...], str]]:
    def described(s: Suggestion) -> tuple[tuple[KpiDelta, ...], str]:
        deltas, reason = detail(s) if detail is not None else ((), "")
        head = f"Makes {name} one piece again: its cut-off part joins {to}."  # the group may move more than it
        return deltas, f"{head} {reason}".strip()
    return described


def _keeping_territories_whole(plan: Plan, ranked: list[Suggestion]) -> list[Suggestion]:
    """The suggestions that cut no territory, accepted alone or all together (in ranked order).

    The solver's plan keeps every territory one piece, but a group of its moves taken alone may not: a county
    that only touches its new territory through another county of the same move. Such a group waits; once the
    planner accepts the others, the next solve offers it again in a form that can be taken."""
    adj = plan_adjacency(plan)
    if adj is None or not ranked:
        return ranked
    now = plan.assignment
    kept_a = now.copy()
    pieces = {t: territory_pieces(adj, now, t) for s in ranked for t in (s.from_territory, s.to_territory) if t >= 0}
    out = []
    for s in ranked:
        alone = now.copy()
        alone[s.rows] = s.to_territory
        both = kept_a.copy()
        both[s.rows] = s.to_territory
        touched = [t for t in (s.from_territory, s.to_territory) if t >= 0]
        if all(territory_pieces(adj, alone, t) <= pieces[t] for t in touched) and \
                all(territory_pieces(adj, both, t) <= pieces[t] for t in touched):
            out.append(s)
            kept_a = both
    return out


def budget_cost(plan: Plan, suggestions: Sequence[Suggestion]) -> np.ndarray:
    """Per suggestion: how many more accounts would sit away from their baseline owner after it (negative when
    it brings accounts back). Accounts without a baseline owner cost nothing."""
    if not suggestions:
        return np.zeros(0, dtype=np.int64)
    rows = np.concatenate([s.rows for s in suggestions]).astype(np.int64)
    to = np.concatenate([np.full(len(s.rows), s.to_territory, dtype=np.int64) for s in suggestions])
    gid = np.repeat(np.arange(len(suggestions)), [len(s.rows) for s in suggestions])
    base = plan.baseline[rows]
    had = base >= 0
    delta = (had & (to != base)).astype(np.int64) - (had & (plan.assignment[rows] != base)).astype(np.int64)
    return np.bincount(gid, weights=delta, minlength=len(suggestions)).astype(np.int64)


def _within_budget(plan: Plan, ranked: list[Suggestion], left: int) -> list[Suggestion]:
    """The best of `ranked` whose moves fit in `left` more accounts away from their owner, in ranked order.

    Fixes (a band or capacity) are taken before refinements, so a tight budget goes where it matters."""
    cost = budget_cost(plan, ranked)
    keep = np.zeros(len(ranked), dtype=bool)
    spent = 0
    for i in sorted(range(len(ranked)), key=lambda i: not ranked[i].fixes):
        if spent + int(cost[i]) <= left:
            keep[i] = True
            spent += int(cost[i])
    return [s for s, k in zip(ranked, keep, strict=True) if k]


def suggestion_edit(suggestions: Sequence[Suggestion]) -> MoveAccounts:
    """One undoable edit accepting the suggestions (each row to its own target)."""
    if not suggestions:
        raise ValueError("there are no suggestions to accept")
    rows = np.concatenate([s.rows for s in suggestions]).astype(np.int64)
    if len(np.unique(rows)) != len(rows):
        raise ValueError("these suggestions move the same account twice; they come from different solutions")
    if len(suggestions) == 1:
        s = suggestions[0]
        return MoveAccounts(rows, int(s.to_territory), f"Accept suggestion ({_accounts(len(rows))})",
                            reason=_change_reason(s))
    to = np.concatenate([np.full(len(s.rows), s.to_territory, dtype=np.int32) for s in suggestions])
    # each row keeps its own suggestion's sentence: the change list says why every account moved
    reasons = np.concatenate([np.full(len(s.rows), _change_reason(s), dtype=object) for s in suggestions])
    return MoveAccounts(rows, to, f"Accept {len(suggestions):,} suggestions ({_accounts(len(rows))})",
                        reason=reasons)


def _change_reason(s: Suggestion) -> str:
    """The co-pilot's sentence, as the change list's reason (marked as the co-pilot's, so it reads as such)."""
    return f"Co-pilot: {s.reason}" if s.reason else "Co-pilot suggestion"


# ----- grouping ---------------------------------------------------------------------------------------
def _group(plan: Plan, rows: np.ndarray, targets: np.ndarray, max_group: int) -> list[tuple[np.ndarray, int, int]]:
    """Split moves by (from, to) pair, then into runs of map neighbours of near-equal size."""
    src = plan.assignment[rows].astype(np.int64)
    order = np.lexsort((targets, src))
    rows, src, targets = rows[order], src[order], targets[order]
    cut = np.flatnonzero((np.diff(src) != 0) | (np.diff(targets) != 0)) + 1
    out: list[tuple[np.ndarray, int, int]] = []
    for part in np.split(np.arange(len(rows)), cut):
        pr = rows[part]
        f, t = int(src[part[0]]), int(targets[part[0]])
        if len(pr) > max_group:
            pr = pr[_spatial_order(plan, pr)]
        for chunk in np.array_split(pr, math.ceil(len(pr) / max_group)):
            out.append((np.sort(chunk).astype(np.int64), f, t))
    return out


def _spatial_order(plan: Plan, rows: np.ndarray) -> np.ndarray:
    """Order rows along their wider geographic spread, so consecutive runs are neighbours (unplaced last)."""
    lat, lon = plan.lat[rows], plan.lon[rows]
    ok = np.isfinite(lat) & np.isfinite(lon)
    key = np.full(len(rows), np.inf)
    if ok.any():
        x = lon[ok] * math.cos(math.radians(float(lat[ok].mean())))
        key[ok] = x if np.ptp(x) >= np.ptp(lat[ok]) else lat[ok]
    return np.lexsort((rows, key))


# ----- scoring ----------------------------------------------------------------------------------------
class _Model:
    """The plan's totals and balance rules, to predict each group's effect on its own."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        s = plan.kpis
        k = plan.n_territories
        pj = [plan.measure_names.index(c) for c in ("potential", "pipeline")]
        self.totals = np.column_stack([s.counts[:k].astype(np.float64), s.sums[:k, pj[0]] / SCALE,
                                       s.sums[:k, pj[1]] / SCALE, s.workload[:k] / SCALE])
        self.active = np.array([not t.removed for t in plan.territories], dtype=bool)
        shares = np.array([t.target_share for t in plan.territories], dtype=np.float64)
        shares = np.where(self.active, shares, 0.0)
        self.group = _peer_groups(plan)
        group_share = np.bincount(self.group, weights=shares)
        self.share = np.where(group_share[self.group] > 0, shares / np.where(group_share[self.group] > 0,
                                                                             group_share[self.group], 1.0), 0.0)
        measures = [m for m in plan.settings.measures if m.measure in COLUMNS]
        self.cols = np.array([COLUMNS.index(m.measure) for m in measures], dtype=np.int64)
        self.names = [m.measure for m in measures]
        self.bands = np.array([m.band for m in measures], dtype=np.float64)
        self.weights = np.array([m.weight for m in measures], dtype=np.float64)
        cap = np.array([t.capacity_hours for t in plan.territories], dtype=np.float64)
        self.cap = np.where((cap > 0) & self.active, cap, np.inf) if plan.settings.capacity_hard \
            else np.full(k, np.inf)
        self.grand = np.zeros((int(self.group.max()) + 1 if k else 1, 4))
        np.add.at(self.grand, self.group[self.active], self.totals[self.active])
        self.dev0 = self._dev(self.totals, self.grand[self.group], self.share)
        self.bad0 = self._badness(self.totals, self.dev0, self.cap)

    def _dev(self, totals: np.ndarray, grand: np.ndarray, share: np.ndarray) -> np.ndarray:
        """Deviation of each row of (R, 4) totals from its share of the (R, 4) grand totals, per measure."""
        target = grand[:, self.cols] * share[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.where(target > 0, totals[:, self.cols] / np.where(target > 0, target, 1.0) - 1.0, 0.0)
        return np.where((share > 0)[:, None], dev, 0.0)

    def _badness(self, totals: np.ndarray, dev: np.ndarray, cap: np.ndarray, spread: bool = True) -> np.ndarray:
        """Weighted band excess plus a little squared deviation (unless `spread` is False: then only what is
        out of band or over capacity counts) plus relative capacity excess, per row."""
        excess = np.maximum(np.abs(dev) - self.bands[None, :], 0.0)
        finite = np.isfinite(cap)
        over = np.where(finite, np.maximum(totals[:, 3] - np.where(finite, cap, 0.0), 0.0)
                        / np.where(finite, cap, 1.0), 0.0)
        inner = excess + SPREAD_WEIGHT * dev ** 2 if spread else excess
        return (inner * self.weights[None, :]).sum(axis=1) + over

    def score(self, groups: list[tuple[np.ndarray, int, int]], version: int) -> list[Suggestion]:
        """Each group's effect on its own: the touched territories exactly (the others keep their targets,
        which shift by a negligible fraction when travel time changes the grand total of workload)."""
        plan = self.plan
        g_rows = np.concatenate([g[0] for g in groups])
        gid = np.repeat(np.arange(len(groups)), [len(g[0]) for g in groups])
        f = np.array([g[1] for g in groups], dtype=np.int64)
        t = np.array([g[2] for g in groups], dtype=np.int64)
        pj = [plan.measure_names.index(c) for c in ("potential", "pipeline")]
        vals = np.column_stack([np.ones(len(g_rows)), plan.measure_values[g_rows][:, pj] / SCALE])
        n = len(groups)
        out_d = np.zeros((n, 4))
        in_d = np.zeros((n, 4))
        np.add.at(out_d[:, :3], gid, vals)
        np.add.at(in_d[:, :3], gid, vals)
        np.add.at(out_d[:, 3], gid, plan.workload_of(g_rows, f[gid]) / SCALE)
        np.add.at(in_d[:, 3], gid, plan.workload_of(g_rows, t[gid]) / SCALE)
        has_f = f >= 0
        fz = np.where(has_f, f, t)
        out_g = out_d * (has_f & self.active[fz])[:, None]  # what leaves the source's peer group
        in_g = in_d * self.active[t][:, None]  # what enters the target's peer group
        same = (self.group[fz] == self.group[t])[:, None]
        grand_t = self.grand[self.group[t]] + in_g - np.where(same, out_g, 0.0)
        grand_f = self.grand[self.group[fz]] - out_g + np.where(same, in_g, 0.0)
        tot_t = self.totals[t] + in_d
        tot_f = self.totals[fz] - out_d
        dev_t = self._dev(tot_t, grand_t, self.share[t])
        dev_f = self._dev(tot_f, grand_f, self.share[fz])
        before = self.bad0[t] + np.where(has_f, self.bad0[fz], 0.0)
        after = self._badness(tot_t, dev_t, self.cap[t]) + np.where(
            has_f, self._badness(tot_f, dev_f, self.cap[fz]), 0.0)
        improvement = before - after
        # does the group bring a territory towards its band or capacity? (the spread term left out)
        out_before = self._badness(self.totals[t], self.dev0[t], self.cap[t], False) + np.where(
            has_f, self._badness(self.totals[fz], self.dev0[fz], self.cap[fz], False), 0.0)
        out_after = self._badness(tot_t, dev_t, self.cap[t], False) + np.where(
            has_f, self._badness(tot_f, dev_f, self.cap[fz], False), 0.0)
        fixes = out_before - out_after > 1e-9
        away = np.zeros(n, dtype=np.int64)
        np.add.at(away, gid, plan.baseline[g_rows] != t[gid])
        score = np.where(away > 0, improvement / np.maximum(away, 1), improvement * 2.0)
        out: list[Suggestion] = []
        for i, (rows, fi, ti) in enumerate(groups):
            touched = ((fi, tot_f[i], dev_f[i]),) if fi >= 0 else ()
            touched += ((ti, tot_t[i], dev_t[i]),)
            out.append(Suggestion(rows, fi, ti, version, float(improvement[i]), float(score[i]),
                                  float(out_d[i, 2]), fixes=bool(fixes[i]) or fi < 0,
                                  _detail=self._describer(touched, int(away[i]))))
        return out

    def _describer(self, touched: tuple[tuple[int, np.ndarray, np.ndarray], ...],
                   away: int) -> Callable[[Suggestion], tuple[tuple[KpiDelta, ...], str]]:
        def describe(s: Suggestion) -> tuple[tuple[KpiDelta, ...], str]:
            deltas = tuple(KpiDelta(x, name, float(self.totals[x, c]), float(tot[c]), float(self.dev0[x, j]),
                                    float(dev[j]))
                           for x, tot, dev in touched
                           for j, (name, c) in enumerate(zip(self.names, self.cols, strict=True)))
            return deltas, self._reason(deltas, s, away)
        return describe

    def _reason(self, deltas: tuple[KpiDelta, ...], s: Suggestion, away: int) -> str:
        plan = self.plan
        gain = {id(d): (abs(d.dev_before) - abs(d.dev_after)) * self.weights[self.names.index(d.measure)]
                for d in deltas}
        words = {id(d): self._words(d) for d in deltas}
        visible = {id(d) for d in deltas if words[id(d)][0] != words[id(d)][1]}
        helped = sorted((d for d in deltas if gain[id(d)] > 1e-4 and id(d) in visible), key=lambda d: -gain[id(d)])
        clauses: list[str] = []
        for d in helped[:2]:
            if clauses and (d.territory == helped[0].territory or gain[id(d)] < 0.5 * gain[id(helped[0])]):
                continue
            before, after, note = words[id(d)]
            clauses.append(f"{_name(plan, d.territory)} from {before} to {after} {d.measure}{note}")
        back = " back to their original owner" if away == 0 else ""
        tail = (f"moves {_accounts(s.n_accounts)} from {_name(plan, s.from_territory)} to "
                f"{_name(plan, s.to_territory)}{back}, {money(s.pipeline)} open pipeline")
        if not clauses or s.improvement <= 0:
            return f"Part of the solver's plan (helps together with the other moves); {tail}"
        return "Brings " + " and ".join(clauses) + "; " + tail

    def _words(self, d: KpiDelta) -> tuple[str, str, str]:
        """Before, after and a note, worded by `core/band_words.py` so each number reads as its band word: a
        promise of "−15%" against a ±15% band that still leaves the territory out reads "−15.3% (still out)"."""
        band = float(self.bands[self.names.index(d.measure)])
        near = self.plan.settings.near_fraction
        before, after = status_of(d.dev_before, band, near), status_of(d.dev_after, band, near)
        note = (" (still out)" if after == kpis.OUT else " (into its band)" if before == kpis.OUT else "")
        return deviation_text(d.dev_before, band, near), deviation_text(d.dev_after, band, near), note


def _peer_groups(plan: Plan) -> np.ndarray:
    """Peer group of every territory slot, as core's KPIs compare them (by rep role when the settings say so)."""
    return kpis.peer_groups(plan, np.arange(plan.n_territories))


def _name(plan: Plan, index: int) -> str:
    return "Unassigned" if index < 0 else plan.territories[index].name


def _accounts(n: int) -> str:
    return f"{n:,} account{'s' if n != 1 else ''}"
