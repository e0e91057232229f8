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

import contextlib
import csv
import dataclasses
import getpass
import json
import logging
import os
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, NamedTuple, TextIO

from console.core.callback import Callback
from console.core.errorcodes import explain
from console.core.followup import (
    REASON_REFUND,
    REASON_SUSPICIOUS,
    REASON_UNKNOWN,
    Decision,
    Evidence,
    FollowupError,
    FollowupSource,
    FollowupState,
    callback_decision,
    delivery_evidence,
    evidence_text,
    failure_meaning,
    platform_decision,
    recheck_delay,
    record_evidence,
    refund_allowed,
    refusal_means_item_out,
    refusal_opens_followup,
    refused_meaning,
    transition,
    unknown_result_meaning,
)
from console.core.intents import Intent, Running, conflict
from console.core.models import Delivery, Order, Product
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import (
    LAST_PENDING,
    LAST_SETTLED,
    LAST_UNKNOWN,
    RECORD_NOT_PICKED_UP,
    RECORD_STATUS_LABELS,
)
from console.core.texts import Text
from console.journal.rows import (
    ACTION_IN_FLIGHT,
    ACTION_KINDS,
    ACTION_OUTCOMES,
    ACTION_UNKNOWN,
    CROSS_CHECK_VERDICTS,
    MALFORMED,
    ActionRow,
    CallbackArrival,
    CallbackRow,
    FollowupEventRow,
    FollowupRow,
    HistoryItem,
    LastDispense,
    OrderRecordDetail,
    OrderSummary,
)
from console.journal.schema import MIGRATIONS

log = logging.getLogger(__name__)

MAX_RAW = 64 * 1024
BUSY_TIMEOUT_S = 10.0
ExportKind = Literal["orders", "callbacks", "actions", "followups"]
ExportFormat = Literal["csv", "json"]

_ACTIVE_STATES = (FollowupState.OPEN.value, FollowupState.REFUND_REQUESTED.value)
# Tables whose rows carry the journal's scope in ``profile``.
_SCOPED_TABLES = ("actions", "orders", "callbacks", "followups", "followup_events", "items_out")
SYSTEM_ACTOR = "console"

# Journal sessions open in this process: their in-flight actions are not orphans.
_live_sessions: set[str] = set()
_live_lock = threading.Lock()


class JournalError(RuntimeError):
    """The journal cannot do what was asked (closed, unknown id, newer schema, ...)."""


class IntentClash(JournalError):
    """An action that clashes with this one is still running: nothing was sent.
    ``text`` words it for people (``console.core.intents``)."""

    def __init__(self, why: Text, running_action_id: int) -> None:
        super().__init__(str(why))
        self.text = why
        self.running_action_id = running_action_id


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


# What recording a callback needs to know, in one query (?1 profile, ?2 order, ?3 record,
# ?4 dedupe key), read before its insert (the callback's own row changes none of it):
# the first counted callback with the same key (a repeat is recorded as its duplicate);
# the order's machine as the journal knows it, else its latest action's; whether a
# dispense of the record awaits its result; the record's newest open or refund-requested
# follow-up (id, state). With no order, only the first column means anything.
_CALLBACK_CONTEXT_SQL = """
    SELECT
        (SELECT id FROM callbacks
         WHERE profile = ?1 AND dedupe_key = ?4 AND duplicate_of IS NULL
           AND replay_of IS NULL AND outcome != 'malformed'
         ORDER BY id LIMIT 1),
        COALESCE(
            (SELECT NULLIF(machine_no, '') FROM orders WHERE profile = ?1 AND order_id = ?2),
            (SELECT machine_no FROM actions WHERE profile = ?1 AND order_id = ?2
             ORDER BY id DESC LIMIT 1),
            '')
"""


# A follow-up with what staff need to refund, joined at read time: the order as the
# platform last gave it (``note_order_details``), who made the last change, and the
# evidence's details (a callback's slot; a refused dispense's code; a platform
# record's delivery). Add "WHERE f.profile = ? AND ..." after it.
_FOLLOWUP_SELECT = """
    SELECT f.*,
        o.amount AS o_amount, o.trade_id AS o_trade_id, o.order_date AS o_order_date,
        o.status AS o_status, o.records AS o_records,
        (SELECT e.actor FROM followup_events e WHERE e.followup_id = f.id
         ORDER BY e.id DESC LIMIT 1) AS last_actor,
        CASE WHEN f.source = 'callback' THEN
            (SELECT c.channel_name FROM callbacks c WHERE c.id = f.source_id) END AS ev_slot,
        CASE WHEN f.source != 'callback' THEN
            (SELECT a.code FROM actions a WHERE a.id = f.source_id) END AS ev_code,
        CASE WHEN f.source = 'platform_record' THEN
            (SELECT json_extract(a.request, '$.delivery_id') FROM actions a
             WHERE a.id = f.source_id) END AS ev_delivery
    FROM followups f
    LEFT JOIN orders o ON o.profile = f.profile AND o.order_id = f.order_id
"""


class _CallbackContext(NamedTuple):
    """The order-related columns of ``_CALLBACK_CONTEXT_SQL``."""

    machine_no: str


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


