"""Checklist drop-downs of the account table's tool row: the multi-select filters and the column chooser
(which also sizes columns to their content and remembers the layout in QSettings).

A plain QMenu closes on every click, which makes ticking five territories out of 200 a chore; these buttons
open a popup list with checkboxes (Space toggles, typing narrows a long list) that stays open until the
planner clicks elsewhere or presses Esc.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.ui.accounts.filters import HIDDEN_BY_DEFAULT

Item = tuple[Hashable, str, QIcon | None]
"""(key, label, icon) of one checklist entry."""
_KEY_ROLE = Qt.ItemDataRole.UserRole
SEARCHABLE_FROM = 10
"""Lists longer than this get a filter line on top."""
WIDTH_LIMITS = (44, 280)
"""Bounds (px) of a column sized to its content; the planner can still drag it wider."""


class _Popup(QFrame):
    """The floating checklist; a Qt.Popup closes itself on a click outside."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(6)
        self.filter = QLineEdit(self, placeholderText="Type to narrow the list", clearButtonEnabled=True)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumWidth(220)
        buttons = QHBoxLayout()
        self.clear_button = QPushButton("Clear", self)
        self.all_button = QPushButton("Select all", self)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        lay.addWidget(self.filter)
        lay.addWidget(self.list)
        lay.addLayout(buttons)
        self.filter.textChanged.connect(self._narrow)

    def _narrow(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        if event.key() == Qt.Key.Key_Down and self.filter.hasFocus():
            self.list.setFocus()
            return
        super().keyPressEvent(event)


class ChecklistButton(QToolButton):
    """A tool button that drops down a checklist. `changed` fires on every tick; `checked()` reads it."""

    changed = Signal()

    def __init__(self, label: str, parent: QWidget | None = None, *, empty_means: str = "any") -> None:
        super().__init__(parent)
        self._label = label
        self._empty_means = empty_means
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setArrowType(Qt.ArrowType.NoArrow)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.popup = _Popup(self)
        self.popup.list.itemChanged.connect(self._on_item_changed)
        self.popup.clear_button.clicked.connect(lambda: self.set_checked(()))
        self.popup.all_button.clicked.connect(lambda: self.set_checked(self.keys()))
        self.clicked.connect(self.show_popup)
        self._update_text()

    # ----- content ---------------------------------------------------------------------------------------
    def set_items(self, items: Sequence[Item], checked: Iterable[Hashable] = ()) -> None:
        """Replace the entries; keys in `checked` start ticked. Emits nothing (the caller knows)."""
        wanted = set(checked)
        lst = self.popup.list
        lst.blockSignals(True)
        lst.clear()
        for key, label, icon in items:
            item = QListWidgetItem(label)
            if icon is not None:
                item.setIcon(icon)
            item.setData(_KEY_ROLE, key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)
            lst.addItem(item)
        lst.blockSignals(False)
        self.popup.filter.setVisible(len(items) > SEARCHABLE_FROM)
        self._update_text()

    def keys(self) -> list[Hashable]:
        lst = self.popup.list
        return [lst.item(i).data(_KEY_ROLE) for i in range(lst.count())]

    def checked(self) -> list[Hashable]:
        """Keys of the ticked entries, in list order."""
        lst = self.popup.list
        return [lst.item(i).data(_KEY_ROLE) for i in range(lst.count())
                if lst.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, keys: Iterable[Hashable], emit: bool = True) -> None:
        wanted = set(keys)
        lst = self.popup.list
        lst.blockSignals(True)
        for i in range(lst.count()):
            item = lst.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(_KEY_ROLE) in wanted
                               else Qt.CheckState.Unchecked)
        lst.blockSignals(False)
        self._update_text()
        if emit:
            self.changed.emit()

    def item_for(self, key: Hashable) -> QListWidgetItem | None:
        lst = self.popup.list
        for i in range(lst.count()):
            if lst.item(i).data(_KEY_ROLE) == key:
                return lst.item(i)
        return None

    # ----- behaviour ---------------------------------------------------------------------------------------
    def show_popup(self) -> None:
        self.popup.filter.clear()
        self.popup.adjustSize()
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        (self.popup.filter if self.popup.filter.isVisible() else self.popup.list).setFocus()
        if self.popup.list.currentRow() < 0 and self.popup.list.count():
            self.popup.list.setCurrentRow(0)

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        """"Segment" when nothing is ticked (any), "Segment: SMB" for one, "Segment: 3" for several."""
        ticked = [self.popup.list.item(i).text() for i in range(self.popup.list.count())
                  if self.popup.list.item(i).checkState() == Qt.CheckState.Checked]
        total = self.popup.list.count()
        if self._empty_means != "any":
            self.setText(self._label)
            self.setToolTip(f"{len(ticked)} of {total} shown — click to choose")
            return
        self.setText(self._label if not ticked else
                     f"{self._label}: {ticked[0]}" if len(ticked) == 1 else f"{self._label}: {len(ticked)}")
        self.setToolTip(f"{self._label}: {'any' if not ticked else ', '.join(ticked[:8])}"
                        f"{' …' if len(ticked) > 8 else ''} — click to choose")
        self.setProperty("active", bool(ticked))
        self.style().unpolish(self)
        self.style().polish(self)


