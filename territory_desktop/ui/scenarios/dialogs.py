"""The small dialogs of the Scenarios menu: a name and notes for a new scenario, a rename, the notes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.scenarios import MAX_NAME, ScenarioError


class ScenarioDialog(QDialog):
    """Name and notes of a scenario. `check` is the rule the name must pass (the scenario set's): its
    message is shown under the field and OK stays disabled until the name is acceptable."""

    def __init__(self, title: str, intro: str, name: str, notes: str, check: Callable[[str], str],
                 ok_text: str, parent: QWidget | None = None, show_name: bool = True,
                 show_notes: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._check = check
        text = QLabel(intro)
        text.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText("e.g. FY27 — two new reps in Texas")
        self.name.selectAll()
        self.notes = QPlainTextEdit(notes)
        self.notes.setPlaceholderText("What this scenario tries, the assumptions behind it, who asked for it…")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(90)
        self.problem = QLabel("")
        self.problem.setObjectName("scenarioProblem")
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        if show_name:
            form.addRow("&Name:", self.name)
            form.addRow("", self.problem)
        else:
            self.name.hide()
            self.problem.hide()
        if show_notes:
            form.addRow("N&otes:", self.notes)
        else:
            self.notes.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(text)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.name.textChanged.connect(self._validate)
        self._show_name = show_name
        self._validate()
        self.resize(480, self.sizeHint().height())

    def _validate(self) -> None:
        if not self._show_name:
            self.ok.setEnabled(True)
            return
        try:
            self._check(self.name.text())
        except ScenarioError as exc:
            self.problem.setText(str(exc) if self.name.text().strip() else "")
            self.ok.setEnabled(False)
            return
        self.problem.setText("")
        self.ok.setEnabled(True)

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), self.notes.toPlainText().strip()
