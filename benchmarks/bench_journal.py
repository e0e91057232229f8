"""Journal queries at 10,000,000 callbacks, on SQLite and on PostgreSQL (issue 17):
recent orders, one order's history, the active follow-ups and one order by id, against
a bare indexed single-row lookup in the same database, same run.

Generated data (``BENCH_JOURNAL_CALLBACKS``, default 10,000,000 callbacks), the same on
both backends, ids given: an order per 4 callbacks (2,500,000), 2 actions per order
(set_status and dispense, finished), a follow-up for every 100th order (25,000), one in
50 of them still active (500; the rest refunded), one event per follow-up state.

Built fast, as a bulk load is: the real schema first (``Journal`` on SQLite, Alembic's
``migrate`` on PostgreSQL), the indexes of ``tables.metadata`` dropped, the rows written
(SQLite: ``executemany`` in one transaction, ``journal_mode=OFF``, ``synchronous=OFF``;
PostgreSQL: ``COPY ... FROM STDIN`` through psycopg 3), the indexes created again, then
``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``, identity sequences moved past the ids).

PostgreSQL is a private server started here with tests/pg.py (the suite's starter; fsync
off, which only matters to the load). The queries go through
``console.journal.Journal``'s public methods on both. Both databases are deleted at the
end.

``BENCH_JOURNAL_BACKENDS=sqlite`` (or ``postgresql``) runs one of them.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import emit, median, pct

CALLBACKS = int(os.environ.get("BENCH_JOURNAL_CALLBACKS", "10000000"))
BACKENDS = tuple(os.environ.get("BENCH_JOURNAL_BACKENDS", "sqlite,postgresql").split(","))
PER_ORDER = 4
FOLLOWUP_EVERY = 100  # orders
ACTIVE_EVERY = 50  # follow-ups
QUERIES = 300
PROFILE = "bench"
TARGET_MS = 10.0
# For the bulk load and its index builds (the suite's server runs with the defaults).
PG_SETTINGS = ("maintenance_work_mem=1GB", "max_wal_size=8GB", "checkpoint_timeout=30min")
RAW = (
    b'{"deliver_status":"1","error_msg":"","floor_status":"1",'
    b'"method":"device.delivery.response","order_id":1,"record_id":1}'
)


def shape(callbacks: int) -> dict[str, int]:
    orders = callbacks // PER_ORDER
    followups = orders // FOLLOWUP_EVERY
    active = followups // ACTIVE_EVERY
    return {
        "callbacks": orders * PER_ORDER,
        "orders": orders,
        "actions": 2 * orders,
        "followups": followups,
        "active_followups": active,
        "followup_events": followups + (followups - active),
    }


Rows = Iterator[tuple[Any, ...]]


def generated(callbacks: int, base: float) -> list[tuple[str, tuple[str, ...], Rows]]:
    """The rows of each table (in an order the foreign keys accept), as generators."""
    n = shape(callbacks)
    orders = n["orders"]

    def order_rows() -> Rows:
        for o in range(1, orders + 1):
            yield (
                PROFILE, o, "16327129", f"T{o}", 1, base + o, "x", base + o + 1, "x",
                "callback: ok", "1.00", "2026-12-08", "已支付", "[]", None,
            )  # fmt: skip

    def callback_rows() -> Rows:
        for i in range(n["callbacks"]):
            o = 1 + i // PER_ORDER
            yield (
                i + 1, base + o + (i % PER_ORDER) / PER_ORDER, "x", PROFILE,
                "127.0.0.1:5000", "application/json", "device.delivery.response", o, i + 1,
                "1", "1", "success", f"order {o} record {i + 1} dropped", RAW, len(RAW),
                f"k{i + 1:09d}",
            )  # fmt: skip

    def action_rows() -> Rows:
        for o in range(1, orders + 1):
            for k, kind in enumerate(("set_status", "dispense")):
                yield (
                    2 * o - 1 + k, base + o, "x", PROFILE, "s", 1, kind, "16327129", o, "{}",
                    "ok", 0, "ok", base + o, "x", "bench",
                )  # fmt: skip

    def followup_rows() -> Rows:
        for f in range(1, n["followups"] + 1):
            o = f * FOLLOWUP_EVERY
            state = "open" if f % ACTIVE_EVERY == 0 else "refunded"
            yield (
                f, base + o, "x", PROFILE, o, (o - 1) * PER_ORDER + 1, "16327129", "refund",
                "dispense failed", "callback", (o - 1) * PER_ORDER + 1, state, base + o, "x",
            )  # fmt: skip

    def event_rows() -> Rows:
        eid = 0
        for f in range(1, n["followups"] + 1):
            ts = base + f * FOLLOWUP_EVERY
            eid += 1
            yield (eid, f, ts, "x", PROFILE, "opened", None, "open", "console")
            if f % ACTIVE_EVERY:
                eid += 1
                yield (eid, f, ts + 1, "x", PROFILE, "refunded", "open", "refunded", "ana")

    return [
        (
            "orders",
            (
                "profile", "order_id", "machine_no", "trade_id", "created_here", "first_seen",
                "first_seen_iso", "last_ts", "last_iso", "last_activity", "amount",
                "order_date", "status", "records", "details_ts",
            ),
            order_rows(),
        ),
        (
            "callbacks",
            (
                "id", "ts", "ts_iso", "profile", "remote", "content_type", "method",
                "order_id", "record_id", "deliver_status", "floor_status", "outcome",
                "summary", "raw", "raw_size", "dedupe_key",
            ),
            callback_rows(),
        ),
        (
            "actions",
            (
                "id", "ts", "ts_iso", "profile", "session", "pid", "kind", "machine_no",
                "order_id", "request", "state", "code", "message", "finished_ts",
                "finished_iso", "actor",
            ),
            action_rows(),
        ),
        (
            "followups",
            (
                "id", "ts", "ts_iso", "profile", "order_id", "record_id", "machine_no",
                "reason", "meaning", "source", "source_id", "state", "updated_ts",
                "updated_iso",
            ),
            followup_rows(),
        ),
        (
            "followup_events",
            (
                "id", "followup_id", "ts", "ts_iso", "profile", "event", "from_state",
                "to_state", "actor",
            ),
            event_rows(),
        ),
    ]  # fmt: skip


def _index_ddl(dialect: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX ...) for every index of the journal's MetaData."""
    from sqlalchemy.schema import CreateIndex

    from console.journal.tables import metadata

    return [
        (index.name or "", str(CreateIndex(index).compile(dialect=dialect)))
        for table in metadata.sorted_tables
        for index in sorted(table.indexes, key=lambda i: i.name or "")
    ]


