"""Amounts in another currency than the rest of their column are named row by row: 'MXN 200,000,000'
(about $11M) was read as $200M without a word, and made a Mid-Market account out of a small one."""

from __future__ import annotations

from territory_desktop.io.importing.importer import WARNING, import_plan


def _export(tmp_path, revenues: list[str]):
    path = tmp_path / "crm.csv"
    rows = [f"A-{i},Company {i},Boston,MA,02108,\"{r}\",Jane Doe" for i, r in enumerate(revenues)]
    path.write_text("Account ID,Account Name,City,State,Zip,Annual Revenue,Account Owner\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_a_cell_in_another_currency_is_a_warning_naming_row_column_and_currency(tmp_path):
    path = _export(tmp_path, ["$1,200,000", "$450,000", "CAD 12,000,000", "£5,000,000", "$38,500,000",
                              "MXN 200,000,000", "1.2M"])
    result = import_plan(path)
    notes = [p for p in result.problems if "currency" in p.reason]
    assert [(p.row, p.column) for p in notes] == [(4, "Annual Revenue"), (5, "Annual Revenue"), (7, "Annual Revenue")]
    assert all(p.severity == WARNING for p in notes)
    assert "CAD" in notes[0].reason and "USD" in notes[0].reason and "convert" in notes[0].reason
    assert result.plan.n_accounts == 7  # kept: the amount is read, as written, and flagged


def test_a_column_all_in_one_currency_is_not_flagged(tmp_path):
    path = _export(tmp_path, ["€1.200.000", "€450.000", "EUR 38.500.000", "1,2M"])
    assert not [p for p in import_plan(path).problems if "currency" in p.reason]
