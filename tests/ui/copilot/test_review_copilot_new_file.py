"""After File -> Open, a result the solver computed for the previous plan never becomes a suggestion."""

from __future__ import annotations

import numpy as np

from territory_desktop.solver.copilot.messages import Improved, SolvedPlan, Started
from territory_desktop.ui.copilot.solver_client import SolverClient
from tests.conftest import make_plan
from tests.ui.copilot.test_suggestions_dock import FakeWorker


def test_the_old_plans_result_is_dropped_after_set_plan(qtbot):
    first = make_plan(200, 4, seed=2)
    worker = FakeWorker()
    client = SolverClient(first, worker=worker, debounce_ms=10, poll_ms=10)
    qtbot.waitUntil(lambda: len(worker.submitted) == 1, timeout=2000)
    old_token = worker.submitted[-1].version
    second = make_plan(200, 4, seed=3)  # same size, also at version 0
    cancels = worker.cancels
    client.set_plan(second)
    assert worker.cancels > cancels, "the old plan's job keeps running"
    solution = np.where(first.assignment == 0, 1, first.assignment).astype(np.int32)
    worker.inbox = [Started(old_token), Improved(old_token, SolvedPlan(solution, 1.0, None, True, True, 0.1,
                                                                       "heuristic", "old"))]
    qtbot.wait(60)
    assert client.suggestions == []
    client.shutdown()
