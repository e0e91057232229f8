"""When a follow-up opens, changes and closes on evidence: the rule table and the journal.

A follow-up opens only on evidence the platform stands behind; a result callback
counts once its cross-check confirms it; the platform's own answers (dispense
record, order record, a 6034 refusal) settle an unknown result either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.followup import (
    CALLBACK_DECISIONS,
    REASON_REFUND,
    REASON_SUSPICIOUS,
    REASON_UNKNOWN,
    Decision,
    Evidence,
    FollowupError,
    callback_decision,
    delivery_evidence,
    platform_decision,
    recheck_delay,
    record_evidence,
    refund_allowed,
)
from console.core.models import Delivery
from console.journal import Journal
from tests.unit.test_journal_store import Clock, body, confirmed, record

FAILED = Delivery(345, status="failed", fail_reason="Goods are Stuck")
DROPPED = Delivery(345, status="success", pickup_at="2026-12-07 12:00:00")
PENDING = Delivery(345, status="dispensing")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3", "default", clock)
    yield j
    j.close()


# -- the rule tables (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "verdict", "decision"),
    [
        ("failure", "ok", Decision.REFUND),
        ("failure", "suspicious", Decision.SUSPICIOUS),
        ("failure", "error", Decision.SUSPICIOUS),
        ("failure", "unchecked", Decision.NOTHING),
        ("success", "ok", Decision.CLOSE),
        ("success", "suspicious", Decision.NOTHING),
        ("success", "error", Decision.NOTHING),
        ("success", "unchecked", Decision.NOTHING),
        ("event", "ok", Decision.NOTHING),
        ("invalid", "ok", Decision.NOTHING),
    ],
)
def test_what_a_result_callback_decides_once_checked(
    outcome: str, verdict: str, decision: Decision
) -> None:
    assert callback_decision(outcome, verdict) is decision


def test_no_callback_verdict_is_ever_a_refund_unless_the_platform_confirmed_it() -> None:
    refunds = {key for key, d in CALLBACK_DECISIONS.items() if d is Decision.REFUND}
    assert refunds == {("failure", "ok")}


@pytest.mark.parametrize(
    ("delivery", "evidence"),
    [
        (FAILED, Evidence.FAILED),
        (Delivery(345, status="timeout"), Evidence.FAILED),
        (DROPPED, Evidence.ITEM_OUT),
        (Delivery(345, status="success"), Evidence.ITEM_OUT),
        (PENDING, Evidence.UNKNOWN),
        (Delivery(345, status=""), Evidence.UNKNOWN),
    ],
)
def test_what_the_platforms_dispense_record_says(delivery: Delivery, evidence: Evidence) -> None:
    assert delivery_evidence(delivery) is evidence


@pytest.mark.parametrize(
    ("status", "timeout_passed", "evidence"),
    [
        ("已取货", False, Evidence.ITEM_OUT),
        ("已取货", True, Evidence.ITEM_OUT),
        ("未取货", True, Evidence.FAILED),
        ("", True, Evidence.FAILED),
        ("未取货", False, Evidence.UNKNOWN),  # the machine may still be turning
        ("订单取消", True, Evidence.UNKNOWN),
    ],
)
def test_what_an_order_record_says_about_a_lost_dispense_answer(
    status: str, timeout_passed: bool, evidence: Evidence
) -> None:
    assert record_evidence(status, timeout_passed) is evidence


def test_platform_answers_decide_and_rechecks_back_off_within_bounds() -> None:
    assert platform_decision(Evidence.ITEM_OUT) is Decision.CLOSE
    assert platform_decision(Evidence.FAILED) is Decision.REFUND
    assert platform_decision(Evidence.UNKNOWN) is Decision.UNKNOWN
    delays = [recheck_delay(n) for n in range(20)]
    assert delays[:3] == [60.0, 120.0, 240.0]
    assert delays == sorted(delays) and max(delays) == 3600.0
    assert not refund_allowed(REASON_SUSPICIOUS)
    assert refund_allowed(REASON_REFUND) and refund_allowed(REASON_UNKNOWN)


# -- the journal applies them --------------------------------------------------------


def dispensed(j: Journal, order: int, rec: int, delivery_id: int = 345) -> int:
    aid = j.begin_action("dispense", "16327129", order, {"record_id": rec, "paid": True})
    j.finish_action(aid, "ok", response={"data": {"delivery_id": delivery_id}})
    return aid


def test_an_unchecked_failure_callback_opens_nothing_and_the_dispense_still_waits(
    journal: Journal, clock: Clock
) -> None:
    aid = dispensed(journal, 60, 78)
    row = record(journal, body(60, 78, "0", error_msg="Goods are Stuck"))
    assert row.followup_id is None and journal.list_followups(None) == []
    assert [a.id for a in journal.overdue_dispenses(clock.t + 121)] == [aid]


@pytest.mark.parametrize("verdict", ["suspicious", "error"])
def test_an_unconfirmed_failure_is_listed_as_suspicious_and_cannot_be_refunded(
    journal: Journal, clock: Clock, verdict: str
) -> None:
    aid = dispensed(journal, 999999, 1)
    row = confirmed(journal, body(999999, 1, "0", error_msg="Goods are Stuck"), verdict=verdict)
    (f,) = journal.list_followups("active")
    assert row.followup_id == f.id
    assert f.reason == REASON_SUSPICIOUS and "did not confirm" in f.meaning
    with pytest.raises(FollowupError, match="never a reason to refund"):
        journal.followup_refund_requested(f.id, None, "")
    # The real result may still come: the dispense keeps waiting for it.
    assert [a.id for a in journal.overdue_dispenses(clock.t + 121)] == [aid]
    assert journal.followup_dismiss(f.id, "forged: no such order").state == "dismissed"


def test_a_confirmed_failure_upgrades_an_unknown_result_to_a_refund(
    journal: Journal, clock: Clock
) -> None:
    aid = dispensed(journal, 60, 78)
    clock.advance(121)
    unknown = journal.open_unknown_result_followup(aid, "still dispensing")
    assert unknown is not None and unknown.reason == REASON_UNKNOWN
    row = confirmed(journal, body(60, 78, "0", error_msg="Goods are Stuck"))
    assert row.followup_id == unknown.id
    (f,) = journal.list_followups("active")
    assert (f.id, f.reason) == (unknown.id, REASON_REFUND)
    assert "Goods are Stuck" in f.meaning
    assert "confirmed failed" in journal.followup_events(f.id)[-1].note


def test_the_platform_record_saying_dropped_closes_an_open_refund_follow_up(
    journal: Journal,
) -> None:
    dispensed(journal, 60, 78)
    opened = journal.record_dispense_result(60, 78, "16327129", FAILED)
    assert opened is not None and opened.reason == REASON_REFUND
    assert journal.record_dispense_result(60, 78, "16327129", DROPPED) is None
    closed = journal.get_followup(opened.id)
    assert closed is not None and closed.state == "dismissed"
    assert (
        "platform record (delivery 345) says success" in journal.followup_events(opened.id)[-1].note
    )


def test_item_out_after_a_refund_was_requested_only_warns(journal: Journal) -> None:
    dispensed(journal, 60, 78)
    opened = journal.record_dispense_result(60, 78, "16327129", FAILED)
    assert opened is not None
    journal.followup_refund_requested(opened.id, None, "status 2 sent")
    journal.record_dispense_result(60, 78, "16327129", DROPPED)
    still = journal.get_followup(opened.id)
    assert still is not None and still.state == "refund_requested"
    assert "check with the customer" in journal.followup_events(opened.id)[-1].note


def test_6034_already_delivered_closes_an_unknown_result(journal: Journal, clock: Clock) -> None:
    aid = dispensed(journal, 60, 78)
    clock.advance(121)
    unknown = journal.open_unknown_result_followup(aid, "platform not reachable")
    assert unknown is not None
    again = journal.begin_action("dispense", "16327129", 60, {"record_id": 78, "paid": True})
    journal.finish_action(again, "refused", 6034, "order already delivered")
    assert journal.list_followups("active") == []
    assert "6034" in journal.followup_events(unknown.id)[-1].note


def test_an_order_record_settles_a_dispense_whose_answer_was_lost(
    journal: Journal, clock: Clock
) -> None:
    assert journal.record_order_result(60, 78, "16327129", "未取货", False) is None
    assert journal.list_followups(None) == []
    opened = journal.record_order_result(60, 78, "16327129", "未取货", True)
    assert opened is not None and opened.reason == REASON_REFUND
    assert opened.source == "order_record" and "not picked up" in opened.meaning
    assert journal.record_order_result(61, 1, "16327129", "已取货", True) is None
    assert journal.list_followups(None) == [opened]


def test_a_dispense_killed_before_its_answer_waits_for_a_result_after_restart(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal(path, "default", clock)
    aid = first.begin_action("dispense", "16327129", 60, {"record_id": 78, "paid": True})
    first.close()  # the console stops here, before the platform answered
    with Journal(path, "default", clock) as again:
        assert [a.id for a in again.recovered] == [aid]
        assert again.list_followups(None) == []  # nothing opens before the platform is asked
        assert again.overdue_dispenses(clock.t + 119) == []
        assert [a.id for a in again.overdue_dispenses(clock.t + 121)] == [aid]


def test_unknown_results_are_rechecked_with_a_growing_pause(journal: Journal, clock: Clock) -> None:
    aid = dispensed(journal, 60, 78)
    clock.advance(121)
    unknown = journal.open_unknown_result_followup(aid, "still dispensing")
    assert unknown is not None
    assert journal.due_unknown_checks(clock.t + 59) == []
    ((due, action),) = journal.due_unknown_checks(clock.t + 60)
    assert due.id == unknown.id and action is not None and action.id == aid
    clock.advance(60)
    assert journal.note_unknown_check(unknown.id, "still dispensing") == clock.t + 120
    assert journal.due_unknown_checks(clock.t + 119) == []
    assert len(journal.due_unknown_checks(clock.t + 120)) == 1
    assert "re-checked" in journal.followup_events(unknown.id)[-1].note
