"""Callbacks carry no signature: the cross-check asks the platform before trusting one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.api.client import Client
from console.core.callback import parse_callback
from console.journal import Journal
from console.receiver.crosscheck import CrossChecker
from console.sandbox import Sandbox

from .conftest import LOBBY


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal.open(tmp_path / "j.sqlite3", "test")
    yield j
    j.close()


def cb(**fields: object):
    body = {"method": "device.delivery.response", "deliver_status": "1", "floor_status": "1"}
    body.update(fields)
    return parse_callback(json.dumps(body).encode(), "application/json")


def test_verdicts(client: Client, journal: Journal, sandbox: Sandbox) -> None:
    check = CrossChecker(client, journal)
    # Record 78 has not dropped: a failure report agrees, a success report does not.
    assert check(cb(order_id=60, record_id=78, deliver_status="0"))[0] == "ok"
    verdict, detail = check(cb(order_id=60, record_id=78))
    assert verdict == "suspicious" and "says success" in detail
    verdict, detail = check(cb(order_id=60, record_id=79))
    assert verdict == "suspicious" and "record 79 is not in order 60" in detail
    verdict, detail = check(cb(order_id=63, record_id=83))
    assert verdict == "suspicious" and "REFUND" in detail
    verdict, detail = check(cb(order_id=424242, record_id=1))
    assert verdict == "suspicious" and "unknown order" in detail
    assert check(cb(channel_name="A10", order_id=None))[0] == "unchecked"
    # The machine found by scanning is remembered: the next check asks it directly.
    assert journal.get_order(60) is not None and journal.get_order(60).machine_no == LOBBY
    # What the platform said about the order is kept for its follow-ups.
    summary = journal.get_order(60)
    assert summary.status == "SUCCESS" and summary.details_ts is not None
    assert summary.amount == sandbox.state.orders[60].amount()
    assert [r.record_id for r in summary.records] == [78]


def test_a_callback_that_contradicts_the_delivery_is_suspicious(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    oid = sandbox.demo_order("paid")
    action = journal.begin_action("dispense", LOBBY, oid, {"record_id": 78, "paid": True})
    delivery = client.dispense(LOBBY, oid, 78)
    journal.finish_action(action, "ok", response={"data": {"delivery_id": delivery.delivery_id}})
    assert sandbox.wait_idle(15)
    deadline = time.monotonic() + 15
    while client.get_delivery(delivery.delivery_id, LOBBY).status == "dispensing":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # The machine dropped the item; a "failure" callback for it is a lie or a mix-up.
    verdict, detail = CrossChecker(client, journal)(
        cb(order_id=oid, record_id=78, deliver_status="0", error_msg="Goods are Stuck")
    )
    assert verdict == "suspicious" and "says failure" in detail


def test_a_result_for_a_dispense_still_under_way_is_suspicious(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    """The platform records a result before it posts it: a failure callback while the
    console's dispense is still dispensing did not come from the platform."""
    oid = sandbox.demo_order("paid")
    sandbox.inject("device:slow=30#1")
    action = journal.begin_action("dispense", LOBBY, oid, {"record_id": 78, "paid": True})
    delivery = client.dispense(LOBBY, oid, 78)
    # Stored as the dispense engine stores it: the platform's answer as is.
    journal.finish_action(action, "ok", response={"delivery_id": delivery.delivery_id})
    verdict, detail = CrossChecker(client, journal)(
        cb(order_id=oid, record_id=78, deliver_status="0", error_msg="Goods are Stuck")
    )
    assert verdict == "suspicious", detail
    assert f"delivery {delivery.delivery_id} is still dispensing" in detail


def test_platform_trouble_is_an_error_not_a_verdict(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    sandbox.inject("*:html")
    verdict, detail = CrossChecker(client, journal)(cb(order_id=60, record_id=78))
    assert verdict == "error" and "could not ask the platform" in detail


class FakeTime:
    """The checker's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_flood_of_unknown_orders_is_checked_at_a_bounded_pace(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    """Forged callbacks name orders no machine has; each makes the checker ask every
    machine. The platform must see those questions at the checker's pace, not the flood's."""
    t = FakeTime()
    check = CrossChecker(client, journal, calls_per_s=10, burst=5, clock=t.clock, sleep=t.sleep)
    machines = len(client.machines())
    before = len(sandbox.requests)
    lists_before = len(sandbox.requests_for("machines"))
    verdicts = [check(cb(order_id=900_000 + i, record_id=1))[0] for i in range(6)]
    assert verdicts == ["suspicious"] * 6
    asked = len(sandbox.requests) - before
    # The machine list once (remembered), then every machine for each order.
    assert len(sandbox.requests_for("machines")) - lists_before == 1
    assert asked == 1 + 6 * machines == check.calls
    # 5 calls came from the burst allowance; the rest waited their turn at 10 a second.
    assert sum(t.slept) == pytest.approx((asked - 5) / 10, abs=0.01)
    assert t.now - 1000.0 >= (asked - 5) / 10 - 0.01


def test_an_unknown_order_is_remembered_for_a_minute(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    t = FakeTime()
    check = CrossChecker(client, journal, clock=t.clock, sleep=t.sleep)
    check(cb(order_id=777_777, record_id=1))
    calls = check.calls
    verdict, detail = check(cb(order_id=777_777, record_id=2))
    assert verdict == "suspicious" and "unknown order 777777" in detail
    assert check.calls == calls  # answered from memory: nothing asked
    t.now += 61
    check(cb(order_id=777_777, record_id=3))
    assert check.calls > calls  # a minute later the platform is asked again
