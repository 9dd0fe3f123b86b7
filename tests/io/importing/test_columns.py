"""Column guessing for typical CRM exports, and the user's own mappings."""

from __future__ import annotations

import pytest

from territory_desktop.io.importing.columns import (
    ACCOUNT_FIELDS,
    check_mapping,
    guess_mapping,
    guess_reps_mapping,
    load_mapping_file,
    normalise_header,
)
from territory_desktop.io.importing.errors import ImportFailed

SALESFORCE = ["Account ID", "Account Name", "Billing Street", "Billing City", "Billing State/Province",
              "Billing Zip/Postal Code", "Billing Country", "Shipping City", "Annual Revenue", "Account Owner",
              "Account Owner Email", "Type", "Industry", "Open Pipeline", "Segment", "Tier", "Named Account"]
HUBSPOT = ["Record ID", "Company name", "Company owner", "Create Date", "Phone Number", "City", "State/Region",
           "Postal Code", "Country/Region", "Number of Employees", "Annual Revenue", "Latitude", "Lng",
           "Lifecycle Stage"]
DYNAMICS = ["(Do Not Modify) Account", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
            "Account Name", "Main Phone", "Address 1: Street 1", "Address 1: City", "Address 1: State/Province",
            "Address 1: ZIP/Postal Code", "Address 1: Country/Region", "Owner", "Annual Revenue",
            "Number of Employees", "Industry", "Status"]


def _cols(guess: dict[str, tuple[str, float]]) -> dict[str, str]:
    return {f: c for f, (c, _) in guess.items()}


def test_salesforce_headers():
    g = _cols(guess_mapping(SALESFORCE))
    assert g == {"account_id": "Account ID", "name": "Account Name", "address": "Billing Street",
                 "city": "Billing City", "state": "Billing State/Province", "zip": "Billing Zip/Postal Code",
                 "country": "Billing Country", "segment": "Segment", "industry": "Industry",
                 "revenue": "Annual Revenue", "pipeline": "Open Pipeline", "owner": "Account Owner",
                 "status": "Type", "named": "Named Account"}


def test_hubspot_headers():
    g = _cols(guess_mapping(HUBSPOT))
    assert g == {"account_id": "Record ID", "name": "Company name", "city": "City", "state": "State/Region",
                 "zip": "Postal Code", "country": "Country/Region", "lat": "Latitude", "lon": "Lng",
                 "revenue": "Annual Revenue", "owner": "Company owner", "status": "Lifecycle Stage",
                 "employees": "Number of Employees"}


def test_dynamics_headers():
    g = _cols(guess_mapping(DYNAMICS))
    assert g["account_id"] == "(Do Not Modify) Account"
    assert (g["zip"], g["city"], g["address"]) == ("Address 1: ZIP/Postal Code", "Address 1: City",
                                                  "Address 1: Street 1")
    assert (g["owner"], g["status"], g["employees"]) == ("Owner", "Status", "Number of Employees")
    assert "(Do Not Modify) Row Checksum" not in g.values()


def test_api_names_and_odd_spellings():
    g = _cols(guess_mapping(["Id", "Name", "BillingPostalCode", "AnnualRevenue", "NumberOfEmployees",
                             "billing_city", "LATITUDE", "Longitude", "Tier"]))
    assert g == {"account_id": "Id", "name": "Name", "zip": "BillingPostalCode", "revenue": "AnnualRevenue",
                 "employees": "NumberOfEmployees", "city": "billing_city", "lat": "LATITUDE",
                 "lon": "Longitude", "segment": "Tier"}


def test_confidence_prefers_exact_and_primary_addresses():
    g = guess_mapping(["Shipping City", "Billing City", "Potential", "Annual Revenue"])
    assert g["city"][0] == "Billing City" and g["potential"] == ("Potential", 1.0)
    assert guess_mapping(["Shipping City"])["city"][1] < guess_mapping(["Billing City"])["city"][1] < 1.0
    assert all(0 < conf <= 1 for _, conf in guess_mapping(SALESFORCE + HUBSPOT).values())


