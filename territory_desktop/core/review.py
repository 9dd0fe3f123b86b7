"""The quarterly review: what changed since the last review, and the mark that says a review was done.

The playbook reviews territories every quarter with stability rules ("few changes between reviews"). A review
asks: which edits were made since the last one (the audit trail), which accounts moved (each account's last
move is stamped in its change notes), which territories left their band or went over capacity since then,
which books are vacant, which accounts are unassigned or untouched for 90 days, and how much of the change
budget (`BalanceSettings.copilot_change_budget`) the quarter has used.

The mark is an edit, `MarkReviewDone`, so it is undoable, journaled and makes the plan "modified"; `Plan.apply`
records it in the audit trail (kind "review_mark"), which is saved with the plan, so the next review starts
there after save / open without any change to the project file. Its reason is a sentence a person reads in
Plan History, ending with the territories out of band and over capacity at the review by index ("[out 3,7 |
over 2]": territory indices never change, removed ones keep their slot), which is what "left the band since the
review" is judged against. An undone mark no longer counts; a redone one counts with its first time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.activity import UNTOUCHED_DAYS, untouched_mask
from territory_desktop.core.audit import EDIT, REDO, UNDO, AuditEntry
from territory_desktop.core.band_words import deviation_phrase
from territory_desktop.core.edits import Edit
from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import refreshes_in, segment_changes
from territory_desktop.core.vacancy import vacant_territories
from territory_desktop.core.wording import counted

REVIEW_LABEL = "Quarterly review done"
MARK_KIND, UNMARK_KIND = "review_mark", "review_unmark"
_STATE = re.compile(r"\[out ([0-9,]*) \| over ([0-9,]*)\]\s*$")
NO_REASON = "No reason given"


def _indices(text: str) -> frozenset[int]:
    return frozenset(int(x) for x in text.split(",") if x.strip().isdigit())


@dataclass(frozen=True)
class ReviewMark:
    """A review as the audit trail remembers it: when, by whom, and the territories out of band / over
    capacity then (indices). `position` is the entry's place in the trail: edits after it are "since"."""

    at: str
    user: str
    position: int
    summary: str
    out_of_band: frozenset[int] = frozenset()
    over_capacity: frozenset[int] = frozenset()

    @staticmethod
    def of(entry: AuditEntry, position: int) -> ReviewMark:
        m = _STATE.search(entry.reason)
        out, over = (_indices(m.group(1)), _indices(m.group(2))) if m else (frozenset(), frozenset())
        summary = entry.reason[: m.start()].rstrip() if m else entry.reason
        return ReviewMark(entry.at, entry.user, position, summary, out, over)


def review_marks(audit: list[AuditEntry]) -> list[ReviewMark]:
    """The reviews in effect, oldest first: marks undone (and not redone) are dropped (module docstring)."""
    marks: list[ReviewMark] = []
    undone: list[ReviewMark] = []
    for i, e in enumerate(audit):
        if e.kind == MARK_KIND and e.action in (EDIT, REDO):
            marks.append(undone.pop() if e.action == REDO and undone else ReviewMark.of(e, i))
        elif e.kind == UNMARK_KIND and e.action == UNDO and marks:
            undone.append(marks.pop())
        elif e.action == EDIT:  # a new edit clears the undo stack's redo side
            undone.clear()
    return marks


def last_review(plan: Plan) -> ReviewMark | None:
    """The last review in effect, or None when the plan was never reviewed."""
    marks = review_marks(plan.audit)
    return marks[-1] if marks else None


@dataclass(frozen=True)
class TerritoryNote:
    """A territory the review names, with what to say about it ("+21.4% (out)", "112% of capacity")."""

    territory: int
    name: str
    detail: str


