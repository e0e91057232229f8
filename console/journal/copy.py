"""Copy a journal into another, empty one: a single-seat SQLite journal into a shared
PostgreSQL one (``vendctl journal copy --from URL --to URL``), or any other pair.

The rules (written here once):

- The source is only read, never written, not even migrated: SQLite is opened with
  ``mode=ro``; PostgreSQL in a ``READ ONLY`` transaction. Everything is read in ONE
  transaction (SQLite: one read transaction, a WAL snapshot; PostgreSQL: ``REPEATABLE
  READ``), so a console or service still writing to it cannot make the copy inconsistent.
- The source must be at this version's revision (``schema.HEAD_REVISION``). An older one
  is refused with the command that migrates it. Copying through a temporary upgraded
  copy was the alternative; refusing is safer: the temporary copy would need as much
  disk again and its own consistent snapshot of a journal that may be in use, and a
  copy made through it would hide that the source itself is still old.
- The target is migrated to head first (``migration.upgrade``) and must hold no journal
  row: two journals are never merged. (Merging would need new ids for one side's rows
  and every reference between tables rewritten; nobody has asked for it.)
- Every table of ``tables.metadata`` is copied, parents first (``sorted_tables``), in
  batches, keeping primary keys (ids are referenced across tables: a callback's
  ``followup_id``, an event's ``followup_id``, a follow-up's ``source_id`` ...), all in
  ONE target transaction: a failure leaves the target empty. PostgreSQL's identity
  sequences are then moved past the largest id copied, so new rows do not collide.
- Rows are counted table by table on both sides afterwards; ``Copied.ok`` says whether
  every count matches.

Passwords never appear in what this module returns or raises (``mask_url``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from console.journal.connection import BUSY_TIMEOUT_S, JournalError
from console.journal.migration import (
    _engine,
    _unavailable,
    journal_url,
    mask_url,
    newer_schema,
    upgrade,
)
from console.journal.schema import HEAD_REVISION, REVISIONS
from console.journal.tables import metadata

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import URL, Connection, Engine

# Rows per INSERT batch: a callback row is ~0.5 KiB typically (its raw body is at most
# 64 KiB), so a batch holds a few MiB.
BATCH_ROWS = 10_000

Progress = Callable[[str, int], None]


class CopyRefused(JournalError):
    """The copy was not started: the journals given cannot be copied as asked (the same
    one twice, a source that is not a journal or is older, a target that has rows)."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class Copied:
    """What ``copy_journal`` did: URLs masked, the schema revision both are at, and the
    rows counted in each table on both sides after the copy."""

    source: str
    target: str
    revision: str
    tables: tuple[TableCount, ...]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.source for t in self.tables)


def _parse(url: str | Path | URL) -> URL:
    return url if not isinstance(url, str | Path) else journal_url(url)


def _same_database(a: URL, b: URL) -> bool:
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        return Path(a.database or "").resolve() == Path(b.database or "").resolve()
    return (a.host or "localhost", a.port or 5432, a.database) == (
        b.host or "localhost",
        b.port or 5432,
        b.database,
    )


