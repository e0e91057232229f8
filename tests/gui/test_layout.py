"""Every tab is usable on a small shop screen: the working tables keep their rows.

Measured on the real window with real data from the sandbox (a machine with
slots, an order with records, follow-ups in the journal, log lines): how many
whole rows each table's viewport holds at 1024×700 (the window's minimum) and
at 1366×768.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from console.app import ConsoleApp
from console.core.followup import REASON_UNKNOWN, unknown_result_meaning
from console.paths import app_paths
from console.settings import LANGUAGE_EN, LANGUAGE_ZH, Settings, install_language
from console.ui.machines_panel import ADDRESS_COLUMN
from console.ui.main_window import MIN_SIZE, fit_rect
from tests.gui.conftest import LEFT, LOBBY, WAIT_MS, choose_machine

CANTEEN = "16327132"  # the sandbox machine with faulty, empty and low slots


def whole_rows(view: QTableView) -> int:
    """How many whole rows the view shows at once."""
    assert view.model().rowCount() > 0, "measure with rows loaded"
    return view.viewport().height() // view.rowHeight(0)


def settle(qtbot) -> None:
    """Let the layouts run after a resize or a tab change."""
    qtbot.wait(50)
    QApplication.processEvents()


def check_in_troubleshoot(qtbot, app: ConsoleApp, machine_no: str) -> None:
    window = app.window
    view = window.troubleshoot
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(
        lambda: view.diagnosis is not None and view.diagnosis.machine_no == machine_no,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT_MS)


def load_everything(qtbot, app: ConsoleApp, sandbox) -> None:
    """A multi-record order open on the lobby machine, five follow-ups, the machine
    checked in Troubleshoot, and log lines from all of it."""
    window = app.window
    panel = window.order_panel
    choose_machine(qtbot, app, LOBBY)
    order_id = sandbox.demo_order("paid_multi")
    panel.order_edit.setText(str(order_id))
    qtbot.mouseClick(panel.open_button, LEFT)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.records.rowCount() > 1, timeout=WAIT_MS
    )
    journal = window.ws.env.journal
    for record_id in range(71, 76):
        journal.open_followup(
            order_id, record_id, LOBBY, REASON_UNKNOWN,
            unknown_result_meaning(120, "still dispensing"), "timeout", None,
        )  # fmt: skip
    window.followups.reload()
    qtbot.waitUntil(lambda: window.followups.model.rowCount() == 5, timeout=WAIT_MS)
    check_in_troubleshoot(qtbot, app, LOBBY)
    window.drain()
    assert window.log_pane.model.rowCount() > 3


def rows_per_tab(qtbot, app: ConsoleApp) -> dict[str, int]:
    window = app.window
    seen: dict[str, int] = {}
    window.tabs.setCurrentIndex(0)
    settle(qtbot)
    seen["records"] = whole_rows(window.order_panel.records_view)
    seen["machines"] = whole_rows(window.machines.view)
    seen["log"] = whole_rows(window.log_pane.view)
    window.tabs.setCurrentIndex(1)
    settle(qtbot)
    seen["follow-ups"] = whole_rows(window.followups.view)
    window.tabs.setCurrentWidget(window.troubleshoot)
    settle(qtbot)
    seen["slots"] = whole_rows(window.troubleshoot.slots_view)
    return seen


def shown_at(qtbot, make_console: Callable[..., ConsoleApp], size: QSize) -> ConsoleApp:
    app = make_console()
    app.window.resize(size)
    app.window.show()
    qtbot.waitExposed(app.window)
    return app


@pytest.fixture(params=[LANGUAGE_EN, LANGUAGE_ZH])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The window in English, then in Chinese (other fonts, other text widths)."""
    assert install_language(request.param)
    yield request.param
    install_language(LANGUAGE_EN)


def test_at_the_minimum_1024x700_every_working_table_keeps_its_rows(
    qtbot, make_console, sandbox, language
) -> None:
    assert QSize(1024, 700) == MIN_SIZE  # the smallest the window goes is what is measured
    app = shown_at(qtbot, make_console, QSize(1024, 700))
    load_everything(qtbot, app, sandbox)
    rows = rows_per_tab(qtbot, app)
    assert rows["slots"] >= 6, rows
    assert rows["records"] >= 4, rows
    assert rows["follow-ups"] >= 5, rows
    assert rows["log"] >= 3, rows
    assert rows["machines"] >= 4, rows  # all four sandbox machines
    window = app.window
    assert window.size() == QSize(1024, 700), "the content pushed the window bigger"
    # The order id box holds a whole id; the machine list needs no sideways scrolling.
    edit = window.order_panel.order_edit
    assert edit.width() >= edit.fontMetrics().horizontalAdvance("0" * 18)
    window.tabs.setCurrentIndex(0)
    settle(qtbot)
    machines = window.machines.view
    assert not machines.horizontalScrollBar().isVisible()
    address = machines.horizontalHeader().sectionSize(ADDRESS_COLUMN)
    assert address >= 15 * machines.fontMetrics().averageCharWidth(), address


