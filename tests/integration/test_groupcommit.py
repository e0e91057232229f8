"""Group commit: many handler threads, one journal writer, a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.core.callback import Callback, parse_callback
from console.journal import CallbackArrival, CallbackRow, Journal
from console.receiver.groupcommit import GroupCommit

WAIT = 30.0


def arrival(order: int, record: int = 1, status: str = "1") -> CallbackArrival:
    body = json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": status,
            "floor_status": "1" if status == "1" else "3",
            "error_msg": "" if status == "1" else "Slave Comm Error",
        }
    ).encode()
    return CallbackArrival(parse_callback(body, "application/json"), "127.0.0.1:9", None, "")


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class PickyJournal(Journal):
    """A real journal that cannot store one order's callbacks (as a broken row would)."""

    bad_order = 13

    def _record_callback(
        self,
        conn: sqlite3.Connection,
        cb: Callback,
        remote: str,
        replay_of: int | None,
        content_type: str,
        now: tuple[float, str],
    ) -> CallbackRow:
        if cb.order_id == self.bad_order:
            raise RuntimeError("this callback cannot be stored")
        return super()._record_callback(conn, cb, remote, replay_of, content_type, now)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = PickyJournal(tmp_path / "journal.sqlite3", "sandbox")
    yield j
    j.close()


def submit_all(
    commits: GroupCommit, arrivals: list[CallbackArrival]
) -> dict[int, CallbackRow | Exception]:
    """Each arrival from its own thread, as the receiver's handler threads do."""
    results: dict[int, CallbackRow | Exception] = {}
    lock = threading.Lock()

    def one(a: CallbackArrival) -> None:
        assert a.callback.order_id is not None
        try:
            row: CallbackRow | Exception = commits.record(a)
        except Exception as exc:
            row = exc
        with lock:
            results[a.callback.order_id] = row

    threads = [threading.Thread(target=one, args=(a,)) for a in arrivals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    return results


def test_callbacks_waiting_together_share_one_commit_and_each_is_stored_once(
    journal: Journal,
) -> None:
    commits = GroupCommit(journal)
    commits.start()
    try:
        # Hold the journal while 40 callbacks arrive: they queue up behind the
        # writer and go in together once it is free.
        with journal._lock:
            holder = threading.Thread(
                target=submit_all, args=(commits, [arrival(1000 + i) for i in range(40)])
            )
            holder.start()
            wait_for(lambda: commits.waiting == 40)
        holder.join(WAIT)
    finally:
        commits.stop()
    assert commits.largest_batch > 1
    assert commits.batches < 40
    counts = journal.callback_counts()
    assert counts["success"] == 40 and counts["duplicate"] == 0
    assert sorted(c.order_id or 0 for c in journal.list_callbacks(100)) == list(range(1000, 1040))


def test_a_callback_that_cannot_be_stored_fails_alone(journal: Journal) -> None:
    commits = GroupCommit(journal)
    commits.start()
    try:
        with journal._lock:
            results: dict[int, CallbackRow | Exception] = {}
            worker = threading.Thread(
                target=lambda: results.update(
                    submit_all(commits, [arrival(o) for o in (11, 12, 13, 14, 15)])
                )
            )
            worker.start()
            wait_for(lambda: commits.waiting == 5)
        worker.join(WAIT)
    finally:
        commits.stop()
    assert isinstance(results[13], RuntimeError)
    stored = sorted(o for o, r in results.items() if isinstance(r, CallbackRow))
    assert stored == [11, 12, 14, 15]
    assert sorted(c.order_id or 0 for c in journal.list_callbacks(100)) == stored


def test_a_repeat_in_the_same_batch_is_a_duplicate_and_a_failure_opens_one_follow_up(
    journal: Journal,
) -> None:
    rows = journal.record_callbacks([arrival(60, 78, "0") for _ in range(3)])
    assert [r.duplicate_of for r in rows] == [None, rows[0].id, rows[0].id]
    assert rows[0].followup_id is not None
    assert len(journal.list_followups()) == 1
    assert journal.callback_counts()["failure"] == 1


def test_before_start_and_after_stop_callbacks_are_written_directly(journal: Journal) -> None:
    commits = GroupCommit(journal)
    first = commits.record(arrival(21))
    commits.start()
    commits.stop()
    commits.stop()  # idempotent
    second = commits.record(arrival(22))
    assert commits.batches == 0
    assert [c.id for c in journal.list_callbacks(10)][::-1] == [first.id, second.id]


def test_a_closed_journal_is_an_error_for_the_caller_not_a_hang(journal: Journal) -> None:
    commits = GroupCommit(journal)
    commits.start()
    try:
        journal.close()
        with pytest.raises(Exception, match="closed"):
            commits.record(arrival(31))
        # The writer survived: the next caller gets its answer too.
        with pytest.raises(Exception, match="closed"):
            commits.record(arrival(32))
    finally:
        commits.stop()
