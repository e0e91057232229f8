"""Follow-ups that tell the truth, over the real sandbox with ``vendctl``.

Each test is one complaint of the follow-ups issue: a dispense whose answer was
lost is asked about rather than forgotten (or refunded blindly), and a refund
is refused while a dispense of the same order still waits for its result.
"""

from __future__ import annotations

import threading
import time

import pytest

from console.sandbox import Sandbox
from tests.integration.test_cli import LOBBY, Run, env, vendctl  # noqa: F401 - env: a fixture

UNKNOWN = "result unknown — check before refunding"
pytestmark = pytest.mark.usefixtures("env")  # vendctl talks to the sandbox


def test_a_dispense_whose_answer_was_lost_is_settled_by_the_platform_not_forgotten(
    sandbox: Sandbox,
) -> None:
    """Killed between send and answer: the item dropped. The check asks the platform,
    which says picked up: the result is recorded and nobody is prompted to refund."""
    oid = sandbox.demo_order("paid")
    sandbox.inject("callback:drop")
    sandbox.inject("dispense:lost#1")
    r = vendctl("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes")
    assert r.code == 3, r.err  # no usable answer: the request may have arrived
    assert len(sandbox.requests_for("dispense")) == 1  # sent once, never retried
    _wait_until_picked_up(sandbox, oid, 78)
    r = vendctl("followup", "check", "--older-than", "0")
    assert r.code == 0, r.err
    assert "the order's record 78 is picked up → result recorded, no follow-up" in r.out
    assert "nothing to follow up" in vendctl("followup", "list").out
    assert len(sandbox.requests_for("dispense")) == 1


def test_a_lost_answer_for_a_jammed_slot_opens_a_follow_up_that_says_check_first(
    sandbox: Sandbox,
) -> None:
    """Killed between send and answer, and the slot jammed: the platform cannot yet say
    the dispense failed (its 120 s have not passed), so a follow-up opens that says the
    result is unknown — the queue is not empty, and refunding asks first."""
    oid = sandbox.demo_order("paid")
    sandbox.inject("callback:drop")
    sandbox.inject("dispense:lost#1")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    assert vendctl("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes").code == 3
    r = vendctl("followup", "check", "--older-than", "0")
    assert r.code == 0, r.err
    assert "result unknown — check before refunding" in r.out
    (f,) = vendctl("--json", "followup", "list").json["data"]
    assert (f["order_id"], f["record_id"], f["reason"], f["state"]) == (oid, 78, UNKNOWN, "open")
    assert "MAY HAVE DROPPED" in f["meaning"]


def test_refund_is_refused_while_a_dispense_of_the_order_waits_for_its_result(
    sandbox: Sandbox,
) -> None:
    """Record 1 jammed (a follow-up); record 2 is being dispensed by another seat and
    its machine is slow. Refunding the order now could pay back a customer who gets
    record 2's item: refused, nothing sent. Once the result is in, the refund goes."""
    oid = sandbox.demo_order("paid_multi")
    first, second, _ = (r.id for r in sandbox.state.orders[oid].records)
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    r = vendctl("dispense", str(oid), "--machine", LOBBY, "--record", str(first), "--yes")
    assert r.code == 1 and "follow-up #1 is open" in r.out, r.out
    sandbox.inject("device:slow=4#1")
    done: list[Run] = []
    other_seat = threading.Thread(
        target=lambda: done.append(
            vendctl("dispense", str(oid), "--machine", LOBBY, "--record", str(second), "--yes")
        )
    )
    other_seat.start()
    try:
        deadline = time.monotonic() + 30
        while len(sandbox.requests_for("dispense")) < 2:
            assert time.monotonic() < deadline, "the other seat's dispense never went out"
            time.sleep(0.05)
        r = vendctl("followup", "refund", "1", "--yes")
        assert r.code == 1, r.err
        assert "still waiting for its result" in r.err and "nothing was sent" in r.err
        assert sandbox.requests_for("order_set_status") == []
    finally:
        other_seat.join(60)
    assert done and done[0].code == 0, done
    r = vendctl("followup", "refund", "1", "--yes")
    assert r.code == 0, r.err
    assert len(sandbox.requests_for("order_set_status")) == 1


def _wait_until_picked_up(sandbox: Sandbox, order_id: int, record_id: int) -> None:
    deadline = time.monotonic() + 30
    while sandbox.state.orders[order_id].record(record_id).status != "已取货":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the machine never dropped the item"
        time.sleep(0.05)
