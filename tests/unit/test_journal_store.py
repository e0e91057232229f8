"""The journal on both backends (a real SQLite file and a real PostgreSQL database, the
``journal_at`` fixture): actions, orders, callbacks, follow-ups, queries; and what only
a SQLite file has (its modes, WAL, its upgrades, its query plans) on a file."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.callback import parse_callback
from console.core.followup import FollowupError
from console.core.models import Delivery
from console.journal import CallbackRow, Journal, JournalError
from console.journal.schema import HEAD_USER_VERSION, SCHEMA_VERSION
from console.journal.store import MAX_RAW

T0 = 1_714_128_000.0
FAIL = (
    b'{"deliver_status": "0", "error_msg": "Slave Comm Error", "floor_status": "3", '
    b'"method": "device.delivery.response", "order_id": 60, "record_id": 78}'
)


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A SQLite journal file (for what only a file has)."""
    return tmp_path / "data" / "journal.sqlite3"


@pytest.fixture
def journal(journal_at: Path | str, clock: Clock) -> Iterator[Journal]:
    j = Journal(journal_at, "default", clock)
    yield j
    j.close()


def body(order: int, record: int, status: str = "1", **more: object) -> bytes:
    fields: dict[str, object] = {
        "method": "device.delivery.response",
        "order_id": order,
        "record_id": record,
        "deliver_status": status,
        **more,
    }
    return json.dumps(fields).encode()


def record(j: Journal, raw: bytes, replay_of: int | None = None) -> CallbackRow:
    return j.record_callback(
        parse_callback(raw, "application/json"), remote="127.0.0.1:40000", replay_of=replay_of
    )


def confirmed(
    j: Journal, raw: bytes, replay_of: int | None = None, verdict: str = "ok"
) -> CallbackRow:
    """A callback as the receiver journals it, then its cross-check verdict applied."""
    row = record(j, raw, replay_of)
    j.set_cross_check(row.id, verdict, "checked in a test")
    found = j.get_callback(row.id)
    assert found is not None
    return found


# -- file, schema, migrations ---------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_files_are_readable_by_the_user_only(path: Path) -> None:
    with Journal(path) as journal:
        journal.begin_action("set_status", "16327129", 60, {"status": 2})
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert name.exists(), name
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_an_existing_world_readable_journal_is_tightened(path: Path) -> None:
    Journal(path).close()
    os.chmod(path, 0o644)
    with Journal(path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_version_1_journal_upgrades_in_place_without_loss(path: Path) -> None:
    from console.journal.schema import MIGRATIONS

    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no, order_id,"
        " state) VALUES (1, 'then', 'default', 's', 1, 'set_status', '16327129', 60, 'ok')"
    )
    conn.execute(
        "INSERT INTO orders (profile, order_id, machine_no, trade_id, last_ts, last_iso)"
        " VALUES ('default', 60, '16327129', 'T60', 1, 'then')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Journal(path) as journal:
        assert journal.schema_version == HEAD_USER_VERSION
        (action,) = journal.list_actions(10, order_id=60)
        assert (action.kind, action.machine_no, action.state) == ("set_status", "16327129", "ok")
        summary = journal.get_order(60)
        assert summary is not None and summary.trade_id == "T60"


def test_schema_version_wal_and_synchronous(path: Path) -> None:
    journal = Journal(path)
    assert journal.schema_version == HEAD_USER_VERSION == SCHEMA_VERSION + 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == HEAD_USER_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert journal._conn is not None
    assert journal._conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert journal._conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    journal.close()


def test_reopening_keeps_data_and_does_not_migrate_again(journal_at: Path | str) -> None:
    with Journal(journal_at) as j:
        aid = j.begin_action("set_status", "16327129", 60, {"status": 2})
        j.finish_action(aid, "ok")
    with Journal(journal_at) as j:
        assert j.schema_version == HEAD_USER_VERSION
        action = j.get_action(aid)
        assert action is not None and action.state == "ok"


def test_a_journal_from_a_newer_console_is_refused(path: Path) -> None:
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        # What a newer console's migration leaves: a revision this one does not know.
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.execute(f"PRAGMA user_version = {HEAD_USER_VERSION + 1}")
    conn.close()
    with pytest.raises(JournalError, match=r"newer .*upgrade Vending Console"):
        Journal(path)


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalError, match="not a usable journal"):
        Journal(path)


