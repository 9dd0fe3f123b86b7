"""A departure kept whole as a vacant territory, and the hire who takes it over: the change list says why,
undo restores the plan exactly, the co-pilot leaves the vacant book alone, the journal and the file keep it."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.edits import Edit
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.vacancy import fill_edit, is_vacant, vacant_territories, vacate_edit
from territory_desktop.io.export import change_table
from territory_desktop.io.project.project_file import open_project, save_project
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.whatif.proposals import propose_add_rep, propose_remove_rep
from territory_desktop.solver.whatif.vacancy import propose_fill_vacancy, propose_vacancy
from tests.conftest import make_plan


def _changes(plan) -> dict[str, list]:
    headers, cols = change_table(plan)
    return {h: list(c) for h, c in zip(headers, cols, strict=True)}


def test_vacancy_keeps_the_book_whole_and_lists_every_account_with_the_departure() -> None:
    plan = make_plan(300, 5, seed=3)
    book = plan.rows_in(2)
    totals = KpiState.full(plan)
    w = propose_vacancy(plan, 2)
    assert w.moved_accounts == 0 and "kept whole as T2 (vacant)" in w.title
    undo = plan.apply(w.edit)
    seat = plan.n_territories - 1
    t = plan.territories[seat]
    assert (t.name, t.rep, t.locked) == ("T2 (vacant)", "", True) and plan.territories[2].removed
    assert np.array_equal(plan.rows_in(seat), book) and vacant_territories(plan) == [seat]
    assert plan.kpis.counts[seat] == totals.counts[2] and np.array_equal(plan.kpis.sums[seat], totals.sums[2])
    ch = _changes(plan)
    assert len(ch["Account ID"]) == len(book)
    assert set(ch["From Territory"]) == {"T2"} and set(ch["From Rep"]) == {"Rep 2"}
    assert set(ch["To Territory"]) == {"T2 (vacant)"} and set(ch["To Rep"]) == {""}
    assert set(ch["Reason"]) == {"Rep departure: Rep 2 (T2); book kept whole until the hire"}
    plan.apply(undo)
    assert plan.n_territories == 5 and not plan.territories[2].removed and plan.kpis.equals(totals)
    assert set(plan.notes.reason[book]) == {""}


def test_a_hire_takes_over_the_vacant_book_in_one_edit_with_their_name_in_the_change_list() -> None:
    plan = make_plan(300, 5, seed=4)
    book = plan.rows_in(1)
    plan.apply(vacate_edit(plan, 1))
    seat = plan.n_territories - 1
    before = plan.kpis.counts.copy()
    w = propose_fill_vacancy(plan, seat, "Ben Ortiz", home=(39.75, -104.99))
    undo = plan.apply(w.edit)
    t = plan.territories[seat]
    assert (t.name, t.rep, t.locked) == ("T1", "Ben Ortiz", False) and not is_vacant(t)
    assert (t.home_lat, t.home_lon) == (39.75, -104.99)
    assert np.array_equal(plan.kpis.counts, before) and plan.kpis.equals(KpiState.full(plan))
    ch = _changes(plan)
    assert set(ch["From Territory"]) == {"T1"} and set(ch["From Rep"]) == {"Rep 1"}
    assert set(ch["To Territory"]) == {"T1"} and set(ch["To Rep"]) == {"Ben Ortiz"}
    assert set(ch["Reason"]) == {"New hire: Ben Ortiz (T1)"} and len(ch["Reason"]) == len(book)
    plan.apply(undo)
    assert is_vacant(plan.territories[seat])
    assert set(plan.notes.reason[book]) == {"Rep departure: Rep 1 (T1); book kept whole until the hire"}


def test_vacancy_refuses_what_it_cannot_do() -> None:
    plan = make_plan(120, 3, seed=5)
    plan.territories[0].locked = True
    with pytest.raises(ValueError, match="locked: unlock it first"):
        propose_vacancy(plan, 0)
    plan.apply(vacate_edit(plan, 1))
    with pytest.raises(ValueError, match="already vacant"):
        propose_vacancy(plan, 3)
    with pytest.raises(ValueError, match="Name the new hire"):
        propose_fill_vacancy(plan, 3, "  ")
    with pytest.raises(ValueError, match="not a vacant territory"):
        propose_fill_vacancy(plan, 2, "Ben")


def test_the_copilot_and_a_carve_leave_a_vacant_book_alone() -> None:
    plan = make_plan(400, 5, seed=6)
    plan.apply(vacate_edit(plan, 3))
    seat = plan.n_territories - 1
    book = plan.rows_in(seat)
    p = problem_from_plan(plan, mode="rebalance")
    assert not p.territory_open[seat]  # nothing may come in
    assert not p.free()[book].any()  # nothing may leave
    added = propose_add_rep(plan, "Gulf", home=(30.0, -95.0), rep="Cara Diaz", time_limit=1.0)
    plan.apply(added.edit)
    assert np.array_equal(plan.rows_in(seat), book)
    gulf = plan.rows_in(plan.n_territories - 1)
    assert len(gulf) and set(plan.notes.reason[gulf]) == {"New hire: Cara Diaz (Gulf)"}
    assert plan.territories[-1].rep == "Cara Diaz"


def test_a_vacant_book_can_still_be_redistributed_and_keeps_whose_departure_it_was() -> None:
    plan = make_plan(300, 5, seed=7)
    plan.apply(vacate_edit(plan, 0))
    seat = plan.n_territories - 1
    book = plan.rows_in(seat)
    w = propose_remove_rep(plan, seat, time_limit=1.0)
    undo = plan.apply(w.edit)
    assert plan.territories[seat].removed and not np.isin(plan.assignment[book], [0, seat]).any()
    assert set(plan.notes.reason[book]) == {"Rep departure: Rep 0 (T0); vacant book redistributed"}
    plan.apply(undo)
    assert is_vacant(plan.territories[seat]) and plan.territories[seat].locked


def test_vacancy_and_hire_survive_the_journal_and_the_project_file(tmp_path) -> None:
    plan = make_plan(200, 4, seed=8)
    replayed = make_plan(200, 4, seed=8)
    vacate = vacate_edit(plan, 2)
    plan.apply(vacate)
    fill = fill_edit(plan, plan.n_territories - 1, "Ben Ortiz")
    plan.apply(fill)
    for edit in (vacate, fill):  # what the recovery journal does with every applied edit
        replayed.apply(Edit.from_dict(edit.to_dict()))
    assert np.array_equal(replayed.assignment, plan.assignment)
    assert [t.to_dict() for t in replayed.territories] == [t.to_dict() for t in plan.territories]
    assert np.array_equal(replayed.notes.reason, plan.notes.reason)
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    again = open_project(path)
    assert again.territories[-1].name == "T2" and again.territories[-1].rep == "Ben Ortiz"
    assert _changes(again)["Reason"] == _changes(plan)["Reason"]
