"""One rep's territory book: the PDF a sales leader hands a rep with their new territory.

Page 1 is the territory at a glance (title block, figure tiles, the map, workload against capacity, the changes
against the baseline, the rep against their peers); then the accounts joining and leaving with their reasons,
then the whole book, largest potential first, on as many pages as it needs.
"""

from __future__ import annotations

from collections.abc import Callable

from territory_desktop.core import format as fmt
from territory_desktop.core.plan import Plan
from territory_desktop.io.reports import charts, maps
from territory_desktop.io.reports import style as S
from territory_desktop.io.reports.flow import Flow
from territory_desktop.io.reports.page import Column, Page
from territory_desktop.io.reports.tables import (
    Moves,
    ReportContext,
    account_list,
    label,
    measure_text,
    moves,
    peer_rows,
    peers_of,
    workload_summary,
)

PEER_COLUMNS = (Column("Measure", 1.35), Column("Yours", 1.0, "right"), Column("Peer target", 1.0, "right"),
                Column("Deviation", 0.85, "right"), Column("Band", 1.15, "center"), Column("Rank", 0.7, "center"),
                Column("Peer range", 1.45, "right"))
MOVE_COLUMNS = (Column("Account", 1.75), Column("City", 1.15), Column("{}", 1.35), Column("Potential", 0.7, "right"),
                Column("Pipeline", 0.7, "right"), Column("Reason", 1.85))
BOOK_COLUMNS = (Column("#", 0.35, "right"), Column("Account", 1.7), Column("Account ID", 1.2), Column("City", 1.05),
                Column("St", 0.3), Column("Segment", 0.75), Column("Tier", 0.35, "center"),
                Column("Potential", 0.7, "right"), Column("Pipeline", 0.65, "right"), Column("Note", 0.45))
BOOK_ROW = 0.19
SHORT_BAND = {"in": "In", "near": "Near edge", "out": "Out"}


def _subtitle(ctx: ReportContext, t: int) -> str:
    terr = ctx.plan.territories[t]
    parts = [terr.rep or "Open seat (no rep)", terr.role, terr.region]
    return "  ·  ".join(p for p in parts if p)


def _date(ctx: ReportContext) -> str:
    return f"{ctx.date:%B} {ctx.date.day}, {ctx.date.year}"


def build_rep_book(ctx: ReportContext, p: maps.Projected, t: int,
                   tick: Callable[[], None] = lambda: None) -> list[Page]:
    """The pages of territory t's book (footed, ready to save). `tick` is called between pages."""
    plan = ctx.plan
    terr = plan.territories[t]
    mv = moves(plan, t)
    page = Page(S.LETTER)
    y = page.title_block(terr.name, _subtitle(ctx, t),
                         ["Territory book", f"Plan: {ctx.plan_name}", f"Prepared {_date(ctx)}"], terr.color)
    _first_page(page, ctx, p, t, mv, y)
    tick()

    def head(pg: Page) -> float:
        pg.rect(0, 0, pg.width, 0.08, terr.color)
        pg.text(S.MARGIN, 0.45, f"{terr.name}  ·  {terr.rep or 'Open seat'}", size=S.BODY_SIZE + 1, weight="bold")
        pg.text(pg.width - S.MARGIN, 0.45, f"Territory book  ·  {_date(ctx)}", size=S.SMALL_SIZE, color=S.MUTED,
                ha="right")
        pg.line(S.MARGIN, pg.width - S.MARGIN, 0.58)
        return 0.65

    flow = Flow(S.LETTER, head)
    flow.pages.append(page)
    flow.add_page()
    _moves_section(flow, mv, "in", tick)
    _moves_section(flow, mv, "out", tick)
    book = account_list(plan, t)
    flow.heading("Account list", f"{len(book):,} accounts, largest potential first · potential "
                 f"{fmt.money(float(book['potential'].sum()))} · open pipeline "
                 f"{fmt.money(float(book['pipeline'].sum()))}")
    rows = [[f"{i + 1:,}", r.name, r.account_id, r.city, r.state, r.segment, r.tier,
             fmt.money(r.potential), fmt.money(r.pipeline) if r.pipeline else "", r.note]
            for i, r in enumerate(book.itertuples(index=False))]
    if rows:
        flow.table(BOOK_COLUMNS, rows, "Account list", row_h=BOOK_ROW, on_page=tick)
    else:
        flow.line("This territory holds no accounts.")
    return flow.finish(f"{terr.name}  ·  {terr.rep or 'Open seat'}  ·  {ctx.plan_name}  ·  prepared {_date(ctx)}")


