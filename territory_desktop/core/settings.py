"""What "balanced" means for a plan: measures, tolerance bands, weights and the workload model.

Defaults follow industry practice: the primary metric (potential) within ±15% of the mean, secondary metrics
(account count, workload) within ±30%, workload within each rep's capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from territory_desktop.core.capacity_settings import (
    HeadcountSettings,
    book_norms_from_dict,
    default_book_norms,
)
from territory_desktop.core.potential import PotentialModel
from territory_desktop.core.score import ScoreModel
from territory_desktop.core.segments import SegmentRules

ACCOUNTS = "accounts"
WORKLOAD = "workload"

DEFAULT_HOURS = {"SMB": 4.5, "Mid-Market": 7.0, "Enterprise": 22.0}
DEFAULT_VISITS = {"SMB": 0.0, "Mid-Market": 1.0, "Enterprise": 2.0}
"""Service hours and on-site visits per account and year, set so that a book in the middle of the norm for
the role fills a rep's 1,600 h year (DEFAULT_CAPACITY_HOURS): 350 SMB accounts (served remotely, no travel)
× 4.5 h = 98%; 150 Mid-Market × (7 h + one visit ~100 km away, 3.6 h) = 99%; 55 Enterprise × (22 h + two
such visits) = 100%. Norms: SMB 200–500, Mid-Market 100–200, Enterprise 30–80 accounts per rep."""
DEFAULT_CAPACITY_HOURS = 1600.0
"""A rep's selling hours per year when the reps file does not say (about 46 weeks × 35 h)."""


@dataclass(frozen=True)
class WorkloadModel:
    """Hours a rep spends on an account per year: servicing by segment plus travel from the rep's home.

    Travel = round-trip road distance (great circle × circuity) ÷ speed, at most `max_trip_hours` per visit
    (beyond a day's drive the rep flies: the visit costs a day, not a week), × visits per year.
    """

    hours_by_segment: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    default_hours: float = 7.0
    visits_by_segment: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_VISITS))
    default_visits: float = 1.0
    speed_kmh: float = 70.0
    circuity: float = 1.25
    max_trip_hours: float = 8.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "hours_by_segment": dict(self.hours_by_segment), "default_hours": self.default_hours,
            "visits_by_segment": dict(self.visits_by_segment), "default_visits": self.default_visits,
            "speed_kmh": self.speed_kmh, "circuity": self.circuity, "max_trip_hours": self.max_trip_hours,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WorkloadModel:
        return cls(
            hours_by_segment={str(k): float(v) for k, v in d.get("hours_by_segment", DEFAULT_HOURS).items()},
            default_hours=float(d.get("default_hours", 7.0)),
            visits_by_segment={str(k): float(v) for k, v in d.get("visits_by_segment", DEFAULT_VISITS).items()},
            default_visits=float(d.get("default_visits", 1.0)),
            speed_kmh=float(d.get("speed_kmh", 70.0)),
            circuity=float(d.get("circuity", 1.25)),
            max_trip_hours=float(d.get("max_trip_hours", 8.0)),
        )


@dataclass(frozen=True)
class BalancedMeasure:
    """One measure the plan is balanced on, with its tolerance band (0.15 = ±15% of the mean)."""

    measure: str
    band: float
    weight: float = 1.0
    primary: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "band": self.band, "weight": self.weight, "primary": self.primary}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BalancedMeasure:
        return cls(str(d["measure"]), float(d["band"]), float(d.get("weight", 1.0)), bool(d.get("primary", False)))


def _default_measures() -> tuple[BalancedMeasure, ...]:
    return (
        BalancedMeasure("potential", 0.15, 1.0, primary=True),
        BalancedMeasure(ACCOUNTS, 0.30, 0.5),
        BalancedMeasure(WORKLOAD, 0.30, 0.5),
    )


