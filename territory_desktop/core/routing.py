"""Territory definitions as rules, and routing new or unassigned accounts by them.

A territory may carry rules (`Territory.rules`): each is a criterion `field operator values` — e.g. `state in
CA, OR`, `zip_prefix in 940, 941`, `segment in SMB` — and an account meets the territory's rule when it meets
every criterion (AND across criteria, OR across the values of one). `account_id in …` criteria are the
territory's named accounts: an override that sends those accounts there whatever the other criteria say (a
CRM's "named account" list), so they are kept apart from the rule rather than ANDed into it.

Routing an account (the playbook's rules of engagement, as CRM assignment rules work):
1. a territory that names it (named-account override) wins;
2. else, of the territories whose rule it meets, the most specific one (`specificity`: a ZIP beats a ZIP
   prefix beats a county beats a state; more criteria beat fewer); ties go to the nearest home;
3. else, the nearest territory whose rep has capacity headroom;
4. else it stays unrouted, and says why.
At every step only territories that may take the account count: not removed, not locked, and whose role may own
the account's segment (the eligibility rules in the balance settings). A locked account is never routed.
Every routed account carries the sentence that sent it. Rules that overlap (an account meets two territories
equally specific) or leave gaps (an account meets none) are reported, with the accounts concerned.

Every function takes `rules`, {territory index: criteria}, to try rules out before they are saved (the rules
editor's live preview); territories not in it keep their own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.geo import haversine_km
from territory_desktop.core.plan import Plan
from territory_desktop.core.workload import SCALE

FIELDS = ("account_id", "zip", "zip_prefix", "county", "city", "state", "country", "segment", "industry")
"""What a rule can look at (the plan's columns; zip_prefix reads the zip column, county the export's county
column when it has one)."""
FIELD_LABELS = {"state": "State", "zip_prefix": "ZIP prefix", "zip": "ZIP", "county": "County", "city": "City",
                "country": "Country", "segment": "Segment", "industry": "Industry", "account_id": "Named account"}
"""How the fields read in the rules editor (and may be written in a rules file)."""
FIELD_ALIASES = {"zip_code": "zip", "postal_code": "zip", "postcode": "zip", "zip_prefix": "zip_prefix",
                 "zip_code_prefix": "zip_prefix", "postal_code_prefix": "zip_prefix", "zip_starts_with": "zip_prefix",
                 "named_account": "account_id", "named_accounts": "account_id", "account": "account_id",
                 "account_id": "account_id", "id": "account_id", "state/province": "state", "province": "state",
                 "billing_state": "state", "vertical": "industry", "counties": "county", "states": "state",
                 "segments": "segment", "industries": "industry"}
"""Names a CRM admin writes for the fields (after lower case and spaces to underscores)."""
OPERATORS = ("in", "not_in")
OPERATOR_ALIASES = {"in": "in", "=": "in", "==": "in", "is": "in", "equals": "in", "is_one_of": "in",
                    "not_in": "not_in", "!=": "not_in", "<>": "not_in", "is_not": "not_in", "not": "not_in",
                    "is_none_of": "not_in", "not_equals": "not_in"}
SPECIFICITY = {"account_id": 1000.0, "zip": 40.0, "zip_prefix": 20.0, "county": 14.0, "city": 12.0,
               "state": 8.0, "country": 2.0, "segment": 3.0, "industry": 3.0}
"""How much narrower a criterion on each field makes a rule; a longer ZIP prefix counts more."""
NAMED = "account_id"


class RuleError(ValueError):
    """A rule that cannot be used; the message names the territory, row, field or value."""


def normal_field(name: object) -> str:
    """The canonical field for what a person wrote ("ZIP prefix", "Named account", "State")."""
    key = "_".join(str(name).strip().lower().replace("-", " ").split())
    return FIELD_ALIASES.get(key, key)


def normal_operator(op: object) -> str:
    key = "_".join(str(op).strip().lower().split())
    return OPERATOR_ALIASES.get(key, key)


@dataclass(frozen=True)
class Criterion:
    field: str
    operator: str
    values: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "operator": self.operator, "values": list(self.values)}

    @staticmethod
    def from_dict(d: dict[str, object], where: str = "") -> Criterion:
        """Validate one criterion (from a saved plan, the editor or a rules file); `where` prefixes errors."""
        raw_field = d.get("field", "")
        field_ = normal_field(raw_field)
        op = normal_operator(d.get("operator", "in"))
        raw = d.get("values", ())
        vals = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else [raw]
        values = tuple(dict.fromkeys(v for v in (str(x).strip() for x in vals) if v))
        if field_ not in FIELDS:
            raise RuleError(f"{where}unknown field {str(raw_field).strip()!r} (use one of: "
                            f"{', '.join(FIELD_LABELS[f] for f in FIELDS)})")
        if op not in OPERATORS:
            raise RuleError(f"{where}unknown operator {str(d.get('operator', '')).strip()!r} (use 'in' or 'not in')")
        if not values:
            raise RuleError(f"{where}the rule on {FIELD_LABELS[field_]} has no values")
        if field_ in ("zip_prefix", "zip"):
            bad = [v for v in values if not v.replace("-", "").isdigit()]
            if bad:
                kind = "ZIP prefixes" if field_ == "zip_prefix" else "ZIP codes"
                raise RuleError(f"{where}{kind} are digits: {', '.join(bad)}")
        return Criterion(field_, op, values)

    def words(self) -> str:
        shown = ", ".join(self.values[:4]) + (f" and {len(self.values) - 4} more" if len(self.values) > 4 else "")
        neg = self.operator == "not_in"
        if self.field == "zip_prefix":
            return f"ZIP {'not ' if neg else ''}starting with {shown}"
        name = {"zip": "ZIP", "account_id": "account"}.get(self.field, self.field)
        return f"{name} {'not ' if neg else ''}in {shown}"


@dataclass(frozen=True)
class TerritoryRule:
    """A territory's definition split the way routing reads it: named accounts, and the rule proper."""

    territory: int
    named: frozenset[str]
    criteria: tuple[Criterion, ...]

    @property
    def specificity(self) -> float:
        return specificity(list(self.criteria))

    def words(self) -> str:
        return "; ".join(c.words() for c in self.criteria)


