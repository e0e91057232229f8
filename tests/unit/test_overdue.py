"""The no-result rule (console.dispensing.overdue) as a table: the platform is asked first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.api.errors import TransportError
from console.core.models import Delivery, Order, OrderRecord
from console.dispensing import check_overdue
from console.journal import Journal

T0 = 1_780_000_000.0


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3", "default", lambda: T0)
    yield j
    j.close()


def _dispensed(journal: Journal, order_id: int, delivery_id: int | None) -> int:
    aid = journal.begin_action("dispense", "16327129", order_id, {"record_id": 1, "paid": True})
    response = {"data": {"delivery_id": delivery_id}} if delivery_id else {"data": {}}
    journal.finish_action(aid, "ok", response=response)
    return aid


PICKED_UP = Delivery(7, "2026-12-07 12:00:00", "success", "2026-12-07 12:00:09", "")
JAMMED = Delivery(7, "2026-12-07 12:00:00", "fail", "", "Goods are Stuck")
TIMED_OUT = Delivery(7, "2026-12-07 12:00:00", "timeout", "", "Timeout")
DISPENSING = Delivery(7, "2026-12-07 12:00:00", "dispensing", "", "")


class Platform:
    """A stand-in for the platform: its dispense record and order, or unreachable."""

    def __init__(
        self,
        read: Callable[[int, str], Delivery] | None = None,
        order: Order | None = None,
    ) -> None:
        self.read = read
        self.order = order
        self.orders_asked = 0

    def get_delivery(self, delivery_id: int, machine_no: str) -> Delivery:
        if self.read is None:
            raise AssertionError("no delivery id was known: nothing to ask about")
        return self.read(delivery_id, machine_no)

    def get_order(self, order_id: int, machine_no: str) -> Order:
        self.orders_asked += 1
        if self.order is None:
            raise TransportError("connect", "connection refused", sent=False)
        return self.order


def _order(status: str) -> Order:
    return Order(61, records=[OrderRecord(1, product_id=5, quantity=1, status=status)])


def _unreachable(delivery_id: int, machine_no: str) -> Delivery:
    raise TransportError("connect", "connection refused", sent=False)


@pytest.mark.parametrize(
    ("answer", "found", "decision", "reason"),
    [
        (PICKED_UP, "picked up", "result recorded", None),
        (JAMMED, "failed: Goods are Stuck", "follow-up opened", "customer may need a refund"),
        (TIMED_OUT, "failed: Timeout", "follow-up opened", "customer may need a refund"),
        (
            DISPENSING,
            "still dispensing",
            "result unknown",
            "result unknown — check before refunding",
        ),
        (
            None,
            "platform not reachable",
            "result unknown",
            "result unknown — check before refunding",
        ),
    ],
)
def test_what_the_platform_says_decides_the_follow_up(
    journal: Journal, answer: Delivery | None, found: str, decision: str, reason: str | None
) -> None:
    aid = _dispensed(journal, 60, 7)
    asked: list[tuple[int, str]] = []

    def read(delivery_id: int, machine_no: str) -> Delivery:
        asked.append((delivery_id, machine_no))
        if answer is None:
            return _unreachable(delivery_id, machine_no)
        return answer

    read = Platform(read)

    assert check_overdue(read, journal, T0 + 119) == []  # not yet: nothing asked
    assert asked == []
    (check,) = check_overdue(read, journal, T0 + 121)
    assert asked == [(7, "16327129")]
    assert (check.action_id, check.order_id, check.delivery_id) == (aid, 60, 7)
    assert check.found.startswith(found) and check.decision == decision
    followups = journal.list_followups()
    assert [f.reason for f in followups] == ([reason] if reason else [])
    again = check_overdue(read, journal, T0 + 500)
    if decision == "result unknown":  # asked again later, by itself, until settled
        assert [c.decision for c in again] == ["still unknown"]
        assert len(asked) == 2
    else:  # decided once
        assert again == []
        assert len(asked) == 1


def test_a_dispense_without_a_delivery_id_is_unknown_without_asking(journal: Journal) -> None:
    _dispensed(journal, 61, None)

    (check,) = check_overdue(Platform(order=_order("未取货")), journal, T0 + 121)
    assert (check.found, check.decision) == (
        "no delivery id; the order's record 1 is not picked up",
        "follow-up opened",
    )
    (f,) = journal.list_followups()
    assert f.reason == "customer may need a refund" and f.source == "order_record"


@pytest.mark.parametrize(
    ("status", "decision", "reasons"),
    [
        ("已取货", "result recorded", []),
        ("未取货", "follow-up opened", ["customer may need a refund"]),
    ],
)
def test_a_lost_answer_is_settled_by_the_orders_record(
    journal: Journal, status: str, decision: str, reasons: list[str]
) -> None:
    _dispensed(journal, 61, None)
    (check,) = check_overdue(Platform(order=_order(status)), journal, T0 + 121)
    assert check.decision == decision
    assert [f.reason for f in journal.list_followups()] == reasons


def test_an_unknown_result_is_rechecked_until_the_platform_settles_it(tmp_path: Path) -> None:
    now = [T0]
    with Journal(tmp_path / "j.sqlite3", "default", lambda: now[0]) as journal:
        _dispensed(journal, 60, 7)
        answers = [DISPENSING]
        platform = Platform(lambda did, no: answers[-1])

        def check_at(t: float) -> list[str]:
            now[0] = T0 + t
            return [c.decision for c in check_overdue(platform, journal, now[0])]

        assert check_at(121) == ["result unknown"]
        (f,) = journal.list_followups("active")
        assert check_at(151) == []  # not due yet
        assert check_at(181) == ["still unknown"]
        assert check_at(241) == []  # the pause grew: 2 minutes now
        answers.append(PICKED_UP)
        assert check_at(301) == ["follow-up closed"]
        closed = journal.get_followup(f.id)
        assert closed is not None and closed.state == "dismissed"
        assert journal.list_followups("active") == []
