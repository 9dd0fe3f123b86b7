"""The numbers the reports print are the core's: every table is checked against kpis / fairness directly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.fairness import fairness
from territory_desktop.core.plan import Plan
from territory_desktop.io.reports.tables import (
    account_list,
    build_context,
    change_flows,
    headline_values,
    moves,
    peer_rows,
    peers_of,
    territory_rows,
    workload_summary,
)
from tests.io.reports.report_plan import report_plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return report_plan()


@pytest.fixture(scope="module")
def ctx(plan: Plan):  # noqa: ANN201
    return build_context(plan, "Test plan", dt.date(2026, 12, 3))


def test_peers_are_the_reps_of_the_same_role(ctx, plan):
    for t in plan.active_territories():
        role = plan.territories[int(t)].role
        assert {plan.territories[int(p)].role for p in peers_of(ctx, int(t))} == {role}
        assert int(t) in peers_of(ctx, int(t))


def test_peer_rows_are_the_territory_table_and_its_deviations(ctx, plan):
    table = kpis.territory_table(plan)
    for t in table.index:
        rows = {r.measure: r for r in peer_rows(ctx, int(t))}
        peers = peers_of(ctx, int(t))
        for m in plan.settings.measures:
            r = rows[m.measure]
            assert r.value == pytest.approx(float(table.at[t, m.measure]))
            assert r.deviation == pytest.approx(float(table.at[t, f"dev_{m.measure}"]))
            assert r.status == table.at[t, f"status_{m.measure}"]
            assert r.band == m.band
            # the target is the fair share the deviation is measured from
            assert r.value == pytest.approx(r.target * (1 + r.deviation))
            values = table.loc[peers, m.measure].to_numpy(float)
            assert r.rank == 1 + int((values > r.value).sum())
            assert (r.peer_min, r.peer_max) == (pytest.approx(values.min()), pytest.approx(values.max()))
        pipe = rows["pipeline"]  # not balanced: shown with a deviation but no band
        assert pipe.band is None and pipe.status == ""


def test_workload_summary_splits_the_core_workload(ctx, plan):
    table = kpis.territory_table(plan)
    for t in table.index:
        w = workload_summary(ctx, int(t))
        assert w.workload == pytest.approx(table.at[t, "workload"])
        assert w.service + w.travel == pytest.approx(w.workload, abs=0.01)
        assert w.service == pytest.approx(plan.base_hours[plan.rows_in(int(t))].sum())
        assert w.over == bool(table.at[t, "over_capacity"])
    assert workload_summary(ctx, 0).over  # the fixture's territory 0 is over capacity


def test_moves_in_and_out_add_up_to_the_plans_moved_accounts(plan):
    health = kpis.plan_health(plan)
    act = [int(t) for t in plan.active_territories()]
    ins = [moves(plan, t) for t in act]
    assert sum(len(m.rows_in) for m in ins) == health.moved_accounts == sum(len(m.rows_out) for m in ins)
    assert sum(m.potential_in for m in ins) == pytest.approx(health.moved_potential)
    for t, m in zip(act, ins, strict=True):
        assert (plan.assignment[m.rows_in] == t).all() and (plan.baseline[m.rows_in] != t).all()
        names = {plan.territories[int(b)].name for b in plan.baseline[m.rows_in]}
        assert set(m.table_in["other"]) == names
        assert set(m.table_in["reason"]) <= set(plan.notes.reason[m.rows_in])
        assert m.table_in["potential"].is_monotonic_decreasing


def test_account_list_is_the_whole_book_largest_potential_first(plan):
    table = kpis.territory_table(plan)
    for t in table.index:
        book = account_list(plan, int(t))
        assert sorted(book["row"]) == sorted(plan.rows_in(int(t)))
        assert book["potential"].is_monotonic_decreasing
        assert book["potential"].sum() == pytest.approx(table.at[t, "potential"])
        new = set(book.loc[book["note"].str.contains("new"), "row"])
        assert new == set(np.flatnonzero((plan.assignment == t) & (plan.baseline != t)))


def test_change_flows_and_headline_are_plan_health(ctx, plan):
    health = kpis.plan_health(plan)
    flows = change_flows(plan)
    assert sum(f.accounts for f in flows) == health.moved_accounts
    assert sum(f.potential for f in flows) == pytest.approx(health.moved_potential)
    values = {name: v for name, v, _kind in headline_values(ctx)}
    assert values["Accounts moved"] == health.moved_accounts
    assert values["Territories out of band"] == health.out_of_band
    assert values["Territories over capacity"] == health.over_capacity == 1
    assert values["Spread (CV)"] == health.cv
    assert ctx.fairness == fairness(plan)


def test_territory_rows_group_peers_together(ctx, plan):
    rows = territory_rows(ctx)
    roles = [r[2] for r in rows]
    assert len(rows) == len(plan.active_territories())
    first_change = [i for i in range(1, len(roles)) if roles[i] != roles[i - 1]]
    assert len(first_change) == 1  # two roles, each in one block
