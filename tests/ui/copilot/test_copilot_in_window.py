"""The co-pilot dock inside the main window: accepting goes on the window's undo stack; the dock follows the
document the window shows; closing the window stops the solver client."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSettings, Qt

from territory_desktop.core import kpis
from territory_desktop.solver.copilot.suggestions import make_suggestions
from territory_desktop.ui.hub.document import Document
from territory_desktop.ui.shell.main_window import MainWindow
from tests.conftest import make_plan
from tests.ui.copilot.test_suggestions_dock import FakeClient


class WindowClient(FakeClient):
    def __init__(self) -> None:
        super().__init__()
        self.plans: list = []
        self.stopped = False

    def set_plan(self, plan) -> None:
        self.plans.append(plan)

    def shutdown(self) -> None:
        self.stopped = True


def test_accepting_a_suggestion_in_the_window_is_undoable_and_updates_the_panel(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    plan = make_plan(200, 4, seed=3)
    window = MainWindow(plan, settings=settings, restore_state=False, start_journal=False)
    qtbot.addWidget(window)
    client = WindowClient()
    dock = window.attach_copilot(client)
    window.resize(1366, 768)
    window.show()
    assert window.copilot_dock.isVisible()
    solution = np.where(plan.assignment == 0, 1, plan.assignment)
    client.suggestionsChanged.emit(make_suggestions(plan, solution, plan.version, min_gain=0))
    qtbot.waitUntil(lambda: dock.panel.list.count() > 0, timeout=2000)
    before = plan.assignment.copy()
    accounts_t1 = int(kpis.territory_table(window.plan).loc[1, "accounts"])
    s = dock.panel.current()
    qtbot.mouseClick(dock.panel.accept_button, Qt.MouseButton.LeftButton)
    assert int(kpis.territory_table(plan).loc[1, "accounts"]) == accounts_t1 + s.n_accounts
    assert window.undo_group.activeStack().count() == 1
    window.undo_group.undo()
    assert np.array_equal(plan.assignment, before)

    other = make_plan(50, 3, seed=9)
    window.set_document(Document(other))
    assert client.plans[-1] is other and dock.panel.plan is other
    window.close()
    assert client.stopped


import pytest  # noqa: E402


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_laptop_and_desktop_layouts_fit_the_screen_and_show_three_suggestions(qtbot, tmp_path, size):
    """The co-pilot shows at least three whole suggestions, every territory column (Lock included) is in
    view, and the window is no wider than the screen it was sized for."""
    from PySide6.QtWidgets import QApplication

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    plan = make_plan(600, 25, seed=4)
    for t in plan.territories:  # names as long as the sample's ("Albuquerque Enterprise", "Christopher M...")
        t.name, t.rep = f"{t.name} Albuquerque Enterprise", f"{t.rep} Christopher Martinez"
    window = MainWindow(plan, settings=settings, restore_state=False, start_journal=False)
    qtbot.addWidget(window)
    client = WindowClient()
    dock = window.attach_copilot(client)
    window.resize(*size)
    window.show()
    window.arrange_default_layout()
    solution = np.roll(plan.assignment, 7) % 25
    client.suggestionsChanged.emit(make_suggestions(plan, solution, plan.version, min_gain=0))
    qtbot.waitUntil(lambda: dock.panel.list.count() >= 5, timeout=3000)
    QApplication.processEvents()
    assert window.width() <= size[0]
    lst = dock.panel.list
    whole = [i for i in range(lst.count())
             if lst.viewport().rect().contains(lst.visualItemRect(lst.item(i)))]
    assert len(whole) >= 3, f"only {len(whole)} suggestions in view at {size}"
    view = window.territory_panel.view
    assert view.horizontalScrollBar().maximum() == 0, "a territory column is scrolled off"
