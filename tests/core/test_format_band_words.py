"""A deviation shown next to its band word must read as that word: "+15%  out" beside a ±15% band is a lie."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text, status_of


def _shown_value(text: str) -> float:
    return float(text.rstrip("%")) / 100


@pytest.mark.parametrize("dev", [0.153, -0.1504, 0.15, 0.12, 0.1204, 0.1196, 0.2, -0.3004, 0.15000004, 0.0])
def test_number_read_back_lands_in_the_same_band_as_the_word(dev: float) -> None:
    band, near = 0.15, 0.8
    word = status_of(dev, band, near)
    assert word == kpis.band_status(np.array([dev]), band, near)[0]
    text = deviation_text(dev, band, near)
    assert status_of(_shown_value(text), band, near) == word, (dev, text, word)


def test_decimal_only_where_rounding_would_hide_the_judgement() -> None:
    assert deviation_text(0.153, 0.15, 0.8) == "+15.3%"
    assert deviation_text(-0.22, 0.15, 0.8) == "-22%"
    assert deviation_text(0.15, 0.15, 0.8) == "+15%"  # exactly on the edge is in, and reads as in
    assert deviation_text(0.1204, 0.15, 0.8) == "+12.04%"  # past the near edge by a hair
    assert deviation_text(0.05, 0.15, 0.8, signed=False) == "5%"


def test_float_noise_beyond_two_decimals_still_reads_out() -> None:
    text = deviation_text(0.15000004 + 1e-8, 0.15, 0.8)
    assert status_of(0.15000004 + 1e-8, 0.15, 0.8) == "out"
    assert _shown_value(text) > 0.15


def test_tooltips_ask_for_a_decimal_and_still_agree() -> None:
    assert deviation_text(0.12, 0.15, 0.8, min_digits=1) == "+12.0%"
    assert deviation_text(0.1504, 0.15, 0.8, min_digits=1) == "+15.04%"


@settings(max_examples=300, deadline=None)
@given(dev=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.15, -0.15, 0.12, 0.15 + 1e-9])),
       band=st.floats(0.0, 2.0), near=st.floats(0.0, 1.0))
def test_one_deviation_is_judged_as_the_array_judges_it(dev: float, band: float, near: float) -> None:
    """The panel's per-cell words (band_status_one) and every array view (band_status) never disagree."""
    assert kpis.band_status_one(dev, band, near) == kpis.band_status(np.array([dev]), band, near)[0]


def test_a_missing_deviation_is_judged_as_before() -> None:
    """No number (None, NaN: a territory with nothing to compare) reads "in", as the array judgement says."""
    assert status_of(None, 0.15, 0.8) == status_of(float("nan"), 0.15, 0.8) == "in"  # type: ignore[arg-type]
    assert deviation_text(None, 0.15, 0.8) == "—"  # type: ignore[arg-type]
