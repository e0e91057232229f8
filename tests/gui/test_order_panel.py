"""Confirmations, the 20-minute window, machine numbers, recent orders."""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from console.core.status import OrderStatus
from console.ui.dialogs import Question, question_box
from tests.gui.conftest import LEFT, LOBBY, WAIT_MS, choose_machine
from tests.gui.test_failures import open_demo_order


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (OrderStatus.REFUND, "stock"),
        (OrderStatus.CLOSED, "no callback"),
        (OrderStatus.REVOKED, "stock"),
        (OrderStatus.FAILED, "stock"),
    ],
)
def test_destructive_statuses_ask_first_and_cancel_sends_nothing(
    qtbot, console_app, asker, sandbox, status, words
):
    panel = console_app.window.order_panel
    order_id = open_demo_order(qtbot, console_app, sandbox)
    asker.answer = False
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(int(status)))
    qtbot.mouseClick(panel.apply_button, LEFT)
    question = asker.questions[-1]
    assert f"order {order_id}" in question.text and str(int(status)) in question.text
    assert words in question.detail
    assert question.action != "OK"
    assert sandbox.requests_for("order_set_status") == []
    assert panel.message_label.text() == "Nothing was sent."


def test_confirmation_box_has_cancel_as_its_default_button(qtbot):
    box, go = question_box(None, Question("Dispense?", "Dispense record 78?", "Dispense"))
    qtbot.addWidget(box)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.escapeButton() is box.defaultButton()
    assert go.text() == "Dispense"


def test_dispense_cancelled_at_the_question_sends_nothing(qtbot, console_app, asker, sandbox):
    panel = console_app.window.order_panel
    open_demo_order(qtbot, console_app, sandbox, "paid_multi")
    asker.answer = False
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    question = asker.questions[-1]
    assert "one record after another" in question.detail and question.action == "Dispense all"
    assert sandbox.requests_for("dispense") == []


def test_multi_record_dispense_goes_one_after_another(qtbot, console_app, sandbox):
    panel = console_app.window.order_panel
    order_id = open_demo_order(qtbot, console_app, sandbox, "paid_multi")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    sent = sandbox.requests_for("dispense")
    assert [r.payload["record_id"] for r in sent] == [
        str(r.id) for r in sandbox.state.orders[order_id].records
    ]
    # The next record went out only after the machine reported the previous one.
    deliveries = sorted(
        (d for d in sandbox.state.deliveries.values() if d.order_id == order_id),
        key=lambda d: d.created_at,
    )
    assert [d.status for d in deliveries] == ["success"] * 3
    for previous, following in itertools.pairwise(deliveries):
        assert following.created_at >= previous.result_at
    assert panel.message_label.text().count("dropped") == 3


def test_age_unknown_for_an_order_not_created_here(qtbot, console_app, sandbox):
    panel = console_app.window.order_panel
    open_demo_order(qtbot, console_app, sandbox, "paid")
    text = panel.window_label.text()
    assert text.startswith("age unknown") and "left" not in text


def test_countdown_and_the_old_order_warning(qtbot, console_app, asker, sandbox):
    panel = console_app.window.order_panel
    choose_machine(qtbot, console_app)
    panel.create_order(502, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    assert "left to dispense (created here" in panel.window_label.text()

    panel.now = lambda: time.time() + 25 * 60
    qtbot.waitUntil(lambda: panel.window_label.text().startswith("expired"), timeout=WAIT_MS)
    asker.answer = False
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    qtbot.mouseClick(panel.apply_button, LEFT)
    question = asker.questions[-1]
    assert "older than 20 minutes" in question.text and "refuse" in question.text
    assert sandbox.requests_for("order_set_status") == []


@pytest.mark.parametrize(
    ("typed", "result", "message"),
    [
        ("1632", "", "not a machine number: it has 8 digits"),
        ("16a27129", "", "not a machine number: it has 8 digits"),
        ("163271290", "163271290", "only special merchants"),
        (LOBBY, LOBBY, f"Working on machine {LOBBY}"),
    ],
)
def test_typed_machine_numbers_are_checked(qtbot, console_app, typed, result, message):
    window = console_app.window
    window.machines.number_edit.setText(typed)
    qtbot.mouseClick(window.machines.use_button, LEFT)
    assert message in window.machines.note_label.text()
    assert window.order_panel.machine_no == result


def test_recent_orders_open_the_order_on_its_machine(qtbot, console_app, sandbox):
    panel = console_app.window.order_panel
    order_id = open_demo_order(qtbot, console_app, sandbox)
    window = console_app.window
    window.machines.number_edit.setText("16327130")
    qtbot.mouseClick(window.machines.use_button, LEFT)
    assert panel.view is None  # another machine: the order is not shown against it
    qtbot.waitUntil(lambda: panel.recent_model.rowCount() > 0, timeout=WAIT_MS)
    row = next(i for i, o in enumerate(panel.recent_model.rows) if o.order_id == order_id)
    panel.recent_combo.activated.emit(row)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.order_id == order_id,
        timeout=WAIT_MS,
    )
    assert panel.machine_no == LOBBY


def test_a_double_click_on_apply_sends_one_status_change(qtbot, make_console, sandbox):
    """Real worker threads: the first PUT finishes in milliseconds; the second click, and
    Ctrl+Enter once the order shows its new status, must send nothing."""
    app = make_console(synchronous=False)
    panel = app.window.order_panel
    choose_machine(qtbot, app)
    panel.create_order(501, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(int(OrderStatus.PAID)))
    assert panel.apply_button.isEnabled()
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.mouseClick(panel.apply_button, LEFT)  # the second click of a double click
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.status == "SUCCESS" and not panel.busy,
        timeout=WAIT_MS,
    )
    # The current status is preselected: applying it again is no intent at all.
    assert panel.chosen_status() is OrderStatus.PAID
    assert not panel.apply_button.isEnabled()
    panel.apply_status()  # what Ctrl+Enter does
    assert "is already 1" in panel.message_label.text()
    assert "nothing was sent" in panel.message_label.text()
    assert len(sandbox.requests_for("order_set_status")) == 1


def test_nothing_is_written_from_an_order_that_is_reloading(qtbot, make_console, sandbox):
    app = make_console(synchronous=False)
    panel = app.window.order_panel
    choose_machine(qtbot, app)
    panel.create_order(501, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    sandbox.inject("order_get:latency=1#1")  # the reload takes a while
    panel.reload()
    assert panel.busy
    assert not panel.apply_button.isEnabled() and not panel.dispense_all_button.isEnabled()
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(int(OrderStatus.PAID)))
    panel.apply_status()  # a shortcut pressed anyway
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert sandbox.requests_for("order_set_status") == []
