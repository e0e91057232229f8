"""The operator's walk, step by step: machine, order, paid, dispense, callback, follow-up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.ui.dialogs import confirm
from console.ui.order_panel import NewOrderDialog
from tests.gui.conftest import (
    LEFT,
    LOBBY,
    WAIT_MS,
    callback_entries,
    choose_machine,
    log_entries,
    new_paid_order,
    when_modal,
)


def test_first_run_opens_on_the_sandbox_and_says_so(console_app):
    window = console_app.window
    assert window.banner.kind == "sandbox"
    assert "SANDBOX" in window.banner.text()
    assert "SANDBOX" in window.windowTitle()
    assert window.profile_combo.currentData() == "Sandbox"
    states = {m.machine_no: m.is_online for m in window.machines.model.rows}
    assert states["16327131"] is False and states[LOBBY] is True
    assert window.receiver_label.text().endswith("/notify/****")


@pytest.mark.parametrize("synchronous", [True, False], ids=["inline", "thread-pools"])
def test_walk_with_the_mouse(qtbot, make_console, asker, sandbox, synchronous):
    console_app = make_console(synchronous=synchronous)
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    assert "Lobby A" in panel.machine_label.text()

    panel.create_order(501, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    order_id = panel.view.order.order_id
    assert panel.view.order.status == "NOTPAY"
    # NOTPAY is none of the six: it is named (preselected) and sends nothing.
    assert panel.status_combo.currentText().startswith("NOTPAY") and panel.chosen_status() is None
    assert "left to dispense" in panel.window_label.text()
    assert "可口可乐" in panel.records.rows[0].product  # product name known
    assert not panel.dispense_all_button.isEnabled()  # not paid: nothing to dispense

    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(lambda: panel.view.order.status == "SUCCESS", timeout=WAIT_MS)
    assert asker.questions == []  # marking paid asks nothing
    assert panel.status_combo.currentData() == 1  # the current status is preselected
    assert "is now 1" in panel.message_label.text()
    qtbot.waitUntil(
        lambda: any(o.order_id == order_id for o in panel.recent_model.rows), timeout=WAIT_MS
    )

    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    question = asker.questions[-1]
    assert "item will drop" in question.detail and f"order {order_id}" in question.text
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "dropped" in panel.message_label.text()
    qtbot.waitUntil(lambda: bool(callback_entries(console_app, order_id)), timeout=WAIT_MS)
    entry = callback_entries(console_app, order_id)[0]
    assert "success" in entry.summary and entry.machine_no == LOBBY
    qtbot.waitUntil(
        lambda: any("cross-check: ok" in e.summary for e in log_entries(console_app)),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: panel.view.order.records[0].status == "已取货", timeout=WAIT_MS)
    assert len(sandbox.requests_for("dispense")) == 1


def test_walk_with_the_keyboard(qtbot, console_app, asker, sandbox):
    """Machine, order, status, dispense, callback, refund, test dispense: keys only.

    Every step reaches its control by a mnemonic, a shortcut or Tab and checks
    where the focus went: a step that needs the mouse fails here.
    """
    window = console_app.window
    panel = window.order_panel
    activate(qtbot, window)

    key(qtbot, window, Qt.Key.Key_N, ALT)  # Machine &no.
    assert window.machines.number_edit.hasFocus()
    qtbot.keyClicks(window.machines.number_edit, LOBBY)
    key(qtbot, window.machines.number_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.products_ready, timeout=WAIT_MS)

    # "Create order" is the dialog's default button: Enter creates the order.
    timer = when_modal(NewOrderDialog, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return))
    key(qtbot, window, Qt.Key.Key_W, ALT)  # Ne&w order…
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    assert not timer.isActive()
    activate(qtbot, window)  # the offscreen platform does not hand focus back by itself
    order_id = panel.view.order.order_id

    # Open it again by its id, as from a receipt: Ctrl+L, the id, Enter.
    key(qtbot, window, Qt.Key.Key_L, CTRL)
    assert panel.order_edit.hasFocus() and panel.order_edit.text() == str(order_id)
    reads = len(sandbox.requests_for("order_get"))
    qtbot.keyClicks(panel.order_edit, str(order_id))  # the id was selected: typed over
    key(qtbot, panel.order_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(sandbox.requests_for("order_get")) > reads, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.view.order.order_id == order_id

    key(qtbot, window, Qt.Key.Key_T, ALT)  # S&tatus
    assert panel.status_combo.hasFocus()
    key(qtbot, panel.status_combo, Qt.Key.Key_Down)
    assert panel.status_combo.currentData() == 1
    key(qtbot, panel.status_combo, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.view.order.status == "SUCCESS", timeout=WAIT_MS)

    sandbox.inject("device:fail=2#1")
    key(qtbot, window, Qt.Key.Key_L, ALT)  # Dispense a&ll
    qtbot.waitUntil(lambda: bool(asker.questions), timeout=WAIT_MS)
    assert "Dispense" in asker.questions[-1].action
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(callback_entries(console_app, order_id)), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)

    # Read the callback in the log: Alt+K picks the kind, Alt+R the order, Tab the lines.
    log = window.log_pane
    key(qtbot, window, Qt.Key.Key_K, ALT)  # &Kind
    assert log.kind_combo.hasFocus()
    while log.kind_combo.currentData() != "callback":
        before = log.kind_combo.currentIndex()
        key(qtbot, log.kind_combo, Qt.Key.Key_Down)
        assert log.kind_combo.currentIndex() != before, "Callbacks is not in the Kind list"
    key(qtbot, window, Qt.Key.Key_R, ALT)  # O&rder
    assert log.order_edit.hasFocus()
    qtbot.keyClicks(log.order_edit, str(order_id))
    tab_to(qtbot, log.view)
    qtbot.waitUntil(
        lambda: (
            log.model.rowCount() > 0
            and all(
                e.kind == "callback" and e.order_id == order_id for e in log_entries(console_app)
            )
        ),
        timeout=WAIT_MS,
    )
    key(qtbot, log.view, Qt.Key.Key_Down)
    assert log.selected() is not None and log.selected().kind == "callback"
    assert log.selected().order_id == order_id and log.details.toPlainText()

    # Refund from Follow-ups, the confirmation answered with Tab and Space.
    key(qtbot, window, Qt.Key.Key_L, CTRL)  # back into the tabs
    key(qtbot, window.focusWidget(), Qt.Key.Key_Tab, CTRL)
    assert window.tabs.currentIndex() == 1
    followups = window.followups
    qtbot.waitUntil(lambda: followups.refund_button.isEnabled(), timeout=WAIT_MS)
    window.ws.confirm = lambda q: confirm(window, q)  # the real question box
    answered: list[str] = []
    timer = when_modal(QMessageBox, lambda box: go_ahead(qtbot, box, answered))
    key(qtbot, window, Qt.Key.Key_M, ALT)  # Refund custo&mer…
    qtbot.waitUntil(
        lambda: (
            followups.selected() is not None and followups.selected().state == "refund_requested"
        ),
        timeout=WAIT_MS,
    )
    assert not timer.isActive() and answered == ["Refund customer"]
    assert sandbox.requests_for("order_set_status")[-1].payload["status"] == 2
    window.ws.confirm = asker.confirm
    activate(qtbot, window)

    # Test-dispense a slot in Troubleshoot: Fi&lter, Tab to the slots, Down, &Test-dispense.
    # The focus comes back to the window once the question box has gone (asynchronously).
    qtbot.waitUntil(
        lambda: (f := QApplication.focusWidget()) is not None and window.tabs.isAncestorOf(f),
        timeout=WAIT_MS,
    )
    focus = QApplication.focusWidget()
    key(qtbot, focus, Qt.Key.Key_Tab, CTRL)
    assert window.tabs.currentIndex() == 2
    view = window.troubleshoot
    qtbot.waitUntil(
        lambda: view.diagnosis is not None and view.diagnosis.machine_no == LOBBY,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: not view.busy, timeout=WAIT_MS)
    key(qtbot, window, Qt.Key.Key_L, ALT)  # Fi&lter
    assert view.filter_edit.hasFocus()
    tab_to(qtbot, view.slots_view)
    key(qtbot, view.slots_view, Qt.Key.Key_Down)
    slot = view.selected_slot()
    assert slot is not None and slot.slot in view.test_button.text()
    tests_before = len(sandbox.requests_for("test_dispense"))
    key(qtbot, window, Qt.Key.Key_T, ALT)  # &Test-dispense A…
    qtbot.waitUntil(lambda: view.last_test is not None and not view.busy, timeout=WAIT_MS)
    assert "Test dispense" in asker.questions[-1].action
    assert len(sandbox.requests_for("test_dispense")) == tests_before + 1
    assert view.last_test.slot == slot.slot and "Test dispense of slot" in view.result_label.text()

    # F5 reloads; Ctrl+F searches the log.
    machine_lists = len(sandbox.requests_for("machines"))
    key(qtbot, window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(sandbox.requests_for("machines")) > machine_lists, timeout=WAIT_MS)

    key(qtbot, window, Qt.Key.Key_F, CTRL)
    search = window.log_pane.search_edit
    assert search.hasFocus()
    key(qtbot, window, Qt.Key.Key_K, ALT)
    key(qtbot, log.kind_combo, Qt.Key.Key_Home)  # all kinds again
    key(qtbot, window, Qt.Key.Key_R, ALT)
    key(qtbot, log.order_edit, Qt.Key.Key_A, CTRL)
    key(qtbot, log.order_edit, Qt.Key.Key_Delete)
    key(qtbot, window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(search, "callback #")
    qtbot.waitUntil(
        lambda: (
            window.log_pane.model.rowCount() > 0
            and all("callback #" in e.search_text for e in log_entries(console_app))
        ),
        timeout=WAIT_MS,
    )


ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def key(qtbot, widget, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, k, modifier)


def tab_to(qtbot, target, limit: int = 4) -> None:
    """Press Tab (at most ``limit`` times) until ``target`` has the focus."""
    for _ in range(limit):
        if target.hasFocus():
            return
        key(qtbot, QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert target.hasFocus(), f"Tab does not reach {target!r}: {QApplication.focusWidget()!r}"


def go_ahead(qtbot, box: QMessageBox, answered: list[str]) -> None:
    """Answer a question box with keys: Cancel has the focus, Tab reaches the go-ahead."""
    box.activateWindow()
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    assert box.focusWidget() is cancel or box.defaultButton() is cancel
    for _ in range(len(box.buttons())):
        focused = box.focusWidget()
        if focused is not None and focused is not cancel and focused in box.buttons():
            break
        qtbot.keyClick(focused or box, Qt.Key.Key_Tab)
    go = box.focusWidget()
    assert go is not cancel and go in box.buttons(), "Tab does not reach the go-ahead"
    answered.append(go.text())
    qtbot.keyClick(go, Qt.Key.Key_Space)


def activate(qtbot, window) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)


def test_new_order_dialog_offers_only_products_in_stock(qtbot, console_app):
    panel = console_app.window.order_panel
    choose_machine(qtbot, console_app, "16327132")
    products = list(panel.products.values())
    dialog = NewOrderDialog(console_app.window, "16327132", products)
    qtbot.addWidget(dialog)
    offered = [dialog.product_combo.itemData(i) for i in range(dialog.product_combo.count())]
    assert offered and all(p.current_inventory > 0 for p in offered)
    assert any(p.current_inventory == 0 for p in products)  # A15 is empty: not offered
    first = dialog.product()
    assert first is not None and dialog.quantity.maximum() == first.current_inventory


def test_injected_fault_opens_a_follow_up_that_is_refunded_then_resolved(
    qtbot, console_app, asker, sandbox
):
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("device:fail=2,Goods are Stuck#1")

    qtbot.mouseClick(panel.dispense_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert (
        "failed" in panel.message_label.text() and "Goods are Stuck" in panel.message_label.text()
    )
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)

    followups = window.followups
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: followups.selected() is not None, timeout=WAIT_MS)
    assert followups.selected().order_id == order_id
    assert "jam" in followups.selected().meaning.lower()
    assert not followups.resolve_button.isEnabled()  # refund first

    before = len(sandbox.requests_for("order_set_status"))
    qtbot.mouseClick(followups.refund_button, LEFT)
    assert "stock" in asker.questions[-1].detail
    qtbot.waitUntil(
        lambda: (
            followups.selected() is not None and followups.selected().state == "refund_requested"
        ),
        timeout=WAIT_MS,
    )
    sent = sandbox.requests_for("order_set_status")
    assert len(sent) == before + 1 and sent[-1].payload["status"] == 2

    asker.note = "refunded via WeChat Pay, ref 4200001"
    qtbot.mouseClick(followups.resolve_button, LEFT)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=WAIT_MS)
    followups.show_all.setChecked(True)
    qtbot.waitUntil(lambda: followups.model.rowCount() == 1, timeout=WAIT_MS)
    done = followups.model.rows[0]
    assert done.state == "refunded"
    # Both notes are kept, the refund reference added after the first.
    assert done.note.splitlines()[-1].endswith(f": {asker.note}")
    assert done.note.splitlines()[0].endswith(": refund ref R-1")


def test_a_follow_up_can_be_dismissed_with_a_reason(qtbot, console_app, asker, sandbox):
    window = console_app.window
    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    sandbox.inject("device:fail=3#1")
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    followups = window.followups
    qtbot.waitUntil(lambda: followups.selected() is not None, timeout=WAIT_MS)

    asker.note = None  # the operator cancels the reason dialog: nothing changes
    qtbot.mouseClick(followups.dismiss_button, LEFT)
    assert followups.selected().state == "open"
    asker.note = "customer took another drink instead"
    qtbot.mouseClick(followups.dismiss_button, LEFT)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=WAIT_MS)
    assert sandbox.requests_for("order_set_status")[-1].payload["status"] == 1  # no refund sent


def test_follow_up_opens_the_order_it_is_about(qtbot, console_app, sandbox):
    window = console_app.window
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("device:fail#1")
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: window.followups.selected() is not None, timeout=WAIT_MS)
    window.order_panel.order_edit.clear()
    window.tabs.setCurrentIndex(1)
    qtbot.mouseClick(window.followups.open_button, LEFT)
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: window.order_panel.order_edit.text() == str(order_id))
