"""The numbers every report shows, as plain tables built from the core (no drawing here).

The PDFs and the workbook are only layouts of these tables, so a test of a table is a test of what the
reader sees, and every figure is the core's own: `kpis.territory_table` for totals, deviations and bands,
`kpis.plan_health` for the plan at a glance, `fairness.fairness` for the spread, `kpis.deviations` for the
peer comparison (the same peer groups and target shares the window balances on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.fairness import Fairness, fairness
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD

LABELS = {ACCOUNTS: "Accounts", WORKLOAD: "Workload", "potential": "Potential", "pipeline": "Open pipeline",
          "score": "Score (sum)"}
PEER_MEASURES = (ACCOUNTS, "potential", "pipeline", WORKLOAD)
"""What a rep is compared with their peers on, in this order (balanced measures carry a band)."""


def label(measure: str) -> str:
    return LABELS.get(measure, measure.replace("_", " ").capitalize())


def measure_text(measure: str, value: float) -> str:
    """A total of `measure` the way planners write it."""
    if measure in ("potential", "pipeline"):
        return fmt.money(value)
    if measure == WORKLOAD:
        return fmt.hours(value)
    return fmt.count(value)


@dataclass
class ReportContext:
    """Everything computed once per run and shared by every report (the territory table is the costly part)."""

    plan: Plan
    plan_name: str
    date: dt.date
    table: pd.DataFrame
    health: kpis.PlanHealth
    fairness: list[Fairness]
    groups: pd.Series
    """Peer group code per active territory (index = territory slot)."""
    _devs: dict[str, pd.Series] = field(default_factory=dict)

    def deviation(self, measure: str) -> pd.Series:
        """Deviation from the peer target of every active territory for any measure (the table's own column
        for balanced measures; `kpis.deviations` with the same shares and groups for the rest)."""
        if measure not in self._devs:
            col = f"dev_{measure}"
            if col in self.table:
                self._devs[measure] = self.table[col]
            else:
                act = self.table.index.to_numpy()
                dev = kpis.deviations(kpis.measure_totals(self.plan, measure)[act], self.shares(), self.groups.to_numpy())
                self._devs[measure] = pd.Series(dev, index=self.table.index)
        return self._devs[measure]

    def shares(self) -> np.ndarray:
        return np.array([self.plan.territories[int(i)].target_share for i in self.table.index], dtype=np.float64)


def build_context(plan: Plan, plan_name: str, date: dt.date | None = None) -> ReportContext:
    table = kpis.territory_table(plan)
    groups = pd.Series(kpis.peer_groups(plan, table.index.to_numpy()), index=table.index)
    return ReportContext(plan, plan_name, date or dt.date.today(), table, kpis.plan_health(plan), fairness(plan),
                         groups)


# ----- one rep ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeerRow:
    """One measure of one territory against its peers (the reps of the same role)."""

    measure: str
    value: float
    target: float
    """The territory's fair share: the peer group's total × its target share ÷ the group's shares."""
    deviation: float
    band: float | None
    """± band when the plan balances on this measure, else None (shown for information)."""
    status: str
    """"in" / "near" / "out" (the core's band status), "" when not balanced."""
    rank: int
    """1 = the largest among the peers."""
    peers: int
    peer_min: float
    peer_max: float

    def cells(self, near_fraction: float) -> list[str]:
        dev = (deviation_text(self.deviation, self.band, near_fraction) if self.band is not None
               else fmt.percent(self.deviation, signed=True))
        band = f"±{self.band * 100:.0f}%" if self.band is not None else "not balanced"
        return [label(self.measure), measure_text(self.measure, self.value),
                measure_text(self.measure, self.target), dev, band,
                f"{self.rank} of {self.peers}",
                f"{measure_text(self.measure, self.peer_min)} to {measure_text(self.measure, self.peer_max)}"]


def peers_of(ctx: ReportContext, t: int) -> np.ndarray:
    """Active territories in t's peer group, t included (table order)."""
    g = ctx.groups
    return g.index[g == g.loc[t]].to_numpy()


def peer_rows(ctx: ReportContext, t: int) -> list[PeerRow]:
    plan, table = ctx.plan, ctx.table
    peers = peers_of(ctx, t)
    bands = {m.measure: m.band for m in plan.settings.measures}
    measures = [m for m in PEER_MEASURES if m in table.columns]
    measures += [m.measure for m in plan.settings.measures if m.measure not in measures]
    shares = pd.Series(ctx.shares(), index=table.index)
    share, share_sum = float(shares.loc[t]), float(shares.loc[peers].sum())
    out = []
    for m in measures:
        values = table.loc[peers, m].astype(float)
        dev = float(ctx.deviation(m).loc[t])
        value = float(table.at[t, m])
        target = float(values.sum()) * share / share_sum if share_sum > 0 else 0.0
        status = str(table.at[t, f"status_{m}"]) if f"status_{m}" in table else ""
        rank = int((values > value).sum()) + 1
        out.append(PeerRow(m, value, target, dev, bands.get(m), status, rank, len(peers),
                           float(values.min()), float(values.max())))
    return out


