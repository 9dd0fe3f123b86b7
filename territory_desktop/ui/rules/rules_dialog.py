"""Territories → Territory Rules…: each territory's definition, a live preview of what it would route, routing.

The dialog edits a copy of every territory's rules. As the planner types, a debounced preview says how many of
the unassigned accounts the selected territory's rules would take and how many accounts they cover that sit in
another territory, and the overlap/gap report is redone for all territories (0.3 s at 100k accounts × 200
territories, the columns factorised once per dialog). Nothing touches the plan until OK (one undoable step with
every territory's new rules) or "Route unassigned now" (one undoable step: the rules, if changed, and the move,
each account with the rule that sent it as its reason, which is what the change list shows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.edits import Batch, Edit, UpdateTerritory
from territory_desktop.core.plan import Plan
from territory_desktop.core.routing import (
    FIELD_LABELS,
    FIELDS,
    Columns,
    RuleError,
    county_column,
    parse_rules,
    preview_territory,
    read_rules_table,
    route,
    route_move,
    rule_report,
    rules_frame,
    rules_from_frame,
)
from territory_desktop.ui.rules.conditions_table import ConditionsTable

EDITOR_FIELDS = ("state", "zip_prefix", "zip", "county", "city", "segment", "industry", "account_id")
"""The fields offered, in the order planners think of them (geography, then segment, then named accounts)."""
OPERATOR_CHOICES = (("in", "is one of"), ("not_in", "is none of"))
PREVIEW_DELAY_MS = 250
ERROR_STYLE = "color: #B3261E;"

Rows = list[tuple[str, str, str]]


def rows_of(raw: list[dict[str, Any]]) -> Rows:
    """A territory's saved criteria as editor rows (field, operator, "a, b, c")."""
    out = []
    for d in raw or ():
        vals = d.get("values", ())
        text = vals if isinstance(vals, str) else ", ".join(str(v) for v in vals)
        out.append((str(d.get("field", "")), str(d.get("operator", "in")), text))
    return out


def dicts_of(rows: Rows) -> list[dict[str, Any]]:
    return [{"field": f, "operator": op, "values": value} for f, op, value in rows]


