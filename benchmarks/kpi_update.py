"""KPI update after a move vs a full groupby recomputation, at 100k and 1M accounts (run on demand).

    python benchmarks/kpi_update.py [--sizes 100000,1000000] [--territories 200] [--repeats 50]

Goals (issue "Foundation"): moving 1 account < 1 ms and 1,000 accounts < 10 ms, flat in N. The baseline is a
pandas groupby over the whole plan, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory


def build(n: int, k: int, seed: int = 1) -> Plan:
    rng = np.random.default_rng(seed)
    acc = accounts_frame({
        "account_id": np.char.add("A", np.arange(n).astype(str)).astype(object),
        "lat": rng.uniform(25, 49, n), "lon": rng.uniform(-124, -67, n),
        "potential": rng.lognormal(11, 1.2, n).round(2), "pipeline": np.where(rng.random(n) < .15, 5e4, 0.0),
        "segment": rng.choice(np.array(["SMB", "Mid-Market", "Enterprise"], dtype=object), n, p=[.7, .22, .08]),
    })
    terrs = [Territory(f"T{i}", home_lat=float(rng.uniform(30, 45)), home_lon=float(rng.uniform(-120, -75)))
             for i in range(k)]
    return Plan(acc, terrs, rng.integers(0, k, n))


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def groupby_baseline(plan: Plan) -> None:
    df = plan.accounts[["potential", "pipeline"]].assign(t=plan.assignment)
    df.groupby("t").agg(["sum", "count"])


def measure(n: int, k: int, repeats: int, rng: np.random.Generator) -> dict[str, object]:
    """One row of the table: medians for one plan size."""
    plan = build(n, k)

    def one() -> None:
        plan.apply(MoveAccounts([int(rng.integers(n))], int(rng.integers(k))))

    def thousand() -> None:
        plan.apply(MoveAccounts(rng.choice(n, 1000, replace=False), int(rng.integers(k))))

    m1000 = median_ms(thousand, repeats)
    gb = median_ms(lambda: groupby_baseline(plan), max(3, repeats // 10))
    row = {"accounts": f"{n:,}", "move 1 (ms)": median_ms(one, repeats), "move 1,000 (ms)": m1000,
           "full KpiState (ms)": median_ms(lambda: KpiState.full(plan), max(3, repeats // 10)),
           "pandas groupby (ms)": gb, "groupby / move-1k": gb / m1000,
           "territory_table (ms)": median_ms(plan.territory_table, repeats)}
    assert plan.kpis.equals(KpiState.full(plan)), "incremental KPIs drifted from the full recomputation"
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--territories", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=50)
    a = ap.parse_args()
    rng = np.random.default_rng(7)
    rows = [measure(int(s), a.territories, a.repeats, rng) for s in a.sizes.split(",")]
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.3f}"))


if __name__ == "__main__":
    main()
