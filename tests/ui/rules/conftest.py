"""The rules dialogs are driven on the hand-written West-coast book (tests/fixtures/crm/rules_*.csv): seven reps,
seven owned accounts, twelve unowned ones, the territory rules of rules_good.csv."""

from __future__ import annotations

import pytest

from territory_desktop.core.plan import Plan
from territory_desktop.core.routing import read_rules_table, rules_from_frame
from territory_desktop.io.importing.importer import import_plan
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"


def book(with_rules: bool = True) -> Plan:
    plan = import_plan(CRM / "rules_accounts.csv", CRM / "rules_reps.csv").plan
    if with_rules:
        for t, rules in rules_from_frame(plan, read_rules_table(CRM / "rules_good.csv")).items():
            plan.territories[t].rules = rules
    return plan


@pytest.fixture
def ruled_book() -> Plan:
    return book()
