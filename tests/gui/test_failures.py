"""Platform quirks and injected faults show a readable message and leave the window usable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.credentials import MemoryStore, Profile, ProfileStore
from console.journal import Journal
from console.paths import app_paths
from console.sandbox.common import gmt8_date
from console.tasks.runner import POOL_JOURNAL
from tests.gui.conftest import (
    LEFT,
    LOBBY,
    WAIT_MS,
    choose_machine,
    file_journal,
    new_paid_order,
)


def open_demo_order(qtbot, app, sandbox, kind: str = "unpaid") -> int:
    panel = app.window.order_panel
    choose_machine(qtbot, app)
    order_id = sandbox.demo_order(kind)
    panel.order_edit.setText(str(order_id))
    qtbot.mouseClick(panel.open_button, LEFT)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.order_id == order_id, timeout=WAIT_MS
    )
    return order_id


def apply_paid(qtbot, panel) -> None:
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    assert panel.apply_button.isEnabled(), "the order is paid already: nothing to apply"
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy and panel.view is not None, timeout=WAIT_MS)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("order_set_status:html#1", ["not the usual JSON", "HTTP 502", "<html"]),
        ("order_set_status:empty#1", ["not the usual JSON", "HTTP 200"]),
        ("order_set_status:truncated#1", ["not the usual JSON"]),
        ("order_set_status:status=503#1", ["HTTP 503", "Service Unavailable"]),
        ("order_set_status:code0#1", ["code 0 with “订单未支付” instead of “ok”"]),
        ("order_set_status:unauthorized#1", ["code 10014", "Appid is invalid", "HTTP 401"]),
        ("order_set_status:code=6017#1", ["code 6017", "merchant account expired"]),
        ("order_set_status:reset#1", ["connection dropped", "may have reached the platform"]),
    ],
)
def test_a_refused_or_broken_status_change_is_explained(qtbot, console_app, sandbox, rule, words):
    panel = console_app.window.order_panel
    order_id = open_demo_order(qtbot, console_app, sandbox)
    sandbox.inject(rule)
    apply_paid(qtbot, panel)
    message = panel.message_label.text()
    assert f"Order {order_id} was not set to 1" in message
    for word in words:
        assert word in message
    assert "Traceback" not in message

    apply_paid(qtbot, panel)  # the window is still usable: the fault fired once
    qtbot.waitUntil(lambda: panel.view.order.status == "SUCCESS", timeout=WAIT_MS)
    assert "is now 1" in panel.message_label.text()


def test_machine_list_failure_is_explained_and_refresh_recovers(qtbot, console_app, sandbox):
    window = console_app.window
    sandbox.inject("machines:html")
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: "not loaded" in window.machines.note_label.text(), timeout=WAIT_MS)
    assert "HTTP 502" in window.machines.note_label.text()
    sandbox.clear_faults()
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)


def test_code_zero_dispense_is_refused_and_opens_a_follow_up(qtbot, console_app, sandbox):
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    sandbox.inject("dispense:code0#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "code 0 with “订单未支付” instead of “ok”" in panel.message_label.text()
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    assert panel.dispense_all_button.isEnabled()  # nothing dropped: it may be tried again


def test_an_expired_order_is_refused_in_plain_words(qtbot, console_app, sandbox):
    panel = console_app.window.order_panel
    open_demo_order(qtbot, console_app, sandbox, "expired")
    assert "age unknown" in panel.window_label.text()  # the platform gives a date only
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "code 40005" in panel.message_label.text()
    assert "older than 20 minutes" in panel.message_label.text()


def test_a_timeout_says_the_change_may_have_happened(qtbot, make_console, sandbox):
    store = MemoryStore()
    creds = sandbox.credentials
    store.set("Local", "app_secret", creds.app_secret)
    store.set("Local", "sign_key", creds.sign_key)
    ProfileStore(app_paths().ensure().profiles_file).save(
        Profile("Local", sandbox.base_url, creds.appid, read_timeout=0.5)
    )
    app = make_console(store=store)
    window = app.window
    window.open_profile("Local")
    qtbot.waitUntil(lambda: window.banner.kind == "test", timeout=WAIT_MS)
    assert "TEST" in window.windowTitle() and "Local" in window.banner.text()
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)

    panel = window.order_panel
    order_id = open_demo_order(qtbot, app, sandbox)
    sandbox.inject("order_set_status:latency=1.5#1")
    apply_paid(qtbot, panel)
    message = panel.message_label.text()
    assert "did not answer in time" in message
    assert "may have reached the platform: open the order again" in message
    qtbot.waitUntil(lambda: not any(t.pool == "api" for t in app.runner.running()), timeout=WAIT_MS)
    journal = file_journal(app)
    try:
        action = journal.list_actions(1, order_id=order_id)[0]
    finally:
        journal.close()
    assert action.kind == "set_status" and action.state == "transport"


def test_double_click_sends_one_request(qtbot, make_console, sandbox):
    app = make_console(synchronous=False)
    panel = app.window.order_panel
    open_demo_order(qtbot, app, sandbox)
    sandbox.inject("order_set_status:latency=0.5#1")
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    qtbot.mouseDClick(panel.apply_button, LEFT)
    qtbot.mouseClick(panel.apply_button, LEFT)
    app.window.apply_action.trigger()  # Ctrl+Enter while it runs
    assert not panel.apply_button.isEnabled()
    qtbot.waitUntil(lambda: panel.view.order.status == "SUCCESS", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert len(sandbox.requests_for("order_set_status")) == 1


def test_double_click_on_dispense_drops_one_item(qtbot, make_console, asker, sandbox):
    app = make_console(synchronous=False)
    panel = app.window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    qtbot.mouseDClick(panel.dispense_all_button, LEFT)
    qtbot.mouseClick(panel.dispense_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert len(asker.questions) == 1
    assert len(sandbox.requests_for("dispense")) == 1


def test_cancel_stops_waiting_for_a_machine_that_does_not_answer(qtbot, make_console, sandbox):
    app = make_console(synchronous=False)
    window = app.window
    panel = window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    sandbox.inject("device:noanswer#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "is locked" in panel.lock_label.text(), timeout=WAIT_MS)
    assert LOBBY in panel.lock_label.text()
    assert window.busy_bar.isVisibleTo(window) and window.cancel_action.isEnabled()
    window.cancel_action.trigger()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert panel.lock_label.isHidden()
    assert "no result" in panel.message_label.text() and "cancelled" in panel.message_label.text()
    qtbot.waitUntil(lambda: not window.cancel_action.isEnabled(), timeout=WAIT_MS)
    assert len(sandbox.requests_for("dispense")) == 1  # never retried


def test_quitting_with_a_dispense_in_flight_loses_no_journal_entry(
    qtbot, make_console, asker, sandbox
):
    app = make_console(synchronous=False)
    window = app.window
    choose_machine(qtbot, app)
    order_id = new_paid_order(qtbot, app)
    sandbox.inject("dispense:latency=1#1")
    qtbot.mouseClick(window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: len(sandbox.requests_for("dispense")) == 1, timeout=WAIT_MS)

    asker.answer = False
    assert not window.close()  # the operator thinks again: the window stays
    assert asker.questions[-1].title == "Quit with work running?"
    reader = file_journal(app)  # scoped as the window's; read once it has closed
    reader.close()
    asker.answer = True
    assert window.close()
    journal = Journal.open(
        app_paths().journal_file, reader.profile_name, platform=reader.platform, adopt=False
    )
    try:
        dispense = next(
            a for a in journal.list_actions(20, order_id=order_id) if a.kind == "dispense"
        )
    finally:
        journal.close()
    assert dispense.state == "ok"  # the answer arrived and was recorded before the end


def test_a_lost_dispense_answer_says_the_item_may_have_dropped_and_warns_before_again(
    qtbot, console_app, asker, sandbox
):
    """A dispense sent but never answered may have dropped: never reported as 'not sent',
    and dispensing that record again warns of a second item first."""
    panel = console_app.window.order_panel
    open_demo_order(qtbot, console_app, sandbox, kind="paid")
    sandbox.inject("dispense:reset#1")  # the connection drops after the request went out
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "MAY HAVE DROPPED" in panel.message_label.text(), timeout=WAIT_MS)
    assert "not dispensed" not in panel.message_label.text()
    assert len(sandbox.requests_for("dispense")) == 1

    asker.answer = False
    qtbot.waitUntil(lambda: panel.dispense_all_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    assert "may already have dropped" in asker.questions[-1].detail
    assert len(sandbox.requests_for("dispense")) == 1


def _followup_cells(window) -> list[dict[str, str]]:
    """The Follow-ups tab's rows as the operator reads them, by column title."""
    model = window.followups.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [
        {titles[c]: model.index(r, c).data() for c in range(model.columnCount())}
        for r in range(model.rowCount())
    ]


