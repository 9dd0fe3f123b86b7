"""The toolbar's scenario switcher: which scenario the window shows, changed with one click."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from territory_desktop.ui.hub.document import Document


class ScenarioSwitcher(QWidget):
    """A labelled combo of the document's scenarios; choosing one switches the document to it."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName("scenarioSwitcher")
        self.combo.setAccessibleName("Scenario")
        self.combo.setToolTip("The scenario shown: each keeps its own assignment, territories, settings and undo "
                              "history (Scenarios menu: new, rename, notes, delete, compare)")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        label = QLabel("S&cenario:", self)
        label.setBuddy(self.combo)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 0, 4, 0)
        lay.setSpacing(6)
        lay.addWidget(label)
        lay.addWidget(self.combo)
        self.combo.activated.connect(self._chosen)
        self.doc: Document | None = None
        self.set_document(doc)

    def set_document(self, doc: Document) -> None:
        if self.doc is not None:
            self.doc.scenarioChanged.disconnect(self._refill)
            self.doc.scenariosChanged.disconnect(self._refill)
        self.doc = doc
        doc.scenarioChanged.connect(self._refill)
        doc.scenariosChanged.connect(self._refill)
        self._refill()

    def _refill(self, *_args: object) -> None:
        assert self.doc is not None
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for sc in self.doc.scenarios.scenarios:
                self.combo.addItem(sc.name)
                if sc.notes:
                    self.combo.setItemData(self.combo.count() - 1, sc.notes, Qt.ItemDataRole.ToolTipRole)
            self.combo.setCurrentIndex(self.doc.scenarios.active)

    def _chosen(self, index: int) -> None:
        if self.doc is not None and index >= 0:
            self.doc.switch_scenario(index)