def test_using_a_closed_journal_says_so(journal: Journal) -> None:
    journal.close()
    journal.close()  # idempotent
    assert journal.closed
    with pytest.raises(JournalError, match="closed"):
        journal.begin_action("dispense", "16327129", 1, {})


# -- actions and crash recovery -----------------------------------------------------


def test_begin_writes_intent_before_finish_records_outcome(
    journal: Journal, journal_at: Path | str
) -> None:
    aid = journal.begin_action(
        "dispense", "16327129", 60, {"machine_no": "16327129", "record_id": "78"}
    )
    # Committed: another connection sees it before the request would go out.
    with Journal(journal_at) as other:
        seen = other.get_action(aid)
    assert seen is not None and (seen.state, seen.record_id) == ("in_flight", 78)
    row = journal.finish_action(aid, "refused", 6042, "order expired", {"code": 6042}, "too old")
    assert (row.state, row.outcome, row.code, row.message) == (
        "refused",
        "refused",
        6042,
        "order expired",
    )
    assert row.response == {"code": 6042}
    assert row.detail == "too old"
    assert row.request == {"machine_no": "16327129", "record_id": "78"}
    assert row.profile == "default" and row.ts == T0 and row.ts_iso.startswith("2024-04-2")
    assert journal.list_actions(10) == [row]


def test_finishing_twice_or_an_unknown_action_fails(journal: Journal) -> None:
    aid = journal.begin_action("set_status", "16327129", 60, {"status": 2})
    journal.finish_action(aid, "ok")
    with pytest.raises(JournalError, match="already ok"):
        journal.finish_action(aid, "ok")
    with pytest.raises(JournalError, match="no action"):
        journal.finish_action(9999, "ok")
    with pytest.raises(ValueError, match="unknown outcome"):
        journal.finish_action(aid, "maybe")
    with pytest.raises(ValueError, match="unknown action kind"):
        journal.begin_action("reboot", "16327129", None, {})


def test_transport_failure_says_what_to_check(journal: Journal) -> None:
    aid = journal.begin_action("set_status", "16327129", 60, {"status": 2})
    row = journal.finish_action(aid, "transport", message="read timed out")
    assert row.is_uncertain
    assert "may or may not have arrived" in row.check
    assert "query order 60 on machine 16327129" in row.check


def test_in_flight_actions_of_a_closed_journal_become_unknown_on_reopen(
    journal_at: Path | str, clock: Clock
) -> None:
    j = Journal(journal_at, "default", clock)
    aid = j.begin_action("dispense", "16327129", 60, {"record_id": "78"})
    tid = j.begin_action("test_dispense", "16327129", None, {"channel_name": "A20"})
    cid = j.begin_action("order_create", "16327129", None, {"trade_id": "T" * 24})
    j.close()  # stands in for a crash: nothing will ever finish these
    with Journal(journal_at, "default", clock) as again:
        recovered = {a.id: a for a in again.recovered}
        assert set(recovered) == {aid, tid, cid}
        assert recovered[aid].state == "unknown"
        assert recovered[aid].check == (
            "outcome unknown: the console stopped before the platform answered — "
            "query order 60 on machine 16327129 before acting again"
        )
        assert "slot A20" in recovered[tid].check
        assert "trade id " + "T" * 24 in recovered[cid].check
        assert again.recover_in_flight() == []
        with pytest.raises(JournalError, match="already unknown"):
            again.finish_action(aid, "ok")
        assert again.recent_orders()[0].last_activity == "dispense: outcome unknown"


