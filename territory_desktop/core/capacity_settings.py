"""The capacity plan's saved assumptions: book-size norms per role and the headcount inputs.

Plain data with no reference to the plan, so `settings.py` can hold them while `book_norms.py` and
`headcount.py`, which read the plan, build on top (no import circle in the core).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_BOOK_NORMS: dict[str, tuple[int, int]] = {
    "Enterprise": (30, 80), "Mid-Market": (100, 200), "SMB": (200, 500),
}
"""Accounts per rep by segment / role, the industry's rule of thumb (see settings.DEFAULT_HOURS)."""


def default_book_norms() -> tuple[tuple[str, int, int], ...]:
    """DEFAULT_BOOK_NORMS as the settings hold them: (name, low, high) tuples, so settings stay comparable."""
    return tuple((name, lo, hi) for name, (lo, hi) in DEFAULT_BOOK_NORMS.items())


def book_norms_from_dict(d: Any) -> tuple[tuple[str, int, int], ...]:
    """Norms read from a saved {name: [low, high]} mapping; ValueError naming a range that makes no sense."""
    if not isinstance(d, dict):
        raise ValueError("book norms must map a role or segment to [low, high] accounts per rep")
    out: list[tuple[str, int, int]] = []
    for name, pair in d.items():
        try:
            lo, hi = (int(v) for v in pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"book norm for {name!r} must be [low, high] accounts, not {pair!r}") from exc
        if not 0 <= lo <= hi:
            raise ValueError(f"book norm for {name!r} must have 0 ≤ low ≤ high, not {lo}–{hi}")
        if str(name).strip():
            out.append((str(name).strip(), lo, hi))
    return tuple(out)


@dataclass(frozen=True)
class HeadcountSettings:
    """The capacity plan's assumptions, saved with the plan.

    target_utilisation: share of a rep's capacity a plan should fill (0.85 leaves room for new business);
    revenue_target and quota_per_rep: the number and one rep's quota (0 = not planned by quota);
    attainment: share of quota the average rep makes; ramp: productivity of a new hire per quarter since
    starting (1.0 = fully ramped; quarters past the list count as fully ramped).
    """

    target_utilisation: float = 0.85
    revenue_target: float = 0.0
    quota_per_rep: float = 0.0
    attainment: float = 0.9
    ramp: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)

    def __post_init__(self) -> None:
        if not self.target_utilisation > 0:
            raise ValueError(f"target utilisation must be above 0%, not {self.target_utilisation!r}")
        if not self.attainment > 0:
            raise ValueError(f"attainment must be above 0%, not {self.attainment!r}")
        if not (self.revenue_target >= 0 and self.quota_per_rep >= 0):
            raise ValueError("revenue target and quota per rep cannot be negative")
        if not self.ramp or any(not 0 <= r <= 1 for r in self.ramp):
            raise ValueError(f"ramp must list each quarter's productivity between 0 and 1, not {self.ramp!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"target_utilisation": self.target_utilisation, "revenue_target": self.revenue_target,
                "quota_per_rep": self.quota_per_rep, "attainment": self.attainment, "ramp": list(self.ramp)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HeadcountSettings:
        default = cls()
        return cls(
            target_utilisation=float(d.get("target_utilisation", default.target_utilisation)),
            revenue_target=float(d.get("revenue_target", default.revenue_target)),
            quota_per_rep=float(d.get("quota_per_rep", default.quota_per_rep)),
            attainment=float(d.get("attainment", default.attainment)),
            ramp=tuple(float(r) for r in d.get("ramp", default.ramp)),
        )
