"""Drag payload for accounts (and the little badge the cursor carries): plan row numbers and the plan version, packed as raw int64 bytes.

Row numbers (not ids or cells) keep a drag of 50,000 selected accounts as cheap as a drag of one; the
version lets a drop target refuse a payload dragged from an older state of the plan (or another window).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QMimeData, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap

MIME = "application/x-territory-accounts"
_MAGIC = b"TDA1"
_HEADER = len(_MAGIC) + 8  # magic + int64 plan version


def encode_rows(rows: np.ndarray | list[int], plan_version: int) -> QMimeData:
    """A QMimeData carrying these plan rows (deduplicated, sorted) and the plan version they refer to."""
    arr = np.unique(np.asarray(rows, dtype="<i8"))
    payload = _MAGIC + np.int64(plan_version).astype("<i8").tobytes() + arr.tobytes()
    mime = QMimeData()
    mime.setData(MIME, QByteArray(payload))
    mime.setText(f"{len(arr):,} account{'s' if len(arr) != 1 else ''}")
    return mime


def _payload(mime: QMimeData | None) -> bytes | None:
    if mime is None or not mime.hasFormat(MIME):
        return None
    data = bytes(mime.data(MIME).data())
    if len(data) < _HEADER or not data.startswith(_MAGIC) or (len(data) - _HEADER) % 8:
        return None
    return data


def decode_rows(mime: QMimeData | None) -> np.ndarray | None:
    """The plan rows of an accounts drag (int64), or None if the payload is not ours or is damaged."""
    data = _payload(mime)
    if data is None:
        return None
    return np.frombuffer(data, dtype="<i8", offset=_HEADER).astype(np.int64)


def decode_version(mime: QMimeData | None) -> int | None:
    """The plan version the dragged rows refer to, or None if the payload is not ours."""
    data = _payload(mime)
    if data is None:
        return None
    return int(np.frombuffer(data, dtype="<i8", count=1, offset=len(_MAGIC))[0])


def drag_badge(count: int, font: QFont) -> QPixmap:
    """The drag cursor's label: a small rounded pill saying how many accounts are being moved."""
    text = f"{count:,} account{'s' if count != 1 else ''}"
    f = QFont(font)
    f.setBold(True)
    w = QFontMetrics(f).horizontalAdvance(text) + 20
    pm = QPixmap(w, 24)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#2F6FDE"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRect(0, 0, w, 24), 12, 12)
    p.setPen(QColor("white"))
    p.setFont(f)
    p.drawText(QRect(0, 0, w, 24), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return pm