def test_a_live_journal_keeps_its_in_flight_actions(journal_at: Path | str) -> None:
    with Journal(journal_at) as first:
        aid = first.begin_action("set_status", "16327129", 60, {"status": 1})
        with Journal(journal_at) as second:
            assert second.recovered == ()
            assert second.recover_in_flight() == []
        assert first.finish_action(aid, "ok").state == "ok"


# -- orders --------------------------------------------------------------------------


def test_first_seen_is_never_moved_later(journal: Journal, clock: Clock) -> None:
    assert journal.order_first_seen(60) is None
    journal.note_order(60, "16327129")
    assert journal.order_first_seen(60) == T0
    clock.advance(300)
    journal.note_order(60, "16327129", trade_id="T" * 20)
    assert journal.order_first_seen(60) == T0
    journal.note_order(60, "", first_seen=T0 - 50)
    summary = journal.get_order(60)
    assert summary is not None
    assert summary.first_seen == T0 - 50
    assert summary.trade_id == "T" * 20
    assert summary.machine_no == "16327129"


def test_activity_alone_does_not_invent_an_age(journal: Journal) -> None:
    record(journal, body(61, 1))
    aid = journal.begin_action("dispense", "16327129", 62, {"record_id": "2"})
    journal.finish_action(aid, "ok")
    assert journal.order_first_seen(61) is None
    assert journal.order_first_seen(62) is None
    assert {o.order_id for o in journal.recent_orders()} == {61, 62}


def test_a_created_order_is_noted_with_the_time_the_request_went_out(
    journal: Journal, clock: Clock
) -> None:
    trade = "VC20240426180000000001"
    aid = journal.begin_action(
        "order_create", "16327129", None, {"trade_id": trade, "products": [{"product_id": 5}]}
    )
    clock.advance(2)
    row = journal.finish_action(aid, "ok", 0, "ok", {"code": 0, "data": {"order_id": 501}})
    assert row.order_id == 501
    order = journal.get_order(501)
    assert order is not None
    assert order.created_here and order.trade_id == trade
    assert order.first_seen == T0  # sent-at: the safe (older) estimate


def test_recent_orders_newest_activity_first(journal: Journal, clock: Clock) -> None:
    for order in (1, 2, 3):
        journal.note_order(order, "16327129")
        clock.advance(1)
    record(journal, body(1, 10))
    assert [o.order_id for o in journal.recent_orders()] == [1, 3, 2]
    assert journal.recent_orders()[0].last_activity.startswith("callback: success")
    assert len(journal.recent_orders(limit=2)) == 2


# -- callbacks -------------------------------------------------------------------------


def test_a_repeat_is_recorded_but_counted_once(journal: Journal) -> None:
    first = record(journal, body(5, 6))
    again = record(journal, body(5, 6))
    assert first.duplicate_of is None and first.counts
    assert again.duplicate_of == first.id and not again.counts
    assert journal.callback_counts()["success"] == 1
    assert journal.callback_counts()["duplicate"] == 1
    stored = journal.get_callback(again.id)
    assert stored == again


def test_a_different_result_for_the_same_record_is_not_a_repeat(journal: Journal) -> None:
    a = record(journal, body(5, 6, "0", error_msg="Goods are Stuck"))
    b = record(journal, body(5, 6, "1"))
    assert b.duplicate_of is None
    assert journal.get_callback(a.id) is not None


def test_replays_are_marked_and_count_as_nothing(journal: Journal) -> None:
    original = confirmed(journal, FAIL)
    assert original.followup_id is not None
    replayed = confirmed(journal, FAIL, replay_of=original.id)
    assert replayed.replay_of == original.id and replayed.duplicate_of is None
    assert replayed.followup_id is None
    assert journal.callback_counts() == {
        "success": 0,
        "failure": 1,
        "invalid": 0,
        "event": 0,
        "malformed": 0,
        "duplicate": 0,
        "replay": 1,
    }
    assert len(journal.list_followups(None)) == 1


def test_a_false_replay_claim_is_ignored(journal: Journal) -> None:
    other = record(journal, body(1, 1))
    claimed = confirmed(journal, FAIL, replay_of=other.id)  # a different callback
    assert claimed.replay_of is None and claimed.counts
    assert claimed.followup_id is not None
    missing = record(journal, body(2, 2), replay_of=424242)
    assert missing.replay_of is None and missing.counts


