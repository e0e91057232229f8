"""Group commit: callbacks that arrive together are journalled together (a real SQLite file
and a real PostgreSQL database)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import Connection

from console.core.callback import Callback, parse_callback
from console.journal import CallbackArrival, CallbackRow, Journal
from console.receiver import Receiver, new_token
from console.receiver.groupcommit import commit_batch

WAIT = 30.0


def body(order: int, record: int = 1, status: str = "1") -> bytes:
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": status,
            "floor_status": "1" if status == "1" else "3",
            "error_msg": "" if status == "1" else "Slave Comm Error",
        }
    ).encode()


def arrival(order: int, record: int = 1, status: str = "1") -> CallbackArrival:
    cb = parse_callback(body(order, record, status), "application/json")
    return CallbackArrival(cb, "127.0.0.1:9", None, "application/json")


class PickyJournal(Journal):
    """A real journal that cannot store one order's callbacks (as a broken row would)."""

    bad_order = 13

    def _record_callback(
        self,
        conn: Connection,
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
def journal(journal_at: Path | str) -> Iterator[Journal]:
    j = PickyJournal(journal_at, "sandbox")
    yield j
    j.close()


def stored_orders(journal: Journal) -> list[int]:
    return sorted(c.order_id or 0 for c in journal.list_callbacks(1000))


def test_a_batch_is_stored_whole_and_in_order(journal: Journal) -> None:
    results = commit_batch(journal, [arrival(1000 + i) for i in range(40)])
    assert all(isinstance(r, CallbackRow) for r in results)
    ids = [r.id for r in results if isinstance(r, CallbackRow)]
    assert ids == sorted(ids)
    assert stored_orders(journal) == list(range(1000, 1040))
    assert journal.callback_counts()["success"] == 40


def test_a_callback_that_cannot_be_stored_fails_alone(journal: Journal) -> None:
    results = commit_batch(journal, [arrival(o) for o in (11, 12, 13, 14, 15)])
    assert isinstance(results[2], RuntimeError)
    assert [r.order_id for r in results if isinstance(r, CallbackRow)] == [11, 12, 14, 15]
    assert stored_orders(journal) == [11, 12, 14, 15]


def test_a_repeat_in_the_same_batch_is_a_duplicate_and_a_failure_opens_one_follow_up(
    journal: Journal,
) -> None:
    journal.note_order(60, "16327129")
    rows = journal.record_callbacks([arrival(60, 78, "0") for _ in range(3)])
    assert [r.duplicate_of for r in rows] == [None, rows[0].id, rows[0].id]
    # Each row says the order's machine, repeats included (the log pane shows it).
    assert [r.order_machine for r in rows] == ["16327129"] * 3
    # Nothing opens before the platform confirms the failure; then exactly one.
    assert [r.followup_id for r in rows] == [None] * 3 and journal.list_followups() == []
    fid = journal.set_cross_check(rows[0].id, "ok", "confirmed")
    assert fid is not None and [f.id for f in journal.list_followups()] == [fid]
    assert journal.callback_counts()["failure"] == 1


def test_a_closed_journal_is_an_error_for_each_callback(journal: Journal) -> None:
    journal.close()
    results = commit_batch(journal, [arrival(31), arrival(32)])
    assert all(isinstance(r, Exception) and "closed" in str(r) for r in results)


def test_over_http_only_the_callback_that_cannot_be_stored_is_answered_500(
    journal: Journal,
) -> None:
    """Sent together from many connections: whatever batches they land in, the one that
    cannot be stored gets its 500 (so the platform re-sends it) and every other one its 200."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    with Receiver(journal, new_token()) as receiver:
        path = urlsplit(receiver.url).path
        start = threading.Barrier(20)

        def send(order: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=WAIT)
            try:
                start.wait(WAIT)
                conn.request("POST", path, body(order), {"Content-Type": "application/json"})
                status = conn.getresponse().status
            finally:
                conn.close()
            with lock:
                statuses[order] = status

        threads = [threading.Thread(target=send, args=(o,)) for o in range(4, 24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT)
    assert statuses[13] == 500
    assert {o: s for o, s in statuses.items() if o != 13} == {
        o: 200 for o in range(4, 24) if o != 13
    }
    assert stored_orders(journal) == [o for o in range(4, 24) if o != 13]
