"""No result within the platform's 120 s: ask the platform before anything opens.

A dispense sent ``ok`` waits for its result (a confirmed callback, or the
platform's dispense record read while waiting); so does one whose answer was
lost (the console was killed, or the connection broke after sending). When no
result came within ``older_than_s``, the platform is asked now:

- its dispense record (or, with no delivery id, the order's record) says the
  item is out → the result is journalled, no follow-up, and an open or unknown
  follow-up of that record closes by itself;
- it says the dispense failed or timed out (or the record is still not picked
  up after the platform's own timeout) → the refund follow-up opens, with the
  fault;
- it is still dispensing or cannot be asked → a follow-up opens that says
  *result unknown — check before refunding* (the item may have dropped).

Each "result unknown" follow-up is asked about again by itself, with a growing
pause (``console.core.followup.recheck_delay``), until the platform settles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from console.api.errors import ApiError
from console.core.followup import Evidence, delivery_evidence, record_evidence
from console.core.models import Delivery, Order
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import RECORD_STATUS_LABELS
from console.journal import ActionRow, FollowupRow


class OverdueJournal(Protocol):
    """What the check needs of the journal (the window routes it to its journal thread)."""

    def overdue_dispenses(self, now: float, older_than_s: float = ...) -> list[ActionRow]: ...

    def record_dispense_result(
        self, order_id: int, record_id: int | None, machine_no: str, delivery: Delivery
    ) -> FollowupRow | None: ...

    def record_order_result(
        self,
        order_id: int,
        record_id: int,
        machine_no: str,
        record_status: str,
        device_timeout_passed: bool,
        action_id: int | None = None,
    ) -> FollowupRow | None: ...

    def open_unknown_result_followup(self, action_id: int, found: str) -> FollowupRow | None: ...

    def due_unknown_checks(self, now: float) -> list[tuple[FollowupRow, ActionRow | None]]: ...

    def note_unknown_check(self, fid: int, found: str) -> float: ...

    def get_followup(self, fid: int) -> FollowupRow | None: ...


class Platform(Protocol):
    """What the check asks the platform (``console.api.Client`` has both)."""

    def get_delivery(self, delivery_id: int, machine_no: str) -> Delivery: ...

    def get_order(self, order_id: int, machine_no: str) -> Order: ...


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
    # "result recorded" | "follow-up opened" | "result unknown" (a follow-up says so) |
    # "follow-up closed" | "confirmed failed" | "still unknown" (re-checks of a follow-up)
    decision: str
    followup: FollowupRow | None


@dataclass(frozen=True)
class _Answer:
    evidence: Evidence
    found: str
    delivery: Delivery | None = None
    record_status: str | None = None


def _delivery_id(action: ActionRow) -> int:
    response = action.response or {}
    data = response.get("data") if isinstance(response.get("data"), dict) else response
    value = data.get("delivery_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _ask(
    platform: Platform,
    order_id: int,
    record_id: int | None,
    machine_no: str,
    delivery_id: int,
    timeout_passed: bool,
) -> _Answer:
    """The platform's answer about one dispense.

    The order's record says whether the item is out, whichever of the record's
    dispenses dropped it; the dispense's own record (when the console has its delivery
    id) says what became of this one, with the fault. Picked up by either → out;
    otherwise the dispense's record decides (failed, or still dispensing); without a
    delivery id (the answer to the dispense was lost) the order's record alone does.
    """
    order: Order | None = None
    order_error: ApiError | None = None
    if record_id is not None:
        try:
            order = platform.get_order(order_id, machine_no)
        except ApiError as exc:
            order_error = exc
    rec = None if order is None else next((r for r in order.records if r.id == record_id), None)
    picked_up = (
        None
        if rec is None or record_evidence(rec.status, False) is not Evidence.ITEM_OUT
        else _Answer(
            Evidence.ITEM_OUT,
            f"the order's record {record_id} is picked up",
            record_status=rec.status,
        )
    )
    if delivery_id:
        try:
            record = platform.get_delivery(delivery_id, machine_no)
        except ApiError as exc:
            return picked_up or _Answer(Evidence.UNKNOWN, f"platform not reachable: {exc}")
        evidence = delivery_evidence(record)
        if evidence is Evidence.ITEM_OUT:
            found = "picked up" if record.pickup_at else "success"
            return _Answer(evidence, found, delivery=record)
        if picked_up is not None:  # this dispense did not drop it, another one did
            return picked_up
        if evidence is Evidence.UNKNOWN:
            return _Answer(evidence, f"still {record.status or 'pending'}", delivery=record)
        found = f"failed: {record.fail_reason or record.status}"
        return _Answer(evidence, found, delivery=record)
    if picked_up is not None:
        return picked_up
    if record_id is None:
        return _Answer(Evidence.UNKNOWN, "no delivery id and no record to ask about")
    if order is None:
        return _Answer(Evidence.UNKNOWN, f"platform not reachable: {order_error}")
    if rec is None:
        return _Answer(Evidence.UNKNOWN, f"record {record_id} is not in order {order_id}")
    label = RECORD_STATUS_LABELS.get(rec.status, rec.status or "not picked up")
    found = f"no delivery id; the order's record {record_id} is {label}"
    return _Answer(record_evidence(rec.status, timeout_passed), found, record_status=rec.status)


def _record(
    journal: OverdueJournal,
    order_id: int,
    record_id: int | None,
    machine_no: str,
    answer: _Answer,
    timeout_passed: bool,
    action_id: int | None,
) -> FollowupRow | None:
    """Journal a settling answer about dispense ``action_id``; returns the refund
    follow-up it opened or upgraded."""
    if answer.delivery is not None:
        return journal.record_dispense_result(order_id, record_id, machine_no, answer.delivery)
    assert record_id is not None and answer.record_status is not None
    return journal.record_order_result(
        order_id, record_id, machine_no, answer.record_status, timeout_passed, action_id
    )


def check_overdue(
    platform: Platform,
    journal: OverdueJournal,
    now: float,
    older_than_s: float = DEVICE_TIMEOUT_S,
) -> list[OverdueCheck]:
    """Apply the no-result rule to every overdue dispense, and re-check every "result
    unknown" follow-up that is due; one ``OverdueCheck`` each."""
    # Re-checks first: a follow-up opened below is not asked about twice in one pass.
    checks: list[OverdueCheck] = []
    for unknown, action in journal.due_unknown_checks(now):
        did = _delivery_id(action) if action is not None else 0
        passed = action is None or now - action.ts >= DEVICE_TIMEOUT_S
        answer = _ask(
            platform, unknown.order_id, unknown.record_id, unknown.machine_no, did, passed
        )
        if answer.evidence is Evidence.UNKNOWN:
            journal.note_unknown_check(unknown.id, answer.found)
            decision = "still unknown"
        else:
            _record(
                journal,
                unknown.order_id,
                unknown.record_id,
                unknown.machine_no,
                answer,
                passed,
                action.id if action is not None else None,
            )
            decision = (
                "follow-up closed" if answer.evidence is Evidence.ITEM_OUT else "confirmed failed"
            )
        checks.append(
            OverdueCheck(
                action.id if action is not None else 0,
                unknown.order_id,
                unknown.record_id,
                unknown.machine_no,
                did,
                action.ts_iso if action is not None else unknown.ts_iso,
                answer.found,
                decision,
                journal.get_followup(unknown.id),
            )
        )
    for action in journal.overdue_dispenses(now, older_than_s):
        if action.order_id is None:
            continue
        did = _delivery_id(action)
        passed = now - action.ts >= DEVICE_TIMEOUT_S
        answer = _ask(platform, action.order_id, action.record_id, action.machine_no, did, passed)
        if answer.evidence is Evidence.UNKNOWN:
            followup = journal.open_unknown_result_followup(action.id, answer.found)
            decision = "result unknown"
        else:
            followup = _record(
                journal,
                action.order_id,
                action.record_id,
                action.machine_no,
                answer,
                passed,
                action.id,
            )
            decision = "follow-up opened" if followup is not None else "result recorded"
        checks.append(
            OverdueCheck(
                action.id,
                action.order_id,
                action.record_id,
                action.machine_no,
                did,
                action.ts_iso,
                answer.found,
                decision,
                followup,
            )
        )
    return checks
