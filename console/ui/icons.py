"""State marks drawn from the bundled SVG icons (``console/resources/icons``).

A mark is never an emoji: a shop PC often has no emoji font, and the character
would show as a missing-glyph box. ``IconLine`` is a one-line message that
starts with such a mark (e.g. the "machine is locked" line).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from console.resources import state_icon_file

_CACHE: dict[str, QIcon] = {}


def state_icon(name: str) -> QIcon:
    """The bundled icon ``icons/<name>.svg`` (null when the file is missing)."""
    icon = _CACHE.get(name)
    if icon is None:
        path = state_icon_file(name)
        icon = QIcon(str(path)) if path.is_file() else QIcon()
        _CACHE[name] = icon
    return icon


class IconLine(QWidget):
    """A mark (``icon``, a QLabel with a pixmap) before a word-wrapped text (``label``)."""

    def __init__(self, icon_name: str, style: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("iconLine")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        if style:
            self.setStyleSheet(f"#iconLine {{ {style} }} QLabel {{ {style} padding:0; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.icon = QLabel()
        side = max(16, self.fontMetrics().height())
        self.icon.setPixmap(state_icon(icon_name).pixmap(QSize(side, side)))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        self.label.setText(text)
