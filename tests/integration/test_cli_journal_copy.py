"""`vendctl journal copy --from URL --to URL`: a journal the real Journal wrote, copied
into PostgreSQL or another SQLite file, row for row and column for column; the source
untouched; PostgreSQL's ids continuing after the copied ones; a target with rows, an old
source and a wrong password refused in one sentence, the password never shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import make_url

from console.core.callback import parse_callback
from console.journal import HEAD_REVISION, Journal, current_revision, migrate, sqlite_url
from console.journal.copy import count_rows
from console.journal.tables import callbacks, followup_events, metadata

from .test_cli import vendctl

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_714_128_000.123456


def _body(order: int, record: int, status: str = "1", floor: str = "1") -> bytes:
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": status,
            "floor_status": floor,
            "error_msg": "" if status == "1" else "Slave Comm Error",
        }
    ).encode()


def _write_journal(path: Path) -> None:
    """Every kind of row, written by the real Journal: orders, actions (ok, refused,
    in flight), callbacks (a result, its repeat, its replay, a failure, a malformed
    body), follow-ups with events (opened, noted, refund requested), an item out."""
    t = [T0]

    def clock() -> float:
        t[0] += 0.731
        return t[0]

    with Journal(path, "shop", clock, platform="sandbox") as j:
        j.note_order(60, "16327129", trade_id="T60", created_here=True)
        aid = j.begin_action("dispense", "16327129", 60, {"record_id": 78, "paid": True})
        j.finish_action(aid, "ok", 0, "ok", {"delivery_id": 5})
        ok = j.record_callback(parse_callback(_body(60, 78), "application/json"), remote="a:1")
        j.set_cross_check(ok.id, "ok", "the platform says dropped")
        j.record_callback(parse_callback(_body(60, 78), "application/json"), remote="a:1")
        j.record_callback(
            parse_callback(_body(60, 78), "application/json"), remote="b:2", replay_of=ok.id
        )
        bad = j.begin_action("dispense", "16327129", 61, {"record_id": 8, "paid": True})
        j.finish_action(bad, "refused", 6001, "device busy")
        (fu,) = j.list_followups("open")
        j.followup_add_note(fu.id, "called the customer", actor="ana")
        refund = j.begin_action("set_status", "16327129", 61, {"status": 5}, actor="ana")
        j.finish_action(refund, "ok", 0, "ok")
        j.followup_refund_requested(fu.id, refund, "refund asked", actor="ana")
        j.record_callback(
            parse_callback(_body(62, 9, status="0", floor="3"), "application/json"),
            remote="c:3",
        )
        j.record_bad_callback(b"\xff garbage", "not JSON", "127.0.0.1")
        j.begin_action("set_status", "16327129", 63, {"status": 2})  # left in flight


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every journal table, ordered by primary key, for comparing."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [
                    tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).all()
                ]
                for t in metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "single-seat" / "journal.sqlite3"
    _write_journal(path)
    yield path


def _files(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_sqlite_journal_copies_into_postgresql_row_for_row(source: Path, pg_url: str) -> None:
    before = _rows(sqlite_url(source))
    # Every table has rows but the leases (a closed journal gives its lease up).
    assert all(before[t.name] for t in metadata.sorted_tables if t.name != "sessions")
    untouched = _files(source)
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    password = make_url(pg_url).password
    assert password
    masked = plain.replace(f":{password}@", ":***@")

    r = vendctl("journal", "copy", "--from", sqlite_url(source), "--to", plain)
    assert (r.code, r.err) == (0, ""), r.err
    lines = r.out.splitlines()
    assert lines[0] == f"copied sqlite:///{source} -> {masked} (revision {HEAD_REVISION})"
    assert lines[1].split() == ["table", "source", "target", "ok"]
    shown = {ln.split()[0]: ln.split()[1:] for ln in lines[2:]}
    assert shown == {
        name: [f"{len(rows):,}", f"{len(rows):,}", "ok"] for name, rows in before.items()
    }
    assert password not in r.out + r.err

    after = _rows(pg_url)
    for table in metadata.sorted_tables:
        assert after[table.name] == before[table.name], table.name
    assert current_revision(pg_url) == HEAD_REVISION
    assert _files(source) == untouched
    assert count_rows(sqlite_url(source)) == {k: len(v) for k, v in before.items()}

    # New rows in the shared journal take the next ids, not the copied ones.
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            top = conn.execute(select(func.max(callbacks.c.id))).scalar_one()
            new = conn.execute(
                insert(callbacks)
                .values(
                    ts=T0,
                    ts_iso="now",
                    profile="shop@sandbox",
                    outcome="event",
                    raw=b"{}",
                    raw_size=2,
                )
                .returning(callbacks.c.id)
            ).scalar_one()
            assert new == top + 1
            event = conn.execute(
                insert(followup_events)
                .values(
                    followup_id=before["followups"][0][0],
                    ts=T0,
                    ts_iso="now",
                    profile="shop@sandbox",
                    event="note",
                    to_state="open",
                    actor="ana",
                )
                .returning(followup_events.c.id)
            ).scalar_one()
            assert event == max(r[0] for r in before["followup_events"]) + 1
    finally:
        engine.dispose()


def test_sqlite_to_sqlite_with_json_counts(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy" / "journal.sqlite3"
    before = _rows(sqlite_url(source))
    r = vendctl(
        "journal", "copy", "--from", sqlite_url(source), "--to", sqlite_url(target), "--json"
    )
    assert r.code == 0, r.err
    assert r.json["ok"] is True
    assert r.json["data"]["revision"] == HEAD_REVISION
    assert r.json["data"]["tables"] == [
        {"table": t.name, "source": len(before[t.name]), "target": len(before[t.name]), "ok": True}
        for t in metadata.sorted_tables
    ]
    assert _rows(sqlite_url(target)) == before
    with Journal(target, "shop", platform="sandbox") as j:  # the copy is a working journal
        assert [o.order_id for o in j.recent_orders()] == [63, 62, 61, 60]
        copied = j.order_history(60)
    with Journal(source, "shop", platform="sandbox") as j:
        assert copied == j.order_history(60)


def test_a_target_with_rows_is_refused_and_left_as_it_was(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "other.sqlite3"
    with Journal(target, "elsewhere") as j:
        j.note_order(7, "1", trade_id="T7")
    before = _rows(sqlite_url(target))
    r = vendctl("journal", "copy", "--from", sqlite_url(source), "--to", sqlite_url(target))
    assert r.code == 2 and r.out == ""
    assert r.err == (
        f"vendctl: the journal sqlite:///{target} already has rows (orders (1)) and "
        "journals are never merged: copy into a new, empty database or file\n"
    )
    assert _rows(sqlite_url(target)) == before


def test_a_source_older_than_this_version_is_refused_not_migrated(tmp_path: Path) -> None:
    from console.journal.schema import MIGRATIONS

    old = tmp_path / "old.sqlite3"
    import sqlite3

    conn = sqlite3.connect(old)
    for statements in MIGRATIONS:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    untouched = _files(old)
    target = tmp_path / "new.sqlite3"
    r = vendctl("journal", "copy", "--from", sqlite_url(old), "--to", sqlite_url(target))
    assert r.code == 2 and r.out == ""
    assert f"run 'vendctl journal migrate --journal sqlite:///{old}' first" in r.err
    assert len(r.err.splitlines()) == 1
    assert _files(old) == untouched and current_revision(sqlite_url(old)) is None
    assert not target.exists()
    assert vendctl("journal", "migrate", "--journal", sqlite_url(old)).code == 0
    r = vendctl("journal", "copy", "--from", sqlite_url(old), "--to", sqlite_url(target))
    assert r.code == 0, r.err


def test_a_postgresql_source_is_read_in_a_read_only_snapshot(
    source: Path, pg_url: str, tmp_path: Path
) -> None:
    """PostgreSQL -> SQLite works too, and the copy would be refused a write there."""
    from console.journal import copy as journal_copy

    assert vendctl("journal", "copy", "--from", sqlite_url(source), "--to", pg_url).code == 0
    engine = journal_copy._read_only_engine(make_url(pg_url))
    try:
        with engine.connect() as conn, conn.begin():
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            level = conn.exec_driver_sql("SHOW transaction_isolation").scalar()
            assert level == "repeatable read"
    finally:
        engine.dispose()
    back = tmp_path / "back.sqlite3"
    r = vendctl("journal", "copy", "--from", pg_url, "--to", sqlite_url(back))
    assert r.code == 0, r.err
    assert _rows(sqlite_url(back)) == _rows(sqlite_url(source))


def test_a_wrong_postgresql_password_is_exit_3_and_never_shown(source: Path, pg_url: str) -> None:
    migrate(pg_url)
    wrong = make_url(pg_url).set(drivername="postgresql", password="Wr0ng-pa55")
    url = wrong.render_as_string(hide_password=False)
    untouched = _files(source)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "console.cli",
            "journal",
            "copy",
            "--from",
            sqlite_url(source),
            "--to",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 3
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("vendctl: cannot open the journal postgresql://vctest:***@127.0.0.1:")
    assert "password authentication failed" in line
    assert "Wr0ng-pa55" not in run.stderr and "Traceback" not in run.stderr
    assert _files(source) == untouched


def test_bad_urls_are_exit_2_and_the_same_journal_twice_is_refused(source: Path) -> None:
    for bad in ("mysql://me:pw@host/db", "sqlite://", "not a url"):
        r = vendctl("journal", "copy", "--from", sqlite_url(source), "--to", bad)
        assert r.code == 2 and ":pw@" not in r.err and len(r.err.splitlines()) == 1, r.err
    r = vendctl("journal", "copy", "--from", sqlite_url(source), "--to", sqlite_url(source))
    assert r.code == 2 and "both name" in r.err
    r = vendctl("journal", "copy", "--from", "sqlite:///nowhere/journal.db", "--to", "sqlite:///x")
    assert r.code == 2 and "no journal file at" in r.err
    r = vendctl(
        "journal", "copy", "--from", sqlite_url(source), "--to", "postgresql://me:pw@127.0.0.1:1/v"
    )
    assert r.code == 3 and ":pw@" not in r.err and len(r.err.splitlines()) == 1