def test_a_dispense_with_no_result_after_120_s_opens_a_follow_up(qtbot, make_console, sandbox):
    """The machine never answers and no callback comes: once 120 s have passed since the
    dispense, the window's periodic check (every 15 s) asks the platform, which has
    marked the dispense timed out, opens the refund follow-up and says so."""
    app = make_console(synchronous=False)
    window = app.window
    panel = window.order_panel
    # The console and the platform keep one time, which the test moves on.
    window.ws.env.ops.clock = sandbox.clock.now
    choose_machine(qtbot, app)
    order_id = new_paid_order(qtbot, app)
    sandbox.inject("callback:drop")
    sandbox.inject("device:noanswer#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: "is locked" in panel.lock_label.text(), timeout=WAIT_MS)
    window.cancel_action.trigger()  # the operator stops waiting; the result stays unknown
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "no result" in panel.message_label.text()
    assert window.tabs.tabText(1) == "Follow-ups (0)"

    (sent,) = sandbox.requests_for("dispense")

    def move_clock_to(seconds_after_the_dispense: float) -> None:
        sandbox.clock.advance(sent.at + seconds_after_the_dispense - sandbox.clock.now())

    move_clock_to(118)
    window.check_timeouts()  # what the window's 15 s timer runs
    qtbot.waitUntil(lambda: not window.runner.running(POOL_JOURNAL), timeout=WAIT_MS)
    assert window.tabs.tabText(1) == "Follow-ups (0)"
    assert str(order_id) not in window.statusBar().currentMessage()

    move_clock_to(121)
    window.check_timeouts()
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    (row,) = _followup_cells(window)
    assert row["Order"] == str(order_id) and row["Machine"] == LOBBY
    assert row["State"] == "open"
    assert "The machine did not report a result within 120 s" in row["What happened"]
    (asked,) = sandbox.requests_for("delivery")[-1:]  # the platform was asked first
    assert asked.at >= sent.at + 120
    message = window.statusBar().currentMessage()
    assert "No dispense result within 120 s" in message and str(order_id) in message

    window.check_timeouts()  # a later check opens nothing more
    qtbot.waitUntil(lambda: not window.runner.running(POOL_JOURNAL), timeout=WAIT_MS)
    assert window.tabs.tabText(1) == "Follow-ups (1)"


def test_a_result_read_from_the_platform_opens_no_false_follow_up_later(
    qtbot, console_app, sandbox
):
    """Callbacks go elsewhere: the window reads the platform's dispense record. An item
    that dropped never becomes "customer may need a refund — no result callback"."""
    window = console_app.window
    panel = window.order_panel
    window.ws.env.ops.clock = sandbox.clock.now
    choose_machine(qtbot, console_app)
    new_paid_order(qtbot, console_app)
    sandbox.inject("callback:drop")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "dropped" in panel.message_label.text()
    sandbox.clock.advance(121)
    window.check_timeouts()
    assert window.tabs.tabText(1) == "Follow-ups (0)"


def test_a_failure_read_from_the_platform_opens_a_follow_up_at_once(qtbot, console_app, sandbox):
    """Callbacks go elsewhere and the slot jams: the platform's record is the evidence."""
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "Goods are Stuck" in panel.message_label.text()
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    (row,) = _followup_cells(window)
    assert row["Order"] == str(order_id) and "Goods are Stuck" in row["What happened"]


def test_already_delivered_is_a_result_and_opens_no_refund_follow_up(qtbot, console_app, sandbox):
    """6034 "order already delivered" (e.g. Dispense pressed on a stale view): the
    customer has the item, so no refund follow-up may open."""
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app)
    sandbox.inject("dispense:code=6034#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    text = panel.message_label.text()
    assert "the platform says it was already delivered" in text, text
    assert "opens no refund follow-up" in text
    window.followups.reload()
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=WAIT_MS)
    activity = console_app.window.ws.env.journal.list_actions(order_id=order_id, kind="dispense")
    assert [(a.state, a.code) for a in activity] == [("refused", 6034)]  # journalled as said