def _first_page(page: Page, ctx: ReportContext, p: maps.Projected, t: int, mv: Moves, y: float) -> None:
    plan, row = ctx.plan, ctx.table.loc[t]
    m = S.MARGIN
    w = workload_summary(ctx, t)
    primary = plan.settings.primary
    status = str(row[f"status_{primary.measure}"])
    peers = peers_of(ctx, t)
    tiles = [
        ("Accounts", fmt.count(row["accounts"]), f"+{len(mv.rows_in)} joining, -{len(mv.rows_out)} leaving", S.INK),
        (label(primary.measure), measure_text(primary.measure, float(row[primary.measure])),
         f"{fmt.percent(float(row[f'dev_{primary.measure}']), 1, signed=True)} vs peer target · "
         f"{S.BAND_WORDS.get(status, status).lower()}", S.BAND_COLORS.get(status, (S.INK,))[0]),
        ("Open pipeline", fmt.money(float(row["pipeline"])), f"{_with_deals(ctx, t):,} accounts with open deals",
         S.INK),
        ("Capacity used", fmt.percent(w.utilisation), f"{fmt.hours(w.workload)} of {fmt.hours(w.capacity)}",
         S.UTIL_OVER if w.over else S.INK),
    ]
    tw = (page.width - 2 * m - 3 * 0.15) / 4
    for i, (cap, val, note, color) in enumerate(tiles):
        page.tile(m + i * (tw + 0.15), y, tw, cap, val, note, color)
    y += 0.95
    # the map, and beside it workload and changes
    map_w, map_h = 4.75, 3.75
    page.heading(m, y + 0.05, "Territory map")
    ax = page.axes(m, y + 0.2, map_w, map_h)
    outside = maps.territory_map(ax, plan, p, t, map_w / map_h)
    unplaced = int((~p.placed[plan.rows_in(t)]).sum())
    notes = []
    if outside:
        notes.append(f"{outside:,} far-off account{'s' if outside != 1 else ''} lie outside the frame")
    if unplaced:
        notes.append(f"{unplaced:,} account{'s' if unplaced != 1 else ''} without a location not shown")
    if notes:
        page.text(m, y + map_h + 0.35, "; ".join(notes) + ".", size=S.SMALL_SIZE, color=S.MUTED)
    rx, rw = m + map_w + 0.3, page.width - m - (m + map_w + 0.3)
    page.heading(rx, y + 0.05, "Workload vs capacity")
    lines = [("Service hours", fmt.hours(w.service)), ("Travel from home", fmt.hours(w.travel)),
             ("Workload", fmt.hours(w.workload)), ("Capacity", fmt.hours(w.capacity)),
             ("Capacity used", fmt.percent(w.utilisation))]
    ly = y + 0.38
    for name, value in lines:
        page.text(rx, ly, name, color=S.MUTED)
        page.text(rx + rw, ly, value, ha="right", weight="bold" if name == "Capacity used" else "normal",
                  color=S.UTIL_OVER if (w.over and name == "Capacity used") else S.INK)
        ly += 0.2
    bar = page.axes(rx, ly - 0.05, rw, 0.42)
    charts.workload_bar(bar, w)
    page.text(rx, ly + 0.72, "Solid: service · light: travel · dashed: capacity", size=S.SMALL_SIZE - 0.5,
              color=S.FAINT)
    if w.over:
        page.text(rx, ly + 0.92, f"Over capacity by {fmt.hours(w.workload - w.capacity)}", size=S.SMALL_SIZE,
                  color=S.UTIL_OVER, weight="bold")
    cy = ly + 1.3
    page.heading(rx, cy, "Changes vs the baseline")
    change_lines = [
        ("Joining", f"{len(mv.rows_in):,} · {fmt.money(mv.potential_in)}", S.IN_COLOR),
        ("Leaving", f"{len(mv.rows_out):,} · {fmt.money(mv.potential_out)}", S.OUT_COLOR),
        ("Net potential", fmt.money(mv.potential_in - mv.potential_out) if mv.potential_in >= mv.potential_out
         else "-" + fmt.money(mv.potential_out - mv.potential_in).lstrip("-"), S.INK),
    ]
    ly = cy + 0.33
    for name, value, color in change_lines:
        page.text(rx, ly, name, color=S.MUTED)
        page.text(rx + rw, ly, value, ha="right", color=color)
        ly += 0.2
    if len(mv.rows_in) or len(mv.rows_out):
        page.text(rx, ly + 0.02, "Each account is listed on page 2.", size=S.SMALL_SIZE, color=S.FAINT)
    else:
        page.text(rx, ly + 0.02, "The book is the same as the baseline.", size=S.SMALL_SIZE, color=S.FAINT)
    # against the peers
    y += map_h + 0.6
    group = _peer_words(plan, t, len(peers))
    page.heading(m, y, "Against your peers", f"Compared with {group}; the target is this territory's fair "
                 f"share of their total (its target share {plan.territories[t].target_share:g}).")
    rows = peer_rows(ctx, t)
    colors = {(i, 4): S.BAND_COLORS[r.status] for i, r in enumerate(rows) if r.status in S.BAND_COLORS}
    cells = []
    for r in rows:
        c = r.cells(plan.settings.near_fraction)
        c[4] = f"{SHORT_BAND[r.status]} ({c[4]})" if r.status else c[4]
        cells.append(c)
    y = page.table(m, y + 0.42, PEER_COLUMNS, cells, row_h=0.22, cell_colors=colors)
    if y < page.height - 2.1:
        page.heading(m, y + 0.35, f"{label(primary.measure)}: deviation from the peer target",
                     "Each bar is one peer territory; shaded: the band; yours is in your colour.")
        ax = page.axes(m + 0.35, y + 0.8, page.width - 2 * m - 0.35, page.height - y - 0.8 - 1.2)
        charts.peer_chart(ax, ctx, t, primary.measure)