def test_malformed_bodies_are_kept_truncated(journal: Journal) -> None:
    raw = b"\x00garbage" + b"x" * (MAX_RAW + 100)
    row = journal.record_bad_callback(raw, "body is not valid UTF-8", "10.0.0.9:5555")
    assert row.outcome == "malformed" and not row.counts
    stored = journal.get_callback(row.id)
    assert stored is not None
    assert stored.raw == raw[:MAX_RAW]
    assert stored.raw_size == len(raw)
    assert stored.reason == "body is not valid UTF-8"
    assert stored.remote == "10.0.0.9:5555"
    assert journal.callback_counts()["malformed"] == 1


def test_cross_check_verdict_is_stored(journal: Journal) -> None:
    row = record(journal, body(5, 6))
    journal.set_cross_check(row.id, "suspicious", "platform says record 6 not picked up")
    stored = journal.get_callback(row.id)
    assert stored is not None
    assert (stored.cross_check, stored.cross_check_detail) == (
        "suspicious",
        "platform says record 6 not picked up",
    )
    with pytest.raises(ValueError, match="unknown verdict"):
        journal.set_cross_check(row.id, "fine", "")
    with pytest.raises(JournalError):
        journal.set_cross_check(99999, "ok", "")


def test_callbacks_of_another_profile_are_not_seen(journal_at: Path | str) -> None:
    with Journal(journal_at, "sandbox") as sandbox, Journal(journal_at, "live") as live:
        row = record(sandbox, body(5, 6))
        assert live.get_callback(row.id) is None
        assert live.list_callbacks() == []
        dup = record(live, body(5, 6))
        assert dup.duplicate_of is None  # same ids on another platform are other orders


# -- follow-ups -----------------------------------------------------------------------------


def test_failure_opens_one_follow_up_with_the_fault_meaning(journal: Journal) -> None:
    aid = journal.begin_action("dispense", "16327129", 60, {"record_id": "78", "paid": True})
    journal.finish_action(aid, "ok")
    row = confirmed(journal, FAIL)
    confirmed(journal, FAIL)  # platform re-push
    followups = journal.list_followups()
    assert len(followups) == 1
    f = followups[0]
    assert row.followup_id == f.id
    assert (f.order_id, f.record_id, f.machine_no, f.source, f.source_id) == (
        60,
        78,
        "16327129",
        "callback",
        row.id,
    )
    assert f.reason == "customer may need a refund"
    assert f.meaning == (
        "Slave Comm Error — The slave board cannot be reached; slot status 3: Slot motor fault"
    )
    assert journal.recent_orders()[0].open_followups == 1


def test_a_second_failure_report_joins_the_open_follow_up(journal: Journal) -> None:
    first = confirmed(journal, FAIL)
    second = confirmed(journal, body(60, 78, "0", error_msg="Goods are Stuck"))
    assert second.duplicate_of is None
    assert second.followup_id == first.followup_id
    assert len(journal.list_followups(None)) == 1
    assert first.followup_id is not None
    events = journal.followup_events(first.followup_id)
    assert [e.event for e in events] == ["opened", "note"]
    assert "Goods are Stuck" in events[1].note
    # open_followup itself is idempotent per source
    again = journal.open_followup(60, 78, "", "r", "m", "callback", first.id)
    assert again.id == first.followup_id