def test_each_column_serves_one_field_and_nonsense_is_not_guessed():
    g = guess_mapping(["Owner", "Foo", "Bar 2", "Notes"])
    assert _cols(g) == {"owner": "Owner"}
    assert set(guess_mapping(SALESFORCE)).issubset(ACCOUNT_FIELDS)
    used = [c for c, _ in guess_mapping(SALESFORCE + HUBSPOT).values()]
    assert len(used) == len(set(used))


def test_normalised_headers():
    assert normalise_header("Billing Zip/Postal Code") == "billing zip postal code"
    assert normalise_header("NumberOfEmployees") == "number of employees"
    assert normalise_header("  Address 1: ZIP/Postal Code ") == "address 1 zip postal code"
    assert normalise_header("Société") == "societe"


def test_reps_headers():
    g = _cols(guess_reps_mapping(["Rep Name", "Territory", "Home ZIP", "Home City", "Role",
                                  "Capacity (hours/year)", "Region", "Home Lat", "Home Long"]))
    assert g == {"rep": "Rep Name", "territory": "Territory", "zip": "Home ZIP", "city": "Home City",
                 "role": "Role", "capacity": "Capacity (hours/year)", "region": "Region", "lat": "Home Lat",
                 "lon": "Home Long"}


def test_check_mapping_matches_loosely_and_names_errors():
    cols = ["Account ID", "Company Name"]
    assert check_mapping({"account_id": "account id", "name": "Company Name", "zip": ""}, cols,
                         ACCOUNT_FIELDS, "a.csv") == {"account_id": "Account ID", "name": "Company Name"}
    with pytest.raises(ImportFailed, match=r"a\.csv: the mapping names unknown field 'turnover'"):
        check_mapping({"turnover": "Account ID"}, cols, ACCOUNT_FIELDS, "a.csv")
    with pytest.raises(ImportFailed, match=r"not in the file: 'Zip' \(for zip\).*'Account ID', 'Company Name'"):
        check_mapping({"zip": "Zip"}, cols, ACCOUNT_FIELDS, "a.csv")


def test_a_huge_name_in_a_mapping_is_quoted_short_in_the_message():
    huge = "X" * 100_000
    with pytest.raises(ImportFailed) as info:
        check_mapping({"zip": huge}, ["Account ID", huge[:-1]], ACCOUNT_FIELDS, "a.csv")
    msg = str(info.value)
    assert len(msg) < 600 and "(100,000 characters)" in msg and "(99,999 characters)" in msg
    with pytest.raises(ImportFailed) as info:
        check_mapping({huge: "Account ID"}, ["Account ID"], ACCOUNT_FIELDS, "a.csv")
    assert len(str(info.value)) < 600


def test_mapping_files(tmp_path):
    j = tmp_path / "m.json"
    j.write_text('{"account_id": "Acct #", "potential": "Rev", "zip": null}', encoding="utf-8")
    assert load_mapping_file(j) == {"account_id": "Acct #", "potential": "Rev", "zip": ""}
    c = tmp_path / "m.csv"
    c.write_text("field,column\naccount_id,Acct #\n\npotential,\"Rev, USD\"\n", encoding="utf-8")
    assert load_mapping_file(c) == {"account_id": "Acct #", "potential": "Rev, USD"}


@pytest.mark.parametrize(("content", "reason"), [
    ("", "is empty"), ("{not json", "not valid JSON"), ('["a", "b"]', "must be an object"),
    ('{"a": 3}', "must be an object"), ("field,column\nzip,Zip,extra\n", "row 2: expected 2 cells"),
])
def test_bad_mapping_files(tmp_path, content, reason):
    p = tmp_path / "map.txt"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match="map.txt") as info:
        load_mapping_file(p)
    assert reason in str(info.value)
    with pytest.raises(ImportFailed, match="not found"):
        load_mapping_file(tmp_path / "missing.json")
