"""Can this order, and each record, be dispensed now — and if not, why (one rule).

The rule (``console.core.status.dispense_decision``) as a table, then what the
journal tells it: each record's last dispense, pending, unknown or settled
(``Journal.last_dispenses``), on a real journal file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.callback import parse_callback
from console.core.models import Delivery
from console.core.status import (
    ASK,
    LAST_PENDING,
    LAST_SETTLED,
    LAST_UNKNOWN,
    NO,
    SEND,
    WHY_ALL_DISPENSED,
    WHY_CANCELLED,
    WHY_CLOSED,
    WHY_NOT_OPEN,
    WHY_NOT_PAID,
    WHY_NOTHING_LEFT,
    WHY_PAYMENT_FAILED,
    WHY_PICKED_UP,
    WHY_REFUNDED,
    WHY_REVOKED,
    WHY_UNKNOWN_STATUS,
    dispense_decision,
)
from console.journal import Journal

OPEN = "未取货"
UP = "已取货"
GONE = "订单取消"

# (order status, records as (id, status), last dispenses, why_not, counts down,
#  each record's (verdict, why))
TABLE = [
    ("SUCCESS", [(1, OPEN)], {}, "", True, [(SEND, "")]),
    ("SUCCESS", [(1, "")], {}, "", True, [(SEND, "")]),  # the platform's empty status
    ("PICKUPCODE", [(1, OPEN)], {}, "", True, [(SEND, "")]),
    ("SUCCESS", [(1, OPEN)], {1: LAST_SETTLED}, "", True, [(SEND, "")]),
    ("SUCCESS", [(1, OPEN)], {1: LAST_PENDING}, "", True, [(ASK, "pending")]),
    ("SUCCESS", [(1, OPEN)], {1: LAST_UNKNOWN}, "", True, [(ASK, "unknown")]),
    (
        "SUCCESS",
        [(1, UP), (2, OPEN), (3, OPEN)],
        {1: LAST_SETTLED, 3: LAST_UNKNOWN},
        "",
        True,
        [(NO, WHY_PICKED_UP), (SEND, ""), (ASK, "unknown")],
    ),
    ("SUCCESS", [(1, UP), (2, UP)], {}, WHY_ALL_DISPENSED, False, [(NO, WHY_PICKED_UP)] * 2),
    # A pending dispense of a record the platform already shows picked up: nothing to ask.
    ("SUCCESS", [(1, UP)], {1: LAST_PENDING}, WHY_ALL_DISPENSED, False, [(NO, WHY_PICKED_UP)]),
    (
        "SUCCESS",
        [(1, UP), (2, GONE)],
        {},
        WHY_NOTHING_LEFT,
        False,
        [(NO, WHY_PICKED_UP), (NO, WHY_CANCELLED)],
    ),
    ("SUCCESS", [], {}, WHY_NOTHING_LEFT, False, []),
    ("SUCCESS", [(1, "出货中")], {}, WHY_NOTHING_LEFT, False, [(NO, WHY_NOT_OPEN)]),
    ("REFUND", [(1, GONE)], {}, WHY_REFUNDED, False, [(NO, WHY_CANCELLED)]),
    ("REFUND", [(1, OPEN)], {1: LAST_UNKNOWN}, WHY_REFUNDED, False, [(NO, WHY_REFUNDED)]),
    ("CLOSED", [(1, OPEN)], {}, WHY_CLOSED, False, [(NO, WHY_CLOSED)]),
    ("REVOKED", [(1, OPEN)], {}, WHY_REVOKED, False, [(NO, WHY_REVOKED)]),
    ("PAYERROR", [(1, OPEN)], {}, WHY_PAYMENT_FAILED, False, [(NO, WHY_PAYMENT_FAILED)]),
    # Unpaid: nothing to dispense yet, but it may still be paid within the 20 minutes.
    ("NOTPAY", [(1, OPEN)], {}, WHY_NOT_PAID, True, [(NO, WHY_NOT_PAID)]),
    ("USERPAYING", [(1, OPEN)], {}, WHY_NOT_PAID, True, [(NO, WHY_NOT_PAID)]),
    ("", [(1, OPEN)], {}, WHY_UNKNOWN_STATUS, False, [(NO, WHY_UNKNOWN_STATUS)]),
    ("SOMETHING", [(1, OPEN)], {}, WHY_UNKNOWN_STATUS, False, [(NO, WHY_UNKNOWN_STATUS)]),
]


@pytest.mark.parametrize(
    ("status", "records", "last", "why_not", "counts_down", "verdicts"),
    TABLE,
    ids=[f"{row[0] or 'blank'}-{i}" for i, row in enumerate(TABLE)],
)
def test_the_dispense_rule(
    status: str,
    records: list[tuple[int, str]],
    last: dict[int, str],
    why_not: str,
    counts_down: bool,
    verdicts: list[tuple[str, str]],
) -> None:
    decision = dispense_decision(status, records, last)
    assert decision.why_not == why_not
    assert decision.counts_down is counts_down
    assert [(r.verdict, r.why) for r in decision.records] == verdicts
    assert decision.remaining == [
        rid for (rid, _), (verdict, _) in zip(records, verdicts, strict=True) if verdict != NO
    ]
    assert bool(decision.remaining) is (why_not == "")


# -- what the journal knows of each record's last dispense ---------------------------

MACHINE = "16327129"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    j = Journal(path, "default")
    yield j
    j.close()


def dispense(j: Journal, order_id: int, record_id: int) -> int:
    return j.begin_action("dispense", MACHINE, order_id, {"record_id": record_id, "paid": True})


def callback(j: Journal, order_id: int, record_id: int, status: str) -> None:
    raw = (
        f'{{"method": "device.delivery.response", "order_id": {order_id}, '
        f'"record_id": {record_id}, "deliver_status": "{status}"}}'
    ).encode()
    row = j.record_callback(parse_callback(raw, "application/json"), remote="127.0.0.1:1")
    j.set_cross_check(row.id, "ok", "the platform confirms it")  # a result counts once confirmed


def test_a_dispense_accepted_and_awaiting_its_result_is_pending(journal: Journal) -> None:
    aid = dispense(journal, 60, 78)
    answer = {"delivery_id": 501, "status": "dispensing", "delivered_at": "2026-01-01 12:00:00"}
    journal.finish_action(aid, "ok", response=answer)
    (last,) = journal.last_dispenses(60).values()
    assert (last.record_id, last.action_id, last.state) == (78, aid, LAST_PENDING)
    assert (last.delivery_id, last.platform_status, last.outcome) == (501, "dispensing", "ok")
    assert last.actor  # who sent it

    callback(journal, 60, 78, "1")  # the result came
    assert journal.last_dispenses(60)[78].state == LAST_SETTLED


def test_a_dispense_whose_answer_was_lost_is_unknown_until_a_result_is_journalled(
    journal: Journal,
) -> None:
    aid = dispense(journal, 61, 80)
    journal.finish_action(aid, "transport", message="transport failure (connection_lost)")
    last = journal.last_dispenses(61)[80]
    assert (last.state, last.outcome, last.delivery_id) == (LAST_UNKNOWN, "transport", 0)
    assert "connection_lost" in last.message

    # The platform's record read later is a result too.
    failed = Delivery(delivery_id=9, status="fail", fail_reason="Goods are Stuck")
    journal.record_dispense_result(61, 80, MACHINE, failed)
    assert journal.last_dispenses(61)[80].state == LAST_SETTLED


def test_refused_and_cancelled_dispenses_are_settled(journal: Journal) -> None:
    refused = dispense(journal, 62, 81)
    journal.finish_action(refused, "refused", 6034, "order already delivered")
    cancelled = dispense(journal, 62, 82)
    journal.finish_action(cancelled, "cancelled", message="cancelled before sending")
    last = journal.last_dispenses(62)
    assert {rid: d.state for rid, d in last.items()} == {81: LAST_SETTLED, 82: LAST_SETTLED}
    assert (last[81].code, last[81].message) == (6034, "order already delivered")


def test_only_the_newest_dispense_of_a_record_counts(journal: Journal) -> None:
    lost = dispense(journal, 63, 83)
    journal.finish_action(lost, "transport", message="read timed out")
    again = dispense(journal, 63, 83)
    journal.finish_action(again, "refused", 6034, "order already delivered")
    other = dispense(journal, 64, 83)  # another order's record: not this order's
    journal.finish_action(other, "transport", message="read timed out")
    assert journal.last_dispenses(63)[83].action_id == again
    assert journal.last_dispenses(63)[83].state == LAST_SETTLED
    assert journal.last_dispenses(65) == {}


def test_a_dispense_being_sent_by_a_live_journal_is_pending_and_by_a_dead_one_unknown(
    path: Path,
) -> None:
    with Journal(path, "default") as sender, Journal(path, "default") as viewer:
        dispense(sender, 66, 84)
        assert viewer.last_dispenses(66)[84].state == LAST_PENDING
    crashed = Journal(path, "default")
    dispense(crashed, 67, 85)
    crashed.close()  # stands in for a crash: nothing will ever finish it
    with Journal(path, "default") as after:
        assert after.last_dispenses(67)[85].state == LAST_UNKNOWN
        assert after.last_dispenses(67)[85].outcome == "unknown"
