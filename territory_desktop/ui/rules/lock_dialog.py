"""Territories → Lock by Rule…: locks kept as rules ("open pipeline over $250k", "named Enterprise accounts").

The rules live in the balance settings (`BalanceSettings.lock_rules`), so accounts that match later (a refresh
from the CRM) are locked too. The dialog counts live what each rule locks and how many of those are not locked
yet; OK is one undoable step that saves the rules and locks the matching accounts. Removing a rule asks whether
its accounts should be unlocked (those no remaining rule keeps locked), since a lock may also have been set by
hand.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.edits import Batch, Edit, SetAccountLocks, SetSettings
from territory_desktop.core.lock_rules import (
    FIELD_LABELS,
    OPERATORS,
    LockRuleError,
    check_condition,
    parse_lock_rules,
    rule_mask,
    rule_rows,
)
from territory_desktop.core.plan import Plan
from territory_desktop.core.wording import agree, counted
from territory_desktop.ui.rules.conditions_table import ConditionsTable

FIRST_FIELDS = ("pipeline", "potential", "segment", "industry", "named", "state", "tier", "score", "status",
                "owner", "employees", "revenue", "last_activity", "city", "zip", "country", "name", "account_id")
"""The account columns offered first (what planners lock by); any other column follows."""
HIDDEN_FIELDS = {"geo_source", "segment_basis", "potential_basis", "score_basis"}
ERROR_STYLE = "color: #B3261E;"
PREVIEW_DELAY_MS = 200

Conditions = list[tuple[str, str, str]]


def field_choices(plan: Plan) -> list[tuple[str, str]]:
    cols = [c for c in plan.accounts.columns if c not in HIDDEN_FIELDS]
    ordered = [c for c in FIRST_FIELDS if c in cols] + [c for c in cols if c not in FIRST_FIELDS]
    return [(c, FIELD_LABELS.get(c, c.replace("_", " ")).capitalize()) for c in ordered]


class LockRulesDialog(QDialog):
    """The lock rules: a list of names; the selected rule's name and conditions; live counts."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.plan: Plan = window.plan
        self.setWindowTitle("Lock by Rule")
        self.rules: list[tuple[str, Conditions]] = []
        for rule in _saved_rules(self.plan):
            self.rules.append((rule[0], rule[1]))
        self.pending_unlock = np.zeros(self.plan.n_accounts, dtype=bool)
        """Accounts of removed rules the planner chose to unlock (on OK, unless a remaining rule matches)."""
        self.unlocking_rules = 0
        """How many removed rules those accounts come from (so the count line says "rule" or "rules")."""
        self.current = -1

        intro = QLabel("Accounts that meet every condition of a rule are locked: they stay where they are when "
                       "you or the co-pilot move accounts. Rules are kept with the plan, so accounts that match "
                       "later (after a refresh from the CRM) are locked too.", self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(self._select)
        self.add_rule_button = QPushButton("Add &rule", self)
        self.remove_rule_button = QPushButton("Remove rule…", self)
        self.add_rule_button.clicked.connect(lambda: self.add_rule())
        self.remove_rule_button.clicked.connect(lambda: self.remove_rule())
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        lb = QHBoxLayout()
        lb.addWidget(self.add_rule_button)
        lb.addWidget(self.remove_rule_button)
        ll.addLayout(lb)

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Big open deals")
        self.name.textEdited.connect(self._renamed)
        self.conditions = ConditionsTable(field_choices(self.plan), [(o, o) for o in OPERATORS],
                                          "a value; for 'in', values separated by commas", self)
        self.conditions.changed.connect(self._edited)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.count = QLabel(self)
        self.count.setWordWrap(True)
        self.count.setTextFormat(Qt.TextFormat.RichText)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow("Rule &name:", self.name)
        rl.addLayout(form)
        rl.addWidget(self.conditions, 1)
        rl.addWidget(self.problem)
        box = QGroupBox("What it locks", right)
        bl = QVBoxLayout(box)
        bl.addWidget(self.count)
        rl.addWidget(box)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 600])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(split, 1)
        lay.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_counts)
        self.resize(900, 560)
        self._fill_list()
        if self.rules:
            self.list.setCurrentRow(0)
        self._sync()
        self.refresh_counts()

    # ----- the list of rules ------------------------------------------------------------------------------
    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name, _c in self.rules:
            self.list.addItem(name or "(no name)")
        self.list.blockSignals(False)

    def add_rule(self, name: str | None = None) -> int:
        """A new rule with one condition to fill in (open pipeline over …, the commonest lock)."""
        taken = {n.casefold() for n, _c in self.rules}
        if name is None:
            i = len(self.rules) + 1
            while f"lock rule {i}" in taken:
                i += 1
            name = f"Lock rule {i}"
        self.rules.append((name, [("pipeline", ">", "")]))
        self._fill_list()
        self.list.setCurrentRow(len(self.rules) - 1)
        self._sync()
        self.refresh_counts()
        return len(self.rules) - 1

    def remove_rule(self, index: int | None = None) -> bool:
        """Remove a rule; ask whether the accounts it locks (and no other rule does) should be unlocked."""
        index = self.current if index is None else index
        if not 0 <= index < len(self.rules):
            return False
        name, conds = self.rules[index]
        mine = self._mask(conds)
        others = np.zeros(self.plan.n_accounts, dtype=bool)
        for j, (_n, c) in enumerate(self.rules):
            if j != index:
                others |= self._mask(c)
        would_unlock = mine & ~others & self.plan.locked
        n = int(would_unlock.sum())
        if n:
            answer = self.window.ask(
                "Remove lock rule",
                f"Rule “{name}” locks {n:,} account{'s' if n != 1 else ''} that no other rule locks.\n\n"
                "Unlock them when you press OK? (No keeps them locked, as if locked by hand.)",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Yes:
                self.pending_unlock |= would_unlock
                self.unlocking_rules += 1
        del self.rules[index]
        self.current = -1
        self._fill_list()
        if self.rules:
            self.list.setCurrentRow(min(index, len(self.rules) - 1))
        else:
            self.conditions.set_rows([])
            self.name.clear()
        self._sync()
        self.refresh_counts()
        return True

    def _select(self, row: int) -> None:
        self.current = row
        if 0 <= row < len(self.rules):
            name, conds = self.rules[row]
            self.name.setText(name)
            self.conditions.set_rows(conds)
        self._sync()
        self.refresh_counts()

    def _sync(self) -> None:
        has = 0 <= self.current < len(self.rules)
        self.name.setEnabled(has)
        self.conditions.setEnabled(has)
        self.remove_rule_button.setEnabled(has)

    def _renamed(self, text: str) -> None:
        if 0 <= self.current < len(self.rules):
            self.rules[self.current] = (text, self.rules[self.current][1])
            self.list.item(self.current).setText(text or "(no name)")
            self._timer.start()

    def _edited(self) -> None:
        if 0 <= self.current < len(self.rules):
            self.rules[self.current] = (self.rules[self.current][0], self.conditions.rows())
            self._timer.start()

    # ----- checking and counting --------------------------------------------------------------------------
    def setting_rows(self) -> tuple[tuple[str, str, str, str], ...]:
        """The rules as the settings keep them; LockRuleError names the first problem."""
        seen: set[str] = set()
        for i, (name, conds) in enumerate(self.rules, 1):
            key = name.strip().casefold()
            if not key:
                raise LockRuleError(f"Rule {i} needs a name.")
            if key in seen:
                raise LockRuleError(f"Two rules are called “{name.strip()}”: give each its own name.")
            seen.add(key)
            if not conds:
                raise LockRuleError(f"Rule “{name.strip()}” has no condition: add one or remove the rule.")
        rows = [(name.strip(), f, op, v) for name, conds in self.rules for f, op, v in conds]
        return rule_rows(parse_lock_rules(rows, self.plan.accounts))

    def _mask(self, conds: Conditions) -> np.ndarray:
        """Accounts a rule's conditions match (none when a condition is not valid yet)."""
        if not conds:
            return np.zeros(self.plan.n_accounts, dtype=bool)
        try:
            rule = parse_lock_rules([("r", f, op, v) for f, op, v in conds], self.plan.accounts)[0]
        except LockRuleError:
            return np.zeros(self.plan.n_accounts, dtype=bool)
        return rule_mask(self.plan.accounts, rule)

    def refresh_counts(self) -> None:
        """The selected rule's count and all rules' count, or the first problem in red."""
        self._timer.stop()
        problem = ""
        try:
            self.setting_rows()
        except LockRuleError as exc:
            problem = str(exc)
        if 0 <= self.current < len(self.rules):
            try:  # the selected rule's own problem first: it is the one being typed
                for i, (f, op, v) in enumerate(self.rules[self.current][1], 1):
                    check_condition(self.plan.accounts, f, op, v, f"Condition {i}: ")
            except LockRuleError as exc:
                problem = str(exc)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        locked = self.plan.locked
        lines = []
        if 0 <= self.current < len(self.rules):
            m = self._mask(self.rules[self.current][1])
            lines.append(f"This rule locks <b>{int(m.sum()):,}</b> {agree(int(m.sum()), 'account')} "
                         f"(<b>{int((m & ~locked).sum()):,}</b> not locked now).")
        total = np.zeros(self.plan.n_accounts, dtype=bool)
        for _n, c in self.rules:
            total |= self._mask(c)
        unlock = int((self.pending_unlock & ~total & locked).sum())
        n_rules, n_locked = len(self.rules), int(locked.sum())
        rules = (f"All {n_rules:,} rules lock" if n_rules > 1
                 else f"{counted(n_rules, 'rule')} {agree(n_rules, 'locks', 'lock')}")
        lines.append(f"{rules} "
                     f"{int(total.sum()):,} of {counted(self.plan.n_accounts, 'account')} "
                     f"({int((total & ~locked).sum()):,} not locked now); {n_locked:,} "
                     f"{agree(n_locked, 'is', 'are')} locked now.")
        if unlock:
            lines.append(f"OK also unlocks {counted(unlock, 'account')} of the removed "
                         f"{agree(self.unlocking_rules, 'rule')}.")
        self.count.setText("<br>".join(lines))

    # ----- applying ---------------------------------------------------------------------------------------
    def edit(self) -> Edit | None:
        """One step: the new rules in the settings, the matching accounts locked, removed rules' unlocked."""
        rows = self.setting_rows()
        mask = np.zeros(self.plan.n_accounts, dtype=bool)
        for rule in parse_lock_rules(rows, self.plan.accounts):
            mask |= rule_mask(self.plan.accounts, rule)
        to_lock = np.flatnonzero(mask & ~self.plan.locked)
        to_unlock = np.flatnonzero(self.pending_unlock & ~mask & self.plan.locked)
        edits: list[Edit] = []
        if rows != self.plan.settings.lock_rules:
            edits.append(SetSettings(replace(self.plan.settings, lock_rules=rows), "Change lock rules"))
        if len(to_lock):
            edits.append(SetAccountLocks(to_lock, True))
        if len(to_unlock):
            edits.append(SetAccountLocks(to_unlock, False))
        if not edits:
            return None
        parts = []
        if len(to_lock):
            parts.append(f"lock {len(to_lock):,} account{'s' if len(to_lock) != 1 else ''}")
        if len(to_unlock):
            parts.append(f"unlock {len(to_unlock):,}")
        label = "Lock by rule" + (": " + ", ".join(parts) if parts else " (rules changed)")
        return Batch(edits, label)

    def accept(self) -> None:
        try:
            edit = self.edit()
        except LockRuleError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        if edit is not None:
            if not self.window.controller.apply(edit):
                return
            self.window.show_status(edit.label + ".")
        super().accept()


def _saved_rules(plan: Plan) -> list[tuple[str, Conditions]]:
    """The plan's lock rules grouped by name, in order (rows kept as saved, even one that no longer fits)."""
    out: dict[str, Conditions] = {}
    for name, f, op, v in plan.settings.lock_rules:
        out.setdefault(name, []).append((f, op, v))
    return list(out.items())
