"""A territory's definition as criteria: the fields and operators a rule may use, their parsing and validation.

Everything here is the rule model alone — what a person (the rules editor, a saved plan, a CRM rules file) writes,
checked and normalised into `Criterion`s, and split the way routing reads it (`TerritoryRule`: named accounts
apart from the rule proper, with its `specificity`). Nothing here looks at the accounts, so matching, routing,
the report and the rules table all build on it without it building on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from territory_desktop.core.plan import Plan

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


def territory_rules(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None) -> list[TerritoryRule]:
    """The definition of every active territory that has one (named accounts and/or a rule)."""
    out = []
    for t in plan.active_territories().tolist():
        tr = split_named(t, criteria_of(plan, t, rules))
        if tr.named or tr.criteria:
            out.append(tr)
    return out
