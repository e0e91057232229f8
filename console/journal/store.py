"""The journal: a crash-safe record of actions, callbacks and follow-ups, in a SQLite file
(the default: one PC) or a PostgreSQL database (shared), with the same rules on both.

- SQLite: WAL mode with ``synchronous=NORMAL``: a committed row survives the process
  being killed (not necessarily a power cut), at ~20 µs per insert.
- PostgreSQL: every commit is durable (the server's own settings decide how).
- One connection guarded by a lock: the receiver's handler threads and the
  GUI's journal thread may all call in. Exports read on their own connection.
- A database that cannot be reached raises ``JournalUnavailable``; the next call
  connects again.
- SQLite files are created readable by the user only (0600, directory 0700).
- Nothing secret is stored: callers pass already-masked request data; the
  receiver's token is never given to the journal.
- Every row carries the time (epoch seconds and local ISO text) and the
  profile; queries see only this journal's profile.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc

from console.journal import sql
from console.journal.actions import _Actions
from console.journal.base import (
    _SCOPED_TABLES,
    MAX_RAW,
    SYSTEM_ACTOR,
    Awaiting,
    IntentClash,
    JournalBase,
    check_text,
)
from console.journal.callbacks import _Callbacks
from console.journal.connection import (
    BUSY_TIMEOUT_S,
    JournalError,
    JournalUnavailable,
    ensure_schema,
    iso,
    journal_engine,
)
from console.journal.export import ExportFormat, ExportKind, _Export
from console.journal.history import _History
from console.journal.leases import Lease, default_lease_s

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# The journal is split by concern: connection (file, schema check, time), base (shared
# helpers and plumbing), orders, followups, callbacks, actions, history, export, decode
# (row conversion). ``Journal`` combines the parts. These names stay importable from here.
__all__ = [
    "BUSY_TIMEOUT_S",
    "MAX_RAW",
    "SYSTEM_ACTOR",
    "Awaiting",
    "ExportFormat",
    "ExportKind",
    "IntentClash",
    "Journal",
    "JournalBase",
    "JournalError",
    "JournalUnavailable",
    "check_text",
    "iso",
]


class Journal(_Actions, _Callbacks, _History, _Export):
    """The console's journal for one profile. Thread-safe; close it when done.

    Opening it recovers actions left ``in_flight`` by a writer that died — its lease
    ran out or was given up (``console.journal.leases``; see ``recover_in_flight``);
    the rows changed are in ``recovered``.
    """

    def __init__(
        self,
        path: Path | str | URL,
        profile: str = "default",
        clock: Callable[[], float] = time.time,
        *,
        platform: str = "",
        adopt: bool = True,
        recover: bool = True,
        lease_s: float | None = None,
    ) -> None:
        """``path``: the SQLite file (a ``Path``, or a string without ``://``), or a
        journal URL (``sqlite:///path``, ``postgresql://user:password@host/db``, as text
        or a SQLAlchemy ``URL``; ``console.journal.journal_url``). ``lease_s``: how long
        this writer stays alive without renewing its lease (``console.journal.leases``; by
        default ``default_lease_s()``)."""
        from console.journal.migration import _unavailable, journal_url, mask_url

        if isinstance(path, str) and "://" not in path:
            path = Path(path)
        if isinstance(path, str | Path):
            url = journal_url(path)
        else:
            url = journal_url(path.render_as_string(hide_password=False))
        self.url = url
        self.where = mask_url(url)
        self.dialect = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
        self.path = Path(url.database or "") if self.dialect == "sqlite" else None
        # Rows are scoped by profile and platform (``console.core.rules.platform_key``):
        # an order is the platform's order, and another platform's order with the same id
        # (a restarted sandbox, another account) is another order. The scope is what the
        # ``profile`` column holds: ``name`` alone, or ``name@platform``.
        self.profile_name = profile
        self.platform = platform
        self.profile = f"{profile}@{platform}" if platform else profile
        self._clock = clock
        self._lock = threading.RLock()
        self._session = secrets.token_hex(8)
        self._pid = os.getpid()
        self._actor: str | None = None
        self._lease = Lease(
            self._session,
            self.profile,
            self._write,
            default_lease_s() if lease_s is None else lease_s,
        )
        self._engine = engine = journal_engine(url)
        self._conn = None
        try:
            try:
                conn = self._conn = engine.connect()
                # The one migration system (console.journal.migration), in one query when
                # the journal is already current.
                self.revision, self.schema_version = ensure_schema(conn, url, self.where)
            except (sa_exc.OperationalError, sa_exc.InterfaceError, OSError) as exc:
                raise _unavailable(url, exc) from exc
            except sa_exc.DBAPIError as exc:
                raise JournalError(f"{self.where} is not a usable journal: {exc.orig}") from exc
        except BaseException:
            self._engine = None
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            engine.dispose()
            raise
        if platform and adopt:
            self._adopt_unscoped()
        self.recovered = ()
        if recover:
            self.recovered = tuple(self.recover_in_flight())

    @classmethod
    def open(
        cls,
        path: Path | str | URL,
        profile: str = "default",
        clock: Callable[[], float] = time.time,
        *,
        platform: str = "",
        adopt: bool = True,
    ) -> Journal:
        return cls(path, profile, clock, platform=platform, adopt=adopt)

    def _adopt_unscoped(self) -> None:
        """Rows this profile wrote before journals were scoped by platform belong to the
        platform it uses now (a profile's platform rarely changes; the built-in
        sandbox's is its world, and the rows from before belong to worlds that are
        gone, so the window opens it with ``adopt=False``)."""
        with self._write() as conn:
            for table, key in _SCOPED_TABLES.items():
                # Rows whose key the new scope already holds stay where they are (what
                # SQLite's UPDATE OR IGNORE did, written for both dialects).
                clash = f" AND NOT EXISTS ({key})" if key else ""
                sql.run(
                    conn,
                    f"UPDATE {table} SET profile = :new WHERE profile = :old{clash}",  # noqa: S608
                    new=self.profile,
                    old=self.profile_name,
                )