@dataclass(frozen=True)
class BalanceSettings:
    """The balance rules of a plan. Immutable: an edit swaps the whole object, so undo is a plain swap."""

    measures: tuple[BalancedMeasure, ...] = field(default_factory=_default_measures)
    workload: WorkloadModel = field(default_factory=WorkloadModel)
    near_fraction: float = 0.8
    """A territory is "near" the edge of a band once |deviation| exceeds this fraction of the band."""
    capacity_hard: bool = True
    pipeline_lock_threshold: float = 0.0
    """Accounts with open pipeline above this stay put when the solver suggests moves (0 = any open deal)."""
    allow_pipeline_moves: bool = False
    balance_within_role: bool = True
    """Compare each territory with its peers (same rep role) rather than with every territory."""
    eligibility: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Segment -> rep roles allowed to own its accounts (e.g. Enterprise only to Enterprise AEs). A segment not
    named goes anywhere; a territory without a role takes any segment. Tuples, so settings stay comparable."""
    segment_rules: SegmentRules = field(default_factory=SegmentRules)
    """How accounts without a segment column are segmented (and re-segmented) by size."""
    potential_model: PotentialModel = field(default_factory=PotentialModel)
    """How potential was estimated for an export without a potential column (shown with its formula)."""
    score_model: ScoreModel = field(default_factory=ScoreModel)
    """How the account score and A/B/C tiers are made when the export has no score column."""
    book_norms: tuple[tuple[str, int, int], ...] = field(default_factory=default_book_norms)
    """(role or segment, low, high) accounts per rep; a territory's norm is found by its role (book_norms)."""
    headcount: HeadcountSettings = field(default_factory=HeadcountSettings)
    """The capacity plan's assumptions: target utilisation, revenue target, quota, attainment, ramp."""
    copilot_min_gain: float = 0.005
    """What a co-pilot suggestion that fixes no band or capacity must improve the balance by, per account moved
    (in the solver's badness units, whose in-band part is 0.1 × deviation²: 0.005 is about what bringing an
    in-band territory from +22% to its peer mean is worth). 0 = offer every move of the solver's plan."""
    quota_share: float = 0.3
    """Suggested quota as a share of a territory's potential (quota.suggest_quotas)."""
    copilot_change_budget: float = 0.05
    """The co-pilot's list moves at most this share of the plan's accounts in all (0 = no budget): the
    playbook's "few changes between reviews", visible in the dock."""
    balance_within_region: bool = False
    """Judge balance among the territories of the same region (with `balance_within_role`: same region and role)."""
    lock_rules: tuple[tuple[str, str, str, str], ...] = ()
    keep_connected: bool = True
    """When the plan carries an adjacency (`Plan.adjacency`), every territory stays one connected piece of the map:
    the co-pilot never suggests a move that cuts one. Without an adjacency it means nothing."""
    """Locks kept as rules, (rule name, field, operator, value) rows; rows of one name must all match
    (core/lock_rules.py). New accounts that match are locked too."""

    def allowed_roles(self, segment: str) -> tuple[str, ...] | None:
        """Roles that may own accounts of `segment`, or None when no rule restricts it."""
        for seg, roles in self.eligibility:
            if seg == segment:
                return roles
        return None

    def with_eligibility(self, rules: dict[str, Any]) -> BalanceSettings:
        """These settings with eligibility `rules` (segment -> roles; an empty list removes the segment's rule)."""
        return replace(self, eligibility=eligibility_rules(rules))

    @property
    def primary(self) -> BalancedMeasure:
        for m in self.measures:
            if m.primary:
                return m
        return self.measures[0]

    def with_measures(self, measures: tuple[BalancedMeasure, ...]) -> BalanceSettings:
        return replace(self, measures=measures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "measures": [m.to_dict() for m in self.measures], "workload": self.workload.to_dict(),
            "near_fraction": self.near_fraction, "capacity_hard": self.capacity_hard,
            "pipeline_lock_threshold": self.pipeline_lock_threshold,
            "allow_pipeline_moves": self.allow_pipeline_moves,
            "balance_within_role": self.balance_within_role,
            "eligibility": {seg: list(roles) for seg, roles in self.eligibility},
            "segment_rules": self.segment_rules.to_dict(), "potential_model": self.potential_model.to_dict(),
            "score_model": self.score_model.to_dict(),
            "book_norms": {name: [lo, hi] for name, lo, hi in self.book_norms},
            "headcount": self.headcount.to_dict(), "quota_share": self.quota_share,
            "copilot_min_gain": self.copilot_min_gain,
            "copilot_change_budget": self.copilot_change_budget,
            "balance_within_region": self.balance_within_region,
            "lock_rules": [list(r) for r in self.lock_rules],
            "keep_connected": self.keep_connected,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BalanceSettings:
        measures = tuple(BalancedMeasure.from_dict(m) for m in d.get("measures", []))
        return cls(
            measures=measures or _default_measures(),
            workload=WorkloadModel.from_dict(d.get("workload", {})),
            near_fraction=float(d.get("near_fraction", 0.8)),
            capacity_hard=bool(d.get("capacity_hard", True)),
            pipeline_lock_threshold=float(d.get("pipeline_lock_threshold", 0.0)),
            allow_pipeline_moves=bool(d.get("allow_pipeline_moves", False)),
            balance_within_role=bool(d.get("balance_within_role", True)),
            eligibility=eligibility_rules(d.get("eligibility") or {}),
            segment_rules=SegmentRules.from_dict(d.get("segment_rules") or {}),
            potential_model=PotentialModel.from_dict(d.get("potential_model") or {}),
            score_model=ScoreModel.from_dict(d.get("score_model") or {}),
            book_norms=book_norms_from_dict(d["book_norms"]) if "book_norms" in d else default_book_norms(),
            headcount=HeadcountSettings.from_dict(d.get("headcount") or {}),
            quota_share=float(d.get("quota_share", 0.3)),
            copilot_min_gain=float(d.get("copilot_min_gain", 0.005)),
            copilot_change_budget=float(d.get("copilot_change_budget", 0.05)),
            balance_within_region=bool(d.get("balance_within_region", False)),
            lock_rules=_lock_rule_rows(d.get("lock_rules") or []),
            keep_connected=bool(d.get("keep_connected", True)),
        )


def eligibility_rules(rules: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Canonical form of segment -> roles rules: sorted, without duplicates or empty rules, so two dialogs
    that tick the same boxes give equal settings (and an unchanged dialog adds no undo step)."""
    if not isinstance(rules, dict):
        raise ValueError("eligibility rules must map a segment to a list of rep roles")
    out: list[tuple[str, tuple[str, ...]]] = []
    for seg, roles in rules.items():
        if isinstance(roles, str) or not hasattr(roles, "__iter__"):
            raise ValueError(f"eligibility rule for segment {seg!r} must list rep roles, not {roles!r}")
        clean = tuple(sorted({str(r) for r in roles if str(r).strip()}))
        if clean:
            out.append((str(seg), clean))
    return tuple(sorted(out))


def _lock_rule_rows(rows: Any) -> tuple[tuple[str, str, str, str], ...]:
    """Lock rules as saved (lists of four strings); anything else is refused with the row it is in."""
    if not isinstance(rows, list):
        raise ValueError("lock_rules must be a list of [name, field, operator, value] rows")
    out = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, (list, tuple)) or len(row) != 4:
            raise ValueError(f"lock rule {i} must be [name, field, operator, value], not {row!r}")
        out.append(tuple(str(x) for x in row))
    return tuple(out)
