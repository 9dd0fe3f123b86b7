"""Moves made by the co-pilot and the what-if workflows say why in the change list, and a planner's note for
hand moves never overwrites their words."""

from __future__ import annotations

import numpy as np

from territory_desktop.solver.copilot.suggestions import make_suggestions, suggestion_edit
from territory_desktop.solver.whatif.proposals import propose_add_rep, propose_remove_rep
from territory_desktop.ui.hub.document import Document
from tests.conftest import make_plan


def test_an_accepted_suggestion_carries_the_copilots_sentence(qtbot) -> None:
    doc = Document(make_plan(200, 4, seed=1))
    plan = doc.plan
    target = plan.assignment.copy()
    donors = np.flatnonzero(plan.assignment == int(np.argmax(np.bincount(plan.assignment))))[:6]
    target[donors] = int(np.argmin(np.bincount(plan.assignment)))
    found = make_suggestions(plan, target, plan.version, min_gain=0.0)
    assert found
    doc.move_reason = "my note"  # set, but the co-pilot's own reason wins
    edit = suggestion_edit(found[:2])
    assert doc.controller.apply(edit)
    for s in found[:2]:
        assert set(plan.notes.reason[s.rows]) == {f"Co-pilot: {s.reason}"}
        assert s.reason  # a real sentence, not a placeholder
    assert plan.audit[-1].reason.startswith("Co-pilot: ")


def test_removing_a_rep_notes_the_departure_and_adding_one_notes_the_new_rep(qtbot) -> None:
    doc = Document(make_plan(240, 4, seed=2))
    plan = doc.plan
    leaving = plan.rows_in(1)
    proposal = propose_remove_rep(plan, 1, time_limit=1.0)
    assert doc.controller.apply(proposal.edit)
    assert set(plan.notes.reason[leaving]) == {"Rep departure: Rep 1 (T1)"}
    doc.controller.stack.undo()
    assert set(plan.notes.reason[leaving]) == {""}
    added = propose_add_rep(plan, "Gulf", home=(30.0, -95.0), time_limit=1.0)
    assert doc.controller.apply(added.edit)
    gulf = plan.rows_in(plan.n_territories - 1)
    assert len(gulf) and set(plan.notes.reason[gulf]) == {"New rep: Gulf"}