def test_follow_up_life_cycle_and_illegal_moves(journal: Journal, clock: Clock) -> None:
    fid = confirmed(journal, FAIL).followup_id
    assert fid is not None
    with pytest.raises(FollowupError):
        journal.followup_resolve(fid, "refunded by hand")  # open -> refunded is not allowed
    clock.advance(10)
    refund = journal.begin_action("set_status", "16327129", 60, {"status": 2})
    f = journal.followup_refund_requested(fid, refund, "status 2 sent", actor="alice")
    assert (f.state, f.refund_action_id, f.updated_ts) == ("refund_requested", refund, T0 + 10)
    with pytest.raises(FollowupError, match="note is required"):
        journal.followup_resolve(fid, "  ")
    f = journal.followup_resolve(fid, "WeChat refund 50300001234", actor="alice")
    assert f.state == "refunded"
    # Notes are kept, each with who and when: the reference never overwrites the first.
    assert [line.split(" ", 2)[2] for line in f.note.splitlines()] == [
        "alice: status 2 sent",
        "alice: WeChat refund 50300001234",
    ]
    with pytest.raises(FollowupError, match="already refunded"):
        journal.followup_dismiss(fid, "changed my mind")
    with pytest.raises(FollowupError, match="no follow-up"):
        journal.followup_dismiss(424242, "x")
    events = journal.followup_events(fid)
    assert [(e.event, e.from_state, e.to_state, e.actor) for e in events] == [
        ("opened", None, "open", "console"),
        ("refund_requested", "open", "refund_requested", "alice"),
        ("refunded", "refund_requested", "refunded", "alice"),
    ]
    assert journal.list_followups() == []
    assert [x.id for x in journal.list_followups("refunded")] == [fid]
    # After it is closed, a new failure of the same record is a new case.
    new = confirmed(journal, body(60, 78, "0", error_msg="Over Current"))
    assert new.followup_id not in (None, fid)


def test_dismissing_needs_a_reason(journal: Journal) -> None:
    fid = confirmed(journal, FAIL).followup_id
    assert fid is not None
    with pytest.raises(FollowupError):
        journal.followup_dismiss(fid, "")
    f = journal.followup_dismiss(fid, "customer took the item from the lift")
    assert f.state == "dismissed"
    assert journal.list_followups("active") == []


def test_refused_dispense_of_a_paid_order_opens_a_follow_up(journal: Journal) -> None:
    paid = journal.begin_action("dispense", "16327129", 70, {"record_id": "1", "paid": True})
    journal.finish_action(paid, "refused", 6047, "inventory not enough")
    unpaid = journal.begin_action("dispense", "16327129", 71, {"record_id": "1"})
    journal.finish_action(unpaid, "refused", 6054, "order unpaid")
    followups = journal.list_followups()
    assert len(followups) == 1
    f = followups[0]
    assert (f.order_id, f.source, f.source_id) == (70, "refused_dispense", paid)
    assert "6047" in f.meaning and "not enough stock" in f.meaning


def test_a_refusal_saying_the_item_is_out_opens_no_follow_up(journal: Journal) -> None:
    """6034 "order already delivered": the customer has the item; refunding would be wrong."""
    aid = journal.begin_action("dispense", "16327129", 72, {"record_id": "1", "paid": True})
    journal.finish_action(aid, "refused", 6034, "order already delivered")
    assert journal.list_followups() == []
    (action,) = journal.list_actions(order_id=72)
    assert (action.state, action.code) == ("refused", 6034)


def test_a_result_read_from_the_platform_counts_like_a_callback(
    journal: Journal, clock: Clock
) -> None:
    """Callbacks going elsewhere: the platform's dispense record is the evidence."""
    dropped = journal.begin_action("dispense", "16327129", 90, {"record_id": "1", "paid": True})
    journal.finish_action(dropped, "ok", response={"delivery_id": 7})
    jammed = journal.begin_action("dispense", "16327129", 91, {"record_id": "2", "paid": True})
    journal.finish_action(jammed, "ok", response={"delivery_id": 8})
    waiting = journal.begin_action("dispense", "16327129", 92, {"record_id": "3", "paid": True})
    journal.finish_action(waiting, "ok", response={"delivery_id": 9})

    ok = Delivery(delivery_id=7, status="success", delivered_at="2026-12-07 12:00:00")
    assert journal.record_dispense_result(90, 1, "16327129", ok) is None
    pending = Delivery(delivery_id=9, status="dispensing")
    assert journal.record_dispense_result(92, 3, "16327129", pending) is None
    failed = Delivery(delivery_id=8, status="fail", fail_reason="Goods are Stuck")
    opened = journal.record_dispense_result(91, 2, "16327129", failed)
    assert opened is not None
    assert (opened.order_id, opened.record_id, opened.source) == (91, 2, "platform_record")
    assert "Goods are Stuck" in opened.meaning and "jammed" in opened.meaning
    # The same failure reported again by a late callback joins it: one customer, one follow-up.
    record(journal, body(91, 2, "0", error_msg="Goods are Stuck"))
    assert [f.id for f in journal.list_followups()] == [opened.id]
    # The dropped one no longer waits (no false "no result" follow-up); the pending one does.
    assert [a.order_id for a in journal.overdue_dispenses(clock.t + 121)] == [92]
    (read,) = journal.list_actions(order_id=90, kind="delivery_query")
    assert read.state == "ok" and read.response is not None
    assert read.response["status"] == "success"


