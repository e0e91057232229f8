"""Order statuses: the six values the PUT accepts, and the texts a query shows."""

from __future__ import annotations

import enum


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

QUERY_TEXT_LABELS: dict[str, tuple[str, str]] = {
    "SUCCESS": ("paid", "支付成功"),
    "REFUND": ("moved to refund", "转入退款"),
    "CLOSED": ("closed", "已关闭"),
    "REVOKED": ("revoked", "已撤销"),
    "USERPAYING": ("customer paying", "用户支付中"),
    "PAYERROR": ("payment failed", "支付失败"),
    "NOTPAY": ("not paid yet", "未支付"),
    "PICKUPCODE": ("pickup-code order", "取货码订单"),
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
    labels = QUERY_TEXT_LABELS.get(text)
    if labels is None:
        return text or "unknown"
    return labels[1] if lang.startswith("zh") else labels[0]


# Record status texts an order query shows for each record.
RECORD_CANCELLED = "订单取消"
RECORD_PICKED_UP = "已取货"
RECORD_NOT_PICKED_UP = "未取货"
RECORD_STATUS_LABELS: dict[str, str] = {
    RECORD_CANCELLED: "cancelled",
    RECORD_PICKED_UP: "picked up",
    RECORD_NOT_PICKED_UP: "not picked up",
}
