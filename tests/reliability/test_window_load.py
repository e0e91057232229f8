"""Load on the window: 5,000 callbacks through its own receiver; 50 slow-loris connections.

The window runs its real thread pools; the callbacks arrive at the receiver the
window opened for its profile (the same one the platform posts to), from a few
client threads, while the operator works. Outcomes only, never timings (speed
is measured in benchmarks/):

- every callback is answered 200, journalled, and ends up in the log pane's
  model exactly once; the log pane takes them in batches (far fewer model
  inserts than entries), never one repaint per callback;
- the follow-up count the window shows is the number of distinct failures
  (re-pushes open none);
- a click and an action during the burst are served: a machine is chosen, an
  order opened and marked paid while callbacks are still arriving;
- 50 slow-loris connections held open against the window's receiver (each
  trickling a byte a second, so its read timeout never fires) do not stop
  other callbacks or the operator; closing the window drops them.

tests/gui/test_storm.py already proves the log pane takes 100,000 lines pushed
straight into its feed and stays filterable; tests/reliability/test_load.py
proves the receiver alone at 16 clients.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from pytestqt.qtbot import QtBot

from console.app import ConsoleApp
from console.core.followup import REASON_SUSPICIOUS
from console.journal import Journal
from console.sandbox import Sandbox
from console.tasks.logfeed import LogEntry
from console.ui.main_window import MainWindow
from tests.gui.conftest import WAIT_MS, file_journal, log_entries
from tests.gui.test_failures import apply_paid, open_demo_order
from tests.integration.test_receiver_http import closed_by_server

from .conftest import Figures
from .test_load import _body, _still_open

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

WAIT = 120.0
LONG_MS = 120_000
CLIENTS = 4
UNIQUE = 5_000
REPEATS = 250  # re-pushes of a callback another client sent
GATE = 0.6  # clients hold the rest of their plan until the operator's action was served
LORIS = 50
LORIS_CALLBACKS = 500
TRICKLE_S = 1.0  # the window's receiver drops a client silent for 5 s
HOLD_ROUNDS = 7  # trickles (seconds) the connections are held at least


def _callback_entries(app: ConsoleApp) -> list[LogEntry]:
    """The log pane's lines for journalled callbacks (not their cross-check verdicts)."""
    return [
        e
        for e in log_entries(app)
        if e.kind == "callback" and e.callback_id is not None and "cross-check" not in e.summary
    ]


def _callback_counts(app: ConsoleApp) -> dict[str, int]:
    """The journal's callback counts, read from the file the window writes."""
    journal = file_journal(app)
    try:
        return journal.callback_counts()
    finally:
        journal.close()


class Poster(threading.Thread):
    """One client on one keep-alive connection, posting ``plan`` to the receiver."""

    def __init__(self, url: str, plan: list[tuple[int, int]], gate_at: int, gate: threading.Event):
        super().__init__(daemon=True)
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port, parts.path
        self.plan, self.gate_at, self.gate = plan, gate_at, gate
        self.statuses: list[int] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        try:
            for i, (order, record) in enumerate(self.plan):
                if i == self.gate_at and not self.gate.wait(WAIT):
                    raise TimeoutError("the operator's action was never served")
                conn.request(
                    "POST", self.path, _body(order, record), {"Content-Type": "application/json"}
                )
                resp = conn.getresponse()
                resp.read()
                self.statuses.append(resp.status)
                if resp.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        except BaseException as exc:
            self.error = exc
        finally:
            conn.close()


def _plans(unique: int, repeats: int, base: int) -> list[list[tuple[int, int]]]:
    plans: list[list[tuple[int, int]]] = []
    for n in range(CLIENTS):
        count = unique // CLIENTS + (1 if n < unique % CLIENTS else 0)
        plans.append([(base + n, r) for r in range(1, count + 1)])
    for n in range(CLIENTS):
        neighbour = (n + 1) % CLIENTS
        rep = repeats // CLIENTS + (1 if n < repeats % CLIENTS else 0)
        for i in range(rep):  # some before the original arrives, some after
            plans[n].insert(i * 10 + 5, (base + neighbour, i + 1))
    return plans