@dataclass(frozen=True)
class Review:
    """What changed since `since` (None: never reviewed, so since the plan was made) and where the plan stands."""

    since: ReviewMark | None
    edits: list[AuditEntry]
    moved_rows: np.ndarray
    moved_by_reason: list[tuple[str, int]]
    out_of_band: list[TerritoryNote]
    left_band: list[TerritoryNote]
    back_in_band: list[TerritoryNote]
    over_capacity: list[TerritoryNote]
    new_over_capacity: list[TerritoryNote]
    vacant: list[TerritoryNote]
    unassigned_rows: np.ndarray
    untouched: int
    budget: int
    """Accounts the change budget allows between reviews (0 = no budget set)."""
    territories: int
    accounts: int
    edit_kinds: list[tuple[str, int]] = field(default_factory=list)

    @property
    def budget_left(self) -> int | None:
        return None if self.budget <= 0 else max(self.budget - len(self.moved_rows), 0)

    def lines(self) -> list[str]:
        """The review in sentences: the dialog's summary and `review` without --json."""
        since = f"since the review of {self.since.at[:10]} by {self.since.user}" if self.since else \
            "since the plan was made (no review marked yet)"
        users = Counter(e.user for e in self.edits)
        who = ", ".join(f"{u} {n:,}" for u, n in users.most_common(4))
        out = [f"{counted(len(self.edits), 'edit')} {since}" + (f" ({who})." if who else ".")]
        moved = len(self.moved_rows)
        out.append(f"{counted(moved, 'account')} moved"
                   + (": " + "; ".join(f"{r} {n:,}" for r, n in self.moved_by_reason[:4]) if moved else "") + ".")
        if self.budget > 0:
            out.append(f"Change budget: {moved:,} of {self.budget:,} accounts used, {self.budget_left:,} left.")
        out.append(f"Out of band: {len(self.out_of_band)} of {self.territories} territories"
                   + (f", {len(self.left_band)} of them new since the review" if self.since else "")
                   + (f"; {len(self.back_in_band)} back in band" if self.back_in_band else "") + ".")
        out.append(f"Over capacity: {len(self.over_capacity)}"
                   + (f" ({len(self.new_over_capacity)} new)" if self.since and self.over_capacity else "") + ".")
        if self.vacant:
            out.append(f"Vacant until the hire: {', '.join(v.name for v in self.vacant)}.")
        refreshes = refreshes_in(self.edits)
        if refreshes:
            seg = sum(segment_changes(e) for e in refreshes)
            n = len(refreshes)
            out.append(f"{counted(seg, 'account')} changed segment in {n} CRM refresh{'' if n == 1 else 'es'}.")
        out.append(f"{counted(len(self.unassigned_rows), 'account')} unassigned; "
                   f"{self.untouched:,} untouched for {UNTOUCHED_DAYS}+ days.")
        return out

    def to_dict(self) -> dict[str, Any]:
        """The figures for `review --json` (rows as account ids are added by the caller, who has the plan)."""
        def notes(items: list[TerritoryNote]) -> list[dict[str, Any]]:
            return [{"territory": n.name, "detail": n.detail} for n in items]
        return {
            "since": None if self.since is None else {"at": self.since.at, "by": self.since.user,
                                                        "summary": self.since.summary},
            "edits": len(self.edits), "edit_kinds": dict(self.edit_kinds),
            "moved": len(self.moved_rows), "moved_by_reason": dict(self.moved_by_reason),
            "budget": self.budget, "budget_left": self.budget_left,
            "out_of_band": notes(self.out_of_band), "left_band": notes(self.left_band),
            "back_in_band": notes(self.back_in_band), "over_capacity": notes(self.over_capacity),
            "new_over_capacity": notes(self.new_over_capacity), "vacant": notes(self.vacant),
            "unassigned": len(self.unassigned_rows), "untouched": self.untouched,
            "territories": self.territories, "accounts": self.accounts,
        }


LAST = "last"


def review(plan: Plan, since: ReviewMark | None | str = LAST) -> Review:
    """The review of `plan` against `since` (LAST: its last review; None: since the plan was made)."""
    mark = last_review(plan) if isinstance(since, str) else since
    start = mark.position + 1 if mark else 0
    edits = [e for e in plan.audit[start:] if e.kind not in (MARK_KIND, UNMARK_KIND)]
    if mark is None:
        moved = np.flatnonzero(plan.assignment != plan.baseline)
    else:
        at = plan.notes.at.astype(str)  # ISO UTC stamps sort as text; they are to the second, so a move in
        after = at > mark.at  # the mark's own second counts when a reassigning edit follows the mark
        if any(e.accounts and e.at == mark.at for e in plan.audit[mark.position + 1:]):
            after |= at == mark.at
        moved = np.flatnonzero(after)
    reasons = Counter(_reason_kind(r) for r in plan.notes.reason[moved].tolist())
    table = kpis.territory_table(plan)
    s = plan.settings
    primary = s.primary
    names = {int(t): plan.territories[int(t)].name for t in table.index}

    def dev_note(t: int) -> TerritoryNote:
        """The measure furthest outside its band, as "potential +21.4% (out)"."""
        worst = max(s.measures, key=lambda m: abs(float(table.at[t, f"dev_{m.measure}"])) / max(m.band, 1e-9))
        dev = float(table.at[t, f"dev_{worst.measure}"])
        return TerritoryNote(t, names[t], f"{worst.measure} {deviation_phrase(dev, worst.band, s.near_fraction)}")

    def cap_note(t: int) -> TerritoryNote:
        return TerritoryNote(t, names[t], f"{float(table.at[t, 'utilisation']):.0%} of capacity")

    out = [int(t) for t in table.index[~table["in_band"].to_numpy(dtype=bool)]]
    over = [int(t) for t in table.index[table["over_capacity"].to_numpy(dtype=bool)]]
    out.sort(key=lambda t: -abs(float(table.at[t, f"dev_{primary.measure}"])))
    was_out = mark.out_of_band if mark else frozenset()
    was_over = mark.over_capacity if mark else frozenset()
    active = set(names)
    budget = round(s.copilot_change_budget * plan.n_accounts) if s.copilot_change_budget > 0 else 0
    return Review(
        since=mark, edits=edits, moved_rows=moved, moved_by_reason=reasons.most_common(),
        out_of_band=[dev_note(t) for t in out],
        left_band=[dev_note(t) for t in out if t not in was_out] if mark else [],
        back_in_band=[TerritoryNote(t, names[t], "in band") for t in sorted(was_out & active) if t not in out],
        over_capacity=[cap_note(t) for t in over],
        new_over_capacity=[cap_note(t) for t in over if t not in was_over] if mark else [],
        vacant=[TerritoryNote(t, plan.territories[t].name, f"{int(plan.kpis.counts[t]):,} accounts")
                for t in vacant_territories(plan)],
        unassigned_rows=np.flatnonzero(plan.assignment < 0), untouched=int(untouched_mask(plan).sum()),
        budget=budget, territories=len(table), accounts=plan.n_accounts,
        edit_kinds=Counter(e.kind or "other" for e in edits if e.action == EDIT).most_common(),
    )