class TerritoryRulesDialog(QDialog):
    """List of territories; the selected one's conditions; preview, overlap/gap report; import/export; route."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.setWindowTitle("Territory Rules")
        self.plan: Plan = window.plan
        self.territories = self.plan.active_territories().tolist()
        self.rows: dict[int, Rows] = {t: rows_of(self.plan.territories[t].rules) for t in self.territories}
        self.current: int | None = None
        self._columns = Columns(self.plan)
        self._columns_of = self.plan.accounts
        self.errors: dict[int, str] = {}
        for t in self.territories:
            self._validate(t)

        intro = QLabel("A territory's rules say which accounts belong to it: an account must meet every condition "
                       "(values of one condition are alternatives). Named accounts go to their territory first; "
                       "otherwise the most specific rule wins, and accounts no rule takes go to the nearest rep "
                       "with room.", self)
        intro.setWordWrap(True)

        self.list = QListWidget(self)
        for t in self.territories:
            item = QListWidgetItem(self._item_text(t))
            item.setData(Qt.ItemDataRole.UserRole, t)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._select_row)
        self.list.setToolTip("Each territory with the number of its conditions (— = no rules)")
        widest = max((self.list.fontMetrics().horizontalAdvance(self._item_text(t) + " ⚠") for t in self.territories),
                     default=120)
        self.list.setMinimumWidth(min(widest + 36, 320))

        fields = [(f, FIELD_LABELS[f]) for f in EDITOR_FIELDS if f in FIELDS]
        self.conditions = ConditionsTable(fields, OPERATOR_CHOICES, "values, separated by commas", self)
        self.conditions.changed.connect(self._edited)
        self.heading = QLabel(self)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.report = QLabel(self)
        self.report.setWordWrap(True)
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.heading)
        rl.addWidget(self.conditions, 1)
        rl.addWidget(self.problem)
        box = QGroupBox("Preview", right)
        bl = QVBoxLayout(box)
        bl.addWidget(self.preview)
        rl.addWidget(box)
        rbox = QGroupBox("Overlaps and gaps (all territories)", right)
        rbl = QVBoxLayout(rbox)
        rbl.addWidget(self.report)
        rl.addWidget(rbox)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([self.list.minimumWidth(), 760])

        self.import_button = QPushButton("&Import CSV…", self)
        self.export_button = QPushButton("&Export CSV…", self)
        self.route_button = QPushButton("Route &unassigned now", self)
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.route_button.clicked.connect(self.route_now)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.route_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(split, 1)
        lay.addWidget(self.note)
        lay.addLayout(bottom)

        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.resize(1100, 720)
        if self.territories:
            self.list.setCurrentRow(0)
        else:
            self.conditions.setEnabled(False)
            self.heading.setText("This plan has no territories.")
        self.refresh_preview()

    # ----- selection and editing ----------------------------------------------------------------------------
    def select_territory(self, t: int) -> None:
        self.list.setCurrentRow(self.territories.index(t))

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        self.current = self.territories[row]
        self.heading.setText(f"<b>Conditions of {self.plan.territories[self.current].name}</b>")
        self.conditions.set_rows(self.rows[self.current])
        self.refresh_preview()

    def _edited(self) -> None:
        if self.current is None:
            return
        self.rows[self.current] = self.conditions.rows()
        self._validate(self.current)
        self._update_item(self.current)
        self._show_problem()
        self._timer.start()

    def _item_text(self, t: int) -> str:
        n = len(self.rows[t])
        bad = " ⚠" if t in self.errors else ""
        return f"{self.plan.territories[t].name}  ({n}){bad}" if n else f"{self.plan.territories[t].name}  (—)"

    def _update_item(self, t: int) -> None:
        self.list.item(self.territories.index(t)).setText(self._item_text(t))

    def _validate(self, t: int) -> bool:
        try:
            for i, (f, op, value) in enumerate(self.rows[t], 1):
                parse_rules([{"field": f, "operator": op, "values": value}], f"Condition {i}: ")
        except RuleError as exc:
            self.errors[t] = str(exc)
            return False
        self.errors.pop(t, None)
        return True

    def _show_problem(self) -> None:
        msgs = []
        if self.current in self.errors:
            msgs.append(self.errors[self.current])
        others = [self.plan.territories[t].name for t in self.errors if t != self.current]
        if others:
            msgs.append(f"Also to fix: {', '.join(others)}.")
        if self.current is not None and county_column(self.plan) is None \
                and any(f == "county" for f, _o, _v in self.rows[self.current]):
            msgs.append("This plan's export has no county column, so a County condition matches no account.")
        self.problem.setText(" ".join(msgs))
        self.problem.setVisible(bool(msgs))
        ok = not self.errors
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.route_button.setEnabled(ok)
        self.export_button.setEnabled(ok)

    # ----- the rules as the core reads them -----------------------------------------------------------------
    def trial_rules(self) -> dict[int, list[dict[str, Any]]]:
        """Every territory's rules as edited (validated: call when there are no errors)."""
        return {t: [c.to_dict() for c in parse_rules(dicts_of(self.rows[t]))] for t in self.territories}

    def changed_rules(self) -> dict[int, list[dict[str, Any]]]:
        """The territories whose rules differ from the plan's, with their new rules."""
        trial = self.trial_rules()
        out = {}
        for t, new in trial.items():
            old = [c.to_dict() for c in parse_rules(self.plan.territories[t].rules)]
            if new != old:
                out[t] = new
        return out

    def _rule_edits(self) -> list[Edit]:
        return [UpdateTerritory(t, {"rules": new}, "Edit territory rules") for t, new in self.changed_rules().items()]

    def _cols(self) -> Columns:
        if self._columns_of is not self.plan.accounts:  # a refresh replaced the accounts: factorise again
            self._columns, self._columns_of = Columns(self.plan), self.plan.accounts
        return self._columns

    # ----- preview ------------------------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Recompute the selected territory's preview and the overlap/gap report under the edited rules."""
        self._timer.stop()
        self._show_problem()
        if self.errors:
            self.preview.setText("<i>Fix the condition marked above to see the preview.</i>")
            self.report.setText("")
            return
        trial = self.trial_rules()
        cols = self._cols()
        routing = route(self.plan, rules=trial, fallback=False, columns=cols)
        counts = routing.counts()
        unassigned = int((self.plan.assignment < 0).sum())
        lines = []
        if self.current is not None:
            pv = preview_territory(self.plan, self.current, trial, routing, cols)
            name = self.plan.territories[self.current].name
            lines.append(f"With these rules <b>{name}</b> would take <b>{pv.takes_unassigned:,}</b> of the "
                         f"{unassigned:,} unassigned accounts.")
            if pv.covers:
                where = ", ".join(f"{k} {v:,}" for k, v in list(pv.elsewhere_in.items())[:4])
                more = " …" if len(pv.elsewhere_in) > 4 else ""
                lines.append(f"Its rules cover {pv.covers:,} accounts; <b>{pv.covers_elsewhere:,}</b> of them sit in "
                             f"other territories" + (f" ({where}{more})." if where else "."))
            else:
                lines.append("Its rules cover no account.")
        routed = counts["named"] + counts["rule"]
        rest = unassigned - routed
        lines.append(f"All territories: {routed:,} of the {unassigned:,} unassigned accounts would be routed by a "
                     f"rule or as named accounts; {rest:,} meet no rule (routing gives them to the nearest rep "
                     "with room, if one has room).")
        self.preview.setText("<br>".join(lines))
        words = rule_report(self.plan, trial, cols).words(self.plan, limit=4)
        self.report.setText("<br>".join(f"• {w}" for w in words))

    # ----- files ----------------------------------------------------------------------------------------
    def import_csv(self, path: str | None = None) -> bool:
        """Replace the rules of the territories a CRM rules CSV names (applied with OK)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import territory rules", "", "Rules (*.csv)")
            if not path:
                return False
        try:
            loaded = rules_from_frame(self.plan, read_rules_table(path), Path(path).name)
        except RuleError as exc:
            self.note.setStyleSheet(ERROR_STYLE)
            self.note.setText(f"Not imported: {exc}")
            return False
        for t, crit in loaded.items():
            if t in self.rows:
                self.rows[t] = rows_of(crit)
                self._validate(t)
                self._update_item(t)
        if self.current is not None:
            self.conditions.set_rows(self.rows[self.current])
        self.note.setStyleSheet("")
        self.note.setText(f"Imported the rules of {len(loaded)} territor{'y' if len(loaded) == 1 else 'ies'} from "
                          f"{Path(path).name}; OK applies them.")
        self.refresh_preview()
        return True

    def export_csv(self, path: str | None = None) -> bool:
        """Write the rules as edited: territory, field, operator, value — the table a CRM admin loads."""
        from territory_desktop.io.export import neutralise

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export territory rules", "territory_rules.csv",
                                                  "Rules (*.csv)")
            if not path:
                return False
        frame = rules_frame(self.plan, self.trial_rules())
        try:
            frame.map(lambda v: neutralise(v) if isinstance(v, str) else v).to_csv(path, index=False)
        except OSError as exc:
            self.note.setStyleSheet(ERROR_STYLE)
            self.note.setText(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.note.setStyleSheet("")
        self.note.setText(f"Wrote {len(frame):,} rule rows to {Path(path).name}.")
        return True

    # ----- applying -------------------------------------------------------------------------------------
    def route_now(self) -> bool:
        """Route every unassigned account under the edited rules: one undoable step (rules + move)."""
        if self.errors:
            return False
        trial = self.trial_rules()
        routing = route(self.plan, rules=trial, columns=self._cols())
        edits = self._rule_edits()
        move = route_move(routing)
        if move is None:
            c = routing.counts()
            self.note.setStyleSheet("")
            self.note.setText("No unassigned account to route." if not c["unrouted"] else
                              f"None of the {c['unrouted']:,} unassigned accounts can be routed: "
                              f"{routing.unrouted_reasons[0]}.")
            return False
        edits.append(move)
        if not self.window.controller.apply(Batch(edits, move.label)):
            self.note.setStyleSheet(ERROR_STYLE)
            self.note.setText("Routing was refused (see the status bar).")
            return False
        c = routing.counts()
        text = (f"Routed {len(routing.rows):,} accounts: {c['named']:,} named, {c['rule']:,} by a rule, "
                f"{c['nearest']:,} to the nearest rep with room")
        text += f"; {c['unrouted']:,} could not be routed ({routing.unrouted_reasons[0]})." if c["unrouted"] else "."
        self.note.setStyleSheet("")
        self.note.setText(text + " Edit → Undo takes it back in one step.")
        self.window.show_status(text)
        self.refresh_preview()
        return True

    def accept(self) -> None:
        if self.errors:
            return
        edits = self._rule_edits()
        if edits:
            n = len(edits)
            label = f"Edit the rules of {self.plan.territories[next(iter(self.changed_rules()))].name}" if n == 1 \
                else f"Edit the rules of {n} territories"
            for e in edits:
                e.label = label
            if not self.window.controller.apply(Batch(edits, label)):
                return
            self.window.show_status(label + ".")
        super().accept()
