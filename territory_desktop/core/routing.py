"""Territory definitions as rules, and routing new or unassigned accounts by them.

A territory may carry rules (`Territory.rules`): each is a criterion `field operator values` — e.g. `state in
CA, OR`, `zip_prefix in 940, 941`, `segment in SMB` — and an account matches the territory when it meets every
criterion (AND across criteria, OR across the values of one). `account_id in …` names accounts outright.

Routing an account (the playbook's rules of engagement, as CRM assignment rules work):
1. a territory that names it (named-account override) wins;
2. else, of the territories whose rules it meets, the most specific one (`specificity`: a ZIP beats a ZIP
   prefix beats a state; more criteria beat fewer); ties go to the nearest home;
3. else, the nearest territory whose rep has capacity headroom and whose role may own the account's segment;
4. else it stays unrouted, and says why.
Every routed account carries the sentence that sent it. Rules that overlap (an account meets two territories
equally specific) or leave gaps (an account meets none) are reported, with the accounts concerned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core.geo import haversine_km
from territory_desktop.core.plan import Plan
from territory_desktop.core.workload import SCALE

FIELDS = ("account_id", "zip", "zip_prefix", "city", "state", "country", "segment", "industry")
"""What a rule can look at (the plan's canonical columns; zip_prefix reads the zip column)."""
OPERATORS = ("in", "not_in")
SPECIFICITY = {"account_id": 1000.0, "zip": 40.0, "zip_prefix": 20.0, "city": 12.0, "state": 8.0, "country": 2.0,
               "segment": 3.0, "industry": 3.0}
"""How much narrower a criterion on each field makes a rule; a longer ZIP prefix counts more."""


class RuleError(ValueError):
    """A rule that cannot be used; the message names the territory, field or value."""


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
        field = str(d.get("field", "")).strip().lower()
        op = str(d.get("operator", "in")).strip().lower().replace(" ", "_")
        raw = d.get("values", ())
        vals = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else [raw]
        values = tuple(v for v in (str(x).strip() for x in vals) if v)
        if field not in FIELDS:
            raise RuleError(f"{where}unknown field {field!r} (use one of: {', '.join(FIELDS)})")
        if op not in OPERATORS:
            raise RuleError(f"{where}unknown operator {op!r} (use 'in' or 'not in')")
        if not values:
            raise RuleError(f"{where}the rule on {field!r} has no values")
        if field == "zip_prefix" and not all(v.isdigit() for v in values):
            raise RuleError(f"{where}ZIP prefixes are digits: {', '.join(v for v in values if not v.isdigit())}")
        return Criterion(field, op, values)

    def words(self) -> str:
        shown = ", ".join(self.values[:4]) + (f" and {len(self.values) - 4} more" if len(self.values) > 4 else "")
        name = {"zip_prefix": "ZIP starting", "zip": "ZIP", "account_id": "account"}.get(self.field, self.field)
        return f"{name} {'not ' if self.operator == 'not_in' else ''}in {shown}"


def criteria_of(plan: Plan, t: int) -> list[Criterion]:
    """The validated rules of territory t (a territory without rules has none)."""
    terr = plan.territories[t]
    return [Criterion.from_dict(d, f"territory {terr.name!r}: ") for d in getattr(terr, "rules", ()) or ()]


def specificity(criteria: list[Criterion]) -> float:
    """Higher = narrower. Exclusions (`not in`) narrow a little; a rule with no criteria matches nothing."""
    score = 0.0
    for c in criteria:
        base = SPECIFICITY[c.field]
        if c.field == "zip_prefix":
            base += 2.0 * min(len(v) for v in c.values)
        score += base if c.operator == "in" else 0.5
    return score


def _column(plan: Plan, field: str) -> np.ndarray:
    col = "zip" if field == "zip_prefix" else field
    s = plan.accounts[col].fillna("").astype(str).str.strip()
    if field in ("zip", "zip_prefix"):
        s = s.str.replace(r"[^0-9]", "", regex=True).str[:5].str.zfill(5).where(s != "", "")
    elif field not in ("account_id",):
        s = s.str.casefold()
    return s.to_numpy(dtype=object)


def matches(plan: Plan, criteria: list[Criterion], rows: np.ndarray | None = None) -> np.ndarray:
    """Which accounts (of `rows`, default all) meet every criterion."""
    rows = np.arange(plan.n_accounts) if rows is None else np.asarray(rows, dtype=np.int64)
    if not criteria:
        return np.zeros(len(rows), dtype=bool)
    ok = np.ones(len(rows), dtype=bool)
    for c in criteria:
        vals = pd.Series(_column(plan, c.field)[rows])
        if c.field == "zip_prefix":
            hit = np.zeros(len(rows), dtype=bool)
            for v in c.values:
                hit |= vals.str.startswith(v).to_numpy(dtype=bool)
        else:
            want = {v if c.field in ("account_id", "zip") else v.casefold() for v in c.values}
            if c.field == "zip":
                want = {v.zfill(5)[:5] for v in want}
            hit = vals.isin(want).to_numpy(dtype=bool)
        ok &= hit if c.operator == "in" else ~hit
    return ok


@dataclass
class Routing:
    """Where each routed account goes and why; `unrouted` are those no rule or rep could take."""

    rows: np.ndarray
    targets: np.ndarray
    reasons: list[str]
    unrouted: np.ndarray
    unrouted_reasons: list[str]

    def reason_of(self) -> dict[int, str]:
        return {int(r): why for r, why in zip(self.rows.tolist(), self.reasons, strict=True)}


def _rule_table(plan: Plan) -> list[tuple[int, list[Criterion], float]]:
    out = []
    for t in plan.active_territories().tolist():
        crit = criteria_of(plan, t)
        if crit:
            out.append((t, crit, specificity(crit)))
    return out


def _homes(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([t.home_lat for t in plan.territories], dtype=np.float64)
    lon = np.array([t.home_lon for t in plan.territories], dtype=np.float64)
    return lat, lon


def route(plan: Plan, rows: np.ndarray | None = None) -> Routing:
    """Route the given account rows (default: every unassigned account) by the territories' rules, then to the
    nearest eligible rep with capacity headroom. Locked territories and removed ones take nothing."""
    rows = np.flatnonzero(plan.assignment < 0) if rows is None else np.asarray(rows, dtype=np.int64)
    n = len(rows)
    targets = np.full(n, -1, dtype=np.int64)
    reasons = [""] * n
    table = _rule_table(plan)
    open_t = np.array([not t.removed and not t.locked for t in plan.territories], dtype=bool)
    hlat, hlon = _homes(plan)
    best_spec = np.full(n, -math.inf)
    tie_dist = np.full(n, math.inf)
    for t, crit, spec in table:
        if not open_t[t]:
            continue
        hit = matches(plan, crit, rows)
        if not hit.any():
            continue
        d = _distance(plan, rows, t, hlat, hlon)
        better = hit & ((spec > best_spec) | ((spec == best_spec) & (d < tie_dist)))
        idx = np.flatnonzero(better)
        targets[idx] = t
        best_spec[idx] = spec
        tie_dist[idx] = d[idx]
        words = "; ".join(c.words() for c in crit)
        name = plan.territories[t].name
        for i in idx.tolist():
            named = any(c.field == "account_id" and c.operator == "in" for c in crit)
            reasons[i] = f"Named account of {name}" if named and spec >= 1000 else f"Rule of {name}: {words}"
    left = np.flatnonzero(targets < 0)
    unrouted: list[int] = []
    unrouted_reasons: list[str] = []
    if len(left):
        fallback, why = _nearest_with_room(plan, rows[left], open_t, hlat, hlon)
        for i, t, w in zip(left.tolist(), fallback.tolist(), why, strict=True):
            if t >= 0:
                targets[i] = t
                reasons[i] = w
            else:
                unrouted.append(i)
                unrouted_reasons.append(w)
    done = targets >= 0
    return Routing(rows[done], targets[done], [r for r, ok in zip(reasons, done, strict=True) if ok],
                   rows[np.array(unrouted, dtype=np.int64)], unrouted_reasons)


def _distance(plan: Plan, rows: np.ndarray, t: int, hlat: np.ndarray, hlon: np.ndarray) -> np.ndarray:
    if not (math.isfinite(hlat[t]) and math.isfinite(hlon[t])):
        return np.full(len(rows), math.inf)
    d = haversine_km(plan.lat[rows], plan.lon[rows], hlat[t], hlon[t])
    return np.where(np.isfinite(d), d, math.inf)


def _nearest_with_room(plan: Plan, rows: np.ndarray, open_t: np.ndarray, hlat: np.ndarray, hlon: np.ndarray,
                       ) -> tuple[np.ndarray, list[str]]:
    """For accounts no rule takes: the nearest open territory whose role may own the segment and whose workload
    is below capacity (taking the account's own hours into account as accounts are placed one by one)."""
    k = plan.n_territories
    load = plan.kpis.workload[:k].astype(np.float64) / SCALE  # hours per territory now (the panel's numbers)
    cap = np.array([t.capacity_hours for t in plan.territories], dtype=np.float64)
    out = np.full(len(rows), -1, dtype=np.int64)
    why: list[str] = []
    has_home = np.isfinite(hlat) & np.isfinite(hlon)
    for j, r in enumerate(rows.tolist()):
        seg = plan.segment_names[int(plan.segment_codes[r])] if len(plan.segment_names) else ""
        allowed = plan.settings.allowed_roles(seg) if plan.settings.eligibility else None
        ok = open_t & has_home
        if allowed is not None:
            ok &= np.array([not t.role or t.role in allowed for t in plan.territories], dtype=bool)
        if not np.isfinite(plan.lat[r]):
            why.append("not placed on the map, and no rule names it")
            continue
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

    def words(self, plan: Plan) -> list[str]:
        out = []
        for a, b, rows in self.overlaps:
            out.append(f"{len(rows):,} account(s) meet the rules of both {plan.territories[a].name} and "
                       f"{plan.territories[b].name} equally")
        if len(self.gaps):
            out.append(f"{len(self.gaps):,} account(s) meet no territory's rules")
        return out


def rule_report(plan: Plan) -> RuleReport:
    """Overlaps and gaps over every account of the plan (only when some territory has rules)."""
    table = _rule_table(plan)
    n = plan.n_accounts
    if not table:
        return RuleReport([], np.empty(0, dtype=np.int64))
    hits = np.column_stack([matches(plan, crit) for _t, crit, _s in table])
    specs = np.array([s for _t, _c, s in table])
    top = np.where(hits, specs[None, :], -np.inf).max(axis=1)
    at_top = hits & (specs[None, :] == top[:, None])
    overlaps = []
    for i in range(len(table)):
        for j in range(i + 1, len(table)):
            both = np.flatnonzero(at_top[:, i] & at_top[:, j])
            if len(both):
                overlaps.append((table[i][0], table[j][0], both))
    gaps = np.flatnonzero(~hits.any(axis=1)) if n else np.empty(0, dtype=np.int64)
    return RuleReport(overlaps, gaps)


def rules_frame(plan: Plan) -> pd.DataFrame:
    """Every rule as rows a CRM admin can load: territory, field, operator, value (values comma-separated)."""
    rows = []
    for t in plan.active_territories().tolist():
        for c in criteria_of(plan, t):
            rows.append({"territory": plan.territories[t].name, "field": c.field,
                         "operator": c.operator.replace("_", " "), "value": ",".join(c.values)})
    return pd.DataFrame(rows, columns=["territory", "field", "operator", "value"])


def rules_from_frame(plan: Plan, df: pd.DataFrame, source: str = "rules file",
                     ) -> dict[int, list[dict[str, object]]]:
    """Parse a rules table (as `rules_frame` writes it) into rules per territory index; errors name the row."""
    cols = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in ("territory", "field", "operator", "value") if c not in cols]
    if missing:
        raise RuleError(f"{source}: missing column(s) {', '.join(missing)} (need territory, field, operator, value)")
    out: dict[int, list[dict[str, object]]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        where = f"{source}: row {i + 2}: "
        name = str(rec[cols["territory"]]).strip()
        try:
            t = plan.territory_index(name)
        except KeyError:
            raise RuleError(f"{where}no territory called {name!r}") from None
        crit = Criterion.from_dict({"field": rec[cols["field"]], "operator": rec[cols["operator"]],
                                    "values": str(rec[cols["value"]])}, where)
        out.setdefault(t, []).append(crit.to_dict())
    return out