def parse_rules(raw: list[dict[str, Any]] | tuple[dict[str, Any], ...], where: str = "") -> list[Criterion]:
    return [Criterion.from_dict(d, where) for d in raw or ()]


def criteria_of(plan: Plan, t: int, rules: Mapping[int, list[dict[str, Any]]] | None = None) -> list[Criterion]:
    """The validated rules of territory t (from `rules` when it holds t; a territory without rules has none)."""
    raw = rules[t] if rules is not None and t in rules else getattr(plan.territories[t], "rules", ()) or ()
    return parse_rules(raw, f"territory {plan.territories[t].name!r}: ")


def split_named(t: int, criteria: list[Criterion]) -> TerritoryRule:
    """Named accounts (`account_id in`) apart; the other criteria, exclusions of accounts included, are the rule."""
    named = frozenset(v for c in criteria if c.field == NAMED and c.operator == "in" for v in c.values)
    rest = tuple(c for c in criteria if not (c.field == NAMED and c.operator == "in"))
    return TerritoryRule(t, named, rest if any(c.operator == "in" for c in rest) else ())


def specificity(criteria: list[Criterion]) -> float:
    """Higher = narrower. Exclusions (`not in`) narrow a little; a rule with no criteria matches nothing."""
    score = 0.0
    for c in criteria:
        base = SPECIFICITY[c.field]
        if c.field == "zip_prefix":
            base += 2.0 * min(len(v) for v in c.values)
        score += base if c.operator == "in" else 0.5
    return score


