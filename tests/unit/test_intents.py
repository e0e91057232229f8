"""One request per intent: the clash table, and the journal refusing a clashing intent
(in this process and from another one) before anything is sent."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.followup import FollowupError
from console.core.intents import Intent, Running, conflict
from console.core.models import Delivery
from console.journal import IntentClash, Journal
from tests.journals import SHORT_LEASE_S, wait_until_leases_run_out

M = "16327129"


def running(kind: str, order: int | None, record: int | None = None, *, status: int | None = None,
            in_flight: bool = True, awaiting: bool = False, machine: str = M) -> Running:  # fmt: skip
    return Running(Intent(kind, machine, order, record, status), in_flight, awaiting, "li", "12:00")


@pytest.mark.parametrize(
    ("new", "old", "refused"),
    [
        # a second dispense of the same record while the first is being sent
        (Intent("dispense", M, 60, 78), running("dispense", 60, 78), "already being dispensed"),
        (Intent("dispense", M, 60, 79), running("dispense", 60, 78), None),  # another record
        (Intent("dispense", M, 61, 78), running("dispense", 60, 78), None),  # another order
        (Intent("dispense", M, 60, 78), running("set_status", 60, status=2), "status change"),
        (Intent("set_status", M, 60, status=1), running("set_status", 60), "status change"),
        (Intent("set_status", M, 60, status=2), running("dispense", 60, 78), "being dispensed"),
        # Refund while a dispense waits for its result: the item may yet drop.
        (
            Intent("set_status", M, 60, status=2),
            running("dispense", 60, 78, in_flight=False, awaiting=True),
            "still waiting for its result",
        ),
        # Other statuses are not a refund: a waiting dispense does not stop them.
        (
            Intent("set_status", M, 60, status=3),
            running("dispense", 60, 78, in_flight=False, awaiting=True),
            None,
        ),
        (Intent("dispense", M, 60, 78), running("dispense", 60, 78, in_flight=False), None),
        (Intent("test_dispense", M, None), running("test_dispense", None), "test dispense"),
        (Intent("test_dispense", "999", None), running("test_dispense", None), None),
        (Intent("order_get", M, 60), running("dispense", 60, 78), None),
    ],
)
def test_which_running_action_stops_a_new_one(
    new: Intent, old: Running, refused: str | None
) -> None:
    why = conflict(new, old)
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in str(why) and "nothing was sent" in str(why)
        assert "li" in str(why) and "12:00" in str(why)  # who and when


@pytest.fixture
def path(journal_at: Path | str) -> Path | str:
    """The journal, once on a SQLite file and once on PostgreSQL."""
    return journal_at


@pytest.fixture
def journal(path: Path | str) -> Iterator[Journal]:
    with Journal(path) as j:
        yield j


def test_a_second_seat_cannot_send_what_the_first_is_sending(path: Path | str) -> None:
    with Journal(path) as counter, Journal(path) as back_office:
        aid = counter.begin_action("set_status", M, 60, {"status": 2})
        with pytest.raises(IntentClash, match="status change of order 60") as info:
            back_office.begin_action("set_status", M, 60, {"status": 2})
        assert info.value.running_action_id == aid
        assert [a.id for a in back_office.list_actions(10)] == [aid]  # no second intent
        counter.finish_action(aid, "ok")
        second = back_office.begin_action("set_status", M, 60, {"status": 3})
        assert second != aid


def test_refund_waits_for_a_dispense_that_has_no_result_yet(journal: Journal) -> None:
    aid = journal.begin_action("dispense", M, 60, {"record_id": 78, "paid": True})
    journal.finish_action(aid, "ok", response={"delivery_id": 7})
    with pytest.raises(IntentClash, match="still waiting for its result"):
        journal.begin_action("set_status", M, 60, {"status": 2})
    journal.record_dispense_result(60, 78, M, _failed(7))  # the result: it failed
    assert journal.begin_action("set_status", M, 60, {"status": 2}) > aid


def test_a_follow_up_is_refunded_once(journal: Journal) -> None:
    aid = journal.begin_action("dispense", M, 60, {"record_id": 78, "paid": True})
    journal.finish_action(aid, "ok", response={"delivery_id": 7})
    f = journal.record_dispense_result(60, 78, M, _failed(7))
    assert f is not None
    refund = journal.begin_action("set_status", M, 60, {"status": 2, "followup_id": f.id})
    journal.finish_action(refund, "ok")
    journal.followup_refund_requested(f.id, refund)
    with pytest.raises(FollowupError, match="already refund requested"):
        journal.begin_action("set_status", M, 60, {"status": 2, "followup_id": f.id})


def test_an_intent_held_by_another_live_process_is_refused(journal_at: Path | str) -> None:
    """Two processes on one journal: the second cannot send while the first sends; once
    the first is killed and its lease has run out, it can (SQLite file and PostgreSQL)."""
    path = journal_at
    Journal(path).close()
    code = (
        "import sys\n"
        "from console.journal import Journal\n"
        f"j = Journal({str(path)!r}, lease_s={SHORT_LEASE_S})\n"
        f"j.begin_action('dispense', {M!r}, 60, {{'record_id': 78}})\n"
        "print('sending', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "sending"
            with Journal(path) as mine:
                with pytest.raises(IntentClash, match="already being dispensed"):
                    mine.begin_action("dispense", M, 60, {"record_id": 78})
                holder.kill()  # it dies mid-send: its row is a live intent until its lease ends
                holder.wait(30)
                wait_until_leases_run_out(path)
                # Not a clash now; the dead process's dispense is recovered as unknown by
                # the next journal opened, and then waits for the platform's word.
                assert mine.begin_action("dispense", M, 60, {"record_id": 78}) > 0
        finally:
            if holder.poll() is None:
                holder.kill()


def _failed(delivery_id: int) -> Delivery:
    return Delivery(delivery_id, status="failed", fail_reason="Goods are Stuck")
