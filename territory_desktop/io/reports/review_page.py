"""The quarterly review as one report page: since when, the figures a review meeting reads, and the
territories whose state changed (the same figures as Territories → Quarterly Review… and `review`, from
core/review.py; nothing is recomputed here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import refreshes_in, segment_changes
from territory_desktop.core.review import Review, territory_rows
from territory_desktop.io.reports import style as S
from territory_desktop.io.reports.flow import Flow
from territory_desktop.io.reports.page import Column, Page
from territory_desktop.io.reports.writer import save_pdf

ACCENT = "#2F6FDE"
COLUMNS = (Column("Territory", 2.6), Column("Since the review", 2.4), Column("Detail", 5.0))
STATE_COLORS = {"Left the band since the review": S.BAND_COLORS.get("out"), "Out of band": S.BAND_COLORS.get("out"),
                "Over capacity (new)": S.BAND_COLORS.get("out"), "Over capacity": S.BAND_COLORS.get("near"),
                "Back in band": S.BAND_COLORS.get("in")}
"""(text, fill) of a state cell, in the band colours of the other reports."""


TILED = ("Out of band:", "Over capacity:")
"""Lines of `Review.lines()` the page shows as tiles instead."""


def _by_territory(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One row per territory: a book out of band and over capacity reads "Out of band · Over capacity"."""
    merged: dict[str, tuple[list[str], list[str]]] = {}
    for name, state, detail in rows:
        states, details = merged.setdefault(name, ([], []))
        states.append(state)
        details.append(detail)
    return [(name, " · ".join(st), "; ".join(d for d in de if d)) for name, (st, de) in merged.items()]


def _date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d:%Y}"


def build_review_page(plan: Plan, found: Review, title: str, date: dt.date | None = None) -> list[Page]:
    """The review's page (a long list of territories continues on a second)."""
    today = date or dt.date.today()
    since = (f"since the review of {found.since.at[:10]} by {found.since.user}" if found.since
             else "since the plan was made (no review marked yet)")
    page = Page(S.LETTER_LANDSCAPE)
    y = page.title_block("Quarterly review", f"{title}  ·  {since}", ["Quarterly review", f"Prepared {_date(today)}"],
                         ACCENT)
    refreshes = refreshes_in(found.edits)
    seg = sum(segment_changes(e) for e in refreshes)
    moved = len(found.moved_rows)
    tiles = [
        ("Out of band", f"{len(found.out_of_band)} of {found.territories}",
         f"{len(found.left_band)} new since the review" if found.since else "territories", len(found.out_of_band) > 0),
        ("Back in band", f"{len(found.back_in_band)}", "territories", False),
        ("Over capacity", f"{len(found.over_capacity)}",
         f"{len(found.new_over_capacity)} new" if found.since else "territories", len(found.over_capacity) > 0),
        ("Accounts moved", f"{moved:,}", f"of a budget of {found.budget:,}" if found.budget > 0 else "no budget set",
         found.budget > 0 and moved > found.budget),
        ("Changed segment", f"{seg:,}", f"in {len(refreshes)} CRM refresh{'' if len(refreshes) == 1 else 'es'}", False),
        ("Unassigned", f"{len(found.unassigned_rows):,}", f"{found.untouched:,} untouched 90+ days", False),
    ]
    w = (page.width - 2 * S.MARGIN - 0.15 * (len(tiles) - 1)) / len(tiles)
    for i, (caption, value, note, bad) in enumerate(tiles):
        page.tile(S.MARGIN + i * (w + 0.15), y, w, caption, value, note, color="#B3261E" if bad else S.INK)
    y += 0.95

    def head(pg: Page) -> float:
        pg.rect(0, 0, pg.width, 0.08, ACCENT)
        pg.text(S.MARGIN, 0.45, f"{title}  ·  quarterly review", size=S.BODY_SIZE + 1, weight="bold")
        pg.line(S.MARGIN, pg.width - S.MARGIN, 0.58)
        return 0.65

    flow = Flow(S.LETTER_LANDSCAPE, head)
    flow.bottom = page.height - 0.6  # the footer sits at 0.35 in from the edge: one page for 25 territories
    flow.add_page(page, y)
    said = [line for line in found.lines() if not line.startswith(TILED)]  # the tiles already say those
    for i in range(0, len(said), 2):  # two sentences a line: the territories' table is what needs the room
        flow.line("   ".join(said[i:i + 2]), S.INK)
    rows = _by_territory(territory_rows(found))
    flow.heading("Territories", "Those that left their band or capacity since the review, stay out, came back, or "
                 "wait for a hire." if rows else "Every territory is where it was at the review.")
    if rows:
        colors = {(i, 1): STATE_COLORS[state.split(" · ")[0]] for i, (_n, state, _d) in enumerate(rows)
                  if STATE_COLORS.get(state.split(" · ")[0])}
        flow.table(COLUMNS, [list(r) for r in rows], "Territories", row_h=0.18, cell_colors=colors)
    return flow.finish(f"{title}  ·  quarterly review  ·  prepared {_date(today)}")


def write_review_pdf(plan: Plan, found: Review, path: Path, title: str, date: dt.date | None = None) -> None:
    """The review page as a PDF at `path` (OSError when it cannot be written)."""
    pages = build_review_page(plan, found, title, date)
    save_pdf(pages, Path(path), f"Quarterly review — {title}", "Quarterly territory review", lambda: None)
