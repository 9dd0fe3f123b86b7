"""Import, save and open at scale (run on demand; prints a table of medians).

    python benchmarks/foundation_io.py [--sizes 100000,1000000] [--repeats 3] [--workdir DIR]

Goals (issue "Foundation"): importing 100k rows under 3 s; save and open of a 100k-account project under 1 s
each. Each import runs in a fresh process, so its time includes building the geocoding tables once and its
peak memory (max RSS) is the import's own. The CSV reading alone (pandas.read_csv of the same file, all
strings) is measured in the same run as the baseline the importer's parsing and geocoding add to.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
if sys.argv[1] == "import":
    from territory_desktop.io.importing.importer import import_plan
    result = import_plan(sys.argv[2], sys.argv[3])
    n = result.plan.n_accounts
else:
    import pandas as pd
    n = len(pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False))
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "n": n}))
"""


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", help="where the generated exports go (default: a temporary folder)")
    a = ap.parse_args()
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.project.project_file import open_project, save_project
    from territory_desktop.io.sample.generate import write_sample

    work = Path(a.workdir or tempfile.mkdtemp(prefix="td-bench-"))
    rows = []
    for n in (int(s) for s in a.sizes.split(",")):
        folder = work / f"{n}"
        folder.mkdir(parents=True, exist_ok=True)
        accounts, reps = folder / "accounts.csv", folder / "reps.csv"
        if not accounts.exists():
            write_sample(folder, n, max(25, n // 500), seed=7)
        imports = [run_child("import", str(accounts), str(reps)) for _ in range(a.repeats)]
        reads = [run_child("read", str(accounts)) for _ in range(a.repeats)]
        plan = import_plan(accounts, reps).plan
        project = folder / "plan.territory"
        save = median_s(lambda: save_project(plan, project), a.repeats)  # noqa: B023 (called at once)
        opened = median_s(lambda: open_project(project), a.repeats)  # noqa: B023
        imp = statistics.median(r["wall"] for r in imports)
        read = statistics.median(r["wall"] for r in reads)
        rows.append({
            "accounts": f"{n:,}", "import (s)": imp, "peak RSS (MB)": max(r["rss_mb"] for r in imports),
            "read_csv only (s)": read, "import / read_csv": imp / read,
            "save (s)": save, "open (s)": opened, "file (MB)": project.stat().st_size / 1e6,
        })
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
