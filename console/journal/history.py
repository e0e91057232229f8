"""An order's history and a machine's activity, read from the journal."""

from __future__ import annotations

import logging

from console.core import history as words
from console.core.rules import DEVICE_TIMEOUT_S
from console.journal import sql
from console.journal.base import JournalBase
from console.journal.decode import _action_row, _callback_row
from console.journal.rows import (
    ActionRow,
    CallbackRow,
    HistoryItem,
)

log = logging.getLogger(__name__)


class _History(JournalBase):
    """What the journal knows about one order or one machine."""

    def order_history(self, order_id: int, limit: int = 2000) -> list[HistoryItem]:
        """Everything about one order, oldest first (at most ``limit`` of each kind)."""
        items: list[HistoryItem] = []
        with self._read() as conn:
            mine = {"profile": self.profile, "order_id": order_id, "limit": limit}
            actions = sql.rows(
                conn,
                "SELECT * FROM actions WHERE profile = :profile AND order_id = :order_id "
                "ORDER BY id DESC LIMIT :limit",
                **mine,
            )
            callbacks = sql.rows(
                conn,
                """
                SELECT id, ts, ts_iso, summary, outcome, duplicate_of, replay_of, remote,
                       cross_check, cross_check_detail
                FROM callbacks WHERE profile = :profile AND order_id = :order_id
                ORDER BY id DESC LIMIT :limit
                """,
                **mine,
            )
            events = sql.rows(
                conn,
                """
                SELECT e.*, f.reason AS reason, f.source AS source
                FROM followups f JOIN followup_events e ON e.followup_id = f.id
                WHERE f.profile = :profile AND f.order_id = :order_id
                ORDER BY e.id DESC LIMIT :limit
                """,
                **mine,
            )
        for a in actions:
            sent = words.action_sent(a["kind"], a["record_id"], a["machine_no"], a["actor"])
            items.append(
                HistoryItem(
                    float(a["ts"]),
                    str(a["ts_iso"]),
                    "action",
                    int(a["id"]),
                    str(sent),
                    str(a["request"]),
                    sent,
                )
            )
            if a["finished_ts"] is not None:
                result = words.action_result(
                    a["kind"], a["record_id"], a["state"], a["code"], a["message"]
                )
                items.append(
                    HistoryItem(
                        float(a["finished_ts"]),
                        str(a["finished_iso"]),
                        "action_result",
                        int(a["id"]),
                        str(result),
                        str(a["check_text"] or a["detail"]),
                        result,
                    )
                )
        for c in callbacks:
            line = words.callback_item(c["summary"], c["duplicate_of"], c["replay_of"])
            check = "" if c["cross_check"] == "unchecked" else f"cross-check {c['cross_check']}"
            if c["cross_check_detail"]:
                check += f": {c['cross_check_detail']}"
            items.append(
                HistoryItem(
                    float(c["ts"]),
                    str(c["ts_iso"]),
                    "callback",
                    int(c["id"]),
                    str(line),
                    f"from {c['remote']}" + (f"; {check}" if check else ""),
                    line,
                )
            )
        for e in events:
            event = words.followup_event(e["followup_id"], e["event"], e["source"], e["reason"])
            items.append(
                HistoryItem(
                    float(e["ts"]),
                    str(e["ts_iso"]),
                    "followup",
                    int(e["followup_id"]),
                    str(event),
                    f"{e['note']} — {e['actor']}" if e["note"] else str(e["actor"]),
                    event,
                )
            )
        order = {"action": 0, "callback": 1, "action_result": 2, "followup": 3}
        items.sort(key=lambda i: (i.ts, order.get(i.kind, 9), i.ref_id))
        return items

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
        (``orders_recent``, ``callbacks_order``, ``actions_order``); on SQLite, ``CROSS
        JOIN`` keeps it from walking the whole profile by id instead
        (``sql.cross_join``: PostgreSQL plans the join by itself).
        """
        with self._read() as conn:
            join = sql.cross_join(conn.dialect)
            actions = sql.rows(
                conn,
                f"""
                SELECT a.* FROM orders o
                {join} actions a ON a.profile = o.profile AND a.order_id = o.order_id
                WHERE o.profile = :profile AND o.last_ts >= :since AND o.machine_no = :machine_no
                UNION ALL
                SELECT a.* FROM actions a
                WHERE a.profile = :profile AND a.order_id IS NULL AND a.kind = 'test_dispense'
                  AND a.ts >= :tests_since
                ORDER BY id DESC LIMIT :limit
                """,  # noqa: S608 - a constant fragment
                profile=self.profile,
                since=since,
                machine_no=machine_no,
                tests_since=since - DEVICE_TIMEOUT_S - 60,
                limit=limit,
            )
            callbacks = sql.rows(
                conn,
                f"""
                SELECT c.* FROM orders o
                {join} callbacks c ON c.profile = o.profile AND c.order_id = o.order_id
                WHERE o.profile = :profile AND o.last_ts >= :since AND o.machine_no = :machine_no
                  AND c.ts >= :since
                UNION ALL
                SELECT c.* FROM callbacks c
                WHERE c.profile = :profile AND c.order_id IS NULL AND c.channel_name IS NOT NULL
                  AND c.ts >= :since
                ORDER BY id DESC LIMIT :limit
                """,  # noqa: S608 - a constant fragment
                profile=self.profile,
                since=since,
                machine_no=machine_no,
                limit=limit,
            )
        return [_action_row(r) for r in actions], [_callback_row(r) for r in callbacks]
