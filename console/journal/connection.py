"""Opening the journal's database (a SQLite file or a PostgreSQL database) through
SQLAlchemy, checking its schema revision, the journal's errors, and the time helpers.

(Split out of ``store.py``; the rules in its docstring hold here.)
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from console.journal.schema import HEAD_REVISION, REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0


class JournalError(RuntimeError):
    """The journal cannot do what was asked (closed, unknown id, newer schema, ...)."""


class NewerSchema(JournalError):
    """The journal was made by a newer Vending Console: its schema is unknown here."""


class JournalUnavailable(JournalError):
    """The journal's database cannot be reached, opened or written right now (a path that
    cannot be opened, a full or failing disk, a lock held past the busy timeout, a
    PostgreSQL server that is down or refuses the password). Nothing was stored by the
    call that raised it; the journal reconnects by itself on a later call. The receiver
    answers 503 for it."""


# The local UTC offset, cached for the minute it was looked up in: asking the C
# library for it (``astimezone()``) costs more than the rest of journalling a
# callback under load, and offsets change on the hour at most.
_offset_cache: tuple[int, timezone] | None = None


def _local_zone(ts: float) -> timezone:
    global _offset_cache
    minute = int(ts // 60)
    cached = _offset_cache
    if cached is not None and cached[0] == minute:
        return cached[1]
    zone = timezone(timedelta(seconds=time.localtime(ts).tm_gmtoff))
    _offset_cache = (minute, zone)
    return zone


def iso(ts: float) -> str:
    """Local time with its UTC offset, to the millisecond."""
    try:
        return datetime.fromtimestamp(ts, _local_zone(ts)).isoformat(timespec="milliseconds")
    except (OverflowError, OSError, ValueError):
        return f"@{ts}"


def _restrict(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, 0o600)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The umask covers the -wal and -shm files SQLite creates next to the
    # database; the chmod calls fix files made before (or by another umask).
    # umask is process-wide: another thread creating a file meanwhile gets a
    # stricter mode, never a looser one.
    old = os.umask(0o077)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        _restrict(path)
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise JournalError(f"journal {path} cannot use WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise JournalError(f"{path} is not a usable journal: {exc}") from exc
        except BaseException:
            conn.close()
            raise
    finally:
        os.umask(old)
    for suffix in ("-wal", "-shm"):
        _restrict(path.with_name(path.name + suffix))
    return conn


def _stamp(conn: Connection) -> tuple[str, int] | None:
    """The journal's Alembic revision and (SQLite) ``PRAGMA user_version``, in one query;
    None when it has no revision (empty, or a SQLite file from before Alembic)."""
    from sqlalchemy import exc as sa_exc

    sqlite = conn.dialect.name == "sqlite"
    sql = (
        "SELECT version_num, (SELECT user_version FROM pragma_user_version) FROM alembic_version"
        if sqlite
        else "SELECT version_num, 0 FROM alembic_version"
    )
    try:
        row = conn.exec_driver_sql(sql).first()
    except (sa_exc.OperationalError, sa_exc.ProgrammingError) as exc:
        if "no such table" in str(exc) or "alembic_version" in str(exc):
            return None
        raise
    if row is None:
        return None
    version = int(row[1])
    if not sqlite:
        version = user_version(str(row[0]))
    return str(row[0]), version


def user_version(revision: str) -> int:
    """The ``PRAGMA user_version`` a SQLite journal at ``revision`` has (schema.py's rule);
    what ``Journal.schema_version`` says on PostgreSQL too."""
    from console.journal.schema import SCHEMA_VERSION

    return SCHEMA_VERSION + REVISIONS.index(revision) if revision in REVISIONS else 0


def ensure_schema(conn: Connection, url: URL, where: str) -> tuple[str, int]:
    """Make sure the journal is at the newest revision; returns (revision, user version).

    One query when it already is (every open but the first after an upgrade): Alembic
    is imported and run only when the stamp is missing or older
    (``console.journal.migration``, the one migration system). A newer revision is
    refused here without it. ``conn`` is left outside any transaction.
    """
    stamp = _stamp(conn)
    conn.rollback()
    if stamp is not None and stamp[0] == HEAD_REVISION:
        return stamp
    from console.journal.migration import migrate, newer_schema

    if stamp is not None and stamp[0] not in REVISIONS:
        raise newer_schema(where, stamp[0])
    migrate(url)
    stamp = _stamp(conn)
    conn.rollback()
    if stamp is None or stamp[0] != HEAD_REVISION:
        raise JournalError(f"the journal {where} could not be brought to revision {HEAD_REVISION}")
    return stamp


def journal_engine(url: URL) -> Engine:
    """The engine a ``Journal`` holds its one connection from.

    SQLite: every connection made by ``_connect`` (0600 file, WAL, busy timeout,
    ``synchronous=NORMAL``) and left in the driver's autocommit mode: the journal opens
    its own transactions (``BEGIN IMMEDIATE`` for a write, none for a read, as before
    SQLAlchemy). PostgreSQL through psycopg 3, with a connect timeout. No pool: the
    journal keeps one connection and makes a new one after the server went away
    (``JournalBase._connection``).
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        return create_engine("sqlite://", creator=lambda: _connect(path), poolclass=NullPool)
    return create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": 10, "application_name": "vending-console"},
    )
