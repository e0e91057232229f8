"""One request per intent: which running action stops a new one from being sent. Pure.

Buttons are not the guard: every face (window panels, ``vendctl``, a second
console on the same journal) writes its intent to the journal before sending,
and ``Journal.begin_action`` refuses it, in the same transaction, when an
action that clashes is still running. The clashes, as one table:

============================  ======================================================
new intent                    refused while
============================  ======================================================
dispense order O, record R    a dispense of O/R or a status change of O is being sent
set status of order O         a status change or a dispense of O is being sent
set status 2 (refund) of O    … or a dispense of O still waits for its result (the
                              item may yet drop: refunding could pay back a customer
                              who gets it)
test dispense on machine M    a test dispense on M is being sent
============================  ======================================================

"Being sent" means the action is ``in_flight`` in a live process; one left by a
process that died is not a clash (it is recovered as ``unknown`` instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.core.status import OrderStatus
from console.core.texts import QT_TRANSLATE_NOOP, Text, text

CTX = "Intents"

DISPENSING_RECORD = QT_TRANSLATE_NOOP(
    "Intents",
    "Record {record} of order {order} is already being dispensed (sent by {actor} at "
    "{when}): nothing was sent.",
)
STATUS_BEING_SET = QT_TRANSLATE_NOOP(
    "Intents",
    "A status change of order {order} is being sent (by {actor} at {when}): wait for its "
    "answer; nothing was sent.",
)
DISPENSING_ORDER = QT_TRANSLATE_NOOP(
    "Intents",
    "Order {order} is being dispensed (sent by {actor} at {when}): wait for its result; "
    "nothing was sent.",
)
AWAITING_RESULT = QT_TRANSLATE_NOOP(
    "Intents",
    "Order {order} has a dispense still waiting for its result (sent by {actor} at {when}): "
    "the item may yet drop, so refunding now could pay back a customer who gets it. Wait "
    "for the result (or its follow-up); nothing was sent.",
)
TESTING_MACHINE = QT_TRANSLATE_NOOP(
    "Intents",
    "A test dispense is already running on machine {machine} (sent by {actor} at {when}): "
    "one at a time; nothing was sent.",
)


@dataclass(frozen=True)
class Intent:
    """What someone is about to send."""

    kind: str  # an action kind: dispense, set_status, test_dispense, ...
    machine_no: str
    order_id: int | None
    record_id: int | None = None
    status: int | None = None  # set_status: the status asked for


@dataclass(frozen=True)
class Running:
    """An action already journalled that has not finished (or still waits for a result)."""

    intent: Intent
    in_flight: bool  # being sent by a live process
    awaiting_result: bool  # a dispense sent ok, waiting for its result
    actor: str
    when: str  # local time it was sent, for people


def conflict(new: Intent, running: Running) -> Text | None:
    """Why ``running`` stops ``new`` from being sent, or None (see the module's table)."""
    old = running.intent
    values = {"actor": running.actor or "?", "when": running.when}
    if new.kind == "test_dispense":
        if old.kind == "test_dispense" and old.machine_no == new.machine_no and running.in_flight:
            return text(CTX, TESTING_MACHINE, machine=new.machine_no, **values)
        return None
    if new.order_id is None or old.order_id != new.order_id:
        return None
    order = new.order_id
    if running.in_flight:
        if new.kind == "dispense" and old.kind == "dispense" and old.record_id == new.record_id:
            return text(CTX, DISPENSING_RECORD, record=new.record_id, order=order, **values)
        if new.kind in ("dispense", "set_status") and old.kind == "set_status":
            return text(CTX, STATUS_BEING_SET, order=order, **values)
        if new.kind == "set_status" and old.kind == "dispense":
            return text(CTX, DISPENSING_ORDER, order=order, **values)
    if (
        new.kind == "set_status"
        and new.status == OrderStatus.REFUND
        and old.kind == "dispense"
        and running.awaiting_result
    ):
        return text(CTX, AWAITING_RESULT, order=order, **values)
    return None
