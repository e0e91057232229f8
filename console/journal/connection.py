"""Opening the journal's SQLite file, checking its schema revision, and the time helpers.

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

from console.journal.schema import HEAD_REVISION, REVISIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0


class JournalError(RuntimeError):
    """The journal cannot do what was asked (closed, unknown id, newer schema, ...)."""


class NewerSchema(JournalError):
    """The journal was made by a newer Vending Console: its schema is unknown here."""


class JournalUnavailable(JournalError):
    """The journal's database cannot be reached or opened (path, server, password)."""


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
            conn.row_factory = sqlite3.Row
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


def _stamp(conn: sqlite3.Connection) -> tuple[str, int] | None:
    """The journal's Alembic revision and ``PRAGMA user_version``, in one query; None
    when it has no revision (empty, or from before Alembic)."""
    try:
        row = conn.execute(
            "SELECT version_num, (SELECT user_version FROM pragma_user_version) "
            "FROM alembic_version"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return None if row is None else (str(row[0]), int(row[1]))


def ensure_schema(conn: sqlite3.Connection, path: Path) -> tuple[str, int]:
    """Make sure the journal file is at the newest revision; returns (revision,
    ``PRAGMA user_version``).

    One query when it already is (every open but the first after an upgrade): Alembic
    and SQLAlchemy are imported and run only when the stamp is missing or older
    (``console.journal.migration``, the one migration system). A newer revision is
    refused here without them.
    """
    stamp = _stamp(conn)
    if stamp is not None and stamp[0] == HEAD_REVISION:
        return stamp
    from console.journal.migration import migrate, newer_schema, sqlite_url

    if stamp is not None and stamp[0] not in REVISIONS:
        raise newer_schema(str(path), stamp[0])
    migrate(sqlite_url(path))
    stamp = _stamp(conn)
    if stamp is None or stamp[0] != HEAD_REVISION:
        raise JournalError(f"the journal {path} could not be brought to revision {HEAD_REVISION}")
    return stamp