def _with_deals(ctx: ReportContext, t: int) -> int:
    j = ctx.plan.measure_names.index("pipeline")
    return int((ctx.plan.measure_values[ctx.plan.rows_in(t), j] > 0).sum())


def _article(role: str) -> str:
    """ "an Account Executive", "a Sales Rep"; an acronym by how its first letter is said: "an SMB AE"."""
    first = role.split()[0] if role.split() else ""
    acronym = len(first) > 1 and first.isupper()
    vowel_sound = first[:1].upper() in ("AEFHILMNORSX" if acronym else "AEIOU")
    return ("an " if vowel_sound else "a ") + role


def _peer_words(plan: Plan, t: int, n: int) -> str:
    """Who the territory is judged against, as the window's panel groups them (kpis.peer_groups)."""
    s, terr = plan.settings, plan.territories[t]
    role, region = terr.role.strip(), terr.region.strip()
    if not (s.balance_within_role or s.balance_within_region):
        return f"all {n} territories"
    whose = f" whose rep is {_article(role)}" if s.balance_within_role and role else \
        (" whose rep has no role" if s.balance_within_role else "")
    where = (f" in {region}" if region else " without a region") if s.balance_within_region else ""
    return f"the {n} {'territory' if n == 1 else 'territories'}{whose}{where}"


def _moves_section(flow: Flow, mv: Moves, direction: str, tick: Callable[[], None]) -> None:
    table = mv.table_in if direction == "in" else mv.table_out
    other = "from" if direction == "in" else "to"
    title = "Accounts joining" if direction == "in" else "Accounts leaving"
    if not len(table):
        flow.heading(title)
        flow.line("None: no account " + ("joins this territory." if direction == "in" else "leaves this territory."))
        return
    by = table.groupby("other", sort=False)["potential"].size().sort_values(ascending=False)
    where = ", ".join(f"{name} ({n})" for name, n in by.head(4).items()) + (" and others" if len(by) > 4 else "")
    flow.heading(title, f"{len(table):,} accounts · {fmt.money(float(table['potential'].sum()))} potential · "
                 f"{other} {where}")
    columns = [Column(other.capitalize() + " territory", c.width) if c.header == "{}" else c for c in MOVE_COLUMNS]
    rows = [[r.name, ", ".join(x for x in (r.city, r.state) if x), r.other,
             fmt.money(r.potential), fmt.money(r.pipeline) if r.pipeline else "", r.reason]
            for r in table.itertuples(index=False)]
    flow.table(columns, rows, title, row_h=BOOK_ROW, on_page=tick)
