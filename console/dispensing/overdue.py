"""No result within the platform's 120 s: ask the platform before anything opens.

A dispense sent ``ok`` waits for its result (a callback, or the platform's
dispense record read while waiting). When none came within ``older_than_s``,
the platform's record is read now:

- it says the item dropped → the result is journalled, no follow-up;
- it says the dispense failed or timed out → the refund follow-up opens, with
  the fault;
- it is still pending, cannot be read, or there is no delivery id to ask about
  → a follow-up opens that says *result unknown — check before refunding*
  (the item may have dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from console.api.errors import ApiError
from console.core.models import Delivery
from console.core.rules import DEVICE_TIMEOUT_S
from console.journal import ActionRow, FollowupRow


class OverdueJournal(Protocol):
    """What the check needs of the journal (the window routes it to its journal thread)."""

    def overdue_dispenses(self, now: float, older_than_s: float = ...) -> list[ActionRow]: ...

    def record_dispense_result(
        self, order_id: int, record_id: int | None, machine_no: str, delivery: Delivery
    ) -> FollowupRow | None: ...

    def open_unknown_result_followup(self, action_id: int, found: str) -> FollowupRow | None: ...


ReadDelivery = Callable[[int, str], Delivery]  # (delivery id, machine number) -> the record


@dataclass(frozen=True)
class OverdueCheck:
    """What the check found for one dispense and what it decided."""

    action_id: int
    order_id: int
    record_id: int | None
    machine_no: str
    delivery_id: int
    sent_iso: str
    found: str  # the platform's answer, in plain words
    decision: str  # "result recorded" | "follow-up opened" | "result unknown"
    followup: FollowupRow | None


def _delivery_id(action: ActionRow) -> int:
    response = action.response or {}
    data = response.get("data") if isinstance(response.get("data"), dict) else response
    value = data.get("delivery_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def check_overdue(
    read_delivery: ReadDelivery,
    journal: OverdueJournal,
    now: float,
    older_than_s: float = DEVICE_TIMEOUT_S,
) -> list[OverdueCheck]:
    """Apply the no-result rule to every overdue dispense; one ``OverdueCheck`` each."""
    checks: list[OverdueCheck] = []
    for action in journal.overdue_dispenses(now, older_than_s):
        if action.order_id is None:
            continue
        did = _delivery_id(action)
        record: Delivery | None = None
        if not did:
            found = "no delivery id to ask about"
        else:
            try:
                record = read_delivery(did, action.machine_no)
            except ApiError as exc:
                found = f"platform not reachable: {exc}"
            else:
                if record.pending:
                    found = f"still {record.status or 'pending'}"
                elif record.succeeded:
                    found = "picked up" if record.pickup_at else "success"
                else:
                    found = f"failed: {record.fail_reason or record.status}"
        if record is not None and not record.pending:
            followup = journal.record_dispense_result(
                action.order_id, action.record_id, action.machine_no, record
            )
            decision = "follow-up opened" if followup is not None else "result recorded"
        else:
            followup = journal.open_unknown_result_followup(action.id, found)
            decision = "result unknown"
        checks.append(
            OverdueCheck(
                action.id,
                action.order_id,
                action.record_id,
                action.machine_no,
                did,
                action.ts_iso,
                found,
                decision,
                followup,
            )
        )
    return checks
