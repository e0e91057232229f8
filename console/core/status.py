"""Order statuses: the six values the PUT accepts, and the texts a query shows."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.core.texts import QT_TRANSLATE_NOOP, Text


class OrderStatus(enum.IntEnum):
    """Values accepted by ``PUT /orders/{id}`` (the seed page's dropdown)."""

    PAID = 1
    REFUND = 2
    CLOSED = 3
    REVOKED = 4
    PAYING = 5
    FAILED = 6

    @property
    def label_en(self) -> str:
        return _LABELS[self][0]

    @property
    def label_zh(self) -> str:
        return _LABELS[self][1]

    @property
    def query_text(self) -> str:
        """What an order query shows once this status is set."""
        return _QUERY_TEXT[self]

    @property
    def is_destructive(self) -> bool:
        """Statuses that return stock or end the order: ask before sending."""
        return self in (
            OrderStatus.REFUND,
            OrderStatus.CLOSED,
            OrderStatus.REVOKED,
            OrderStatus.FAILED,
        )


_LABELS: dict[OrderStatus, tuple[str, str]] = {
    OrderStatus.PAID: ("payment succeeded (paid)", "支付成功"),
    OrderStatus.REFUND: ("moved to refund", "转入退款"),
    OrderStatus.CLOSED: ("closed", "已关闭"),
    OrderStatus.REVOKED: ("revoked (payment-code payment)", "已撤销(付款码支付)"),
    OrderStatus.PAYING: ("customer still paying (payment-code payment)", "用户支付中(付款码支付)"),
    OrderStatus.FAILED: ("payment failed (e.g. bank refused)", "支付失败(其他原因,如银行返回失败)"),
}

_QUERY_TEXT: dict[OrderStatus, str] = {
    OrderStatus.PAID: "SUCCESS",
    OrderStatus.REFUND: "REFUND",
    OrderStatus.CLOSED: "CLOSED",
    OrderStatus.REVOKED: "REVOKED",
    OrderStatus.PAYING: "USERPAYING",
    OrderStatus.FAILED: "PAYERROR",
}

STATUS_NAMES: dict[str, OrderStatus] = {
    "paid": OrderStatus.PAID,
    "refund": OrderStatus.REFUND,
    "closed": OrderStatus.CLOSED,
    "revoked": OrderStatus.REVOKED,
    "paying": OrderStatus.PAYING,
    "failed": OrderStatus.FAILED,
}

# Query texts. NOTPAY is what an order shows before any status is set (the
# platform's texts follow the WeChat Pay trade states); PICKUPCODE marks a
# pickup-code order, which can be dispensed like a paid one.
QUERY_SUCCESS = "SUCCESS"
QUERY_NOTPAY = "NOTPAY"
QUERY_PICKUPCODE = "PICKUPCODE"
DISPENSABLE_QUERY_TEXTS = frozenset({QUERY_SUCCESS, QUERY_PICKUPCODE})

# Our words for the platform's query texts (message ids; the Chinese is in the .ts).
QUERY_TEXT_LABELS: dict[str, str] = {
    "SUCCESS": QT_TRANSLATE_NOOP("status", "paid"),
    "REFUND": QT_TRANSLATE_NOOP("status", "moved to refund"),
    "CLOSED": QT_TRANSLATE_NOOP("status", "closed"),
    "REVOKED": QT_TRANSLATE_NOOP("status", "revoked"),
    "USERPAYING": QT_TRANSLATE_NOOP("status", "customer paying"),
    "PAYERROR": QT_TRANSLATE_NOOP("status", "payment failed"),
    "NOTPAY": QT_TRANSLATE_NOOP("status", "not paid yet"),
    "PICKUPCODE": QT_TRANSLATE_NOOP("status", "pickup-code order"),
}


def parse_status(text: str) -> OrderStatus:
    """Parse ``1``-``6`` or a name (paid, refund, ...). Raises ``ValueError``."""
    t = text.strip().lower()
    if t.isdigit():
        try:
            return OrderStatus(int(t))
        except ValueError:
            raise ValueError(
                f"unknown status {text!r}: use 1-6 or {', '.join(STATUS_NAMES)}"
            ) from None
    if t in STATUS_NAMES:
        return STATUS_NAMES[t]
    raise ValueError(f"unknown status {text!r}: use 1-6 or {', '.join(STATUS_NAMES)}")


def status_from_query_text(text: str) -> OrderStatus | None:
    for status, q in _QUERY_TEXT.items():
        if q == text:
            return status
    return None


def is_dispensable(query_text: str) -> bool:
    """Only paid (SUCCESS) and pickup-code orders can be dispensed."""
    return query_text in DISPENSABLE_QUERY_TEXTS


def query_text_label(text: str, lang: str = "en") -> str:
    return query_text_label_text(text).text(lang)


def query_text_label_text(query_text: str) -> Text:
    """Our words for a query text; an unknown one is shown as the platform gave it."""
    label = QUERY_TEXT_LABELS.get(query_text)
    if label is not None:
        return Text("status", label)
    if query_text:
        return Text("status", "{raw}", (("raw", query_text),))
    return Text("status", QT_TRANSLATE_NOOP("status", "unknown"))


# Record status texts an order query shows for each record.
RECORD_CANCELLED = "订单取消"
RECORD_PICKED_UP = "已取货"
RECORD_NOT_PICKED_UP = "未取货"
# Our English for them (message ids: in Chinese they are the platform's words again).
RECORD_STATUS_LABELS: dict[str, str] = {
    RECORD_CANCELLED: QT_TRANSLATE_NOOP("status", "cancelled"),
    RECORD_PICKED_UP: QT_TRANSLATE_NOOP("status", "picked up"),
    RECORD_NOT_PICKED_UP: QT_TRANSLATE_NOOP("status", "not picked up"),
}


def record_is_open(record_status: str) -> bool:
    """A record still to drop: not picked up (the platform's empty status counts too)."""
    return record_status in ("", RECORD_NOT_PICKED_UP)


# -- can this order / record be dispensed now, and if not, why ------------------------

# What the journal knows of a record's last dispense (``Journal.last_dispenses``).
LAST_PENDING = "pending"  # sent and accepted; its result has not come yet
LAST_UNKNOWN = "unknown"  # sent, but its answer was lost (or the process stopped)
LAST_SETTLED = "settled"  # answered: refused, cancelled before sending, or a result came

# Whether a record may be sent: at once, only after a confirmation, or not at all.
SEND = "send"
ASK = "ask"
NO = "no"

# Why an order cannot be dispensed now ("" when it can).
WHY_NOT_PAID = "not paid"  # unpaid (or customer still paying): it may be paid later
WHY_REFUNDED = "refunded"
WHY_CLOSED = "closed"
WHY_REVOKED = "revoked"
WHY_PAYMENT_FAILED = "payment failed"
WHY_UNKNOWN_STATUS = "unknown status"
WHY_ALL_DISPENSED = "all dispensed"  # every record picked up
WHY_NOTHING_LEFT = "nothing left"  # no record still to drop (some cancelled)

# Why one record cannot be sent at once ("" when it can): the order's reason, or one of these.
WHY_PICKED_UP = "picked up"
WHY_CANCELLED = "cancelled"
WHY_NOT_OPEN = "not open"  # a record status the platform documents no dispense for
WHY_PENDING = LAST_PENDING
WHY_UNKNOWN = LAST_UNKNOWN

# Statuses that end an order for good; an unpaid order may still be paid (and its
# 20-minute window still matters).
_ENDED: dict[str, str] = {
    "REFUND": WHY_REFUNDED,
    "CLOSED": WHY_CLOSED,
    "REVOKED": WHY_REVOKED,
    "PAYERROR": WHY_PAYMENT_FAILED,
}
_UNPAID = frozenset({QUERY_NOTPAY, "USERPAYING"})


@dataclass(frozen=True)
class RecordDispense:
    """One record: ``verdict`` is ``send``, ``ask`` (its last dispense is pending or
    unknown: the item may already have dropped) or ``no``; ``why`` says why not ``send``."""

    record_id: int
    verdict: str
    why: str = ""


@dataclass(frozen=True)
class DispenseDecision:
    """Whether an order can be dispensed now, record by record, and if not why.

    ``why_not`` is "" when some record can be sent (perhaps after a question);
    ``counts_down`` says whether the 20-minute window still matters (the order
    can be dispensed, or may still be paid).
    """

    why_not: str
    records: tuple[RecordDispense, ...]
    counts_down: bool

    @property
    def remaining(self) -> list[int]:
        """The records that may be sent, in the order's order (some only after a question)."""
        return [r.record_id for r in self.records if r.verdict != NO]

    def record(self, record_id: int) -> RecordDispense | None:
        return next((r for r in self.records if r.record_id == record_id), None)


def dispense_decision(
    query_text: str,
    records: Sequence[tuple[int, str]],
    last: Mapping[int, str] | None = None,
) -> DispenseDecision:
    """Can this order, and each of its records, be dispensed now — and if not, why.

    ``records`` are the order's (record id, record status text) as the platform
    shows them; ``last`` maps a record id to what the journal knows of its last
    dispense (``LAST_PENDING``, ``LAST_UNKNOWN`` or ``LAST_SETTLED``). Only a paid
    or pickup-code order is dispensed, and only its records not picked up; a
    record whose last dispense is pending or unknown may already have dropped, so
    it is sent only after a question.
    """
    last = last or {}
    if is_dispensable(query_text):
        order_why = ""
    elif query_text in _UNPAID:
        order_why = WHY_NOT_PAID
    else:
        order_why = _ENDED.get(query_text, WHY_UNKNOWN_STATUS)
    decided: list[RecordDispense] = []
    for record_id, status in records:
        if status == RECORD_PICKED_UP:
            decided.append(RecordDispense(record_id, NO, WHY_PICKED_UP))
        elif status == RECORD_CANCELLED:
            decided.append(RecordDispense(record_id, NO, WHY_CANCELLED))
        elif not record_is_open(status):
            decided.append(RecordDispense(record_id, NO, WHY_NOT_OPEN))
        elif order_why:
            decided.append(RecordDispense(record_id, NO, order_why))
        elif last.get(record_id) in (LAST_PENDING, LAST_UNKNOWN):
            decided.append(RecordDispense(record_id, ASK, str(last[record_id])))
        else:
            decided.append(RecordDispense(record_id, SEND))
    if not order_why and not any(r.verdict != NO for r in decided):
        every_picked_up = bool(decided) and all(r.why == WHY_PICKED_UP for r in decided)
        order_why = WHY_ALL_DISPENSED if every_picked_up else WHY_NOTHING_LEFT
    counts_down = order_why in ("", WHY_NOT_PAID)
    return DispenseDecision(order_why, tuple(decided), counts_down)
