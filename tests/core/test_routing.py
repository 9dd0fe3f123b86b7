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
    specificity,
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
    parsed = [[Criterion.from_dict(c) for c in crit] for crit in rules]
    for row, t, why in zip(r.rows.tolist(), r.targets.tolist(), r.reasons, strict=True):
        meets = [i for i in range(k) if parsed[i] and matches(p, parsed[i], np.array([row]))[0]]
        if not meets:
            assert why.startswith("No rule matched")
            continue
        best = max(specificity(parsed[i]) for i in meets)
        assert t in meets and specificity(parsed[t]) == best  # never a less specific territory
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
    with pytest.raises(RuleError, match=r"row 2: unknown field 'postcode'"):
        rules_from_frame(p, bad.assign(field=["postcode", "state"]), "rules.csv")
    with pytest.raises(RuleError, match="ZIP prefixes are digits: 9A"):
        Criterion.from_dict(_c("zip_prefix", "9A"))
