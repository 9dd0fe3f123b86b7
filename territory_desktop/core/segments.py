"""Segment rules: SMB / Mid-Market / Enterprise from company size when the export has no segment column.

Industry practice sizes by employee count where the CRM has it (SMB < 100, Mid-Market 100–999, Enterprise
≥ 1,000) and by annual revenue otherwise (SMB < $50M, Mid-Market $50M–$1B, Enterprise ≥ $1B). Each account
is sized by the first of the two it has; the rules are part of the plan's settings, so a planner can change
them and re-segment (one undoable edit) when "Enterprise" means something else in their market.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from territory_desktop.core.format import money

SMB, MID_MARKET, ENTERPRISE = "SMB", "Mid-Market", "Enterprise"
SEGMENTS = (SMB, MID_MARKET, ENTERPRISE)


@dataclass(frozen=True)
class SegmentRules:
    """Size thresholds: an account is Mid-Market from the first, Enterprise from the second (inclusive)."""

    mid_market_employees: float = 100
    enterprise_employees: float = 1000
    mid_market_revenue: float = 50e6
    enterprise_revenue: float = 1e9

    def __post_init__(self) -> None:
        for low, high, what in ((self.mid_market_employees, self.enterprise_employees, "employees"),
                                (self.mid_market_revenue, self.enterprise_revenue, "annual revenue")):
            if not (np.isfinite(low) and np.isfinite(high) and 0 < low < high):
                raise ValueError(f"segment rules by {what}: Mid-Market must start above 0 and below "
                                 f"Enterprise (got {low:g} and {high:g})")

    def describe(self) -> str:
        """The rules in a planner's words, for the import report and the settings page."""
        e1, e2 = int(self.mid_market_employees), int(self.enterprise_employees)
        r1, r2 = money(self.mid_market_revenue, 0), money(self.enterprise_revenue, 0)
        return (f"by employees: SMB < {e1:,}, Mid-Market {e1:,}–{e2 - 1:,}, Enterprise ≥ {e2:,}; "
                f"else by annual revenue: SMB < {r1}, Mid-Market {r1}–{r2}, Enterprise ≥ {r2}")

    def to_dict(self) -> dict[str, Any]:
        return {"mid_market_employees": self.mid_market_employees,
                "enterprise_employees": self.enterprise_employees,
                "mid_market_revenue": self.mid_market_revenue, "enterprise_revenue": self.enterprise_revenue}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SegmentRules:
        base = cls()
        return cls(*(float(d.get(k, getattr(base, k))) for k in
                     ("mid_market_employees", "enterprise_employees", "mid_market_revenue", "enterprise_revenue")))


def segment_by_size(employees: np.ndarray, revenue: np.ndarray,
                    rules: SegmentRules) -> tuple[np.ndarray, np.ndarray]:
    """(segment, basis) per account; basis is "employees", "revenue" or "none" (no size known: SMB, the
    lightest service model, so an unknown account never inflates workload)."""
    emp = np.asarray(employees, dtype=np.float64)
    rev = np.asarray(revenue, dtype=np.float64)
    by_emp = np.isfinite(emp) & (emp >= 0)
    by_rev = ~by_emp & np.isfinite(rev) & (rev >= 0)
    seg = np.full(len(emp), SMB, dtype=object)
    e, r = np.where(by_emp, emp, -1.0), np.where(by_rev, rev, -1.0)
    seg[by_emp & (e >= rules.mid_market_employees)] = MID_MARKET
    seg[by_emp & (e >= rules.enterprise_employees)] = ENTERPRISE
    seg[by_rev & (r >= rules.mid_market_revenue)] = MID_MARKET
    seg[by_rev & (r >= rules.enterprise_revenue)] = ENTERPRISE
    basis = np.where(by_emp, "employees", np.where(by_rev, "revenue", "none")).astype(object)
    return seg, basis


def segment_counts(segments: np.ndarray) -> dict[str, int]:
    """Accounts per segment, the standard three first (for the import summary)."""
    names, counts = np.unique(np.asarray(segments, dtype=object).astype(str), return_counts=True)
    found = dict(zip(names.tolist(), counts.tolist(), strict=True))
    ordered = {s: found.pop(s) for s in SEGMENTS if s in found}
    return {**ordered, **dict(sorted(found.items()))}
