"""Which journal rows count in a slot's fault history: the rule as a table, then in history."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from console.core.callback import parse_callback
from console.core.models import Channel, Delivery, Product
from console.journal import ActionRow, CallbackRow, Journal
from console.troubleshoot.history import (
    EVIDENCE_CALLBACK,
    EVIDENCE_RECORD,
    SlotEvidence,
    load_history,
    slot_evidence,
)

CANTEEN = "16327132"
NOON = datetime(2024, 5, 14, 12, 0, 0).timestamp()
OK, FAILED, NONE = SlotEvidence.OK, SlotEvidence.FAILED, SlotEvidence.NONE


def callback_row(
    outcome: str,
    *,
    cross_check: str = "",
    duplicate_of: int | None = None,
    replay_of: int | None = None,
    error_msg: str = "",
) -> CallbackRow:
    return CallbackRow(
        id=7,
        ts=NOON,
        ts_iso="2024-05-14T12:00:00",
        profile="test",
        remote="127.0.0.1",
        content_type="application/json",
        method="device.delivery.response",
        order_id=60,
        record_id=78,
        deliver_status={"success": "1", "failure": "0"}.get(outcome, ""),
        floor_status=None,
        error_msg=error_msg,
        channel_name=None,
        outcome=outcome,
        summary="",
        reason="",
        extra={},
        raw=b"{}",
        raw_size=2,
        dedupe_key="",
        duplicate_of=duplicate_of,
        replay_of=replay_of,
        followup_id=None,
        cross_check=cross_check,
        cross_check_detail="",
    )


def action_row(
    kind: str,
    state: str,
    response: dict[str, Any] | None = None,
    code: int | None = None,
    source: str = "",
) -> ActionRow:
    return ActionRow(
        id=3,
        ts=NOON,
        ts_iso="2024-05-14T12:00:00",
        profile="test",
        kind=kind,
        machine_no=CANTEEN,
        order_id=60,
        record_id=78,
        request={"record_id": 78, **({"source": source} if source else {})},
        state=state,
        code=code,
        message="",
        response=response,
        detail="",
        check="",
        finished_ts=NOON,
        finished_iso="2024-05-14T12:00:00",
    )


def record(status: str, fail_reason: str = "", pickup_at: str = "") -> dict[str, Any]:
    """A platform dispense record as ``Journal.record_dispense_result`` keeps it."""
    return dataclasses.asdict(Delivery(1000, "2024-05-14 12:00:00", status, pickup_at, fail_reason))


@pytest.mark.parametrize(
    ("row", "counts_as"),
    [
        # Result callbacks: new, not suspicious → they count.
        (callback_row("success"), OK),
        (callback_row("success", cross_check="ok"), OK),
        (callback_row("failure"), FAILED),  # not cross-checked yet
        (callback_row("failure", cross_check="ok"), FAILED),
        (callback_row("failure", cross_check="unchecked"), FAILED),  # a test dispense's
        (callback_row("failure", cross_check="error"), FAILED),  # the platform was not reachable
        (callback_row("failure", error_msg="timeout", cross_check="ok"), FAILED),  # 120 s, platform
        # Forged, repeated or replayed → never.
        (callback_row("failure", cross_check="suspicious"), NONE),
        (callback_row("success", cross_check="suspicious"), NONE),
        (callback_row("failure", duplicate_of=5), NONE),
        (callback_row("failure", replay_of=5), NONE),
        (callback_row("success", duplicate_of=5), NONE),
        (callback_row("event"), NONE),
        (callback_row("invalid"), NONE),
        (callback_row("malformed"), NONE),
        # The platform's dispense record read back.
        (action_row("delivery_query", "ok", record("success", pickup_at="12:00")), OK),
        (action_row("delivery_query", "ok", record("success")), OK),
        (action_row("delivery_query", "ok", record("failed", "Goods are Stuck")), FAILED),
        (action_row("delivery_query", "ok", record("timeout", "timeout")), FAILED),
        (action_row("delivery_query", "ok", record("dispensing")), NONE),  # still unknown
        (action_row("delivery_query", "ok", record("")), NONE),
        (action_row("delivery_query", "ok", None), NONE),
        (action_row("delivery_query", "transport"), NONE),
        # The order's record, read after a dispense's answer was lost.
        (action_row("delivery_query", "ok", {"status": "已取货"}, source="order record"), OK),
        # "Not picked up" may mean the dispense never reached the machine: not a fault.
        (action_row("delivery_query", "ok", {"status": "未取货"}, source="order record"), NONE),
        # A dispense itself says nothing about the slot, whatever became of it.
        (action_row("dispense", "ok", {"delivery_id": 1000}), NONE),  # no result (yet)
        (action_row("dispense", "unknown"), NONE),  # the console stopped before the answer
        (action_row("dispense", "in_flight"), NONE),
        (action_row("dispense", "transport"), NONE),  # the answer was lost
        (action_row("dispense", "refused", code=6034), NONE),  # "order already delivered"
        (action_row("dispense", "refused", code=30002), NONE),
        (action_row("test_dispense", "refused", code=6050), NONE),
        (action_row("test_dispense", "ok", {"delivery_id": 1001}), NONE),
        (action_row("order_get", "ok", {"records": []}), NONE),
    ],
)
def test_what_counts_against_a_slot(row: CallbackRow | ActionRow, counts_as: SlotEvidence) -> None:
    assert slot_evidence(row) is counts_as


# -- the rule in a machine's history --------------------------------------------


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON - 600)


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Iterator[Journal]:
    j = Journal(tmp_path / "j.sqlite3", "test", clock)
    yield j
    j.close()


PRODUCTS = [
    Product(id=507, name="cola", price="3.50", channel=Channel(name="A12", cabinet_name="A")),
    Product(id=508, name="tea", price="3.50", channel=Channel(name="A13", cabinet_name="A")),
]


def callback(journal: Journal, **fields: object) -> CallbackRow:
    body = {"method": "device.delivery.response", **fields}
    return journal.record_callback(
        parse_callback(json.dumps(body).encode(), "application/json"), remote="127.0.0.1"
    )


def dispense(journal: Journal, clock: Clock, order_id: int, record_id: int) -> int:
    """An order with one record of product 507 (slot A12), dispensed: the delivery id."""
    a = journal.begin_action("order_get", CANTEEN, order_id, {})
    journal.finish_action(a, "ok", response={"records": [{"id": record_id, "product_id": 507}]})
    clock.t += 1
    delivery_id = 1000 + record_id
    a = journal.begin_action("dispense", CANTEEN, order_id, {"record_id": record_id, "paid": True})
    journal.finish_action(a, "ok", response={"delivery_id": delivery_id, "status": "dispensing"})
    clock.t += 2
    return delivery_id


def read_back(
    journal: Journal, clock: Clock, order_id: int, record_id: int, delivery_id: int, status: str
) -> None:
    fail = {"failed": "Goods are Stuck", "timeout": "timeout"}.get(status, "")
    journal.record_dispense_result(
        order_id, record_id, CANTEEN, Delivery(delivery_id, "", status, "", fail)
    )
    clock.t += 2


def test_a_platform_record_counts_and_one_dispense_counts_once(
    journal: Journal, clock: Clock
) -> None:
    # Order 60: the callback went elsewhere; the platform's record says it failed.
    d60 = dispense(journal, clock, 60, 78)
    read_back(journal, clock, 60, 78, d60, "failed")
    # Order 61: both the record and the callback told the same failure.
    d61 = dispense(journal, clock, 61, 79)
    read_back(journal, clock, 61, 79, d61, "failed")
    callback(
        journal,
        order_id=61,
        record_id=79,
        deliver_status="0",
        floor_status="2",
        error_msg="Goods are Stuck",
    )
    clock.t = NOON
    h = load_history(journal, CANTEEN, products=PRODUCTS, now=clock)
    assert [(e.order_id, e.slot, e.ok, e.evidence) for e in h.events] == [
        (61, "A12", False, EVIDENCE_CALLBACK),  # with the slot status the record lacks
        (60, "A12", False, EVIDENCE_RECORD),
    ]
    assert h.events[0].fault is not None and h.events[0].fault.floor_status == "2"
    assert h.faulty_slots()["A12"].failures == 2
    assert "Goods are Stuck" in h.events[1].text()
    assert "(platform record)" in h.events[1].text()


def test_a_success_told_only_by_the_platform_record_clears_the_slot(
    journal: Journal, clock: Clock
) -> None:
    dispense(journal, clock, 60, 78)
    callback(
        journal,
        order_id=60,
        record_id=78,
        deliver_status="0",
        floor_status="2",
        error_msg="Goods are Stuck",
    )
    assert list(load_history(journal, CANTEEN, products=PRODUCTS, now=clock).faulty_slots()) == [
        "A12"
    ]
    # Fixed; the next dispense dropped, its callback never came, the record says so.
    d61 = dispense(journal, clock, 61, 79)
    read_back(journal, clock, 61, 79, d61, "success")
    clock.t = NOON
    h = load_history(journal, CANTEEN, products=PRODUCTS, now=clock)
    assert [(e.order_id, e.ok, e.evidence) for e in h.events] == [
        (61, True, EVIDENCE_RECORD),
        (60, False, EVIDENCE_CALLBACK),
    ]
    assert h.faulty_slots() == {}


def test_no_result_unknown_refused_and_suspicious_are_not_slot_faults(
    journal: Journal, clock: Clock
) -> None:
    # No result in time: the platform could not say (still dispensing) → unknown follow-up.
    dispense(journal, clock, 60, 78)
    (overdue,) = journal.overdue_dispenses(clock.t + 200)
    assert journal.open_unknown_result_followup(overdue.id, "still dispensing") is not None
    # A read that says "dispensing" is no result either.
    d61 = dispense(journal, clock, 61, 79)
    read_back(journal, clock, 61, 79, d61, "dispensing")
    # 6034: the item is already out.
    a = journal.begin_action("dispense", CANTEEN, 61, {"record_id": 79, "paid": True})
    journal.finish_action(a, "refused", code=6034, message="order already delivered")
    # A forged failure report the cross-check found suspicious.
    forged = callback(
        journal,
        order_id=61,
        record_id=79,
        deliver_status="0",
        floor_status="2",
        error_msg="Goods are Stuck",
    )
    journal.set_cross_check(forged.id, "suspicious", "the platform shows record 79 picked up")
    clock.t = NOON
    h = load_history(journal, CANTEEN, products=PRODUCTS, now=clock)
    assert h.events == () and h.failures() == [] and h.faulty_slots() == {}
    assert h.suspicious == 1
    assert any("1 failure report the platform does not confirm" in line for line in h.lines())
    assert any("未计入" in line for line in h.lines("zh"))
    assert h.as_dict()["suspicious"] == 1
