"""The co-pilot dock as a newcomer meets it: the list stays (marked out of date) after an edit until new
suggestions come, band words agree with their numbers, the trend line is explained in words, and Preview
shows the before → after figures of the territories a suggestion touches."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.solver.copilot.messages import Improved
from territory_desktop.solver.copilot.suggestions import KpiDelta, Suggestion, make_suggestions
from territory_desktop.ui.copilot.solver_client import SolverClient
from territory_desktop.ui.copilot.suggestions_dock import STALE_ROLE, SuggestionsDock, headline
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan
from tests.ui.copilot.test_suggestions_dock import SETTINGS, FakeClient, FakeWorker, _solved


def _dock(qtbot):
    plan = make_plan(200, 4, seed=3)
    plan.settings = SETTINGS
    ctl = PlanController(plan)
    client = FakeClient()
    selection = Selection()
    dock = SuggestionsDock(plan, ctl.apply, client, selection)
    qtbot.addWidget(dock)
    dock.resize(420, 700)
    dock.show()
    solution = np.where(plan.assignment == 0, 1, plan.assignment)
    client.suggestionsChanged.emit(make_suggestions(plan, solution, plan.version, min_gain=0))
    qtbot.waitUntil(lambda: dock.panel.list.count() > 0, timeout=2000)
    return plan, ctl, client, selection, dock


def test_an_edit_keeps_the_list_marked_out_of_date_until_new_suggestions(qtbot) -> None:
    plan, ctl, client, _sel, dock = _dock(qtbot)
    panel = dock.panel
    n = panel.list.count()
    ctl.apply(MoveAccounts([0], 2))
    client.suggestionsChanged.emit([])  # what the real client says when an edit makes its plan stale
    qtbot.wait(20)
    panel.flush()
    assert panel.list.count() == n, "the list blanked after an edit"
    assert all(panel.list.item(i).data(STALE_ROLE) for i in range(n))
    assert "out of date" in panel.count_label.text().lower()
    assert not panel.accept_button.isEnabled() and not panel.accept_all_button.isEnabled()
    assert panel.preview_button.isEnabled()  # still worth a look
    # new suggestions replace the stale list
    solution = np.where(plan.assignment == 3, 1, plan.assignment)
    client.suggestionsChanged.emit(make_suggestions(plan, solution, plan.version, min_gain=0))
    qtbot.waitUntil(lambda: not panel.list.item(0).data(STALE_ROLE), timeout=2000)
    assert panel.accept_button.isEnabled()
    assert "out of date" not in panel.count_label.text().lower()


def test_a_finished_search_without_suggestions_clears_the_stale_list(qtbot) -> None:
    _plan, ctl, client, _sel, dock = _dock(qtbot)
    ctl.apply(MoveAccounts([0], 2))
    client.statusChanged.emit("running", "Looking for a better balance…")
    dock.panel.flush()
    assert dock.panel.list.count() > 0
    client.statusChanged.emit("idle", "No better plan found. Nothing to suggest.")
    dock.panel.flush()
    assert dock.panel.list.count() == 0


def test_the_trend_is_explained_not_a_bare_score(qtbot) -> None:
    _plan, _ctl, client, _sel, dock = _dock(qtbot)
    client.progress.emit(3.1e6, None, 0.5)
    text = dock.panel.objective_label.text()
    assert "score" not in text.lower() and "0.5 s" in text
    client.progress.emit(1234.5, 1200.0, 2.5)
    assert "of the best possible" in dock.panel.objective_label.text()
    assert "lower" in dock.panel.sparkline.toolTip().lower()


def test_preview_shows_before_and_after_for_the_touched_territories(qtbot) -> None:
    plan, _ctl, _client, selection, dock = _dock(qtbot)
    panel = dock.panel
    s = panel.current()
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(selection.rows, np.sort(s.rows))
    card = panel.preview_card
    assert card.isVisible()
    text = card.text()
    for d in s.deltas:
        assert plan.territories[d.territory].name in text
    assert "→" in text and ("in" in text or "out" in text)
    panel.list.setCurrentRow(1)
    assert not card.isVisible()  # the card belongs to the suggestion previewed


def test_a_promise_that_leaves_the_territory_out_says_so() -> None:
    plan = make_plan(50, 3, seed=1)
    plan.settings = SETTINGS
    d = KpiDelta(0, "potential", 100.0, 90.0, -0.22, -0.153)
    reason = "Brings T0 from -22% to -15% potential; moves 2 accounts from T1 to T0, $0 open pipeline"
    s = Suggestion(np.array([1, 2]), 1, 0, plan.version, _cache=((d,), reason))
    text = headline(plan, s)
    assert "to -15.3% potential (still out)" in text and "-15%" not in text.replace("-15.3%", "")


def test_the_clients_summary_is_worded_from_the_core(qtbot) -> None:
    plan = make_plan(200, 4, seed=2)
    plan.settings = SETTINGS
    worker = FakeWorker()
    client = SolverClient(plan, worker=worker, debounce_ms=10, poll_ms=10)
    try:
        qtbot.waitUntil(lambda: len(worker.submitted) == 1, timeout=2000)
        solution = np.where(plan.assignment == 0, 1, plan.assignment)
        with qtbot.waitSignal(client.suggestionsChanged, timeout=2000):
            worker.inbox = [Improved(1, _solved(solution, "solver words"))]
        moved = int((solution != plan.assignment).sum())
        assert client.detail.startswith("If you accept every suggestion: ")
        assert f"{moved:,} accounts moved" in client.detail and "solver words" not in client.detail
    finally:
        client.shutdown()





def test_a_clause_whose_rounding_is_honest_is_left_as_the_solver_wrote_it() -> None:
    plan = make_plan(50, 3, seed=1)
    plan.settings = SETTINGS
    d = KpiDelta(0, "potential", 100.0, 90.0, 0.59, 0.45)
    reason = "Brings T0 from +59% to +45% potential; moves 2 accounts from T0 to T1, $0 open pipeline"
    s = Suggestion(np.array([1, 2]), 0, 1, plan.version, _cache=((d,), reason))
    assert headline(plan, s) == reason
