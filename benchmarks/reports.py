"""Reports speed: every rep book, the plan summary and the workbook of a 10k-account plan.

    python benchmarks/reports.py [--accounts 10000] [--reps 25] [--repeats 3] [--workdir DIR]

Goal (issue 16): the whole set — one PDF book per rep, the plan summary PDF and the Excel workbook — of a
10,000-account plan is written in <= 30 s (`write_reports`, what File → Reports… and `territory-desktop
report` run). The plan is the sample generator's CRM export (US business density on real ZIPs, reps with
homes and roles) imported through the real importer, with 2.5% of the accounts moved to the nearest other
rep's territory with a reason, so the books have accounts joining and leaving and the summary has a change
list. The parts (books only, summary only, workbook only) are timed too, and the pages written are counted.
Each run writes into a fresh folder. About a minute per repeat on 2 cores.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_table import print_table, samples

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.reports import BOOKS_FOLDER, ReportRequest, write_reports
from territory_desktop.io.sample.generate import write_sample

GOAL_MS = 30_000


def build(folder: Path, n: int, reps: int) -> Plan:
    accounts, reps_file = write_sample(folder, n, reps, seed=7)
    plan = import_plan(accounts, reps_file).plan
    rng = np.random.default_rng(1)
    act = plan.active_territories()
    homes = np.array([[plan.territories[t].home_lat, plan.territories[t].home_lon] for t in act])
    rows = rng.choice(plan.n_accounts, n // 40, replace=False)
    rows = rows[np.isfinite(plan.lat[rows])]
    d = (homes[None, :, 0] - plan.lat[rows, None]) ** 2 + (homes[None, :, 1] - plan.lon[rows, None]) ** 2
    d[act[None, :] == plan.assignment[rows, None]] = np.inf
    to = act[np.argmin(d, axis=1)].astype(np.int32)
    plan.apply(MoveAccounts(rows, to, check_locks=False, reason="Closer to the rep's home"))
    return plan


def pdf_pages(folder: Path) -> int:
    """Pages written (each page of a matplotlib PDF is one /Type /Page object)."""
    return sum(len(re.findall(rb"/Type\s*/Page[^s]", p.read_bytes())) for p in folder.rglob("*.pdf"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=25)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", help="where the sample and the reports go (default: a temporary folder)")
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="td-bench-reports-"))
    work.mkdir(parents=True, exist_ok=True)
    plan = build(work / "sample", a.accounts, a.reps)
    runs = iter(range(10_000))
    size = f"{a.accounts // 1000}k × {len(plan.active_territories())}"
    cases = [("all reports (books + summary + workbook)", ReportRequest(), GOAL_MS),
             ("rep books only", ReportRequest(summary=False, workbook=False), None),
             ("plan summary only", ReportRequest(rep_books=False, workbook=False), None),
             ("workbook only", ReportRequest(rep_books=False, summary=False), None)]
    rows = []
    for what, request, goal in cases:
        folders: list[Path] = []

        def run(request: ReportRequest = request, folders: list[Path] = folders) -> None:
            folder = work / f"run{next(runs)}"
            folders.append(folder)
            write_reports(plan, folder, request, plan_name="Benchmark plan")

        times = samples(run, a.repeats)
        last = folders[-1]
        books = len(list((last / BOOKS_FOLDER).glob("*.pdf"))) if (last / BOOKS_FOLDER).is_dir() else 0
        note = f"{pdf_pages(last)} pages, {books} books" if request.rep_books or request.summary else ""
        rows.append((what, size, statistics.median(times), goal, a.repeats, note))
    print(f"{plan.n_accounts:,} accounts, {plan.kpis.moved_count:,} moved vs the baseline; reports in {work}")
    print_table(rows, "plan")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
