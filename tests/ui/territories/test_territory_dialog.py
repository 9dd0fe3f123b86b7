"""Territory add/edit/remove dialogs return the right core edit; the move chooser picks by keyboard."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QDialog, QDialogButtonBox

from territory_desktop.core.edits import AddTerritory, RemoveTerritory, UpdateTerritory
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.ui.accounts.move_chooser import DETAIL_ROLE, MoveChooser
from territory_desktop.ui.territories.dialog import RemoveTerritoryDialog, TerritoryDialog
from tests.conftest import make_plan


@pytest.fixture
def plan():
    p = make_plan(n=120, k=4, seed=3)
    for i, t in enumerate(p.territories):
        t.region = "West" if i % 2 else "East"
    return p


def _show(qtbot, dlg):
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _retype(qtbot, widget, text: str) -> None:
    """Select what a line edit or spin box shows and type over it, as a user would."""
    target = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    target.selectAll()
    qtbot.keyClicks(target, text)


def test_rename_and_capacity_give_update_with_only_those_fields(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, 1))
    _retype(qtbot, d.name, "Pacific North")
    _retype(qtbot, d.capacity, "1500")
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted
    edit = d.result_edit()
    assert isinstance(edit, UpdateTerritory) and edit.index == 1
    assert edit.changes == {"name": "Pacific North", "capacity_hours": 1500.0}
    inverse = plan.apply(edit)
    assert plan.territories[1].name == "Pacific North" and plan.territories[1].capacity_hours == 1500.0
    plan.apply(inverse)
    assert plan.territories[1].name == "T1"


def test_unchanged_dialog_gives_no_edit(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, 2))
    d.accept()
    assert d.result_edit() is None


def test_duplicate_and_empty_names_are_refused(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, 0))
    _retype(qtbot, d.name, "t2")  # another territory is "T2": names compare case-insensitively
    qtbot.keyClick(d.name, Qt.Key.Key_Return)
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert "already called 'T2'" in d.error_label.text() and d.error_label.isVisibleTo(d)
    d.name.clear()
    d.accept()
    assert d.isVisible() and "name" in d.error_label.text()


def test_home_needs_both_coordinates_in_range(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, 0))
    d.home_lon.clear()
    d.accept()
    assert d.isVisible() and "both the latitude and the longitude" in d.error_label.text()
    d.home_lat.clear()
    d.accept()
    edit = d.result_edit()
    assert math.isnan(edit.changes["home_lat"]) and math.isnan(edit.changes["home_lon"])


def test_centre_of_the_book_is_the_median_of_its_accounts(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, 3))
    qtbot.mouseClick(d.centre_button, Qt.MouseButton.LeftButton)
    d.accept()
    rows = plan.rows_in(3)
    edit = d.result_edit()
    assert edit.changes["home_lat"] == pytest.approx(np.median(plan.lat[rows]), abs=1e-5)
    assert edit.changes["home_lon"] == pytest.approx(np.median(plan.lon[rows]), abs=1e-5)
    plan.apply(edit)
    assert plan.kpis.equals(KpiState.full(plan))  # the window can apply it as-is


def test_new_territory_gets_free_name_and_unused_palette_colour(qtbot, plan):
    d = _show(qtbot, TerritoryDialog(plan, None))
    assert d.name.text() not in {t.name for t in plan.territories}
    assert not d.centre_button.isEnabled()  # a new territory has no book yet
    _retype(qtbot, d.rep, "Dana Scully")
    d.set_colour("#117733")
    d.accept()
    edit = d.result_edit()
    assert isinstance(edit, AddTerritory)
    assert edit.territory.rep == "Dana Scully" and edit.territory.color == "#117733"
    plan.apply(edit)
    assert plan.territories[-1].rep == "Dana Scully"


def test_remove_dialog_sends_accounts_to_the_chosen_territory(qtbot, plan):
    d = _show(qtbot, RemoveTerritoryDialog(plan, 1))
    assert d.target.findData(1) == -1  # cannot send the accounts to the territory being removed
    d.select_target(3)
    d.accept()
    edit = d.result_edit()
    assert isinstance(edit, RemoveTerritory) and (edit.index, edit.to) == (1, 3)
    moving = plan.rows_in(1)
    plan.apply(edit)
    assert (plan.assignment[moving] == 3).all() and plan.territories[1].removed


def test_remove_dialog_offers_no_locked_territory(qtbot, plan):
    plan.territories[0].locked = True
    d = _show(qtbot, RemoveTerritoryDialog(plan, 2))
    assert d.target.currentData() != 0  # the first open territory is proposed, not the locked one
    locked_row = d.target.findData(0)
    assert not d.target.model().item(locked_row).isEnabled()


def test_remove_dialog_defaults_to_unassigned(qtbot, plan):
    d = _show(qtbot, RemoveTerritoryDialog(plan, 2))
    d.accept()
    assert d.result_edit().to == -1


def test_move_chooser_filters_as_you_type_and_enter_picks(qtbot, plan):
    plan.territories[2].name = "Northeast"
    d = _show(qtbot, MoveChooser(plan))
    qtbot.keyClicks(d.filter, "north")
    visible = [d.list.item(r) for r in range(d.list.count()) if not d.list.item(r).isHidden()]
    assert len(visible) == 1
    qtbot.keyClick(d.filter, Qt.Key.Key_Return)
    assert d.result() == QDialog.DialogCode.Accepted and d.chosen == 2


def test_move_chooser_arrows_skip_locked_and_esc_cancels(qtbot, plan):
    plan.territories[1].locked = True
    d = _show(qtbot, MoveChooser(plan))
    assert d.current_territory() == 0
    qtbot.keyClick(d.filter, Qt.Key.Key_Down)
    assert d.current_territory() == 2  # T1 is locked: listed, but not choosable
    qtbot.keyClick(d.filter, Qt.Key.Key_Escape)
    assert d.result() == QDialog.DialogCode.Rejected and d.chosen is None


def test_move_chooser_with_no_match_stays_open(qtbot, plan):
    d = _show(qtbot, MoveChooser(plan))
    qtbot.keyClicks(d.filter, "zzz")
    qtbot.keyClick(d.filter, Qt.Key.Key_Return)
    assert d.isVisible() and d.chosen is None


def test_move_chooser_can_offer_unassigned(qtbot, plan):
    d = _show(qtbot, MoveChooser(plan, allow_unassigned=True))
    qtbot.keyClicks(d.filter, "unass")
    qtbot.keyClick(d.filter, Qt.Key.Key_Enter)
    assert d.chosen == -1


def test_move_chooser_never_proposes_where_the_accounts_already_are(qtbot, plan):
    """Accounts all in the first territory: Enter at once used to "move" them to where they were. That
    territory is marked as theirs and the first other one is proposed; typing its name still picks it."""
    rows = np.flatnonzero(plan.assignment == 0)[:3]
    d = _show(qtbot, MoveChooser(plan, rows=rows))
    assert d.current_territory() not in (None, 0)
    assert d.windowTitle() == "Move 3 Accounts To"
    mine = next(d.list.item(r) for r in range(d.list.count()) if d.list.item(r).data(Qt.ItemDataRole.UserRole) == 0)
    assert "where they are now" in mine.data(DETAIL_ROLE)
    qtbot.keyClicks(d.filter, plan.territories[0].name)
    assert d.current_territory() == 0