def build_sqlite(path: Path, callbacks: int, base: float) -> float:
    """A journal file with ``callbacks`` callbacks (see the module's docstring); returns
    the seconds the load took (after the schema was made)."""
    from sqlalchemy.dialects import sqlite

    from console.journal import Journal

    Journal(path, PROFILE).close()  # the real schema, at head
    t = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # no other connection: WAL may be left
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -524288")  # 512 MiB
    indexes = _index_ddl(sqlite.dialect())
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for table, columns, rows in generated(callbacks, base):
        marks = ", ".join("?" * len(columns))
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    for _, ddl in indexes:
        conn.execute(ddl)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return time.perf_counter() - t


def build_postgresql(url: str, callbacks: int, base: float) -> float:
    """The same rows in the PostgreSQL database at ``url`` (a SQLAlchemy URL)."""
    import psycopg
    from sqlalchemy import create_engine
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.engine import make_url

    from console.journal import migrate
    from console.journal.copy import reset_sequences

    migrate(url)  # the real schema, at head
    t = time.perf_counter()
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    indexes = _index_ddl(postgresql.dialect())
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for table, columns, rows in generated(callbacks, base):
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for _, ddl in indexes:
            cur.execute(ddl)
    engine = create_engine(url)
    try:
        with engine.begin() as sa_conn:
            reset_sequences(sa_conn)
    finally:
        engine.dispose()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - t


def bare_lookup(conn: Any) -> Callable[[int], object]:
    """The baseline on PostgreSQL: one callback row by an indexed column, same connection."""
    from sqlalchemy import text

    query = text("SELECT * FROM callbacks WHERE profile = :p AND order_id = :o LIMIT 1")
    return lambda o: conn.execute(query, {"p": PROFILE, "o": o}).first()


def timed(fn: Callable[[int], object], ids: list[int]) -> dict[str, float]:
    """p50/p99 of ``fn(id)`` over ``ids``, after one untimed-for-the-percentiles first
    call (reported as ``first_ms``: the cold cost)."""
    t = time.perf_counter()
    fn(ids[0])
    first = (time.perf_counter() - t) * 1000
    out = []
    for i in ids:
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": round(median(out), 3),
        "p99_ms": round(pct(out, 99), 3),
        "first_ms": round(first, 3),
    }


