"""Refund a follow-up: the order's status 2 on the platform, then the follow-up moves on.

One place for the window's *Refund customer…* and ``vendctl followup refund``.
The journal refuses the intent (nothing is sent) unless the follow-up is open
and may be refunded (a suspicious callback may not), and while a status change
or dispense of the order is running or a dispense still waits for its result
(``console.core.intents``).
"""

from __future__ import annotations

from typing import Any, Protocol

from console.api.errors import PlatformRefused
from console.core.status import OrderStatus
from console.dispensing.engine import JournalCall, Platform, journalled
from console.journal import FollowupRow, Journal


class StatusPlatform(Platform, Protocol):
    def set_order_status(self, order_id: int, machine_no: str, status: OrderStatus) -> Any: ...


def refund_followup(
    platform: StatusPlatform,
    journal: Journal,
    followup: FollowupRow,
    note: str = "",
    *,
    call: JournalCall | None = None,
    actor: str | None = None,
) -> tuple[FollowupRow, int]:
    """Send status 2 for the follow-up's order, then mark it refund requested; returns the
    follow-up and the set-status action id. A refusal is noted on the follow-up and raised."""
    run: JournalCall = call if call is not None else (lambda fn, *a, **k: fn(*a, **k))
    request = {
        "machine_no": followup.machine_no,
        "status": int(OrderStatus.REFUND),
        "status_label": OrderStatus.REFUND.label_en,
        "followup_id": followup.id,
    }
    try:
        _, action_id = journalled(
            journal,
            "set_status",
            followup.machine_no,
            followup.order_id,
            request,
            lambda: platform.set_order_status(
                followup.order_id, followup.machine_no, OrderStatus.REFUND
            ),
            call=run,
            mask=platform.masked,
            actor=actor,
        )
    except PlatformRefused as exc:
        run(
            journal.followup_add_note,
            followup.id,
            f"refund status refused by the platform: {exc.code} {exc.message}",
        )
        raise
    row: FollowupRow = run(
        journal.followup_refund_requested, followup.id, action_id, note, actor=actor
    )
    return row, action_id