def test_a_dispense_without_result_is_overdue_after_120_s(journal: Journal, clock: Clock) -> None:
    aid = journal.begin_action("dispense", "16327129", 80, {"record_id": "3", "paid": True})
    journal.finish_action(aid, "ok")
    done = journal.begin_action("dispense", "16327129", 81, {"record_id": "4", "paid": True})
    journal.finish_action(done, "ok")
    confirmed(journal, body(81, 4, "1"))
    assert journal.overdue_dispenses(clock.t + 119) == []
    assert [a.id for a in journal.overdue_dispenses(clock.t + 121)] == [aid]
    opened = journal.open_unknown_result_followup(aid, "still dispensing")
    assert opened is not None
    assert (opened.order_id, opened.record_id, opened.source, opened.source_id) == (
        80, 3, "timeout", aid,
    )  # fmt: skip
    assert opened.reason == "result unknown — check before refunding"
    assert "MAY HAVE DROPPED" in opened.meaning and "still dispensing" in opened.meaning
    assert journal.overdue_dispenses(clock.t + 500) == []
    assert journal.open_unknown_result_followup(aid, "again") is None  # decided once
    # A late, confirmed result closes it by itself, with the evidence; nobody is refunded.
    late = confirmed(journal, body(80, 3, "1"))
    assert late.followup_id == opened.id
    closed = journal.get_followup(opened.id)
    assert closed is not None and closed.state == "dismissed"
    last = journal.followup_events(opened.id)[-1]
    assert last.actor == "console" and f"callback #{late.id}" in last.note
    assert "no refund is owed" in last.note


def test_a_result_that_beats_the_dispense_answer_still_counts(
    journal: Journal, clock: Clock
) -> None:
    aid = journal.begin_action("dispense", "16327129", 90, {"record_id": "9"})
    confirmed(journal, body(90, 9, "1"))  # callback before finish_action
    journal.finish_action(aid, "ok")
    assert journal.overdue_dispenses(clock.t + 1000) == []


def test_test_dispense_failures_open_no_follow_up(journal: Journal) -> None:
    raw = b'{"method":"device.delivery.response","channel_name":"A20","deliver_status":"0"}'
    row = record(journal, raw)
    assert row.outcome == "failure" and row.followup_id is None
    assert journal.list_followups(None) == []


# -- history, lists, export, indexes ---------------------------------------------------------------


def test_order_history_is_time_ordered_across_kinds(journal: Journal, clock: Clock) -> None:
    aid = journal.begin_action("dispense", "16327129", 60, {"record_id": "78", "paid": True})
    clock.advance(1)
    journal.finish_action(aid, "ok", 0, "ok", {"delivery_id": 3})
    clock.advance(1)
    row = confirmed(journal, FAIL)
    clock.advance(1)
    record(journal, FAIL)
    clock.advance(1)
    assert row.followup_id is not None
    journal.followup_dismiss(row.followup_id, "re-dispensed by hand", actor="bob")
    record(journal, body(99, 1))  # another order: not in this history
    items = journal.order_history(60)
    assert [i.kind for i in items] == [
        "action",
        "action_result",
        "callback",
        "followup",
        "callback",
        "followup",
    ]
    assert [i.ts for i in items] == sorted(i.ts for i in items)
    assert "repeat of" in items[4].summary
    assert items[5].summary.endswith("dismissed") and "bob" in items[5].detail
    assert journal.order_history(12345) == []