def test_the_follow_ups_tab_says_what_staff_need_to_refund(qtbot, console_app, asker, sandbox):
    """A failed dispense: the Follow-ups tab shows the amount, trade id, slot and product,
    the evidence and who changed it; the button says what it does, and its confirmation
    names the customer's order before anything is sent."""
    window = console_app.window
    panel = window.order_panel
    choose_machine(qtbot, console_app)
    order_id = new_paid_order(qtbot, console_app, product_id=501)
    order = sandbox.state.orders[order_id]
    slot = next(p for p in sandbox.state.machines[LOBBY].products.values() if p.id == 501)
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    (row,) = _followup_cells(window)
    assert row["Order"] == str(order_id) and row["Machine"] == LOBBY
    assert row["Amount"] == order.amount() and row["Trade id"] == order.trade_id
    assert (row["Slot"], row["Product"]) == (slot.channel_name, slot.name)
    assert row["Paid on (platform date)"] == gmt8_date(order.created_at)
    assert row["Evidence"].startswith("platform record (delivery ")
    assert row["Last change"].startswith("the console, ")

    followups = window.followups
    assert followups.refund_button.text().replace("&", "") == "Refund customer…"
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: followups.selected() is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "opened" in followups.events_view.toPlainText(), timeout=WAIT_MS)
    assert "the console: opened — Goods are Stuck" in followups.events_view.toPlainText()

    asker.answer = False  # the operator reads the confirmation and thinks again
    qtbot.mouseClick(followups.refund_button, LEFT)
    question = asker.questions[-1]
    for words in (order.amount(), order.trade_id, str(order_id), LOBBY, slot.channel_name,
                  slot.name):  # fmt: skip
        assert words in question.text, question.text
    assert "MAY HAVE DROPPED" not in question.text
    assert len(sandbox.requests_for("order_set_status")) == 1  # "paid" only: nothing sent


