"""The journal benchmark cannot silently break: its builder, at a tiny size, makes the
journal it describes on SQLite and PostgreSQL, and the queries it times return the right
rows on both (the PostgreSQL queries the same rows as the Journal's on SQLite)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks import bench_journal as bench
from console.journal import Journal, sqlite_url
from console.journal.copy import count_rows

CALLBACKS = 40_000  # 10,000 orders, 100 follow-ups, 2 of them active
BASE = 1_700_000_000.0


def _expected_counts() -> dict[str, int]:
    n = bench.shape(CALLBACKS)
    return {
        "actions": n["actions"],
        "callbacks": n["callbacks"],
        "followups": n["followups"],
        "items_out": 0,
        "sessions": 0,  # no writer holds a lease in a generated journal
        "orders": n["orders"],
        "followup_events": n["followup_events"],
    }


def test_the_builder_and_queries_on_sqlite_and_postgresql(tmp_path: Path, pg_url: str) -> None:
    n = bench.shape(CALLBACKS)
    assert (n["orders"], n["followups"], n["active_followups"]) == (10_000, 100, 2)
    path = tmp_path / "journal.sqlite3"
    bench.build_sqlite(path, CALLBACKS, BASE)
    bench.build_postgresql(pg_url, CALLBACKS, BASE)
    assert count_rows(sqlite_url(path)) == _expected_counts()
    assert count_rows(pg_url) == _expected_counts()

    with Journal(path, bench.PROFILE) as j:
        recent = j.recent_orders(5)
        assert [o.order_id for o in recent] == [10_000, 9_999, 9_998, 9_997, 9_996]
        order = j.get_order(4_200)
        assert order is not None and order.trade_id == "T4200"
        history = j.order_history(4_200)
        # 2 actions sent and finished, 4 callbacks, the follow-up's 2 events.
        assert [i.kind for i in history].count("callback") == 4
        assert [i.kind for i in history].count("action") == 2
        assert [i.kind for i in history].count("followup") == 2
        active = j.list_followups("active")
        assert [f.order_id for f in active] == [10_000, 5_000]
        assert [f.actor for f in active] == ["console", "console"]
        sqlite_rows = {
            "recent": [o.order_id for o in j.recent_orders(50)],
            "history": len(history),
            "active": [f.id for f in active],
        }

    with Journal(pg_url, bench.PROFILE) as j:
        assert [o.order_id for o in j.recent_orders(50)] == sqlite_rows["recent"]
        order = j.get_order(4_200)
        assert order is not None and order.trade_id == "T4200"
        assert j.get_order(10_001) is None
        assert len(j.order_history(4_200)) == sqlite_rows["history"]
        active = j.list_followups("active")
        assert [f.id for f in active] == sqlite_rows["active"]
        assert [f.actor for f in active] == ["console", "console"]
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            bare = bench.bare_lookup(conn)(4_200)
            assert bare is not None and bare.order_id == 4_200
            # New rows after the bulk load take fresh ids (sequences moved past them).
            nextval = conn.execute(
                text("SELECT nextval(pg_get_serial_sequence('callbacks', 'id'))")
            ).scalar_one()
            assert nextval == CALLBACKS + 1
    finally:
        engine.dispose()
    assert sqlite_rows["history"] == 2 * 2 + 4 + 2  # each action also has its result


def test_the_timing_helpers_report_percentiles() -> None:
    calls: list[int] = []
    result = bench.measure({"q": calls.append}, lambda i: None, [1, 2, 3])
    assert calls == [1, 1, 2, 3]  # the first id once more, for the cold figure
    assert set(result["queries"]["q"]) == {"p50_ms", "p99_ms", "first_ms"}
