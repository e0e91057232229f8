"""Actions: the intent journalled before a request is sent, its outcome, the clash check
before sending, and recovery of actions a dead process left in flight.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from console.core.errorcodes import explain
from console.core.followup import (
    REASON_REFUND,
    REASON_UNKNOWN,
    Decision,
    Evidence,
    FollowupError,
    FollowupSource,
    FollowupState,
    delivery_evidence,
    failure_meaning,
    platform_decision,
    record_evidence,
    refund_allowed,
    refusal_means_item_out,
    refusal_opens_followup,
    refused_meaning,
)
from console.core.intents import Intent, Running, conflict
from console.core.models import Delivery
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import (
    LAST_PENDING,
    LAST_SETTLED,
    LAST_UNKNOWN,
    RECORD_NOT_PICKED_UP,
    RECORD_STATUS_LABELS,
)
from console.journal import sql
from console.journal.base import (
    SYSTEM_ACTOR,
    Awaiting,
    IntentClash,
    _dumps,
    _loads_dict,
    _opt_id,
    check_text,
)
from console.journal.connection import JournalError
from console.journal.decode import _action_row
from console.journal.followups import _Followups
from console.journal.leases import LIVE_WRITER, lease_now
from console.journal.rows import (
    ACTION_IN_FLIGHT,
    ACTION_KINDS,
    ACTION_OUTCOMES,
    ACTION_UNKNOWN,
    ActionRow,
    FollowupRow,
    LastDispense,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_INSERT_ACTION = """
    INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no, order_id,
                         record_id, request, state, actor)
    VALUES (:ts, :ts_iso, :profile, :session, :pid, :kind, :machine_no, :order_id,
            :record_id, :request, :state, :actor)
