"""Help → About: the name, the version (defined once, in pyproject) and what ships inside.

The licences of the bundled libraries and data are read from `resources/THIRD-PARTY-LICENSES.md`, the file
the installers ship beside the app, so the dialog and the file can never disagree.
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from territory_desktop import __version__
from territory_desktop.io.resources import resource_path

LICENSES_FILE = "THIRD-PARTY-LICENSES.md"
ICON_FILE = ("icons", "territory-desktop-128.png")


def licenses_text() -> str:
    """The third-party licences as Markdown, or a sentence saying where the file was looked for."""
    try:
        return resource_path(LICENSES_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        return f"The list of third-party licences could not be read: {exc}"


def app_icon() -> QIcon:
    """The app's icon from the shipped PNG sizes (an empty icon if they are missing)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        try:
            icon.addFile(str(resource_path("icons", f"territory-desktop-{size}.png")), QSize(size, size))
        except FileNotFoundError:
            continue
    return icon


class AboutDialog(QDialog):
    """Name, version and build facts on top; below, the licences of everything the app ships with."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Territory Desktop")
        self.setObjectName("aboutDialog")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(f"<span style='font-size:18pt; font-weight:600'>Territory Desktop</span>"
                            f"&nbsp;&nbsp;<span style='font-size:12pt'>version {__version__}</span>")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tagline = QLabel("Carve, balance and maintain sales territories, offline. Released under the MIT "
                         "licence.")
        tagline.setWordWrap(True)
        self.build = QLabel(f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
                            f" · {platform.system()} {platform.machine()}")
        self.build.setStyleSheet("color: #5B636E;")
        self.build.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head_text = QVBoxLayout()
        head_text.setSpacing(6)
        head_text.addWidget(self.title)
        head_text.addWidget(tagline)
        head_text.addWidget(self.build)
        head_text.addStretch(1)
        head = QHBoxLayout()
        head.setSpacing(16)
        head.addWidget(icon)
        head.addLayout(head_text, 1)

        self.licenses = QTextBrowser()
        self.licenses.setObjectName("licenses")
        self.licenses.setOpenExternalLinks(False)
        self.licenses.setMarkdown(licenses_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(self.licenses, 1)
        layout.addWidget(buttons)
        self.resize(860, 640)


def show_about(w: QWidget) -> None:
    """Help → About: the dialog, modal over the window."""
    dialog = AboutDialog(w)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
