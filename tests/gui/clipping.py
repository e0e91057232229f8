"""Which widgets of a window show less than their text needs (clipped text).

A widget squeezed below its minimum size hint cuts its text: a label without word
wrap narrower than its text, a wrapping label shorter than its wrapped lines, a
button, box, field or combo narrower or lower than its minimum, a tab narrower
than its title. Used by the high-DPI test, in a process of its own per scale.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisible() and widget.window() is window


TEXT_WIDGETS = (QLabel, QAbstractButton, QGroupBox, QLineEdit, QComboBox, QTabBar)


def text_widgets(window: QWidget) -> int:
    """How many widgets with text ``window`` shows now (what ``clipped`` looks at)."""
    return sum(
        1 for w in window.findChildren(QWidget) if isinstance(w, TEXT_WIDGETS) and _shown(w, window)
    )


def clipped(window: QWidget) -> list[str]:
    """One line per widget of ``window`` whose text does not fit: what, its text, sizes."""
    found: list[str] = []
    for w in window.findChildren(QWidget):
        if not _shown(w, window):
            continue
        where = f"{type(w).__name__} {w.objectName()!r}"
        if isinstance(w, QLabel):
            if w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height():
                    found.append(f"{where} {w.text()[:50]!r}: {w.height()} px high, needs {need}")
                continue
            hint = w.minimumSizeHint()
            if hint.width() > w.width() or hint.height() > w.height():
                found.append(f"{where} {w.text()[:50]!r}: {w.size().toTuple()} < {hint.toTuple()}")
        elif isinstance(w, (QAbstractButton, QGroupBox, QLineEdit, QComboBox)):
            hint = w.minimumSizeHint()
            if hint.width() > w.width() or hint.height() > w.height():
                text = w.title() if isinstance(w, QGroupBox) else getattr(w, "text", str)()
                found.append(f"{where} {text[:50]!r}: {w.size().toTuple()} < {hint.toTuple()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                have, need = w.tabRect(i).width(), w.tabSizeHint(i).width()
                if have < need:
                    found.append(f"{where} tab {w.tabText(i)!r}: {have} px wide, needs {need}")
    return found