def test_refunding_a_result_unknown_says_the_item_may_have_dropped(
    qtbot, console_app, asker, sandbox
):
    """No result and the platform could not say: the refund confirmation says plainly
    that the item MAY HAVE DROPPED, and staff must say what they checked first."""
    from console.core.followup import REASON_UNKNOWN, unknown_result_meaning

    window = console_app.window
    order_id = open_demo_order(qtbot, console_app, sandbox, kind="paid")
    journal = window.ws.env.journal
    journal.open_followup(
        order_id, 78, LOBBY, REASON_UNKNOWN, unknown_result_meaning(120, "still dispensing"),
        "timeout", None,
    )  # fmt: skip
    followups = window.followups
    followups.reload()
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: followups.refund_button.isEnabled(), timeout=WAIT_MS)
    (row,) = _followup_cells(window)
    assert row["Evidence"] == "no result after 120 s" and row["Slot"] == "A10"

    asker.answer = False
    qtbot.mouseClick(followups.refund_button, LEFT)
    question = asker.questions[-1]
    assert "MAY HAVE DROPPED" in question.title and "MAY HAVE DROPPED" in question.text
    assert "Check the machine's slot and ask the customer first" in question.text
    assert question.action == "Refund anyway"

    asker.answer, asker.note = True, "  "  # confirmed, but nothing said about the check
    qtbot.mouseClick(followups.refund_button, LEFT)
    assert asker.notes[-1].required and "What did you check?" in asker.notes[-1].prompt
    assert sandbox.requests_for("order_set_status") == []  # nothing was sent
    assert followups.selected().state == "open"