def test_the_window_takes_5000_callbacks_and_serves_the_operator_meanwhile(
    qtbot, make_console, sandbox: Sandbox, figures: Figures
) -> None:
    app = make_console(synchronous=False)
    window = app.window
    env = window.ws.env
    assert env is not None
    pane = window.log_pane
    inserts: list[int] = []
    pane.model.rowsInserted.connect(lambda _parent, first, last: inserts.append(last - first + 1))
    before = len(_callback_entries(app))

    gate = threading.Event()
    plans = _plans(UNIQUE, REPEATS, 500_000)
    posters = [Poster(env.receiver.url, p, int(len(p) * GATE), gate) for p in plans]
    try:
        for p in posters:
            p.start()
        # The operator works while callbacks arrive: once 1,000 are in the log pane,
        # choose a machine (a click), open an order, mark it paid.
        qtbot.waitUntil(lambda: len(_callback_entries(app)) - before >= 1_000, timeout=LONG_MS)
        panel = window.order_panel
        order_id = open_demo_order(qtbot, app, sandbox, "unpaid")
        apply_paid(qtbot, panel)
        assert f"Order {order_id} is now 1" in panel.message_label.text()
        answered_during = sum(len(p.statuses) for p in posters)
        gate.set()
        for p in posters:
            p.join(WAIT * 3)
            assert not p.is_alive(), "a client never finished"
    finally:
        gate.set()
    errors = [p.error for p in posters if p.error is not None]
    assert not errors, errors[:3]
    sent = sum(len(p.statuses) for p in posters)
    assert sent == UNIQUE + REPEATS
    assert all(code == 200 for p in posters for code in p.statuses)
    # The action was served in the middle of the burst, not after it.
    assert answered_during < sent

    # Every callback reaches the log pane exactly once.
    qtbot.waitUntil(
        lambda: len(_callback_entries(app)) - before == UNIQUE + REPEATS, timeout=LONG_MS
    )
    entries = _callback_entries(app)[before:]
    ids = [e.callback_id for e in entries]
    assert len(set(ids)) == len(ids) == UNIQUE + REPEATS
    assert sum("repeat of #" in e.summary for e in entries) == REPEATS
    keys = {(e.order_id, e.detail["record_id"]) for e in entries}
    assert len(keys) == UNIQUE
    # Batched: the model took them in far fewer inserts than entries.
    callback_batches = len(inserts)
    assert sum(inserts) >= UNIQUE + REPEATS
    assert callback_batches < (UNIQUE + REPEATS) / 5, callback_batches

    # No machine of the merchant has these orders: once the cross-check has judged their
    # failures they are listed as suspicious for a person — never refunds, not counted.
    failures = sum(1 for key in keys if key[1] % 10 == 0)
    _no_refund_for_forged_failures(qtbot, window, env.journal)
    counts = _callback_counts(app)
    assert counts["success"] + counts["failure"] == UNIQUE
    assert counts["failure"] == failures and counts["duplicate"] == REPEATS

    # Still usable after the burst: the log pane filters, the next order opens.
    pane.order_edit.setText("500001")
    pane.apply_filter()
    assert pane.model.rowCount() >= UNIQUE // CLIENTS
    assert all(e.order_id == 500001 for e in pane.model.shown())
    pane.order_edit.clear()
    pane.apply_filter()
    other = sandbox.demo_order("paid_multi")
    panel.order_edit.setText(str(other))
    panel.open_typed_order()
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.order_id == other, timeout=WAIT_MS
    )

    figures.record(
        "load.window_callbacks",
        sent,
        f"callbacks POSTed to the window's receiver by {CLIENTS} clients "
        f"({UNIQUE:,} distinct + {REPEATS} re-pushes)",
    )
    figures.record(
        "load.window_in_log_pane", len(entries), "of them in the log pane, each once", held=True
    )
    figures.record(
        "load.window_log_inserts",
        callback_batches,
        f"inserts into the log pane's model for all {sum(inserts):,} lines of the burst "
        "(batched, not one per callback)",
    )
    figures.record(
        "load.window_followups",
        failures,
        "follow-ups the window counted: one per distinct failure, none for re-pushes",
        held=True,
    )
    figures.record(
        "load.window_served_during",
        answered_during,
        "callbacks answered when the operator's click + open + mark-paid had been served",
    )


# -- slow loris -----------------------------------------------------------------------------