def test_at_1366x768_the_tables_get_more_rows(qtbot, make_console, sandbox) -> None:
    app = shown_at(qtbot, make_console, QSize(1366, 768))
    load_everything(qtbot, app, sandbox)
    rows = rows_per_tab(qtbot, app)
    assert rows["slots"] >= 10, rows
    assert rows["records"] >= 6, rows
    assert rows["follow-ups"] >= 7, rows
    assert rows["log"] >= 3, rows
    window = app.window
    assert window.size() == QSize(1366, 768)
    # The health checks are summed up above the slots: a failing check is never below the fold.
    choose_machine(qtbot, app, CANTEEN)
    check_in_troubleshoot(qtbot, app, CANTEEN)
    view = window.troubleshoot
    bad = [c for c in view.checks.rows if c.status != "ok"]
    assert bad and view.health_label.isVisible()
    assert all(c.summary in view.health_label.text() for c in bad), view.health_label.text()
    assert whole_rows(view.slots_view) >= 10


def test_turning_the_log_off_and_on_keeps_the_window_and_the_logs_height(
    qtbot, make_console, sandbox
) -> None:
    app = shown_at(qtbot, make_console, QSize(1024, 700))
    load_everything(qtbot, app, sandbox)
    window = app.window
    window.tabs.setCurrentIndex(0)
    settle(qtbot)
    records = window.order_panel.records_view
    log_height, records_height = window.log_pane.height(), records.height()
    toggle = window.log_pane.toggleViewAction()

    toggle.trigger()  # off: the tabs get the room
    settle(qtbot)
    assert not window.log_pane.isVisible()
    assert window.size() == QSize(1024, 700)
    assert records.height() > records_height

    toggle.trigger()  # on again: as it was, and the window did not grow
    settle(qtbot)
    assert window.log_pane.isVisible()
    assert window.size() == QSize(1024, 700)
    assert abs(window.log_pane.height() - log_height) <= 2
    assert whole_rows(window.log_pane.view) >= 3


def test_the_log_collapses_to_a_strip_and_opens_at_its_height_after_a_restart(
    qtbot, make_console, sandbox
) -> None:
    app = shown_at(qtbot, make_console, QSize(1024, 700))
    load_everything(qtbot, app, sandbox)
    window = app.window
    window.tabs.setCurrentIndex(0)
    settle(qtbot)
    pane, records = window.log_pane, window.order_panel.records_view
    window.resizeDocks([pane], [240], Qt.Orientation.Vertical)  # the user made it taller
    settle(qtbot)
    log_height, records_rows = pane.height(), whole_rows(records)

    qtbot.mouseClick(pane.collapse_button, LEFT)
    settle(qtbot)
    assert pane.collapsed and pane.isVisible() and not pane.view.isVisible()
    assert pane.height() <= pane.title_label.sizeHint().height() * 2 + 8  # a strip
    assert whole_rows(records) >= records_rows + 4
    assert window.size() == QSize(1024, 700)
    app.shutdown()

    again = make_console()  # collapsed it stays, and opens at the height it had
    window = again.window
    window.resize(QSize(1024, 700))
    window.show()
    qtbot.waitExposed(window)
    pane = window.log_pane
    assert pane.collapsed and pane.collapse_button.isChecked()
    qtbot.mouseClick(pane.collapse_button, LEFT)
    settle(qtbot)
    assert not pane.collapsed and pane.view.isVisible()
    assert abs(pane.height() - log_height) <= 2, (pane.height(), log_height)
    assert window.size() == QSize(1024, 700)


def test_a_saved_window_opens_within_the_screen_with_its_splitters(
    qtbot, make_console, sandbox
) -> None:
    app = shown_at(qtbot, make_console, QSize(1100, 760))
    window = app.window
    window.work_splitter.setSizes([300, 800])
    left = window.work_splitter.sizes()[0]
    app.shutdown()
    # As if last closed on a bigger screen, far to the right and below this one.
    settings = Settings(app_paths().config_dir / "console.ini")
    elsewhere = QWidget()
    elsewhere.setGeometry(QRect(5000, 4000, 2400, 1500))
    settings.save_window(elsewhere.saveGeometry(), settings.window_state() or b"")
    settings.sync()
    elsewhere.deleteLater()

    again = make_console()
    window = again.window
    window.show()
    qtbot.waitExposed(window)
    available = window.screen().availableGeometry()
    frame = window.geometry()
    assert available.contains(frame.topLeft()), (frame, available)
    assert frame.width() <= max(available.width(), MIN_SIZE.width())
    assert frame.height() <= max(available.height(), MIN_SIZE.height())
    # The splitter as it was left (the window is narrower now: the right side gave way),
    # not as it starts (machines 2 : order 3).
    assert abs(window.work_splitter.sizes()[0] - left) <= 30, window.work_splitter.sizes()
    assert window.work_splitter.sizes()[0] < sum(window.work_splitter.sizes()) * 0.35


def test_fit_rect_moves_and_shrinks_into_the_screen_but_not_below_the_minimum() -> None:
    screen = QRect(0, 0, 1366, 768)
    assert fit_rect(QRect(100, 50, 1200, 700), screen, MIN_SIZE) == QRect(100, 50, 1200, 700)
    assert fit_rect(QRect(3000, 2000, 1200, 700), screen, MIN_SIZE) == QRect(166, 68, 1200, 700)
    assert fit_rect(QRect(-900, -50, 2560, 1400), screen, MIN_SIZE) == QRect(0, 0, 1366, 768)
    small = QRect(0, 0, 800, 600)  # a screen smaller than the minimum: the top left shows
    assert fit_rect(QRect(50, 50, 1280, 860), small, MIN_SIZE) == QRect(0, 0, 1024, 700)
