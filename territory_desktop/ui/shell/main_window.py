"""The planner's workspace: the account table in the middle, territories and edit history in docks, the
plan's health in the status bar, and the File/Edit/Accounts/Territories/View menus.

The window owns one `Document` at a time (plan + file + undo stack + recovery journal). Views never talk
to each other: each follows the plan's change events and the shared `Selection`. The window owns its file
commands (`files`: open, import, save, recovery) and export commands (`exports`), so this module is layout
and wiring.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QUndoGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from territory_desktop.core.plan import Plan
from territory_desktop.ui.accounts.panel import AccountPanel
from territory_desktop.ui.adjacency import AdjacencyCommands
from territory_desktop.ui.capacity.panel import CapacityPanel
from territory_desktop.ui.hub.document import OPENABLE, Document
from territory_desktop.ui.hub.preview import MovePreview
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.map.view import MapView
from territory_desktop.ui.scenarios.commands import ScenarioCommands
from territory_desktop.ui.scenarios.switcher import ScenarioSwitcher
from territory_desktop.ui.shell.dock_layout import arrange_docks
from territory_desktop.ui.shell.export_commands import ExportCommands
from territory_desktop.ui.shell.file_commands import FileCommands
from territory_desktop.ui.shell.history_view import HistoryView
from territory_desktop.ui.shell.menus import build_menus
from territory_desktop.ui.shell.move_reason import MoveReasonField
from territory_desktop.ui.shell.preferences import app_settings
from territory_desktop.ui.shell.status_bar import HealthStatus, Notice, SelectionSummary
from territory_desktop.ui.shell.window_commands import WindowCommands
from territory_desktop.ui.shell.window_state import WindowState
from territory_desktop.ui.shell.workspace import Workspace
from territory_desktop.ui.territories.panel import TerritoryPanel

APP_TITLE = "Territory Desktop"


class MainWindow(WindowCommands, WindowState, QMainWindow):
    """Main window over one document. `MainWindow(plan)` for an in-memory plan, or pass a Document. Its menu
    commands are in `window_commands.py`, its saved layout in `window_state.py`.

    A later panel (map, capacity, co-pilot) plugs in with `add_dock(...)` and follows the open plan through
    `documentChanged` (the new Document: its plan, controller) and `closing` (stop background work).
    """

    documentChanged = Signal(object)  # noqa: N815 (Qt naming) — the Document now shown
    closing = Signal()

    def __init__(self, plan: Plan | Document, settings: QSettings | None = None,
                 restore_state: bool = True, start_journal: bool = True) -> None:
        super().__init__()
        self.settings = settings if settings is not None else app_settings()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.doc = plan if isinstance(plan, Document) else Document(plan, parent=self)
        self.doc.setParent(self)
        self._start_journal = start_journal
        self.files = FileCommands(self)
        self.exports = ExportCommands(self, self.files.start_folder)
        self.selection = Selection(self)
        self.undo_group = QUndoGroup(self)
        self._bound: set[int] = set()
        self._bind_controller(self.doc.controller)
        self.scenarios = ScenarioCommands(self)
        self.adjacency = AdjacencyCommands(self)  # File → Import / Remove Adjacency (ui/adjacency)

        self.account_panel = self._make_account_panel()
        self.move_preview = MovePreview(self)
        self.map_view = MapView(self.doc.plan, self.selection, self.doc.controller, self, self.move_preview)
        self.map_view.message.connect(self.show_status)
        self.workspace = Workspace(self)
        self.workspace.add_page("accounts", "Accounts", self.account_panel)
        self.workspace.add_page("map", "Map", self.map_view)
        self.setCentralWidget(self.workspace)
        self.account_panel.model.view_changed.connect(self._share_table_filter)
        self.closing.connect(self.map_view.shutdown)
        self.territory_panel = TerritoryPanel(self.doc.plan, self.doc.controller, self, settings=self.settings)
        self.territory_panel.message.connect(self.show_status)
        self.territory_panel.selectAccounts.connect(lambda rows: self.selection.set_rows(rows, self.territory_panel))
        self.history = HistoryView(self.undo_group, self)
        self.health = HealthStatus(self.doc.plan, self)
        self.selection_summary = SelectionSummary(self)
        self.selection_summary.hide()
        self.statusBar().addPermanentWidget(self.selection_summary)
        self.statusBar().addPermanentWidget(self.health)
        self.selection.changed.connect(lambda rows, _src: self.selection_summary.show_rows(self.plan, rows))
        self.statusBar().setSizeGripEnabled(True)
        self.notice = Notice(self)
        self.territory_panel.view.setAccessibleName("Territories")
        self.history.setAccessibleName("Edit history")
        self.health.setAccessibleName("Plan health")

        self.menus = build_menus(self, self)
        self.actions_by_name = self.menus.actions
        self.scenario_switcher = ScenarioSwitcher(self.doc, self)
        self.move_reason = MoveReasonField(self.doc, self)
        self.menus.toolbar.addSeparator()
        self.menus.toolbar.addWidget(self.scenario_switcher)
        self.menus.toolbar.addWidget(self.move_reason)
        self.territory_dock = self.add_dock("territoriesDock", "Territories", self.territory_panel,
                                            Qt.DockWidgetArea.RightDockWidgetArea, "Ctrl+Shift+T")
        self.history_dock = self.add_dock("historyDock", "Edit History", self.history,
                                          Qt.DockWidgetArea.RightDockWidgetArea, "Ctrl+Shift+H")
        self.capacity_panel = CapacityPanel(self.doc.plan, self.selection, self)
        self.capacity_panel.territorySelected.connect(self.territory_panel.select_territory)
        self.capacity_panel.message.connect(self.show_status)
        self.capacity_panel.whatIfRequested.connect(self.run_what_if)
        self.capacity_dock = self.add_dock("capacityDock", "Capacity", self.capacity_panel,
                                           Qt.DockWidgetArea.BottomDockWidgetArea, "Ctrl+Shift+C")
        self.capacity_dock.visibilityChanged.connect(self.capacity_panel.set_on_screen)  # tab to front / behind
        self._watched: Plan | None = self.doc.plan
        self.doc.plan.changed.connect(self._on_plan_changed)
        self._size_default_layout()
        self._wire_document()
        if restore_state:
            self._restore_window_state()
        if start_journal:
            QTimer.singleShot(0, self._start_doc_journal)

    # ----- construction ---------------------------------------------------------------------------------
    def _make_account_panel(self) -> AccountPanel:
        return AccountPanel(self.doc.plan, self.selection, self.doc.controller, settings=self.settings,
                            parent=self)

    def add_dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea,
                 shortcut: str | None = None) -> QDockWidget:
        """Add a dock with its View-menu toggle: the one call a new panel (map, co-pilot) needs.

        `widget` may be a ready QDockWidget (e.g. the co-pilot's SuggestionsDock) or any widget to wrap.
        The object name keys the saved layout, so keep it stable.
        """
        if isinstance(widget, QDockWidget):
            dock = widget
            dock.setParent(self)
            dock.setWindowTitle(title)
        else:
            dock = QDockWidget(title, self)
            dock.setWidget(widget)
        dock.setObjectName(name)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        toggle.setText(f"Show {title}")
        if shortcut:
            toggle.setShortcut(shortcut)
        self.menus.add_dock_toggle(toggle)
        return dock

    def attach_copilot(self, client: object | None = None) -> QDockWidget:
        """Add the co-pilot dock. `client` defaults to a real SolverClient (a worker process); tests may pass
        a stand-in with the same signals. The dock follows every document the window shows."""
        from territory_desktop.ui.copilot.suggestions_dock import SuggestionsDock

        if client is None:
            from territory_desktop.ui.copilot.solver_client import SolverClient

            client = SolverClient(self.plan, self)
        self.copilot_client = client
        dock = SuggestionsDock(self.plan, lambda edit: self.controller.apply(edit), client, self.selection, self)
        dock.panel.move_preview = self.move_preview
        self.copilot_dock = self.add_dock("suggestionsDock", "Co-pilot", dock,
                                          Qt.DockWidgetArea.RightDockWidgetArea, "Ctrl+Shift+P")

        def follow(doc: Document) -> None:
            client.set_plan(doc.plan)
            dock.set_plan(doc.plan)

        self.documentChanged.connect(follow)
        if hasattr(client, "shutdown"):
            self.closing.connect(client.shutdown)
        self.arrange_default_layout()
        return dock

    def _size_default_layout(self) -> None:
        """A first-start size that fits the screen (85%), with docks arranged for it."""
        screen = QGuiApplication.primaryScreen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is not None and avail.width() > 0:
            self.resize(max(1024, int(avail.width() * 0.85)), max(700, int(avail.height() * 0.85)))
        self.arrange_default_layout()

    def arrange_default_layout(self) -> None:
        """Put the docks where the window size serves them best (shell/dock_layout.py)."""
        arrange_docks(self)

    def _wire_document(self) -> None:
        doc = self.doc
        doc.modifiedChanged.connect(lambda _m: self.update_title())
        doc.scenarioChanged.connect(lambda _i: self._show_scenario())
        doc.scenariosChanged.connect(self.update_title)
        self.update_title()

    def _bind_controller(self, ctl) -> None:  # noqa: ANN001 — PlanController
        """Put a scenario's undo stack in the window's group (once) and make it the active one."""
        if id(ctl) not in self._bound:
            self._bound.add(id(ctl))
            ctl.refused.connect(self.show_refusal)
            ctl.stack.indexChanged.connect(self._check_journal)
            self.undo_group.addStack(ctl.stack)
            key = id(ctl)
            ctl.destroyed.connect(lambda _o=None: self._bound.discard(key))
        self.undo_group.setActiveStack(ctl.stack)

    def _point_views_at(self, doc: Document) -> None:
        """Every view follows the document's active plan and its controller."""
        if self._watched is not None:
            self._watched.changed.disconnect(self._on_plan_changed)
        self._watched = doc.plan
        doc.plan.changed.connect(self._on_plan_changed)
        self.account_panel.set_plan(doc.plan, doc.controller)
        self.map_view.set_plan(doc.plan, doc.controller)
        self.capacity_panel.set_plan(doc.plan)
        self._share_table_filter()
        self.territory_panel.set_plan(doc.plan, doc.controller)
        self.health.set_plan(doc.plan)

    def _show_scenario(self) -> None:
        """The document switched scenario: views, undo and title follow; the selection stays when the
        scenarios hold the same accounts (the compare view selects accounts, then the planner switches)."""
        doc = self.doc
        rows = self.selection.rows
        self._bind_controller(doc.controller)
        self._point_views_at(doc)
        if len(rows) and rows.max() < doc.plan.n_accounts:
            self.selection.changed.emit(rows, None)  # re-announce: views rebuilt against the new plan
        else:
            self.selection.clear()
        self.update_title()
        self.show_status(f"Scenario: {doc.scenario_name}.")
        self.documentChanged.emit(doc)

    def _on_plan_changed(self, change) -> None:  # noqa: ANN001 — PlanChange
        """A refresh replaced the account set (or its undo put the old one back): the views rebuild once the
        edit is done, and the selection (rows of the old set) is dropped."""
        if change.kind == "accounts":
            QTimer.singleShot(0, self._rebuild_views)

    def _rebuild_views(self) -> None:
        self.selection.clear()
        self._point_views_at(self.doc)
        self.documentChanged.emit(self.doc)

    def _check_journal(self, _index: int = 0) -> None:
        """If the recovery journal stopped recording (disk full...), say so once and urge a save."""
        journal = self.doc.journal
        error = getattr(journal, "error", None)
        if error and not getattr(journal, "_warned", False):
            journal._warned = True
            self.notice.show_message(f"{error}\nSave your plan (Ctrl+S) to keep your work safe.", "error", 20)

    def _start_doc_journal(self) -> None:
        self.doc.start_journal()
        if self.doc.journal_problem:
            self.show_status(self.doc.journal_problem)

    # ----- document -------------------------------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        return self.doc.plan

    @property
    def controller(self):  # noqa: ANN201 — PlanController
        return self.doc.controller

    @property
    def territory_actions(self) -> dict:
        """The territories panel's commands, for the Territories menu."""
        return self.territory_panel.actions_by_name

    def set_document(self, doc: Document) -> None:
        """Show another document: every view follows the new plan; the old document is closed cleanly."""
        old = self.doc
        for ctl in old.controllers:
            if id(ctl) in self._bound:
                ctl.refused.disconnect(self.show_refusal)
                ctl.stack.indexChanged.disconnect(self._check_journal)
                self.undo_group.removeStack(ctl.stack)
                self._bound.discard(id(ctl))
        if self.scenarios.compare_dialog is not None:  # it compares the scenarios of the document closing
            self.scenarios.compare_dialog.close()
            self.scenarios.compare_dialog = None
        old.close()
        old.deleteLater()
        self.doc = doc
        doc.setParent(self)
        self._bind_controller(doc.controller)
        self.selection.clear()
        self._point_views_at(doc)
        self.scenario_switcher.set_document(doc)
        self.move_reason.set_document(doc)
        self._wire_document()
        if self._start_journal:
            self._start_doc_journal()
        self.documentChanged.emit(doc)

    def update_title(self) -> None:
        scenario = f" · {self.doc.scenario_name}" if len(self.doc.scenarios) > 1 else ""
        self.setWindowTitle(f"{self.doc.display_name}{scenario}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc.modified)

    # ----- messages -------------------------------------------------------------------------------------
    def show_status(self, text: str, seconds: float = 6.0) -> None:
        self.statusBar().showMessage(text, int(seconds * 1000))

    def show_refusal(self, text: str) -> None:
        """A refused edit: the reason in the status bar and in a notice that does not steal focus."""
        self.show_status(text, 10)
        self.notice.show_message(text, "error")

    def show_error(self, title: str, text: str) -> None:
        """A file problem after an explicit command: a modal message (hookable by tests)."""
        QMessageBox.warning(self, title, text)

    def ask(self, title: str, text: str, buttons: QMessageBox.StandardButton,
            default: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
        """A question with standard buttons (hookable by tests): the button the planner chose."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, self)
        box.setDefaultButton(default)
        return QMessageBox.StandardButton(box.exec())

    # ----- Qt events ------------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if self.notice.isVisible():
            self.notice.place()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape and self.notice.isVisible():
            self.notice.hide()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API) — a plan file dropped on the window
        if _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        path = _dropped_file(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.files.open_path(path))  # leave the drag loop before any dialog

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self.files.confirm_discard("closing"):
            event.ignore()
            return
        self.save_window_state()
        self.closing.emit()
        self.doc.close()
        event.accept()


def _dropped_file(mime) -> Path | None:  # noqa: ANN001 — QMimeData
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            p = Path(url.toLocalFile())
            if p.suffix.lower() in OPENABLE:
                return p
    return None
