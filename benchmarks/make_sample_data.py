"""Write large sample exports for benchmarks (not committed: 1M accounts is ~180 MB of CSV).

    python benchmarks/make_sample_data.py OUT_DIR                 # 100k and 1M accounts
    python benchmarks/make_sample_data.py OUT_DIR --sizes 20000   # any sizes

Each size gets its own folder, named like the bundled sample so every loader takes it as is:
OUT_DIR/100k/accounts.csv + reps.csv, OUT_DIR/1m/accounts.csv + reps.csv. Reps default to one per
500 accounts (200 and 2,000), a large field organisation. Prints a table of how long each step took.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from territory_desktop.io.sample.generate import ACCOUNTS_FILE, REPS_FILE, generate_sample
from territory_desktop.io.sample.geo import city_table, zip_table


def label(n: int) -> str:
    """100000 -> "100k", 1000000 -> "1m"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="account counts")
    ap.add_argument("--accounts-per-rep", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    zip_table(), city_table()
    print(f"geodata tables loaded in {time.perf_counter() - t0:.1f} s (once per process)\n")
    header = f"{'accounts':>10} {'reps':>6} {'generate s':>11} {'write s':>8} {'accounts MB':>12}  folder"
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        reps = max(1, round(n / args.accounts_per_rep))
        folder = args.out_dir / label(n)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        accounts, rep_frame = generate_sample(n, reps, seed=args.seed)
        t1 = time.perf_counter()
        accounts.to_csv(folder / ACCOUNTS_FILE, index=False, encoding="utf-8", lineterminator="\n")
        rep_frame.to_csv(folder / REPS_FILE, index=False, encoding="utf-8", lineterminator="\n")
        t2 = time.perf_counter()
        mb = (folder / ACCOUNTS_FILE).stat().st_size / 1e6
        print(f"{n:>10,} {reps:>6,} {t1 - t0:>11.1f} {t2 - t1:>8.1f} {mb:>12.1f}  {folder}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
