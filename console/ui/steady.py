"""Labels whose text changes often without re-laying-out (and repainting) the window.

Every ``QLabel.setText`` asks the parent's layout to recompute; inside the main
window that request climbs to the top and the whole window is repainted
(measured offscreen at 1280×860: 5–7 ms for each message shown, against
0.1 ms for the label alone). Under a burst of status updates and callbacks that
was a third of the GUI thread's time.

``SteadyBox(label, lines)`` takes the label out of the layout and holds it in a
container without one: the label's layout requests stop at the container,
which keeps its size while the text fits the lines it reserves, and only asks
the window for more room (or gives it back) when the text no longer fits.
Callers keep using the ``QLabel`` itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

_LAYOUT_REQUEST = QEvent.Type.LayoutRequest
_SHOW = QEvent.Type.ShowToParent
_SHOW_HIDE = (QEvent.Type.ShowToParent, QEvent.Type.HideToParent)


class SteadyBox(QWidget):
    """Holds ``label``; add the box, not the label, to a layout."""

    def __init__(self, label: QLabel, lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.lines = max(1, int(lines))
        label.setParent(self)
        label.installEventFilter(self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._height = self._reserved()
        self.setFixedHeight(self._height)
        if label.isHidden():
            self.hide()

    def _reserved(self) -> int:
        m = self.label.contentsMargins()
        return self.label.fontMetrics().lineSpacing() * self.lines + m.top() + m.bottom() + 2

    def _needed(self) -> tuple[int, int]:
        """(width, height) the label's text needs at the box's current width."""
        if self.label.wordWrap():
            return 0, self.label.heightForWidth(max(1, self.width()))
        hint = self.label.sizeHint()
        return hint.width(), hint.height()

    def _fit(self) -> None:
        width, height = self._needed()
        height = max(height, self._reserved())
        if self.label.text():
            # Grown for a long text, it stays grown until the label is cleared, so
            # that messages of different lengths in turn do not re-lay-out each time.
            height = max(height, self._height)
        if height != self._height:
            self._height = height
            self.setFixedHeight(height)  # the one case that re-lays-out the window
        if width > self.minimumWidth():
            self.setMinimumWidth(width)  # grows for longer text; never shrinks back
        self.label.setGeometry(0, 0, self.width(), self.height())

    def sizeHint(self) -> QSize:
        return QSize(self.label.sizeHint().width(), self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height)

    def event(self, e: QEvent) -> bool:
        if e.type() == _LAYOUT_REQUEST:
            self._fit()  # the label's text or font changed: it stops here
        return super().event(e)

    def eventFilter(self, watched: QObject, e: QEvent) -> bool:
        # The label is shown or hidden by its owner: the box follows.
        if watched is self.label and e.type() in (
            QEvent.Type.ShowToParent,
            QEvent.Type.HideToParent,
        ):
            self.setVisible(e.type() == QEvent.Type.ShowToParent)
        return False

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._fit()
