"""Journal queries with 1,000,000 callbacks stored: an order's history and the
recent-orders list, against a bare indexed lookup of one callback row (same DB).

The DB is built fast with executemany in a temporary directory: 250,000 orders,
4 callbacks each, 2 actions each, a follow-up for every 100th order.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.common import emit, median, pct

CALLBACKS = 1_000_000
PER_ORDER = 4
QUERIES = 300
PROFILE = "bench"


def build(path: Path) -> float:
    from console.journal import Journal

    Journal(path, PROFILE).close()  # the real schema
    t = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    orders = CALLBACKS // PER_ORDER
    base = time.time() - orders
    raw = b'{"deliver_status":"1","error_msg":"","floor_status":"1","method":"device.delivery.response","order_id":1,"record_id":1}'
    conn.executemany(
        "INSERT INTO orders (profile, order_id, machine_no, trade_id, created_here, first_seen,"
        " first_seen_iso, last_ts, last_iso, last_activity) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            (PROFILE, o, "16327129", f"T{o}", 1, base + o, "x", base + o + 1, "x", "callback: ok")
            for o in range(1, orders + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO callbacks (ts, ts_iso, profile, remote, content_type, method, order_id,"
        " record_id, deliver_status, floor_status, outcome, summary, raw, raw_size, dedupe_key)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                base + i / PER_ORDER,
                "x",
                PROFILE,
                "127.0.0.1:5000",
                "application/json",
                "device.delivery.response",
                1 + i // PER_ORDER,
                i,
                "1",
                "1",
                "success",
                f"order {1 + i // PER_ORDER} record {i} dropped",
                raw,
                len(raw),
                f"k{i}",
            )
            for i in range(CALLBACKS)
        ),
    )
    conn.executemany(
        "INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no, order_id,"
        " request, state, finished_ts, finished_iso) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (base + o, "x", PROFILE, "s", 1, kind, "16327129", o, "{}", "ok", base + o, "x")
            for o in range(1, orders + 1)
            for kind in ("set_status", "dispense")
        ),
    )
    conn.executemany(
        "INSERT INTO followups (ts, ts_iso, profile, order_id, record_id, machine_no, reason,"
        " meaning, source, source_id, state, updated_ts, updated_iso) VALUES"
        " (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                base + o,
                "x",
                PROFILE,
                o,
                o,
                "16327129",
                "refund",
                "m",
                "callback",
                o,
                "open",
                base + o,
                "x",
            )
            for o in range(100, orders + 1, 100)
        ),
    )
    conn.execute(
        "INSERT INTO followup_events (followup_id, ts, ts_iso, profile, event, to_state, actor)"
        " SELECT id, ts, ts_iso, profile, 'opened', 'open', 'console' FROM followups"
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - t


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    from console.journal import Journal

    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as d:
        path = Path(d) / "journal.sqlite3"
        build_s = build(path)
        j = Journal(path, PROFILE)
        stored = j._require().exec_driver_sql("SELECT count(*) FROM callbacks").scalar()
        orders = CALLBACKS // PER_ORDER
        first_history = timed(lambda: j.order_history(orders // 2), 1)[0]
        first_recent = timed(lambda: j.recent_orders(50), 1)[0]
        ids = [rng.randint(1, orders) for _ in range(QUERIES)]
        it = iter(ids)
        history = timed(lambda: j.order_history(next(it)), QUERIES)
        assert len(j.order_history(100)) >= PER_ORDER
        recent = timed(lambda: j.recent_orders(50), QUERIES)
        conn = j._require().connection.driver_connection  # sqlite3 itself: the baseline
        it2 = iter(ids)
        bare = timed(
            lambda: conn.execute(
                "SELECT * FROM callbacks WHERE profile = ? AND order_id = ? LIMIT 1",
                (PROFILE, next(it2)),
            ).fetchone(),
            QUERIES,
        )
        j.close()
        size_mb = path.stat().st_size / 2**20
    emit(
        {
            "callbacks_stored": stored,
            "orders": orders,
            "db_mb": size_mb,
            "build_s": build_s,
            "order_history_median_ms": median(history),
            "order_history_p99_ms": pct(history, 99),
            "order_history_first_ms": first_history,
            "recent_orders_median_ms": median(recent),
            "recent_orders_p99_ms": pct(recent, 99),
            "recent_orders_first_ms": first_recent,
            "bare_lookup_median_ms": median(bare),
            "target_ms": 10.0,
        }
    )


if __name__ == "__main__":
    main()
