"""Platform faults through the window: every fault of the vendctl matrix x set-status and dispense.

The same faults as ``test_platform_faults.py`` (same rules, same retry policy),
injected into the sandbox behind the real window, which runs its real thread
pools. For each case:

- **a clear message**: the order panel and the status bar name the failure
  (HTTP status, platform code and message, "may have reached the platform"
  exactly when the request may have arrived), never a traceback or an
  "unexpected error";
- **nothing retried that must not be**: the requests that reached the sandbox,
  and the tries the log pane shows (the only count when nothing listens);
- **the journal records the outcome** (``Journal.list_actions``), and a refused
  dispense of a paid order opens its follow-up, a transport failure does not;
- **the window stays usable**: during a slow answer the other panels respond
  (machines filter, log search); afterwards the next action works (another
  order opens, a status is applied).

Connection refused: the open profile's client is pointed at a closed port
(nothing listens there), then back. Timeout: its read timeout is set to 0.5 s
against a 3 s delay, as ``vendctl --timeout 0.5`` does; a real profile with a
short read timeout is in tests/gui/test_failures.py.

Already proven in tests/gui/test_failures.py and cited rather than repeated:
a double click sends one request, Cancel stops waiting for a machine that does
not answer, quitting mid-dispense loses no journal entry, a failing machine list
is explained and Refresh recovers.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from console.app import ConsoleApp
from console.journal import ActionRow
from console.sandbox import Sandbox
from tests.gui.conftest import LEFT, WAIT_MS, file_journal, log_entries, new_paid_order
from tests.gui.test_failures import open_demo_order

from .conftest import Figures
from .test_platform_faults import COMMANDS, FAULTS, Command, Fault

pytestmark = pytest.mark.timeout(300)

# What the window must say for each fault (English, the default language).
SAYS: dict[str, tuple[str, ...]] = {
    "connection refused": ("could not be reached", "check the network"),
    "timeout": ("did not answer in time",),
    "slow answer": (),
    "HTTP 503": ("HTTP 503", "Service Unavailable"),
    "HTTP 500": ("HTTP 500", "Internal Server Error"),
    "HTML error page": ("not the usual JSON", "HTTP 502", "502 Bad Gateway"),
    "malformed JSON": ("not the usual JSON", "HTTP 200", "The answer began"),
    "truncated JSON": ("not the usual JSON", "The answer began: “{"),
    "empty answer": ("HTTP 200",),
    "connection reset": ("connection dropped",),
    "HTTP 401": ("code 10014", "appid is invalid", "HTTP 401"),
    "code 0 not ok": ("code 0 with “订单未支付” instead of “ok”",),
    "unknown error code": ("code 98765",),
}
MAY_HAVE_ARRIVED = "may have reached the platform"
WINDOW_COMMANDS = [c for c in COMMANDS if c.name in ("set-status", "dispense")]
# Where the slow answer is slow: long enough to act in the window while it is outstanding.
SLOW_S = 2


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@contextmanager
def _fault(app: ConsoleApp, sandbox: Sandbox, fault: Fault, cmd: Command) -> Iterator[None]:
    """Inject ``fault`` for ``cmd``'s action until the block ends, then remove it."""
    env = app.window.ws.env
    assert env is not None
    client = env.client
    base_url, read_timeout = client.base_url, client.read_timeout
    if not fault.rule:
        client.base_url = f"http://127.0.0.1:{_closed_port()}"
    else:
        rule = fault.rule.format(a=cmd.action)
        if fault.name == "slow answer":
            rule = rule.replace("latency=1", f"latency={SLOW_S}")
        sandbox.inject(rule)
    if fault.timeout:
        client.read_timeout = float(fault.timeout)
    try:
        yield
    finally:
        sandbox.clear_faults()
        client.base_url, client.read_timeout = base_url, read_timeout


