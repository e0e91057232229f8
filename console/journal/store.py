"""The journal: a crash-safe SQLite record of actions, callbacks and follow-ups.

- WAL mode with ``synchronous=NORMAL``: a committed row survives the process
  being killed (not necessarily a power cut), at ~20 µs per insert.
- One connection guarded by a lock: the receiver's handler threads and the
  GUI's journal thread may all call in. Exports read on their own connection.
- Files are created readable by the user only (0600, directory 0700).
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

from console.journal.actions import _Actions
from console.journal.base import (
    _SCOPED_TABLES,
    MAX_RAW,
    SYSTEM_ACTOR,
    Awaiting,
    IntentClash,
    JournalBase,
    _live_lock,
    _live_sessions,
    check_text,
)
from console.journal.callbacks import _Callbacks
from console.journal.connection import BUSY_TIMEOUT_S, JournalError, _connect, ensure_schema, iso
from console.journal.export import ExportFormat, ExportKind, _Export
from console.journal.history import _History

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
    "check_text",
    "iso",
]


class Journal(_Actions, _Callbacks, _History, _Export):
    """The console's journal for one profile. Thread-safe; close it when done.

    Opening it recovers actions left ``in_flight`` by a process that died
    (see ``recover_in_flight``); the rows changed are in ``recovered``.
    """

    def __init__(
        self,
        path: Path,
        profile: str = "default",
        clock: Callable[[], float] = time.time,
        *,
        platform: str = "",
        adopt: bool = True,
        recover: bool = True,
    ) -> None:
        self.path = Path(path)
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
        conn = _connect(self.path)
        try:
            # The one migration system (console.journal.migration), in one query when
            # the journal is already current.
            self.revision, self.schema_version = ensure_schema(conn, self.path)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        with _live_lock:
            _live_sessions.add(self._session)
        if platform and adopt:
            self._adopt_unscoped()
        self.recovered = ()
        if recover:
            self.recovered = tuple(self.recover_in_flight())

    @classmethod
    def open(
        cls,
        path: Path,
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
            for table in _SCOPED_TABLES:
                conn.execute(
                    f"UPDATE OR IGNORE {table} SET profile = ? WHERE profile = ?",  # noqa: S608
                    (self.profile, self.profile_name),
                )
