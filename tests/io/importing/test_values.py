"""Reading the numbers, codes and flags CRM exports write as text."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from territory_desktop.io.importing import currency, dates
from territory_desktop.io.importing import values as V


@pytest.mark.parametrize(("text", "expected"), [
    ("1234", 1234.0), ("-12.5", -12.5), ("1e6", 1e6), (" 42 ", 42.0),
    ("$1,234.50", 1234.5), ("USD 1 234", 1234.0), ("€1.234,50", 1234.5), ("1 234,5", 1234.5),
    ("1.2M", 1.2e6), ("350k", 350_000.0), ("350 K", 350_000.0), ("2B", 2e9), ("1.5 bn", 1.5e9),
    ("$2.5MM", 2.5e6), ("12%", 0.12), ("(500)", -500.0), ("($1,000.00)", -1000.0), ("-$1,000", -1000.0),
    ("1,000-", -1000.0), ("£12", 12.0), ("12 EUR", 12.0), ("1'234'567", 1_234_567.0),
    ("1\u00a0234,50 €", 1234.5), ("\u2212 7", -7.0),
])
def test_numbers_written_every_way(text, expected):
    vals, bad = V.parse_numbers(pd.Series([text]))
    assert vals[0] == pytest.approx(expected) and not bad[0]


@pytest.mark.parametrize("text", ["", "  ", "N/A", "n/a", "-", "--", "null", "NaN", "#N/A", "None"])
def test_blanks_are_blank_without_complaint(text):
    vals, bad = V.parse_numbers(pd.Series([text, "5"]))
    assert math.isnan(vals[0]) and not bad[0] and vals[1] == 5


@pytest.mark.parametrize("text", ["12,3,4", "abc", "1.2.3,4,5", "5 zorks", "$", "1,2345.6", "inf", "--5--x",
                                  "1e308", "-2e16", "9999999999999999999"])
def test_unreadable_numbers_are_flagged(text):
    vals, bad = V.parse_numbers(pd.Series([text]))
    assert math.isnan(vals[0]) and bad[0]


def test_ambiguous_cells_follow_their_column():
    # "1,234" alone is a thousand (American default) ...
    assert V.parse_numbers(pd.Series(["1,234"]))[0][0] == 1234
    # ... "1.234" in a column of decimal-comma numbers is a thousand too, and "1,5" one and a half
    vals, _ = V.parse_numbers(pd.Series(["1.234", "12,75", "1.000.000,5", "1,5"]))
    assert vals.tolist() == [1234.0, 12.75, 1_000_000.5, 1.5]
    # in an American column "1.234" is just over one
    vals, _ = V.parse_numbers(pd.Series(["1.234", "12.75", "1,000,000.5"]))
    assert vals.tolist() == [1.234, 12.75, 1_000_000.5]
    # the caller can decide for the whole file
    assert V.parse_numbers(pd.Series(["1.234"]), decimal_comma=True)[0][0] == 1234


def test_file_vote_on_decimal_commas():
    rev = pd.Series(["1.234.567,50", "350,5"])
    emp = pd.Series(["1.200", "45"])
    assert V.uses_decimal_comma([rev, emp]) is True
    assert V.uses_decimal_comma([pd.Series(["1,234.50"]), emp]) is False
    assert V.uses_decimal_comma([emp]) is None


def test_employee_ranges():
    vals, bad = V.parse_employee_counts(pd.Series(["51-200", "10,001+", "1 to 10", "5", "lots", ""]))
    assert vals[:4].tolist() == [125.5, 10001.0, 5.5, 5.0]
    assert bad.tolist() == [False, False, False, False, True, False]


@pytest.mark.parametrize(("text", "expected"), [
    ("02134", "02134"), ("2134", "02134"), ("2134.0", "02134"), ("02134-1234", "02134"), ("2134-1234", "02134"),
    ("021341234", "02134"), ("21341234", "02134"), ("501", "00501"), (" 90210 ", "90210"), ("N/A", ""),
    ("", ""), ("m5v 3l9", "M5V 3L9"),
])
def test_us_zip_codes_are_repaired(text, expected):
    assert V.parse_zip(pd.Series([text])).tolist() == [expected]


def test_non_us_postal_codes_keep_their_zeros():
    out = V.parse_zip(pd.Series(["0150", "2134"]), us_rows=np.array([False, True]))
    assert out.tolist() == ["0150", "02134"]


def test_countries():
    raw = ["US", "USA", "United States", "U.S.A.", "united states of america", "u.s.", "Canada", "DEU",
           "germany", "UK", "Narnia", ""]
    assert V.parse_country(pd.Series(raw)).tolist() == ["US", "US", "US", "US", "US", "US", "CA", "DE", "DE",
                                                          "GB", "Narnia", ""]


def test_states():
    raw = ["Massachusetts", "ma", "New York", "NEW YORK", "District of Columbia", "Ontario", ""]
    assert V.parse_state(pd.Series(raw)).tolist() == ["MA", "MA", "NY", "NY", "DC", "Ontario", ""]


def test_booleans():
    yes, bad = V.parse_bool(pd.Series(["yes", "TRUE", "1", "x", "Y", "", "no", "0", "false", "maybe"]))
    assert yes.tolist() == [True] * 5 + [False] * 5
    assert bad.tolist() == [False] * 9 + [True]


def test_segment_spellings():
    assert V.parse_segment(pd.Series(["mid market", "ENT", "Small Business", "Tier 1", ""])).tolist() == [
        "Mid-Market", "Enterprise", "SMB", "Tier 1", ""]


def test_hubspot_enum_values_read_as_words():
    s = pd.Series(["FINANCIAL_SERVICES", "RETAIL", "COMPUTER_SOFTWARE", "IT", "B2B", "Health Care",
                   "OIL_AND_ENERGY", ""])
    assert V.enum_words(s).tolist() == ["Financial Services", "Retail", "Computer Software", "IT", "B2B",
                                        "Health Care", "Oil and Energy", ""]


def test_dates_in_export_spellings():
    iso, bad = dates.parse_dates(pd.Series(["2026-03-04", "2026-03-04 10:22:00", "03/04/2026", "1772582400000",
                                        "n/a", "", "yesterday"]))
    assert iso.tolist() == ["2026-03-04", "2026-03-04", "2026-03-04", "2026-03-04", "", "", ""]
    assert bad.tolist() == [False] * 6 + [True]


def test_dates_with_month_names_dots_and_day_first_slashes():
    """A newcomer's export: 'Mar 3, 2024', '15.01.2024' and '14/02/2024' were refused as "not a date" (and
    their accounts counted as untouched for 90+ days)."""
    cells = ["Mar 3, 2024", "March 3, 2024", "3 Mar 2024", "03-Mar-2024", "15.01.2024", "14/02/2024", "3/14/2024",
             "3/14/24", "Sept 5, 2024"]
    iso, bad = dates.parse_dates(pd.Series(cells))
    assert iso.tolist() == ["2024-03-03", "2024-03-03", "2024-03-03", "2024-03-03", "2024-01-15", "2024-02-14",
                            "2024-03-14", "2024-03-14", "2024-09-05"]
    assert not bad.any()


def test_a_column_written_day_first_reads_its_ambiguous_dates_day_first():
    """'14/02/2024' proves the column is day-first (no month 14), so '12/03/2024' there is 12 March; in a
    column with '3/14/2024' (month-first proven, or nothing proven) it stays 3 December as a US export means."""
    eu, _ = dates.parse_dates(pd.Series(["14/02/2024", "12/03/2024"]))
    assert eu.tolist() == ["2024-02-14", "2024-03-12"]
    us, _ = dates.parse_dates(pd.Series(["3/14/2024", "12/03/2024"]))
    assert us.tolist() == ["2024-03-14", "2024-12-03"]
    mixed, _ = dates.parse_dates(pd.Series(["3/14/2024", "14/02/2024", "12/03/2024"]))
    assert mixed.tolist() == ["2024-03-14", "2024-02-14", "2024-12-03"]


def test_currency_marks_name_each_cells_currency():
    marks = currency.currency_marks(pd.Series(["$1,200,000", "USD 5", "US$ 7", "CAD 12,000,000", "£5,000,000",
                                        "MXN 200,000,000", "€1.234,50", "1.2M", "", "12 EUR", "C$ 40"]))
    assert marks.tolist() == ["USD", "USD", "USD", "CAD", "GBP", "MXN", "EUR", "", "", "EUR", "CAD"]