def _tries(app: ConsoleApp, action: str) -> int:
    """Tries of ``action`` the log pane shows (request lines: ``→ PUT /orders/62  [action]``)."""
    app.window.drain()
    return sum(1 for e in log_entries(app) if e.kind == "request" and f"[{action}]" in e.summary)


def _actions(app: ConsoleApp, order_id: int) -> list[ActionRow]:
    journal = file_journal(app)
    try:
        return journal.list_actions(50, order_id=order_id)
    finally:
        journal.close()


def _active_followups(app: ConsoleApp) -> int:
    journal = file_journal(app)
    try:
        return len(journal.list_followups("active"))
    finally:
        journal.close()


def _usable_meanwhile(qtbot, app: ConsoleApp, sandbox: Sandbox, action: str, before: int) -> None:
    """While the slow request is outstanding, the other panels answer."""
    window = app.window
    panel = window.order_panel
    qtbot.waitUntil(lambda: len(sandbox.requests_for(action)) > before, timeout=WAIT_MS)
    assert panel.busy and window.busy_bar.isVisibleTo(window)
    machines = window.machines
    machines.filter_edit.setText("Lobby")
    assert machines.proxy.rowCount() == 1
    machines.filter_edit.clear()
    assert machines.proxy.rowCount() == 4
    pane = window.log_pane
    pane.search_edit.setText("machines")
    pane.apply_filter()
    assert pane.model.rowCount() >= 1
    assert all("machines" in e.search_text for e in pane.model.shown())
    pane.search_edit.clear()
    pane.apply_filter()
    assert panel.busy  # all of that happened while the request was still out


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("cmd", WINDOW_COMMANDS, ids=[c.name for c in WINDOW_COMMANDS])
def test_window_fault_matrix(
    qtbot, make_console, asker, sandbox: Sandbox, cmd: Command, fault: Fault, figures: Figures
) -> None:
    app = make_console(synchronous=False)
    window = app.window
    panel = window.order_panel
    kind = "unpaid" if cmd.name == "set-status" else "paid"
    order_id = open_demo_order(qtbot, app, sandbox, kind)
    sent_before = len(sandbox.requests_for(cmd.action))
    tries_before = _tries(app, cmd.action)
    followups_before = _active_followups(app)
    posted: list[tuple[str, str]] = []
    window.ws.message_posted.connect(lambda level, text: posted.append((level, text)))

    with _fault(app, sandbox, fault, cmd):
        if cmd.name == "set-status":
            panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
            qtbot.mouseClick(panel.apply_button, LEFT)
        else:
            qtbot.mouseClick(panel.dispense_all_button, LEFT)
            assert asker.questions and asker.questions[-1].title.startswith("Dispense order")
        if fault.name == "slow answer":
            _usable_meanwhile(qtbot, app, sandbox, cmd.action, sent_before)
        qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS * 2)

    # 1. A clear message: what the action reported (order panel and status bar), and
    #    what the panel shows once everything settled.
    if cmd.name == "set-status":
        ours = [(lv, t) for lv, t in posted if t.startswith(f"Order {order_id} ")]
    else:
        ours = [(lv, t) for lv, t in posted if t.startswith("Record ")]
    assert len(ours) == 1, posted
    level, message = ours[0]
    for text in (message, panel.message_label.text(), window.statusBar().currentMessage()):
        assert "Traceback" not in text and "Unexpected error" not in text, text
    if fault.exit == 0:
        expected_ok = f"Order {order_id} is now 1" if cmd.name == "set-status" else "dropped"
        assert level == "ok" and expected_ok in message, message
    else:
        may_have_arrived = fault.exit == 3 and fault.sent
        if cmd.name == "set-status":
            lead = f"Order {order_id} was not set to 1:"
            warning = MAY_HAVE_ARRIVED
        else:
            # A dispense whose answer was lost may have dropped: never "not dispensed".
            lead = "MAY HAVE DROPPED" if may_have_arrived else "was not dispensed:"
            warning = "MAY HAVE DROPPED"
        assert level == "error" and lead in message, message
        for fragment in SAYS[fault.name]:
            assert fragment in message, (fragment, message)
        assert (warning in message) == may_have_arrived, message
    if panel.message_label.text() != message:
        # Only when the platform cannot be reached at all: the order's automatic
        # reload after the dispense fails too, and its message comes last.
        assert not fault.rule and cmd.name == "dispense", panel.message_label.text()
        assert "not opened" in panel.message_label.text()
        assert SAYS[fault.name][0] in panel.message_label.text()
    # The log pane shows the failed exchange as an error line.
    if fault.exit:
        window.drain()
        assert any(e.kind == "error" and cmd.action in e.summary for e in log_entries(app))

    # 2. Nothing retried that must not be.
    expected = 3 if cmd.retry in fault.retried_by else 1
    tries = _tries(app, cmd.action) - tries_before
    assert tries == expected, (tries, expected)
    if fault.rule:
        assert len(sandbox.requests_for(cmd.action)) - sent_before == expected
    else:
        assert len(sandbox.requests_for(cmd.action)) == sent_before  # nothing reached it

    # 3. The journal records the outcome.
    journal_kind = "set_status" if cmd.name == "set-status" else "dispense"
    (action,) = [a for a in _actions(app, order_id) if a.kind == journal_kind]
    assert action.state == fault.journal, action
    if fault.journal == "transport":
        assert "before acting again" in action.check, action
        assert action.message.startswith("transport failure"), action
    elif fault.journal == "refused":
        assert action.code == {"HTTP 401": 10014, "code 0 not ok": 0}.get(fault.name, 98765)
    if cmd.name == "dispense":
        # A refused dispense of a paid order opens a refund follow-up; a transport
        # failure leaves the outcome to check instead (the journal's check says what).
        opened = _active_followups(app) - followups_before
        assert opened == (1 if fault.journal == "refused" else 0)
        if opened:
            qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)

    # 4. The window stays usable: a new order is created and marked paid; a
    #    status change refused or lost in transit goes through now.
    assert window.ws.env is not None
    qtbot.waitUntil(lambda: not window.busy_bar.isVisibleTo(window), timeout=WAIT_MS)
    new_order = new_paid_order(qtbot, app)
    assert f"Order {new_order} is now 1" in panel.message_label.text()
    if cmd.name == "set-status" and fault.exit:
        panel.order_edit.setText(str(order_id))
        qtbot.mouseClick(panel.open_button, LEFT)
        qtbot.waitUntil(
            lambda: panel.view is not None and panel.view.order.order_id == order_id,
            timeout=WAIT_MS,
        )
        if panel.view.order.status != "SUCCESS":  # a timed-out change may have arrived
            panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
            qtbot.mouseClick(panel.apply_button, LEFT)
            qtbot.waitUntil(
                lambda: not panel.busy and panel.view.order.status == "SUCCESS", timeout=WAIT_MS
            )
            assert f"Order {order_id} is now 1" in panel.message_label.text()

    figures.add("faults.window_cases", 1, "fault x action cases run through the window (matrix)")
    figures.add("faults.window_requests", tries, "tries sent in the window matrix")
    figures.record("faults.window_kinds", len(FAULTS), "fault kinds injected (as for vendctl)")
    figures.record(
        "faults.window_actions",
        len(WINDOW_COMMANDS),
        "window actions per fault (set status, dispense)",
    )
    figures.add(
        "faults.window_next_action_ok",
        1,
        "cases after which another order opened and took a status",
    )


def test_matrix_covers_every_fault_of_the_cli() -> None:
    """The window's matrix is the vendctl matrix: a fault added there is tried here too."""
    assert set(SAYS) == {f.name for f in FAULTS}
    assert [c.name for c in WINDOW_COMMANDS] == ["set-status", "dispense"]
