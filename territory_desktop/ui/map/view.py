"""The Map panel: a toolbar (select / lasso / paint, colour by, zoom, filter, export) over the map canvas.

It follows the open plan through its change events and the shared `Selection`, and edits only through the
plan controller with the same `MoveAccounts` edits as the table, so locks and eligibility refuse with the
same words and every move is one undo step. A drag of the selection carries the table's drag payload, so the
territories panel accepts a drop from the map exactly as from the table.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.io.basemap import BasemapUnavailable, load_basemap
from territory_desktop.ui.hub.drag_payload import drag_badge, encode_rows
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.preview import MovePreview, PreviewedMove
from territory_desktop.ui.hub.selection import Selection
from territory_desktop.ui.map.canvas import MapCanvas
from territory_desktop.ui.map.coloring import COLOR_MODES, account_colors, territory_status
from territory_desktop.ui.map.export import export_map
from territory_desktop.ui.map.outlines import OutlineCache
from territory_desktop.ui.map.overlays import geometry_path
from territory_desktop.ui.map.toolbar import build_toolbar
from territory_desktop.ui.map.tooltip import account_tooltip
from territory_desktop.ui.map.viewport import ProjectedPoints
from territory_desktop.ui.theme import icons


class MapView(QWidget):
    """Accounts and territories on a map, wired to the shared selection and the undo stack."""

    message = Signal(str)

    def __init__(self, plan: Plan, selection: Selection, controller: PlanController,
                 parent: QWidget | None = None, move_preview: MovePreview | None = None) -> None:
        super().__init__(parent)
        self.plan, self.selection, self.controller = plan, selection, controller
        self.move_preview = move_preview
        self._layers_due: set[int] = set()
        self._layers_timer = QTimer(self, singleShot=True, interval=0)
        self._layers_timer.timeout.connect(self._refresh_due_layers)
        self.canvas = MapCanvas(self)
        self.canvas.tooltip_for = self.tooltip
        self.outlines = OutlineCache(self)
        self.outlines.updated.connect(self._outline_ready)
        self.color_mode = "territory"
        self.only_filtered = False
        self._filtered: np.ndarray | None = None
        self._status: dict[int, str] = {}
        self._build()
        self._load_basemap()
        selection.changed.connect(self._on_selection)
        self.canvas.selectRequested.connect(self._select)
        self.canvas.paintRequested.connect(self._paint)
        self.canvas.contextRequested.connect(self._context_menu)
        self.canvas.dragSelection.connect(self._drag_selection)
        if move_preview is not None:
            move_preview.changed.connect(self._show_preview)
        self._attach(plan, controller)

    # ----- construction -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(build_toolbar(self))
        lay.addWidget(self.canvas, 1)

    def _load_basemap(self) -> None:
        self._basemap = None
        try:
            self._basemap = load_basemap()
        except BasemapUnavailable as exc:
            self.message.emit(f"The base map is missing ({exc}); accounts are drawn without it.")

    def _project_basemap(self) -> None:
        points = self.canvas.points
        if self._basemap is None or points is None:
            self.canvas.set_basemap([], [])
            return
        fwd = points.projection.forward
        # a conic projection of the whole world folds far continents over the screen: a US map draws its own
        countries = self._basemap.countries
        if points.projection.name.startswith("Albers"):
            countries = [s for s in countries if s.continent == "North America"]
        land = [geometry_path(s.geometry, fwd) for s in countries]
        states = [geometry_path(s.geometry, fwd) for s in self._basemap.states]
        self.canvas.set_basemap(land, states)

    # ----- plan -----------------------------------------------------------------------------------------
    def _attach(self, plan: Plan, controller: PlanController) -> None:
        self.plan, self.controller = plan, controller
        self._status = {}
        self._layers_due = set()
        plan.changed.connect(self._on_plan_changed)
        self.canvas.set_points(ProjectedPoints(plan.lon, plan.lat))
        if self.canvas.size_class is not None:
            self.set_size_by_potential(True)
        self._project_basemap()
        self.outlines.clear()
        self.canvas.outlines.clear()
        self.canvas.touch_shapes()
        self._filtered = None
        self._refresh_all()
        self.canvas.fit_rows()
        self.canvas.empty_text = self._empty_text()

    def set_plan(self, plan: Plan, controller: PlanController) -> None:
        """Show another plan (an opened file): recentred, outlines recomputed."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self._attach(plan, controller)

    def shutdown(self) -> None:
        self.outlines.shutdown()
        self.canvas.shutdown()

    def wait_ready(self, timeout_s: float = 10.0) -> bool:
        """Let the background outlines finish and paint every layer now (a screenshot or an export wants the
        finished map); False if outlines were still computing after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while self.outlines.busy and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        QApplication.processEvents()
        self.canvas.flush_layers()
        return not self.outlines.busy

    def _empty_text(self) -> str:
        if self.plan.n_accounts == 0:
            return "No accounts yet. Import a CSV or Excel export to see them on the map."
        if not self.canvas.points.placed.any():
            return ("None of the accounts could be placed: the export has no usable address, ZIP or "
                    "coordinates. The table lists them under the Unplaced filter.")
        return ""

    def _refresh_all(self) -> None:
        self._fill_paint_targets()
        self._label_pos: dict[int, tuple[float, float, int]] = {}
        self._recolor()
        self._refresh_territory_layers(self.plan.active_territories().tolist())
        self._refresh_homes()
        self.canvas.locked = self.plan.locked
        self._on_selection(self.selection.rows, None)

    def _recolor(self, rows: np.ndarray | None = None) -> None:
        """Colours and legend; after a move only the moved `rows` are recoloured when the mode allows it."""
        old_status = self._status
        self._table = kpis.territory_table(self.plan) if len(self.plan.active_territories()) else None
        self._status = territory_status(self.plan, self._table)
        band_changed = self._status != old_status
        if rows is not None and len(self.canvas.colors) == self.plan.n_accounts and not (
                self.color_mode == "band" and band_changed) and self.color_mode != "segment":
            colors, legend = account_colors(self.plan, self.color_mode, self._status, rows)
            self.canvas.colors[rows] = colors
            patched = self.canvas.patch_rows(rows)
        else:
            self.canvas.colors, legend = account_colors(self.plan, self.color_mode, self._status)
            patched = False
        self.canvas.legend = legend
        self.canvas.legend_title = dict(COLOR_MODES)[self.color_mode]
        if not patched:
            self.canvas.mark_points_dirty()

    def _members(self, territories: list[int]) -> dict[int, np.ndarray]:
        """Rows of each of these territories, in one pass over the plan (a move can touch hundreds)."""
        a = self.plan.assignment
        if not territories:
            return {}
        rows = np.flatnonzero(np.isin(a, np.asarray(territories, dtype=a.dtype)))
        order = np.argsort(a[rows], kind="stable")
        rows = rows[order]
        owners = a[rows]
        cuts = np.flatnonzero(np.diff(owners)) + 1
        groups = {int(g[0]): r for g, r in zip(np.split(owners, cuts), np.split(rows, cuts), strict=True)
                  if len(g)}
        return {t: groups.get(t, np.empty(0, dtype=np.int64)) for t in territories}

    def _refresh_territory_layers(self, changed: list[int]) -> None:
        """Homes and labels for every territory; positions and outlines (in the background) for `changed`."""
        p = self.plan
        pts = self.canvas.points
        act = set(p.active_territories().tolist())
        dropped = [t for t in self.canvas.outlines if t not in act]
        for t in dropped:
            del self.canvas.outlines[t]
        if dropped:
            self.canvas.touch_shapes()
        for t in [t for t in self._label_pos if t not in act]:
            del self._label_pos[t]
        for t, rows in self._members([t for t in changed if t in act]).items():
            placed = rows[pts.placed[rows]]
            self.outlines.request(t, pts.x[placed], pts.y[placed])
            if len(placed):
                self._label_pos[t] = (_median(pts.x[placed]), _median(pts.y[placed]), len(rows))
            else:
                self._label_pos.pop(t, None)
        self._refresh_labels()

    def _refresh_due_layers(self) -> None:
        due, self._layers_due = sorted(self._layers_due), set()
        if due:
            self._refresh_territory_layers(due)

    def _refresh_homes(self) -> None:
        """Rep homes, projected in one call (on opening and when territories change, not on every move)."""
        p, pts = self.plan, self.canvas.points
        terrs = [p.territories[t] for t in p.active_territories().tolist()]
        with_home = [t for t in terrs if t.has_home]
        hx, hy = pts.projection.forward(np.array([t.home_lon for t in with_home]),
                                        np.array([t.home_lat for t in with_home]))
        self.canvas.homes = [(float(x), float(y), t.color, t.rep or t.name)
                             for x, y, t in zip(hx, hy, with_home, strict=True) if np.isfinite(x)]
        self.canvas.touch_marks()

    def _refresh_labels(self) -> None:
        """One label per territory (name and primary deviation) at the median of its accounts, biggest first."""
        p = self.plan
        table = self._table
        col = f"dev_{p.settings.primary.measure}"
        devs = table[col].to_dict() if table is not None and col in table.columns else {}
        labels = []
        for t, (x, y, _size) in sorted(self._label_pos.items(), key=lambda kv: -kv[1][2]):
            text = f"{p.territories[t].name} {fmt.percent(float(devs.get(t, 0.0)), signed=True)}"
            labels.append((x, y, text, self._status.get(t) == "out"))
        self.canvas.labels = labels
        self.canvas.touch_marks()

    def _outline_ready(self, territory: int) -> None:
        g = self.outlines.get(territory)
        if territory >= self.plan.n_territories or self.plan.territories[territory].removed or g is None:
            self.canvas.outlines.pop(territory, None)
        else:
            terr = self.plan.territories[territory]
            self.canvas.outlines[territory] = (geometry_path(g, None), QColor(terr.color),
                                               self._status.get(territory) == "out")
        self.canvas.touch_shapes()

    def _restyle_outlines(self) -> None:
        """Out-of-band outlines are drawn heavier: repaint them only when a territory changed band."""
        changed = False
        for t, (path, color, out) in list(self.canvas.outlines.items()):
            now = self._status.get(t) == "out"
            if now != out:
                self.canvas.outlines[t] = (path, color, now)
                changed = True
        if changed:
            self.canvas.touch_shapes()

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind == "accounts":  # the account set was replaced (a refresh): the shell re-points every view
            return
        if change.kind == "assignment":
            self._recolor(np.asarray(change.rows, dtype=np.int64))
            self._restyle_outlines()
            # labels and outlines follow on the next turn of the event loop, once the new colours are shown;
            # moves in a row (a drag, undo held down) are gathered into one refresh
            self._layers_due.update(change.territories)
            self._layers_timer.start()
        elif change.kind == "locks":
            self.canvas.locked = self.plan.locked
            self.canvas.mark_points_dirty()
        elif change.kind == "territories":
            self._fill_paint_targets()
            self._recolor()
            for t, (path, _c, out) in list(self.canvas.outlines.items()):
                if t < self.plan.n_territories:
                    self.canvas.outlines[t] = (path, QColor(self.plan.territories[t].color), out)
            self.canvas.touch_shapes()
            self._restyle_outlines()
            self._refresh_territory_layers(list(change.territories) or self.plan.active_territories().tolist())
            self._refresh_homes()
        else:  # settings, segments, scores: bands and colours may change, membership does not
            self._recolor()
            self._restyle_outlines()
            self._refresh_labels()

    def _show_preview(self, move: PreviewedMove | None) -> None:
        """A co-pilot suggestion on the map: its accounts ringed, an arrow from them to their new territory."""
        c = self.canvas
        c.arrows = []
        c.highlight = None
        if move is not None and c.points is not None and len(move.rows) and move.to_territory >= 0:
            rows = move.rows[(move.rows >= 0) & (move.rows < self.plan.n_accounts)]
            rows = rows[c.points.placed[rows]]
            target = self.plan.territories[move.to_territory]
            if len(rows):
                x0, y0 = float(np.median(c.points.x[rows])), float(np.median(c.points.y[rows]))
                members = np.flatnonzero((self.plan.assignment == move.to_territory) & c.points.placed)
                if target.has_home:
                    hx, hy = c.points.projection.forward(np.array([target.home_lon]), np.array([target.home_lat]))
                    x1, y1 = float(hx[0]), float(hy[0])
                elif len(members):
                    x1, y1 = float(np.median(c.points.x[members])), float(np.median(c.points.y[members]))
                else:
                    x1, y1 = x0, y0
                c.highlight = rows
                if (x1, y1) != (x0, y0):
                    c.arrows = [(x0, y0, x1, y1, QColor(target.color).darker(160))]
        c.mark_points_dirty()

    # ----- modes, colour, filter --------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.canvas.mode = mode
        self.mode_buttons[mode].defaultAction().setChecked(True)
        self.paint_target.setVisible(mode == "paint")
        cursor = Qt.CursorShape.ArrowCursor if mode == "select" else Qt.CursorShape.CrossCursor
        self.canvas.setCursor(cursor)

    def set_color_mode(self, mode: str) -> None:
        self.color_mode = mode
        i = self.color_combo.findData(mode)
        if i != self.color_combo.currentIndex():
            self.color_combo.setCurrentIndex(i)
        self._recolor()

    def set_size_by_potential(self, on: bool) -> None:
        """Marker size by potential class (percentile ranks of the plan's own accounts, so any scale works)."""
        if self.size_button.isChecked() != bool(on):
            self.size_button.setChecked(bool(on))
        if on and self.plan.n_accounts:
            pot = self.plan.measure_values[:, self.plan.measure_names.index("potential")]
            rank = np.argsort(np.argsort(pot, kind="stable"), kind="stable") / max(len(pot) - 1, 1)
            self.canvas.size_class = np.where(rank >= 0.9, 2, np.where(rank >= 0.5, 1, 0)).astype(np.int8)
        else:
            self.canvas.size_class = None
        self.canvas.mark_points_dirty()

    def set_filtered_rows(self, rows: np.ndarray | None) -> None:
        """The rows the account table shows (None when it shows all): used when "Table filter" is on."""
        self._filtered = None if rows is None else np.asarray(rows, dtype=np.int64)
        self._apply_visible()

    def set_only_filtered(self, on: bool) -> None:
        self.only_filtered = bool(on)
        if self.filter_button.isChecked() != self.only_filtered:
            self.filter_button.setChecked(self.only_filtered)
        self._apply_visible()

    def _apply_visible(self) -> None:
        self.canvas.visible = np.sort(self._filtered) if self.only_filtered and self._filtered is not None \
            else None
        self.canvas.mark_points_dirty()

    def _fill_paint_targets(self) -> None:
        keep = self.paint_target.currentData()
        self.paint_target.blockSignals(True)
        self.paint_target.clear()
        p = self.plan
        for i in sorted(p.active_territories().tolist(), key=lambda i: p.territories[i].name.casefold()):
            self.paint_target.addItem(icons.swatch(p.territories[i].color), p.territories[i].name, int(i))
        j = self.paint_target.findData(keep)
        self.paint_target.setCurrentIndex(max(j, 0))
        self.paint_target.blockSignals(False)

    # ----- selection and edits ---------------------------------------------------------------------
    def _on_selection(self, rows: np.ndarray, source: object) -> None:
        self.canvas.selected = np.asarray(rows, dtype=np.int64)
        self.canvas.mark_points_dirty()

    def _select(self, rows: np.ndarray, op: str) -> None:
        current = self.selection.rows
        if op == "add":
            rows = np.union1d(current, rows)
        elif op == "remove":
            rows = np.setdiff1d(current, rows)
        elif op == "toggle":
            rows = np.setxor1d(current, rows)
        self.selection.set_rows(rows, self)
        n = len(self.selection.rows)
        if n:
            self.message.emit(f"{n:,} account{'s' if n != 1 else ''} selected on the map.")

    def move_rows(self, rows: np.ndarray, territory: int) -> bool:
        """Move rows to a territory: one undoable edit, refused with the table's words on a lock or rule."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return False
        name = self.plan.territories[territory].name if territory >= 0 else "Unassigned"
        noun = f"{len(rows):,} account{'s' if len(rows) != 1 else ''}"
        if not self.controller.apply(MoveAccounts(rows, territory, f"Move {noun} to {name}")):
            return False
        self.message.emit(f"Moved {noun} to {name}.")
        return True

    def _paint(self, rows: np.ndarray) -> None:
        target = self.paint_target.currentData()
        if target is None:
            self.message.emit("Add a territory first: Paint gives accounts to the territory chosen beside it.")
            return
        rows = rows[self.plan.assignment[rows] != int(target)]
        if not len(rows):
            self.message.emit("Nothing to paint: every account in the lasso is already in that territory.")
            return
        if self.move_rows(rows, int(target)):
            self.selection.set_rows(rows, self)

    def zoom_all(self) -> None:
        self.canvas.fit_rows(self.canvas.visible)

    def zoom_selection(self) -> None:
        rows = self.selection.rows
        if not len(rows) or not self.canvas.fit_rows(rows):
            self.message.emit("Select accounts (with a location) first, then zoom to them.")

    def zoom_territory(self, territory: int) -> None:
        if not self.canvas.fit_rows(np.flatnonzero(self.plan.assignment == territory)):
            self.message.emit(f"{self.plan.territories[territory].name} has no placed accounts.")

    def _drag_selection(self) -> None:
        rows = self.selection.rows
        if len(rows):
            self.canvas.start_drag(encode_rows(rows, self.plan.version), drag_badge(len(rows), self.font()))

    def context_menu(self, row: int = -1) -> QMenu:
        menu = QMenu(self)
        p = self.plan
        rows = self.selection.rows
        if row >= 0 and not np.isin(row, rows):
            rows = np.array([row])
            self.selection.set_rows(rows, self)
        move = menu.addMenu(icons.icon("move"), "Move selection to")
        order = sorted(p.active_territories().tolist(), key=lambda i: p.territories[i].name.casefold())
        for i in order:
            t = p.territories[i]
            act = move.addAction(icons.swatch(t.color), t.name + ("  (locked)" if t.locked else ""))
            act.triggered.connect(lambda _=False, i=i, r=rows: self.move_rows(r, i))
        move.setEnabled(bool(len(rows)) and bool(order))
        menu.addSeparator()
        menu.addAction("Zoom to selection", self.zoom_selection).setEnabled(bool(len(rows)))
        if row >= 0 and p.assignment[row] >= 0:
            t = int(p.assignment[row])
            menu.addAction(f"Zoom to {p.territories[t].name}", lambda: self.zoom_territory(t))
            menu.addAction(f"Select all of {p.territories[t].name}",
                           lambda: self.selection.set_rows(np.flatnonzero(p.assignment == t), self))
        menu.addAction("Zoom to all accounts", self.zoom_all)
        return menu

    def _context_menu(self, global_pos: QPoint, row: int) -> None:
        self.context_menu(row).exec(global_pos)

    def tooltip(self, row: int) -> str:
        return account_tooltip(self.plan, row)

    def export_dialog(self, ext: str = "png") -> None:
        filters = {"png": "PNG image (*.png)", "svg": "SVG vector (*.svg)", "pdf": "PDF document (*.pdf)"}
        path, _ = QFileDialog.getSaveFileName(self, "Export map", f"map.{ext}", filters[ext])
        if path:
            self.export(path)

    def export(self, path: str) -> bool:
        """Save the map as PNG (what is on screen) or SVG / PDF (vector, drawn by matplotlib)."""
        self.wait_ready()
        try:
            written = export_map(self.canvas, self.plan, self.outlines.items(), self._basemap, path)
        except OSError as exc:
            self.message.emit(f"Could not save {path}: {exc.strerror or exc}")
            return False
        except (ImportError, ValueError, RuntimeError, MemoryError) as exc:  # matplotlib missing or failing
            self.message.emit(f"Could not draw the map as {Path(path).suffix.lstrip('.').upper() or 'PNG'} "
                              f"({type(exc).__name__}: {exc}); PNG export still works.")
            return False
        self.message.emit(f"Saved the map to {written}.")
        return True


def _median(values: np.ndarray) -> float:
    """np.median of a non-empty array without its NaN checks and reductions: a drop touching every territory
    places 200 labels, and np.median's overhead was most of that (~60 µs a call against ~10 µs here)."""
    n = len(values)
    k = n // 2
    if n % 2:
        return float(np.partition(values, k)[k])
    part = np.partition(values, (k - 1, k))
    return float((part[k - 1] + part[k]) / 2)
