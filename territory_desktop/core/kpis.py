"""Per-territory and plan-level numbers read from the plan's running totals (`kpi_state.KpiState`).

Deviation from the peer mean, band status, workload against capacity and the plan at a glance: the one place
the window, the CLI and the solver's suggestions take these numbers from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core.activity import untouched_mask
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.core.workload import SCALE

IN, NEAR, OUT = "in", "near", "out"


def measure_totals(plan: Plan, measure: str) -> np.ndarray:
    """Totals of one measure for every territory slot (no unassigned bucket), in display units."""
    s = plan.kpis
    if measure == ACCOUNTS:
        return s.counts[:-1].astype(np.float64)
    if measure == WORKLOAD:
        return s.workload[:-1] / SCALE
    return s.sums[:-1, plan.measure_names.index(measure)] / SCALE


def deviations(totals: np.ndarray, shares: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Deviation of each territory from its fair share (0.12 = 12% above its target).

    The fair share is taken within the territory's peer group (reps of the same role): an SMB book is
    compared with other SMB books, never with an enterprise book ten times its size.
    """
    groups = np.zeros(len(totals), dtype=np.int64) if groups is None else groups
    target = np.zeros(len(totals), dtype=np.float64)
    for g in np.unique(groups):
        m = groups == g
        share_sum = shares[m].sum()
        if share_sum > 0:
            target[m] = totals[m].sum() * shares[m] / share_sum
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(target > 0, totals / np.where(target > 0, target, 1.0) - 1.0, 0.0)
    return dev


def region_key(area: str, region: str) -> str:
    """The one key of a region wherever it is grouped (the hierarchy's tree, the peer groups): area and region,
    trimmed and casefolded, so "West " and "west" are one region and the panel's tree and the balance judged
    within a region always hold the same territories."""
    return f"{area.strip().casefold()}\x1f{region.strip().casefold()}"


def peer_keys(plan: Plan, territories: np.ndarray, settings: BalanceSettings | None = None) -> list[str]:
    """The peer key of each territory: its region (with `balance_within_region`), its role (with
    `balance_within_role`), both, or "" for everyone. `settings` defaults to the plan's; the settings dialog
    passes the ones being edited."""
    s = plan.settings if settings is None else settings
    keys = []
    for i in territories:
        t = plan.territories[int(i)]
        parts = []
        if s.balance_within_region:
            parts.append(region_key(t.area, t.region))
        if s.balance_within_role:
            parts.append(t.role.strip().casefold())
        keys.append("\x1e".join(parts))
    return keys


def peer_groups(plan: Plan, territories: np.ndarray, settings: BalanceSettings | None = None) -> np.ndarray:
    """Group code of each territory: territories of one code are judged against each other (see `peer_keys`);
    the solver's targets and eligibility read the same codes, so it balances the peers the panel shows."""
    s = plan.settings if settings is None else settings
    if not (s.balance_within_role or s.balance_within_region):
        return np.zeros(len(territories), dtype=np.int64)
    keys = peer_keys(plan, territories, s)
    return pd.factorize(pd.Series(keys, dtype=object))[0].astype(np.int64)


def peer_group_label(plan: Plan, territory: int) -> str:
    """Who a territory is compared with, in words: "SMB AE in West", "West", "SMB AE" or "all territories"."""
    s, t = plan.settings, plan.territories[territory]
    role = t.role.strip() or "reps without a role"
    region = t.region.strip() or "No region"
    if s.balance_within_role and s.balance_within_region:
        return f"{role} in {region}"
    if s.balance_within_role:
        return role
    return region if s.balance_within_region else "all territories"


EDGE_NOISE = 1e-9
"""A territory exactly on the edge is in (±15% includes 15%); this absorbs float noise of the division."""


def band_status(dev: np.ndarray, band: float, near_fraction: float) -> np.ndarray:
    """"in", "near" (past near_fraction of the band) or "out" for each deviation."""
    a = np.abs(dev)
    return np.where(a > band + EDGE_NOISE, OUT, np.where(a > near_fraction * band, NEAR, IN)).astype(object)


