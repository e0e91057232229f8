"""The order panel tells the truth about what can still be dispensed.

After a follow-up action the panel reloads the order it shows; an order that is
refunded or fully dispensed shows no countdown and no enabled Dispense; a record
whose last dispense is pending or unknown is dispensed again only after a
question that shows the platform's last answer for it.
"""

from __future__ import annotations

import time

from console.ui.texts import clock_text
from tests.gui.conftest import LEFT, WAIT_MS, choose_machine, new_paid_order


def _far_later() -> float:
    return time.time() + 25 * 60


def _assert_no_countdown(qtbot, panel, text: str) -> None:
    """The plain statement stays whatever the time: no countdown runs."""
    assert panel.window_label.text() == text
    panel.now = _far_later  # a running countdown would now say "expired"
    qtbot.wait(1200)  # more than one tick of the countdown
    assert panel.window_label.text() == text


def _open_failed_followup(qtbot, app, sandbox) -> int:
    """A paid order whose dispense jams, its callbacks going elsewhere: the platform's
    record of the failure opens a follow-up (and no callback reloads the order)."""
    window = app.window
    panel = window.order_panel
    choose_machine(qtbot, app)
    order_id = new_paid_order(qtbot, app)
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.dispense_all_button.isEnabled(), timeout=WAIT_MS)
    assert "left to dispense" in panel.window_label.text()  # still paid, still in time
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.followups.selected() is not None, timeout=WAIT_MS)
    return order_id


def test_refund_on_the_follow_ups_tab_reloads_the_order_panel(qtbot, console_app, sandbox):
    window = console_app.window
    panel = window.order_panel
    order_id = _open_failed_followup(qtbot, console_app, sandbox)

    qtbot.mouseClick(window.followups.refund_button, LEFT)
    qtbot.waitUntil(lambda: panel.view.order.status == "REFUND", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.view.order.order_id == order_id
    assert "REFUND" in panel.status_label.text()
    assert not panel.dispense_button.isEnabled()
    assert not panel.dispense_all_button.isEnabled()
    _assert_no_countdown(qtbot, panel, "moved to refund: nothing to dispense")

    # Nothing is sent from it, whatever is pressed (the buttons are not the guard).
    sent = len(sandbox.requests_for("dispense"))
    panel.dispense_all()
    panel.dispense_selected()
    assert len(sandbox.requests_for("dispense")) == sent


def test_dismissing_a_follow_up_reloads_the_order_it_shows(qtbot, console_app, sandbox):
    window = console_app.window
    panel = window.order_panel
    order_id = _open_failed_followup(qtbot, console_app, sandbox)
    looked_up = len(sandbox.requests_for("order_get"))

    qtbot.mouseClick(window.followups.dismiss_button, LEFT)
    qtbot.waitUntil(lambda: len(sandbox.requests_for("order_get")) > looked_up, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert sandbox.requests_for("order_get")[-1].path.endswith(f"/orders/{order_id}")
    assert panel.view.order.order_id == order_id


def test_an_order_with_every_record_dropped_shows_no_countdown(qtbot, console_app, sandbox):
    panel = console_app.window.order_panel
    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "dropped" in panel.message_label.text()
    qtbot.waitUntil(
        lambda: all(r.status == "已取货" for r in panel.view.order.records), timeout=WAIT_MS
    )
    assert not panel.dispense_button.isEnabled()
    assert not panel.dispense_all_button.isEnabled()
    _assert_no_countdown(qtbot, panel, "all records dispensed: nothing left to dispense")


def test_a_record_whose_dispense_answer_was_lost_is_sent_again_only_when_confirmed(
    qtbot, console_app, asker, sandbox
):
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("dispense:reset#1")  # the connection drops after the request went out
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "MAY HAVE DROPPED" in panel.message_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.dispense_button.isEnabled(), timeout=WAIT_MS)
    assert len(sandbox.requests_for("dispense")) == 1
    (lost,) = window.ws.env.journal.list_actions(order_id=order_id, kind="dispense")
    assert lost.state == "transport"

    asker.answer = False
    asked = len(asker.questions)
    qtbot.mouseClick(panel.dispense_button, LEFT)
    assert len(asker.questions) == asked + 1
    question = asker.questions[-1]
    assert question.action == "Dispense anyway"
    assert "may already have dropped" in question.detail
    assert f"sent {time.strftime('%Y-%m-%d', time.localtime(lost.ts))} {clock_text(lost.ts)}" in (
        question.detail
    )
    assert "no usable answer" in question.detail and "connection_lost" in question.detail
    assert panel.message_label.text() == "Nothing was sent."
    assert len(sandbox.requests_for("dispense")) == 1

    asker.answer = True
    qtbot.mouseClick(panel.dispense_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "dropped" in panel.message_label.text()
    assert len(sandbox.requests_for("dispense")) == 2  # exactly one more


def test_a_record_still_awaiting_its_result_asks_with_the_delivery_shown(
    qtbot, make_console, asker, sandbox
):
    app = make_console(synchronous=False)
    window = app.window
    panel = window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    sandbox.inject("device:noanswer#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "is locked" in panel.lock_label.text(), timeout=WAIT_MS)
    window.cancel_action.trigger()  # stop waiting: the result is still to come
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.dispense_button.isEnabled(), timeout=WAIT_MS)
    (delivery_id,) = [d.delivery_id for d in sandbox.state.deliveries.values()]

    asker.answer = False
    qtbot.mouseClick(panel.dispense_button, LEFT)
    question = asker.questions[-1]
    assert question.action == "Dispense anyway"
    assert f"delivery {delivery_id}" in question.detail and "dispensing" in question.detail
    assert "no result has come yet" in question.detail
    assert "may already have dropped" in question.detail
    assert len(sandbox.requests_for("dispense")) == 1
