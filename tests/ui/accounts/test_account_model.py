"""The account table model: numeric/text sorting, search and filters, targeted refreshes, drag payload."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QMimeData, Qt

from territory_desktop.core.edits import MoveAccounts, SetAccountLocks, UpdateTerritory
from territory_desktop.core.plan import Plan
from territory_desktop.ui.accounts.filters import AccountFilters
from territory_desktop.ui.accounts.model import MAX_RANGES, AccountTableModel
from territory_desktop.ui.hub.drag_payload import MIME, decode_rows, decode_version, encode_rows
from tests.conftest import make_plan


def _col(model: AccountTableModel, key: str) -> int:
    return [c.key for c in model.columns].index(key)


def _texts(model: AccountTableModel, key: str) -> list[str]:
    c = _col(model, key)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


class _Spy:
    """Records dataChanged ranges and resets of a model."""

    def __init__(self, model: AccountTableModel) -> None:
        self.ranges: list[tuple[int, int, int, int]] = []
        self.resets = 0
        model.dataChanged.connect(
            lambda a, b, *_: self.ranges.append((a.row(), b.row(), a.column(), b.column())))
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1

    def rows(self) -> set[int]:
        return {r for a, b, *_ in self.ranges for r in range(a, b + 1)}


def test_potential_sorts_as_numbers_with_missing_values_last(qtbot):
    plan = make_plan(n=200, seed=3)
    plan.accounts.loc[[4, 9], "potential"] = np.nan
    model = AccountTableModel(plan)
    pot = plan.accounts["potential"].to_numpy(dtype=float)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(_col(model, "potential"), order)
        shown = pot[model.view_rows]
        assert set(model.view_rows[-2:]) == {4, 9}, "accounts without potential go last"
        diffs = np.diff(shown[:-2])
        assert (diffs >= 0).all() if order == Qt.SortOrder.AscendingOrder else (diffs <= 0).all()


def test_text_sorts_case_insensitively_and_ties_keep_previous_order(qtbot):
    plan = make_plan(n=6, k=2, seed=1)
    plan.accounts["name"] = ["banana", "Apple", "cherry", "apple", "Banana", "Cherry"]
    model = AccountTableModel(plan)
    model.sort(_col(model, "name"), Qt.SortOrder.AscendingOrder)
    assert [s.lower() for s in _texts(model, "name")] == ["apple", "apple", "banana", "banana", "cherry",
                                                          "cherry"]
    assert model.view_rows.tolist()[:2] == [1, 3]  # stable: plan order among equal names


def test_search_matches_name_id_or_city_case_insensitively(qtbot):
    plan = make_plan(n=300, seed=2)
    plan.accounts.loc[17, "city"] = "Springfield"
    model = AccountTableModel(plan)
    model.set_search("SPRINGF")
    assert model.view_rows.tolist() == [17]
    model.set_search("acc-001")
    expected = [i for i, a in enumerate(plan.accounts["account_id"]) if "acc-001" in a.lower()]
    assert model.view_rows.tolist() == expected and len(expected) == 100
    model.set_search("  ")
    assert model.rowCount() == 300


def test_filters_by_territory_and_moved_combine(qtbot):
    plan = make_plan(n=300, k=5, seed=4)
    plan.apply(MoveAccounts(np.arange(10), 2))
    model = AccountTableModel(plan)
    model.set_filters(AccountFilters(territories=frozenset({2})))
    assert set(plan.assignment[model.view_rows]) == {2}
    assert model.rowCount() == int((plan.assignment == 2).sum())
    model.set_filters(AccountFilters(territories=frozenset({2}), moved=True))
    expected = np.flatnonzero((plan.assignment == 2) & (plan.assignment != plan.baseline))
    assert np.array_equal(model.view_rows, expected) and len(expected) > 0
    assert all(t.startswith("from T") for t in _texts(model, "moved"))


def test_move_refreshes_only_the_moved_rows_without_reset(qtbot):
    plan = make_plan(n=500, k=5, seed=5)
    model = AccountTableModel(plan)
    model.sort(_col(model, "potential"), Qt.SortOrder.DescendingOrder)
    spy = _Spy(model)
    rows = np.array([3, 4, 250, 499])
    plan.apply(MoveAccounts(rows, 1))
    assert spy.resets == 0
    assert spy.rows() == set(model.view_row_of(rows).tolist())
    cols = {c for *_, a, b in spy.ranges for c in range(a, b + 1)}
    assert {_col(model, "territory"), _col(model, "rep"), _col(model, "moved")} <= cols
    assert all(model.data(model.index(int(r), _col(model, "territory"))) == "T1"
               for r in model.view_row_of(rows))


def test_many_scattered_rows_collapse_into_one_range(qtbot):
    n = 2 * (MAX_RANGES + 50)  # every other row moves: more separate ranges than the model emits one by one
    plan = make_plan(n=n, k=5, seed=6)
    model = AccountTableModel(plan)
    spy = _Spy(model)
    plan.apply(MoveAccounts(np.arange(0, n, 2), 4))
    assert len(spy.ranges) == 1 and spy.ranges[0][:2] == (0, n - 2)


def test_lock_refreshes_lock_column_and_locked_filter_follows(qtbot):
    plan = make_plan(n=100, seed=7)
    model = AccountTableModel(plan)
    model.set_filters(AccountFilters(locked=True))
    assert model.rowCount() == 0
    spy = _Spy(model)
    plan.apply(SetAccountLocks([5, 6], True))
    model.flush()  # the debounced re-filter, now
    assert model.view_rows.tolist() == [5, 6]
    assert model.data(model.index(0, _col(model, "locked")), Qt.ItemDataRole.DecorationRole) is not None
    assert spy.resets == 1


def test_filtered_view_drops_accounts_moved_out_after_the_debounce(qtbot):
    plan = make_plan(n=200, k=4, seed=8)
    model = AccountTableModel(plan)
    model.set_filters(AccountFilters(territories=frozenset({0})))
    leaving = model.view_rows[:3].copy()
    plan.apply(MoveAccounts(leaving, 1))
    assert set(leaving) <= set(model.view_rows.tolist())  # not yet: rows do not jump during a drag burst
    qtbot.waitUntil(lambda: not set(leaving) & set(model.view_rows.tolist()), timeout=2000)
    assert set(plan.assignment[model.view_rows]) == {0}


def test_territory_rename_updates_its_rows(qtbot):
    plan = make_plan(n=100, k=3, seed=9)
    model = AccountTableModel(plan)
    spy = _Spy(model)
    plan.apply(UpdateTerritory(1, {"name": "North"}))
    assert spy.rows() == set(np.flatnonzero(plan.assignment == 1).tolist())
    assert set(np.array(_texts(model, "territory"))[plan.assignment == 1]) == {"North"}


def test_imported_columns_are_shown_and_sort_by_their_type(qtbot):
    base = make_plan(n=5, k=2, seed=0)
    source = pd.DataFrame({"Acct Score": [3, 1, 2, 5, 4], "Region": ["b", "a", "c", "e", "d"]})
    plan = Plan(base.accounts, base.territories, base.assignment, source=source)
    model = AccountTableModel(plan)
    model.sort(_col(model, "src:Acct Score"), Qt.SortOrder.AscendingOrder)
    assert _texts(model, "src:Acct Score") == ["1", "2", "3", "4", "5"]
    assert model.headerData(_col(model, "src:Region"), Qt.Orientation.Horizontal) == "Region"


def test_drag_payload_round_trips_plan_rows(qtbot):
    plan = make_plan(n=50, seed=1)
    model = AccountTableModel(plan)
    model.sort(_col(model, "name"), Qt.SortOrder.DescendingOrder)
    indexes = [model.index(r, c) for r in (0, 1, 7) for c in (0, 3)]
    mime = model.mimeData(indexes)
    assert mime.hasFormat(MIME)
    assert decode_rows(mime).tolist() == sorted(model.plan_rows([0, 1, 7]).tolist())
    assert decode_version(encode_rows([2, 1], plan_version=42)) == 42


def test_foreign_or_damaged_payload_is_rejected(qtbot):
    other = QMimeData()
    other.setText("hello")
    assert decode_rows(other) is None
    broken = QMimeData()
    broken.setData(MIME, b"TDA1\x00\x01")
    assert decode_rows(broken) is None and decode_version(broken) is None


def test_text_cells_read_true_across_chunks_in_any_order(qtbot):
    """Text is formatted a chunk at a time when first shown: every cell, first paint or later, in plan order or
    sorted, must still say what the plan holds (blank for missing, the column's words for codes)."""
    from territory_desktop.ui.accounts.model import CHUNK

    n = 3 * CHUNK + 17
    plan = make_plan(n=n, k=4, seed=11)
    industry = plan.accounts["industry"].astype(object).to_numpy().copy()
    industry[[5, CHUNK + 3, 2 * CHUNK + 9]] = None
    plan.accounts["industry"] = industry
    model = AccountTableModel(plan)
    c = _col(model, "industry")
    want = ["" if v is None else str(v) for v in industry]
    model.sort(_col(model, "potential"), Qt.SortOrder.DescendingOrder)  # the first rows are scattered
    assert model.sample_texts(c, 50) == [want[r] for r in model.view_rows[:50]]
    assert [model.data(model.index(i, c)) for i in range(model.rowCount())] == [want[r] for r in model.view_rows]
    basis = _col(model, "score_basis")
    shown = {model.data(model.index(i, basis)) for i in range(model.rowCount())}
    assert shown and "model" not in shown and "column" not in shown  # codes are worded
