"""The window's commands on the selection and the dialogs it opens: move (Ctrl+M) and lock the selected
accounts, reports, refresh, rules, lock rules, review, balance settings, what-ifs, plan history, and focus
moves between the views. A mixin of MainWindow, kept apart so main_window.py is layout and wiring; each
dialog lives in its own package and is imported when first opened (not on the start path)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from territory_desktop.core.edits import SetAccountLocks
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.wording import counted
from territory_desktop.ui.accounts.move_chooser import MoveChooser
from territory_desktop.ui.shell.settings_commands import open_balance_settings, preview_settings


class WindowCommands:
    """Menu and shortcut commands of the main window (mixed into MainWindow)."""

    # ----- accounts -------------------------------------------------------------------------------------
    def selected_rows(self) -> np.ndarray:
        rows = self.selection.rows
        if not len(rows):
            rows = self.account_panel.selected_rows()
        return rows

    def move_selection(self, territory: int | None = None) -> bool:
        """Ctrl+M: move the selected accounts to a territory picked from a filterable list."""
        rows = self.selected_rows()
        if not len(rows):
            self.show_status("Select accounts in the table first, then press Ctrl+M to move them.")
            return False
        if territory is None:
            territory = MoveChooser.choose(self.plan, self, allow_unassigned=True, rows=rows)
            if territory is None:
                return False
        return self.territory_panel.move_rows_to(rows, territory)

    def lock_selection(self, locked: bool) -> bool:
        rows = self.selected_rows()
        if not len(rows):
            self.show_status("Select accounts in the table first.")
            return False
        ok = self.controller.apply(SetAccountLocks(rows, locked))
        if ok:
            self.show_status(f"{'Locked' if locked else 'Unlocked'} {counted(len(rows), 'account')}.")
        return ok

    # ----- reports ------------------------------------------------------------------------------------------
    def open_reports(self) -> None:
        """File → Reports…: the reports dialog writes the PDFs and the workbook with progress and cancel."""
        from territory_desktop.ui.reports import open_reports  # matplotlib: not on the start path

        open_reports(self, self.doc)

    # ----- the living plan (refresh, rules, lock rules, quarterly review): dialogs of their own packages ------
    def open_refresh(self) -> None:
        """File → Refresh from CRM Export…: the difference is shown first; applying it is one undoable edit."""
        from territory_desktop.ui.refresh import open_refresh

        open_refresh(self)

    def open_rules(self) -> None:
        """Territories → Territory Rules…: edit the definitions, preview what they route, route."""
        from territory_desktop.ui.rules import open_rules

        open_rules(self)

    def open_lock_rules(self) -> None:
        """Territories → Lock by Rule…: a filter whose accounts are locked, kept as a rule."""
        from territory_desktop.ui.rules import open_lock_rules

        open_lock_rules(self)

    def open_review(self) -> None:
        """Territories → Quarterly Review…"""
        from territory_desktop.ui.review import open_review

        open_review(self)

    # ----- balance settings -----------------------------------------------------------------------------
    def open_balance_settings(self) -> bool:
        """Edit → Balance Settings…: live preview, one undoable edit on OK (shell/settings_commands.py)."""
        return open_balance_settings(self)

    def preview_settings(self, settings: BalanceSettings) -> None:
        """Re-evaluate the panel and the status bar under `settings` without editing the plan."""
        preview_settings(self, settings)

    # ----- focus and layout -----------------------------------------------------------------------------
    def focus_table(self) -> None:
        self.workspace.show_page("accounts")
        self.account_panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        self.account_panel.focus_search()

    def focus_map(self) -> None:
        self.workspace.show_page("map")
        self.map_view.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _share_table_filter(self) -> None:
        """The map's "Table filter" shows what the table shows: the rows, or None when nothing narrows it."""
        model = self.account_panel.model
        narrowed = model.filters.active or bool(model.search_text.strip())
        self.map_view.set_filtered_rows(model.view_rows if narrowed else None)

    def focus_capacity(self) -> None:
        self.capacity_dock.show()
        self.capacity_dock.raise_()
        self.capacity_panel.chart.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def run_what_if(self, kind: str) -> None:
        """Add or remove a rep: the proposal is computed, shown, and applied as one undoable edit if accepted."""
        from territory_desktop.ui.capacity.whatif_dialog import run_what_if

        run_what_if(self, kind)

    def focus_territories(self) -> None:
        self.territory_dock.show()
        self.territory_dock.raise_()
        self.territory_panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_plan_history(self) -> None:
        """Edit → Plan History: the saved audit trail of the scenario shown (who did what, when and why)."""
        from territory_desktop.ui.shell.history_view import PlanHistoryDialog

        PlanHistoryDialog.show_for(self.doc, self)

    def focus_history(self) -> None:
        self.history_dock.show()
        self.history_dock.raise_()
        self.history.setFocus(Qt.FocusReason.ShortcutFocusReason)
