"""Edits of account data derived by rules: segments (`SetSegments`) and scores (`SetScores`).

Re-segmenting or re-scoring by edited rules rewrites those columns for many accounts at once and keeps the
KPIs in step; `resegment` and `rescore` build the edit from a plan and the new rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from territory_desktop.core.edits.base import Edit
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.score import ScoreModel, compute_scores, tiers
from territory_desktop.core.segments import SegmentRules, segment_by_size
from territory_desktop.core.workload import SCALE


@dataclass
class SetSegments(Edit):
    """Give accounts new segments (re-segmenting by edited rules): service hours, eligibility, peer norms and
    every KPI follow; the rules that produced them become the plan's. Undo restores segments and rules."""

    segments: np.ndarray
    basis: np.ndarray
    rules: SegmentRules
    label: str = "Re-segment accounts"
    kind: ClassVar[str] = "segments"

    def apply_to(self, plan: Plan) -> Edit:
        if len(self.segments) != plan.n_accounts or len(self.basis) != plan.n_accounts:
            raise EditRefused("Segments must be given for every account of the plan.")
        old = SetSegments(plan.accounts["segment"].to_numpy(dtype=object).copy(),
                          plan.accounts["segment_basis"].to_numpy(dtype=object).copy(),
                          plan.settings.segment_rules, self.label)
        changed = np.flatnonzero(old.segments != np.asarray(self.segments, dtype=object))
        plan.accounts["segment"] = np.asarray(self.segments, dtype=object)
        plan.accounts["segment_basis"] = np.asarray(self.basis, dtype=object)
        plan.settings = replace(plan.settings, segment_rules=self.rules)
        plan._refresh_static_arrays()
        plan.kpis = KpiState.full(plan)
        plan._bump("segments", changed, tuple(int(i) for i in plan.active_territories()))
        return old

    def to_dict(self) -> dict[str, Any]:
        names, seg_codes = np.unique(np.asarray(self.segments, dtype=object).astype(str), return_inverse=True)
        bases, basis_codes = np.unique(np.asarray(self.basis, dtype=object).astype(str), return_inverse=True)
        return {"kind": self.kind, "names": names.tolist(), "codes": seg_codes.tolist(),
                "bases": bases.tolist(), "basis_codes": basis_codes.tolist(), "rules": self.rules.to_dict(),
                "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        names = np.asarray(d["names"], dtype=object)
        bases = np.asarray(d["bases"], dtype=object)
        return cls(names[np.asarray(d["codes"], dtype=np.int64)], bases[np.asarray(d["basis_codes"], dtype=np.int64)],
                   SegmentRules.from_dict(d["rules"]), d.get("label", "Re-segment accounts"))


def resegment(plan: Plan, rules: SegmentRules) -> SetSegments:
    """The edit that applies `rules` to every account sized by rules (a segment from the export stays)."""
    acc = plan.accounts
    sized, basis = segment_by_size(pd.to_numeric(acc["employees"], errors="coerce").to_numpy(np.float64),
                                   pd.to_numeric(acc["revenue"], errors="coerce").to_numpy(np.float64), rules)
    keep = acc["segment_basis"].astype(str).to_numpy() == "column"
    seg = np.where(keep, acc["segment"].to_numpy(dtype=object), sized)
    return SetSegments(seg, np.where(keep, "column", basis).astype(object), rules)


@dataclass
class SetScores(Edit):
    """Give account rows new scores and tiers (re-scoring by an edited score model): the score measure's
    totals follow exactly; with a model, it becomes the plan's. Undo restores scores, tiers and the model."""

    rows: np.ndarray
    score: np.ndarray
    tier: np.ndarray
    model: ScoreModel | None = None
    label: str = "Re-score accounts"
    kind: ClassVar[str] = "scores"

    def __post_init__(self) -> None:
        self.rows = np.asarray(self.rows, dtype=np.int64)
        self.score = np.asarray(self.score, dtype=np.float64)
        self.tier = np.asarray(self.tier, dtype=object)
        if not (len(self.rows) == len(self.score) == len(self.tier)):
            raise ValueError("scores: one score and one tier per row")
        if len(self.rows) > 1 and not (self.rows[1:] > self.rows[:-1]).all():
            # each row once, its last value (as `score[rows] = ...` would): the totals add every listed row
            self.rows, last = np.unique(self.rows[::-1], return_index=True)
            self.score, self.tier = self.score[::-1][last], self.tier[::-1][last]

    def apply_to(self, plan: Plan) -> Edit:
        if len(self.rows) and (self.rows.min() < 0 or self.rows.max() >= plan.n_accounts):
            raise EditRefused("Scores were given for accounts that are not in the plan.")
        acc = plan.accounts
        score = pd.to_numeric(acc["score"], errors="coerce").to_numpy(dtype=np.float64, copy=True)
        tier = acc["tier"].fillna("").astype(str).to_numpy(dtype=object)  # a fresh array: safe to write
        old = SetScores(self.rows, score[self.rows].copy(), tier[self.rows].copy(),
                        plan.settings.score_model if self.model is not None else None, self.label)
        same = (old.score == self.score) | (np.isnan(old.score) & np.isnan(self.score))
        changed = self.rows[~same | (old.tier != self.tier)]
        score[self.rows], tier[self.rows] = self.score, self.tier
        acc["score"], acc["tier"] = score, tier
        if self.model is not None:
            plan.settings = replace(plan.settings, score_model=self.model)
        touched: tuple[int, ...] = ()
        if "score" in plan.measure_names:  # the score's totals move by the rows' change only: exact, and cheap
            m = plan.measure_names.index("score")
            values = plan.measure_values.copy()  # a new array: a solver snapshot may hold the old one
            values[self.rows, m] = np.rint(np.nan_to_num(self.score) * SCALE).astype(np.int64)
            delta = values[self.rows, m] - plan.measure_values[self.rows, m]
            plan.measure_values = values
            terr = plan.assignment[self.rows].astype(np.int64)
            np.add.at(plan.kpis.sums[:, m], np.where(terr < 0, plan.n_territories, terr), delta)
            plan.kpis.moved_sums[m] += int(delta[terr != plan.baseline[self.rows]].sum())
            touched = tuple(int(t) for t in np.unique(terr[delta != 0]) if t >= 0)
        plan._bump("scores", changed, touched)
        return old

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows.tolist(),
                "score": [None if s != s else s for s in self.score.tolist()], "tier": self.tier.tolist(),
                "model": None if self.model is None else self.model.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        model = d.get("model")
        return cls(np.asarray(d["rows"], dtype=np.int64),
                   np.array([np.nan if s is None else s for s in d["score"]], dtype=np.float64),
                   np.asarray(d["tier"], dtype=object), None if model is None else ScoreModel.from_dict(model),
                   d.get("label", "Re-score accounts"))


def rescore(plan: Plan, model: ScoreModel) -> SetScores | None:
    """The edit that scores the model-scored accounts by `model` and re-tiers every account (tiers rank the
    whole book; a score from the export stays as it is), or None when no score or tier would change."""
    acc = plan.accounts
    old_score = pd.to_numeric(acc["score"], errors="coerce").to_numpy(dtype=np.float64)
    by_model = acc["score_basis"].astype(str).to_numpy() == "model"
    score = old_score.copy()
    if by_model.any():
        score[by_model] = compute_scores(acc, model)[by_model]
    tier = tiers(score, model)
    same = (score == old_score) | (np.isnan(score) & np.isnan(old_score))
    rows = np.flatnonzero(~same | (tier != acc["tier"].fillna("").astype(str).to_numpy(dtype=object)))
    if not len(rows):
        return None
    return SetScores(rows, score[rows], tier[rows], model)
