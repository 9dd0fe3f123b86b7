"""A planner is told when the export lacks the column the plan is balanced on (or the owners)."""

from __future__ import annotations

from territory_desktop.io.importing.importer import import_plan


def test_an_unrecognised_value_column_is_reported_not_silently_zero(tmp_path):
    f = tmp_path / "accounts.csv"
    f.write_text("Account ID,Account Name,Spend Index,Account Owner,Billing Zip/Postal Code\n"
                 "A1,Acme,1000,Ann,02134\nA2,Beta,2000,Bob,10001\n", encoding="utf-8")
    result = import_plan(f)
    notes = [p for p in result.problems if p.row is None]
    assert any("'potential'" in p.reason and "'Spend Index'" in p.reason for p in notes), \
        [str(p) for p in result.problems]
    assert not any("'owner'" in p.reason for p in notes)
    assert result.plan.n_accounts == 2


def test_a_revenue_column_sizes_accounts_and_the_summary_says_how_potential_was_made(tmp_path):
    f = tmp_path / "accounts.csv"
    f.write_text("Account ID,Account Name,Revenue Thing,Account Owner,Billing Zip/Postal Code\n"
                 "A1,Acme,1000000,Ann,02134\nA2,Beta,2000000000,Bob,10001\n", encoding="utf-8")
    result = import_plan(f)
    assert result.mapping["revenue"] == "Revenue Thing"
    assert result.plan.accounts["potential"].tolist() == [1000.0, 2_000_000.0]  # 0.1%, capped at $2M
    assert result.plan.accounts["segment"].tolist() == ["SMB", "Enterprise"]
    assert any("'Revenue Thing'" in n and "never taken as potential" in n for n in result.notes), result.notes