def test_lists_are_newest_first_and_limited(journal: Journal) -> None:
    ids = [record(journal, body(1, r)).id for r in range(1, 6)]
    assert [c.id for c in journal.list_callbacks(3)] == ids[::-1][:3]
    assert [c.id for c in journal.list_callbacks(order_id=1)] == ids[::-1]


@pytest.mark.parametrize("kind", ["orders", "callbacks", "actions", "followups"])
def test_export_json_and_csv(journal: Journal, kind: str) -> None:
    aid = journal.begin_action("dispense", "16327129", 60, {"record_id": "78"})
    journal.finish_action(aid, "ok")
    confirmed(journal, FAIL)
    out = io.StringIO()
    n = journal.export(kind, "json", out)  # type: ignore[arg-type]
    rows = json.loads(out.getvalue())
    assert n == len(rows) >= 1
    assert all(r["profile"] == "default" for r in rows)
    out = io.StringIO()
    assert journal.export(kind, "csv", out) == n  # type: ignore[arg-type]
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(table) == n
    assert "session" not in table[0]


def test_exported_csv_cannot_smuggle_a_spreadsheet_formula(journal: Journal) -> None:
    record(journal, body(5, 6, "0", error_msg='=HYPERLINK("http://evil","x")'))
    out = io.StringIO()
    journal.export("callbacks", "csv", out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["error_msg"].startswith("'=")


def test_export_of_nothing_still_has_a_header(journal: Journal) -> None:
    out = io.StringIO()
    assert journal.export("followups", "csv", out) == 0
    assert out.getvalue().startswith("id,ts,ts_iso,profile,order_id")
    out = io.StringIO()
    journal.export("followups", "json", out)
    assert json.loads(out.getvalue()) == []


def _plan(journal: Journal, sql: str, args: tuple[object, ...]) -> str:
    assert journal._conn is not None
    rows = journal._conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, args).fetchall()
    return " | ".join(str(r[3]) for r in rows)


def test_hot_queries_use_indexes(path: Path) -> None:
    journal = Journal(path)
    plans = {
        "history": _plan(
            journal,
            "SELECT * FROM callbacks WHERE profile = ? AND order_id = ? ORDER BY id DESC LIMIT 5",
            ("default", 60),
        ),
        "dedupe": _plan(
            journal,
            "SELECT id FROM callbacks WHERE profile = ? AND dedupe_key = ? "
            "AND duplicate_of IS NULL ORDER BY id LIMIT 1",
            ("default", "k"),
        ),
        "recent": _plan(
            journal,
            "SELECT * FROM orders o WHERE o.profile = ? ORDER BY o.last_ts DESC LIMIT 50",
            ("default",),
        ),
        "list": _plan(
            journal,
            "SELECT * FROM callbacks WHERE profile = ? ORDER BY id DESC LIMIT 100",
            ("default",),
        ),
    }
    journal.close()
    for name, plan in plans.items():
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (name, plan)
        assert "TEMP B-TREE" not in plan, (name, plan)


def test_queries_stay_right_with_many_callbacks(path: Path, clock: Clock) -> None:
    """200k callbacks over 50k orders (1M behaves the same: the plans are index lookups)."""
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
            INSERT INTO callbacks (ts, ts_iso, profile, remote, method, order_id, record_id,
                deliver_status, outcome, summary, raw, raw_size, dedupe_key)
            SELECT 1.0e9 + i, '', 'default', '127.0.0.1:1', 'device.delivery.response',
                   (i - 1) / 4 + 1, i, '1', 'success', 'success', X'7B7D', 2, 'k' || i FROM n
            """
        )
        conn.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
            INSERT INTO orders (profile, order_id, machine_no, last_ts, last_iso, last_activity)
            SELECT 'default', i, '16327129', 1.0e9 + 4 * i, '', 'callback' FROM n
            """
        )
    conn.close()
    with Journal(path, "default", clock) as j:
        history = j.order_history(1234)
        assert [i.ref_id for i in history] == [4933, 4934, 4935, 4936]
        recent = j.recent_orders(5)
        assert [o.order_id for o in recent] == [50000, 49999, 49998, 49997, 49996]
        row = record(j, body(1234, 4934))
        assert row.duplicate_of is None  # different dedupe key format: a new result
        assert record(j, body(1234, 4934)).duplicate_of == row.id