def _loris(port: int, path: str, n: int) -> tuple[socket.socket, Iterator[bytes]]:
    """A client that starts a request, then sends one more byte now and then, at five stages."""
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    stage = n % 5
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 60000\r\n\r\n"
    ).encode()
    more: Iterator[bytes]
    if stage == 0:  # nothing yet; then the request line, never finished
        first, more = b"", itertools.chain([b"P", b"O", b"S", b"T", b" ", b"/"], _forever(b"a"))
    elif stage == 1:  # half a request line
        first, more = b"PO", itertools.chain([b"S", b"T", b" ", b"/"], _forever(b"a"))
    elif stage == 2:  # half the headers
        first = f"POST {path} HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode()
        more = _forever(b"a")
    elif stage == 3:  # the headers, then the body a byte at a time
        first, more = head, _forever(b" ")
    else:  # half a body
        first, more = head + b'{"order_id": 1, "rec', _forever(b"o")
    if first:
        s.sendall(first)
    return s, more


def _forever(byte: bytes) -> Iterator[bytes]:
    return itertools.repeat(byte)


def test_50_slow_loris_connections_do_not_stop_the_window(
    qtbot, make_console, sandbox: Sandbox, figures: Figures
) -> None:
    app = make_console(synchronous=False)
    window = app.window
    env = window.ws.env
    assert env is not None
    path = urlsplit(env.receiver.url).path
    loris = [_loris(env.receiver.port, path, n) for n in range(LORIS)]
    stop = threading.Event()

    rounds: list[int] = []

    def trickle() -> None:
        while not stop.wait(TRICKLE_S):
            rounds.append(1)
            for s, more in loris:
                with contextlib.suppress(OSError):  # counted below: it must still be open
                    s.sendall(next(more))

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    before = len(_callback_entries(app))
    try:
        gate = threading.Event()
        plans = _plans(LORIS_CALLBACKS, 0, 600_000)
        posters = [Poster(env.receiver.url, p, int(len(p) * GATE), gate) for p in plans]
        for p in posters:
            p.start()
        panel = window.order_panel
        order_id = open_demo_order(qtbot, app, sandbox, "unpaid")
        apply_paid(qtbot, panel)
        assert f"Order {order_id} is now 1" in panel.message_label.text()
        gate.set()
        for p in posters:
            p.join(WAIT)
            assert not p.is_alive()
        assert not [p.error for p in posters if p.error is not None]
        assert [code for p in posters for code in p.statuses] == [200] * LORIS_CALLBACKS
        qtbot.waitUntil(
            lambda: len(_callback_entries(app)) - before == LORIS_CALLBACKS, timeout=LONG_MS
        )
        _no_refund_for_forged_failures(qtbot, window, env.journal)
        # Hold them past the receiver's 5 s read timeout: only their trickle keeps them.
        qtbot.waitUntil(lambda: len(rounds) >= HOLD_ROUNDS, timeout=LONG_MS)
        stop.set()
        trickler.join(WAIT)
        # They were all still there, holding their connections, the whole time.
        assert all(_still_open(s) for s, _ in loris)
        counts = _callback_counts(app)
        assert counts["success"] + counts["failure"] == LORIS_CALLBACKS
        assert counts["malformed"] == 0  # no half request was taken for a callback
        # Closing the window stops its receiver, which drops them.
        app.shutdown()
        assert all(closed_by_server(s) for s, _ in loris)
    finally:
        stop.set()
        for s, _ in loris:
            s.close()

    figures.record(
        "load.window_loris",
        LORIS,
        f"slow-loris connections held open against the window's receiver for {len(rounds)} s "
        "(past its 5 s read timeout, by trickling)",
    )
    figures.record(
        "load.window_loris_accepted",
        LORIS_CALLBACKS,
        "callbacks accepted and shown meanwhile, with an order opened and marked paid",
        held=True,
    )


def _no_refund_for_forged_failures(qtbot: QtBot, window: MainWindow, journal: Journal) -> None:
    """Failure callbacks for orders no machine has: suspicious, never a refund to count."""
    qtbot.waitUntil(lambda: len(journal.list_followups("active")) >= 10, timeout=LONG_MS)
    active = journal.list_followups("active")
    assert {f.reason for f in active} == {REASON_SUSPICIOUS}
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=LONG_MS)
