"""What every part of the journal shares: constants, errors, JSON and id helpers, live
sessions, and ``JournalBase`` (the connection, its lock, transactions, the clock).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Self

from console.core.followup import (
    FollowupState,
)
from console.core.texts import Text
from console.journal.connection import JournalError, iso
from console.journal.rows import (
    ActionRow,
)

log = logging.getLogger(__name__)

MAX_RAW = 64 * 1024
_ACTIVE_STATES = (FollowupState.OPEN.value, FollowupState.REFUND_REQUESTED.value)
# Tables whose rows carry the journal's scope in ``profile``.
_SCOPED_TABLES = ("actions", "orders", "callbacks", "followups", "followup_events", "items_out")
SYSTEM_ACTOR = "console"

# Journal sessions open in this process: their in-flight actions are not orphans.
_live_sessions: set[str] = set()
_live_lock = threading.Lock()


class IntentClash(JournalError):
    """An action that clashes with this one is still running: nothing was sent.
    ``text`` words it for people (``console.core.intents``)."""

    def __init__(self, why: Text, running_action_id: int) -> None:
        super().__init__(str(why))
        self.text = why
        self.running_action_id = running_action_id


class Awaiting(NamedTuple):
    """Which waiting dispenses a piece of evidence answers (both None: every dispense of
    the record)."""

    action_id: int | None = None  # this dispense
    delivery_id: int | None = None  # the dispense the platform gave this delivery id


# Made once: ``json.dumps`` with non-default options builds an encoder per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))


def _dumps(value: Any) -> str:
    if value == {}:
        return "{}"
    try:
        return _COMPACT.encode(value)
    except (ValueError, TypeError, RecursionError):
        return json.dumps({"_unstorable": type(value).__name__})


def _loads_dict(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {"_unreadable": text[:200]}
    return value if isinstance(value, dict) else {"value": value}


def _opt_id(value: Any) -> int | None:
    """An id from request data ("78", 78): ``None`` when absent or not a usable id."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return n if 0 < n < 2**63 else None


def _default_actor() -> str:
    try:
        return getpass.getuser() or "operator"
    except (OSError, KeyError, ImportError):
        return "operator"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return False
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def check_text(
    kind: str,
    machine_no: str,
    order_id: int | None,
    request: dict[str, Any],
    head: str = "outcome unknown: the console stopped before the platform answered",
) -> str:
    """What to verify before acting again when an action's outcome is not known."""
    machine = machine_no or "?"
    if order_id is not None:
        what = f"query order {order_id} on machine {machine}"
    elif kind == "order_create":
        trade = request.get("trade_id") or "?"
        what = (
            f"an order may have been created on machine {machine} with trade id {trade}: "
            "check the platform for it"
        )
    elif kind == "test_dispense":
        slot = request.get("channel_name") or request.get("slot") or "?"  # vendctl sends "slot"
        what = f"check slot {slot} on machine {machine} (an item may have dropped)"
    else:
        what = f"check machine {machine}"
    return f"{head} — {what} before acting again"


class JournalBase:
    """The plumbing under ``Journal``: one connection guarded by a lock, the clock and
    the scope. The parts (orders, follow-ups, callbacks, actions, history, export) are
    classes built on it and combined into ``console.journal.store.Journal``."""

    path: Path
    profile_name: str
    platform: str
    profile: str
    schema_version: int  # PRAGMA user_version (console.journal.schema)
    revision: str  # the Alembic revision
    recovered: tuple[ActionRow, ...]
    _clock: Callable[[], float]
    _lock: threading.RLock
    _session: str
    _pid: int
    _actor: str | None
    _conn: sqlite3.Connection | None

    def close(self) -> None:
        """Close the connection (idempotent). In-flight actions stay in flight."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                # Closing the last connection checkpoints the WAL into the database.
                conn.close()
        with _live_lock:
            _live_sessions.discard(self._session)

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------

    def _now(self) -> tuple[float, str]:
        ts = float(self._clock())
        return ts, iso(ts)

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("the journal is closed")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction; the lock keeps threads from interleaving."""
        with self._lock:
            conn = self._require()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._require()

    def _actor_name(self, actor: str | None) -> str:
        if actor:
            return actor
        if self._actor is None:
            self._actor = _default_actor()
        return self._actor

    def _touch_order(
        self,
        conn: sqlite3.Connection,
        order_id: int,
        machine_no: str,
        activity: str,
        ts: float,
        ts_iso: str,
    ) -> None:
        conn.execute(
            """
            INSERT INTO orders (profile, order_id, machine_no, last_ts, last_iso, last_activity)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (profile, order_id) DO UPDATE SET
                machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                                  ELSE orders.machine_no END,
                last_ts = excluded.last_ts,
                last_iso = excluded.last_iso,
                last_activity = excluded.last_activity
            """,
            (self.profile, order_id, machine_no, ts, ts_iso, activity),
        )