@dataclass(frozen=True)
class WorkloadSummary:
    """Hours a territory's book takes against the rep's capacity (the table's workload, split for reading)."""

    workload: float
    service: float
    travel: float
    capacity: float
    utilisation: float
    over: bool


def workload_summary(ctx: ReportContext, t: int) -> WorkloadSummary:
    plan, row = ctx.plan, ctx.table.loc[t]
    rows = plan.rows_in(t)
    work = float(row["workload"])
    service = float(plan.base_hours[rows].sum())
    return WorkloadSummary(work, service, max(work - service, 0.0), float(row["capacity"]),
                           float(row["utilisation"]), bool(row["over_capacity"]))


def _text(plan: Plan, column: str, rows: np.ndarray) -> np.ndarray:
    s = plan.accounts[column].iloc[rows]
    return s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)


def _numbers(plan: Plan, column: str, rows: np.ndarray) -> np.ndarray:
    return pd.to_numeric(plan.accounts[column].iloc[rows], errors="coerce").fillna(0.0).to_numpy(np.float64)


def territory_names(plan: Plan, slots: np.ndarray) -> np.ndarray:
    """Territory name per slot; "Unassigned" for -1."""
    names = np.array([t.name for t in plan.territories] + ["Unassigned"], dtype=object)
    s = np.asarray(slots, dtype=np.int64)
    return names[np.where(s < 0, len(plan.territories), s)]


@dataclass(frozen=True)
class Moves:
    """Accounts a territory gains and loses against the plan's baseline."""

    rows_in: np.ndarray
    rows_out: np.ndarray
    table_in: pd.DataFrame
    table_out: pd.DataFrame

    @property
    def potential_in(self) -> float:
        return float(self.table_in["potential"].sum())

    @property
    def potential_out(self) -> float:
        return float(self.table_out["potential"].sum())