class Columns:
    """The plan's columns as rules compare them, factorised once per routing or report (not per rule): a
    criterion is decided on the distinct values, then spread to the accounts by their codes (100k × 200
    territories: ~0.1 s instead of seconds of string comparisons)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._cache: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def get(self, field_: str) -> tuple[np.ndarray, pd.Series]:
        """(code per account, distinct values) of the column a field reads."""
        col = "zip" if field_ == "zip_prefix" else field_
        if col not in self._cache:
            self._cache[col] = self._factor(_column(self.plan, col).to_numpy(dtype=object))
        return self._cache[col]

    def zip_prefix(self, length: int) -> tuple[np.ndarray, pd.Series]:
        """(code per account, distinct values) of the first `length` digits of the ZIP."""
        key = f"zip[:{length}]"
        if key not in self._cache:
            codes, uniques = self.get("zip")
            self._cache[key] = self._factor(uniques.str[:length].to_numpy(dtype=object)[codes])
        return self._cache[key]

    @staticmethod
    def _factor(values: np.ndarray) -> tuple[np.ndarray, pd.Series]:
        codes, uniques = pd.factorize(values, sort=False)
        return codes.astype(np.int64), pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def county_column(plan: Plan) -> pd.Series | None:
    """The accounts' county, from a `county` account column or the export's own county column (None if none)."""
    if "county" in plan.accounts.columns:
        return plan.accounts["county"]
    src = plan.source
    if src is not None and len(src) == plan.n_accounts:
        for c in src.columns:
            if "county" in str(c).casefold():
                return src[c]
    return None


def _column(plan: Plan, col: str) -> pd.Series:
    if col == "county":
        raw = county_column(plan)
        if raw is None:
            return pd.Series([""] * plan.n_accounts, dtype=object)
        s = raw.reset_index(drop=True).fillna("").astype(str).str.strip().str.casefold()
        return s.str.replace(r"\s+(county|parish|borough)$", "", regex=True)
    s = plan.accounts[col].fillna("").astype(str).str.strip()
    if col == "zip":
        digits = s.str.replace(r"[^0-9]", "", regex=True)
        return digits.str[:5].str.zfill(5).where(digits != "", "")
    if col != NAMED:
        return s.str.casefold()
    return s


def matches(plan: Plan, criteria: list[Criterion] | tuple[Criterion, ...], rows: np.ndarray | None = None,
            columns: Columns | None = None) -> np.ndarray:
    """Which accounts (of `rows`, default all) meet every criterion; no criteria meets nothing."""
    rows = np.arange(plan.n_accounts) if rows is None else np.asarray(rows, dtype=np.int64)
    if not criteria:
        return np.zeros(len(rows), dtype=bool)
    columns = columns or Columns(plan)
    ok = np.ones(len(rows), dtype=bool)
    for c in criteria:
        if c.field == "zip_prefix":
            hit = np.zeros(len(rows), dtype=bool)
            prefixes = [v.replace("-", "") for v in c.values]
            for length in sorted({len(v) for v in prefixes}):
                codes, uniques = columns.zip_prefix(length)
                on_unique = uniques.isin([v for v in prefixes if len(v) == length]).to_numpy(dtype=bool)
                hit |= on_unique[codes[rows]]
        else:
            codes, uniques = columns.get(c.field)
            if c.field == NAMED:
                want = set(c.values)
            elif c.field == "zip":
                want = {v.replace("-", "")[:5].zfill(5) for v in c.values}
            elif c.field == "county":
                want = {v.casefold().removesuffix(" county").strip() for v in c.values}
            else:
                want = {v.casefold() for v in c.values}
            hit = uniques.isin(want).to_numpy(dtype=bool)[codes[rows]]
        ok &= hit if c.operator == "in" else ~hit
    return ok


def _named_mask(plan: Plan, named: frozenset[str], rows: np.ndarray | None = None) -> np.ndarray:
    ids = plan.ids if rows is None else plan.ids[rows]
    if not named:
        return np.zeros(len(ids), dtype=bool)
    return pd.Index(ids).isin(list(named))


def territory_rules(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None) -> list[TerritoryRule]:
    """The definition of every active territory that has one (named accounts and/or a rule)."""
    out = []
    for t in plan.active_territories().tolist():
        tr = split_named(t, criteria_of(plan, t, rules))
        if tr.named or tr.criteria:
            out.append(tr)
    return out


@dataclass
class Routing:
    """Where each routed account goes and why; `unrouted` are those no rule or rep could take.

    `how` says per routed account which step sent it: "named", "rule" or "nearest"."""

    rows: np.ndarray
    targets: np.ndarray
    reasons: list[str]
    unrouted: np.ndarray
    unrouted_reasons: list[str]
    how: list[str] = field(default_factory=list)

    def reason_of(self) -> dict[int, str]:
        return {int(r): why for r, why in zip(self.rows.tolist(), self.reasons, strict=True)}

    def counts(self) -> dict[str, int]:
        """Routed accounts per step, and those left unassigned."""
        out = {k: self.how.count(k) for k in ("named", "rule", "nearest")}
        out["unrouted"] = len(self.unrouted)
        return out


def _homes(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([t.home_lat for t in plan.territories], dtype=np.float64)
    lon = np.array([t.home_lon for t in plan.territories], dtype=np.float64)
    return lat, lon


def _open_territories(plan: Plan) -> np.ndarray:
    return np.array([not t.removed and not t.locked for t in plan.territories], dtype=bool)


def _eligible(plan: Plan, rows: np.ndarray, t: int) -> np.ndarray:
    """Which rows territory t's role may own (the balance settings' segment -> role rules)."""
    role = plan.territories[t].role
    if not plan.settings.eligibility or not role:
        return np.ones(len(rows), dtype=bool)
    ok_codes = np.array([(roles := plan.settings.allowed_roles(seg)) is None or role in roles
                         for seg in plan.segment_names], dtype=bool)
    return ok_codes[plan.segment_codes[rows]] if len(ok_codes) else np.ones(len(rows), dtype=bool)


def route(plan: Plan, rows: np.ndarray | None = None, rules: Mapping[int, list[dict[str, Any]]] | None = None,
          fallback: bool = True, columns: Columns | None = None) -> Routing:
    """Route the given account rows (default: every unassigned account) by the territories' rules, then (with
    `fallback`) to the nearest eligible rep with capacity headroom. Locked accounts stay where they are."""
    rows = np.flatnonzero(plan.assignment < 0) if rows is None else np.asarray(rows, dtype=np.int64)
    n = len(rows)
    targets = np.full(n, -1, dtype=np.int64)
    reasons = [""] * n
    how = [""] * n
    table = territory_rules(plan, rules)
    open_t = _open_territories(plan)
    hlat, hlon = _homes(plan)
    columns = columns or Columns(plan)
    locked = plan.locked[rows]
    # 1. named accounts
    best_d = np.full(n, math.inf)
    named_done = np.zeros(n, dtype=bool)
    for tr in table:
        t = tr.territory
        if not tr.named or not open_t[t]:
            continue
        hit = _named_mask(plan, tr.named, rows) & ~locked & _eligible(plan, rows, t)
        d = _distance(plan, rows, t, hlat, hlon)
        better = hit & (~named_done | (d < best_d))
        idx = np.flatnonzero(better)
        targets[idx], best_d[idx], named_done[idx] = t, d[idx], True
        for i in idx.tolist():
            reasons[i], how[i] = f"Named account of {plan.territories[t].name}", "named"
    # 2. the most specific rule, ties to the nearest home
    best_spec = np.full(n, -math.inf)
    tie_dist = np.full(n, math.inf)
    free = ~named_done & ~locked
    for tr in table:
        t = tr.territory
        if not tr.criteria or not open_t[t]:
            continue
        hit = free & matches(plan, tr.criteria, rows, columns) & _eligible(plan, rows, t)
        if not hit.any():
            continue
        spec = tr.specificity
        d = _distance(plan, rows, t, hlat, hlon)
        better = hit & ((spec > best_spec) | ((spec == best_spec) & (d < tie_dist)))
        idx = np.flatnonzero(better)
        targets[idx], best_spec[idx], tie_dist[idx] = t, spec, d[idx]
        sentence = f"Rule of {plan.territories[t].name}: {tr.words()}"
        for i in idx.tolist():
            reasons[i], how[i] = sentence, "rule"
    # 3. the nearest eligible rep with room (after what the rules send), else unrouted with the reason
    left = np.flatnonzero(targets < 0)
    unrouted: list[int] = []
    unrouted_reasons: list[str] = []
    if len(left):
        if fallback:
            placed = np.flatnonzero(targets >= 0)
            fb, why = _nearest_with_room(plan, rows[left], locked[left], open_t, hlat, hlon,
                                         rows[placed], targets[placed])
        else:
            fb = np.full(len(left), -1, dtype=np.int64)
            why = ["locked: unlock it to route it" if locked[i] else "no rule takes it" for i in left.tolist()]
        for i, t, w in zip(left.tolist(), fb.tolist(), why, strict=True):
            if t >= 0:
                targets[i], reasons[i], how[i] = t, w, "nearest"
            else:
                unrouted.append(i)
                unrouted_reasons.append(w)
    done = targets >= 0
    keep = np.flatnonzero(done).tolist()
    return Routing(rows[done], targets[done], [reasons[i] for i in keep],
                   rows[np.array(unrouted, dtype=np.int64)], unrouted_reasons, [how[i] for i in keep])


def _distance(plan: Plan, rows: np.ndarray, t: int, hlat: np.ndarray, hlon: np.ndarray) -> np.ndarray:
    if not (math.isfinite(hlat[t]) and math.isfinite(hlon[t])):
        return np.full(len(rows), math.inf)
    d = haversine_km(plan.lat[rows], plan.lon[rows], hlat[t], hlon[t])
    return np.where(np.isfinite(d), d, math.inf)


def _nearest_with_room(plan: Plan, rows: np.ndarray, locked: np.ndarray, open_t: np.ndarray, hlat: np.ndarray,
                       hlon: np.ndarray, routed_rows: np.ndarray, routed_to: np.ndarray,
                       ) -> tuple[np.ndarray, list[str]]:
    """For accounts no rule takes: the nearest open territory whose role may own the segment and whose workload
    is below capacity. The hours of accounts the rules send count first; then accounts are placed one by one,
    each adding its own hours (with travel from the chosen home)."""
    k = plan.n_territories
    load = plan.kpis.workload[:k].astype(np.float64) / SCALE  # hours per territory now (the panel's numbers)
    if len(routed_rows):
        np.add.at(load, routed_to, plan.workload_of(routed_rows, routed_to).astype(np.float64) / SCALE)
    cap = np.array([t.capacity_hours for t in plan.territories], dtype=np.float64)
    out = np.full(len(rows), -1, dtype=np.int64)
    why: list[str] = []
    has_home = np.isfinite(hlat) & np.isfinite(hlon)
    elig = np.ones((max(len(plan.segment_names), 1), k), dtype=bool)
    for t in range(k):
        role = plan.territories[t].role
        if plan.settings.eligibility and role:
            for c, seg in enumerate(plan.segment_names):
                roles = plan.settings.allowed_roles(seg)
                elig[c, t] = roles is None or role in roles
    base = open_t & has_home
    for j, r in enumerate(rows.tolist()):
        seg = plan.segment_names[int(plan.segment_codes[r])] if len(plan.segment_names) else ""
        if locked[j]:
            why.append("locked: unlock it to route it")
            continue
        if not np.isfinite(plan.lat[r]) or not np.isfinite(plan.lon[r]):
            why.append("not placed on the map, and no rule names it")
            continue
        ok = base & elig[int(plan.segment_codes[r])] if len(plan.segment_names) else base
        if not ok.any():
            why.append(f"no open territory with a home may own {seg or 'it'}")
            continue
        d = haversine_km(np.full(k, plan.lat[r]), np.full(k, plan.lon[r]), np.nan_to_num(hlat),
                         np.nan_to_num(hlon))
        hours = plan.workload_of(np.full(k, r), np.arange(k)).astype(np.float64) / SCALE  # with travel from each
        room = ok & (load + hours <= cap)
        if not room.any():
            why.append("every eligible rep is at capacity")
            continue
        t = int(np.argmin(np.where(room, d, np.inf)))
        out[j] = t
        load[t] += hours[t]
        why.append(f"No rule matched: nearest eligible rep with room ({plan.territories[t].name}, {d[t]:,.0f} km)")
    return out, why


@dataclass
class RuleReport:
    """Rules that overlap (accounts two territories claim equally) and gaps (accounts no rule claims)."""

    overlaps: list[tuple[int, int, np.ndarray]]
    gaps: np.ndarray
    has_rules: bool = True

    def words(self, plan: Plan, limit: int = 8) -> list[str]:
        """The report as sentences a planner can act on, naming a few of the accounts concerned."""
        if not self.has_rules:
            return ["No territory has rules yet: every account would go to the nearest rep with room."]
        names = plan.accounts["name"].astype(str)
        out = []
        for a, b, rows in sorted(self.overlaps, key=lambda o: -len(o[2]))[:limit]:
            eg = ", ".join(names.iloc[rows[:2]])
            out.append(f"Overlap: {_accounts_meet(len(rows))} the rules of both "
                       f"{plan.territories[a].name} and {plan.territories[b].name} equally (e.g. {eg}); the "
                       "nearer home wins")
        if len(self.overlaps) > limit:
            out.append(f"… and {len(self.overlaps) - limit} more overlapping pair(s)")
        if len(self.gaps):
            eg = ", ".join(names.iloc[self.gaps[:2]])
            out.append(f"Gap: {_accounts_meet(len(self.gaps))} no territory's "
                       f"rules (e.g. {eg}); routing sends them to the nearest rep with room")
        if not out:
            out.append("No overlaps and no gaps: every account meets exactly one territory's rules.")
        return out


def _accounts_meet(n: int) -> str:
    return f"{n:,} account meets" if n == 1 else f"{n:,} accounts meet"


def rule_report(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None,
                columns: Columns | None = None) -> RuleReport:
    """Overlaps and gaps over every account of the plan (only when some territory has rules).

    Two territories naming one account overlap; so do two rules of equal specificity that an account meets
    (a more specific rule is not an overlap: it is how exceptions are written)."""
    table = territory_rules(plan, rules)
    n = plan.n_accounts
    if not table:
        return RuleReport([], np.empty(0, dtype=np.int64), has_rules=False)
    columns = columns or Columns(plan)
    named = np.column_stack([_named_mask(plan, tr.named) for tr in table])
    hits = np.column_stack([matches(plan, tr.criteria, None, columns) for tr in table])
    specs = np.array([tr.specificity for tr in table])
    top = np.where(hits, specs[None, :], -np.inf).max(axis=1)
    at_top = np.where(named.any(axis=1)[:, None], named, hits & (specs[None, :] == top[:, None]))
    pairs: dict[tuple[int, int], list[np.ndarray]] = {}
    multi = np.flatnonzero(at_top.sum(axis=1) >= 2)
    if len(multi):
        packed = np.ascontiguousarray(np.packbits(at_top[multi], axis=1))
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()  # one sortable key per pattern
        _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        groups = np.split(multi[np.argsort(inverse, kind="stable")], np.cumsum(np.bincount(inverse))[:-1])
        for row, rows in zip(first.tolist(), groups, strict=True):
            cols = np.flatnonzero(at_top[multi[row]])
            for i in range(len(cols)):
                for j in range(i + 1, len(cols)):
                    key = (table[cols[i]].territory, table[cols[j]].territory)
                    pairs.setdefault(key, []).append(rows)
    overlaps = [(a, b, np.sort(np.concatenate(parts))) for (a, b), parts in sorted(pairs.items())]
    gaps = np.flatnonzero(~(hits | named).any(axis=1)) if n else np.empty(0, dtype=np.int64)
    return RuleReport(overlaps, gaps)


@dataclass(frozen=True)
class RulePreview:
    """What one territory's rules would do now: unassigned accounts they would take, and how many accounts they
    cover that sit in another territory (a planner's check that a rule is not far wider than the book)."""

    takes_unassigned: int
    unassigned: int
    covers: int
    covers_elsewhere: int
    elsewhere_in: dict[str, int]


def preview_territory(plan: Plan, t: int, rules: Mapping[int, list[dict[str, Any]]] | None = None,
                      routing: Routing | None = None, columns: Columns | None = None) -> RulePreview:
    """The preview of territory t under `rules` (rules only: no nearest-rep step). Pass `routing` (a
    `route(plan, rules=rules, fallback=False)`) when previewing several territories under the same rules, and
    one `Columns` while the accounts stay the same (an editor's live preview)."""
    columns = columns or Columns(plan)
    routing = routing if routing is not None else route(plan, rules=rules, fallback=False, columns=columns)
    tr = split_named(t, criteria_of(plan, t, rules))
    covered = matches(plan, tr.criteria, None, columns) | _named_mask(plan, tr.named)
    a = plan.assignment
    elsewhere = covered & (a >= 0) & (a != t)
    where = pd.Series(a[elsewhere]).value_counts()
    return RulePreview(int((routing.targets == t).sum()), int((a < 0).sum()), int(covered.sum()),
                       int(elsewhere.sum()),
                       {plan.territories[int(k)].name: int(v) for k, v in where.items()})


def route_move(routing: Routing):  # noqa: ANN201 — MoveAccounts | None (edits/ builds on the plan, as we do)
    """The one move that applies a routing, each account with the sentence that sent it as its reason (so the
    change list says "Rule of West: state in CA"), or None when nothing is routed."""
    from territory_desktop.core.edits import MoveAccounts

    n = len(routing.rows)
    if not n:
        return None
    return MoveAccounts(routing.rows, routing.targets.astype(np.int32),
                        f"Route {n:,} account{'s' if n != 1 else ''} by the territory rules",
                        reason=np.asarray(routing.reasons, dtype=object))


COLUMNS = ["territory", "field", "operator", "value"]


def rules_frame(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None) -> pd.DataFrame:
    """Every rule as rows a CRM admin can load: territory, field, operator, value (values comma-separated)."""
    rows = []
    for t in plan.active_territories().tolist():
        for c in criteria_of(plan, t, rules):
            rows.append({"territory": plan.territories[t].name, "field": c.field,
                         "operator": c.operator.replace("_", " "), "value": ",".join(c.values)})
    return pd.DataFrame(rows, columns=COLUMNS)


def rules_from_frame(plan: Plan, df: pd.DataFrame, source: str = "rules file",
                     ) -> dict[int, list[dict[str, object]]]:
    """Parse a rules table (as `rules_frame` writes it, or as a person writes one: "State", "ZIP prefix",
    "Named account", "=") into rules per territory index; every error names the file and row."""
    cols = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in COLUMNS if c not in cols]
    if missing:
        raise RuleError(f"{source}: missing column(s) {', '.join(missing)} (need territory, field, operator, value)")
    out: dict[int, list[dict[str, object]]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        cells = {c: ("" if rec[cols[c]] is None or rec[cols[c]] != rec[cols[c]] else str(rec[cols[c]]).strip())
                 for c in COLUMNS}
        if not any(cells.values()):
            continue
        where = f"{source}: row {i + 2}: "
        if not cells["territory"]:
            raise RuleError(f"{where}no territory given")
        try:
            t = plan.territory_index(cells["territory"])
        except KeyError:
            raise RuleError(f"{where}no territory called {cells['territory']!r}") from None
        crit = Criterion.from_dict({"field": cells["field"], "operator": cells["operator"] or "in",
                                    "values": cells["value"]}, where)
        out.setdefault(t, []).append(crit.to_dict())
    return out


MAX_RULES_FILE = 20_000_000
"""Bytes a rules file may have (a real one is a few KB; this refuses a wrong file fast)."""


def read_rules_table(path: str | Path) -> pd.DataFrame:
    """A rules CSV read as text (no value is guessed a number: ZIP prefix 021 stays 021); RuleError names the
    file when it cannot be read."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_RULES_FILE:
            raise RuleError(f"{p.name}: too large for a rules file ({p.stat().st_size:,} bytes)")
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except FileNotFoundError:
        raise RuleError(f"rules file not found: {p}") from None
    except IsADirectoryError:
        raise RuleError(f"{p} is a folder, not a rules file") from None
    except UnicodeDecodeError:
        raise RuleError(f"{p.name}: not a UTF-8 text file (save it as CSV UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise RuleError(f"{p.name}: the file is empty (need columns territory, field, operator, value)") from None
    except (pd.errors.ParserError, OSError) as exc:
        raise RuleError(f"{p.name}: not a readable CSV ({exc})") from None
