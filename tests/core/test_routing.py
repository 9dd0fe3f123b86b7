"""Routing by territory rules: named accounts first, then the most specific rule, then the nearest rep with room;
overlaps and gaps are reported; rules round-trip through the CRM table; bad rules are named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.routing import (
    Criterion,
    RuleError,
    matches,
    route,
    rule_report,
    rules_frame,
    rules_from_frame,
    split_named,
)
from territory_desktop.core.territory import Territory

STATES = ["CA", "OR", "WA", "NV", "TX"]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]


def _plan(n: int = 60, k: int = 4, seed: int = 0, rules: list[list[dict]] | None = None) -> Plan:
    rng = np.random.default_rng(seed)
    acc = accounts_frame({
        "account_id": [f"A{i:03d}" for i in range(n)],
        "state": rng.choice(STATES, n), "zip": [f"{z:05d}" for z in rng.integers(90000, 99999, n)],
        "segment": rng.choice(SEGMENTS, n), "industry": rng.choice(["Retail", "Software"], n),
        "lat": rng.uniform(33, 47, n), "lon": rng.uniform(-123, -100, n), "potential": rng.uniform(1, 9, n) * 1e4,
    })
    terrs = [Territory(f"T{i}", home_lat=float(rng.uniform(34, 46)), home_lon=float(rng.uniform(-122, -101)),
                       capacity_hours=1e6, rules=(rules[i] if rules and i < len(rules) else []))
             for i in range(k)]
    return Plan(acc, terrs, np.full(n, -1))


def _c(field: str, *values: str, op: str = "in") -> dict:
    return {"field": field, "operator": op, "values": list(values)}


def test_named_account_beats_any_geography_rule():
    p = _plan(rules=[[_c("state", *STATES)], [_c("account_id", "A007")], [_c("zip_prefix", "9")]])
    r = route(p)
    got = dict(zip(r.rows.tolist(), r.targets.tolist(), strict=True))
    assert got[7] == 1
    assert r.reason_of()[7] == "Named account of T1"


def test_the_most_specific_rule_wins_and_says_so():
    p = _plan(rules=[[_c("state", "CA")], [_c("state", "CA"), _c("segment", "SMB")]])
    r = route(p)
    got = dict(zip(r.rows.tolist(), r.targets.tolist(), strict=True))
    ca = np.flatnonzero(p.accounts["state"] == "CA")
    for row in ca.tolist():
        want = 1 if p.accounts["segment"].iat[row] == "SMB" else 0
        assert got[row] == want
        assert r.reason_of()[row].startswith(f"Rule of T{want}: state in CA")


def test_no_rule_sends_an_account_to_the_nearest_rep_with_room():
    p = _plan(rules=[[_c("state", "TX")]])
    p.territories[2].capacity_hours = 0.0  # no room at all
    r = route(p)
    elsewhere = [i for i, row in enumerate(r.rows.tolist()) if p.accounts["state"].iat[row] != "TX"]
    assert elsewhere
    for i in elsewhere:
        assert r.targets[i] != 2
        assert r.reasons[i].startswith("No rule matched: nearest eligible rep with room")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_routing_obeys_precedence_on_random_rules(seed):
    rng = np.random.default_rng(seed)
    k = 4
    rules = []
    for _t in range(k):
        crit = []
        if rng.random() < 0.7:
            crit.append(_c("state", *rng.choice(STATES, int(rng.integers(1, 3)), replace=False).tolist()))
        if rng.random() < 0.4:
            crit.append(_c("segment", str(rng.choice(SEGMENTS))))
        if rng.random() < 0.3:
            crit.append(_c("zip_prefix", str(int(rng.integers(90, 99)))))
        if rng.random() < 0.2:
            crit.append(_c("account_id", *[f"A{int(i):03d}" for i in rng.integers(0, 60, 3)]))
        rules.append(crit)
    p = _plan(seed=seed, rules=rules)
    r = route(p)
    split = [split_named(i, [Criterion.from_dict(c) for c in crit]) for i, crit in enumerate(rules)]
    for row, t, why in zip(r.rows.tolist(), r.targets.tolist(), r.reasons, strict=True):
        naming = [s.territory for s in split if p.ids[row] in s.named]
        if naming:  # a named account goes to a territory naming it, whatever the rules say
            assert t in naming and why == f"Named account of T{t}"
            continue
        meets = [s.territory for s in split if s.criteria and matches(p, s.criteria, np.array([row]))[0]]
        if not meets:
            assert why.startswith("No rule matched")
            continue
        best = max(split[i].specificity for i in meets)
        assert t in meets and split[t].specificity == best  # never a less specific territory
    assert len(r.rows) + len(r.unrouted) == p.n_accounts


def test_overlaps_and_gaps_are_reported():
    p = _plan(rules=[[_c("state", "CA", "OR")], [_c("state", "OR")], [_c("state", "WA")]])
    rep = rule_report(p)
    pairs = {(a, b): rows for a, b, rows in rep.overlaps}
    assert set(pairs) == {(0, 1)}
    assert set(pairs[(0, 1)].tolist()) == set(np.flatnonzero(p.accounts["state"] == "OR").tolist())
    assert set(rep.gaps.tolist()) == set(np.flatnonzero(p.accounts["state"].isin(["NV", "TX"])).tolist())
    assert any("meet no territory's rules" in w for w in rep.words(p))


def test_rules_round_trip_through_the_crm_table_and_bad_rows_are_named():
    p = _plan(rules=[[_c("state", "CA", "OR"), _c("segment", "SMB", op="not_in")], [_c("zip_prefix", "941")]])
    df = rules_frame(p)
    assert list(df.columns) == ["territory", "field", "operator", "value"]
    assert df.iloc[0].tolist() == ["T0", "state", "in", "CA,OR"]
    assert df.iloc[1].tolist() == ["T0", "segment", "not in", "SMB"]
    back = rules_from_frame(p, df)
    assert back[0] == p.territories[0].rules and back[1] == p.territories[1].rules
    bad = pd.DataFrame({"territory": ["T0", "Nowhere"], "field": ["state", "state"], "operator": ["in", "in"],
                        "value": ["CA", "TX"]})
    with pytest.raises(RuleError, match=r"rules\.csv: row 3: no territory called 'Nowhere'"):
        rules_from_frame(p, bad, "rules.csv")
    with pytest.raises(RuleError, match=r"row 2: unknown field 'Region' \(use one of: Named account, ZIP, ZIP"):
        rules_from_frame(p, bad.assign(field=["Region", "state"]), "rules.csv")
    with pytest.raises(RuleError, match="ZIP prefixes are digits: 9A"):
        Criterion.from_dict(_c("zip_prefix", "9A"))


def test_a_named_account_goes_to_the_territory_naming_it_whatever_its_own_geography_says():
    # T1 is "WA accounts, plus the named account A007" — A007 sits outside WA and still goes to T1
    p = _plan(rules=[[_c("state", "CA", "OR", "NV", "TX")], [_c("state", "WA"), _c("account_id", "A007")]])
    assert p.accounts["state"].iat[7] != "WA"
    r = route(p)
    got = dict(zip(r.rows.tolist(), r.targets.tolist(), strict=True))
    assert got[7] == 1 and r.reason_of()[7] == "Named account of T1"
    wa = np.flatnonzero(p.accounts["state"] == "WA")
    assert all(got[i] == 1 for i in wa.tolist())  # the rule proper (state in WA) still holds for the rest
    assert r.counts() == {"named": 1, "rule": 59, "nearest": 0, "unrouted": 0}


def test_people_written_fields_and_operators_are_understood():
    df = pd.DataFrame({"territory": ["t0", "T1", "T1"], "field": ["ZIP prefix", "Named Account", "State"],
                       "operator": ["=", "IN", "not in"], "value": ["940, 941", "A001", "CA"]})
    back = rules_from_frame(_plan(), df)
    assert back == {0: [_c("zip_prefix", "940", "941")],
                    1: [_c("account_id", "A001"), _c("state", "CA", op="not_in")]}


def test_locked_accounts_are_never_routed_and_ineligible_territories_are_skipped():
    from territory_desktop.core.settings import BalanceSettings

    p = _plan(rules=[[_c("state", *STATES), _c("segment", "Enterprise")], [_c("state", *STATES)]])
    p.territories[0].role = "SMB AE"
    p.settings = BalanceSettings(eligibility=(("Enterprise", ("Enterprise AE",)),))
    p.locked[:5] = True
    r = route(p)
    assert not set(r.rows.tolist()) & set(range(5))
    assert r.unrouted_reasons[:5] == ["locked: unlock it to route it"] * 5
    # T0's rule is the more specific one, but an SMB AE may not own Enterprise accounts: they go to T1
    ent = [i for i, row in enumerate(r.rows.tolist()) if p.accounts["segment"].iat[row] == "Enterprise"]
    assert ent and all(r.targets[i] == 1 for i in ent)


def test_the_hours_the_rules_send_count_before_the_nearest_rep_with_room():
    p = _plan(n=40, k=2, rules=[[_c("state", "CA", "OR", "WA", "NV")]])
    hours = p.workload_of(np.arange(40), np.zeros(40, dtype=np.int64)).sum() / 1000
    ruled = p.accounts["state"] != "TX"
    p.territories[0].capacity_hours = float(p.workload_of(np.flatnonzero(ruled), np.zeros(int(ruled.sum()),
                                                          dtype=np.int64)).sum() / 1000) + 1.0
    p.territories[1].capacity_hours = float(hours) * 10
    p.territories[0].home_lat, p.territories[0].home_lon = 31.0, -99.0  # T0's home is in Texas: nearest
    r = route(p)
    tx = [i for i, row in enumerate(r.rows.tolist()) if p.accounts["state"].iat[row] == "TX"]
    assert tx and all(r.targets[i] == 1 for i in tx)  # T0 is full of its rule's accounts


def test_county_comes_from_the_exports_own_column():
    p = _plan(n=4, k=2, rules=[[_c("county", "Travis")], [_c("state", *STATES)]])
    p.source = pd.DataFrame({"Billing County": ["Travis County", "Harris", "travis", ""]})
    r = route(p)
    assert dict(zip(r.rows.tolist(), r.targets.tolist(), strict=True)) == {0: 0, 1: 1, 2: 0, 3: 1}


def test_the_preview_counts_what_a_rule_would_take_and_covers_elsewhere():
    from territory_desktop.core.routing import preview_territory

    p = _plan(rules=[[_c("state", "CA")], [_c("state", "OR")]])
    ca = np.flatnonzero(p.accounts["state"] == "CA")
    p.assignment[ca[:3]] = 1  # three CA accounts already sit in T1
    p.kpis = type(p.kpis).full(p)
    trial = {0: [_c("state", "CA", "NV")]}
    nv = int((p.accounts["state"] == "NV").sum())
    pv = preview_territory(p, 0, trial)
    assert pv.takes_unassigned == len(ca) - 3 + nv and pv.unassigned == 60 - 3
    assert pv.covers == len(ca) + nv and pv.covers_elsewhere == 3 and pv.elsewhere_in == {"T1": 3}
    assert p.territories[0].rules == [_c("state", "CA")]  # a preview changes nothing


def test_overlap_and_gap_words_name_accounts_and_named_accounts_overlap_too():
    p = _plan(rules=[[_c("state", "CA"), _c("account_id", "A001")], [_c("account_id", "A001", "A002")]])
    rep = rule_report(p)
    assert [(a, b, rows.tolist()) for a, b, rows in rep.overlaps] == [(0, 1, [1])]
    words = rep.words(p)
    assert words[0].startswith("Overlap: 1 account meets the rules of both T0 and T1 equally (e.g. A001)")
    assert words[1].startswith("Gap: ") and "nearest rep with room" in words[1]
    assert rule_report(_plan()).words(_plan())[0].startswith("No territory has rules yet")
