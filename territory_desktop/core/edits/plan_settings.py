"""Edits that swap one plan-wide input whole: the balance settings (`SetSettings`) and the map adjacency.

Each keeps the previous value as its inverse, so undo restores it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.edits.base import Edit
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import BalanceSettings


@dataclass
class SetSettings(Edit):
    """Swap the balance settings; workload is recomputed if the workload model changed."""

    settings: BalanceSettings
    label: str = "Change balance settings"
    kind: ClassVar[str] = "settings"

    def apply_to(self, plan: Plan) -> Edit:
        old = plan.settings
        plan.settings = self.settings
        if old.workload != self.settings.workload:
            plan._refresh_workload_rates()
            plan.kpis.workload = KpiState.full(plan).workload
        plan._bump("settings", territories=tuple(int(i) for i in plan.active_territories()))
        return SetSettings(old, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "settings": self.settings.to_dict(), "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls(BalanceSettings.from_dict(d["settings"]), d.get("label", "Change balance settings"))


@dataclass
class SetAdjacency(Edit):
    """Give the plan which accounts touch on the map (or take it away: None); undo restores the previous one."""

    adjacency: AccountAdjacency | None
    label: str = "Import adjacency"
    kind: ClassVar[str] = "adjacency"

    def apply_to(self, plan: Plan) -> Edit:
        old = plan.adjacency
        plan.adjacency = self.adjacency
        plan._bump("adjacency", territories=tuple(int(i) for i in plan.active_territories()))
        return SetAdjacency(old, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label,
                "adjacency": None if self.adjacency is None else self.adjacency.to_dict()}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        raw = d.get("adjacency")
        return cls(None if raw is None else AccountAdjacency.from_dict(raw), str(d.get("label", "Import adjacency")))
