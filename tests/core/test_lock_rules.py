"""Lock rules: conditions of one rule must all hold, any rule locks; amounts read as planners write them;
a rule that does not fit the plan is refused with the rule, its row and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core.lock_rules import (
    LockRuleError,
    locked_by_rules,
    parse_amount,
    parse_lock_rules,
    rule_rows,
)
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory


def _plan() -> Plan:
    acc = accounts_frame({
        "account_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
        "segment": ["Enterprise", "Enterprise", "SMB", "Mid-Market", "SMB", "Enterprise"],
        "industry": ["Software", "Retail", "Retail", "Health Care", "Software", ""],
        "state": ["CA", "ca", "TX", "NY", "CA", "WA"],
        "pipeline": [300_000.0, 0.0, 260_000.0, 250_000.0, np.nan, 1_200_000.0],
        "potential": [5e5, 1e5, 2e4, 8e4, 1e4, 2e6],
        "named": [True, True, False, False, False, False],
        "last_activity": ["2026-01-05", "2025-11-30", "", "2026-06-01", "2024-02-02", "2026-03-03"],
        "lat": [37.0] * 6, "lon": [-120.0] * 6,
    })
    return Plan(acc, [Territory("T0")], np.zeros(6, dtype=np.int32))


def _mask(plan: Plan, *rows: tuple[str, str, str, str]) -> list[str]:
    return plan.accounts["account_id"][locked_by_rules(plan, rows)].tolist()


def test_conditions_of_one_rule_must_all_hold_and_any_rule_locks():
    p = _plan()
    assert _mask(p, ("Named Ent", "named", "=", "yes"), ("Named Ent", "segment", "=", "enterprise")) == ["A1", "A2"]
    assert _mask(p, ("Named Ent", "named", "=", "yes"), ("Named Ent", "segment", "=", "enterprise"),
                 ("Big deals", "pipeline", ">", "$1M")) == ["A1", "A2", "A6"]


def test_amounts_are_read_as_planners_write_them_and_blank_pipeline_never_exceeds():
    p = _plan()
    assert _mask(p, ("Big", "pipeline", ">", "250k")) == ["A1", "A3", "A6"]
    assert _mask(p, ("Big", "pipeline", ">=", "250,000")) == ["A1", "A3", "A4", "A6"]
    assert _mask(p, ("Small", "pipeline", "<", "1")) == ["A2"]  # the blank (A5) is not "less than 1"
    assert parse_amount("$1.2M") == 1_200_000 and parse_amount("2bn") == 2e9 and parse_amount("lots") is None


def test_text_operators_are_case_insensitive():
    p = _plan()
    assert _mask(p, ("West", "state", "in", "CA, wa")) == ["A1", "A2", "A5", "A6"]
    assert _mask(p, ("Not west", "state", "not in", "CA,WA")) == ["A3", "A4"]
    assert _mask(p, ("Soft", "industry", "contains", "SOFT")) == ["A1", "A5"]
    assert _mask(p, ("Not retail", "industry", "!=", "retail"), ("Not retail", "segment", "=", "SMB")) == ["A5"]
    # ISO dates compare in date order; a blank date is neither before nor after
    assert _mask(p, ("Recent", "last_activity", ">=", "2026-01-01")) == ["A1", "A4", "A6"]
    assert _mask(p, ("Stale", "last_activity", "<", "2025-01-01")) == ["A5"]


def test_the_plan_saved_rules_are_the_default_and_round_trip():
    p = _plan()
    rows = (("Named Ent", "named", "=", "yes"), ("Named Ent", "segment", "=", "Enterprise"),
            ("Big", "pipeline", ">", "1m"))
    p.settings = BalanceSettings(lock_rules=rows)
    assert p.accounts["account_id"][locked_by_rules(p)].tolist() == ["A1", "A2", "A6"]
    rules = parse_lock_rules(rows, p.accounts)
    assert [r.name for r in rules] == ["Named Ent", "Big"]
    assert rule_rows(rules) == rows
    assert BalanceSettings.from_dict(p.settings.to_dict()).lock_rules == rows
    assert rules[1].words() == "Big: open pipeline > 1m"
    assert not locked_by_rules(Plan(p.accounts, p.territories, p.assignment)).any()  # no rules, no locks


@pytest.mark.parametrize(("row", "message"), [
    (("Big", "pipline", ">", "1"), r"lock rule 'Big' \(row 2\): unknown field 'pipline' \(use an account column"),
    (("Big", "pipeline", ">", "a lot"), r"pipeline is a number, and 'a lot' is not one"),
    (("Big", "pipeline", "in", "1k, some"), r"'some' is not one"),
    (("Big", "pipeline", "~", "1"), r"unknown operator '~' \(use one of: = != > >= < <= in not in contains\)"),
    (("Big", "named", ">", "yes"), r"named is yes or no: use = or !="),
    (("Big", "named", "=", "maybe"), r"named is yes or no, not 'maybe'"),
    (("Big", "state", "=", "  "), r"the condition on 'state' has no value"),
    (("", "state", "=", "CA"), r"lock rule row 2: the rule has no name"),
])
def test_a_rule_that_does_not_fit_is_refused_naming_rule_row_and_fix(row, message):
    p = _plan()
    with pytest.raises(LockRuleError, match=message):
        locked_by_rules(p, [("Ok", "state", "=", "CA"), row])


def test_operator_spellings_people_type_are_accepted():
    p = _plan()
    assert _mask(p, ("x", "pipeline", "≥", "1.2M")) == ["A6"]
    assert _mask(p, ("x", "state", "NOT_IN", "CA,TX,NY")) == ["A6"]
    assert _mask(p, ("x", "segment", "==", "smb")) == ["A3", "A5"]


def test_new_accounts_of_a_refreshed_export_are_matched_by_the_same_rules():
    p = _plan()
    rows = (("Big", "pipeline", ">", "250k"),)
    bigger = pd.concat([p.accounts, accounts_frame({"account_id": ["N1", "N2"], "pipeline": [900_000.0, 10.0],
                                                     "lat": [1.0, 1.0], "lon": [1.0, 1.0]})],
                       ignore_index=True)
    q = Plan(bigger, p.territories, np.zeros(8, dtype=np.int32), settings=BalanceSettings(lock_rules=rows))
    assert q.accounts["account_id"][locked_by_rules(q)].tolist() == ["A1", "A3", "A6", "N1"]
