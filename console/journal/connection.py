"""Opening the journal's SQLite file, its schema migrations, and the time helpers.

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

from console.journal.schema import MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0


class JournalError(RuntimeError):
    """The journal cannot do what was asked (closed, unknown id, newer schema, ...)."""


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


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to the newest version; returns the version."""
    target = len(MIGRATIONS)
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > target:
        raise JournalError(
            f"the journal has schema version {current}, newer than this console "
            f"understands ({target}); update the console"
        )
    while current < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current < target:
                for statement in MIGRATIONS[current]:
                    conn.execute(statement)
                current += 1
                conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
    return current
