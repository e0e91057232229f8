"""The follow-up state machine: evidence opens, upgrades and closes follow-ups; staff
move them on (``console.core.followup`` holds the rules).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from console.core.followup import (
    REASON_REFUND,
    REASON_SUSPICIOUS,
    REASON_UNKNOWN,
    Decision,
    FollowupError,
    FollowupSource,
    FollowupState,
    recheck_delay,
    refund_allowed,
    transition,
    unknown_result_meaning,
)
from console.core.rules import DEVICE_TIMEOUT_S
from console.journal import sql
from console.journal.base import _ACTIVE_STATES, SYSTEM_ACTOR, Awaiting
from console.journal.decode import _action_row, _event_row, _followup_row
from console.journal.orders import _Orders
from console.journal.rows import (
    ActionRow,
    FollowupEventRow,
    FollowupRow,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)


# A follow-up with what staff need to refund, joined at read time: the order as the
# platform last gave it (``note_order_details``), who made the last change, and the
# evidence's details (a callback's slot; a refused dispense's code; a platform
# record's delivery). Add "WHERE f.profile = :profile AND ..." after it.
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
            (SELECT a.delivery_id FROM actions a WHERE a.id = f.source_id) END AS ev_delivery
    FROM followups f
    LEFT JOIN orders o ON o.profile = f.profile AND o.order_id = f.order_id
"""