def band_status_one(dev: float, band: float, near_fraction: float) -> str:
    """`band_status` of one deviation, without building arrays: the panel words a few thousand cells per edit
    and the array path cost ~20 µs a cell. NaN compares false everywhere, so it is "in" in both."""
    a = abs(dev)
    return OUT if a > band + EDGE_NOISE else NEAR if a > near_fraction * band else IN


def territory_table(plan: Plan) -> pd.DataFrame:
    """One row per active territory: totals, workload vs capacity, deviation and band per balanced measure."""
    act = plan.active_territories()
    terr = [plan.territories[i] for i in act]
    s = plan.kpis
    cap = np.array([t.capacity_hours for t in terr], dtype=np.float64)
    work = s.workload[act] / SCALE
    df = pd.DataFrame({
        "name": [t.name for t in terr], "rep": [t.rep for t in terr], "region": [t.region for t in terr],
        "area": [t.area for t in terr],
        "color": [t.color for t in terr], "locked": [t.locked for t in terr],
        "accounts": s.counts[act],
        **{m: s.sums[act, j] / SCALE for j, m in enumerate(plan.measure_names)},
        "workload": work, "capacity": cap,
        "utilisation": np.where(cap > 0, work / np.where(cap > 0, cap, 1.0), np.nan),
    }, index=pd.Index(act, name="territory"))
    shares = np.array([t.target_share for t in terr], dtype=np.float64)
    groups = peer_groups(plan, act)
    in_band = np.ones(len(act), dtype=bool)
    settings: BalanceSettings = plan.settings
    for m in settings.measures:
        dev = deviations(measure_totals(plan, m.measure)[act], shares, groups)
        status = band_status(dev, m.band, settings.near_fraction)
        df[f"dev_{m.measure}"] = dev
        df[f"status_{m.measure}"] = status
        in_band &= status != OUT
    over = (cap > 0) & (work > cap)
    df["over_capacity"] = over
    df["in_band"] = in_band  # balance only; capacity is its own flag, so "out of band" means one thing everywhere
    return df


@dataclass(frozen=True)
class PlanHealth:
    """The plan at a glance, for the status bar and `info`."""

    territories: int
    primary_measure: str
    max_deviation: float
    cv: float
    out_of_band: int
    over_capacity: int
    moved_accounts: int
    moved_potential: float
    moved_potential_share: float
    unassigned: int
    unplaced: int
    untouched: int = 0
    """Accounts without CRM activity for UNTOUCHED_DAYS or more (0 when the export has no activity dates)."""


def plan_health(plan: Plan) -> PlanHealth:
    act = plan.active_territories()
    primary = plan.settings.primary
    totals = measure_totals(plan, primary.measure)[act]
    shares = np.array([plan.territories[i].target_share for i in act], dtype=np.float64)
    dev = deviations(totals, shares, peer_groups(plan, act))
    # the CV of share-normalised totals around each peer group's mean (0 with no territories, not NaN)
    cv = float(dev.std()) if len(dev) else 0.0
    table = territory_table(plan) if len(act) else None
    pot_j = plan.measure_names.index("potential")
    total_pot = plan.kpis.sums[:, pot_j].sum() / SCALE
    moved_pot = plan.kpis.moved_sums[pot_j] / SCALE
    return PlanHealth(
        territories=len(act), primary_measure=primary.measure,
        max_deviation=float(np.abs(dev).max()) if len(dev) else 0.0, cv=cv,
        out_of_band=int((~table["in_band"]).sum()) if table is not None else 0,
        over_capacity=int(table["over_capacity"].sum()) if table is not None else 0,
        moved_accounts=plan.kpis.moved_count, moved_potential=float(moved_pot),
        moved_potential_share=float(moved_pot / total_pot) if total_pot > 0 else 0.0,
        unassigned=int(plan.kpis.counts[-1]),
        unplaced=int((~np.isfinite(plan.lat)).sum()),
        untouched=int(untouched_mask(plan).sum()),
    )
