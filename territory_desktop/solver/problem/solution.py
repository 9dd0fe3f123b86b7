"""A solution the solver proposes, scored and worded the same way whichever algorithm found it.

Shared by the rebalance engine and the carve (engine.py, pmedian.py), so neither imports the other for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from territory_desktop.core.band_words import deviation_text
from territory_desktop.solver.problem.snapshot import Evaluation, Problem, band_limits, evaluate


@dataclass
class Solution:
    """One plan the solver proposes, with how good it is and a sentence for the planner."""

    assignment: np.ndarray
    objective: float
    bound: float | None
    feasible: bool
    in_band: bool
    elapsed: float
    status: str
    message: str
    violation: float = 0.0
    centres: np.ndarray | None = None


def change_counts(problem: Problem, a: np.ndarray) -> tuple[int, int]:
    """(moved, newly assigned): accounts that had a territory and now have another (or none), and accounts
    that had none and now have one. A carve from scratch assigns every account and moves none."""
    a = np.asarray(a)
    changed = a != problem.current
    had = problem.current >= 0
    return int((changed & had).sum()), int((changed & ~had).sum())


def change_words(moved: int, assigned: int) -> str:
    """"12 accounts moved", "5,000 accounts newly assigned", "12 accounts moved, 5 newly assigned"."""
    def accounts(v: int) -> str:
        return f"{v:,} account{'s' if v != 1 else ''}"
    if assigned and moved:
        return f"{accounts(moved)} moved, {assigned:,} newly assigned"
    if assigned:
        return f"{accounts(assigned)} newly assigned"
    return f"{accounts(moved)} moved"


def describe(problem: Problem, e: Evaluation, moved: int, assigned: int = 0) -> str:
    """A sentence for the status line: in band or which territory is worst, and how many accounts move (or,
    having had no territory, are newly assigned: the same counts as `solve-points` prints as moved/assigned)."""
    names = problem.names or tuple(f"territory {i + 1}" for i in range(problem.k))
    act = np.flatnonzero(problem.active)
    moves = change_words(moved, assigned)
    if e.in_band:
        return f"All {len(act)} territories in band; {moves}."
    lo, hi = band_limits(problem, e.targets)
    out = (e.totals > hi + 1e-9) | (e.totals < lo - 1e-9)
    out[~problem.active] = False
    n_out = int(out.any(axis=1).sum())
    over_cap = int((e.capacity_excess > 1e-6).sum())
    parts = []
    if n_out:
        dev = np.where(out, np.abs(e.deviation), 0.0)
        t, c = np.unravel_index(int(np.argmax(dev)), dev.shape)
        parts.append(f"{n_out} territor{'ies' if n_out != 1 else 'y'} out of band "
                     f"(worst: {names[t]} {worst_text(problem, float(e.deviation[t, c]), int(c))} "
                     f"{problem.measure_names[c]})")
    if over_cap:
        parts.append(f"{over_cap} over capacity")
    return "; ".join(parts) + f"; {moves}." if parts else f"{moves}."


def worst_text(problem: Problem, dev: float, c: int) -> str:
    """A deviation beyond its band, with the decimal when whole percent would read as in band: "+15.3%", not
    "+15%" beside a ±15% band (`core/band_words.py`; a band's lower side may differ from its upper side)."""
    band = float(problem.bands[c] if dev >= 0 else problem.band_low[c])
    return deviation_text(dev, band, 0.0)  # only "out" or not matters here: no near zone


def make_solution(problem: Problem, a: np.ndarray, t0: float, status: str, bound: float | None = None,
                  centres: np.ndarray | None = None, centre_latlon: np.ndarray | None = None,
                  ) -> tuple[Solution, Evaluation]:
    """Score `a` as `evaluate` does (with a carve's own centres, x/y and lat/lon) into a worded Solution."""
    e = evaluate(problem, a, centres, centre_latlon)
    moved, assigned = change_counts(problem, a)
    return Solution(a.copy(), e.cost + 1e6 * e.violation * max(1.0, abs(e.cost)), bound, e.feasible,
                    e.in_band, time.monotonic() - t0, status, describe(problem, e, moved, assigned), e.violation,
                    centres), e
