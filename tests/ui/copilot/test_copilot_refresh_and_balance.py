"""The co-pilot after a CRM refresh replaces the accounts, and when the plan is already balanced."""

from __future__ import annotations

import dataclasses

import numpy as np

from territory_desktop.core.edits import MoveAccounts, SetSettings
from territory_desktop.core.refresh import diff_accounts, refresh_edit
from territory_desktop.solver.copilot.messages import Improved
from territory_desktop.ui.copilot.solver_client import BALANCED_TEXT, SolverClient, is_balanced
from territory_desktop.ui.copilot.suggestions_dock import SuggestionsDock
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan
from tests.ui.copilot.test_suggestions_dock import SETTINGS, FakeWorker, _solved


def test_a_refresh_drops_the_old_suggestions_and_solves_the_new_accounts(qtbot):
    plan = make_plan(200, 4, seed=2)
    plan.settings = SETTINGS
    ctl = PlanController(plan)
    worker = FakeWorker()
    client = SolverClient(plan, worker=worker, debounce_ms=10, poll_ms=10)
    dock = SuggestionsDock(plan, ctl.apply, client, Selection())
    qtbot.addWidget(dock)
    try:
        qtbot.waitUntil(lambda: len(worker.submitted) == 1, timeout=2000)
        solution = np.where(plan.assignment == 0, 1, plan.assignment)
        with qtbot.waitSignal(client.suggestionsChanged, timeout=2000):
            worker.inbox = [Improved(1, _solved(solution))]
        dock.panel.flush()
        assert dock.panel.list.count() > 0
        client.reject(client.suggestions[0])
        new = plan.accounts.iloc[20:].reset_index(drop=True)  # 20 accounts gone from the CRM
        assert ctl.apply(refresh_edit(plan, new, diff_accounts(plan, new)))
        assert plan.n_accounts == 180
        dock.panel.flush()
        assert client.suggestions == [] and dock.panel.list.count() == 0  # no row of the old set survives
        qtbot.waitUntil(lambda: len(worker.submitted) >= 2, timeout=2000)
        problem = worker.submitted[-1]
        assert problem.n == 180
        token = problem.version
        fresh = np.where(plan.assignment == 0, 2, plan.assignment)
        with qtbot.waitSignal(client.suggestionsChanged, timeout=2000):
            worker.inbox = [Improved(token, _solved(fresh))]
        assert client.suggestions and all(s.rows.max() < 180 for s in client.suggestions)
        dock.panel.flush()
        assert dock.panel.list.count() > 0 and dock.panel.accept()  # accepting works on the new accounts
    finally:
        client.shutdown()


def test_a_balanced_plan_is_left_alone_until_an_edit_unbalances_it(qtbot):
    plan = make_plan(300, 4, seed=3)
    narrow = plan.settings.measures
    wide = tuple(dataclasses.replace(m, band=5.0) for m in plan.settings.measures)
    plan.settings = dataclasses.replace(plan.settings, measures=wide, copilot_min_gain=0.005)
    for t in plan.territories:
        t.capacity_hours = 0.0
    assert is_balanced(plan)
    ctl = PlanController(plan)
    worker = FakeWorker()
    client = SolverClient(plan, worker=worker, debounce_ms=10, poll_ms=10)
    dock = SuggestionsDock(plan, ctl.apply, client, Selection())
    qtbot.addWidget(dock)
    try:
        qtbot.waitUntil(lambda: client.detail == BALANCED_TEXT, timeout=2000)
        ctl.apply(MoveAccounts([0], int(plan.assignment[0] + 1) % 4))  # still balanced: stays quiet
        qtbot.wait(60)
        assert worker.submitted == [] and client.detail == BALANCED_TEXT
        dock.panel.flush()
        assert "Balanced — nothing worth moving" in dock.panel.count_label.text()
        t0 = np.flatnonzero(plan.assignment != 0)  # everything into T0, and the bands back to ±15%: out now
        ctl.apply(MoveAccounts(t0, 0))
        ctl.apply(SetSettings(dataclasses.replace(plan.settings, measures=narrow)))
        assert not is_balanced(plan)
        qtbot.waitUntil(lambda: len(worker.submitted) == 1, timeout=2000)
    finally:
        client.shutdown()
