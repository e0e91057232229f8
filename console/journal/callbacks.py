"""Journalling callbacks (one or a group commit) and applying their cross-checks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from console.core.callback import Callback
from console.core.followup import (
    Decision,
    FollowupSource,
    callback_decision,
    failure_meaning,
)
from console.journal import sql
from console.journal.base import MAX_RAW, Awaiting, _dumps
from console.journal.connection import JournalError
from console.journal.decode import _callback_row
from console.journal.followups import _Followups
from console.journal.rows import (
    CROSS_CHECK_VERDICTS,
    MALFORMED,
    CallbackArrival,
    CallbackRow,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

# What recording a callback needs to know, in one query, read before its insert (the
# callback's own row changes none of it): the first counted callback with the same key
# (a repeat is recorded as its duplicate); the order's machine as the journal knows it,
# else its latest action's. With no order, only the first column means anything.
# The callback hot path: compiled once per dialect and run on the driver's cursor
# (console.journal.sql says what was measured).
_CALLBACK_CONTEXT = """
    SELECT
        (SELECT id FROM callbacks
         WHERE profile = :profile AND dedupe_key = :key AND duplicate_of IS NULL
           AND replay_of IS NULL AND outcome != 'malformed'
         ORDER BY id LIMIT 1),
        COALESCE(
            (SELECT NULLIF(machine_no, '') FROM orders
             WHERE profile = :profile AND order_id = :order_id),
            (SELECT machine_no FROM actions WHERE profile = :profile AND order_id = :order_id
             ORDER BY id DESC LIMIT 1),
            '')
"""
_REPLAYED = "SELECT dedupe_key FROM callbacks WHERE id = :id AND profile = :profile"
_INSERT_CALLBACK = """
    INSERT INTO callbacks (ts, ts_iso, profile, remote, content_type, method, order_id,
        record_id, deliver_status, floor_status, error_msg, channel_name, outcome, summary,
        reason, extra, raw, raw_size, dedupe_key, duplicate_of, replay_of)
    VALUES (:ts, :ts_iso, :profile, :remote, :content_type, :method, :order_id, :record_id,
        :deliver_status, :floor_status, :error_msg, :channel_name, :outcome, :summary,
        :reason, :extra, :raw, :raw_size, :dedupe_key, :duplicate_of, :replay_of)