class Journal:
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
            self.schema_version = migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        with _live_lock:
            _live_sessions.add(self._session)
        if platform and adopt:
            self._adopt_unscoped()
        self.recovered: tuple[ActionRow, ...] = ()
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

    def _retire_order(self, conn: sqlite3.Connection, order_id: int, old_trade_id: str) -> None:
        """The platform gave order ``order_id`` a different trade id than the journal knew:
        it is another order. The old one's rows move to a scope of their own (kept in the
        file and its exports) so they never mix with the new one's."""
        retired = f"{self.profile}~{old_trade_id}"
        conn.execute(
            "UPDATE followup_events SET profile = ? WHERE profile = ? AND followup_id IN "
            "(SELECT id FROM followups WHERE profile = ? AND order_id = ?)",
            (retired, self.profile, self.profile, order_id),
        )
        for table in ("actions", "orders", "callbacks", "followups", "items_out"):
            conn.execute(
                f"UPDATE {table} SET profile = ? WHERE profile = ? AND order_id = ?",  # noqa: S608
                (retired, self.profile, order_id),
            )
        log.warning(
            "order %s: the platform's trade id differs from the journal's (%s): another "
            "order with the same id; the earlier one's history is kept apart",
            order_id,
            old_trade_id,
        )

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

    def __enter__(self) -> Journal:
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

    # -- actions ----------------------------------------------------------

    def begin_action(
        self,
        kind: str,
        machine_no: str,
        order_id: int | None,
        request: dict[str, Any],
        *,
        actor: str | None = None,
    ) -> int:
        """Record an action's intent, committed, BEFORE its request is sent; returns its id.

        ``request`` is the (masked) request data. ``record_id`` and
        ``channel_name`` in it are picked up. For a ``dispense`` of a paid order
        put ``"paid": True`` in it: a refusal then opens a follow-up. ``actor`` is
        who did it (default: the OS user).
        """
        if kind not in ACTION_KINDS:
            raise ValueError(f"unknown action kind {kind!r}: use one of {sorted(ACTION_KINDS)}")
        record_id = _opt_id(request.get("record_id"))
        ts, ts_iso = self._now()
        with self._write() as conn:
            # One request per intent, across panels and processes: the check and the
            # intent row are one transaction (console.core.intents).
            self._refuse_clash(conn, kind, machine_no, order_id, record_id, request)
            cur = conn.execute(
                """
                INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no,
                                     order_id, record_id, request, state, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    ts,
                    ts_iso,
                    self.profile,
                    self._session,
                    self._pid,
                    kind,
                    machine_no,
                    order_id,
                    record_id,
                    _dumps(request),
                    ACTION_IN_FLIGHT,
                    self._actor_name(actor),
                ),
            )
            action_id = int(cur.lastrowid or 0)
            if order_id is not None:
                what = f"{kind} record {record_id}" if record_id is not None else kind
                self._touch_order(conn, order_id, machine_no, f"{what}: sent", ts, ts_iso)
        return action_id

    def _refuse_clash(
        self,
        conn: sqlite3.Connection,
        kind: str,
        machine_no: str,
        order_id: int | None,
        record_id: int | None,
        request: dict[str, Any],
    ) -> None:
        """Raise ``IntentClash`` when a running action stops this one being sent; and a
        follow-up refund only from an open follow-up that may be refunded."""
        status = request.get("status")
        new = Intent(
            kind,
            machine_no,
            order_id,
            record_id,
            status if isinstance(status, int) and not isinstance(status, bool) else None,
        )
        fid = _opt_id(request.get("followup_id"))
        if fid is not None:
            row = conn.execute(
                "SELECT state, reason FROM followups WHERE id = ? AND profile = ?",
                (fid, self.profile),
            ).fetchone()
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            if row["state"] != FollowupState.OPEN.value:
                raise FollowupError(
                    f"follow-up {fid} is already {row['state'].replace('_', ' ')}: nothing was sent"
                )
            if not refund_allowed(str(row["reason"])):
                raise FollowupError(
                    f"follow-up {fid} is a suspicious failure callback the platform did not "
                    "confirm: it is never a reason to refund; nothing was sent"
                )
        if kind not in ("dispense", "set_status", "test_dispense"):
            return
        # Two queries, each on its partial index (actions_in_flight, actions_awaiting): one
        # with OR between them would scan every action on every write.
        rows = conn.execute(
            """
            SELECT * FROM actions
            WHERE state = 'in_flight' AND profile = ?
              AND (order_id = ? OR (kind = 'test_dispense' AND machine_no = ?))
            """,
            (self.profile, order_id, machine_no),
        ).fetchall()
        rows += conn.execute(
            """
            SELECT * FROM actions
            WHERE profile = ? AND awaiting_result = 1 AND kind = 'dispense' AND order_id = ?
            """,
            (self.profile, order_id),
        ).fetchall()
        if not rows:
            return
        with _live_lock:
            live = set(_live_sessions)
        for r in rows:
            in_flight = r["state"] == ACTION_IN_FLIGHT and (
                r["session"] in live or (r["pid"] != self._pid and _pid_alive(int(r["pid"])))
            )
            old_status = (_loads_dict(r["request"]) or {}).get("status")
            running = Running(
                Intent(
                    str(r["kind"]),
                    str(r["machine_no"]),
                    r["order_id"],
                    r["record_id"],
                    old_status if isinstance(old_status, int) else None,
                ),
                in_flight,
                bool(r["awaiting_result"]),
                str(r["actor"]),
                str(r["ts_iso"])[11:19],
            )
            why = conflict(new, running)
            if why is not None:
                raise IntentClash(why, int(r["id"]))

    def finish_action(
        self,
        action_id: int,
        outcome: str,
        code: int | None = None,
        message: str = "",
        response: dict[str, Any] | None = None,
        detail: str = "",
    ) -> ActionRow:
        """Record an action's outcome: ``ok``, ``refused``, ``transport`` or ``cancelled``.

        Side effects: a ``dispense`` that is ``ok`` waits for its result callback
        (see ``console.dispensing.overdue``); a refused ``dispense`` whose request had
        ``paid`` set opens a follow-up unless the refusal says the item is already
        out (``console.core.followup.refusal_opens_followup``); an ``order_create`` that is ``ok`` notes
        the new order (``order_id`` from ``response`` or ``response["data"]``)
        with ``first_seen`` = the time the request was sent.
        """
        if outcome not in ACTION_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}: use one of {sorted(ACTION_OUTCOMES)}")
        ts, ts_iso = self._now()
        with self._write() as conn:
            row = conn.execute("SELECT * FROM actions WHERE id = ?", (action_id,)).fetchone()
            if row is None:
                raise JournalError(f"no action {action_id}")
            if row["state"] != ACTION_IN_FLIGHT:
                raise JournalError(f"action {action_id} is already {row['state']}")
            kind = str(row["kind"])
            machine_no = str(row["machine_no"])
            order_id: int | None = row["order_id"]
            record_id: int | None = row["record_id"]
            request = _loads_dict(row["request"]) or {}

            if kind == "order_create" and outcome == "ok" and order_id is None and response:
                data = response.get("data")
                found = response.get("order_id")
                if found is None and isinstance(data, dict):
                    found = data.get("order_id")
                order_id = _opt_id(found)

            check = ""
            if outcome == "transport":
                check = check_text(
                    kind,
                    machine_no,
                    order_id,
                    request,
                    head="no usable answer from the platform: the request may or may not "
                    "have arrived",
                )
            awaiting = 0
            if kind == "dispense" and outcome == "ok" and order_id is not None:
                awaiting = 0 if self._has_result(conn, order_id, record_id, row["ts"]) else 1
            conn.execute(
                """
                UPDATE actions SET state = ?, code = ?, message = ?, response = ?, detail = ?,
                    check_text = ?, finished_ts = ?, finished_iso = ?, order_id = ?,
                    awaiting_result = ?
                WHERE id = ?
                """,
                (
                    outcome,
                    code,
                    message,
                    None if response is None else _dumps(response),
                    detail,
                    check,
                    ts,
                    ts_iso,
                    order_id,
                    awaiting,
                    action_id,
                ),
            )
            if order_id is not None:
                what = f"{kind} record {record_id}" if record_id is not None else kind
                text = f"{what}: {outcome}"
                if message and outcome != "ok":
                    text += f" ({code if code is not None else '-'} {message})"
                self._touch_order(conn, order_id, machine_no, text, ts, ts_iso)
            if kind == "order_create" and outcome == "ok" and order_id is not None:
                self._note_order(
                    conn,
                    order_id,
                    machine_no,
                    trade_id=str(request.get("trade_id") or ""),
                    created_here=True,
                    first_seen=float(row["ts"]),
                    ts=ts,
                    ts_iso=ts_iso,
                )
            if kind == "dispense" and outcome == "refused" and refusal_means_item_out(code):
                # e.g. 6034 "order already delivered": a result, which closes an open or
                # unknown follow-up of this record by itself.
                if order_id is not None:
                    self._apply_decision(
                        conn,
                        Decision.CLOSE,
                        order_id,
                        record_id,
                        machine_no,
                        f"refused {code} {message!r}",
                        FollowupSource.REFUSED_DISPENSE.value,
                        action_id,
                        f"the platform refused dispense action #{action_id} with {code} "
                        f"{message!r}",
                    )
            elif (
                kind == "dispense"
                and outcome == "refused"
                and order_id is not None
                and refusal_opens_followup(code, request.get("paid") in (True, "1", "true", "yes"))
            ):
                meaning = refused_meaning(code, message, explain(code) if code is not None else "")
                self._open_followup(
                    conn,
                    order_id,
                    record_id,
                    machine_no,
                    REASON_REFUND,
                    meaning,
                    FollowupSource.REFUSED_DISPENSE.value,
                    action_id,
                )
            new = conn.execute("SELECT * FROM actions WHERE id = ?", (action_id,)).fetchone()
        return _action_row(new)

    def record_dispense_result(
        self, order_id: int, record_id: int | None, machine_no: str, delivery: Delivery
    ) -> FollowupRow | None:
        """Journal a dispense's result read from the platform's dispense record.

        The same evidence as a confirmed result callback, from the other source
        (``console.core.followup.delivery_evidence`` and ``platform_decision``): a
        record that says the item dropped ends the wait and closes an open or unknown
        follow-up by itself; one that says failed or timed out opens (or upgrades to)
        the refund follow-up, with the platform's fault text. Returns that follow-up,
        else None. A record still pending changes nothing.
        """
        evidence = delivery_evidence(delivery)
        if evidence is Evidence.UNKNOWN:
            return None
        said = delivery.fail_reason or delivery.status or "no status"
        found = f"platform record (delivery {delivery.delivery_id}) says {said}"
        meaning = (
            failure_meaning(delivery.fail_reason or delivery.status, None)
            if evidence is Evidence.FAILED
            else found
        )
        return self._record_platform_evidence(
            order_id,
            record_id,
            machine_no,
            evidence,
            meaning,
            found,
            FollowupSource.PLATFORM_RECORD.value,
            {"delivery_id": delivery.delivery_id, "source": "dispense record"},
            dataclasses.asdict(delivery),
            Awaiting(delivery_id=delivery.delivery_id),
        )

    def record_order_result(
        self,
        order_id: int,
        record_id: int,
        machine_no: str,
        record_status: str,
        device_timeout_passed: bool,
        action_id: int | None = None,
    ) -> FollowupRow | None:
        """Journal what an order's record status says about a dispense whose own record
        cannot be read (``console.core.followup.record_evidence``): 已取货 closes, 未取货
        after the platform's timeout opens the refund follow-up (and answers dispense
        ``action_id``, or every waiting one of the record). Anything else changes nothing;
        returns the follow-up touched."""
        evidence = record_evidence(record_status, device_timeout_passed)
        if evidence is Evidence.UNKNOWN:
            return None
        label = RECORD_STATUS_LABELS.get(record_status or RECORD_NOT_PICKED_UP, record_status)
        found = f"the platform shows record {record_id} as {label}"
        meaning = (
            f"{found} after the platform's {DEVICE_TIMEOUT_S} s: nothing dropped"
            if evidence is Evidence.FAILED
            else found
        )
        return self._record_platform_evidence(
            order_id,
            record_id,
            machine_no,
            evidence,
            meaning,
            found,
            FollowupSource.ORDER_RECORD.value,
            {"source": "order record"},
            {"record_id": record_id, "status": record_status},
            Awaiting(action_id=action_id),
        )

    def _record_platform_evidence(
        self,
        order_id: int,
        record_id: int | None,
        machine_no: str,
        evidence: Evidence,
        meaning: str,
        found: str,
        source: str,
        request: dict[str, Any],
        response: dict[str, Any],
        answers: Awaiting,
    ) -> FollowupRow | None:
        """Journal an answer read from the platform (as a ``delivery_query`` action by the
        console) and apply what it decides (``answers``: the dispenses it is the result of)."""
        ts, ts_iso = self._now()
        with self._write() as conn:
            cur = conn.execute(
                """
                INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no,
                    order_id, record_id, request, state, response, finished_ts, finished_iso,
                    actor)
                VALUES (?, ?, ?, ?, ?, 'delivery_query', ?, ?, ?, ?, 'ok', ?, ?, ?, ?)
                """,
                (
                    ts,
                    ts_iso,
                    self.profile,
                    self._session,
                    self._pid,
                    machine_no,
                    order_id,
                    record_id,
                    _dumps({**request, "record_id": record_id}),
                    _dumps(response),
                    ts,
                    ts_iso,
                    SYSTEM_ACTOR,
                ),
            )
            action_id = int(cur.lastrowid or 0)
            what = f"dispense record {record_id}" if record_id is not None else "dispense"
            self._touch_order(conn, order_id, machine_no, f"{what}: {found}", ts, ts_iso)
            fid = self._apply_decision(
                conn,
                platform_decision(evidence),
                order_id,
                record_id,
                machine_no,
                meaning,
                source,
                action_id,
                f"{found} (action #{action_id})",
                answers,
            )
            if fid is None or evidence is Evidence.ITEM_OUT:
                return None
            return self._get_followup(conn, fid)

    def mark_awaiting(self, action_id: int) -> None:
        """A dispense's request may have arrived but its answer was lost: it waits for a
        result like a sent one (the no-result check will ask the platform)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE actions SET awaiting_result = 1 WHERE id = ? AND kind = 'dispense' "
                "AND order_id IS NOT NULL",
                (action_id,),
            )

    def _newest_sent_dispense(
        self, conn: sqlite3.Connection, order_id: int, record_id: int | None
    ) -> int:
        """The newest dispense of the record the platform answered (0: none)."""
        row = conn.execute(
            "SELECT max(id) FROM actions WHERE profile = ? AND kind = 'dispense' "
            "AND order_id = ? AND record_id IS ? AND state = 'ok'",
            (self.profile, order_id, record_id),
        ).fetchone()
        return int(row[0] or 0)

    def _stop_awaiting(
        self,
        conn: sqlite3.Connection,
        order_id: int,
        record_id: int | None,
        which: Awaiting | None = None,
    ) -> None:
        """A result arrived: the dispenses it answers no longer wait (``which``: all of the
        record's when None)."""
        sql = (
            "UPDATE actions SET awaiting_result = 0 WHERE profile = ? AND awaiting_result = 1 "
            "AND kind = 'dispense' AND order_id = ? AND (? IS NULL OR record_id = ?)"
        )
        params: list[Any] = [self.profile, order_id, record_id, record_id]
        if which is not None and which.action_id is not None:
            sql += " AND id = ?"
            params.append(which.action_id)
        if which is not None and which.delivery_id is not None:
            sql += (
                " AND coalesce(json_extract(response, '$.delivery_id'),"
                " json_extract(response, '$.data.delivery_id')) = ?"
            )
            params.append(which.delivery_id)
        conn.execute(sql, params)

    def _has_result(
        self, conn: sqlite3.Connection, order_id: int, record_id: int | None, since: float
    ) -> bool:
        row = conn.execute(
            """
            SELECT 1 FROM callbacks
            WHERE profile = ? AND order_id = ? AND (? IS NULL OR record_id = ?)
              AND outcome IN ('success', 'failure') AND replay_of IS NULL AND ts >= ?
              AND duplicate_of IS NULL AND cross_check = 'ok'
            LIMIT 1
            """,
            (self.profile, order_id, record_id, record_id, since),
        ).fetchone()
        return row is not None

    def get_action(self, action_id: int) -> ActionRow | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM actions WHERE id = ? AND profile = ?", (action_id, self.profile)
            ).fetchone()
        return None if row is None else _action_row(row)

    def last_dispenses(self, order_id: int) -> dict[int, LastDispense]:
        """Record id -> what is known of that record's last dispense of ``order_id``.

        Pending: accepted (``awaiting_result``), or being sent by a live process.
        Unknown: sent without a usable answer (``transport``), or left ``in_flight``
        / ``unknown`` by a process that stopped — unless a result for the record
        (a callback not found suspicious, or the platform's record) was journalled
        after it. Anything else is settled.
        """
        with _live_lock:
            live = set(_live_sessions)
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT * FROM actions
                WHERE profile = ? AND order_id = ? AND kind = 'dispense'
                  AND record_id IS NOT NULL
                ORDER BY id
                """,
                (self.profile, order_id),
            ).fetchall()
            latest = {int(r["record_id"]): r for r in rows}  # the newest wins
            found: dict[int, LastDispense] = {}
            for record_id, r in latest.items():
                outcome = str(r["state"])
                if outcome == "ok" and r["awaiting_result"]:
                    state = LAST_PENDING
                elif outcome == "ok":
                    # Past its 120 s with no result the platform could give: still unknown
                    # while its "result unknown" follow-up is open.
                    unknown = conn.execute(
                        "SELECT 1 FROM followups WHERE profile = ? AND order_id = ? "
                        "AND record_id = ? AND state = 'open' AND reason = ? LIMIT 1",
                        (self.profile, order_id, record_id, REASON_UNKNOWN),
                    ).fetchone()
                    state = LAST_UNKNOWN if unknown is not None else LAST_SETTLED
                elif outcome == ACTION_IN_FLIGHT and (
                    r["session"] in live or (r["pid"] != self._pid and _pid_alive(int(r["pid"])))
                ):
                    state = LAST_PENDING
                elif outcome in (ACTION_IN_FLIGHT, ACTION_UNKNOWN, "transport"):
                    answered = self._result_after(conn, order_id, record_id, r)
                    state = LAST_SETTLED if answered else LAST_UNKNOWN
                else:  # refused, cancelled
                    state = LAST_SETTLED
                response = _loads_dict(r["response"]) or {}
                found[record_id] = LastDispense(
                    record_id=record_id,
                    action_id=int(r["id"]),
                    state=state,
                    outcome=outcome,
                    sent_ts=float(r["ts"]),
                    sent_iso=str(r["ts_iso"]),
                    delivery_id=_opt_id(response.get("delivery_id")) or 0,
                    platform_status=str(response.get("status") or ""),
                    code=r["code"],
                    message=str(r["message"]),
                    actor=str(r["actor"]),
                )
        return found

    def _result_after(
        self, conn: sqlite3.Connection, order_id: int, record_id: int, action: sqlite3.Row
    ) -> bool:
        """Whether a result for the record was journalled after ``action`` was sent."""
        callback = conn.execute(
            """
            SELECT 1 FROM callbacks
            WHERE profile = ? AND order_id = ? AND record_id = ?
              AND outcome IN ('success', 'failure') AND replay_of IS NULL
              AND cross_check != 'suspicious' AND ts >= ?
            LIMIT 1
            """,
            (self.profile, order_id, record_id, action["ts"]),
        ).fetchone()
        if callback is not None:
            return True
        read = conn.execute(
            """
            SELECT 1 FROM actions
            WHERE profile = ? AND order_id = ? AND record_id = ? AND kind = 'delivery_query'
              AND state = 'ok' AND id > ?
            LIMIT 1
            """,
            (self.profile, order_id, record_id, action["id"]),
        ).fetchone()
        return read is not None

    def list_actions(
        self, limit: int = 100, *, order_id: int | None = None, kind: str | None = None
    ) -> list[ActionRow]:
        """Newest first; of one order and/or one kind when given."""
        sql = "SELECT * FROM actions WHERE profile = ?"
        params: list[Any] = [self.profile]
        if order_id is not None:
            sql += " AND order_id = ?"
            params.append(order_id)
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        params.append(limit)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", params).fetchall()
        return [_action_row(r) for r in rows]

    def recover_in_flight(self) -> list[ActionRow]:
        """Turn actions left ``in_flight`` by a dead process into ``unknown``.

        Covers every profile in the file (the process is gone whatever profile
        it used). Actions of journals still open — in this process or in a live
        one — are left alone. Each recovered row gets a ``check`` text saying
        what to verify before acting again.
        """
        ts, ts_iso = self._now()
        with _live_lock:
            live = set(_live_sessions)
        recovered: list[int] = []
        with self._write() as conn:
            rows = conn.execute(
                "SELECT * FROM actions WHERE state = ? ORDER BY id", (ACTION_IN_FLIGHT,)
            ).fetchall()
            for row in rows:
                if row["session"] in live:
                    continue
                if row["pid"] != self._pid and _pid_alive(int(row["pid"])):
                    continue
                request = _loads_dict(row["request"]) or {}
                check = check_text(
                    str(row["kind"]), str(row["machine_no"]), row["order_id"], request
                )
                # A dispense whose answer was lost may have dropped: it waits for a
                # result, and the no-result check asks the platform before anything opens.
                awaiting = 1 if row["kind"] == "dispense" and row["order_id"] is not None else 0
                conn.execute(
                    "UPDATE actions SET state = ?, check_text = ?, finished_ts = ?, "
                    "finished_iso = ?, awaiting_result = ? WHERE id = ? AND state = ?",
                    (ACTION_UNKNOWN, check, ts, ts_iso, awaiting, row["id"], ACTION_IN_FLIGHT),
                )
                if row["order_id"] is not None and row["profile"] == self.profile:
                    self._touch_order(
                        conn,
                        int(row["order_id"]),
                        str(row["machine_no"]),
                        f"{row['kind']}: outcome unknown",
                        ts,
                        ts_iso,
                    )
                recovered.append(int(row["id"]))
                log.warning("action %s (%s): %s", row["id"], row["kind"], check)
            result = [
                _action_row(conn.execute("SELECT * FROM actions WHERE id = ?", (i,)).fetchone())
                for i in recovered
            ]
        return result

    # -- orders -----------------------------------------------------------

    def note_order(
        self,
        order_id: int,
        machine_no: str,
        *,
        trade_id: str = "",
        created_here: bool = False,
        first_seen: float | None = None,
    ) -> OrderSummary:
        """Remember an order the console created or saw; ``first_seen`` defaults to now.

        An earlier ``first_seen`` is never replaced by a later one.
        """
        ts, ts_iso = self._now()
        with self._write() as conn:
            self._note_order(
                conn,
                order_id,
                machine_no,
                trade_id=trade_id,
                created_here=created_here,
                first_seen=ts if first_seen is None else float(first_seen),
                ts=ts,
                ts_iso=ts_iso,
            )
            row = self._order_query(conn, "o.order_id = ?", (order_id,), 1)
        return row[0]

    def _note_order(
        self,
        conn: sqlite3.Connection,
        order_id: int,
        machine_no: str,
        *,
        trade_id: str,
        created_here: bool,
        first_seen: float,
        ts: float,
        ts_iso: str,
    ) -> None:
        activity = "created here" if created_here else "first seen"
        conn.execute(
            """
            INSERT INTO orders (profile, order_id, machine_no, trade_id, created_here,
                                first_seen, first_seen_iso, last_ts, last_iso, last_activity)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (profile, order_id) DO UPDATE SET
                machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                                  ELSE orders.machine_no END,
                trade_id = CASE WHEN excluded.trade_id != '' THEN excluded.trade_id
                                ELSE orders.trade_id END,
                created_here = max(orders.created_here, excluded.created_here),
                first_seen_iso = CASE
                    WHEN orders.first_seen IS NULL OR excluded.first_seen < orders.first_seen
                    THEN excluded.first_seen_iso ELSE orders.first_seen_iso END,
                first_seen = CASE
                    WHEN orders.first_seen IS NULL OR excluded.first_seen < orders.first_seen
                    THEN excluded.first_seen ELSE orders.first_seen END
            """,
            (
                self.profile,
                order_id,
                machine_no,
                trade_id,
                int(created_here),
                first_seen,
                iso(first_seen),
                ts,
                ts_iso,
                activity,
            ),
        )

    def note_order_details(
        self, order: Order, machine_no: str, products: Sequence[Product] | None = None
    ) -> OrderSummary:
        """Keep what the platform said about an order (amount, date, status, records), so a
        follow-up can show what staff need to refund without asking again.

        ``products`` (the machine's product list, when known) name each record's slot
        and product; a record's names known from an earlier read are kept otherwise.
        The order's age and last activity are left as they were (a read is not activity);
        its trade id is filled in only when the journal had none.
        """
        by_id = {p.id: p for p in products or ()}
        ts, ts_iso = self._now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT records, trade_id FROM orders WHERE profile = ? AND order_id = ?",
                (self.profile, order.order_id),
            ).fetchone()
            known_trade = str(row["trade_id"]) if row is not None else ""
            if known_trade and order.trade_id and known_trade != order.trade_id:
                self._retire_order(conn, order.order_id, known_trade)
                row = None
            before = {d.record_id: d for d in _record_details(row[0] if row else None)}
            records: list[dict[str, Any]] = []
            for r in order.records:
                known = before.get(r.id)
                product = by_id.get(r.product_id)
                name = product.name if product is not None else ""
                slot = product.channel.name if product is not None else ""
                if known is not None and known.product_id == r.product_id:
                    name, slot = name or known.product_name, slot or known.channel_name
                records.append(
                    {
                        "record_id": r.id,
                        "product_id": r.product_id,
                        "product_name": name,
                        "channel_name": slot,
                        "quantity": r.quantity,
                        "status": r.status,
                    }
                )
            conn.execute(
                """
                INSERT INTO orders (profile, order_id, machine_no, trade_id, last_ts, last_iso,
                    last_activity, amount, order_date, status, records, details_ts)
                VALUES (?, ?, ?, ?, ?, ?, 'read from the platform', ?, ?, ?, ?, ?)
                ON CONFLICT (profile, order_id) DO UPDATE SET
                    machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                                      ELSE orders.machine_no END,
                    trade_id = CASE WHEN orders.trade_id = '' THEN excluded.trade_id
                                    ELSE orders.trade_id END,
                    amount = excluded.amount,
                    order_date = excluded.order_date,
                    status = excluded.status,
                    records = excluded.records,
                    details_ts = excluded.details_ts
                """,
                (
                    self.profile,
                    order.order_id,
                    machine_no,
                    order.trade_id,
                    ts,
                    ts_iso,
                    order.amount,
                    order.date,
                    order.status,
                    _dumps(records),
                    ts,
                ),
            )
            (summary,) = self._order_query(conn, "o.order_id = ?", (order.order_id,), 1)
        return summary

    def order_first_seen(self, order_id: int) -> float | None:
        """When the console created or first saw the order; ``None``: age unknown."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT first_seen FROM orders WHERE profile = ? AND order_id = ?",
                (self.profile, order_id),
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def get_order(self, order_id: int) -> OrderSummary | None:
        with self._read() as conn:
            rows = self._order_query(conn, "o.order_id = ?", (order_id,), 1)
        return rows[0] if rows else None

    def recent_orders(self, limit: int = 50) -> list[OrderSummary]:
        """Orders created, acted on or called back; newest activity first."""
        with self._read() as conn:
            return self._order_query(conn, "1", (), limit)

    def _order_query(
        self, conn: sqlite3.Connection, where: str, args: tuple[Any, ...], limit: int
    ) -> list[OrderSummary]:
        rows = conn.execute(
            f"""
            SELECT o.*, (SELECT count(*) FROM followups f
                         WHERE f.profile = o.profile AND f.order_id = o.order_id
                           AND f.state IN ('open', 'refund_requested')) AS open_followups
            FROM orders o WHERE o.profile = ? AND {where}
            ORDER BY o.last_ts DESC LIMIT ?
            """,  # noqa: S608 - "where" is one of this module's constant fragments
            (self.profile, *args, limit),
        ).fetchall()
        return [
            OrderSummary(
                order_id=int(r["order_id"]),
                machine_no=str(r["machine_no"]),
                trade_id=str(r["trade_id"]),
                created_here=bool(r["created_here"]),
                first_seen=r["first_seen"],
                first_seen_iso=r["first_seen_iso"],
                last_ts=float(r["last_ts"]),
                last_iso=str(r["last_iso"]),
                last_activity=str(r["last_activity"]),
                open_followups=int(r["open_followups"]),
                amount=str(r["amount"]),
                order_date=str(r["order_date"]),
                status=str(r["status"]),
                records=_record_details(r["records"]),
                details_ts=r["details_ts"],
            )
            for r in rows
        ]

    # -- callbacks --------------------------------------------------------

    def record_callback(
        self,
        cb: Callback,
        *,
        remote: str,
        replay_of: int | None = None,
        content_type: str = "",
    ) -> CallbackRow:
        """Journal a parsed callback, committed (durable) when this returns.

        A repeat of an earlier callback (same ``dedupe_key``) is stored with
        ``duplicate_of``. A replay (``replay_of`` = the id of the stored callback
        whose body was re-sent) is stored as such; if that id does not exist or
        holds a different callback, the claim is ignored and logged. Only a new
        result (neither) counts: it updates the order, settles a waiting
        dispense, and a failure opens (or joins) a follow-up.
        """
        with self._write() as conn:
            return self._record_callback(conn, cb, remote, replay_of, content_type, self._now())

    def record_callbacks(self, arrivals: Sequence[CallbackArrival]) -> list[CallbackRow]:
        """Journal several parsed callbacks in one committed transaction (group commit).

        Each is recorded exactly as ``record_callback`` would, in order (a later
        one can be a repeat of an earlier one in the same batch); all are durable
        when this returns, or none is if it raises. One commit for many
        callbacks is what lets the receiver keep up with a burst.
        """
        if not arrivals:
            return []
        with self._write() as conn:
            now = self._now()  # committed together: one time for all of them
            return [
                self._record_callback(conn, a.callback, a.remote, a.replay_of, a.content_type, now)
                for a in arrivals
            ]

    def _record_callback(
        self,
        conn: sqlite3.Connection,
        cb: Callback,
        remote: str,
        replay_of: int | None,
        content_type: str,
        now: tuple[float, str],
    ) -> CallbackRow:
        ts, ts_iso = now
        key = cb.dedupe_text
        outcome = cb.outcome
        summary = cb.summary()
        if replay_of is not None:
            orig = conn.execute(
                "SELECT dedupe_key FROM callbacks WHERE id = ? AND profile = ?",
                (replay_of, self.profile),
            ).fetchone()
            if orig is None or orig[0] != key:
                log.warning(
                    "callback claims to replay #%s, which %s; recorded as received",
                    replay_of,
                    "does not exist" if orig is None else "is a different callback",
                )
                replay_of = None
        may_repeat = replay_of is None and cb.can_repeat
        duplicate_of: int | None = None
        context: _CallbackContext | None = None
        if cb.order_id is not None or may_repeat:
            first, *rest = conn.execute(
                _CALLBACK_CONTEXT_SQL, (self.profile, cb.order_id, cb.record_id, key)
            ).fetchone()
            if may_repeat and first is not None:
                duplicate_of = int(first)
            if cb.order_id is not None:
                context = _CallbackContext(*rest)
        raw = bytes(cb.raw)
        cur = conn.execute(
            """
            INSERT INTO callbacks (ts, ts_iso, profile, remote, content_type, method,
                order_id, record_id, deliver_status, floor_status, error_msg, channel_name,
                outcome, summary, reason, extra, raw, raw_size, dedupe_key, duplicate_of,
                replay_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                ts,
                ts_iso,
                self.profile,
                remote,
                content_type,
                cb.method,
                cb.order_id,
                cb.record_id,
                cb.deliver_status,
                cb.floor_status,
                cb.error_msg,
                cb.channel_name,
                outcome,
                summary,
                "; ".join(cb.problems),
                _dumps(cb.extra),
                raw[:MAX_RAW],
                len(raw),
                key,
                duplicate_of,
                replay_of,
            ),
        )
        callback_id = int(cur.lastrowid or 0)
        followup_id: int | None = None
        if context is not None and duplicate_of is None and replay_of is None:
            followup_id = self._apply_callback_rules(
                conn, callback_id, cb, ts, ts_iso, summary, context
            )
        return CallbackRow(
            id=callback_id,
            ts=ts,
            ts_iso=ts_iso,
            profile=self.profile,
            remote=remote,
            content_type=content_type,
            method=cb.method,
            order_id=cb.order_id,
            record_id=cb.record_id,
            deliver_status=cb.deliver_status,
            floor_status=cb.floor_status,
            error_msg=cb.error_msg,
            channel_name=cb.channel_name,
            outcome=outcome,
            summary=summary,
            reason="; ".join(cb.problems),
            extra=dict(cb.extra),
            raw=raw[:MAX_RAW],
            raw_size=len(raw),
            dedupe_key=key,
            duplicate_of=duplicate_of,
            replay_of=replay_of,
            followup_id=followup_id,
            cross_check="unchecked",
            cross_check_detail="",
            order_machine=context.machine_no if context is not None else "",
        )

    def _apply_callback_rules(
        self,
        conn: sqlite3.Connection,
        callback_id: int,
        cb: Callback,
        ts: float,
        ts_iso: str,
        summary: str,
        context: _CallbackContext,
    ) -> int | None:
        """What a new (counted) callback of an order changes on arrival: the order's last
        activity only. Callbacks carry no signature, so a result decides nothing until
        the platform confirms it (``set_cross_check``). Returns no follow-up."""
        assert cb.order_id is not None
        if cb.outcome == "event":
            activity = (
                "unpaid order expired (platform event)"
                if cb.method == "order.expired"
                else f"event {cb.method}"
            )
        else:
            activity = f"callback: {summary}"
        self._touch_order(conn, cb.order_id, context.machine_no, activity, ts, ts_iso)
        return None

    def record_bad_callback(
        self, raw: bytes, reason: str, remote: str, *, content_type: str = ""
    ) -> CallbackRow:
        """Journal a body that could not be parsed (outcome ``malformed``); raw kept ≤ 64 KiB."""
        ts, ts_iso = self._now()
        body = bytes(raw)
        summary = f"malformed: {reason}"
        with self._write() as conn:
            cur = conn.execute(
                """
                INSERT INTO callbacks (ts, ts_iso, profile, remote, content_type, outcome,
                    summary, reason, raw, raw_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    ts,
                    ts_iso,
                    self.profile,
                    remote,
                    content_type,
                    MALFORMED,
                    summary,
                    reason,
                    body[:MAX_RAW],
                    len(body),
                ),
            )
            callback_id = int(cur.lastrowid or 0)
        return CallbackRow(
            id=callback_id,
            ts=ts,
            ts_iso=ts_iso,
            profile=self.profile,
            remote=remote,
            content_type=content_type,
            method="",
            order_id=None,
            record_id=None,
            deliver_status="",
            floor_status=None,
            error_msg="",
            channel_name=None,
            outcome=MALFORMED,
            summary=summary,
            reason=reason,
            extra={},
            raw=body[:MAX_RAW],
            raw_size=len(body),
            dedupe_key="",
            duplicate_of=None,
            replay_of=None,
            followup_id=None,
            cross_check="unchecked",
            cross_check_detail="",
        )

    def set_cross_check(self, callback_id: int, verdict: str, detail: str) -> int | None:
        """Store the verdict of checking a callback against the platform, and apply what
        it decides (``console.core.followup.callback_decision``): a confirmed failure
        opens the refund follow-up, a confirmed success closes an open or unknown one,
        an unconfirmed failure is listed as suspicious — never as a refund. Returns the
        follow-up it opened, changed or noted, else None."""
        if verdict not in CROSS_CHECK_VERDICTS:
            raise ValueError(
                f"unknown verdict {verdict!r}: use one of {sorted(CROSS_CHECK_VERDICTS)}"
            )
        ts, _ = self._now()
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE callbacks SET cross_check = ?, cross_check_detail = ?, cross_check_ts = ? "
                "WHERE id = ?",
                (verdict, detail, ts, callback_id),
            )
            if cur.rowcount == 0:
                raise JournalError(f"no callback {callback_id}")
            row = conn.execute(
                "SELECT * FROM callbacks WHERE id = ? AND profile = ?", (callback_id, self.profile)
            ).fetchone()
            if (
                row is None
                or row["order_id"] is None
                or row["duplicate_of"] is not None
                or row["replay_of"] is not None
            ):
                return None
            decision = callback_decision(str(row["outcome"]), verdict)
            if decision is Decision.NOTHING:
                return None
            order_id = int(row["order_id"])
            context = conn.execute(
                _CALLBACK_CONTEXT_SQL, (self.profile, order_id, row["record_id"], "")
            ).fetchone()
            if decision is Decision.SUSPICIOUS:
                meaning = (
                    f"{failure_meaning(row['error_msg'], row['floor_status'])} — the platform "
                    f"did not confirm it ({verdict}: {detail})"
                )
            elif decision is Decision.REFUND:
                meaning = failure_meaning(row["error_msg"], row["floor_status"])
            else:
                meaning = f"callback #{callback_id} reports the item dropped (confirmed)"
            fid = self._apply_decision(
                conn,
                decision,
                order_id,
                row["record_id"],
                str(context[1] or ""),
                meaning,
                FollowupSource.CALLBACK.value,
                callback_id,
                f"callback #{callback_id}",
                # A confirmed result answers the newest dispense of the record sent with an
                # answer (the one the cross-check compared it with); an earlier one, or one
                # whose answer was lost, still waits for the platform's own word.
                Awaiting(action_id=self._newest_sent_dispense(conn, order_id, row["record_id"])),
            )
            if fid is not None:
                conn.execute(
                    "UPDATE callbacks SET followup_id = ? WHERE id = ?", (fid, callback_id)
                )
        return fid

    def _apply_decision(
        self,
        conn: sqlite3.Connection,
        decision: Decision,
        order_id: int,
        record_id: int | None,
        machine_no: str,
        meaning: str,
        source: str,
        source_id: int | None,
        evidence: str,
        answers: Awaiting | None = None,
    ) -> int | None:
        """Apply one piece of evidence about a dispensed record (the one place that opens,
        upgrades and closes follow-ups on evidence). Returns the follow-up touched.

        ``answers``: which waiting dispenses it is the result of (a failure answers only
        those; the item being out answers every dispense of the record)."""
        ts, ts_iso = self._now()
        if decision in (Decision.NOTHING, Decision.SUSPICIOUS):
            active = self._active_followup(conn, order_id, record_id)
            if decision is Decision.NOTHING:
                return None
            if active is not None:
                self._note(conn, active, f"{evidence}: {meaning}", ts, ts_iso)
                return int(active["id"])
            return self._open_followup(
                conn,
                order_id,
                record_id,
                machine_no,
                REASON_SUSPICIOUS,
                meaning,
                source,
                source_id,
            ).id
        # Real evidence from the platform: the dispenses it answers no longer wait.
        self._stop_awaiting(
            conn, order_id, record_id, None if decision is Decision.CLOSE else answers
        )
        active = self._active_followup(conn, order_id, record_id)
        if record_id is not None and decision is Decision.CLOSE:
            conn.execute(
                "INSERT OR IGNORE INTO items_out (profile, order_id, record_id, ts, evidence) "
                "VALUES (?, ?, ?, ?, ?)",
                (self.profile, order_id, record_id, ts, evidence),
            )
        if decision in (Decision.REFUND, Decision.UNKNOWN) and record_id is not None:
            out = conn.execute(
                "SELECT evidence FROM items_out WHERE profile = ? AND order_id = ? "
                "AND record_id = ?",
                (self.profile, order_id, record_id),
            ).fetchone()
            if out is not None:
                # An earlier dispense of a record whose item is already out: no refund.
                if active is not None:
                    self._note(
                        conn,
                        active,
                        f"{evidence}: {meaning} — but the item is already out "
                        f"({out['evidence']}): no refund is owed",
                        ts,
                        ts_iso,
                    )
                    return int(active["id"])
                return None
        if decision is Decision.CLOSE:
            if active is None:
                return None
            fid = int(active["id"])
            if active["state"] == FollowupState.OPEN.value:
                self._set_state(
                    conn,
                    active,
                    FollowupState.DISMISSED,
                    f"closed by itself: the platform says the item is out ({evidence}); "
                    "no refund is owed",
                    SYSTEM_ACTOR,
                    None,
                    ts,
                    ts_iso,
                )
            else:  # a refund was already asked for: a person decides
                conn.execute("UPDATE followups SET next_check_ts = NULL WHERE id = ?", (fid,))
                self._note(
                    conn,
                    active,
                    f"the platform says the item is out ({evidence}) but a refund was already "
                    "requested: check with the customer before paying it",
                    ts,
                    ts_iso,
                )
            return fid
        if decision is Decision.REFUND:
            if active is not None:
                # Settled: nothing left to re-check.
                conn.execute(
                    "UPDATE followups SET next_check_ts = NULL WHERE id = ?", (active["id"],)
                )
            if active is not None and active["reason"] != REASON_REFUND:
                if active["state"] == FollowupState.OPEN.value:
                    conn.execute(
                        "UPDATE followups SET reason = ?, meaning = ?, next_check_ts = NULL, "
                        "updated_ts = ?, updated_iso = ? WHERE id = ?",
                        (REASON_REFUND, meaning, ts, ts_iso, active["id"]),
                    )
                self._note(conn, active, f"confirmed failed ({evidence}): {meaning}", ts, ts_iso)
                return int(active["id"])
            return self._open_followup(
                conn, order_id, record_id, machine_no, REASON_REFUND, meaning, source, source_id
            ).id
        # Decision.UNKNOWN
        if active is not None:
            # Whatever it says, a dispense of its record now has no known result: it is
            # asked about again by itself until the platform settles it.
            conn.execute(
                "UPDATE followups SET next_check_ts = ? WHERE id = ? AND next_check_ts IS NULL",
                (ts + recheck_delay(0), active["id"]),
            )
            if active["reason"] == REASON_SUSPICIOUS and active["state"] == FollowupState.OPEN:
                # A real dispense's result is unknown: that, not a forged report, is what
                # must be checked (and is re-checked by itself).
                conn.execute(
                    "UPDATE followups SET reason = ?, meaning = ?, next_check_ts = ?, "
                    "updated_ts = ?, updated_iso = ? WHERE id = ?",
                    (REASON_UNKNOWN, meaning, ts + recheck_delay(0), ts, ts_iso, active["id"]),
                )
            self._note(conn, active, f"{evidence}: {meaning}", ts, ts_iso)
            return int(active["id"])
        row = self._open_followup(
            conn, order_id, record_id, machine_no, REASON_UNKNOWN, meaning, source, source_id
        )
        conn.execute(
            "UPDATE followups SET next_check_ts = ? WHERE id = ? AND next_check_ts IS NULL",
            (ts + recheck_delay(0), row.id),
        )
        return row.id

    def _active_followup(
        self, conn: sqlite3.Connection, order_id: int, record_id: int | None
    ) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            """
            SELECT * FROM followups
            WHERE profile = ? AND order_id = ? AND record_id IS ?
              AND state IN ('open', 'refund_requested')
            ORDER BY id LIMIT 1
            """,
            (self.profile, order_id, record_id),
        ).fetchone()
        return row

    def _note(
        self, conn: sqlite3.Connection, followup: sqlite3.Row, note: str, ts: float, ts_iso: str
    ) -> None:
        state = str(followup["state"])
        self._add_event(
            conn, int(followup["id"]), "note", state, state, SYSTEM_ACTOR, note, None, ts, ts_iso
        )

    def unconfirmed_results(self, before_ts: float, limit: int = 200) -> list[CallbackRow]:
        """Result callbacks of orders that no cross-check has confirmed yet (the receiver
        stopped before checking them, or a flood filled its queue), received before
        ``before_ts``, oldest first. Repeats and replays are not listed."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT * FROM callbacks
                WHERE profile = ? AND cross_check = 'unchecked' AND order_id IS NOT NULL
                  AND outcome IN ('success', 'failure') AND duplicate_of IS NULL
                  AND replay_of IS NULL AND ts <= ?
                ORDER BY id LIMIT ?
                """,
                (self.profile, before_ts, limit),
            ).fetchall()
        return [_callback_row(r) for r in rows]

    def get_callback(self, callback_id: int) -> CallbackRow | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM callbacks WHERE id = ? AND profile = ?",
                (callback_id, self.profile),
            ).fetchone()
        return None if row is None else _callback_row(row)

    def list_callbacks(self, limit: int = 100, *, order_id: int | None = None) -> list[CallbackRow]:
        """Newest first."""
        with self._read() as conn:
            if order_id is None:
                rows = conn.execute(
                    "SELECT * FROM callbacks WHERE profile = ? ORDER BY id DESC LIMIT ?",
                    (self.profile, limit),
                ).fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM callbacks WHERE profile = ? AND order_id = ? "
                    "ORDER BY id DESC LIMIT ?",
                    (self.profile, order_id, limit),
                ).fetchall()
        return [_callback_row(r) for r in rows]

    def callback_counts(self) -> dict[str, int]:
        """New results by outcome, plus how many were ``duplicate`` / ``replay``.

        Scans the table: for statistics and tests, not for every repaint.
        """
        counts = {
            k: 0
            for k in ("success", "failure", "invalid", "event", MALFORMED, "duplicate", "replay")
        }
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT CASE WHEN replay_of IS NOT NULL THEN 'replay'
                            WHEN duplicate_of IS NOT NULL THEN 'duplicate'
                            ELSE outcome END AS k, count(*)
                FROM callbacks WHERE profile = ? GROUP BY k
                """,
                (self.profile,),
            ).fetchall()
        for k, n in rows:
            counts[str(k)] = int(n)
        return counts

    def machine_activity(
        self, machine_no: str, since: float, limit: int = 5000
    ) -> tuple[list[ActionRow], list[CallbackRow]]:
        """What the journal knows about one machine since ``since``: (actions, callbacks),
        newest first, at most ``limit`` of each.

        Callbacks have no machine column. Order callbacks are found through the
        orders the journal ties to the machine (an order touched since ``since``;
        a callback touches its order, so none is missed), with all the actions
        of those orders (their order create / order look-up say which product a
        record is). Test-dispense callbacks carry only a slot name: every
        order-less callback since ``since`` is returned, with every machine's
        test-dispense actions since ``since`` - ``DEVICE_TIMEOUT_S`` - 60 s, for
        the caller to pair by slot and time. Both paths run on indexes
        (``orders_recent``, ``callbacks_order``, ``actions_order``); ``CROSS JOIN``
        keeps SQLite from walking the whole profile by id instead.
        """
        with self._read() as conn:
            actions = conn.execute(
                """
                SELECT a.* FROM orders o
                CROSS JOIN actions a ON a.profile = o.profile AND a.order_id = o.order_id
                WHERE o.profile = ? AND o.last_ts >= ? AND o.machine_no = ?
                UNION ALL
                SELECT a.* FROM actions a
                WHERE a.profile = ? AND a.order_id IS NULL AND a.kind = 'test_dispense'
                  AND a.ts >= ?
                ORDER BY id DESC LIMIT ?
                """,
                (
                    self.profile,
                    since,
                    machine_no,
                    self.profile,
                    since - DEVICE_TIMEOUT_S - 60,
                    limit,
                ),
            ).fetchall()
            callbacks = conn.execute(
                """
                SELECT c.* FROM orders o
                CROSS JOIN callbacks c ON c.profile = o.profile AND c.order_id = o.order_id
                WHERE o.profile = ? AND o.last_ts >= ? AND o.machine_no = ? AND c.ts >= ?
                UNION ALL
                SELECT c.* FROM callbacks c
                WHERE c.profile = ? AND c.order_id IS NULL AND c.channel_name IS NOT NULL
                  AND c.ts >= ?
                ORDER BY id DESC LIMIT ?
                """,
                (self.profile, since, machine_no, since, self.profile, since, limit),
            ).fetchall()
        return [_action_row(r) for r in actions], [_callback_row(r) for r in callbacks]

    # -- follow-ups ---------------------------------------------------------

    def open_followup(
        self,
        order_id: int,
        record_id: int | None,
        machine_no: str,
        reason: str,
        meaning: str,
        source: str,
        source_id: int | None,
    ) -> FollowupRow:
        """Open a follow-up, or return the one this failure already has.

        Idempotent: the same ``(source, source_id)`` returns its follow-up; and
        while a follow-up for the same order and record is still active, a new
        report of the failure is added to it as a note instead of opening
        another — one failure (one customer) never gets two follow-ups.
        """
        FollowupSource(source)  # raises ValueError for an unknown source
        with self._write() as conn:
            return self._open_followup(
                conn, order_id, record_id, machine_no, reason, meaning, source, source_id
            )

    def _open_followup(
        self,
        conn: sqlite3.Connection,
        order_id: int,
        record_id: int | None,
        machine_no: str,
        reason: str,
        meaning: str,
        source: str,
        source_id: int | None,
    ) -> FollowupRow:
        ts, ts_iso = self._now()
        if source_id is not None:
            same = conn.execute(
                "SELECT * FROM followups WHERE profile = ? AND source = ? AND source_id = ?",
                (self.profile, source, source_id),
            ).fetchone()
            if same is not None:
                return _followup_row(same)
        active = conn.execute(
            """
            SELECT * FROM followups
            WHERE profile = ? AND order_id = ? AND record_id IS ?
              AND state IN ('open', 'refund_requested')
            ORDER BY id LIMIT 1
            """,
            (self.profile, order_id, record_id),
        ).fetchone()
        if active is not None:
            ref = f" #{source_id}" if source_id is not None else ""
            self._add_event(
                conn,
                int(active["id"]),
                "note",
                active["state"],
                active["state"],
                SYSTEM_ACTOR,
                f"reported again ({source}{ref}): {meaning}",
                None,
                ts,
                ts_iso,
            )
            return _followup_row(active)
        cur = conn.execute(
            """
            INSERT INTO followups (ts, ts_iso, profile, order_id, record_id, machine_no, reason,
                meaning, source, source_id, state, updated_ts, updated_iso)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                ts,
                ts_iso,
                self.profile,
                order_id,
                record_id,
                machine_no,
                reason,
                meaning,
                source,
                source_id,
                FollowupState.OPEN.value,
                ts,
                ts_iso,
            ),
        )
        fid = int(cur.lastrowid or 0)
        self._add_event(
            conn,
            fid,
            "opened",
            None,
            FollowupState.OPEN.value,
            SYSTEM_ACTOR,
            meaning,
            None,
            ts,
            ts_iso,
        )
        self._touch_order(conn, order_id, machine_no, f"follow-up opened: {reason}", ts, ts_iso)
        row = conn.execute("SELECT * FROM followups WHERE id = ?", (fid,)).fetchone()
        log.info(
            "follow-up %s opened for order %s record %s: %s", fid, order_id, record_id, meaning
        )
        return _followup_row(row)

    def _add_event(
        self,
        conn: sqlite3.Connection,
        fid: int,
        event: str,
        from_state: str | None,
        to_state: str,
        actor: str,
        note: str,
        action_id: int | None,
        ts: float,
        ts_iso: str,
    ) -> None:
        conn.execute(
            """
            INSERT INTO followup_events (followup_id, ts, ts_iso, profile, event, from_state,
                to_state, actor, note, action_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (fid, ts, ts_iso, self.profile, event, from_state, to_state, actor, note, action_id),
        )

    def _transition(
        self,
        fid: int,
        target: FollowupState,
        note: str,
        actor: str | None,
        action_id: int | None = None,
    ) -> FollowupRow:
        ts, ts_iso = self._now()
        who = self._actor_name(actor)
        with self._write() as conn:
            row = conn.execute(
                "SELECT * FROM followups WHERE id = ? AND profile = ?", (fid, self.profile)
            ).fetchone()
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            if target is FollowupState.REFUND_REQUESTED and not refund_allowed(str(row["reason"])):
                raise FollowupError(
                    f"follow-up {fid} is a suspicious failure callback the platform did not "
                    "confirm: it is never a reason to refund; check it, then dismiss it"
                )
            self._set_state(conn, row, target, note, who, action_id, ts, ts_iso)
            out = self._get_followup(conn, fid)
        assert out is not None
        return out

    def _set_state(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        target: FollowupState,
        note: str,
        who: str,
        action_id: int | None,
        ts: float,
        ts_iso: str,
    ) -> None:
        """Move follow-up ``row`` to ``target`` (checked by ``transition``), journalled as
        an event by ``who``."""
        fid = int(row["id"])
        new = transition(str(row["state"]), target.value, note)
        # Notes are kept: each is added on its own line with who and when.
        line = f"{ts_iso[:16].replace('T', ' ')} {who}: {note.strip()}" if note.strip() else ""
        conn.execute(
            """
            UPDATE followups SET state = :state, updated_ts = :ts, updated_iso = :iso,
                note = CASE WHEN :line = '' THEN note WHEN note = '' THEN :line
                            ELSE note || char(10) || :line END,
                refund_action_id = coalesce(:action, refund_action_id)
            WHERE id = :id
            """,
            {
                "state": new.value,
                "ts": ts,
                "iso": ts_iso,
                "line": line,
                "action": action_id,
                "id": fid,
            },
        )
        self._add_event(
            conn, fid, new.value, str(row["state"]), new.value, who, note, action_id, ts, ts_iso
        )
        self._touch_order(
            conn,
            int(row["order_id"]),
            str(row["machine_no"]),
            f"follow-up {new.value.replace('_', ' ')}",
            ts,
            ts_iso,
        )

    def followup_refund_requested(
        self, fid: int, action_id: int | None, note: str = "", *, actor: str | None = None
    ) -> FollowupRow:
        """open → refund_requested; ``action_id`` is the set-status (refund) action, if any."""
        return self._transition(fid, FollowupState.REFUND_REQUESTED, note, actor, action_id)

    def followup_resolve(self, fid: int, note: str, *, actor: str | None = None) -> FollowupRow:
        """refund_requested → refunded; ``note`` (e.g. the refund reference) is required."""
        return self._transition(fid, FollowupState.REFUNDED, note, actor)

    def followup_dismiss(self, fid: int, reason: str, *, actor: str | None = None) -> FollowupRow:
        """open | refund_requested → dismissed; ``reason`` is required."""
        return self._transition(fid, FollowupState.DISMISSED, reason, actor)

    def followup_add_note(self, fid: int, note: str, *, actor: str | None = None) -> None:
        """A note on a follow-up without changing its state."""
        if not note.strip():
            raise FollowupError("the note is empty")
        ts, ts_iso = self._now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT state FROM followups WHERE id = ? AND profile = ?", (fid, self.profile)
            ).fetchone()
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            state = str(row[0])
            self._add_event(
                conn, fid, "note", state, state, self._actor_name(actor), note, None, ts, ts_iso
            )

    def get_followup(self, fid: int) -> FollowupRow | None:
        """One follow-up, with its order's details, evidence and last actor."""
        with self._read() as conn:
            return self._get_followup(conn, fid)

    def _get_followup(self, conn: sqlite3.Connection, fid: int) -> FollowupRow | None:
        row = conn.execute(
            _FOLLOWUP_SELECT + " WHERE f.profile = ? AND f.id = ?", (self.profile, fid)
        ).fetchone()
        return None if row is None else _followup_row(row)

    def list_followups(self, state: str | None = "open", limit: int = 1000) -> list[FollowupRow]:
        """Follow-ups in ``state`` (``"active"``: open or refund requested; ``None``: all),
        newest first, each with its order's details, evidence and last actor."""
        with self._read() as conn:
            if state is None:
                rows = conn.execute(
                    _FOLLOWUP_SELECT + " WHERE f.profile = ? ORDER BY f.id DESC LIMIT ?",
                    (self.profile, limit),
                ).fetchall()
            elif state == "active":
                rows = conn.execute(
                    _FOLLOWUP_SELECT + " WHERE f.profile = ? AND f.state IN (?, ?) "
                    "ORDER BY f.id DESC LIMIT ?",
                    (self.profile, *_ACTIVE_STATES, limit),
                ).fetchall()
            else:
                rows = conn.execute(
                    _FOLLOWUP_SELECT + " WHERE f.profile = ? AND f.state = ? "
                    "ORDER BY f.id DESC LIMIT ?",
                    (self.profile, FollowupState(state).value, limit),
                ).fetchall()
        return [_followup_row(r) for r in rows]

    def followup_events(self, fid: int) -> list[FollowupEventRow]:
        """A follow-up's events, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM followup_events WHERE followup_id = ? AND profile = ? ORDER BY id",
                (fid, self.profile),
            ).fetchall()
        return [_event_row(r) for r in rows]

    def overdue_dispenses(
        self, now: float, older_than_s: float = DEVICE_TIMEOUT_S
    ) -> list[ActionRow]:
        """Dispenses sent ``ok`` at least ``older_than_s`` ago that still wait for a result
        (no callback, no platform record read), oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT * FROM actions
                WHERE profile = ? AND awaiting_result = 1 AND kind = 'dispense' AND ts <= ?
                ORDER BY id
                """,
                (self.profile, now - older_than_s),
            ).fetchall()
        return [_action_row(r) for r in rows]

    def has_due_checks(
        self, now: float, older_than_s: float = DEVICE_TIMEOUT_S, unconfirmed_after_s: float = 30.0
    ) -> bool:
        """Whether the platform must be asked about anything now: a dispense overdue for
        its result, a "result unknown" follow-up due for a re-check, or a result callback
        nobody has cross-checked (``console.dispensing.run_checks`` does the asking)."""
        with self._read() as conn:
            row = conn.execute(
                """
                SELECT EXISTS (SELECT 1 FROM actions WHERE profile = ?1 AND awaiting_result = 1
                               AND kind = 'dispense' AND ts <= ?2)
                    OR EXISTS (SELECT 1 FROM followups WHERE profile = ?1 AND state = 'open'
                               AND next_check_ts <= ?4)
                    OR EXISTS (SELECT 1 FROM callbacks WHERE profile = ?1
                               AND cross_check = 'unchecked' AND order_id IS NOT NULL
                               AND outcome IN ('success', 'failure') AND duplicate_of IS NULL
                               AND replay_of IS NULL AND ts <= ?5)
                """,
                (self.profile, now - older_than_s, None, now, now - unconfirmed_after_s),
            ).fetchone()
        return bool(row[0])

    def open_unknown_result_followup(self, action_id: int, found: str) -> FollowupRow | None:
        """No result for dispense ``action_id`` and the platform could not say what became
        of it (``found``: still dispensing, unreachable, ...). The item may have dropped:
        the follow-up says so, to be checked before anyone refunds, and is re-checked with
        the platform by itself (``due_unknown_checks``). Returns None when the dispense no
        longer waits (its result came meanwhile)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT * FROM actions WHERE id = ? AND profile = ? AND awaiting_result = 1",
                (action_id, self.profile),
            ).fetchone()
            if row is None or row["order_id"] is None:
                return None
            fid = self._apply_decision(
                conn,
                Decision.UNKNOWN,
                int(row["order_id"]),
                row["record_id"],
                str(row["machine_no"]),
                unknown_result_meaning(DEVICE_TIMEOUT_S, found),
                FollowupSource.TIMEOUT.value,
                action_id,
                f"dispense action #{action_id}",
                Awaiting(action_id=action_id),
            )
            return None if fid is None else self._get_followup(conn, fid)

    def due_unknown_checks(self, now: float) -> list[tuple[FollowupRow, ActionRow | None]]:
        """Open follow-ups with a dispense whose result is unknown ("result unknown" ones,
        and any a later dispense's unknown result joined) whose next re-check with the
        platform is due, each with the dispense action it was opened for (None when not
        known), oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                """
                SELECT * FROM followups
                WHERE profile = ? AND state = 'open' AND next_check_ts <= ?
                ORDER BY id
                """,
                (self.profile, now),
            ).fetchall()
            out: list[tuple[FollowupRow, ActionRow | None]] = []
            for r in rows:
                action = None
                if r["source"] == FollowupSource.TIMEOUT.value and r["source_id"] is not None:
                    found = conn.execute(
                        "SELECT * FROM actions WHERE id = ?", (r["source_id"],)
                    ).fetchone()
                    action = None if found is None else _action_row(found)
                full = self._get_followup(conn, int(r["id"]))
                assert full is not None
                out.append((full, action))
        return out

    def note_unknown_check(self, fid: int, found: str) -> float:
        """A re-check of an unknown result that settled nothing: noted on the follow-up,
        the next one later (``recheck_delay``). Returns when the next is due."""
        ts, ts_iso = self._now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT * FROM followups WHERE id = ? AND profile = ?", (fid, self.profile)
            ).fetchone()
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            checks = int(row["checks"]) + 1
            due = ts + recheck_delay(checks)
            conn.execute(
                "UPDATE followups SET checks = ?, next_check_ts = ? WHERE id = ?",
                (checks, due, fid),
            )
            self._note(conn, row, f"re-checked with the platform: {found}", ts, ts_iso)
        return due

    # -- history and export -------------------------------------------------

    def order_history(self, order_id: int, limit: int = 2000) -> list[HistoryItem]:
        """Everything about one order, oldest first (at most ``limit`` of each kind)."""
        items: list[HistoryItem] = []
        with self._read() as conn:
            actions = conn.execute(
                "SELECT * FROM actions WHERE profile = ? AND order_id = ? ORDER BY id DESC LIMIT ?",
                (self.profile, order_id, limit),
            ).fetchall()
            callbacks = conn.execute(
                """
                SELECT id, ts, ts_iso, summary, outcome, duplicate_of, replay_of, remote,
                       cross_check, cross_check_detail
                FROM callbacks WHERE profile = ? AND order_id = ? ORDER BY id DESC LIMIT ?
                """,
                (self.profile, order_id, limit),
            ).fetchall()
            events = conn.execute(
                """
                SELECT e.*, f.reason AS reason, f.source AS source
                FROM followups f JOIN followup_events e ON e.followup_id = f.id
                WHERE f.profile = ? AND f.order_id = ? ORDER BY e.id DESC LIMIT ?
                """,
                (self.profile, order_id, limit),
            ).fetchall()
        for a in actions:
            rec = f" record {a['record_id']}" if a["record_id"] is not None else ""
            items.append(
                HistoryItem(
                    float(a["ts"]),
                    str(a["ts_iso"]),
                    "action",
                    int(a["id"]),
                    f"{a['kind']}{rec} sent to machine {a['machine_no']}"
                    + (f" by {a['actor']}" if a["actor"] else ""),
                    str(a["request"]),
                )
            )
            if a["finished_ts"] is not None:
                text = f"{a['kind']}{rec}: {a['state']}"
                if a["code"] is not None or a["message"]:
                    text += f" (code {a['code']}, {a['message']})"
                items.append(
                    HistoryItem(
                        float(a["finished_ts"]),
                        str(a["finished_iso"]),
                        "action_result",
                        int(a["id"]),
                        text,
                        str(a["check_text"] or a["detail"]),
                    )
                )
        for c in callbacks:
            text = f"callback {c['summary']}"
            if c["duplicate_of"] is not None:
                text += f" (repeat of #{c['duplicate_of']})"
            if c["replay_of"] is not None:
                text += f" (replay of #{c['replay_of']})"
            check = "" if c["cross_check"] == "unchecked" else f"cross-check {c['cross_check']}"
            if c["cross_check_detail"]:
                check += f": {c['cross_check_detail']}"
            items.append(
                HistoryItem(
                    float(c["ts"]),
                    str(c["ts_iso"]),
                    "callback",
                    int(c["id"]),
                    text,
                    f"from {c['remote']}" + (f"; {check}" if check else ""),
                )
            )
        for e in events:
            text = f"follow-up #{e['followup_id']} {e['event'].replace('_', ' ')}"
            if e["event"] == "opened":
                text += f" ({e['source']}): {e['reason']}"
            items.append(
                HistoryItem(
                    float(e["ts"]),
                    str(e["ts_iso"]),
                    "followup",
                    int(e["followup_id"]),
                    text,
                    f"{e['note']} — {e['actor']}" if e["note"] else str(e["actor"]),
                )
            )
        order = {"action": 0, "callback": 1, "action_result": 2, "followup": 3}
        items.sort(key=lambda i: (i.ts, order.get(i.kind, 9), i.ref_id))
        return items

    def export(self, kind: ExportKind, fmt: ExportFormat, out: TextIO) -> int:
        """Write this profile's ``kind`` rows as CSV or JSON to ``out``; returns the count.

        Reads on its own connection, so a long export does not hold up the
        receiver. CSV cells that a spreadsheet would run as a formula are
        prefixed with ``'`` (callback bodies come from the network).
        """
        if kind not in ("orders", "callbacks", "actions", "followups"):
            raise ValueError(f"unknown export kind {kind!r}")
        if fmt not in ("csv", "json"):
            raise ValueError(f"unknown export format {fmt!r}")
        self._require()
        conn = sqlite3.connect(
            self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
        try:
            conn.row_factory = sqlite3.Row
            return _write_export(conn, self.profile, kind, fmt, out)
        finally:
            conn.close()


# -- row conversion -----------------------------------------------------------


def _action_row(r: sqlite3.Row) -> ActionRow:
    return ActionRow(
        id=int(r["id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        profile=str(r["profile"]),
        kind=str(r["kind"]),
        machine_no=str(r["machine_no"]),
        order_id=r["order_id"],
        record_id=r["record_id"],
        request=_loads_dict(r["request"]) or {},
        state=str(r["state"]),
        code=r["code"],
        message=str(r["message"]),
        response=_loads_dict(r["response"]),
        detail=str(r["detail"]),
        check=str(r["check_text"]),
        finished_ts=r["finished_ts"],
        finished_iso=r["finished_iso"],
        actor=str(r["actor"]),
    )


def _callback_row(r: sqlite3.Row) -> CallbackRow:
    return CallbackRow(
        id=int(r["id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        profile=str(r["profile"]),
        remote=str(r["remote"]),
        content_type=str(r["content_type"]),
        method=str(r["method"]),
        order_id=r["order_id"],
        record_id=r["record_id"],
        deliver_status=str(r["deliver_status"]),
        floor_status=r["floor_status"],
        error_msg=str(r["error_msg"]),
        channel_name=r["channel_name"],
        outcome=str(r["outcome"]),
        summary=str(r["summary"]),
        reason=str(r["reason"]),
        extra=_loads_dict(r["extra"]) or {},
        raw=bytes(r["raw"]),
        raw_size=int(r["raw_size"]),
        dedupe_key=str(r["dedupe_key"]),
        duplicate_of=r["duplicate_of"],
        replay_of=r["replay_of"],
        followup_id=r["followup_id"],
        cross_check=str(r["cross_check"]),
        cross_check_detail=str(r["cross_check_detail"]),
    )


def _record_details(text: str | None) -> tuple[OrderRecordDetail, ...]:
    """An order's ``records`` column (JSON) as rows; unreadable entries are skipped."""
    try:
        items = json.loads(text or "[]")
    except (ValueError, RecursionError):
        return ()
    out: list[OrderRecordDetail] = []
    for d in items if isinstance(items, list) else ():
        if not isinstance(d, dict) or _opt_id(d.get("record_id")) is None:
            continue
        out.append(
            OrderRecordDetail(
                record_id=int(d["record_id"]),
                product_id=int(_opt_id(d.get("product_id")) or 0),
                product_name=str(d.get("product_name") or ""),
                channel_name=str(d.get("channel_name") or ""),
                quantity=int(_opt_id(d.get("quantity")) or 0),
                status=str(d.get("status") or ""),
            )
        )
    return tuple(out)


