"""A window built for the counter: state marks drawn from bundled icons (no emoji
font needed), and nothing stale or missing around an order.

Real window, real sandbox and receiver over loopback (tests/gui/conftest.py).
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt

from console.ui.order_panel import NewOrderDialog
from tests.gui.conftest import (
    LEFT,
    LOBBY,
    WAIT_MS,
    callback_entries,
    choose_machine,
    log_entries,
    new_paid_order,
)
from tests.gui.test_troubleshoot_view import CANTEEN, open_view, run_test_dispense, slot_row

ROOT = Path(__file__).resolve().parents[2]
TS_FILE = ROOT / "console" / "resources" / "translations" / "vending_console_zh_CN.ts"


def is_emoji(ch: str) -> bool:
    """Pictographs that need an emoji (or symbol) font: misc symbols and dingbats,
    arrows-and-symbols supplement, the emoji planes, and the emoji presentation selector."""
    cp = ord(ch)
    return (
        0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF or 0x1F000 <= cp <= 0x1FAFF or cp == 0xFE0F
    )


def ui_strings() -> list[tuple[str, str]]:
    """(where, text) of every string literal in the window's code and its log lines,
    and every source and translation in the Chinese catalogue."""
    found: list[tuple[str, str]] = []
    files = sorted((ROOT / "console" / "ui").glob("*.py"))
    files.append(ROOT / "console" / "tasks" / "logfeed.py")
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((f"{path.name}:{node.lineno}", node.value))
    for message in ET.parse(TS_FILE).getroot().iter("message"):  # noqa: S314 - our own .ts
        for tag in ("source", "translation"):
            element = message.find(tag)
            if element is not None and element.text:
                found.append((f"{TS_FILE.name} <{tag}>", element.text))
    return found


def test_no_user_visible_string_needs_an_emoji_font():
    strings = ui_strings()
    assert len(strings) > 500  # the scan saw the window's texts
    bad = [(where, text) for where, text in strings if any(is_emoji(c) for c in text)]
    assert bad == []


def test_the_lock_line_starts_with_an_icon_not_a_character(qtbot, make_console, sandbox):
    app = make_console(synchronous=False)  # real worker threads: the lock line shows meanwhile
    window = app.window
    panel = window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    sandbox.inject("device:noanswer#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "is locked" in panel.lock_label.text(), timeout=WAIT_MS)
    assert panel.lock_label.text().startswith(f"Machine {LOBBY} is locked")
    icon = panel.lock_label.icon
    assert icon.isVisibleTo(panel) and not icon.pixmap().isNull()
    window.cancel_action.trigger()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.lock_label.isHidden()

    view = window.troubleshoot  # its lock line is the same kind of line
    assert not view.lock_label.icon.pixmap().isNull()
    assert view.lock_label.isHidden()


def test_another_machine_or_order_leaves_nothing_of_the_previous_order(
    qtbot, console_app, asker, sandbox
):
    panel = console_app.window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("order_set_status:code=6049#1")
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(3))  # close: asks first
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(lambda: "6049" in panel.message_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)

    choose_machine(qtbot, console_app, CANTEEN)
    assert panel.order_edit.text() == ""
    assert panel.message_label.text() == ""
    assert panel.view is None and panel.records.rowCount() == 0
    assert panel.details_box.title() == "Order" and panel.trade_label.text() == "—"

    # Back on the lobby machine: opening another order first drops the one shown.
    choose_machine(qtbot, console_app)
    panel.open_order(order_id)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    panel.order_edit.setText("999999")
    qtbot.mouseClick(panel.open_button, LEFT)
    qtbot.waitUntil(lambda: "not opened" in panel.message_label.text(), timeout=WAIT_MS)
    assert "999999" in panel.message_label.text()
    assert panel.view is None and panel.records.rowCount() == 0
    assert str(order_id) not in panel.details_box.title()


def test_a_typed_order_id_stays_when_the_machine_is_chosen(qtbot, console_app):
    panel = console_app.window.order_panel
    panel.order_edit.setText("12345")
    qtbot.keyClick(panel.order_edit, Qt.Key.Key_Return)  # no machine yet: it says so
    assert "machine first" in panel.message_label.text()
    choose_machine(qtbot, console_app)
    assert panel.order_edit.text() == "12345" and panel.message_label.text() == ""


def test_cross_checks_and_test_dispenses_carry_machine_and_order(qtbot, console_app):
    window = console_app.window
    pane = window.log_pane
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: bool(callback_entries(console_app, order_id)), timeout=WAIT_MS)

    def cross_checks() -> list:
        return [e for e in log_entries(console_app) if "cross-check" in e.summary]

    qtbot.waitUntil(lambda: bool(cross_checks()), timeout=WAIT_MS)
    pane.order_edit.setText(str(order_id))  # filtering by the order keeps its cross-check
    pane.apply_filter()
    shown = cross_checks()
    assert shown and all(e.order_id == order_id and e.machine_no == LOBBY for e in shown)
    pane.order_edit.setText("")
    pane.apply_filter()

    view = open_view(qtbot, console_app, CANTEEN)
    run_test_dispense(qtbot, view, "A10")
    result = view.last_test
    assert result is not None and result.callback is not None

    def test_lines() -> list:
        return [e for e in log_entries(console_app) if e.callback_id == result.callback.id]

    qtbot.waitUntil(lambda: len(test_lines()) >= 2, timeout=WAIT_MS)  # callback + cross-check
    assert {e.machine_no for e in test_lines()} == {CANTEEN}
    pane.machine_edit.setText(CANTEEN)
    pane.apply_filter()
    assert len(test_lines()) >= 2


def test_the_status_dropdown_preselects_the_current_status(qtbot, console_app):
    panel = console_app.window.order_panel
    choose_machine(qtbot, console_app)
    panel.create_order(501, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    # A new order is NOTPAY, not a status one sets: it is named, and Apply sends nothing.
    assert panel.status_combo.currentIndex() == 0
    assert panel.status_combo.currentText().startswith("NOTPAY")
    assert panel.chosen_status() is None and not panel.apply_button.isEnabled()
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    assert panel.apply_button.isEnabled()
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.status == "SUCCESS", timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    # Paid now: "1 — paid" is preselected, no longer the NOTPAY line, and Apply stays off.
    assert panel.status_combo.currentData() == 1
    assert panel.status_combo.findText("NOTPAY", Qt.MatchFlag.MatchStartsWith) == -1
    assert not panel.apply_button.isEnabled()


def test_every_time_says_whose_clock_it_is(qtbot, console_app):
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    panel.create_order(501, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    date = panel.view.order.date
    assert date and panel.date_label.text() == f"{date} (platform date)"
    assert "(created here at " in panel.window_label.text()
    assert "local time)" in panel.window_label.text()
    log = window.log_pane.model
    assert log.headerData(0, Qt.Orientation.Horizontal) == "Time (local)"
    titles = {
        window.followups.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(window.followups.model.columnCount())
    }
    assert {"Opened (local)", "Paid on (platform date)"} <= titles


def test_product_ids_show_in_the_product_list_and_new_order(qtbot, console_app):
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app, CANTEEN)
    products = sorted(panel.products.values(), key=lambda p: p.channel.name)
    dialog = NewOrderDialog(window, CANTEEN, products)
    qtbot.addWidget(dialog)
    offered = [dialog.product_combo.itemText(i) for i in range(dialog.product_combo.count())]
    in_stock = [p for p in products if p.current_inventory > 0]
    assert len(offered) == len(in_stock)
    for text, product in zip(offered, in_stock, strict=True):
        assert f"{product.name} · id {product.id} ·" in text

    view = open_view(qtbot, console_app, CANTEEN)
    a10 = slot_row(view, "A10")
    cell = view.slots.index(view.slots.row_of("A10"), 2).data()
    assert cell == f"{a10.product} (id {a10.product_id})"

    window.tabs.setCurrentIndex(0)
    panel.create_order(a10.product_id, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    assert panel.records.index(0, 1).data() == f"{a10.product} (id {a10.product_id}) · A10"


def test_the_follow_ups_tab_stands_out_while_one_is_open(qtbot, console_app, sandbox):
    window = console_app.window
    bar = window.tabs.tabBar()
    assert window.tabs.tabText(1) == "Follow-ups (0)"
    assert bar.tabIcon(1).isNull() and not bar.tabTextColor(1).isValid()  # plain at 0
    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    sandbox.inject("dispense:code0#1")  # refused oddly: a follow-up opens
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    assert not bar.tabIcon(1).isNull()
    assert bar.tabTextColor(1).isValid() and bar.tabTextColor(1) != bar.tabTextColor(0)
    followups = window.followups
    followups.view.selectRow(0)
    qtbot.mouseClick(followups.dismiss_button, LEFT)  # the asker gives the reason
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=WAIT_MS)
    assert bar.tabIcon(1).isNull() and not bar.tabTextColor(1).isValid()
