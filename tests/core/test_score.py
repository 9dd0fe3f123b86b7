"""The account score follows its stated formula on any data; tiers split by rank; an export's score wins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core.plan import Plan
from territory_desktop.core.score import ScoreModel, compute_scores, propensity, score_accounts, tiers
from territory_desktop.core.workload import SCALE
from tests.conftest import make_plan


def _accounts(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"potential": np.zeros(n), "pipeline": np.zeros(n), "industry": [""] * n, "status": [""] * n,
            "named": [False] * n}
    base.update(cols)
    return pd.DataFrame(base)


def test_status_words_give_propensity_and_pipeline_lifts_it():
    status = pd.Series(["Customer", "Former Customer", "Prospect", "Opportunity", "", "Churned", "Lead"])
    pipe = np.array([0, 0, 0, 0, 0, 0, 5000.0])
    assert propensity(status, pipe).tolist() == [1.0, 0.2, 0.3, 0.7, 0.3, 0.2, 0.7]


def test_score_is_the_weighted_formula_by_hand():
    acc = _accounts(potential=[100.0, 200.0, 300.0, 400.0], status=["Customer", "Prospect", "Prospect", "Customer"],
                    industry=["Retail"] * 4, named=[False, False, True, False])
    m = ScoreModel(size=0.5, fit=0.0, propensity=0.5, strategic=0.0)
    # size = percentile rank of potential (0.25 .. 1.0), propensity from status
    expected = 100 * (0.5 * np.array([0.25, 0.5, 0.75, 1.0]) + 0.5 * np.array([1.0, 0.3, 0.3, 1.0]))
    assert compute_scores(acc, m) == pytest.approx(expected, abs=0.05)
    m2 = ScoreModel(size=0.0, fit=0.0, propensity=0.0, strategic=1.0)
    assert compute_scores(acc, m2).tolist() == [0.0, 0.0, 100.0, 0.0]


def test_industries_with_more_customers_fit_better():
    acc = _accounts(potential=np.ones(40), industry=["Banking"] * 20 + ["Retail"] * 20,
                    status=["Customer"] * 15 + ["Prospect"] * 5 + ["Customer"] * 2 + ["Prospect"] * 18)
    s = compute_scores(acc, ScoreModel(size=0, fit=1, propensity=0, strategic=0))
    assert s[:20].min() == 100.0 and s[20:].max() < 40.0


def test_tiers_split_by_rank_and_ties_share_the_better_tier():
    score = np.arange(100, dtype=float)
    t = tiers(score, ScoreModel())
    assert (t == "A").sum() == 20 and (t == "B").sum() == 30 and (t == "C").sum() == 50
    assert set(t[score >= 80]) == {"A"} and set(t[score < 50]) == {"C"}
    same = tiers(np.array([5.0, 5.0, 5.0, 1.0, 0.0]), ScoreModel(a_share=0.2, b_share=0.2))
    assert same.tolist() == ["A", "A", "A", "C", "C"]


def test_an_export_score_is_used_as_is_and_blanks_stay_blank():
    acc = _accounts(potential=[1.0, 2.0, 3.0])
    score, tier, basis = score_accounts(acc, ScoreModel(), np.array([850.0, np.nan, 120.0]))
    assert score[0] == 850.0 and np.isnan(score[1]) and score[2] == 120.0
    assert basis.tolist() == ["column", "none", "column"]
    assert tier[1] == "C"


def test_bad_models_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="weights"):
        ScoreModel(size=0, fit=0, propensity=0, strategic=0)
    with pytest.raises(ValueError, match="tier shares"):
        ScoreModel(a_share=0.7, b_share=0.5)


def test_a_plan_saved_before_scores_is_scored_on_load_and_score_is_a_measure():
    old = make_plan(n=200, k=4, seed=5)
    acc = old.accounts.drop(columns=["score", "tier", "score_basis"])
    plan = Plan(acc, old.territories, old.assignment)
    assert plan.accounts["score_basis"].eq("model").all()
    assert set(plan.accounts["tier"]) == {"A", "B", "C"}
    j = plan.measure_names.index("score")
    total = plan.kpis.sums[:-1, j].sum() / SCALE
    assert total == pytest.approx(plan.accounts["score"].sum(), rel=1e-6)
