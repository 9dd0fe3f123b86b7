"""Eligibility rules (segment -> rep roles) live in the balance settings, survive a save and refuse bad moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.edits import MoveAccounts, SetSettings
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.io.project.project_file import open_project, save_project
from tests.conftest import make_plan

RULE = {"Enterprise": ["Enterprise AE"]}


def role_plan(rule: dict[str, list[str]] | None = RULE) -> Plan:
    """T0/T1 Enterprise AE, T2/T3 SMB AE, T4 without a role."""
    plan = make_plan(200, 5, seed=3)
    for t, role in zip(plan.territories, ["Enterprise AE", "Enterprise AE", "SMB AE", "SMB AE", ""], strict=True):
        t.role = role
    if rule is not None:
        plan.apply(SetSettings(plan.settings.with_eligibility(rule)))
    return plan


def rows_of_segment(plan: Plan, segment: str, not_in: int) -> np.ndarray:
    seg = plan.accounts["segment"].to_numpy(dtype=object)
    return np.flatnonzero((seg == segment) & (plan.assignment != not_in))


def test_settings_without_the_key_have_no_rules_and_rules_round_trip_as_json() -> None:
    old = BalanceSettings().to_dict()
    del old["eligibility"]
    assert BalanceSettings.from_dict(old).eligibility == ()
    assert BalanceSettings.from_dict(old).allowed_roles("Enterprise") is None
    s = BalanceSettings().with_eligibility({"Enterprise": ["Strategic AE", "Enterprise AE"], "SMB": []})
    assert s.allowed_roles("Enterprise") == ("Enterprise AE", "Strategic AE")
    assert s.allowed_roles("SMB") is None                                   # an empty list is no rule
    assert BalanceSettings.from_dict(s.to_dict()) == s
    hash(s.eligibility)


def test_a_malformed_rule_in_a_file_names_the_segment() -> None:
    with pytest.raises(ValueError, match="Enterprise"):
        BalanceSettings.from_dict({"eligibility": {"Enterprise": "Enterprise AE"}})


def test_rules_survive_saving_and_opening_the_project(tmp_path: Path) -> None:
    plan = role_plan()
    save_project(plan, tmp_path / "p.territory")
    back = open_project(tmp_path / "p.territory")
    assert back.settings.allowed_roles("Enterprise") == ("Enterprise AE",)
    rows = rows_of_segment(back, "Enterprise", 2)[:1]
    with pytest.raises(EditRefused):
        back.apply(MoveAccounts(rows, 2))


def test_moving_an_enterprise_account_to_an_smb_rep_is_refused_with_the_rule() -> None:
    plan = role_plan()
    rows = rows_of_segment(plan, "Enterprise", 2)[:3]
    before = plan.assignment.copy()
    with pytest.raises(EditRefused, match=r"Enterprise accounts may only go to Enterprise AE territories "
                                          r"\(rule in Balance settings\)"):
        plan.apply(MoveAccounts(rows, 2))
    assert np.array_equal(plan.assignment, before)


def test_allowed_targets_unassigning_and_roleless_territories_accept() -> None:
    plan = role_plan()
    ent = rows_of_segment(plan, "Enterprise", 1)[:2]
    smb = rows_of_segment(plan, "SMB", 1)[:2]
    plan.apply(MoveAccounts(ent, 1))                                       # the allowed role
    plan.apply(MoveAccounts(smb, 1))                                       # SMB has no rule
    plan.apply(MoveAccounts(ent, 4))                                       # no role: takes anything
    plan.apply(MoveAccounts(ent, -1))                                      # unassigning is always allowed
    assert (plan.assignment[ent] == -1).all()


def test_a_mixed_move_is_refused_whole_and_undo_of_an_older_move_still_works() -> None:
    plan = role_plan(rule=None)
    ent = rows_of_segment(plan, "Enterprise", 2)[:2]
    orig = plan.assignment[ent].copy()
    inverse = plan.apply(MoveAccounts(ent, 0))
    moved_in = plan.apply(MoveAccounts(ent, 2))                            # allowed: no rule yet
    plan.apply(SetSettings(plan.settings.with_eligibility(RULE)))
    mixed = np.concatenate([ent, rows_of_segment(plan, "SMB", 3)[:2]])
    with pytest.raises(EditRefused, match="Enterprise"):
        plan.apply(MoveAccounts(mixed, 3))
    plan.apply(moved_in)                                                   # undo: back to T0
    assert (plan.assignment[ent] == 0).all()
    plan.apply(MoveAccounts(ent, 2, check_locks=False))                    # redo path skips checks too
    plan.apply(inverse)                                                    # undo into wherever they were
    assert np.array_equal(plan.assignment[ent], orig)


def test_an_account_already_in_a_territory_may_be_dropped_there_again() -> None:
    plan = role_plan(rule=None)
    ent = rows_of_segment(plan, "Enterprise", 2)[:1]
    plan.apply(MoveAccounts(ent, 2))
    plan.apply(SetSettings(plan.settings.with_eligibility(RULE)))
    plan.apply(MoveAccounts(ent, 2))                                       # no move, nothing to refuse
    assert plan.assignment[ent[0]] == 2