def _reason_kind(reason: str) -> str:
    """ "Co-pilot: West is 21% over ..." -> "Co-pilot": moves grouped by what sent them."""
    reason = str(reason).strip()
    if not reason:
        return NO_REASON
    head = reason.split(":", 1)[0].strip()
    return head if len(head) <= 40 else head[:39] + "…"


# ----- the mark -------------------------------------------------------------------------------------------
@dataclass
class MarkReviewDone(Edit):
    """Record that the plan was reviewed (changes nothing else): `summary` in words plus the territories out of
    band and over capacity now, which the next review compares with. Undo takes the mark back."""

    summary: str
    out_of_band: tuple[int, ...] = ()
    over_capacity: tuple[int, ...] = ()
    label: str = REVIEW_LABEL
    kind: ClassVar[str] = MARK_KIND

    def apply_to(self, plan: Plan) -> Edit:
        return _UnmarkReview(self)

    def audit_reason(self) -> str:
        state = f"[out {','.join(map(str, self.out_of_band))} | over {','.join(map(str, self.over_capacity))}]"
        return f"{self.summary} {state}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "summary": self.summary, "out_of_band": list(self.out_of_band),
                "over_capacity": list(self.over_capacity), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        def ints(v: Any) -> tuple[int, ...]:
            if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0
                                                  for x in v):
                raise ValueError("a review mark's territories must be a list of indices")
            return tuple(v)
        summary = d.get("summary", "")
        if not isinstance(summary, str):
            raise ValueError("a review mark's summary must be text")
        return cls(summary, ints(d.get("out_of_band", [])), ints(d.get("over_capacity", [])),
                   str(d.get("label", REVIEW_LABEL)))


@dataclass
class _UnmarkReview(Edit):
    """The inverse of a review mark: recorded as an undo of it; redo brings the same mark back."""

    mark: MarkReviewDone
    label: str = REVIEW_LABEL
    kind: ClassVar[str] = UNMARK_KIND

    def apply_to(self, plan: Plan) -> Edit:
        return self.mark

    def audit_reason(self) -> str:
        return self.mark.audit_reason()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "mark": self.mark.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        mark = d.get("mark")
        if not isinstance(mark, dict):
            raise ValueError("a review unmark record needs its mark")
        return cls(MarkReviewDone._from_dict(mark), str(d.get("label", REVIEW_LABEL)))  # type: ignore[arg-type]


def mark_review_done(plan: Plan, found: Review | None = None) -> MarkReviewDone:
    """The edit that marks the review of `plan` done now, remembering where it stands for the next one."""
    r = found or review(plan)
    summary = (f"Reviewed {r.territories} territories: {len(r.out_of_band)} out of band, {len(r.over_capacity)} "
               f"over capacity, {len(r.vacant)} vacant; {counted(len(r.moved_rows), 'account')} "
               f"moved and {counted(len(r.edits), 'edit')} since the last review.")
    return MarkReviewDone(summary, tuple(n.territory for n in r.out_of_band),
                          tuple(n.territory for n in r.over_capacity))


def territory_rows(found: Review) -> list[tuple[str, str, str]]:
    """(territory, state since the review, detail): what left the band, stays out, went over capacity, came
    back in band and is vacant; the drift a reviewer acts on, worst first (as the dialog's Territories tab)."""
    left = {n.territory for n in found.left_band}
    new_over = {n.territory for n in found.new_over_capacity}
    since = found.since is not None

    def state(n: TerritoryNote, new: set[int], fresh: str, old: str) -> str:
        return fresh if since and n.territory in new else old

    rows = [(n.name, state(n, left, "Left the band since the review", "Out of band"), n.detail)
            for n in found.out_of_band]
    rows += [(n.name, state(n, new_over, "Over capacity (new)", "Over capacity"), n.detail)
             for n in found.over_capacity]
    rows += [(n.name, "Back in band", "was out at the review") for n in found.back_in_band]
    rows += [(n.name, "Vacant until the hire", n.detail) for n in found.vacant]
    return rows
