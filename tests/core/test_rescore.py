"""Re-scoring by an edited score model is one undoable edit: model scores move, the export's stay, totals follow."""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.edits import Edit, MoveAccounts, rescore
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.core.score import ScoreModel
from tests.conftest import make_plan

SIZE_ONLY = ScoreModel(size=1.0, fit=0.0, propensity=0.0, strategic=0.0, a_share=0.1, b_share=0.2)


def _mixed_plan() -> Plan:
    """A model-scored plan whose first 30 accounts carry an export score (kept whatever the model says)."""
    plan = make_plan(400, k=4, seed=7)
    acc = plan.accounts
    acc.loc[:29, "score"] = np.linspace(5.0, 95.0, 30)
    acc.loc[:29, "score_basis"] = "column"
    return Plan(acc, plan.territories, plan.assignment, locked=plan.locked, settings=plan.settings)


def _state(plan: Plan) -> tuple:
    return (plan.accounts["score"].to_numpy().copy(), plan.accounts["tier"].tolist(),
            plan.kpis.sums.copy(), plan.kpis.moved_sums.copy(), plan.measure_values.copy(), plan.settings)


def test_rescore_changes_only_model_rows_and_undo_is_exact():
    plan = _mixed_plan()
    plan.apply(_move_some(plan))  # moved rows: the moved-vs-baseline score sum must follow too
    before = _state(plan)
    export = plan.accounts["score"].to_numpy()[:30].copy()
    inverse = plan.apply(rescore(plan, SIZE_ONLY))
    after = plan.accounts["score"].to_numpy()
    assert np.array_equal(after[:30], export)  # the export's scores stay as they are
    assert not np.array_equal(after[30:], before[0][30:])  # the model's are recomputed
    assert (plan.accounts["tier"] == "A").mean() < 0.15  # tiers rank the whole book by the new shares
    assert plan.settings.score_model == SIZE_ONLY
    assert plan.kpis.equals(KpiState.full(plan))  # the incremental score totals equal a full recount
    score_total = kpis.territory_table(plan)["score"].sum()
    assert abs(score_total - np.nansum(after[plan.assignment >= 0])) < 1e-6
    plan.apply(inverse)
    now = _state(plan)
    assert np.array_equal(now[0], before[0]) and now[1] == before[1]
    assert np.array_equal(now[2], before[2]) and np.array_equal(now[3], before[3])
    assert np.array_equal(now[4], before[4]) and now[5] == before[5]


def _move_some(plan: Plan) -> Edit:
    rows = np.arange(0, 400, 7)
    return MoveAccounts(rows, (plan.assignment[rows] + 1) % plan.n_territories)


def test_plan_change_of_kind_scores_carries_the_changed_rows():
    plan = _mixed_plan()
    old = (plan.accounts["score"].to_numpy().copy(), plan.accounts["tier"].to_numpy().copy())
    seen: list[PlanChange] = []
    plan.changed.connect(seen.append)
    plan.apply(rescore(plan, SIZE_ONLY))
    assert [c.kind for c in seen] == ["scores"]
    new = (plan.accounts["score"].to_numpy(), plan.accounts["tier"].to_numpy())
    changed = np.flatnonzero((old[0] != new[0]) | (old[1] != new[1]))
    assert len(changed) and np.array_equal(np.sort(seen[0].rows), changed)
    assert seen[0].territories  # their score totals moved


def test_an_unchanged_model_makes_no_edit_and_export_scores_only_retier():
    assert rescore(make_plan(200), ScoreModel()) is None  # as the plan was scored: nothing to change
    plan = _mixed_plan()
    plan.apply(rescore(plan, plan.settings.score_model))  # the export scores written above get their tiers
    assert rescore(plan, plan.settings.score_model) is None
    acc = plan.accounts
    acc["score_basis"] = "column"
    edit = rescore(plan, SIZE_ONLY)
    assert edit is not None and np.array_equal(edit.score, acc["score"].to_numpy()[edit.rows])  # tiers only


def test_the_edit_survives_the_recovery_journal():
    plan = _mixed_plan()
    plan.accounts.loc[3, "score"] = np.nan  # an export score left blank
    edit = rescore(plan, SIZE_ONLY)
    again = Edit.from_dict(edit.to_dict())
    assert np.array_equal(again.rows, edit.rows) and again.tier.tolist() == edit.tier.tolist()
    assert np.array_equal(again.score, edit.score, equal_nan=True) and again.model == edit.model
