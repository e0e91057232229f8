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


def test_platform_trouble_is_an_error_not_a_verdict(
    client: Client, journal: Journal, sandbox: Sandbox
) -> None:
    sandbox.inject("*:html")
    verdict, detail = CrossChecker(client, journal)(cb(order_id=60, record_id=78))
    assert verdict == "error" and "could not ask the platform" in detail