def _read_only_engine(url: URL) -> Engine:
    """An engine that can only read the journal at ``url``; each connection's reads run
    in one transaction (a consistent snapshot) once ``begin()`` is called."""
    import sqlite3

    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.is_file():
            raise CopyRefused(
                f"there is no journal file at {path}: check the --from path "
                "(sqlite:///relative/path or sqlite:////absolute/path)"
            )
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA query_only = ON")
            return conn

        engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)

        @event.listens_for(engine, "begin")
        def _snapshot(conn: Connection) -> None:
            # A deferred BEGIN: the first SELECT takes the WAL snapshot every later one
            # reads, until the end of the transaction.
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": 10}
    ).execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def _revision(conn: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _check_source(conn: Connection, where: str) -> str:
    revision = _revision(conn)
    if revision is None:
        from sqlalchemy import inspect

        if not set(inspect(conn).get_table_names()) & set(metadata.tables):
            raise CopyRefused(f"{where} is not a journal (it has none of the journal's tables)")
    elif revision not in REVISIONS:
        raise newer_schema(where, revision)
    if revision != HEAD_REVISION:
        raise CopyRefused(
            f"the journal {where} is at schema revision {revision or 'none (before Alembic)'}, "
            f"older than this version's ({HEAD_REVISION}), and a copy never writes to its "
            f"source: run 'vendctl journal migrate --journal {where}' first, then copy again"
        )
    return revision


def _count(conn: Connection, table: Table) -> int:
    from sqlalchemy import func, select

    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _ordered(table: Table) -> Any:
    from sqlalchemy import select

    return select(table).order_by(*table.primary_key.columns)


def reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's identity sequences past the largest id in each table (after rows
    were written with their ids given, as a copy or a bulk load does). Nothing on SQLite:
    its ``INTEGER PRIMARY KEY`` takes max(id) + 1 by itself."""
    from sqlalchemy import text

    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
                f'coalesce(max("{column.name}"), 0) + 1, false) FROM "{table.name}"'
            ),
            {"table": table.name, "column": column.name},
        )


def _lock_target(conn: Connection) -> None:
    """No one else writes to the target while it is checked empty and filled (readers
    still may): PostgreSQL ``EXCLUSIVE`` table locks; SQLite's ``BEGIN IMMEDIATE``
    (``migration._engine``) already holds the write lock."""
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def _copy_table(
    src: Connection, dst: Connection, table: Table, batch: int, progress: Progress | None
) -> int:
    done = 0
    result = src.execution_options(yield_per=batch).execute(_ordered(table))
    for rows in result.partitions():
        dst.execute(table.insert(), [dict(r._mapping) for r in rows])
        done += len(rows)
        if progress is not None:
            progress(table.name, done)
    return done


@contextmanager
def _connected(engine: Engine, url: URL) -> Iterator[Connection]:
    from sqlalchemy import exc as sa_exc

    try:
        conn = engine.connect()
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise _unavailable(url, exc) from exc
    with conn:
        yield conn


def copy_journal(
    source: str | Path | URL,
    target: str | Path | URL,
    *,
    batch: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> Copied:
    """Copy every row of the journal at ``source`` into the empty journal at ``target``
    (see the module's docstring for the rules); returns the counts on both sides.

    Raises ``JournalUrlError`` for a URL that cannot be used, ``CopyRefused`` when the
    copy was not started (nothing written), ``JournalUnavailable`` when a database
    cannot be reached, ``NewerSchema`` for a newer console's journal, and SQLAlchemy's
    errors for a failure during the copy (its transaction is then rolled back)."""
    src_url, dst_url = _parse(source), _parse(target)
    src_where, dst_where = mask_url(src_url), mask_url(dst_url)
    if _same_database(src_url, dst_url):
        raise CopyRefused(
            f"--from and --to both name {src_where}: copy a journal into another database"
        )
    src_engine = _read_only_engine(src_url)
    try:
        with _connected(src_engine, src_url) as src, src.begin():
            revision = _check_source(src, src_where)
            upgrade(dst_url)  # creates the tables, or brings them to head
            dst_engine = _engine(dst_url, create=False)
            try:
                with _connected(dst_engine, dst_url) as dst:
                    with dst.begin():
                        _lock_target(dst)
                        if (found := _revision(dst)) != revision:
                            raise CopyRefused(
                                f"the journal {dst_where} is at revision {found}, not "
                                f"{revision}: someone changed it during the copy; try again"
                            )
                        held = [
                            f"{t.name} ({n:,})"
                            for t in metadata.sorted_tables
                            if (n := _count(dst, t))
                        ]
                        if held:
                            raise CopyRefused(
                                f"the journal {dst_where} already has rows ({', '.join(held)}) "
                                "and journals are never merged: copy into a new, empty "
                                "database or file"
                            )
                        for table in metadata.sorted_tables:
                            _copy_table(src, dst, table, batch, progress)
                        reset_sequences(dst)
                    with dst.begin():
                        counts = tuple(
                            TableCount(t.name, _count(src, t), _count(dst, t))
                            for t in metadata.sorted_tables
                        )
            finally:
                dst_engine.dispose()
    finally:
        src_engine.dispose()
    return Copied(src_where, dst_where, revision, counts)


def count_rows(url: str | Path | URL) -> dict[str, int]:
    """Rows in each of the journal's tables, read-only (for people checking a copy)."""
    parsed = _parse(url)
    engine = _read_only_engine(parsed)
    try:
        with _connected(engine, parsed) as conn, conn.begin():
            return {t.name: _count(conn, t) for t in metadata.sorted_tables}
    finally:
        engine.dispose()


__all__: Sequence[str] = (
    "BATCH_ROWS",
    "Copied",
    "CopyRefused",
    "TableCount",
    "copy_journal",
    "count_rows",
    "reset_sequences",
)
