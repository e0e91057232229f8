"""The no-result rule (console.dispensing.overdue) as a table: the platform is asked first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.api.errors import TransportError
from console.core.models import Delivery
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

    assert check_overdue(read, journal, T0 + 119) == []  # not yet: nothing asked
    assert asked == []
    (check,) = check_overdue(read, journal, T0 + 121)
    assert asked == [(7, "16327129")]
    assert (check.action_id, check.order_id, check.delivery_id) == (aid, 60, 7)
    assert check.found.startswith(found) and check.decision == decision
    followups = journal.list_followups()
    assert [f.reason for f in followups] == ([reason] if reason else [])
    assert check_overdue(read, journal, T0 + 500) == []  # decided once
    assert len(asked) == 1


def test_a_dispense_without_a_delivery_id_is_unknown_without_asking(journal: Journal) -> None:
    _dispensed(journal, 61, None)

    def read(delivery_id: int, machine_no: str) -> Delivery:
        raise AssertionError("nothing to ask about")

    (check,) = check_overdue(read, journal, T0 + 121)
    assert (check.found, check.decision) == ("no delivery id to ask about", "result unknown")
