"""Realistic sample data: a CRM account export and a reps file, as a planner would pull them from Salesforce.

The app's first start and the benchmarks load these through the real importer, so the files look like an
export (Salesforce headers, ZIPs with leading zeros, "$12,500.00" revenue) rather than a tidy table.
Everything is vectorised (1M accounts in seconds) and deterministic for a seed.

Regenerate the bundled files with (see resources/sample/README.md):
    python -m territory_desktop.io.sample.generate resources/sample --accounts 5000 --reps 25 --seed 7
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

from territory_desktop.io.resources import resource_path
from territory_desktop.io.sample import words as W
from territory_desktop.io.sample.geo import Locations, draw_locations, region_of, zip_table
from territory_desktop.io.sample.reps import ROLE_SHORT, SEGMENTS, draw_reps

ACCOUNT_COLUMNS = ("Account ID", "Account Name", "Type", "Industry", "Segment", "Billing Street", "Billing City",
                   "Billing State/Province", "Billing Zip/Postal Code", "Billing Country", "Latitude",
                   "Longitude", "Account Potential", "Open Pipeline", "Number of Employees", "Named Account",
                   "Account Owner")
REP_COLUMNS = ("Rep", "Territory", "Role", "Region", "Home ZIP", "Home City", "Home State", "Home Latitude",
               "Home Longitude", "Capacity Hours")

SEGMENT_SHARE_METRO = (0.68, 0.232, 0.088)
SEGMENT_SHARE_RURAL = (0.82, 0.15, 0.03)
"""Big companies sit in metros; with 15% rural draws the overall mix is ~70/22/8 (SMB/MM/Enterprise)."""
POTENTIAL_MEDIAN = (20_000.0, 150_000.0, 1_000_000.0)
POTENTIAL_SIGMA = (0.9, 0.8, 0.9)
EMPLOYEES_MEDIAN = (15.0, 250.0, 3_500.0)
EMPLOYEES_RANGE = ((1, 99), (100, 999), (1_000, 250_000))
"""The usual segment cut-offs by headcount, so Segment and Number of Employees never contradict."""
CUSTOMER_SHARE = (0.30, 0.45, 0.60)
NAMED_SHARE = (0.003, 0.03, 0.25)
PIPELINE_SHARE = 0.15
ACCOUNTS_FILE, REPS_FILE = "accounts.csv", "reps.csv"
STR = StringDType()


def _text(values: np.ndarray | list) -> np.ndarray:
    """Values as a numpy variable-width string array: np.strings works on it in C, fast at 1M rows."""
    return np.asarray(values).astype(STR)


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of string arrays and plain strings."""
    return functools.reduce(np.strings.add, parts)


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Text columns as pandas strings (the dtype a CSV read gives), in the order given."""
    return pd.DataFrame({name: pd.Series(values if values.dtype == object else values.astype(object), dtype="str")
                         for name, values in columns.items()})


def _pick(rng: np.random.Generator, words: tuple[str, ...], n: int, p: tuple[float, ...] | None = None
          ) -> np.ndarray:
    w = np.asarray(p, float) / np.sum(p) if p is not None else None
    return _text(np.asarray(words, dtype=object))[rng.choice(len(words), n, p=w)]


def money(values: np.ndarray) -> np.ndarray:
    """Whole dollars as an export shows them: 12500 -> "$12,500.00" (vectorised, no per-row Python)."""
    v = np.rint(np.asarray(values, dtype=np.float64)).astype(np.int64)
    groups = [_text(v // 1000 ** i % 1000) for i in range(3)] + [_text(v // 1000 ** 3)]
    padded = [np.strings.zfill(g, 3) for g in groups]
    out = groups[0]
    out = np.where(v >= 1_000, _cat(groups[1], ",", padded[0]), out)
    out = np.where(v >= 1_000_000, _cat(groups[2], ",", padded[1], ",", padded[0]), out)
    out = np.where(v >= 1_000_000_000, _cat(groups[3], ",", padded[2], ",", padded[1], ",", padded[0]), out)
    return _cat("$", out, ".00")


def decimals(values: np.ndarray, places: int = 6) -> np.ndarray:
    """Coordinates with a fixed number of decimals, as CRMs store them: -80.2047 -> "-80.204700"."""
    scaled = np.rint(np.abs(np.asarray(values, dtype=np.float64)) * 10 ** places).astype(np.int64)
    whole, frac = _text(scaled // 10 ** places), np.strings.zfill(_text(scaled % 10 ** places), places)
    sign = np.where((np.asarray(values) < 0) & (scaled > 0), "-", "").astype(STR)
    return _cat(sign, whole, ".", frac)


def salesforce_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """15-character Salesforce account ids ("001Dn0000A1b2C9"), increasing in creation order, all distinct."""
    alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    seq = int(rng.integers(1_000_000, 5_000_000)) + np.cumsum(rng.integers(1, 40, n))
    digits = (seq[:, None] // (62 ** np.arange(5, -1, -1))[None, :]) % 62
    tail = np.ascontiguousarray(alphabet[digits]).view("<U6").ravel()
    return _cat("001Dn0000", _text(tail))


def _industries(rng: np.random.Generator, states: np.ndarray) -> np.ndarray:
    """Industry codes with a regional lean (energy in Texas, technology in California, ...)."""
    uniq, inv = np.unique(states, return_inverse=True)
    weights = np.tile(np.asarray(W.INDUSTRY_WEIGHTS, float), (len(uniq), 1))
    for j, name in enumerate(W.INDUSTRIES):
        if name in W.INDUSTRY_LEAN:
            lean_states, factor = W.INDUSTRY_LEAN[name]
            weights[np.isin(uniq, lean_states.split()), j] *= factor
    cum = np.cumsum(weights / weights.sum(1, keepdims=True), axis=1)
    u = rng.random(len(states))
    return np.minimum((u[:, None] > cum[inv]).sum(1), len(W.INDUSTRIES) - 1)


def _names(rng: np.random.Generator, industry: np.ndarray, city: np.ndarray) -> np.ndarray:
    """Company names from word lists: "Harbor Logistics Inc", "Miller Plumbing", "Tulsa Energy LLC"."""
    n = len(industry)
    cores = np.array([W.NAME_CORES[i] for i in W.INDUSTRIES], dtype=object)
    core = _text(cores[industry, rng.integers(0, cores.shape[1], n)])
    suffix = _pick(rng, W.SUFFIXES, n, W.SUFFIX_WEIGHTS)
    prefix = _pick(rng, W.NAME_PREFIXES, n)
    sur1, sur2 = _pick(rng, W.SURNAMES, n), _pick(rng, W.SURNAMES, n)
    pattern = rng.choice(4, n, p=[0.45, 0.25, 0.15, 0.15])
    out = _cat(prefix, " ", core, " ", suffix)
    out = np.where(pattern == 1, _cat(sur1, " ", core), out)
    out = np.where(pattern == 2, _cat(city, " ", core, " ", suffix), out)
    return np.where(pattern == 3, _cat(sur1, " & ", sur2, " ", core), out)


def _lognormal(rng: np.random.Generator, seg: np.ndarray, median: tuple[float, ...],
               sigma: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    return np.exp(np.log(np.asarray(median))[seg] + np.asarray(sigma)[seg] * z)


def _accounts(rng: np.random.Generator, n: int) -> tuple[dict[str, np.ndarray], Locations, np.ndarray, np.ndarray]:
    """The account columns except the owner; also the locations, segment codes and potential for the carve."""
    z = zip_table()
    loc = draw_locations(rng, n)
    u = rng.random(n)
    cum_metro, cum_rural = np.cumsum(SEGMENT_SHARE_METRO), np.cumsum(SEGMENT_SHARE_RURAL)
    seg = np.where(loc.rural, (u[:, None] > cum_rural[None, :2]).sum(1),
                   (u[:, None] > cum_metro[None, :2]).sum(1)).astype(np.int64)
    zp = rng.standard_normal(n)
    potential = np.maximum(np.round(_lognormal(rng, seg, POTENTIAL_MEDIAN, POTENTIAL_SIGMA, zp), -2), 1_000.0)
    ze = 0.7 * zp + 0.71 * rng.standard_normal(n)  # bigger potential, usually more staff
    lo, hi = (np.array(b)[seg] for b in zip(*EMPLOYEES_RANGE, strict=True))
    employees = np.clip(np.rint(_lognormal(rng, seg, EMPLOYEES_MEDIAN, (0.9, 0.6, 0.9), ze)), lo, hi)
    states = z.state[loc.zip_row]
    industry = _industries(rng, states)
    customer = rng.random(n) < np.asarray(CUSTOMER_SHARE)[seg]
    named = rng.random(n) < np.asarray(NAMED_SHARE)[seg]
    has_deal = rng.random(n) < PIPELINE_SHARE
    deal = np.round(potential * rng.uniform(0.05, 0.6, n), -2) * has_deal
    city = z.city[loc.zip_row]
    street = _cat(_text(rng.integers(10, 9_990, n)), " ", _pick(rng, W.STREET_NAMES, n), " ",
                  _pick(rng, W.STREET_TYPES, n))
    columns = {
        "Account ID": salesforce_ids(rng, n),
        "Account Name": _names(rng, industry, _text(city)),
        "Type": np.array(["Prospect", "Customer"], dtype=object)[customer.astype(np.int64)],
        "Industry": np.asarray(W.INDUSTRIES, dtype=object)[industry],
        "Segment": np.asarray(SEGMENTS, dtype=object)[seg],
        "Billing Street": street,
        "Billing City": city,
        "Billing State/Province": z.state_obj[loc.zip_row],
        "Billing Zip/Postal Code": z.zip_obj[loc.zip_row],
        "Billing Country": np.full(n, "United States", dtype=object),
        "Latitude": decimals(loc.lat),
        "Longitude": decimals(loc.lon),
        "Account Potential": money(potential),
        "Open Pipeline": _text(deal.astype(np.int64)),
        "Number of Employees": _text(employees.astype(np.int64)),
        "Named Account": np.array(["false", "true"], dtype=object)[named.astype(np.int64)],
    }
    return columns, loc, seg, potential


def _rep_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct "First Last" names (with a middle initial when more reps than pairs are asked for)."""
    first, last = np.asarray(W.FIRST_NAMES, dtype=object), np.asarray(W.SURNAMES, dtype=object)
    pairs = len(first) * len(last)
    if n <= pairs:
        pick = rng.choice(pairs, n, replace=False)
        return first[pick // len(last)] + " " + last[pick % len(last)]
    letters = np.array(list("ABCDEFGHJKLMNPRSTVW"), dtype=object)
    if n > pairs * len(letters):
        raise ValueError(f"at most {pairs * len(letters):,} sample reps can have distinct names; asked for {n:,}")
    pick = rng.choice(pairs * len(letters), n, replace=False)
    p, m = pick // len(letters), pick % len(letters)
    return first[p // len(last)] + " " + letters[m] + ". " + last[p % len(last)]


def _territory_names(cities: np.ndarray, roles: np.ndarray) -> list[str]:
    """"Denver Enterprise", "Chicago SMB 2": where the book is run from and whom it serves, numbered if shared."""
    seen: dict[str, int] = {}
    names = []
    for city, role in zip(cities, roles, strict=True):
        base = f"{city} {ROLE_SHORT[role]}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} {seen[base]}")
    return names


def generate_sample(n_accounts: int, n_reps: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An accounts export and a reps table (all text columns, as written to CSV), deterministic for `seed`."""
    if n_accounts < 1 or n_reps < 1:
        raise ValueError(f"need at least one account and one rep (asked for {n_accounts} and {n_reps})")
    rng = np.random.default_rng(seed)
    accounts, loc, seg, potential = _accounts(rng, n_accounts)
    reps = draw_reps(rng, loc, seg, potential, n_reps)
    z = zip_table()
    rep_names = _rep_names(rng, n_reps)
    home_city, home_state = z.city[reps.home_zip_row], z.state[reps.home_zip_row]
    owner = np.where(reps.owner >= 0, rep_names[np.maximum(reps.owner, 0)], "")
    accounts["Account Owner"] = _text(owner)
    reps_frame = _frame({
        "Rep": _text(rep_names),
        "Territory": _text(_territory_names(home_city, reps.role)),
        "Role": _text(reps.role),
        "Region": _text(region_of(home_state)),
        "Home ZIP": _text(z.zip[reps.home_zip_row]),
        "Home City": _text(home_city),
        "Home State": _text(home_state),
        "Home Latitude": decimals(reps.home_lat),
        "Home Longitude": decimals(reps.home_lon),
        "Capacity Hours": _text(reps.capacity),
    })
    return _frame({c: accounts[c] for c in ACCOUNT_COLUMNS}), reps_frame


def write_sample(out_dir: Path, n_accounts: int, n_reps: int, seed: int = 7) -> tuple[Path, Path]:
    """Write accounts.csv and reps.csv (UTF-8, every value quoted only where CSV needs it) into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    accounts, reps = generate_sample(n_accounts, n_reps, seed)
    paths = out / ACCOUNTS_FILE, out / REPS_FILE
    accounts.to_csv(paths[0], index=False, encoding="utf-8", lineterminator="\n")
    reps.to_csv(paths[1], index=False, encoding="utf-8", lineterminator="\n")
    return paths


def bundled_sample_paths() -> tuple[Path, Path]:
    """The shipped sample (5,000 accounts, 25 reps) in a checkout, an installed wheel or the frozen app."""
    return resource_path("sample", ACCOUNTS_FILE), resource_path("sample", REPS_FILE)


def main(argv: list[str] | None = None) -> int:
    """Command line: write a sample of the given size into a folder."""
    ap = argparse.ArgumentParser(prog="python -m territory_desktop.io.sample.generate",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--reps", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    for p in write_sample(args.out_dir, args.accounts, args.reps, args.seed):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
