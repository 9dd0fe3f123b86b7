"""The refresh dialog is driven on the hand-written West-coast book of the rules tests (tests/fixtures/crm/
rules_*.csv, every account routed by its rules) and a newer export of it written by the test, whose every
difference is known: 3 new, 2 gone, one change of each of segment / potential / owner / name / location."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from territory_desktop.core.plan import Plan
from territory_desktop.core.routing import route, route_move
from tests.ui.rules.conftest import CRM, book

__all__ = ["CRM", "routed_book", "write_newer_export"]

NEW_ACCOUNTS = ["R-030", "R-031", "R-032"]
GONE = ["R-005", "R-018"]
# segment R-001 SMB -> Enterprise (Bay Area SMB's "SMB Rep" may not own Enterprise: flagged), potential R-002,
# owner R-003, name R-004, location R-007 Phoenix -> Miami (far outside Desert: flagged)
CHANGES = {"R-001": {"Segment": "Enterprise"}, "R-002": {"Account Potential": "$400,000"},
           "R-003": {"Account Owner": "Dev Shah"}, "R-004": {"Account Name": "Angel City Health"},
           "R-007": {"Billing City": "Miami", "Billing State/Province": "FL", "Billing Zip/Postal Code": "33131",
                     "Latitude": "25.7663", "Longitude": "-80.1917"}}
ADDED = [
    "R-030,Sacramento Grocers,,Sacramento,CA,95814,Retail,Mid-Market,38.5816,-121.4944,0,\"$130,000\"",
    "R-031,Boulder Bikes,,Boulder,CO,80302,Retail,SMB,40.0150,-105.2705,0,\"$9,500\"",
    "R-032,Kenai Fisheries,,Anchorage,AK,99501,Manufacturing,Mid-Market,61.2176,-149.8997,0,\"$95,000\"",
]


def routed_book() -> Plan:
    """The rules book with every account placed by the rules, Bay Area SMB staffed by an "SMB Rep" and
    Enterprise accounts reserved to Account Executives."""
    plan = book()
    plan.apply(route_move(route(plan)))
    plan.territories[plan.territory_index("Bay Area SMB")].role = "SMB Rep"
    plan.settings = dataclasses.replace(plan.settings, eligibility=(("Enterprise", ("Account Executive",)),))
    plan.baseline = plan.assignment.copy()
    return plan


def write_newer_export(folder: Path) -> Path:
    """rules_accounts.csv as the CRM exports it a quarter later."""
    import csv
    import io

    text = (CRM / "rules_accounts.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = list(rows[0])
    out = io.StringIO()
    w = csv.DictWriter(out, header, lineterminator="\n")
    w.writeheader()
    for r in rows:
        if r["Account ID"] in GONE:
            continue
        r.update(CHANGES.get(r["Account ID"], {}))
        w.writerow(r)
    path = folder / "accounts_q2.csv"
    path.write_text(out.getvalue() + "\n".join(ADDED) + "\n", encoding="utf-8")
    return path
