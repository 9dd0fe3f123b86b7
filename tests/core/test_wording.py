"""How a count reads: "1 account", "3 accounts", "1,000 accounts" — never "account(s)"."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.wording import agree, counted


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 account"), (2, "2 accounts"), (0, "0 accounts"), (1000, "1,000 accounts"), (1_234_567, "1,234,567 accounts")])
def test_counted_puts_the_noun_in_the_number_of_the_count(n, expected):
    assert counted(n, "account") == expected


def test_counted_takes_an_irregular_plural_and_keeps_the_thousands_separator():
    assert counted(1, "territory", "territories") == "1 territory"
    assert counted(2, "territory", "territories") == "2 territories"
    assert counted(0, "territory", "territories") == "0 territories"
    assert counted(1000, "territory", "territories") == "1,000 territories"


def test_counted_reads_a_numpy_count_as_a_number():
    """Callers pass `int(mask.sum())` or a numpy count straight from an array."""
    assert counted(np.int64(1), "row") == "1 row" and counted(np.int64(2500), "row") == "2,500 rows"


def test_agree_gives_the_word_alone_so_a_verb_can_agree_too():
    assert f"{counted(1, 'account')} {agree(1, 'has', 'have')}" == "1 account has"
    assert f"{counted(3, 'account')} {agree(3, 'has', 'have')}" == "3 accounts have"
    assert agree(0, "is", "are") == "are" and agree(1, "column") == "column" and agree(2, "column") == "columns"


def test_the_cli_still_finds_counted_where_it_was():
    from territory_desktop.cli import plan_commands

    assert plan_commands.counted is counted