def journal_queries(j: Any) -> dict[str, Callable[[int], object]]:
    """The four queries through the Journal's public methods."""
    return {
        "recent_orders": lambda _: j.recent_orders(50),
        "order_history": j.order_history,
        "active_followups": lambda _: j.list_followups("active"),
        "get_order": j.get_order,
    }


def measure(queries: dict[str, Callable[[int], object]], bare: Callable[[int], object],
            ids: list[int]) -> dict[str, Any]:  # fmt: skip
    results = {name: timed(fn, ids) for name, fn in queries.items()}
    baseline = timed(bare, ids)
    worst = max(r["p99_ms"] for r in results.values())
    return {
        "queries": results,
        "bare_lookup": baseline,
        "worst_p99_ms": worst,
        "met": worst <= TARGET_MS,
    }


def run_sqlite(root: Path, ids: list[int], base: float) -> dict[str, Any]:
    from console.journal import Journal

    path = root / "journal.sqlite3"
    build_s = build_sqlite(path, CALLBACKS, base)
    size = sum(p.stat().st_size for p in root.glob("journal.sqlite3*"))
    with Journal(path, PROFILE) as j:
        conn = j._require().connection.driver_connection  # sqlite3 itself: the baseline
        stored = conn.execute("SELECT count(*) FROM callbacks").fetchone()[0]
        result = measure(
            journal_queries(j),
            lambda o: conn.execute(
                "SELECT * FROM callbacks WHERE profile = ? AND order_id = ? LIMIT 1",
                (PROFILE, o),
            ).fetchone(),
            ids,
        )
    for p in root.glob("journal.sqlite3*"):
        p.unlink()
    return {
        "via": "console.journal.Journal (its public methods); baseline: sqlite3 on its connection",
        "callbacks_stored": stored,
        "db_mb": round(size / 2**20, 1),
        "build_s": round(build_s, 1),
        **result,
    }


def run_postgresql(ids: list[int], base: float) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    from console.journal import Journal
    from tests.pg import PgServer

    server = PgServer()
    try:
        server.start(PG_SETTINGS)
        url = server.url(server.create_database())
        build_s = build_postgresql(url, CALLBACKS, base)
        engine = create_engine(url)
        try:
            with engine.connect() as raw:
                conn = raw.execution_options(isolation_level="AUTOCOMMIT")
                size = conn.execute(text("SELECT pg_database_size(current_database())"))
                size_b = int(size.scalar_one())
                stored = conn.execute(text("SELECT count(*) FROM callbacks")).scalar_one()
                version = conn.execute(text("SHOW server_version")).scalar_one()
                buffers = conn.execute(text("SHOW shared_buffers")).scalar_one()
                with Journal(url, PROFILE) as journal:
                    result = measure(journal_queries(journal), bare_lookup(conn), ids)
                via = "console.journal.Journal (its public methods)"
        finally:
            engine.dispose()
    finally:
        server.stop()
    return {
        "via": via + "; baseline: SQLAlchemy Core on the same connection",
        "callbacks_stored": int(stored),
        "db_mb": round(size_b / 2**20, 1),
        "build_s": round(build_s, 1),
        "server": f"PostgreSQL {version}, shared_buffers {buffers}, fsync off, loopback",
        **result,
    }


def main() -> None:
    rng = random.Random(7)
    n = shape(CALLBACKS)
    ids = [rng.randint(1, n["orders"]) for _ in range(QUERIES)]
    base = time.time() - n["orders"] - 10
    result: dict[str, Any] = {**n, "target_ms": TARGET_MS, "queries_each": QUERIES}
    if "sqlite" in BACKENDS:
        with tempfile.TemporaryDirectory(prefix="bench-journal-") as d:
            result["sqlite"] = run_sqlite(Path(d), ids, base)
            print("sqlite", result["sqlite"], flush=True)
    if "postgresql" in BACKENDS:
        result["postgresql"] = run_postgresql(ids, base)
        print("postgresql", result["postgresql"], flush=True)
    result["met"] = all(result[b]["met"] for b in BACKENDS)
    emit(result)


if __name__ == "__main__":
    main()
