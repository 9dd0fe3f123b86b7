"""The rep book's "Against your peers" names the very group the window balances the territory in."""

from __future__ import annotations

from territory_desktop.core import kpis
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.io.reports.rep_book import _peer_words
from tests.conftest import make_plan


def _plan(within_role: bool, within_region: bool):  # noqa: ANN202 - a Plan
    plan = make_plan(80, 4, seed=3)
    for t, role, region in zip(plan.territories, ["SMB AE", "SMB AE", "Enterprise AE", ""],
                               ["West", "East", "West", "West"], strict=True):
        t.role, t.region = role, region
    plan.settings = BalanceSettings(measures=plan.settings.measures, balance_within_role=within_role,
                                    balance_within_region=within_region)
    return plan


def _size(plan, t: int) -> int:  # noqa: ANN001
    act = plan.active_territories()
    g = kpis.peer_groups(plan, act)
    return int((g == g[list(act).index(t)]).sum())


def test_the_peer_group_in_words_matches_the_core_groups() -> None:
    cases = {(False, False): [(0, "all 4 territories")],
             (True, False): [(0, "the 2 territories whose rep is an SMB AE"), (3, "the 1 territory whose rep has "
                                                                                 "no role")],
             (False, True): [(0, "the 3 territories in West"), (1, "the 1 territory in East")],
             (True, True): [(0, "the 1 territory whose rep is an SMB AE in West")]}
    for (role, region), expected in cases.items():
        plan = _plan(role, region)
        for t, words in expected:
            assert _peer_words(plan, t, _size(plan, t)) == words


def test_the_article_follows_how_a_role_is_said() -> None:
    from territory_desktop.io.reports.rep_book import _article

    assert [_article(r) for r in ("SMB AE", "Enterprise AE", "Sales Rep", "KAM", "MM AE")] == [
        "an SMB AE", "an Enterprise AE", "a Sales Rep", "a KAM", "an MM AE"]
