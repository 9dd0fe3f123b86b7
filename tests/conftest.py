"""Test set-up shared by every test: Qt runs offscreen, user data goes to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from territory_desktop.core.plan import Plan, accounts_frame  # noqa: E402
from territory_desktop.core.territory import Territory  # noqa: E402


@pytest.fixture(autouse=True)
def _user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep recovery journals and settings of tests out of the real user's folders."""
    base = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("TERRITORY_DESKTOP_DATA_DIR", str(base))


FIXTURES = Path(__file__).resolve().parent / "fixtures"
"""Hand-written CRM exports (tests/fixtures/crm) shared by tests in any folder."""


def make_plan(n: int = 300, k: int = 5, seed: int = 0) -> Plan:
    """A small random plan with homes, segments and potential: the workhorse of core tests."""
    rng = np.random.default_rng(seed)
    acc = accounts_frame({
        "account_id": [f"ACC-{i:05d}" for i in range(n)],
        "name": [f"Company {i}" for i in range(n)],
        "lat": rng.uniform(30, 45, n), "lon": rng.uniform(-120, -75, n),
        "potential": rng.lognormal(11, 1, n).round(2), "pipeline": rng.choice([0.0, 25000.0], n),
        "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], n, p=[0.6, 0.3, 0.1]),
        "industry": rng.choice(["Retail", "Manufacturing", "Software"], n),
    })
    terrs = [Territory(f"T{i}", rep=f"Rep {i}", home_lat=float(rng.uniform(32, 43)),
                       home_lon=float(rng.uniform(-118, -78)), capacity_hours=20000.0) for i in range(k)]
    return Plan(acc, terrs, rng.integers(0, k, n))


@pytest.fixture
def small_plan() -> Plan:
    return make_plan()
