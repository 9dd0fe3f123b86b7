"""Real CRM shapes give believable numbers on the first import: segments by the rules, potential by the model,
capacity load near the norm, and worded warnings when a plan looks implausible (issue: Segment and score)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.sanity import glance_lines, plan_warnings
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.sample.generate import bundled_sample_paths
from tests.conftest import FIXTURES

HUBSPOT_SIZED = FIXTURES / "crm" / "hubspot_companies_sized.csv"
DYNAMICS_REVENUE = FIXTURES / "crm" / "dynamics_accounts_revenue_only.csv"


def _by_hand(employees: float, revenue: float) -> str:
    """The default rules as a planner reads them off the issue, written independently of the code."""
    if np.isfinite(employees):
        return "Enterprise" if employees >= 1000 else "Mid-Market" if employees >= 100 else "SMB"
    if np.isfinite(revenue):
        return "Enterprise" if revenue >= 1e9 else "Mid-Market" if revenue >= 50e6 else "SMB"
    return "SMB"


@pytest.mark.parametrize("path", [HUBSPOT_SIZED, DYNAMICS_REVENUE])
def test_segments_equal_the_rules_applied_by_hand(path):
    acc = import_plan(path).plan.accounts
    expected = [_by_hand(e, r) for e, r in zip(acc["employees"], acc["revenue"], strict=True)]
    assert acc["segment"].tolist() == expected
    assert len(set(expected)) == 3  # the fixtures hold all three sizes


def test_employees_export_potential_is_the_per_employee_wallet_never_the_revenue():
    r = import_plan(HUBSPOT_SIZED)
    acc = r.plan.accounts
    assert r.mapping["revenue"] == "Annual Revenue" and "potential" not in r.mapping
    assert np.allclose(acc["potential"], np.minimum(acc["employees"] * 150.0, 2e6))
    assert (acc["potential"] < acc["revenue"].fillna(np.inf)).all()
    assert any("never taken as potential" in n for n in r.notes)
    assert r.sanity == []  # a believable plan gets no warning


def test_revenue_only_export_uses_the_revenue_share_and_says_so():
    r = import_plan(DYNAMICS_REVENUE)
    acc = r.plan.accounts
    sized = acc["revenue"].notna()
    assert np.allclose(acc.loc[sized, "potential"], np.minimum(acc.loc[sized, "revenue"] * 0.001, 2e6))
    assert (acc.loc[~sized, "potential"] == 0).all()
    assert "0.1% of annual revenue" in r.notes[0] and "'Annual Revenue'" in r.notes[0]


def test_an_explicit_segment_column_wins_and_blank_cells_fall_back_to_the_rules(tmp_path):
    f = tmp_path / "sf.csv"
    f.write_text("Account ID,Account Name,Segment,Number of Employees,Account Potential,Billing Zip/Postal Code\n"
                 "1,Acme,Enterprise,40,50000,10001\n2,Beta,,40,20000,10001\n3,Gamma,mid market,5000,90000,10001\n",
                 encoding="utf-8")
    r = import_plan(f)
    acc = r.plan.accounts
    assert acc["segment"].tolist() == ["Enterprise", "SMB", "Mid-Market"]
    assert acc["segment_basis"].tolist() == ["column", "employees", "column"]
    assert acc["potential"].tolist() == [50000.0, 20000.0, 90000.0]  # the potential column, as is
    assert r.notes[0] == "Potential is the column 'Account Potential', used as is."


def test_the_bundled_sample_looks_believable_and_gets_no_warning():
    accounts, reps = bundled_sample_paths()
    r = import_plan(accounts, reps)
    assert r.sanity == []
    util = kpis.territory_table(r.plan)["utilisation"]
    assert 0.7 < float(util.median()) < 1.3  # a mid-range book is about a rep's year


def test_mid_range_books_are_about_a_full_year(small_plan):
    """Service hours fit the segments: 350 SMB, 150 Mid-Market, 55 Enterprise accounts ≈ 100% of capacity."""
    from territory_desktop.core.plan import Plan, accounts_frame
    from territory_desktop.core.territory import Territory

    for segment, n in (("SMB", 350), ("Mid-Market", 150), ("Enterprise", 55)):
        rng = np.random.default_rng(1)
        ang = rng.uniform(0, 2 * np.pi, n)
        km = 100.0  # each account 100 km from the rep's home
        lat = 40.0 + km / 111.2 * np.sin(ang)
        lon = -90.0 + km / (111.2 * np.cos(np.radians(40.0))) * np.cos(ang)
        plan = Plan(accounts_frame({"lat": lat, "lon": lon, "segment": [segment] * n}),
                    [Territory("T", home_lat=40.0, home_lon=-90.0)], np.zeros(n, dtype=int))
        util = float(kpis.territory_table(plan)["utilisation"].iloc[0])
        assert 0.85 < util < 1.15, (segment, util)


def _plan_from(tmp_path, text: str):
    f = tmp_path / "x.csv"
    f.write_text(text, encoding="utf-8")
    return import_plan(f)


def test_warnings_fire_on_implausible_plans_and_name_the_fix(tmp_path):
    rows = "\n".join(f"{i},Co {i},Ann,10001,Enterprise,{10 ** (i % 10)}" for i in range(150))
    r = _plan_from(tmp_path, "Account ID,Account Name,Account Owner,Billing Zip/Postal Code,Segment,"
                             "Account Potential\n" + rows + "\n")
    text = " ".join(r.sanity)
    assert "150 of 150 accounts (100%) are Enterprise" in text and "Balance Settings → Segments" in text
    assert "orders of magnitude" in text and "Company revenue" in text
    assert "Every territory is over 200% of capacity" in text  # 150 × 22 h = 3,300 h for one rep
    assert "Balance Settings → Workload" in text


def test_the_summary_lines_count_segments_and_load(tmp_path):
    r = import_plan(HUBSPOT_SIZED)
    lines = glance_lines(r.plan)
    seg = r.plan.accounts["segment"].value_counts()
    assert lines[0].startswith(f"Accounts per segment: SMB {seg['SMB']:,}")
    assert lines[1].startswith("Potential per territory:") and "Capacity load:" in lines[2]
    assert plan_warnings(r.plan) == r.sanity
    assert pd.Series(r.plan.accounts["last_activity"]).str.fullmatch(r"(\d{4}-\d\d-\d\d)?").all()


SALESFORCE_SCORED = FIXTURES / "crm" / "salesforce_scored_segmented.csv"


def test_an_export_with_score_and_segment_columns_uses_them_as_is():
    r = import_plan(SALESFORCE_SCORED)
    acc = r.plan.accounts
    assert r.mapping["score"] == "Account Score" and r.mapping["segment"] == "Customer Segment"
    assert r.mapping["potential"] == "Expected ACV"
    assert acc["segment_basis"].eq("column").all()
    assert acc.loc[acc["name"] == "Harbor Freight Partners", "score"].item() == 92
    blank = acc["name"].isin(["Granite State Credit Union", "Yale Street Bakery"])  # "n/a" and "-"
    assert acc.loc[blank, "score"].isna().all() and acc.loc[blank, "tier"].eq("C").all()
    # tiers by rank: 16 accounts -> the top 20% (3.2, so 4 slots: ranks 0-3) are A
    top = acc.sort_values("score", ascending=False)["name"].head(4).tolist()
    assert sorted(acc.loc[acc["tier"] == "A", "name"]) == sorted(top)
    assert any("Scores are the column 'Account Score'" in n for n in r.notes)
    assert [t.name for t in r.plan.territories] == ["Linh Nguyen", "Omar Haddad", "Priya Shah"]


def test_without_a_score_column_the_model_scores_and_says_how():
    r = import_plan(HUBSPOT_SIZED)
    acc = r.plan.accounts
    assert acc["score_basis"].eq("model").all()
    assert acc["score"].between(0, 100).all()
    counts = acc["tier"].value_counts()
    assert counts["A"] == pytest.approx(0.2 * len(acc), abs=2) and counts["C"] >= counts["B"]
    # customers with big wallets outscore small prospects
    customers = acc[acc["status"].str.casefold().eq("customer")]
    prospects = acc[~acc["status"].str.casefold().isin(["customer", "opportunity"])]
    assert customers["score"].median() > prospects["score"].median()
    assert any(n.startswith("Scores come from the score model") for n in r.notes)
