"""The import dialog's segments & potential panel: counts, model and thresholds shown, edited, imported."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from territory_desktop.core.segments import SegmentRules, segment_by_size, segment_counts
from territory_desktop.io.importing import values as V
from territory_desktop.ui.importing.dialog import MAPPING, REPORT, ImportDialog
from tests.conftest import FIXTURES

HUBSPOT = FIXTURES / "crm" / "hubspot_companies_sized.csv"
SALESFORCE = FIXTURES / "crm" / "salesforce_scored_segmented.csv"


def _mapping_page(qtbot, path) -> ImportDialog:
    d = ImportDialog(str(path))
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.current_page() == MAPPING and d.sizing.isVisible()
    return d


def _label(d: ImportDialog, name: str) -> str:
    return d.sizing.findChild(QLabel, name).text()


def _type(qtbot, spin, text: str) -> None:
    """Replace a spin box's number by typing, as the planner would."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def _by_hand(employees_col: str | None, revenue_col: str | None, rules: SegmentRules) -> dict[str, int]:
    with HUBSPOT.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    emp = pd.Series([r[employees_col] for r in rows]) if employees_col else None
    rev = pd.Series([r[revenue_col] for r in rows]) if revenue_col else None
    n = len(rows)
    e = V.parse_employee_counts(emp)[0] if emp is not None else np.full(n, np.nan)
    r = V.parse_numbers(rev)[0] if rev is not None else np.full(n, np.nan)
    return segment_counts(segment_by_size(e, r, rules)[0])


def test_counts_follow_the_rules_and_the_mapping(qtbot):
    d = _mapping_page(qtbot, HUBSPOT)
    p = d.sizing
    expected = _by_hand("Number of Employees", "Annual Revenue", SegmentRules())
    assert expected == {"SMB": 16, "Mid-Market": 9, "Enterprise": 5}  # counted from the file, too
    assert p.summary.segments == expected
    assert _label(d, "segment_SMB").startswith("<span") and ">16<" in _label(d, "segment_SMB")
    assert "All 30 rows" in _label(d, "sizingScope")

    _type(qtbot, p.mm_emp, "50")  # Mid-Market from 50 employees
    assert p.summary.segments == _by_hand("Number of Employees", "Annual Revenue", SegmentRules(50))
    assert p.summary.segments == {"SMB": 12, "Mid-Market": 13, "Enterprise": 5}
    assert ">13<" in _label(d, "segment_Mid-Market")
    assert p.ent_emp.minimum() == 51  # Enterprise cannot be typed below Mid-Market
    p.ent_emp.setValue(10)
    assert p.ent_emp.value() == 51 and p.segment_rules().enterprise_employees == 51
    p.ent_emp.setValue(1000)

    d.mapping.set_column("employees", None)  # the panel follows the mapping: now sized by revenue only
    assert p.summary.segments == _by_hand(None, "Annual Revenue", SegmentRules(50))
    assert p.summary.unsized == 4  # "n/a", "-", "none", "N/A": no size, SMB
    assert "4 without employees or revenue are SMB" in _label(d, "segmentNote")


def test_editing_the_rate_updates_the_median_and_the_import_uses_it(qtbot):
    d = _mapping_page(qtbot, HUBSPOT)
    p = d.sizing
    assert p.per_employee.isEnabled() and p.revenue_share.isEnabled() and p.cap.isEnabled()
    assert "$150 per employee" in _label(d, "potentialFormula")
    # employees sorted: the 15th and 16th of 30 are 88 and 95
    assert p.summary.stat("median") == pytest.approx(91.5 * 150)
    assert _label(d, "potential_median") == "$13.7k"
    assert "3 owners" in _label(d, "potentialTotal")  # Maria Lopez, James O'Neil, Priya Shah

    _type(qtbot, p.per_employee, "200")
    assert p.summary.stat("median") == pytest.approx(91.5 * 200)
    assert _label(d, "potential_median") == "$18.3k"
    assert "$200 per employee" in _label(d, "potentialFormula")
    total = p.summary.stat("total")
    assert p.summary.per_territory == pytest.approx(total / 3)
    _type(qtbot, p.mm_emp, "50")

    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)  # Import
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=15_000)
    plan = d.result_import.plan
    assert plan.settings.potential_model.per_employee == 200
    assert plan.settings.segment_rules.mid_market_employees == 50
    acc = plan.accounts.set_index("account_id")
    assert acc.loc["5501", "potential"] == 9_000  # 45 employees at $200
    assert acc.loc["5510", "segment"] == "Mid-Market"  # 75 employees: SMB under the default rules
    assert plan.accounts["potential"].sum() == pytest.approx(total)  # the panel showed what was imported
    assert plan.accounts["potential"].median() == pytest.approx(p.summary.stat("median"))


def test_a_potential_column_is_used_as_is_and_disables_the_model(qtbot):
    d = _mapping_page(qtbot, SALESFORCE)
    p = d.sizing
    assert d.mapping.combos["potential"].currentText() == "Expected ACV"
    assert not p.per_employee.isEnabled() and not p.revenue_share.isEnabled() and not p.cap.isEnabled()
    assert _label(d, "potentialSource") == "Potential is the column 'Expected ACV', used as is."
    assert not p.findChild(QLabel, "potentialFormula").isVisible()
    assert p.summary.stat("max") == 520_000 and _label(d, "potential_max") == "$520.0k"
    assert "Customer Segment" in _label(d, "segmentNote")
    assert p.mm_emp.isEnabled()  # the thresholds stay editable: they are kept in the plan's settings


def test_a_big_file_says_it_counts_the_first_rows(qtbot, tmp_path):
    path = tmp_path / "big.csv"
    lines = ["Account ID,Account Name,Employees"] + [f"A{i},Firm {i},{i % 2000}" for i in range(1000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = _mapping_page(qtbot, path)
    assert "The first 200 rows of the file (the import reads them all)" in _label(d, "sizingScope")
    assert d.sizing.summary.accounts == 200