def test_two_genuine_test_dispenses_of_a_slot_both_count(journal_at: Path | str) -> None:
    """The platform re-pushes only paid orders' callbacks: each test result is new."""
    body = (
        b'{"method":"device.delivery.response","deliver_status":"0","floor_status":"2",'
        b'"error_msg":"Goods are Stuck","channel_name":"A12"}'
    )
    j = Journal.open(journal_at, "p")
    try:
        first = j.record_callback(parse_callback(body, "application/json"), remote="t")
        second = j.record_callback(parse_callback(body, "application/json"), remote="t")
        assert first.duplicate_of is None and second.duplicate_of is None
        order_body = b'{"method":"device.delivery.response","deliver_status":"1","order_id":60,"record_id":78}'
        a = j.record_callback(parse_callback(order_body, "application/json"), remote="t")
        b = j.record_callback(parse_callback(order_body, "application/json"), remote="t")
        assert a.duplicate_of is None and b.duplicate_of == a.id
    finally:
        j.close()


def test_every_action_records_who_did_it(journal: Journal) -> None:
    import getpass

    mine = journal.begin_action("set_status", "16327129", 60, {"status": 2})
    named = journal.begin_action("set_status", "16327129", 61, {"status": 2}, actor="Li Na")
    assert journal.get_action(mine).actor == getpass.getuser()  # type: ignore[union-attr]
    assert journal.get_action(named).actor == "Li Na"  # type: ignore[union-attr]


def test_an_order_is_the_platforms_order(journal_at: Path | str, clock: Clock) -> None:
    """Rows are scoped by the profile's platform (base URL + Appid): order 67 of a
    restarted sandbox (a new platform) is not the old order 67."""
    path = journal_at
    from console.core.rules import platform_key

    old = platform_key("http://127.0.0.1:41000/", "sandbox-app")
    new = platform_key("HTTP://127.0.0.1:42000", "sandbox-app")
    assert old == "http://127.0.0.1:41000#sandbox-app" and old != new
    with Journal(path, "sandbox", clock, platform=old, adopt=False) as before:
        before.note_order(67, "16327129", trade_id="T-OLD", created_here=True, first_seen=T0)
        aid = before.begin_action("dispense", "16327129", 67, {"record_id": 1, "paid": True})
        before.finish_action(aid, "ok", response={"delivery_id": 3})
    with Journal(path, "sandbox", clock, platform=new, adopt=False) as after:
        assert after.get_order(67) is None  # no countdown, no "created here"
        assert after.list_actions(10, order_id=67) == [] and after.last_dispenses(67) == {}
        assert after.overdue_dispenses(clock.t + 1000) == []
    with Journal(path, "sandbox", clock, platform=old, adopt=False) as again:
        assert again.get_order(67) is not None  # kept for the platform it belongs to


def test_rows_from_before_platform_scoping_are_adopted_once(
    journal_at: Path | str, clock: Clock
) -> None:
    path = journal_at
    with Journal(path, "shop", clock) as legacy:
        legacy.note_order(60, "16327129", trade_id="T60")
    with Journal(path, "shop", clock, platform="https://open.example#app1") as scoped:
        summary = scoped.get_order(60)
        assert summary is not None and summary.trade_id == "T60"
        assert [o.order_id for o in scoped.recent_orders()] == [60]
    with Journal(path, "shop", clock, platform="https://other.example#app2") as other:
        assert other.get_order(60) is None  # adopted by the first platform, not this one
