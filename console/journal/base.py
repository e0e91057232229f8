"""What every part of the journal shares: constants, errors, JSON and id helpers, and
``JournalBase`` (the connection, its lock, transactions, the writer's lease, the clock).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

from sqlalchemy import exc as sa_exc

from console.core.followup import (
    FollowupState,
)
from console.core.texts import Text
from console.journal import sql
from console.journal.connection import JournalError, JournalUnavailable, iso
from console.journal.leases import Lease
from console.journal.rows import (
    ActionRow,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

log = logging.getLogger(__name__)

MAX_RAW = 64 * 1024
_ACTIVE_STATES = (FollowupState.OPEN.value, FollowupState.REFUND_REQUESTED.value)
# Tables whose rows carry the journal's scope in ``profile``, each with the query finding
# a row of the new scope (``:new``) with the same unique key as this one (None: no key).
_SCOPED_TABLES: dict[str, str | None] = {
    "actions": None,
    "orders": "SELECT 1 FROM orders o2 WHERE o2.profile = :new AND o2.order_id = orders.order_id",
    "callbacks": None,
    "followups": (
        "SELECT 1 FROM followups f2 WHERE f2.profile = :new AND f2.source = followups.source "
        "AND f2.source_id = followups.source_id"
    ),
    "followup_events": None,
    "items_out": (
        "SELECT 1 FROM items_out i2 WHERE i2.profile = :new AND i2.order_id = items_out.order_id "
        "AND i2.record_id = items_out.record_id"
    ),
}
SYSTEM_ACTOR = "console"


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


def _lock_key(profile: str) -> int:
    """The PostgreSQL advisory lock a profile's writers take (a signed 64-bit number)."""
    return int.from_bytes(
        hashlib.blake2b(profile.encode(), digest_size=8).digest(), "big", signed=True
    )


# Touching an order (on the callback hot path too).
_TOUCH_ORDER = """
    INSERT INTO orders (profile, order_id, machine_no, last_ts, last_iso, last_activity)
    VALUES (:profile, :order_id, :machine_no, :ts, :ts_iso, :activity)
    ON CONFLICT (profile, order_id) DO UPDATE SET
        machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                          ELSE orders.machine_no END,
        last_ts = excluded.last_ts,
        last_iso = excluded.last_iso,
        last_activity = excluded.last_activity
"""


class JournalBase:
    """The plumbing under ``Journal``: one connection guarded by a lock, the clock and
    the scope. The parts (orders, follow-ups, callbacks, actions, history, export) are
    classes built on it and combined into ``console.journal.store.Journal``.

    One writer at a time per profile, on both backends: SQLite's ``BEGIN IMMEDIATE``
    (the whole file), PostgreSQL's transaction-scoped advisory lock on the profile
    (``_lock_key``), taken first in every write — each write that checks and then
    inserts (the clash check, idempotent follow-ups, a callback's repeat) sees
    the rows of the writes before it.
    """

    path: Path | None  # the SQLite file; None on PostgreSQL
    url: URL
    where: str  # the journal as it may be shown (password masked)
    dialect: str  # "sqlite" or "postgresql"
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
    _engine: Engine | None
    _conn: Connection | None
    _lease: Lease

    def close(self) -> None:
        """Close the connection (idempotent). In-flight actions stay in flight; the
        journal's lease is given up, so they are "outcome unknown" for the next journal
        opened (``console.journal.leases``)."""
        self._lease.stop()  # outside the lock: a heartbeat may be waiting for it
        with self._lock:
            if self._engine is None:
                return
            with contextlib.suppress(JournalError):
                self._lease.release()
            engine, self._engine = self._engine, None
            conn, self._conn = self._conn, None
            if conn is not None:
                # Closing the last connection checkpoints the WAL into the database.
                with contextlib.suppress(sa_exc.SQLAlchemyError):
                    conn.close()
            engine.dispose()

    @property
    def closed(self) -> bool:
        return self._engine is None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------

    def _now(self) -> tuple[float, str]:
        ts = float(self._clock())
        return ts, iso(ts)

    def _require(self) -> Connection:
        """The journal's connection, made again after the database went away (called with
        the lock held, before a transaction begins)."""
        if self._engine is None:
            raise JournalError("the journal is closed")
        if self._conn is None:
            try:
                self._conn = self._engine.connect()
            except sa_exc.DBAPIError as exc:
                raise self._db_error(exc) from exc
        elif self._conn.in_transaction():  # left open by a caller outside the journal
            self._conn.rollback()
        return self._conn

    def _db_error(self, exc: sa_exc.DBAPIError) -> JournalError:
        """A database error as the journal's: ``JournalUnavailable`` when the database
        cannot be reached, opened or written right now (the connection is dropped and made
        again on the next call), ``JournalError`` for anything else."""
        orig = getattr(exc, "orig", None) or exc
        reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if self.url.password:
            reason = reason.replace(str(self.url.password), "***")
        if self._unavailable(exc, reason):
            if self.dialect != "sqlite":
                conn, self._conn = self._conn, None
                if conn is not None:
                    with contextlib.suppress(sa_exc.SQLAlchemyError):
                        conn.invalidate()
                        conn.close()
            return JournalUnavailable(
                f"the journal {self.where} cannot be used right now ({reason}); nothing was "
                "stored: check that the database is reachable and its disk has room, then "
                "try again"
            )
        return JournalError(f"the journal {self.where} refused the change ({reason})")

    def _unavailable(self, exc: sa_exc.DBAPIError, reason: str) -> bool:
        """Whether ``exc`` says the database cannot be used right now (rather than that a
        statement is wrong): any lost or refused connection on PostgreSQL; on SQLite (whose
        driver calls SQL mistakes operational errors too) a file that is locked past the
        busy timeout, cannot be opened or written, or a full or failing disk."""
        if exc.connection_invalidated or isinstance(exc, sa_exc.InterfaceError):
            return True
        if not isinstance(exc, sa_exc.OperationalError):
            return False
        if self.dialect != "sqlite":
            return True
        words = ("locked", "busy", "unable to open", "disk i/o", "full", "readonly", "read-only")
        return any(w in reason.lower() for w in words)

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One committed transaction, one writer of the profile at a time (see the class's
        docstring); the lock keeps this process's threads from interleaving."""
        with self._lock:
            conn = self._require()
            try:
                with conn.begin():
                    if self.dialect == "sqlite":
                        # The driver is in autocommit mode: this opens the transaction
                        # SQLAlchemy's commit or rollback ends.
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    else:
                        sql.run(
                            conn,
                            "SELECT pg_advisory_xact_lock(:key)",
                            key=_lock_key(self.profile),
                        )
                    yield conn
            except sa_exc.DBAPIError as exc:
                raise self._db_error(exc) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        """Reads without a write lock (SQLite: each statement on its own, as before;
        PostgreSQL: one read-committed transaction, ended when done)."""
        with self._lock:
            conn = self._require()
            try:
                with conn.begin():
                    yield conn
            except sa_exc.DBAPIError as exc:
                raise self._db_error(exc) from exc

    def _actor_name(self, actor: str | None) -> str:
        if actor:
            return actor
        if self._actor is None:
            self._actor = _default_actor()
        return self._actor

    def _touch_order(
        self,
        conn: Connection,
        order_id: int,
        machine_no: str,
        activity: str,
        ts: float,
        ts_iso: str,
    ) -> None:
        sql.run(
            conn,
            _TOUCH_ORDER,
            profile=self.profile,
            order_id=order_id,
            machine_no=machine_no,
            ts=ts,
            ts_iso=ts_iso,
            activity=activity,
        )