def _followup_row(r: sqlite3.Row) -> FollowupRow:
    """A follow-up row; with the columns of ``_FOLLOWUP_SELECT`` when they are there."""
    if "last_actor" not in r.keys():  # noqa: SIM118 - sqlite3.Row is not a mapping
        return _bare_followup_row(r)
    record_id = r["record_id"]
    detail = next((d for d in _record_details(r["o_records"]) if d.record_id == record_id), None)
    delivery_id = _opt_id(r["ev_delivery"])
    code = r["ev_code"] if r["source"] == FollowupSource.REFUSED_DISPENSE else None
    return dataclasses.replace(
        _bare_followup_row(r),
        amount=str(r["o_amount"] or ""),
        trade_id=str(r["o_trade_id"] or ""),
        order_date=str(r["o_order_date"] or ""),
        order_status=str(r["o_status"] or ""),
        slot=(detail.channel_name if detail else "") or str(r["ev_slot"] or ""),
        product=detail.product_name if detail else "",
        product_id=(detail.product_id or None) if detail else None,
        evidence=evidence_text(
            str(r["source"]), r["source_id"], delivery_id=delivery_id, code=code
        ),
        delivery_id=delivery_id,
        refusal_code=code,
        actor=str(r["last_actor"] or ""),
    )


def _bare_followup_row(r: sqlite3.Row) -> FollowupRow:
    return FollowupRow(
        id=int(r["id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        profile=str(r["profile"]),
        order_id=int(r["order_id"]),
        record_id=r["record_id"],
        machine_no=str(r["machine_no"]),
        reason=str(r["reason"]),
        meaning=str(r["meaning"]),
        source=str(r["source"]),
        source_id=r["source_id"],
        state=str(r["state"]),
        updated_ts=float(r["updated_ts"]),
        updated_iso=str(r["updated_iso"]),
        refund_action_id=r["refund_action_id"],
        note=str(r["note"]),
        evidence=evidence_text(str(r["source"]), r["source_id"]),
        opened_at=str(r["ts_iso"]),
    )


def _event_row(r: sqlite3.Row) -> FollowupEventRow:
    return FollowupEventRow(
        id=int(r["id"]),
        followup_id=int(r["followup_id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        event=str(r["event"]),
        from_state=r["from_state"],
        to_state=str(r["to_state"]),
        actor=str(r["actor"]),
        note=str(r["note"]),
        action_id=r["action_id"],
    )


# -- export -------------------------------------------------------------------

_EXPORT_SQL: dict[str, str] = {
    "orders": "SELECT * FROM orders WHERE profile = ? ORDER BY last_ts",
    "callbacks": "SELECT * FROM callbacks WHERE profile = ? ORDER BY id",
    "actions": "SELECT * FROM actions WHERE profile = ? ORDER BY id",
    "followups": "SELECT * FROM followups WHERE profile = ? ORDER BY id",
}
# Internal bookkeeping that means nothing outside this file.
_EXPORT_SKIP = frozenset({"session", "pid", "awaiting_result"})
_JSON_COLUMNS = frozenset({"request", "response", "extra"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_record(row: sqlite3.Row) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key in row.keys():  # noqa: SIM118 - sqlite3.Row is not a mapping
        if key in _EXPORT_SKIP:
            continue
        value = row[key]
        if key == "raw":
            record["raw_text"] = bytes(value).decode("utf-8", "replace")
            continue
        if key in _JSON_COLUMNS and value is not None:
            value = _loads_dict(value)
        if key == "check_text":
            key = "check"
        record[key] = value
    return record


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = _dumps(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_export(conn: sqlite3.Connection, profile: str, kind: str, fmt: str, out: TextIO) -> int:
    cursor = conn.execute(_EXPORT_SQL[kind], (profile,))
    count = 0
    if fmt == "json":
        out.write("[")
        for row in cursor:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(_export_record(row), ensure_ascii=False, default=str))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    writer: Any = None
    for row in cursor:
        record = _export_record(row)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(record))
            writer.writeheader()
        writer.writerow({k: _csv_cell(v) for k, v in record.items()})
        count += 1
    if writer is None:
        # No rows: still write the header so the file opens with its columns.
        names = [d[0] for d in (cursor.description or ()) if d[0] not in _EXPORT_SKIP]
        names = ["raw_text" if n == "raw" else "check" if n == "check_text" else n for n in names]
        csv.writer(out).writerow(names)
    return count
