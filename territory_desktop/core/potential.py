"""Potential when the export has no potential column: a transparent model from company size.

Company revenue is not what a rep can sell: a $20B bank is not a $20B opportunity. When only size is known,
potential is a price per employee (the default: $150 per employee and year, a typical seat-based wallet)
or, for accounts without an employee count, a share of annual revenue (0.1%, about the same wallet for a
company earning ~$150k per employee), capped per account, with optional multipliers per industry and per
customer status. The model is part of the plan's settings and is printed with its formula wherever the
numbers appear, so a planner can see and change why an account is worth what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.format import money


@dataclass(frozen=True)
class PotentialModel:
    """potential = min(rate × size, cap) × industry multiplier × status multiplier."""

    per_employee: float = 150.0
    revenue_share: float = 0.001
    cap: float = 2_000_000.0
    industry_multipliers: tuple[tuple[str, float], ...] = ()
    status_multipliers: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in ("per_employee", "revenue_share", "cap"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"potential model: {name.replace('_', ' ')} must be a positive number "
                                 f"(got {value!r})")
        for what, pairs in (("industry", self.industry_multipliers), ("status", self.status_multipliers)):
            for key, m in pairs:
                if not (np.isfinite(m) and m >= 0):
                    raise ValueError(f"potential model: the multiplier for {what} {key!r} must be 0 or more")

    def describe(self) -> str:
        """The formula in words: what the import report and the settings page show."""
        text = (f"{money(self.per_employee, 0)} per employee (accounts without an employee count: "
                f"{self.revenue_share * 100:g}% of annual revenue), at most {money(self.cap, 0)} per account")
        if self.industry_multipliers:
            text += ", × " + ", ".join(f"{m:g} for {k}" for k, m in self.industry_multipliers)
        if self.status_multipliers:
            text += ", × " + ", ".join(f"{m:g} for {k}" for k, m in self.status_multipliers)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"per_employee": self.per_employee, "revenue_share": self.revenue_share, "cap": self.cap,
                "industry_multipliers": dict(self.industry_multipliers),
                "status_multipliers": dict(self.status_multipliers)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PotentialModel:
        base = cls()
        return cls(float(d.get("per_employee", base.per_employee)),
                   float(d.get("revenue_share", base.revenue_share)), float(d.get("cap", base.cap)),
                   multipliers(d.get("industry_multipliers") or {}), multipliers(d.get("status_multipliers") or {}))


def multipliers(d: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    """Canonical multiplier pairs: keys compared without case, sorted, so equal settings compare equal."""
    return tuple(sorted((str(k).strip().casefold(), float(v)) for k, v in d.items() if str(k).strip()))


def estimate_potential(employees: np.ndarray, revenue: np.ndarray, industry: np.ndarray, status: np.ndarray,
                       model: PotentialModel) -> tuple[np.ndarray, np.ndarray]:
    """(potential, basis) per account; basis is "employees", "revenue" or "none" (no size: potential 0)."""
    emp = np.asarray(employees, dtype=np.float64)
    rev = np.asarray(revenue, dtype=np.float64)
    by_emp = np.isfinite(emp) & (emp > 0)
    by_rev = ~by_emp & np.isfinite(rev) & (rev > 0)
    value = np.zeros(len(emp))
    value[by_emp] = emp[by_emp] * model.per_employee
    value[by_rev] = rev[by_rev] * model.revenue_share
    value = np.minimum(value, model.cap)
    for pairs, keys in ((model.industry_multipliers, industry), (model.status_multipliers, status)):
        if pairs:
            folded = pd.Series(np.asarray(keys, dtype=object)).fillna("").astype(str).str.strip().str.casefold()
            value *= folded.map(dict(pairs)).fillna(1.0).to_numpy(dtype=np.float64)
    basis = np.where(by_emp, "employees", np.where(by_rev, "revenue", "none")).astype(object)
    return np.round(value, 2), basis