class _Followups(_Orders):
    """Follow-ups, and which waiting dispenses a piece of evidence answers."""

    def _newest_sent_dispense(self, conn: Connection, order_id: int, record_id: int | None) -> int:
        """The newest dispense of the record the platform answered (0: none)."""
        record = sql.eq_or_null("record_id", "record_id", record_id)
        found = sql.value(
            conn,
            "SELECT max(id) FROM actions WHERE profile = :profile "  # noqa: S608
            f"AND kind = 'dispense' AND order_id = :order_id AND {record} AND state = 'ok'",
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
        )
        return int(found or 0)

    def _stop_awaiting(
        self,
        conn: Connection,
        order_id: int,
        record_id: int | None,
        which: Awaiting | None = None,
    ) -> None:
        """A result arrived: the dispenses it answers no longer wait (``which``: all of the
        record's when None)."""
        query = (
            "UPDATE actions SET awaiting_result = 0 WHERE profile = :profile "
            "AND awaiting_result = 1 AND kind = 'dispense' AND order_id = :order_id"
        )
        if record_id is not None:
            query += " AND record_id = :record_id"
        if which is not None and which.action_id is not None:
            query += " AND id = :action_id"
        if which is not None and which.delivery_id is not None:
            # The delivery id the platform gave the dispense (revision 0002's column).
            query += " AND delivery_id = :delivery_id"
        sql.run(
            conn,
            query,
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
            action_id=None if which is None else which.action_id,
            delivery_id=None if which is None else which.delivery_id,
        )

    def _apply_decision(
        self,
        conn: Connection,
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
            sql.run(
                conn,
                "INSERT INTO items_out (profile, order_id, record_id, ts, evidence) "
                "VALUES (:profile, :order_id, :record_id, :ts, :evidence) ON CONFLICT DO NOTHING",
                profile=self.profile,
                order_id=order_id,
                record_id=record_id,
                ts=ts,
                evidence=evidence,
            )
        if decision in (Decision.REFUND, Decision.UNKNOWN) and record_id is not None:
            out = sql.row(
                conn,
                "SELECT evidence FROM items_out WHERE profile = :profile "
                "AND order_id = :order_id AND record_id = :record_id",
                profile=self.profile,
                order_id=order_id,
                record_id=record_id,
            )
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
                sql.run(conn, "UPDATE followups SET next_check_ts = NULL WHERE id = :id", id=fid)
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
                sql.run(
                    conn,
                    "UPDATE followups SET next_check_ts = NULL WHERE id = :id",
                    id=active["id"],
                )
            if active is not None and active["reason"] != REASON_REFUND:
                if active["state"] == FollowupState.OPEN.value:
                    sql.run(
                        conn,
                        "UPDATE followups SET reason = :reason, meaning = :meaning, "
                        "next_check_ts = NULL, updated_ts = :ts, updated_iso = :ts_iso "
                        "WHERE id = :id",
                        reason=REASON_REFUND,
                        meaning=meaning,
                        ts=ts,
                        ts_iso=ts_iso,
                        id=active["id"],
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
            sql.run(
                conn,
                "UPDATE followups SET next_check_ts = :due WHERE id = :id "
                "AND next_check_ts IS NULL",
                due=ts + recheck_delay(0),
                id=active["id"],
            )
            if active["reason"] == REASON_SUSPICIOUS and active["state"] == FollowupState.OPEN:
                # A real dispense's result is unknown: that, not a forged report, is what
                # must be checked (and is re-checked by itself).
                sql.run(
                    conn,
                    "UPDATE followups SET reason = :reason, meaning = :meaning, "
                    "next_check_ts = :due, updated_ts = :ts, updated_iso = :ts_iso "
                    "WHERE id = :id",
                    reason=REASON_UNKNOWN,
                    meaning=meaning,
                    due=ts + recheck_delay(0),
                    ts=ts,
                    ts_iso=ts_iso,
                    id=active["id"],
                )
            self._note(conn, active, f"{evidence}: {meaning}", ts, ts_iso)
            return int(active["id"])
        row = self._open_followup(
            conn, order_id, record_id, machine_no, REASON_UNKNOWN, meaning, source, source_id
        )
        sql.run(
            conn,
            "UPDATE followups SET next_check_ts = :due WHERE id = :id AND next_check_ts IS NULL",
            due=ts + recheck_delay(0),
            id=row.id,
        )
        return row.id

    def _active_followup(
        self, conn: Connection, order_id: int, record_id: int | None
    ) -> sql.Row | None:
        record = sql.eq_or_null("record_id", "record_id", record_id)
        return sql.row(
            conn,
            f"""
            SELECT * FROM followups
            WHERE profile = :profile AND order_id = :order_id AND {record}
              AND state IN ('open', 'refund_requested')
            ORDER BY id LIMIT 1
            """,  # noqa: S608 - a constant fragment
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
        )

    def _note(self, conn: Connection, followup: sql.Row, note: str, ts: float, ts_iso: str) -> None:
        state = str(followup["state"])
        self._add_event(
            conn, int(followup["id"]), "note", state, state, SYSTEM_ACTOR, note, None, ts, ts_iso
        )

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
        conn: Connection,
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
            same = sql.row(
                conn,
                "SELECT * FROM followups WHERE profile = :profile AND source = :source "
                "AND source_id = :source_id",
                profile=self.profile,
                source=source,
                source_id=source_id,
            )
            if same is not None:
                return _followup_row(same)
        active = self._active_followup(conn, order_id, record_id)
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
        fid = sql.insert_id(
            conn,
            """
            INSERT INTO followups (ts, ts_iso, profile, order_id, record_id, machine_no, reason,
                meaning, source, source_id, state, updated_ts, updated_iso)
            VALUES (:ts, :ts_iso, :profile, :order_id, :record_id, :machine_no, :reason,
                :meaning, :source, :source_id, :state, :ts, :ts_iso)
            """,
            ts=ts,
            ts_iso=ts_iso,
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
            machine_no=machine_no,
            reason=reason,
            meaning=meaning,
            source=source,
            source_id=source_id,
            state=FollowupState.OPEN.value,
        )
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
        row = sql.row(conn, "SELECT * FROM followups WHERE id = :id", id=fid)
        assert row is not None
        log.info(
            "follow-up %s opened for order %s record %s: %s", fid, order_id, record_id, meaning
        )
        return _followup_row(row)

    def _add_event(
        self,
        conn: Connection,
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
        sql.run(
            conn,
            """
            INSERT INTO followup_events (followup_id, ts, ts_iso, profile, event, from_state,
                to_state, actor, note, action_id)
            VALUES (:fid, :ts, :ts_iso, :profile, :event, :from_state, :to_state, :actor, :note,
                :action_id)
            """,
            fid=fid,
            ts=ts,
            ts_iso=ts_iso,
            profile=self.profile,
            event=event,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            note=note,
            action_id=action_id,
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
            row = sql.row(
                conn,
                "SELECT * FROM followups WHERE id = :id AND profile = :profile",
                id=fid,
                profile=self.profile,
            )
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
        conn: Connection,
        row: sql.Row,
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
        # The line and its newline are parameters of their own: no dialect's char(), and
        # PostgreSQL never has to guess a type (a NULL action leaves the column as it was).
        action = "" if action_id is None else ", refund_action_id = :action"
        note_sql = (
            "note" if not line else "CASE WHEN note = '' THEN :line ELSE note || :nl_line END"
        )
        sql.run(
            conn,
            f"""
            UPDATE followups SET state = :state, updated_ts = :ts, updated_iso = :iso,
                note = {note_sql}{action}
            WHERE id = :id
            """,  # noqa: S608 - constant fragments
            state=new.value,
            ts=ts,
            iso=ts_iso,
            line=line,
            nl_line="\n" + line,
            action=action_id,
            id=fid,
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
            row = sql.row(
                conn,
                "SELECT state FROM followups WHERE id = :id AND profile = :profile",
                id=fid,
                profile=self.profile,
            )
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            state = str(row["state"])
            self._add_event(
                conn, fid, "note", state, state, self._actor_name(actor), note, None, ts, ts_iso
            )

    def get_followup(self, fid: int) -> FollowupRow | None:
        """One follow-up, with its order's details, evidence and last actor."""
        with self._read() as conn:
            return self._get_followup(conn, fid)

    def _get_followup(self, conn: Connection, fid: int) -> FollowupRow | None:
        row = sql.row(
            conn,
            _FOLLOWUP_SELECT + " WHERE f.profile = :profile AND f.id = :id",
            profile=self.profile,
            id=fid,
        )
        return None if row is None else _followup_row(row)

    def list_followups(self, state: str | None = "open", limit: int = 1000) -> list[FollowupRow]:
        """Follow-ups in ``state`` (``"active"``: open or refund requested; ``None``: all),
        newest first, each with its order's details, evidence and last actor."""
        with self._read() as conn:
            if state is None:
                rows = sql.rows(
                    conn,
                    _FOLLOWUP_SELECT
                    + " WHERE f.profile = :profile ORDER BY f.id DESC LIMIT :limit",
                    profile=self.profile,
                    limit=limit,
                )
            elif state == "active":
                rows = sql.rows(
                    conn,
                    _FOLLOWUP_SELECT + " WHERE f.profile = :profile AND f.state IN (:s1, :s2) "
                    "ORDER BY f.id DESC LIMIT :limit",
                    profile=self.profile,
                    s1=_ACTIVE_STATES[0],
                    s2=_ACTIVE_STATES[1],
                    limit=limit,
                )
            else:
                rows = sql.rows(
                    conn,
                    _FOLLOWUP_SELECT + " WHERE f.profile = :profile AND f.state = :state "
                    "ORDER BY f.id DESC LIMIT :limit",
                    profile=self.profile,
                    state=FollowupState(state).value,
                    limit=limit,
                )
        return [_followup_row(r) for r in rows]

    def followup_events(self, fid: int) -> list[FollowupEventRow]:
        """A follow-up's events, oldest first."""
        with self._read() as conn:
            rows = sql.rows(
                conn,
                "SELECT * FROM followup_events WHERE followup_id = :fid AND profile = :profile "
                "ORDER BY id",
                fid=fid,
                profile=self.profile,
            )
        return [_event_row(r) for r in rows]

    def overdue_dispenses(
        self, now: float, older_than_s: float = DEVICE_TIMEOUT_S
    ) -> list[ActionRow]:
        """Dispenses sent ``ok`` at least ``older_than_s`` ago that still wait for a result
        (no callback, no platform record read), oldest first."""
        with self._read() as conn:
            rows = sql.rows(
                conn,
                """
                SELECT * FROM actions
                WHERE profile = :profile AND awaiting_result = 1 AND kind = 'dispense'
                  AND ts <= :before
                ORDER BY id
                """,
                profile=self.profile,
                before=now - older_than_s,
            )
        return [_action_row(r) for r in rows]

    def has_due_checks(
        self, now: float, older_than_s: float = DEVICE_TIMEOUT_S, unconfirmed_after_s: float = 30.0
    ) -> bool:
        """Whether the platform must be asked about anything now: a dispense overdue for
        its result, a "result unknown" follow-up due for a re-check, or a result callback
        nobody has cross-checked (``console.dispensing.run_checks`` does the asking)."""
        with self._read() as conn:
            due = sql.value(
                conn,
                """
                SELECT EXISTS (SELECT 1 FROM actions WHERE profile = :profile
                               AND awaiting_result = 1 AND kind = 'dispense' AND ts <= :overdue)
                    OR EXISTS (SELECT 1 FROM followups WHERE profile = :profile
                               AND state = 'open' AND next_check_ts <= :now)
                    OR EXISTS (SELECT 1 FROM callbacks WHERE profile = :profile
                               AND cross_check = 'unchecked' AND order_id IS NOT NULL
                               AND outcome IN ('success', 'failure') AND duplicate_of IS NULL
                               AND replay_of IS NULL AND ts <= :unconfirmed)
                """,
                profile=self.profile,
                overdue=now - older_than_s,
                now=now,
                unconfirmed=now - unconfirmed_after_s,
            )
        return bool(due)

    def open_unknown_result_followup(self, action_id: int, found: str) -> FollowupRow | None:
        """No result for dispense ``action_id`` and the platform could not say what became
        of it (``found``: still dispensing, unreachable, ...). The item may have dropped:
        the follow-up says so, to be checked before anyone refunds, and is re-checked with
        the platform by itself (``due_unknown_checks``). Returns None when the dispense no
        longer waits (its result came meanwhile)."""
        with self._write() as conn:
            row = sql.row(
                conn,
                "SELECT * FROM actions WHERE id = :id AND profile = :profile "
                "AND awaiting_result = 1",
                id=action_id,
                profile=self.profile,
            )
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
            rows = sql.rows(
                conn,
                """
                SELECT * FROM followups
                WHERE profile = :profile AND state = 'open' AND next_check_ts <= :now
                ORDER BY id
                """,
                profile=self.profile,
                now=now,
            )
            out: list[tuple[FollowupRow, ActionRow | None]] = []
            for r in rows:
                action = None
                if r["source"] == FollowupSource.TIMEOUT.value and r["source_id"] is not None:
                    found = sql.row(conn, "SELECT * FROM actions WHERE id = :id", id=r["source_id"])
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
            row = sql.row(
                conn,
                "SELECT * FROM followups WHERE id = :id AND profile = :profile",
                id=fid,
                profile=self.profile,
            )
            if row is None:
                raise FollowupError(f"no follow-up {fid}")
            checks = int(row["checks"]) + 1
            due = ts + recheck_delay(checks)
            sql.run(
                conn,
                "UPDATE followups SET checks = :checks, next_check_ts = :due WHERE id = :id",
                checks=checks,
                due=due,
                id=fid,
            )
            self._note(conn, row, f"re-checked with the platform: {found}", ts, ts_iso)
        return due