"""


class _CallbackContext(NamedTuple):
    """The order-related columns of ``_CALLBACK_CONTEXT_SQL``."""

    machine_no: str


class _Callbacks(_Followups):
    """Callbacks received, their repeats and replays, and their cross-check verdicts."""

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
        conn: Connection,
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
            orig = sql.first(conn, _REPLAYED, id=replay_of, profile=self.profile)
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
            found = sql.first(
                conn, _CALLBACK_CONTEXT, profile=self.profile, order_id=cb.order_id, key=key
            )
            assert found is not None
            first, *rest = found
            if may_repeat and first is not None:
                duplicate_of = int(first)
            if cb.order_id is not None:
                context = _CallbackContext(*rest)
        raw = bytes(cb.raw)
        # The columns stored are the row returned: one list of them for both.
        stored: dict[str, Any] = {
            "ts": ts,
            "ts_iso": ts_iso,
            "profile": self.profile,
            "remote": remote,
            "content_type": content_type,
            "method": cb.method,
            "order_id": cb.order_id,
            "record_id": cb.record_id,
            "deliver_status": cb.deliver_status,
            "floor_status": cb.floor_status,
            "error_msg": cb.error_msg,
            "channel_name": cb.channel_name,
            "outcome": outcome,
            "summary": summary,
            "reason": "; ".join(cb.problems),
            "raw": raw[:MAX_RAW],
            "raw_size": len(raw),
            "dedupe_key": key,
            "duplicate_of": duplicate_of,
            "replay_of": replay_of,
        }
        callback_id = sql.insert_id(conn, _INSERT_CALLBACK, **stored, extra=_dumps(cb.extra))
        followup_id: int | None = None
        if context is not None and duplicate_of is None and replay_of is None:
            followup_id = self._apply_callback_rules(
                conn, callback_id, cb, ts, ts_iso, summary, context
            )
        return CallbackRow(
            id=callback_id,
            **stored,
            extra=dict(cb.extra),
            followup_id=followup_id,
            cross_check="unchecked",
            cross_check_detail="",
            order_machine=context.machine_no if context is not None else "",
        )

    def _apply_callback_rules(
        self,
        conn: Connection,
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
            callback_id = sql.insert_id(
                conn,
                """
                INSERT INTO callbacks (ts, ts_iso, profile, remote, content_type, outcome,
                    summary, reason, raw, raw_size)
                VALUES (:ts, :ts_iso, :profile, :remote, :content_type, :outcome, :summary,
                    :reason, :raw, :raw_size)
                """,
                ts=ts,
                ts_iso=ts_iso,
                profile=self.profile,
                remote=remote,
                content_type=content_type,
                outcome=MALFORMED,
                summary=summary,
                reason=reason,
                raw=body[:MAX_RAW],
                raw_size=len(body),
            )
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
            changed = sql.run(
                conn,
                "UPDATE callbacks SET cross_check = :verdict, cross_check_detail = :detail, "
                "cross_check_ts = :ts WHERE id = :id",
                verdict=verdict,
                detail=detail,
                ts=ts,
                id=callback_id,
            )
            if changed == 0:
                raise JournalError(f"no callback {callback_id}")
            row = sql.row(
                conn,
                "SELECT * FROM callbacks WHERE id = :id AND profile = :profile",
                id=callback_id,
                profile=self.profile,
            )
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
            context = sql.first(
                conn, _CALLBACK_CONTEXT, profile=self.profile, order_id=order_id, key=""
            )
            assert context is not None
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
                sql.run(
                    conn,
                    "UPDATE callbacks SET followup_id = :fid WHERE id = :id",
                    fid=fid,
                    id=callback_id,
                )
        return fid

    def unconfirmed_results(self, before_ts: float, limit: int = 200) -> list[CallbackRow]:
        """Result callbacks of orders that no cross-check has confirmed yet (the receiver
        stopped before checking them, or a flood filled its queue), received before
        ``before_ts``, oldest first. Repeats and replays are not listed."""
        with self._read() as conn:
            rows = sql.rows(
                conn,
                """
                SELECT * FROM callbacks
                WHERE profile = :profile AND cross_check = 'unchecked' AND order_id IS NOT NULL
                  AND outcome IN ('success', 'failure') AND duplicate_of IS NULL
                  AND replay_of IS NULL AND ts <= :before
                ORDER BY id LIMIT :limit
                """,
                profile=self.profile,
                before=before_ts,
                limit=limit,
            )
        return [_callback_row(r) for r in rows]

    def get_callback(self, callback_id: int) -> CallbackRow | None:
        with self._read() as conn:
            row = sql.row(
                conn,
                "SELECT * FROM callbacks WHERE id = :id AND profile = :profile",
                id=callback_id,
                profile=self.profile,
            )
        return None if row is None else _callback_row(row)

    def list_callbacks(self, limit: int = 100, *, order_id: int | None = None) -> list[CallbackRow]:
        """Newest first."""
        with self._read() as conn:
            mine = "" if order_id is None else " AND order_id = :order_id"
            rows = sql.rows(
                conn,
                f"SELECT * FROM callbacks WHERE profile = :profile{mine} "  # noqa: S608
                "ORDER BY id DESC LIMIT :limit",
                profile=self.profile,
                order_id=order_id,
                limit=limit,
            )
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
            rows = sql.rows(
                conn,
                """
                SELECT CASE WHEN replay_of IS NOT NULL THEN 'replay'
                            WHEN duplicate_of IS NOT NULL THEN 'duplicate'
                            ELSE outcome END AS k, count(*) AS n
                FROM callbacks WHERE profile = :profile GROUP BY k
                """,
                profile=self.profile,
            )
        for k, n in ((r["k"], r["n"]) for r in rows):
            counts[str(k)] = int(n)
        return counts