def _move_frame(plan: Plan, rows: np.ndarray, other: np.ndarray) -> pd.DataFrame:
    """Moved accounts with the territory at the other end ("other": where they come from or go to)."""
    df = pd.DataFrame({
        "account_id": _text(plan, "account_id", rows), "name": _text(plan, "name", rows),
        "city": _text(plan, "city", rows), "state": _text(plan, "state", rows),
        "other": territory_names(plan, other),
        "potential": _numbers(plan, "potential", rows), "pipeline": _numbers(plan, "pipeline", rows),
        "reason": plan.notes.reason[rows],
    })
    return df.sort_values(["potential", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def moves(plan: Plan, t: int) -> Moves:
    a, b = plan.assignment, plan.baseline
    rows_in = np.flatnonzero((a == t) & (b != t))
    rows_out = np.flatnonzero((b == t) & (a != t))
    return Moves(rows_in, rows_out, _move_frame(plan, rows_in, b[rows_in]),
                 _move_frame(plan, rows_out, a[rows_out]))


ACCOUNT_COLUMNS = ("account_id", "name", "city", "state", "segment", "tier", "potential", "pipeline", "note")


def account_list(plan: Plan, t: int) -> pd.DataFrame:
    """The book of territory t, largest potential first: what the rep works from."""
    rows = plan.rows_in(t)
    new = plan.baseline[rows] != t
    named = plan.named[rows]
    locked = plan.locked[rows]
    flags = np.char.add(np.char.add(np.where(new, "new ", ""), np.where(named, "named ", "")),
                        np.where(locked, "locked", ""))
    note = np.char.strip(flags).astype(object)
    df = pd.DataFrame({
        "row": rows, "account_id": _text(plan, "account_id", rows), "name": _text(plan, "name", rows),
        "city": _text(plan, "city", rows), "state": _text(plan, "state", rows),
        "segment": _text(plan, "segment", rows), "tier": _text(plan, "tier", rows),
        "potential": _numbers(plan, "potential", rows), "pipeline": _numbers(plan, "pipeline", rows),
        "note": note.astype(object),
    })
    return df.sort_values(["potential", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ----- the plan ---------------------------------------------------------------------------------------------
def headline(ctx: ReportContext) -> list[tuple[str, str]]:
    """The plan at a glance: (label, value) pairs, from `plan_health` and the territory table."""
    h, t, plan = ctx.health, ctx.table, ctx.plan
    primary = plan.settings.primary
    return [
        ("Territories", fmt.count(h.territories)),
        ("Accounts", fmt.count(plan.n_accounts)),
        ("Potential", fmt.money(float(t["potential"].sum()))),
        ("Open pipeline", fmt.money(float(t["pipeline"].sum()))),
        ("Out of band", f"{h.out_of_band} of {h.territories}"),
        ("Over capacity", f"{h.over_capacity} of {h.territories}"),
        (f"Max deviation ({label(primary.measure).lower()})", fmt.percent(h.max_deviation, 1)),
        ("Spread (CV)", fmt.percent(h.cv, 1)),
        ("Accounts moved", fmt.count(h.moved_accounts)),
        ("Potential moved", f"{fmt.money(h.moved_potential)} ({fmt.percent(h.moved_potential_share, 1)})"),
        ("Unassigned", fmt.count(h.unassigned)),
        ("Not on the map", fmt.count(h.unplaced)),
    ]


def headline_values(ctx: ReportContext) -> list[tuple[str, float, str]]:
    """The same figures as `headline` as numbers with their kind (money / count / percent), for the workbook."""
    h, t, plan = ctx.health, ctx.table, ctx.plan
    primary = plan.settings.primary
    return [
        ("Territories", h.territories, "count"), ("Accounts", plan.n_accounts, "count"),
        ("Potential", float(t["potential"].sum()), "money"), ("Open pipeline", float(t["pipeline"].sum()), "money"),
        ("Workload", float(t["workload"].sum()), "hours"), ("Capacity", float(t["capacity"].sum()), "hours"),
        ("Territories out of band", h.out_of_band, "count"), ("Territories over capacity", h.over_capacity, "count"),
        (f"Max deviation ({label(primary.measure).lower()})", h.max_deviation, "percent"),
        ("Spread (CV)", h.cv, "percent"), ("Accounts moved", h.moved_accounts, "count"),
        ("Potential moved", h.moved_potential, "money"), ("Share of potential moved", h.moved_potential_share,
                                                          "percent"),
        ("Unassigned accounts", h.unassigned, "count"), ("Accounts not on the map", h.unplaced, "count"),
    ]


def fairness_rows(ctx: ReportContext) -> list[list[str]]:
    """One row per measure and peer group: territories, max/min, CV, Gini, balance index."""
    def ratio(v: float) -> str:
        return "—" if not np.isfinite(v) else f"{v:,.2f}×"
    return [[label(f.measure), f.group, fmt.count(f.territories), ratio(f.max_min_ratio),
             fmt.percent(f.cv, 1), f"{f.gini:.3f}", f"{f.balance_index:.0f}"] for f in ctx.fairness]


@dataclass(frozen=True)
class Flow:
    """Accounts moving from one territory to another against the baseline."""

    source: str
    target: str
    accounts: int
    potential: float
    pipeline: float


def change_flows(plan: Plan) -> list[Flow]:
    """Moves vs the baseline grouped by from → to, the largest potential first."""
    rows = np.flatnonzero(plan.assignment != plan.baseline)
    if not len(rows):
        return []
    df = pd.DataFrame({"from": territory_names(plan, plan.baseline[rows]),
                       "to": territory_names(plan, plan.assignment[rows]),
                       "potential": _numbers(plan, "potential", rows), "pipeline": _numbers(plan, "pipeline", rows)})
    g = df.groupby(["from", "to"], sort=False).agg(accounts=("potential", "size"), potential=("potential", "sum"),
                                                   pipeline=("pipeline", "sum")).reset_index()
    g = g.sort_values(["potential", "accounts"], ascending=False, kind="stable")
    return [Flow(str(r["from"]), str(r["to"]), int(r["accounts"]), float(r["potential"]), float(r["pipeline"]))
            for _, r in g.iterrows()]


def territory_rows(ctx: ReportContext) -> list[list[str]]:
    """The territory table as text, one row per territory, in table order (grouped by peers)."""
    plan, t = ctx.plan, ctx.table
    primary = plan.settings.primary
    nf = plan.settings.near_fraction
    out = []
    for i in peer_order(ctx):
        r = t.loc[i]
        moved = int(((plan.assignment == i) & (plan.baseline != i)).sum())
        lost = int(((plan.baseline == i) & (plan.assignment != i)).sum())
        out.append([str(r["name"]), str(r["rep"]), plan.territories[int(i)].role, fmt.count(r["accounts"]),
                    fmt.money(r["potential"]), fmt.money(r["pipeline"]), fmt.hours(r["workload"]),
                    fmt.percent(r["utilisation"]),
                    deviation_text(float(r[f"dev_{primary.measure}"]), primary.band, nf),
                    str(r[f"status_{primary.measure}"]), f"+{moved} / -{lost}"])
    return out


def peer_order(ctx: ReportContext) -> list[int]:
    """Territories grouped by role, each group in table order: peers sit together in every listing."""
    roles = {int(i): ctx.plan.territories[int(i)].role.strip().casefold() for i in ctx.table.index}
    first: dict[str, int] = {}
    for r in roles.values():
        first.setdefault(r, len(first))
    position = {i: n for n, i in enumerate(roles)}
    return sorted(roles, key=lambda i: (first[roles[i]], position[i]))
