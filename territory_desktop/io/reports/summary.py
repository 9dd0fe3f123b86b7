"""The plan summary PDF: what a sales leader reviews before signing a plan off.

Page 1: the map and the plan at a glance. Then the balance and capacity charts (40 territories a page), the
fairness figures and the territory table, and the change summary against the baseline — flows between
territories and the largest moves, taken from the change list export (`io/export.change_table`), so the
summary and the CRM file can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from territory_desktop.core import format as fmt
from territory_desktop.core.change_notes import default_effective_date
from territory_desktop.core.workload import SCALE
from territory_desktop.io.export import change_table
from territory_desktop.io.reports import charts, maps
from territory_desktop.io.reports import style as S
from territory_desktop.io.reports.flow import Flow
from territory_desktop.io.reports.page import Column, Page
from territory_desktop.io.reports.tables import (
    ReportContext,
    change_flows,
    fairness_rows,
    headline,
    label,
    peer_order,
    territory_rows,
)

CHART_ROWS = 40
TOP_MOVES = 40
FAIRNESS_COLUMNS = (Column("Measure", 1.6), Column("Peer group", 2.0), Column("Territories", 0.9, "right"),
                    Column("Max ÷ min", 1.0, "right"), Column("CV", 0.9, "right"), Column("Gini", 0.9, "right"),
                    Column("Balance index", 1.1, "right"))
TERRITORY_COLUMNS = (Column("Territory", 1.6), Column("Rep", 1.25), Column("Role", 1.15),
                     Column("Accounts", 0.75, "right"), Column("Potential", 0.8, "right"),
                     Column("Pipeline", 0.8, "right"), Column("Workload", 0.8, "right"),
                     Column("Capacity", 0.75, "right"), Column("Deviation", 0.75, "right"),
                     Column("Band", 0.6, "center"), Column("In / out", 0.75, "right"))
FLOW_COLUMNS = (Column("From", 2.6), Column("To", 2.6), Column("Accounts", 1.0, "right"),
                Column("Potential", 1.2, "right"), Column("Pipeline", 1.2, "right"))
MOVE_COLUMNS = (Column("Account", 2.1), Column("Account ID", 1.2), Column("From", 1.6), Column("To", 1.6),
                Column("Potential", 0.9, "right"), Column("Effective", 0.85, "center"), Column("Reason", 1.75))


def _date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def build_summary(ctx: ReportContext, p: maps.Projected, effective_date: dt.date | None = None,
                  tick: Callable[[], None] = lambda: None) -> list[Page]:
    plan = ctx.plan
    effective = effective_date or default_effective_date(ctx.date)
    page = Page(S.LETTER_LANDSCAPE)
    y = page.title_block(ctx.plan_name, f"Plan summary  ·  {ctx.health.territories:,} territories  ·  "
                         f"{plan.n_accounts:,} accounts",
                         ["Plan summary", f"Prepared {_date(ctx.date)}", f"Changes effective {_date(effective)}"],
                         "#2F6FDE")
    _first_page(page, ctx, p, y)
    tick()

    def head(pg: Page) -> float:
        pg.rect(0, 0, pg.width, 0.08, "#2F6FDE")
        pg.text(S.MARGIN, 0.45, f"{ctx.plan_name}  ·  plan summary", size=S.BODY_SIZE + 1, weight="bold")
        pg.text(pg.width - S.MARGIN, 0.45, f"Prepared {_date(ctx.date)}", size=S.SMALL_SIZE, color=S.MUTED,
                ha="right")
        pg.line(S.MARGIN, pg.width - S.MARGIN, 0.58)
        return 0.65

    flow = Flow(S.LETTER_LANDSCAPE, head)
    flow.pages.append(page)
    order = peer_order(ctx)
    for start in range(0, len(order), CHART_ROWS):
        _chart_page(flow, ctx, order[start:start + CHART_ROWS], start, len(order))
        tick()
    flow.add_page()
    flow.heading("Fairness", "How evenly each balanced measure is spread (totals ÷ target share). Balance index "
                 "= 100 × (1 - Gini): 100 is perfectly even.")
    flow.table(FAIRNESS_COLUMNS, fairness_rows(ctx), "Fairness", row_h=0.21, on_page=tick)
    primary = plan.settings.primary
    flow.heading("Territories", f"Grouped by peers. Deviation: {label(primary.measure).lower()} against the "
                 f"peer target (band ±{primary.band * 100:.0f}%). In / out: accounts joining and leaving vs "
                 "the baseline.")
    rows = territory_rows(ctx)
    colors = {(i, 9): S.BAND_COLORS[r[9]] for i, r in enumerate(rows) if r[9] in S.BAND_COLORS}
    flow.table(TERRITORY_COLUMNS, rows, "Territories", row_h=0.2, cell_colors=colors, on_page=tick)
    _changes(flow, ctx, effective, tick)
    return flow.finish(f"{ctx.plan_name}  ·  plan summary  ·  prepared {_date(ctx.date)}")


def _first_page(page: Page, ctx: ReportContext, p: maps.Projected, y: float) -> None:
    m = S.MARGIN
    map_w, map_h = 6.4, page.height - y - 1.0
    ax = page.axes(m, y, map_w, map_h)
    maps.plan_map(ax, ctx.plan, p, map_w / map_h)
    rx = m + map_w + 0.35
    rw = page.width - m - rx
    page.heading(rx, y + 0.12, "The plan at a glance")
    ly = y + 0.45
    for name, value in headline(ctx):
        page.text(rx, ly, name, color=S.MUTED)
        page.text(rx + rw, ly, value, ha="right", weight="bold")
        page.line(rx, rx + rw, ly + 0.08, "#EEF1F4")
        ly += 0.24
    table = ctx.table
    out = [str(n) for n in table.loc[~table["in_band"], "name"]]
    over = [str(n) for n in table.loc[table["over_capacity"], "name"]]
    ly += 0.2
    page.heading(rx, ly, "Needs attention")
    ly += 0.3
    for title, names, color in (("Out of band", out, S.BAND_COLORS["out"][0]),
                                ("Over capacity", over, S.UTIL_OVER)):
        text = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "") if names else "none"
        page.text(rx, ly, title, color=color if names else S.MUTED, weight="bold")
        for k, chunk in enumerate(_wrap(text, 46)[:3]):
            page.text(rx, ly + 0.18 * (k + 1), chunk, size=S.SMALL_SIZE + 0.5, color=S.INK)
        ly += 0.18 * (min(len(_wrap(text, 46)), 3) + 1) + 0.12


def _wrap(text: str, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + ([cur] if cur else [])


def _chart_page(flow: Flow, ctx: ReportContext, rows: list[int], start: int, total: int) -> None:
    page = flow.add_page()
    note = f" (territories {start + 1} to {start + len(rows)} of {total})" if total > CHART_ROWS else ""
    page.heading(S.MARGIN, flow.y + 0.25, "Balance and capacity" + note,
                 "Bars coloured by band: green in, amber near the edge, red out; dashed line: 100% of capacity.")
    top = flow.y + 0.85
    h = page.height - top - 1.0
    w = (page.width - 2 * S.MARGIN - 2.6) / 2
    charts.balance_chart(page.axes(S.MARGIN + 1.25, top, w, h), ctx, rows)
    charts.capacity_chart(page.axes(S.MARGIN + 1.25 + w + 1.35, top, w, h), ctx, rows)
    flow.y = page.height


def _changes(flow: Flow, ctx: ReportContext, effective: dt.date, tick: Callable[[], None]) -> None:
    plan, h = ctx.plan, ctx.health
    flow.add_page()
    if not h.moved_accounts:
        flow.heading("Changes vs the baseline")
        flow.line("No account changes territory: the plan is the baseline.")
        return
    flows = change_flows(plan)
    flow.heading("Changes vs the baseline",
                 f"{h.moved_accounts:,} accounts change territory · {fmt.money(h.moved_potential)} potential "
                 f"({fmt.percent(h.moved_potential_share, 1)} of the plan) · effective {_date(effective)} · "
                 f"{len(flows):,} from-to pairs")
    flow.table(FLOW_COLUMNS, [[f.source, f.target, fmt.count(f.accounts), fmt.money(f.potential),
                               fmt.money(f.pipeline)] for f in flows], "Moves between territories",
               row_h=0.2, on_page=tick)
    headers, cols = change_table(plan, effective, "")
    col = dict(zip(headers, cols, strict=True))
    rows = plan.rows_of(col["Account ID"]) if len(col["Account ID"]) else np.empty(0, dtype=np.int64)
    pot = plan.measure_values[rows, plan.measure_names.index("potential")] / SCALE
    order = np.argsort(-pot, kind="stable")[:TOP_MOVES]
    shown = len(order)
    flow.heading("Largest moves", f"The {shown} moves with the most potential"
                 + (f" of {len(rows):,}; every move is in the workbook's Changes sheet." if len(rows) > shown
                    else "."))
    reasons = col.get("Reason", np.full(len(rows), "", dtype=object))
    flow.table(MOVE_COLUMNS, [[col["Account Name"][i], col["Account ID"][i], col["From Territory"][i],
                               col["To Territory"][i], fmt.money(float(pot[i])), col["Effective Date"][i],
                               reasons[i]] for i in order], "Largest moves", row_h=0.2, on_page=tick)
