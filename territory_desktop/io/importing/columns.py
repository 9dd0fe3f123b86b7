"""Which column of a CRM export holds which field of the plan: confident guesses, and the user's overrides.

Headers are compared after normalisation (accents, case, punctuation, camelCase, spacing: "Billing
Zip/Postal Code", "BillingPostalCode" and "billing_postal_code" look alike). Each field has synonyms with a
confidence; a known prefix ("Billing", "Address 1:") costs a little confidence, a secondary one ("Shipping")
more, and a header that merely contains a synonym least. Each column serves at most one field, best first.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

from territory_desktop.core.wording import agree
from territory_desktop.io.importing.errors import ImportFailed

ACCOUNT_FIELDS = ("account_id", "name", "address", "city", "state", "zip", "country", "lat", "lon", "segment",
                  "industry", "potential", "pipeline", "owner", "status", "employees", "revenue", "named",
                  "last_activity", "score")
"""Fields an accounts file can fill (core CANONICAL_COLUMNS minus geo_source, which the import decides)."""

REP_FIELDS = ("rep", "territory", "address", "city", "state", "zip", "country", "lat", "lon", "role",
              "capacity", "region", "area")

_S = dict[str, tuple[tuple[str, float], ...]]

_PLACE: _S = {
    "address": (("street", 1.0), ("address", 0.95), ("street address", 1.0), ("street 1", 0.95),
                ("address line 1", 0.95), ("address 1", 0.9), ("address1", 0.9), ("street line 1", 0.9),
                ("addr", 0.8)),
    "city": (("city", 1.0), ("town", 0.9), ("city town", 0.95), ("municipality", 0.8), ("locality", 0.8)),
    "state": (("state", 1.0), ("state province", 1.0), ("state region", 0.95), ("province", 0.9),
              ("state code", 0.95), ("st", 0.6), ("state province code", 0.95)),
    "zip": (("zip", 1.0), ("zip code", 1.0), ("zipcode", 1.0), ("postal code", 1.0), ("zip postal code", 1.0),
            ("postcode", 0.95), ("postal", 0.85), ("zip postal", 0.95), ("post code", 0.95), ("plz", 0.7)),
    "country": (("country", 1.0), ("country region", 0.95), ("country code", 0.95), ("nation", 0.7)),
    "lat": (("latitude", 1.0), ("lat", 0.95), ("geo latitude", 0.95), ("gps latitude", 0.95), ("y", 0.5)),
    "lon": (("longitude", 1.0), ("lon", 0.95), ("lng", 0.95), ("long", 0.9), ("geo longitude", 0.95),
            ("gps longitude", 0.95), ("x", 0.5)),
}

ACCOUNT_SYNONYMS: _S = {
    "account_id": (("account id", 1.0), ("record id", 0.95), ("do not modify account", 0.95),
                   ("account number", 0.9), ("accountid", 0.95), ("customer id", 0.9), ("company id", 0.9),
                   ("account no", 0.85), ("account num", 0.85), ("customer number", 0.85), ("crm id", 0.85),
                   ("sfdc id", 0.85), ("salesforce id", 0.85), ("id", 0.85), ("account key", 0.8),
                   ("duns", 0.6), ("duns number", 0.6)),
    "name": (("account name", 1.0), ("company name", 1.0), ("name", 0.9), ("company", 0.9),
             ("customer name", 0.95), ("organization name", 0.95), ("organisation name", 0.95),
             ("organization", 0.85), ("organisation", 0.85), ("business name", 0.9), ("customer", 0.8),
             ("legal name", 0.85), ("account", 0.75)),
    **_PLACE,
    "segment": (("segment", 1.0), ("customer segment", 1.0), ("market segment", 1.0), ("account segment", 1.0),
                ("tier", 0.9), ("account tier", 0.9), ("size segment", 0.9), ("sales segment", 0.95),
                ("class", 0.6), ("customer tier", 0.9)),
    "industry": (("industry", 1.0), ("sector", 0.9), ("vertical", 0.9), ("industry vertical", 0.95),
                 ("sic description", 0.7), ("naics description", 0.7)),
    "potential": (("potential", 1.0), ("account potential", 1.0), ("market potential", 1.0),
                  ("sales potential", 1.0), ("revenue potential", 1.0), ("potential revenue", 1.0),
                  ("wallet", 0.85), ("wallet size", 0.85), ("tam", 0.85), ("white space", 0.8),
                  ("whitespace", 0.8), ("acv", 0.85), ("estimated acv", 0.9), ("expected acv", 0.9),
                  ("account score potential", 0.9), ("arr", 0.75), ("annual spend", 0.75),
                  ("estimated spend", 0.8), ("opportunity size", 0.8)),
    # Company revenue is size, not potential: it segments and sizes accounts (core/potential.py) but is
    # never taken as what a rep can sell.
    "revenue": (("annual revenue", 1.0), ("revenue", 0.95), ("company revenue", 1.0), ("total revenue", 0.9),
                ("annual sales", 0.85), ("sales volume", 0.75), ("revenue range", 0.7), ("turnover", 0.85),
                ("yearly revenue", 0.95)),
    "pipeline": (("open pipeline", 1.0), ("pipeline", 1.0), ("pipeline amount", 1.0),
                 ("open pipeline amount", 1.0), ("open opportunities amount", 0.9),
                 ("open opportunity amount", 0.9), ("open opps", 0.85), ("total open pipeline", 0.95),
                 ("weighted pipeline", 0.85)),
    "owner": (("account owner", 1.0), ("owner", 1.0), ("company owner", 1.0), ("owner name", 1.0),
              ("account owner name", 1.0), ("account owner full name", 1.0), ("owner full name", 1.0),
              ("hubspot owner", 0.95), ("sales rep", 0.9), ("rep", 0.85), ("rep name", 0.9),
              ("account manager", 0.85), ("account executive", 0.85), ("assigned to", 0.8),
              ("territory", 0.7), ("salesperson", 0.85), ("owning user", 0.85)),
    "status": (("status", 1.0), ("account status", 1.0), ("type", 0.85), ("account type", 0.9),
               ("customer type", 0.85), ("relationship type", 0.85), ("lifecycle stage", 0.8),
               ("status reason", 0.8), ("customer status", 0.95), ("stage", 0.6)),
    "employees": (("employees", 1.0), ("number of employees", 1.0), ("employee count", 1.0),
                  ("no of employees", 1.0), ("num employees", 1.0), ("headcount", 0.95),
                  ("employee", 0.9), ("nb employees", 0.9), ("total employees", 0.95), ("fte", 0.7),
                  ("company size", 0.75), ("employees total", 0.95)),
    "last_activity": (("last activity date", 1.0), ("last activity", 1.0), ("last contacted", 1.0),
                      ("last contacted date", 1.0), ("last engagement date", 0.95), ("last engagement", 0.9),
                      ("last touch date", 0.95), ("last touch", 0.9), ("last meeting date", 0.85),
                      ("recent activity date", 0.9), ("last activity time", 0.95)),
    "score": (("score", 0.9), ("account score", 1.0), ("lead score", 0.9), ("hubspot score", 0.95),
              ("fit score", 0.95), ("icp score", 1.0), ("icp fit score", 1.0), ("propensity score", 0.95),
              ("account fit score", 1.0), ("priority score", 0.9), ("rating score", 0.8)),
    "named": (("named", 1.0), ("named account", 1.0), ("is named", 1.0), ("named accounts", 1.0),
              ("is named account", 1.0), ("named list", 0.9), ("key account", 0.75), ("strategic", 0.6),
              ("strategic account", 0.7)),
}

REP_SYNONYMS: _S = {
    "rep": (("rep", 1.0), ("rep name", 1.0), ("sales rep", 1.0), ("representative", 0.95), ("name", 0.85),
            ("full name", 0.9), ("owner", 0.85), ("account owner", 0.85), ("salesperson", 0.95),
            ("employee", 0.8), ("user", 0.7), ("account manager", 0.85), ("account executive", 0.85),
            ("seller", 0.9), ("person", 0.7)),
    "territory": (("territory", 1.0), ("territory name", 1.0), ("territory id", 0.8), ("patch", 0.8),
                  ("book", 0.7), ("turf", 0.8)),
    **_PLACE,
    "role": (("role", 1.0), ("title", 0.85), ("job title", 0.85), ("position", 0.8), ("rep role", 1.0),
             ("rep type", 0.85), ("segment", 0.75), ("sales role", 1.0)),
    "capacity": (("capacity", 1.0), ("capacity hours", 1.0), ("capacity hours year", 1.0),
                 ("capacity hours per year", 1.0), ("hours per year", 0.95), ("annual hours", 0.95),
                 ("hours year", 0.95), ("available hours", 0.9), ("hours", 0.8), ("capacity h", 0.95)),
    "region": (("region", 1.0), ("district", 0.85), ("zone", 0.8), ("sales region", 1.0), ("geo", 0.7)),
    # the level above regions (core/hierarchy.py); a file with an "Area" but no region column has its areas
    # read as areas, not as regions
    "area": (("area", 1.0), ("sales area", 1.0), ("division", 0.8), ("theater", 0.85), ("theatre", 0.85),
             ("super region", 0.9)),
}

_STRONG_PREFIXES = ("billing", "bill to", "address 1", "address1", "mailing", "hq", "headquarters",
                    "primary", "company", "account", "main", "home", "rep", "base", "office", "business",
                    "physical", "location", "customer", "organization", "organisation")
_WEAK_PREFIXES = ("shipping", "ship to", "address 2", "address2", "address 3", "other", "secondary")
_SUFFIXES = ("c", "name", "text", "value", "usd", "amount", "local currency", "in usd", "converted")
_NOISE = frozenset({"id", "email", "e mail", "phone", "date", "alias", "url", "website", "fax", "modified",
                    "created", "checksum", "currency", "guid"})

MIN_CONFIDENCE = 0.5
"""Guesses below this are not offered (the user maps the field by hand)."""


def normalise_header(header: object) -> str:
    """A comparison key for a header: "Billing Zip/Postal Code" -> "billing zip postal code",
    "NumberOfEmployees" -> "number of employees", "Annual_Revenue__c" -> "annual revenue c"."""
    text = unicodedata.normalize("NFKD", str(header))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)  # camelCase -> camel Case
    text = text.replace("#", " number ").replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def _strip_suffix(h: str) -> str:
    for suffix in _SUFFIXES:
        if h.endswith(" " + suffix):
            return h[: -len(suffix) - 1]
    return h


def _score(header: str, synonyms: tuple[tuple[str, float], ...], id_field: bool) -> float:
    """Confidence that a normalised header holds a field with these synonyms (0 when it does not)."""
    if not header:
        return 0.0
    best = 0.0
    candidates = [(header, 1.0)]
    for prefix in _STRONG_PREFIXES:
        if header.startswith(prefix + " "):
            candidates.append((header[len(prefix) + 1:], 0.9))
    for prefix in _WEAK_PREFIXES:
        if header.startswith(prefix + " "):
            candidates.append((header[len(prefix) + 1:], 0.65))
    candidates += [(_strip_suffix(h), f * 0.95) for h, f in candidates if _strip_suffix(h) != h]
    for h, factor in candidates:
        for syn, conf in synonyms:
            if h == syn:
                best = max(best, conf * factor)
    if best == 0.0:
        tokens = set(header.split())
        noisy = bool(tokens & _NOISE) and not id_field
        for syn, conf in synonyms:
            syn_tokens = set(syn.split())
            if len(syn) >= 4 and syn_tokens <= tokens:
                best = max(best, conf * (0.3 if noisy else 0.6))
    return round(best, 3)


def _guess(columns: list[str], table: _S, id_fields: tuple[str, ...]) -> dict[str, tuple[str, float]]:
    normalised = [normalise_header(c) for c in columns]
    candidates: list[tuple[float, int, str, str]] = []
    order = {f: i for i, f in enumerate(table)}
    for field, synonyms in table.items():
        for pos, (col, norm) in enumerate(zip(columns, normalised, strict=True)):
            conf = _score(norm, synonyms, field in id_fields)
            if conf >= MIN_CONFIDENCE:
                candidates.append((-conf, pos * 100 + order[field], field, col))
    candidates.sort()
    taken_fields: dict[str, tuple[str, float]] = {}
    taken_cols: set[str] = set()
    for neg_conf, _, field, col in candidates:
        if field not in taken_fields and col not in taken_cols:
            taken_fields[field] = (col, -neg_conf)
            taken_cols.add(col)
    return {f: taken_fields[f] for f in table if f in taken_fields}


def guess_mapping(columns: list[str]) -> dict[str, tuple[str, float]]:
    """Best guess of the source column of each account field: field -> (column, confidence 0..1)."""
    return _guess([str(c) for c in columns], ACCOUNT_SYNONYMS, ("account_id",))


def guess_reps_mapping(columns: list[str]) -> dict[str, tuple[str, float]]:
    """Best guess of the source column of each rep/territory field: field -> (column, confidence 0..1)."""
    return _guess([str(c) for c in columns], REP_SYNONYMS, ())


def default_mapping(columns: list[str]) -> dict[str, str]:
    """The guesses as a plain {field: column} mapping (what `import_plan` uses when given no mapping)."""
    return {f: col for f, (col, _) in guess_mapping(columns).items()}


def check_mapping(mapping: dict[str, str | None], columns: list[str], fields: tuple[str, ...],
                  file: str) -> dict[str, str]:
    """Validate a user's mapping against the file; raise ImportFailed naming unknown fields or columns.

    Empty or None columns mean "not mapped". Columns match exactly, else ignoring case and spaces.
    """
    unknown = [f for f in mapping if f not in fields]
    if unknown:
        raise ImportFailed(f"{file}: the mapping names unknown {agree(len(unknown), 'field')} "
                           f"{', '.join(map(_short, unknown))}; known fields are {', '.join(fields)}")
    by_key = {normalise_header(c): c for c in reversed(columns)}
    out: dict[str, str] = {}
    missing: list[str] = []
    for field, col in mapping.items():
        if col is None or str(col).strip() == "":
            continue
        col = str(col)
        if col in columns:
            out[field] = col
        elif normalise_header(col) in by_key and normalise_header(col):
            out[field] = by_key[normalise_header(col)]
        else:
            missing.append(f"{_short(col)} (for {field})")
    if missing:
        shown = ", ".join(map(_short, columns[:30])) + (" ..." if len(columns) > 30 else "")
        raise ImportFailed(f"{file}: the mapping names {agree(len(missing), 'a column', 'columns')} not in "
                           f"the file: {', '.join(missing)}; the file's columns are {shown}")
    return out


SHOWN_NAME = 80
"""Characters of a field or column name a message quotes: a 100 KB name must not become a 100 KB message."""


def _short(name: object) -> str:
    text = str(name)
    return repr(text) if len(text) <= SHOWN_NAME else repr(text[:SHOWN_NAME]) + f"… ({len(text):,} characters)"


def resolve_mapping(overrides: dict[str, str | None] | None, columns: list[str], fields: tuple[str, ...],
                    file: str, guesses: dict[str, tuple[str, float]]) -> dict[str, str]:
    """The guesses, overridden by the user's choices: {field: column} sets a field, {field: ""} unmaps it.

    A field the user does not mention keeps its guess, unless the user gave its column to another field.
    So the dialog can pass its complete mapping and a CLI mapping file can fix just one field.
    """
    used = {f: c for f, (c, _) in guesses.items()}
    if not overrides:
        return used
    explicit = check_mapping(overrides, columns, fields, file)
    claimed = set(explicit.values())
    for f in overrides:
        used.pop(f, None)
    used = {f: c for f, c in used.items() if c not in claimed}
    used.update(explicit)
    return {f: used[f] for f in fields if f in used}


def load_mapping_file(path: str | Path) -> dict[str, str]:
    """Read a mapping: JSON {"field": "Column"} or a 2-column CSV (field,column; a header row is optional)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(f"{p.name}: mapping file not found ({p})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{p.name}: cannot read the mapping file ({exc})") from None
    stripped = text.strip()
    if not stripped:
        raise ImportFailed(f"{p.name}: the mapping file is empty")
    if stripped[0] in "{[":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"{p.name}: the mapping is not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(data, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                                 for k, v in data.items()):
            raise ImportFailed(f'{p.name}: a JSON mapping must be an object {{"field": "Column", ...}}')
        return {k.strip(): (v or "") for k, v in data.items()}
    out: dict[str, str] = {}
    delimiter = ";" if stripped.count(";") > stripped.count(",") else ","
    for i, row in enumerate(csv.reader(stripped.splitlines(), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) != 2:
            raise ImportFailed(f"{p.name}, row {i}: expected 2 cells (field,column), found {len(cells)}")
        if i == 1 and cells[0].casefold() == "field":
            continue
        out[cells[0]] = cells[1]
    return out