class ColumnChooser(ChecklistButton):
    """Which columns an account table shows and how wide, remembered in QSettings under `settings_key`.

    The view's model must offer `columns` (objects with `key` and `title`) and `sample_texts(column)`.
    Imported columns (keys "src:...") start hidden: most repeat a field the table already shows.
    At least one column always stays visible.
    """

    def __init__(self, view: QTableView, settings: QSettings, settings_key: str,
                 parent: QWidget | None = None) -> None:
        super().__init__("Columns", parent, empty_means="none")
        self.view, self._settings, self._key = view, settings, f"{settings_key}/columns"
        self.popup.clear_button.setText("Defaults")
        self.popup.clear_button.clicked.disconnect()
        self.popup.clear_button.clicked.connect(lambda: self.set_checked(self._defaults()))
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.save)
        self.changed.connect(self._apply)
        view.horizontalHeader().sectionResized.connect(lambda *_: self._save_timer.start())

    def _columns(self) -> list:
        return list(self.view.model().columns)

    def _defaults(self) -> list[Hashable]:
        return [c.key for c in self._columns() if not c.key.startswith("src:") and c.key not in HIDDEN_BY_DEFAULT]

    def restore(self) -> None:
        """Apply the remembered layout to the model's current columns (call after the columns change)."""
        state = self._load()
        cols = self._columns()
        keys = {c.key for c in cols}
        visible = [k for k in state.get("visible", []) if k in keys] or self._defaults()
        widths = state.get("widths", {})
        h = self.view.horizontalHeader()
        h.blockSignals(True)
        for i, c in enumerate(cols):
            h.resizeSection(i, int(widths[c.key]) if c.key in widths else self.fit_width(i))
            h.setSectionHidden(i, c.key not in visible)
        h.blockSignals(False)
        self.set_items([(c.key, c.title, None) for c in cols], visible)

    def fit_width(self, column: int) -> int:
        """Width that shows the header and the first rows' text whole (CRM ids, territory names)."""
        model = self.view.model()
        bold = QFont(self.view.horizontalHeader().font())
        bold.setBold(True)  # style sheets often make headers bold; err on the wide side
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        header = QFontMetrics(bold).horizontalAdvance(title) + 34  # padding + sort arrow
        fm = self.view.fontMetrics()
        key = model.columns[column].key
        if key in ("territory", "moved"):
            # every territory name can appear here once accounts move: size for the longest, not the first rows
            names = [t.name for t in model.plan.territories if not t.removed] + ["Unassigned"]
            prefix = "from " if key == "moved" else ""
            content = max(fm.horizontalAdvance(prefix + n) for n in names) + 30
        else:
            content = max((fm.horizontalAdvance(s) for s in model.sample_texts(column) if s), default=0) + 30
        if key == "territory":
            content += 22  # the colour swatch
        return int(min(max(header, content, WIDTH_LIMITS[0]), WIDTH_LIMITS[1]))

    def _apply(self) -> None:
        shown = set(self.checked())
        h = self.view.horizontalHeader()
        for i, c in enumerate(self._columns()):
            h.setSectionHidden(i, c.key not in shown)
        self._save_timer.start()

    def _load(self) -> dict:
        raw = self._settings.value(self._key, "")
        try:
            state = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            state = {}  # a damaged setting only costs the planner their column layout
        return state if isinstance(state, dict) else {}

    def save(self) -> None:
        """Persist visible columns and widths (keeping widths of columns this plan does not have)."""
        self._save_timer.stop()
        state = self._load()
        h = self.view.horizontalHeader()
        cols = self._columns()
        widths = dict(state.get("widths", {}))
        for i, c in enumerate(cols):
            if not h.isSectionHidden(i) and h.sectionSize(i) > 0:
                widths[c.key] = h.sectionSize(i)
        visible = [c.key for i, c in enumerate(cols) if not h.isSectionHidden(i)]
        self._settings.setValue(self._key, json.dumps({"visible": visible, "widths": widths}))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self.checked():  # the last visible column: a table with no columns helps nobody
            self.popup.list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Checked)
            self.popup.list.blockSignals(False)
            return
        super()._on_item_changed(item)
