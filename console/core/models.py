"""What the platform returns, as dataclasses.

The platform's ``data`` comes from protobuf: fields that are zero, empty or
false are omitted. ``from_data`` constructors apply those zero values here, in
one place, so a missing ``is_online`` is ``False`` and a missing list is ``[]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def z_str(d: Mapping[str, Any], key: str) -> str:
    v = d.get(key)
    if v is None:
        return ""
    return v if isinstance(v, str) else str(v)


def z_int(d: Mapping[str, Any], key: str) -> int:
    v = d.get(key)
    if v is None or v == "":
        return 0
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    try:
        return int(float(str(v)))
    except ValueError:
        return 0


def z_bool(d: Mapping[str, Any], key: str) -> bool:
    v = d.get(key)
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "yes"}
    return bool(v)


def z_money(d: Mapping[str, Any], key: str) -> str:
    """Prices and amounts, kept as text so nothing is rounded on the way."""
    v = d.get(key)
    if v is None or v == "":
        return "0"
    return str(v)


@dataclass(frozen=True)
class Machine:
    machine_no: str
    machine_name: str = ""
    is_online: bool = False
    status: bool = False  # in operation
    address: str = ""
    notify_message: str = ""  # last system notice
    lng_lat: str = ""
    created_at: str = ""
    contact: str = ""
    tel: str = ""

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> Machine:
        return cls(
            machine_no=z_str(d, "machine_no"),
            machine_name=z_str(d, "machine_name"),
            is_online=z_bool(d, "is_online"),
            status=z_bool(d, "status"),
            address=z_str(d, "address"),
            notify_message=z_str(d, "notify_message"),
            lng_lat=z_str(d, "lng_lat"),
            created_at=z_str(d, "created_at"),
            contact=z_str(d, "contact"),
            tel=z_str(d, "tel"),
        )


MACHINE_TYPES: dict[int, str] = {
    1: "vending",
    2: "amusement",
    3: "claw",
    4: "borrow",
    5: "return",
    6: "locker",
}


@dataclass(frozen=True)
class Category:
    id: int
    title: str

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> Category:
        return cls(id=z_int(d, "id"), title=z_str(d, "title"))


@dataclass(frozen=True)
class Currency:
    id: int = 0
    name: str = ""
    code: str = ""
    symbol: str = ""

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> Currency:
        return cls(
            id=z_int(d, "id"),
            name=z_str(d, "name"),
            code=z_str(d, "code"),
            symbol=z_str(d, "symbol"),
        )


@dataclass(frozen=True)
class MachineDetail:
    machine_no: str
    machine_name: str = ""
    address: str = ""
    lng_lat: str = ""
    is_online: bool = False
    cabinet_names: list[str] = field(default_factory=list)
    machine_type: int = 0
    categories: list[Category] = field(default_factory=list)
    announcement: str = ""
    merchant: JsonDict = field(default_factory=dict)
    currency: Currency = field(default_factory=Currency)

    @property
    def machine_type_name(self) -> str:
        return MACHINE_TYPES.get(self.machine_type, f"type {self.machine_type}")

    @classmethod
    def from_data(cls, machine_no: str, d: Mapping[str, Any]) -> MachineDetail:
        model = _map(d.get("model"))
        return cls(
            machine_no=z_str(d, "machine_no") or machine_no,
            machine_name=z_str(d, "machine_name"),
            address=z_str(d, "address"),
            lng_lat=z_str(d, "lng_lat"),
            is_online=z_bool(d, "is_online"),
            cabinet_names=[str(c) for c in _list(model.get("cabinet_names"))],
            machine_type=z_int(d, "machine_type"),
            categories=[Category.from_data(_map(c)) for c in _list(d.get("categories"))],
            announcement=z_str(d, "announcement"),
            merchant=dict(_map(d.get("merchant"))),
            currency=Currency.from_data(_map(d.get("currency"))),
        )


@dataclass(frozen=True)
class Channel:
    name: str = ""  # e.g. "A21"
    cabinet_name: str = ""
    code: str = ""
    x: int = 0
    y: int = 0
    addr: str = ""

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> Channel:
        return cls(
            name=z_str(d, "name"),
            cabinet_name=z_str(d, "cabinet_name"),
            code=z_str(d, "code"),
            x=z_int(d, "x"),
            y=z_int(d, "y"),
            addr=z_str(d, "addr"),
        )


@dataclass(frozen=True)
class Product:
    """One slot of a machine and the product in it."""

    id: int
    name: str = ""
    price: str = "0"
    thumb: str = ""
    category: Category | None = None
    channel: Channel = field(default_factory=Channel)
    current_inventory: int = 0
    inventory: int = 0  # capacity
    good: JsonDict = field(default_factory=dict)

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> Product:
        good = _map(d.get("good"))
        cat = d.get("category")
        return cls(
            id=z_int(d, "id"),
            name=z_str(good, "name"),
            price=z_money(good, "price"),
            thumb=z_str(good, "thumb"),
            category=Category.from_data(_map(cat)) if isinstance(cat, Mapping) else None,
            channel=Channel.from_data(_map(d.get("channel"))),
            current_inventory=z_int(d, "current_inventory"),
            inventory=z_int(d, "inventory"),
            good=dict(good),
        )


@dataclass(frozen=True)
class ProductPage:
    products: list[Product]
    total: int = 0
    current_page: int = 0
    last_page: int = 0
    per_page: int = 0

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> ProductPage:
        return cls(
            products=[Product.from_data(_map(p)) for p in _list(d.get("data"))],
            total=z_int(d, "total"),
            current_page=z_int(d, "current_page"),
            last_page=z_int(d, "last_page"),
            per_page=z_int(d, "per_page"),
        )


@dataclass(frozen=True)
class OrderRecord:
    id: int
    product_id: int = 0
    quantity: int = 0
    price: str = "0"
    status: str = ""  # 订单取消 | 已取货 | 未取货
    notify_sent: bool = False

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> OrderRecord:
        return cls(
            id=z_int(d, "id"),
            product_id=z_int(d, "product_id"),
            quantity=z_int(d, "quantity"),
            price=z_money(d, "price"),
            status=z_str(d, "status"),
            notify_sent=z_bool(d, "notify_sent"),
        )


@dataclass(frozen=True)
class Order:
    order_id: int
    trade_id: str = ""
    date: str = ""  # YYYY-MM-DD only: the platform gives no time of day
    amount: str = "0"
    status: str = ""  # SUCCESS, REFUND, ..., PICKUPCODE; unknown texts kept raw
    notify_send_count: int = 0
    records: list[OrderRecord] = field(default_factory=list)
    pickup_code_id: int = 0

    @classmethod
    def from_data(cls, order_id: int, d: Mapping[str, Any]) -> Order:
        return cls(
            order_id=z_int(d, "order_id") or order_id,
            trade_id=z_str(d, "trade_id"),
            date=z_str(d, "date"),
            amount=z_money(d, "amount"),
            status=z_str(d, "status"),
            notify_send_count=z_int(d, "notify_send_count"),
            records=[OrderRecord.from_data(_map(r)) for r in _list(d.get("records"))],
            pickup_code_id=z_int(d, "pickup_code_id"),
        )


# Delivery statuses that mean the machine has not reported yet.
PENDING_DELIVERY_STATUSES = frozenset({"", "dispensing", "pending", "processing", "waiting"})


@dataclass(frozen=True)
class Delivery:
    delivery_id: int = 0
    delivered_at: str = ""
    status: str = ""
    pickup_at: str = ""
    fail_reason: str = ""

    @property
    def pending(self) -> bool:
        """True while the machine has not reported on this dispense."""
        return self.status.lower() in PENDING_DELIVERY_STATUSES and not self.fail_reason

    @property
    def succeeded(self) -> bool:
        """True when the record says the item dropped (``success``, no fault text)."""
        return self.status.lower() == "success" and not self.fail_reason

    @classmethod
    def from_data(cls, d: Mapping[str, Any], delivery_id: int = 0) -> Delivery:
        return cls(
            delivery_id=z_int(d, "delivery_id") or delivery_id,
            delivered_at=z_str(d, "delivered_at"),
            status=z_str(d, "status"),
            pickup_at=z_str(d, "pickup_at"),
            fail_reason=z_str(d, "fail_reason"),
        )


@dataclass(frozen=True)
class PickupCode:
    id: int
    code: str = ""
    status: str = ""  # UNUSED / USED / EXPIRED / UNKNOWN
    created_at: str = ""
    expired_at: str = ""
    quantity: int = 0

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> PickupCode:
        return cls(
            id=z_int(d, "id"),
            code=z_str(d, "code"),
            status=z_str(d, "status") or "UNKNOWN",
            created_at=z_str(d, "created_at"),
            expired_at=z_str(d, "expired_at"),
            quantity=z_int(d, "quantity"),
        )
