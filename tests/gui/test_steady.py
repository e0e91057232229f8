"""Messages that change often: shown in full, coloured by level, and the panel does not jump."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from console.ui.order_panel import MESSAGE_COLOURS
from console.ui.workspace import LEVEL_ERROR, LEVEL_INFO, LEVEL_OK
from tests.gui.conftest import WAIT_MS


class LayoutCounter(QObject):
    """Counts the window's re-layouts (each one repaints the whole window)."""

    def __init__(self, window: QObject) -> None:
        super().__init__()
        self.window = window
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def test_messages_of_one_or_two_lines_do_not_move_the_panel_or_re_lay_out_the_window(
    qtbot, console_app
) -> None:
    window = console_app.window
    panel = window.order_panel
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    panel.show_message(LEVEL_INFO, "Setting order 60 to 1…")
    # Let the start-up work finish (its busy bar going away re-lays-out the status bar).
    qtbot.waitUntil(lambda: not window.busy_bar.isVisibleTo(window), timeout=WAIT_MS)
    settle()
    records_at = panel.records_view.geometry()
    counter = LayoutCounter(window)
    QApplication.instance().installEventFilter(counter)
    try:
        for i in range(20):
            panel.show_message(
                LEVEL_OK if i % 2 else LEVEL_INFO, f"Order {i} is now 1. " * (1 + i % 2)
            )
            settle()
    finally:
        QApplication.instance().removeEventFilter(counter)
    assert panel.records_view.geometry() == records_at
    assert counter.count == 0


def test_a_long_message_is_shown_in_full_and_coloured_by_level(qtbot, console_app) -> None:
    window = console_app.window
    panel = window.order_panel
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    text = "Order 60 was not set to 1: " + "the platform answered with an error page. " * 12
    panel.show_message(LEVEL_ERROR, text)
    settle()
    label = panel.message_label
    assert label.text() == text
    assert label.height() >= label.heightForWidth(label.width())  # every line visible
    background, foreground = MESSAGE_COLOURS[LEVEL_ERROR]
    assert label.palette().color(QPalette.ColorRole.WindowText).name() == foreground
    assert label.palette().color(QPalette.ColorRole.Window).name() == background
    assert label.autoFillBackground()
    panel.show_message(LEVEL_INFO, "Nothing was sent.")
    settle()
    assert not label.autoFillBackground()