"""

log = logging.getLogger(__name__)


class _Actions(_Followups):
    """Actions sent to the platform and their outcomes."""

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
            who = self._actor_name(actor)
            # The writer's lease first: the intent belongs to a live writer once committed.
            self._lease.take(conn, who)
            action_id = sql.insert_id(
                conn,
                _INSERT_ACTION,
                ts=ts,
                ts_iso=ts_iso,
                profile=self.profile,
                session=self._session,
                pid=self._pid,
                kind=kind,
                machine_no=machine_no,
                order_id=order_id,
                record_id=record_id,
                request=_dumps(request),
                state=ACTION_IN_FLIGHT,
                actor=who,
            )
            if order_id is not None:
                what = f"{kind} record {record_id}" if record_id is not None else kind
                self._touch_order(conn, order_id, machine_no, f"{what}: sent", ts, ts_iso)
        self._lease.sending(action_id)
        return action_id

    def _refuse_clash(
        self,
        conn: Connection,
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
            row = sql.row(
                conn,
                "SELECT state, reason FROM followups WHERE id = :id AND profile = :profile",
                id=fid,
                profile=self.profile,
            )
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
        # Each row says whether its writer is alive (holds its lease: console.journal.leases).
        # No order: only test dispenses of the machine (``order_id = NULL`` matches nothing).
        mine = "FALSE" if order_id is None else "order_id = :order_id"
        rows = list(
            sql.rows(
                conn,
                f"""
                SELECT actions.*, {LIVE_WRITER} AS live FROM actions
                WHERE state = 'in_flight' AND profile = :profile
                  AND ({mine} OR (kind = 'test_dispense' AND machine_no = :machine_no))
                """,  # noqa: S608 - constant fragments
                profile=self.profile,
                order_id=order_id,
                machine_no=machine_no,
                lease_now=lease_now(),
            )
        )
        if order_id is not None:
            rows += sql.rows(
                conn,
                f"""
                SELECT actions.*, {LIVE_WRITER} AS live FROM actions
                WHERE profile = :profile AND awaiting_result = 1 AND kind = 'dispense'
                  AND order_id = :order_id
                """,  # noqa: S608 - a constant fragment
                profile=self.profile,
                order_id=order_id,
                lease_now=lease_now(),
            )
        for r in rows:
            in_flight = r["state"] == ACTION_IN_FLIGHT and bool(r["live"])
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
            row = sql.row(conn, "SELECT * FROM actions WHERE id = :id", id=action_id)
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
            sql.run(
                conn,
                """
                UPDATE actions SET state = :state, code = :code, message = :message,
                    response = :response, detail = :detail, check_text = :check,
                    finished_ts = :ts, finished_iso = :ts_iso, order_id = :order_id,
                    awaiting_result = :awaiting, delivery_id = :delivery_id
                WHERE id = :id
                """,
                state=outcome,
                code=code,
                message=message,
                response=None if response is None else _dumps(response),
                detail=detail,
                check=check,
                ts=ts,
                ts_iso=ts_iso,
                order_id=order_id,
                awaiting=awaiting,
                delivery_id=response_delivery_id(response) if kind == "dispense" else None,
                id=action_id,
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
            new = sql.row(conn, "SELECT * FROM actions WHERE id = :id", id=action_id)
        self._lease.done(action_id)
        assert new is not None
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
            action_id = sql.insert_id(
                conn,
                """
                INSERT INTO actions (ts, ts_iso, profile, session, pid, kind, machine_no,
                    order_id, record_id, request, state, response, finished_ts, finished_iso,
                    actor, delivery_id)
                VALUES (:ts, :ts_iso, :profile, :session, :pid, 'delivery_query', :machine_no,
                    :order_id, :record_id, :request, 'ok', :response, :ts, :ts_iso, :actor,
                    :delivery_id)
                """,
                ts=ts,
                ts_iso=ts_iso,
                profile=self.profile,
                session=self._session,
                pid=self._pid,
                machine_no=machine_no,
                order_id=order_id,
                record_id=record_id,
                request=_dumps({**request, "record_id": record_id}),
                response=_dumps(response),
                actor=SYSTEM_ACTOR,
                # Which delivery it read (a follow-up shows it as its evidence).
                delivery_id=_opt_id(request.get("delivery_id")),
            )
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
            sql.run(
                conn,
                "UPDATE actions SET awaiting_result = 1 WHERE id = :id AND kind = 'dispense' "
                "AND order_id IS NOT NULL",
                id=action_id,
            )

    def _has_result(
        self, conn: Connection, order_id: int, record_id: int | None, since: float
    ) -> bool:
        record = "" if record_id is None else "AND record_id = :record_id"
        found = sql.value(
            conn,
            f"""
            SELECT 1 FROM callbacks
            WHERE profile = :profile AND order_id = :order_id {record}
              AND outcome IN ('success', 'failure') AND replay_of IS NULL AND ts >= :since
              AND duplicate_of IS NULL AND cross_check = 'ok'
            LIMIT 1
            """,  # noqa: S608 - a constant fragment
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
            since=since,
        )
        return found is not None

    def get_action(self, action_id: int) -> ActionRow | None:
        with self._read() as conn:
            row = sql.row(
                conn,
                "SELECT * FROM actions WHERE id = :id AND profile = :profile",
                id=action_id,
                profile=self.profile,
            )
        return None if row is None else _action_row(row)

    def last_dispenses(self, order_id: int) -> dict[int, LastDispense]:
        """Record id -> what is known of that record's last dispense of ``order_id``.

        Pending: accepted (``awaiting_result``), or being sent by a live process.
        Unknown: sent without a usable answer (``transport``), or left ``in_flight``
        / ``unknown`` by a process that stopped — unless a result for the record
        (a callback not found suspicious, or the platform's record) was journalled
        after it. Anything else is settled.
        """
        with self._read() as conn:
            rows = sql.rows(
                conn,
                f"""
                SELECT actions.*, {LIVE_WRITER} AS live FROM actions
                WHERE profile = :profile AND order_id = :order_id AND kind = 'dispense'
                  AND record_id IS NOT NULL
                ORDER BY id
                """,  # noqa: S608 - a constant fragment
                profile=self.profile,
                order_id=order_id,
                lease_now=lease_now(),
            )
            latest = {int(r["record_id"]): r for r in rows}  # the newest wins
            found: dict[int, LastDispense] = {}
            for record_id, r in latest.items():
                outcome = str(r["state"])
                if outcome == "ok" and r["awaiting_result"]:
                    state = LAST_PENDING
                elif outcome == "ok":
                    # Past its 120 s with no result the platform could give: still unknown
                    # while its "result unknown" follow-up is open.
                    unknown = sql.value(
                        conn,
                        "SELECT 1 FROM followups WHERE profile = :profile "
                        "AND order_id = :order_id AND record_id = :record_id "
                        "AND state = 'open' AND reason = :reason LIMIT 1",
                        profile=self.profile,
                        order_id=order_id,
                        record_id=record_id,
                        reason=REASON_UNKNOWN,
                    )
                    state = LAST_UNKNOWN if unknown is not None else LAST_SETTLED
                elif outcome == ACTION_IN_FLIGHT and r["live"]:
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
        self, conn: Connection, order_id: int, record_id: int, action: sql.Row
    ) -> bool:
        """Whether a result for the record was journalled after ``action`` was sent."""
        callback = sql.value(
            conn,
            """
            SELECT 1 FROM callbacks
            WHERE profile = :profile AND order_id = :order_id AND record_id = :record_id
              AND outcome IN ('success', 'failure') AND replay_of IS NULL
              AND cross_check != 'suspicious' AND ts >= :since
            LIMIT 1
            """,
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
            since=action["ts"],
        )
        if callback is not None:
            return True
        read = sql.value(
            conn,
            """
            SELECT 1 FROM actions
            WHERE profile = :profile AND order_id = :order_id AND record_id = :record_id
              AND kind = 'delivery_query' AND state = 'ok' AND id > :id
            LIMIT 1
            """,
            profile=self.profile,
            order_id=order_id,
            record_id=record_id,
            id=action["id"],
        )
        return read is not None

    def list_actions(
        self, limit: int = 100, *, order_id: int | None = None, kind: str | None = None
    ) -> list[ActionRow]:
        """Newest first; of one order and/or one kind when given."""
        query = "SELECT * FROM actions WHERE profile = :profile"
        if order_id is not None:
            query += " AND order_id = :order_id"
        if kind is not None:
            query += " AND kind = :kind"
        with self._read() as conn:
            rows = sql.rows(
                conn,
                query + " ORDER BY id DESC LIMIT :limit",
                profile=self.profile,
                order_id=order_id,
                kind=kind,
                limit=limit,
            )
        return [_action_row(r) for r in rows]

    def recover_in_flight(self) -> list[ActionRow]:
        """Turn actions left ``in_flight`` by a dead writer into ``unknown``.

        Covers every profile in the journal (the writer is gone whatever profile it
        used). A writer is dead when its lease ran out or was given up
        (``console.journal.leases``): actions of journals still open — in this process,
        another one, or on another host — are left alone. Each recovered row gets a
        ``check`` text saying what to verify before acting again.
        """
        ts, ts_iso = self._now()
        now = lease_now()
        recovered: list[int] = []
        with self._write() as conn:
            rows = sql.rows(
                conn,
                f"SELECT * FROM actions WHERE state = :state AND NOT {LIVE_WRITER} "  # noqa: S608
                "ORDER BY id",
                state=ACTION_IN_FLIGHT,
                lease_now=now,
            )
            for row in rows:
                request = _loads_dict(row["request"]) or {}
                check = check_text(
                    str(row["kind"]), str(row["machine_no"]), row["order_id"], request
                )
                # A dispense whose answer was lost may have dropped: it waits for a
                # result, and the no-result check asks the platform before anything opens.
                awaiting = 1 if row["kind"] == "dispense" and row["order_id"] is not None else 0
                sql.run(
                    conn,
                    "UPDATE actions SET state = :unknown, check_text = :check, "
                    "finished_ts = :ts, finished_iso = :ts_iso, awaiting_result = :awaiting "
                    "WHERE id = :id AND state = :in_flight",
                    unknown=ACTION_UNKNOWN,
                    check=check,
                    ts=ts,
                    ts_iso=ts_iso,
                    awaiting=awaiting,
                    id=row["id"],
                    in_flight=ACTION_IN_FLIGHT,
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
            # Leases that ran out have nothing left to say.
            sql.run(conn, "DELETE FROM sessions WHERE expires_ts <= :now", now=now)
            result = []
            for i in recovered:
                found = sql.row(conn, "SELECT * FROM actions WHERE id = :id", id=i)
                assert found is not None
                result.append(_action_row(found))
        return result


def response_delivery_id(response: dict[str, Any] | None) -> int | None:
    """The delivery id the platform gave a dispense (in its answer, or its ``data``)."""
    if not response:
        return None
    found = _opt_id(response.get("delivery_id"))
    data = response.get("data")
    if found is None and isinstance(data, dict):
        found = _opt_id(data.get("delivery_id"))
    return found
