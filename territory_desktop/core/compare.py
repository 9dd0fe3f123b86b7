"""Side-by-side arithmetic of two scenarios, or of a scenario and its baseline, shared by the window and
`territory-desktop compare`.

A is the scenario being judged, B the reference (the baseline by default): deltas are A − B and an account
"moves" from its territory in B to its territory in A. Accounts are matched by account id and territories by
name (what both exports and planners see), so a territory added in one scenario shows as new, one removed
as gone, and the list of differing accounts equals a diff of the two assignment exports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import copy_plan
from territory_desktop.core.workload import SCALE

BASELINE = "Baseline"
UNASSIGNED = "(unassigned)"
TERRITORY_MEASURES = ("accounts", "potential", "pipeline", "workload", "utilisation")
"""The per-territory figures compared (each with A, B and A − B)."""


@dataclass(frozen=True)
class PlanFigures:
    """The plan at a glance, as compared: balance of the primary measure, and disruption vs the baseline."""

    territories: int
    out_of_band: int
    max_deviation: float
    cv: float
    over_capacity: int
    moved_accounts: int
    moved_potential: float
    unassigned: int

    @staticmethod
    def of(plan: Plan) -> PlanFigures:
        h = kpis.plan_health(plan)
        return PlanFigures(h.territories, h.out_of_band, h.max_deviation, h.cv, h.over_capacity,
                           h.moved_accounts, h.moved_potential, h.unassigned)


@dataclass(frozen=True)
class Comparison:
    a_name: str
    b_name: str
    a: PlanFigures
    b: PlanFigures
    primary: str
    territories: pd.DataFrame
    """One row per territory name in A or B: `<measure>_a`, `<measure>_b`, `<measure>_delta` for
    TERRITORY_MEASURES, `dev_a`/`dev_b`/`dev_delta` (primary measure), `in_band_a`/`in_band_b`, and `only`
    ("a", "b" or "" when in both)."""
    accounts: pd.DataFrame
    """The accounts whose territory differs: account_id, name, from_territory (B), to_territory (A),
    potential, pipeline, row_a, row_b; most potential first."""

    @property
    def differing(self) -> int:
        return len(self.accounts)

    @property
    def differing_potential(self) -> float:
        return float(self.accounts["potential"].sum())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for `compare --json` (numbers as numbers, NaN as null)."""
        def records(df: pd.DataFrame) -> list[dict[str, object]]:
            return [{k: (None if isinstance(v, float) and v != v else v.item() if isinstance(v, np.generic) else v)
                     for k, v in r.items()} for r in df.to_dict("records")]

        return {"a": self.a_name, "b": self.b_name, "primary_measure": self.primary,
                "figures": {"a": self.a.__dict__, "b": self.b.__dict__},
                "differing_accounts": self.differing, "differing_potential": self.differing_potential,
                "territories": records(self.territories.reset_index()),
                "accounts": records(self.accounts.drop(columns=["row_a", "row_b"]))}


def baseline_plan(plan: Plan) -> Plan:
    """The plan as it was imported: the baseline assignment, over the territories that held accounts then
    (one removed since is back, one added since is absent), with today's settings so figures compare."""
    base = copy_plan(plan)
    held = np.zeros(plan.n_territories, dtype=bool)
    b = plan.baseline[plan.baseline >= 0]
    held[np.unique(b)] = True
    for i, t in enumerate(base.territories):
        t.removed = not held[i]
    rows = np.flatnonzero(base.assignment != base.baseline)
    if len(rows):
        base._reassign(rows, base.baseline[rows])
    return base


def territory_names(plan: Plan, fold: bool = False) -> np.ndarray:
    """The territory name of every account (UNASSIGNED for none); casefolded with `fold`, for matching."""
    names = np.array([t.name.casefold() if fold else t.name for t in plan.territories] + [UNASSIGNED],
                     dtype=object)
    a = plan.assignment.astype(np.int64)
    return names[np.where(a < 0, plan.n_territories, a)]


def compare(a: Plan, b: Plan | None = None, a_name: str = "A", b_name: str = BASELINE) -> Comparison:
    """Compare scenario `a` with `b` (None: a's own baseline)."""
    if b is None:
        b = baseline_plan(a)
    primary = a.settings.primary.measure
    return Comparison(a_name, b_name, PlanFigures.of(a), PlanFigures.of(b), primary,
                      _territories(a, b, primary), _accounts(a, b))


def _territory_frame(plan: Plan, primary: str) -> pd.DataFrame:
    t = kpis.territory_table(plan)
    dev = t[f"dev_{primary}"] if f"dev_{primary}" in t else pd.Series(0.0, index=t.index)
    out = pd.DataFrame({"rep": t["rep"].to_numpy(), **{m: t[m].to_numpy() for m in TERRITORY_MEASURES},
                        "dev": dev.to_numpy(), "in_band": t["in_band"].to_numpy()},
                       index=pd.Index(t["name"].to_numpy(), name="territory"))
    return out


def _territories(a: Plan, b: Plan, primary: str) -> pd.DataFrame:
    ta, tb = _territory_frame(a, primary), _territory_frame(b, primary)
    key_a = pd.Index(ta.index.str.casefold())
    key_b = pd.Index(tb.index.str.casefold())
    names = list(ta.index) + [n for n, k in zip(tb.index, key_b, strict=True) if k not in set(key_a)]
    keys = pd.Index([n.casefold() for n in names])
    ia, ib = key_a.get_indexer(keys), key_b.get_indexer(keys)
    out = pd.DataFrame(index=pd.Index(names, name="territory"))
    out["rep"] = [ta["rep"].iloc[i] if i >= 0 else tb["rep"].iloc[j] for i, j in zip(ia, ib, strict=True)]
    for m in (*TERRITORY_MEASURES, "dev", "in_band"):
        va = np.array([ta[m].iloc[i] if i >= 0 else np.nan for i in ia], dtype=object)
        vb = np.array([tb[m].iloc[j] if j >= 0 else np.nan for j in ib], dtype=object)
        if m == "in_band":
            out["in_band_a"], out["in_band_b"] = va, vb
            continue
        fa, fb = va.astype(np.float64), vb.astype(np.float64)
        out[f"{m}_a"], out[f"{m}_b"] = fa, fb
        out[f"{m}_delta"] = np.where(np.isnan(fa), 0.0, fa) - np.where(np.isnan(fb), 0.0, fb)
    out["only"] = np.where(ia < 0, "b", np.where(ib < 0, "a", ""))
    return out


def _accounts(a: Plan, b: Plan) -> pd.DataFrame:
    ids_a = a.ids
    rows_b = pd.Index(b.ids).get_indexer(ids_a)
    common = rows_b >= 0
    rows_a = np.flatnonzero(common)
    rows_b = rows_b[common]
    to = territory_names(a)[rows_a]
    frm = territory_names(b)[rows_b]
    differ = territory_names(a, fold=True)[rows_a] != territory_names(b, fold=True)[rows_b]
    ra, rb = rows_a[differ], rows_b[differ]
    pot = a.measure_values[ra, a.measure_names.index("potential")] / SCALE
    pipe = a.measure_values[ra, a.measure_names.index("pipeline")] / SCALE
    df = pd.DataFrame({"account_id": ids_a[ra], "name": a.accounts["name"].astype(str).to_numpy(dtype=object)[ra],
                       "from_territory": frm[differ], "to_territory": to[differ], "potential": pot,
                       "pipeline": pipe, "row_a": ra, "row_b": rb})
    return df.sort_values(["potential", "account_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
