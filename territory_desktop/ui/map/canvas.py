"""The map canvas: base map, accounts, outlines, rep homes, labels and legend, and the mouse and keyboard.

`MapCanvas` holds the state (what is shown, the caches, the gesture under way), its signals and the setters
the map view calls; the work is in four mixins, one concern each:

- `navigation.py` — the view: world↔screen transform, fit, zoom, pan, when a gesture has settled;
- `frame.py` — the layers put together into a frame (base map, outlines, accounts, marks) and `paintEvent`;
- `accounts_layer.py` — the accounts splatted by numpy (raster.py), patched in place after a move;
- `gestures.py` — mouse and keys turned into requests, hit tests, the lasso or rectangle being drawn.

Drawing is layered and cached: the base map is a pixmap per view, the accounts an ARGB image, outlines and
labels are vector on top. A pan or zoom re-splats (a few ms at 100k), a move recolours only the moved rows.
The canvas does not edit the plan: it reports what the planner asked for (`selectRequested`,
`paintRequested`, `contextRequested`, a drag of the selection) and the map view acts.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainterPath, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from territory_desktop.ui.map.accounts_layer import AccountsLayerMixin
from territory_desktop.ui.map.frame import FrameMixin
from territory_desktop.ui.map.gestures import GesturesMixin
from territory_desktop.ui.map.layers import ShapeRenderer, Sprites
from territory_desktop.ui.map.navigation import SETTLE_MS, NavigationMixin
from territory_desktop.ui.map.viewport import ProjectedPoints, Viewport


class MapCanvas(GesturesMixin, FrameMixin, AccountsLayerMixin, NavigationMixin, QWidget):
    """Draws one plan's accounts in a viewport and turns mouse gestures into requests."""

    selectRequested = Signal(object, str)  # noqa: N815 — (rows, "replace" | "add" | "remove" | "toggle")
    paintRequested = Signal(object)  # noqa: N815 — rows lassoed in paint mode
    contextRequested = Signal(QPoint, int)  # noqa: N815 — (global position, account row under it or -1)
    dragSelection = Signal()  # noqa: N815 — the planner drags the selected accounts out of the map
    viewChanged = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Map")
        self.view = Viewport()
        self.points: ProjectedPoints | None = None
        self.colors = np.empty(0, dtype=np.uint32)
        self.selected = np.empty(0, dtype=np.int64)
        self.locked = np.empty(0, dtype=bool)
        self.visible: np.ndarray | None = None  # rows shown (None: all)
        self.highlight: np.ndarray | None = None  # rows previewed (a co-pilot suggestion)
        self.mode = "select"
        self.size_class: np.ndarray | None = None  # 0 / 1 / 2 per account when sized by potential
        self.land: list[QPainterPath] = []
        self.borders: list[QPainterPath] = []
        self.outlines: dict[int, tuple[QPainterPath, QColor, bool]] = {}
        self.homes: list[tuple[float, float, QColor, str]] = []
        self.labels: list[tuple[float, float, str, bool]] = []
        self.legend: list[tuple[str, str]] = []
        self.legend_title = "Territory"
        self.arrows: list[tuple[float, float, float, float, QColor]] = []
        self.tooltip_for: callable | None = None  # row -> text
        self.empty_text = ""
        # caches of the frame (frame.py) and of the accounts layer (accounts_layer.py)
        self._base_cache: tuple[tuple, QPixmap] | None = None
        self._points_cache: tuple[tuple, QImage] | None = None
        self._buffer: np.ndarray | None = None
        self._points_dirty = True
        self.shapes_version = 0
        self._shapes: tuple[Viewport, int, QImage] | None = None  # outlines painted for (view, version)
        self._renderer = ShapeRenderer(self)
        self._renderer.ready.connect(self._shapes_ready)
        self._sprites = Sprites(self.font())
        self._frame: tuple[Viewport, QPixmap] | None = None
        self._frame_dirty = True
        # a pan or zoom under way (navigation.py)
        self._interact_until = 0.0
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        # the mouse gesture under way (gestures.py)
        self._press: QPointF | None = None
        self._press_button = Qt.MouseButton.NoButton
        self._press_row = -1
        self._gesture = ""  # "pan" | "rect" | "lasso" | "drag" | ""
        self._lasso: list[QPointF] = []
        self._last: QPointF | None = None
        self._fitted = False

    # ----- data --------------------------------------------------------------------------------------
    def set_points(self, points: ProjectedPoints) -> None:
        self.points = points
        self._fitted = False
        self._base_cache = None
        self.mark_points_dirty()

    def set_basemap(self, land: list[QPainterPath], borders: list[QPainterPath]) -> None:
        self.land, self.borders = land, borders
        self._base_cache = None
        self._frame_dirty = True
        self.update()

    def mark_points_dirty(self) -> None:
        self._points_dirty = True
        self._frame_dirty = True
        self.update()

    def touch_shapes(self) -> None:
        """The outlines changed (added, removed, restyled): repaint them off the UI thread."""
        self.shapes_version += 1
        self._frame_dirty = True
        self.update()

    def touch_marks(self) -> None:
        """Labels or rep homes changed."""
        self._frame_dirty = True
        self.update()

    def shutdown(self) -> None:
        self._renderer.shutdown()

    def candidates(self) -> np.ndarray | None:
        return self.visible
