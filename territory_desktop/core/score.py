"""The account score and its A/B/C tiers: the playbook's "TAM fit + propensity + strategic value".

A score column in the export is used as is. Otherwise each account gets 0–100 from four components, each
0–1 and computed on the plan's own data so the score means something on any export:

- size: the account's percentile rank by potential (the best size estimate the plan has);
- fit: how often accounts of its industry are already customers, relative to the best industry (an ideal
  customer profile learnt from the book itself; neutral 0.5 when the export says nothing about status);
- propensity: customer 1, open opportunity 0.7, prospect/lead 0.3, former customer 0.2 (status words), raised
  to at least 0.7 by any open pipeline;
- strategic: 1 for named accounts.

score = 100 × Σ weightᵢ·componentᵢ / Σ weightᵢ. Tiers are by rank, not by fixed thresholds, so they stay
meaningful whatever scale a score column has: the top `a_share` of accounts are A, the next `b_share` B.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

COMPONENTS = ("size", "fit", "propensity", "strategic")
TIERS = ("A", "B", "C")

_STATUS_WORDS = (
    (("former", "churn", "lost", "inactive", "cancel", "lapsed", "ex-customer"), 0.2),
    (("customer", "client", "active", "won", "renewal", "evangelist"), 1.0),
    (("opportunity", "opp", "negotiat", "proposal", "sql", "deal"), 0.7),
    (("prospect", "lead", "mql", "subscriber", "target", "new", "cold", "other"), 0.3),
)
"""Status words and their propensity, checked in this order ('former customer' is former, not customer)."""


@dataclass(frozen=True)
class ScoreModel:
    """Weights of the four components and the shares of the A and B tiers."""

    size: float = 0.4
    fit: float = 0.2
    propensity: float = 0.3
    strategic: float = 0.1
    a_share: float = 0.2
    b_share: float = 0.3

    def __post_init__(self) -> None:
        weights = [getattr(self, c) for c in COMPONENTS]
        if any(not (np.isfinite(w) and w >= 0) for w in weights) or sum(weights) <= 0:
            raise ValueError("score model: the weights must be 0 or more and not all 0")
        if not (self.a_share > 0 and self.b_share >= 0 and self.a_share + self.b_share <= 1):
            raise ValueError("score model: the A and B tier shares must be above 0 and add up to at most 100%")

    def describe(self) -> str:
        parts = ", ".join(f"{getattr(self, c) / self.total_weight:.0%} {c}" for c in COMPONENTS
                          if getattr(self, c) > 0)
        return (f"score 0–100 = {parts}; tier A = top {self.a_share:.0%}, B = next {self.b_share:.0%}, "
                "C = the rest")

    @property
    def total_weight(self) -> float:
        return float(sum(getattr(self, c) for c in COMPONENTS))

    def to_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in (*COMPONENTS, "a_share", "b_share")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScoreModel:
        base = cls()
        return cls(**{k: float(d.get(k, getattr(base, k))) for k in (*COMPONENTS, "a_share", "b_share")})


def _words(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code per row, distinct words) of a text column trimmed and case-folded: the string work is done once
    per distinct cell (a CRM has a handful of statuses and industries; at 1M rows per-row string methods cost
    ~1.5 s)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    folded = [str(u).strip().casefold() for u in uniques.tolist()] + [""]  # the last one: missing cells
    word_codes, words = pd.factorize(np.array(folded, dtype=object))
    return word_codes[np.where(codes < 0, len(folded) - 1, codes)], [str(w) for w in words.tolist()]


def _status_values(words: list[str]) -> np.ndarray:
    """Propensity of each distinct status word (0.3 when no rule names it)."""
    per_word = np.full(len(words), np.nan)
    series = pd.Series(words, dtype=object)
    for keys, value in _STATUS_WORDS:
        hit = np.isnan(per_word) & series.str.contains("|".join(keys), regex=True).to_numpy(dtype=bool)
        per_word[hit] = value
    return np.where(np.isnan(per_word), 0.3, per_word)


def propensity(status: pd.Series, pipeline: np.ndarray) -> np.ndarray:
    """0–1 likelihood to buy from the CRM status words; open pipeline counts as an opportunity."""
    codes, words = _words(status)
    out = _status_values(words)[codes] if words else np.full(len(codes), 0.3)
    return np.maximum(out, np.where(np.nan_to_num(pipeline) > 0, 0.7, 0.0))


def industry_fit(industry: pd.Series, status: pd.Series) -> np.ndarray:
    """Share of customers per industry over the best industry's share; 0.5 everywhere when nobody is a customer."""
    customer = propensity(status, np.zeros(len(status))) >= 1.0
    if not customer.any():
        return np.full(len(industry), 0.5)
    codes, words = _words(industry)
    counts = np.bincount(codes, minlength=len(words)).astype(np.float64)
    rate = np.bincount(codes, weights=customer, minlength=len(words)) / np.where(counts > 0, counts, 1.0)
    # industries with a handful of accounts say little: shrink their rate towards the overall one
    prior, k = float(customer.mean()), 5.0
    smoothed = (rate * counts + prior * k) / (counts + k)
    return (smoothed / smoothed.max())[codes].astype(np.float64)


def compute_scores(accounts: pd.DataFrame, model: ScoreModel) -> np.ndarray:
    """0–100 score per account from potential, industry, status, pipeline and the named flag."""
    n = len(accounts)
    if n == 0:
        return np.zeros(0)
    pot = pd.to_numeric(accounts["potential"], errors="coerce").fillna(0.0)
    size = pot.rank(pct=True, method="average").to_numpy(dtype=np.float64)
    if float(pot.max()) <= 0:
        size = np.zeros(n)
    status = accounts["status"]
    pipe = pd.to_numeric(accounts["pipeline"], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)
    parts = {"size": size, "fit": industry_fit(accounts["industry"], status),
             "propensity": propensity(status, pipe),
             "strategic": accounts["named"].fillna(False).astype(bool).to_numpy(dtype=np.float64)}
    total = sum(getattr(model, c) * parts[c] for c in COMPONENTS)
    return np.round(100.0 * total / model.total_weight, 1)


def tiers(score: np.ndarray, model: ScoreModel) -> np.ndarray:
    """'A' for the top a_share of accounts by score, 'B' for the next b_share, 'C' for the rest."""
    s = np.asarray(score, dtype=np.float64)
    n = len(s)
    out = np.full(n, "C", dtype=object)
    if n == 0:
        return out
    # rank descending; equal scores share the better tier so two identical accounts never differ
    rank = pd.Series(-np.nan_to_num(s, nan=-np.inf)).rank(method="min").to_numpy() - 1
    out[rank < model.a_share * n] = "A"
    out[(rank >= model.a_share * n) & (rank < (model.a_share + model.b_share) * n)] = "B"
    return out


def score_accounts(accounts: pd.DataFrame, model: ScoreModel, from_column: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, tier, basis). An export's score column is used as is (its blanks stay blank, tier C, basis
    "none": mixing its scale with the model's would rank apples against pears); else the model's."""
    if from_column is None:
        score, basis = compute_scores(accounts, model), np.full(len(accounts), "model", dtype=object)
    else:
        score = np.asarray(from_column, dtype=np.float64)
        basis = np.where(np.isfinite(score), "column", "none").astype(object)
    return score, tiers(score, model), basis
