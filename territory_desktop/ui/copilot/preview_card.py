"""The card beneath the suggestion list that Preview opens: the touched territories' figures before → after.

A widget of its own so the dock only says which suggestion to show; the card words it (rich text, one heading
per territory, each balanced measure with its band word) and carries its own look.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from territory_desktop.core.plan import Plan
from territory_desktop.solver.copilot.suggestions import Suggestion
from territory_desktop.ui.copilot.suggestion_words import (
    accounts_words,
    dev_text,
    html_escape,
    territory_name,
    value_text,
)
from territory_desktop.ui.theme.style import ACCENT, BORDER, MUTED


class PreviewCard(QLabel):
    """A selectable rich-text card, hidden until a suggestion is previewed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewCard")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(f"QLabel#previewCard {{ background: #FFFFFF; border: 1px solid {BORDER}; "
                           f"border-left: 3px solid {ACCENT}; border-radius: 4px; padding: 6px; }}")
        self.setAccessibleName("Preview: before and after")
        self.hide()

    def show_suggestion(self, plan: Plan, s: Suggestion) -> None:
        """Word `s` on `plan` and show the card."""
        self.setText(preview_html(plan, s))
        self.show()


def preview_html(plan: Plan, s: Suggestion) -> str:
    """The touched territories, one line per balanced measure: before → after, each with its band word."""
    near = plan.settings.near_fraction
    bands = {m.measure: m.band for m in plan.settings.measures}
    dest = territory_name(plan, s.to_territory)
    src = territory_name(plan, s.from_territory)
    out = [f"<b>{html_escape(accounts_words(s.n_accounts))} from {html_escape(src)} to {html_escape(dest)}</b>"
           + (" <span style='color:#8A5300'>(out of date: the plan changed since)</span>"
              if s.is_stale(plan) else "")]
    rows = []
    last = None
    for d in s.deltas:
        if d.territory != last:  # one heading per territory, its measures beneath
            last = d.territory
            name = territory_name(plan, d.territory)
            rows.append(f"<tr><td colspan='4' style='padding-top:4px'><b>{html_escape(name)}</b></td></tr>")
        band = bands.get(d.measure, 0.0)
        rows.append(f"<tr><td style='color:{MUTED}'>{html_escape(d.measure)}&nbsp;&nbsp;</td>"
                    f"<td align='right' style='white-space:nowrap'>{value_text(d.measure, d.before)} "
                    f"{dev_text(d.dev_before, band, near)}</td><td>&nbsp;→&nbsp;</td>"
                    f"<td style='white-space:nowrap'>{value_text(d.measure, d.after)} "
                    f"<b>{dev_text(d.dev_after, band, near)}</b></td></tr>")
    if rows:
        out.append("<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>")
    return "".join(out)
