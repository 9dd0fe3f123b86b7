"""The co-pilot dock driven as a planner would, and the client that feeds it.

The dock tests use a fake client that emits suggestions (no process); the client tests use a fake worker that
replays messages; one test runs the whole loop with the real solver process.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.copilot.messages import Finished, Improved, Infeasible, SolvedPlan, Started
from territory_desktop.solver.copilot.suggestions import make_suggestions
from territory_desktop.ui.copilot.solver_client import SolverClient
from territory_desktop.ui.copilot.suggestions_dock import SuggestionsDock
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True,
                           copilot_min_gain=0.0, copilot_change_budget=0.0)
"""These tests feed made-up "solutions": offer every move, with no change budget."""


class FakeClient(QObject):
    statusChanged = Signal(str, str)
    suggestionsChanged = Signal(list)
    progress = Signal(float, object, float)

    def __init__(self) -> None:
        super().__init__()
        self.state, self.detail, self.suggestions = "idle", "", []
        self.rejected: list = []
        self.paused = False

    def reject(self, s) -> None:
        self.rejected.append(s)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False


@pytest.fixture
def setup(qtbot):
    plan = make_plan(200, 4, seed=3)
    plan.settings = SETTINGS
    ctl = PlanController(plan)
    selection = Selection()
    client = FakeClient()
    dock = SuggestionsDock(plan, ctl.apply, client, selection)
    qtbot.addWidget(dock)
    dock.resize(420, 600)
    dock.show()
    solution = np.where(plan.assignment == 0, 1, plan.assignment)  # the "solver": every T0 account to T1
    client.suggestionsChanged.emit(make_suggestions(plan, solution, plan.version, min_gain=0))
    qtbot.waitUntil(lambda: dock.panel.list.count() > 0, timeout=2000)  # the list rebuilds on the next turn
    return plan, ctl, selection, client, dock, solution


def test_accept_moves_the_accounts_as_one_undoable_step(qtbot, setup):
    plan, ctl, _sel, _client, dock, _solution = setup
    panel = dock.panel
    before = plan.assignment.copy()
    assert panel.list.count() > 1
    s = panel.current()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert (plan.assignment[s.rows] == 1).all()
    assert int((plan.assignment != before).sum()) == s.n_accounts
    assert ctl.stack.count() == 1
    panel.flush()
    assert panel.list.count() == 0 or not panel.accept_all_button.isEnabled(), \
        "suggestions of the old plan version are still offered"
    assert panel.list.count() == 0 or not panel.accept_button.isEnabled()
    ctl.stack.undo()
    assert np.array_equal(plan.assignment, before)


def test_enter_accepts_and_delete_rejects(qtbot, setup):
    plan, ctl, _sel, client, dock, _solution = setup
    panel = dock.panel
    before = plan.assignment.copy()
    n = panel.list.count()
    panel.list.setFocus()
    panel.list.setCurrentRow(1)
    doomed = panel.current()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert client.rejected == [doomed] and panel.list.count() == n - 1
    assert all(panel.list.item(i).data(Qt.ItemDataRole.UserRole) is not doomed for i in range(n - 1))
    assert np.array_equal(plan.assignment, before), "rejecting changed the plan"
    s = panel.current()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert (plan.assignment[s.rows] == 1).all() and ctl.stack.count() == 1


def test_accept_all_reaches_the_solvers_plan_in_one_step(qtbot, setup):
    plan, ctl, _sel, _client, dock, solution = setup
    before = plan.assignment.copy()
    qtbot.mouseClick(dock.panel.accept_all_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(plan.assignment, solution)
    assert ctl.stack.count() == 1
    ctl.stack.undo()
    assert np.array_equal(plan.assignment, before)


def test_preview_selects_the_accounts_and_a_user_edit_makes_the_suggestions_stale(qtbot, setup):
    plan, ctl, selection, client, dock, _solution = setup
    panel = dock.panel
    s = panel.current()
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(selection.rows, np.sort(s.rows))
    ctl.apply(MoveAccounts([0], 2))
    panel.flush()
    assert not panel.accept_all_button.isEnabled() and not panel.accept_button.isEnabled()
    client.statusChanged.emit("idle", "No better plan found. Nothing to suggest.")
    qtbot.waitUntil(lambda: panel.list.count() == 0, timeout=2000)


def test_a_refused_accept_keeps_the_suggestion(qtbot):
    plan = make_plan(100, 3, seed=1)
    plan.settings = SETTINGS
    client = FakeClient()
    dock = SuggestionsDock(plan, lambda edit: False, client, Selection())
    qtbot.addWidget(dock)
    client.suggestionsChanged.emit(make_suggestions(plan, np.where(plan.assignment == 0, 1, plan.assignment),
                                                    plan.version, min_gain=0))
    qtbot.waitUntil(lambda: dock.panel.list.count() > 0, timeout=2000)
    n = dock.panel.list.count()
    qtbot.mouseClick(dock.panel.accept_button, Qt.MouseButton.LeftButton)
    assert dock.panel.list.count() == n


def test_status_shows_conflicts_in_words_and_pause_reaches_the_client(qtbot, setup):
    _plan, _ctl, _sel, client, dock, _solution = setup
    panel = dock.panel
    client.statusChanged.emit("infeasible", "T0 cannot reach -15% potential: the territory is locked.")
    assert panel.state_label.text() == "Rules conflict"
    assert "T0 cannot reach -15% potential" in panel.detail_label.text()
    client.progress.emit(1234.5, 1200.0, 2.5)
    assert "of the best possible" in panel.objective_label.text()
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert client.paused


# ----- the client ---------------------------------------------------------------------------------------
class FakeWorker:
    """Replays scripted messages instead of running a process."""

    def __init__(self) -> None:
        self.submitted: list = []
        self.inbox: list = []
        self.cancels = 0

    def start(self) -> None: ...

    def submit(self, problem, time_limit) -> None:
        self.submitted.append(problem)

    def cancel(self) -> None:
        self.cancels += 1

    def poll(self) -> list:
        out, self.inbox = self.inbox, []
        return out

    def shutdown(self) -> None: ...


def _solved(assignment: np.ndarray, message: str = "All in band") -> SolvedPlan:
    return SolvedPlan(assignment.astype(np.int32), 10.0, None, True, True, 0.5, "heuristic", message)


def test_client_debounces_edits_drops_stale_results_and_keeps_accepted_ones(qtbot):
    plan = make_plan(200, 4, seed=2)
    plan.settings = SETTINGS
    worker = FakeWorker()
    client = SolverClient(plan, worker=worker, debounce_ms=30, poll_ms=10)
    qtbot.waitUntil(lambda: len(worker.submitted) == 1, timeout=2000)
    plan.apply(MoveAccounts([0], 1))
    plan.apply(MoveAccounts([1], 1))
    qtbot.waitUntil(lambda: len(worker.submitted) == 2, timeout=2000)
    assert plan.version == 2, "two quick edits should cost one snapshot"
    # jobs carry the client's token (1, 2, ...), not the plan version
    solution = np.where(plan.assignment == 0, 1, plan.assignment)
    worker.inbox = [Started(1), Improved(1, _solved(np.zeros(200)))]  # an answer for an older plan
    qtbot.wait(50)
    assert client.suggestions == []
    with qtbot.waitSignal(client.suggestionsChanged, timeout=2000) as got:
        worker.inbox = [Started(2), Improved(2, _solved(solution, "3 moves"))]
    suggestions = got.args[0]
    assert suggestions and all(s.version == 2 for s in suggestions)
    assert client.state == "running" and client.detail.endswith("accounts moved.") and "accept every suggestion" in client.detail
    plan.apply(MoveAccounts(suggestions[0].rows, suggestions[0].to_territory))  # accepting one
    assert len(client.suggestions) == len(suggestions) - 1
    assert all(s.version == plan.version for s in client.suggestions)
    plan.apply(MoveAccounts([5], 3))  # any other edit: stale, gone
    assert client.suggestions == []
    qtbot.waitUntil(lambda: len(worker.submitted) == 3, timeout=2000)
    token = worker.submitted[-1].version
    worker.inbox = [Infeasible(token, ("T0 is over capacity.",)), Finished(token, "heuristic")]
    qtbot.waitUntil(lambda: client.state == "infeasible", timeout=2000)
    assert "T0 is over capacity." in client.detail
    client.shutdown()


def test_client_with_the_real_solver_process_offers_suggestions(qtbot):
    plan = make_plan(300, 4, seed=4)
    plan.settings = SETTINGS
    client = SolverClient(plan, debounce_ms=10, time_limit=2.0)
    try:
        with qtbot.waitSignal(client.suggestionsChanged, timeout=20000,
                              check_params_cb=lambda s: len(s) > 0) as got:
            pass
        assert all(s.version == plan.version for s in got.args[0])
        qtbot.waitUntil(lambda: client.state in ("idle", "infeasible"), timeout=20000)
    finally:
        client.shutdown()
    assert not client.worker.is_alive()


def test_groups_of_one_move_say_which_part_they_are(qtbot, tmp_path):
    from territory_desktop.solver.copilot.suggestions import make_suggestions
    from tests.ui.copilot.test_copilot_in_window import WindowClient
    from tests.ui.window_driver import make_window

    plan = make_plan(300, 4, seed=3)
    window = make_window(qtbot, tmp_path, plan)
    client = WindowClient()
    dock = window.attach_copilot(client)
    solution = np.where(plan.assignment == 0, 1, plan.assignment)  # all of territory 0 to 1: many groups
    suggestions = make_suggestions(plan, solution, plan.version, min_gain=0, budget=0)
    client.suggestionsChanged.emit(suggestions)
    panel = dock.panel
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=2000)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    same_pair = sum(1 for s in suggestions[:panel.list.count()] if (s.from_territory, s.to_territory) == (0, 1))
    assert same_pair > 1
    assert sorted(t.split(")")[0] + ")" for t in texts if t.startswith("(")) == sorted(
        f"({i} of {same_pair})" for i in range(1, same_pair + 1))
    assert "its figures are for this group alone" in panel.list.item(0).toolTip()
