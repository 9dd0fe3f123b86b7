"""The edit protocol: `Edit` (apply, invert, serialise, rebuild by kind) and `Batch` (edits as one step).

Every concrete edit subclasses `Edit` and registers its `kind` on definition, so `Edit.from_dict` can rebuild
any journaled record; the package imports every edit module, so the registry is full once it is imported.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from territory_desktop.core.plan import EditRefused, Plan

_REGISTRY: dict[str, type[Edit]] = {}


class Edit(ABC):
    """A change to a plan. `apply_to` mutates the plan and returns the inverse edit."""

    kind: ClassVar[str]
    label: str

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "kind" in cls.__dict__:
            _REGISTRY[cls.kind] = cls

    @abstractmethod
    def apply_to(self, plan: Plan) -> Edit: ...

    @abstractmethod
    def to_dict(self) -> dict[str, Any]: ...

    def audit_reason(self) -> str:
        """Why this step was taken, for the audit trail ("" for edits that move nothing)."""
        return ""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Edit:
        """Rebuild an edit from its journal form; ValueError if the record is not one we know."""
        try:
            cls = _REGISTRY[d["kind"]]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"unknown edit record: {str(d)[:80]}") from exc
        return cls._from_dict(d)

    @classmethod
    @abstractmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit: ...


@dataclass
class Batch(Edit):
    """Several edits applied as one step (a bulk action); undone in reverse order."""

    edits: list[Edit] = field(default_factory=list)
    label: str = "Edit"
    kind: ClassVar[str] = "batch"

    def apply_to(self, plan: Plan) -> Edit:
        inverses: list[Edit] = []
        try:
            for e in self.edits:
                inverses.append(e.apply_to(plan))
        except EditRefused:
            for inv in reversed(inverses):  # leave the plan as it was
                inv.apply_to(plan)
            raise
        return Batch(list(reversed(inverses)), self.label)

    def audit_reason(self) -> str:
        return "; ".join(dict.fromkeys(r for e in self.edits if (r := e.audit_reason())))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "edits": [e.to_dict() for e in self.edits], "label": self.label}

    @classmethod
    def _from_dict(cls, d: dict[str, Any]) -> Edit:
        return cls([Edit.from_dict(e) for e in d["edits"]], d.get("label", "Edit"))
