"""The sandbox platform's in-memory state and its seeded demo data.

Everything here is deterministic for a given seed and start time: machine
numbers and faulty slots are fixed; stock levels, goods placement, trade ids and
pickup codes come from the seeded RNG.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from console.core.status import QUERY_NOTPAY, QUERY_PICKUPCODE, QUERY_SUCCESS
from console.core.status import RECORD_CANCELLED as CANCELLED
from console.core.status import RECORD_NOT_PICKED_UP as NOT_PICKED_UP
from console.sandbox.common import gmt8, gmt8_date

FIRST_ORDER_ID = 60
FIRST_RECORD_ID = 78
FIRST_DELIVERY_ID = 1000
FIRST_PRODUCT_ID = 501
FIRST_PICKUP_CODE_ID = 301

CURRENCY_CNY: dict[str, Any] = {"id": 1, "name": "人民币", "code": "CNY", "symbol": "¥"}
MERCHANT: dict[str, Any] = {"id": 1, "name": "Sandbox Demo Merchant", "tel": "400-000-0000"}

CATEGORIES: dict[int, str] = {1: "饮料 Drinks", 2: "零食 Snacks", 3: "鲜食 Fresh"}

# (name, price, category id)
GOODS: tuple[tuple[str, str, int], ...] = (
    ("可口可乐", "3.50", 1),
    ("农夫山泉", "2.00", 1),
    ("Red Bull", "6.00", 1),
    ("雪碧", "3.50", 1),
    ("Coca-Cola Zero", "3.50", 1),
    ("康师傅冰红茶", "3.00", 1),
    ("Evian 500ml", "6.50", 1),
    ("元气森林气泡水", "5.50", 1),
    ("Orange Juice", "5.00", 1),
    ("Cold Brew Coffee", "9.00", 1),
    ("乐事薯片", "5.00", 2),
    ("Snickers", "4.00", 2),
    ("奥利奥", "4.50", 2),
    ("Pringles Original", "9.90", 2),
    ("旺旺雪饼", "3.00", 2),
    ("德芙巧克力", "8.00", 2),
    ("KitKat", "4.50", 2),
    ("Instant Noodles", "5.50", 2),
    ("口香糖", "2.50", 2),
    ("三明治", "12.00", 3),
    ("Greek Yogurt", "7.50", 3),
    ("饭团", "8.50", 3),
    ("Banana", "3.00", 3),
    ("酸奶", "6.00", 3),
)

# Slots of the faulty machine that always fail: slot -> (floor_status, fault text).
FAULTY_MACHINE_NO = "16327132"
FAULTY_SLOTS: dict[str, tuple[int, str]] = {
    "A12": (2, "Goods are Stuck"),
    "A13": (3, "Slave Comm Error"),
    "A14": (47, "Lift Comm Error"),
}
EMPTY_SLOT = "A15"  # 0 of 10
LOW_SLOT = "A20"  # 1 of 10


@dataclass
class SlotProduct:
    """One slot of a machine and the product in it (the platform's ``/products`` item)."""

    id: int
    machine_no: str
    name: str
    price: str
    category_id: int
    channel_name: str
    cabinet_name: str
    code: str
    x: int
    y: int
    addr: str
    current_inventory: int
    inventory: int
    thumb: str = ""
    fault: tuple[int, str] | None = None  # this slot always fails with (floor, text)

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": {"id": self.category_id, "title": CATEGORIES.get(self.category_id, "")},
            "good": {"name": self.name, "price": self.price, "thumb": self.thumb},
            "channel": {
                "name": self.channel_name,
                "cabinet_name": self.cabinet_name,
                "code": self.code,
                "x": self.x,
                "y": self.y,
                "addr": self.addr,
            },
            "current_inventory": self.current_inventory,
            "inventory": self.inventory,
        }


@dataclass
class MachineState:
    machine_no: str
    machine_name: str
    lock_kind: str
    cabinet_names: list[str]
    is_online: bool = True
    status: bool = True  # in operation
    address: str = ""
    notify_message: str = ""
    lng_lat: str = ""
    created_at: str = ""
    contact: str = ""
    tel: str = ""
    machine_type: int = 1
    announcement: str = ""
    products: dict[int, SlotProduct] = field(default_factory=dict)
    lock_delivery_id: int | None = None
    lock_until: float = 0.0

    def locked(self, now: float) -> bool:
        return self.lock_delivery_id is not None and now < self.lock_until

    def slot(self, channel_name: str) -> SlotProduct | None:
        for product in self.products.values():
            if product.channel_name == channel_name:
                return product
        return None

    def categories(self) -> list[dict[str, Any]]:
        ids = sorted({p.category_id for p in self.products.values()})
        return [{"id": i, "title": CATEGORIES.get(i, "")} for i in ids]

    def summary(self) -> dict[str, Any]:
        return {
            "machine_name": self.machine_name,
            "machine_no": self.machine_no,
            "is_online": self.is_online,
            "status": self.status,
            "address": self.address,
            "notify_message": self.notify_message,
            "lng_lat": self.lng_lat,
            "created_at": self.created_at,
            "contact": self.contact,
            "tel": self.tel,
        }

    def detail(self) -> dict[str, Any]:
        return {
            "machine_no": self.machine_no,
            "machine_name": self.machine_name,
            "address": self.address,
            "lng_lat": self.lng_lat,
            "is_online": self.is_online,
            "model": {"cabinet_names": list(self.cabinet_names)},
            "machine_type": self.machine_type,
            "categories": self.categories(),
            "announcement": self.announcement,
            "merchant": dict(MERCHANT),
            "currency": dict(CURRENCY_CNY),
        }


@dataclass
class RecordState:
    id: int
    product_id: int
    quantity: int
    price: str
    status: str = NOT_PICKED_UP
    notify_sent: bool = False
    delivery_id: int | None = None  # a dispense of this record is in progress

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "product_id": self.product_id,
            "quantity": self.quantity,
            "price": self.price,
            "status": self.status,
            "notify_sent": self.notify_sent,
        }


@dataclass
class OrderState:
    order_id: int
    machine_no: str
    trade_id: str
    status: str
    created_at: float
    records: list[RecordState]
    notify_url: str = ""
    notify_send_count: int = 0
    pickup_code_id: int = 0

    def amount(self) -> str:
        cents = sum(_cents(r.price) * r.quantity for r in self.records)
        return f"{cents // 100}.{cents % 100:02d}"

    def record(self, record_id: int) -> RecordState | None:
        for record in self.records:
            if record.id == record_id:
                return record
        return None

    def to_api(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "trade_id": self.trade_id,
            "date": gmt8_date(self.created_at),
            "amount": self.amount(),
            "status": self.status,
            "notify_send_count": self.notify_send_count,
            "records": [r.to_api() for r in self.records],
            "pickup_code_id": self.pickup_code_id,
        }


@dataclass
class DeliveryState:
    delivery_id: int
    machine_no: str
    channel_name: str
    product_id: int
    created_at: float
    order_id: int | None = None  # None for a test dispense
    record_id: int | None = None
    notify_url: str = ""  # test dispense only; orders carry their own
    status: str = "dispensing"  # dispensing | success | failed | timeout
    result_at: float = 0.0
    floor_status: int = 0
    fail_reason: str = ""
    # What the device will report: (floor, text) for a failure, None for success.
    planned_failure: tuple[int, str] | None = None
    noanswer: bool = False

    def to_api(self) -> dict[str, Any]:
        return {
            "delivered_at": gmt8(self.created_at),
            "status": self.status,
            "pickup_at": gmt8(self.result_at) if self.status == "success" else "",
            "fail_reason": self.fail_reason,
        }


@dataclass
class PickupCodeState:
    id: int
    product_id: int
    code: str
    status: str
    created_at: float
    expired_at: float
    quantity: int = 1

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "status": self.status,
            "created_at": gmt8(self.created_at),
            "expired_at": gmt8(self.expired_at),
            "quantity": self.quantity,
        }


@dataclass
class SandboxState:
    """All platform data. Hold ``lock`` while reading several things that must agree."""

    machines: dict[str, MachineState] = field(default_factory=dict)
    products: dict[int, SlotProduct] = field(default_factory=dict)
    orders: dict[int, OrderState] = field(default_factory=dict)
    deliveries: dict[int, DeliveryState] = field(default_factory=dict)
    pickup_codes: dict[int, PickupCodeState] = field(default_factory=dict)
    demo_orders: dict[str, int] = field(default_factory=dict)
    # Which world this is: kept with it in its state file, new when it is reset. The
    # console scopes its journal's sandbox rows by it (``rules.sandbox_platform_key``).
    world_id: str = ""
    next_order_id: int = FIRST_ORDER_ID
    next_record_id: int = FIRST_RECORD_ID
    next_delivery_id: int = FIRST_DELIVERY_ID
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def new_order_id(self) -> int:
        self.next_order_id += 1
        return self.next_order_id - 1

    def new_record_id(self) -> int:
        self.next_record_id += 1
        return self.next_record_id - 1

    def new_delivery_id(self) -> int:
        self.next_delivery_id += 1
        return self.next_delivery_id - 1

    def trade_ids(self) -> set[str]:
        return {o.trade_id for o in self.orders.values()}


def _cents(price: str) -> int:
    whole, _, frac = price.partition(".")
    return int(whole or "0") * 100 + int((frac + "00")[:2])


@dataclass(frozen=True)
class _MachineSpec:
    machine_no: str
    name: str
    lock_kind: str
    cabinets: tuple[str, ...]
    rows: int
    cols: int
    address: str
    lng_lat: str
    contact: str
    tel: str
    online: bool = True


MACHINE_SPECS: tuple[_MachineSpec, ...] = (
    _MachineSpec(
        "16327129",
        "Lobby A",
        "motor",
        ("A", "B"),
        2,
        5,
        "深圳市南山区科技园 A 座大堂 / Tower A lobby",
        "113.9412,22.5405",
        "Li Wei",
        "0755-8800-0001",
    ),
    _MachineSpec(
        "16327130",
        "Station B",
        "electronic",
        ("A",),
        3,
        5,
        "Metro Station B, exit 2",
        "113.9528,22.5331",
        "Chen Jing",
        "0755-8800-0002",
    ),
    _MachineSpec(
        "16327131",
        "Warehouse",
        "conveyor",
        ("A",),
        2,
        6,
        "仓库 3 号门 / Warehouse gate 3",
        "113.9101,22.5622",
        "Wang Fang",
        "0755-8800-0003",
        online=False,
    ),
    _MachineSpec(
        FAULTY_MACHINE_NO,
        "Canteen (faulty)",
        "default",
        ("A",),
        2,
        6,
        "员工食堂 / Staff canteen, 2F",
        "113.9450,22.5380",
        "Zhao Lei",
        "0755-8800-0004",
    ),
)


def _slots(spec: _MachineSpec) -> list[tuple[str, str, int, int, int]]:
    """(channel name, cabinet, row, column, cabinet index) in display order."""
    out = []
    for cab_index, cabinet in enumerate(spec.cabinets):
        for row in range(1, spec.rows + 1):
            for col in range(spec.cols):
                out.append((f"{cabinet}{row}{col}", cabinet, row, col, cab_index))
    return out


def build_state(rng: random.Random, now: float) -> SandboxState:
    """The seeded demo platform: four machines, their slots, orders and pickup codes."""
    state = SandboxState()
    next_product = FIRST_PRODUCT_ID
    for spec in MACHINE_SPECS:
        machine = MachineState(
            machine_no=spec.machine_no,
            machine_name=spec.name,
            lock_kind=spec.lock_kind,
            cabinet_names=list(spec.cabinets),
            is_online=spec.online,
            address=spec.address,
            lng_lat=spec.lng_lat,
            created_at=gmt8(now - 86400 * (400 + rng.randint(0, 300))),
            contact=spec.contact,
            tel=spec.tel,
            announcement="欢迎光临 · Welcome",
        )
        if not spec.online:
            machine.notify_message = f"machine offline since {gmt8(now - 3 * 3600 - 17 * 60)}"
        slots = _slots(spec)
        if spec.machine_no == "16327129":
            goods_order = list(range(len(slots)))  # fixed: A10 is 可口可乐
        else:
            goods_order = rng.sample(range(len(GOODS)), len(slots))
        for (channel, cabinet, row, col, cab_index), goods_index in zip(
            slots, goods_order, strict=True
        ):
            name, price, category = GOODS[goods_index % len(GOODS)]
            fault: tuple[int, str] | None = None
            if spec.machine_no == FAULTY_MACHINE_NO:
                capacity = 10
                current = rng.randint(4, 8)
                fault = FAULTY_SLOTS.get(channel)
                if channel == EMPTY_SLOT:
                    current = 0
                elif channel == LOW_SLOT:
                    current = 1
            else:
                capacity = rng.choice((8, 10, 12))
                current = rng.randint(3, capacity - 3)
            product = SlotProduct(
                id=next_product,
                machine_no=spec.machine_no,
                name=name,
                price=price,
                category_id=category,
                channel_name=channel,
                cabinet_name=cabinet,
                code=f"{row}{col}",
                x=col,
                y=row,
                addr=str(cab_index + 1),
                current_inventory=current,
                inventory=capacity,
                thumb=f"https://sandbox.invalid/thumbs/{goods_index + 1:02d}.png",
                fault=fault,
            )
            next_product += 1
            machine.products[product.id] = product
            state.products[product.id] = product
        state.machines[machine.machine_no] = machine

    _seed_orders(state, rng, now)
    _seed_pickup_codes(state, rng, now)
    return state


def _trade_id(rng: random.Random, created: float) -> str:
    stamp = gmt8(created).replace("-", "").replace(":", "").replace(" ", "")
    return f"SBX{stamp}{rng.randint(0, 99_999_999):08d}"


def _seed_orders(state: SandboxState, rng: random.Random, now: float) -> None:
    lobby = state.machines["16327129"]

    def pid(channel: str) -> int:
        slot = lobby.slot(channel)
        assert slot is not None
        return slot.id

    plans: tuple[tuple[str, str, float, tuple[tuple[str, int], ...]], ...] = (
        ("paid", QUERY_SUCCESS, 60, (("A10", 1),)),
        ("paid_multi", QUERY_SUCCESS, 60, (("A11", 1), ("A12", 2), ("B10", 1))),
        ("unpaid", QUERY_NOTPAY, 60, (("A13", 1),)),
        ("refund", "REFUND", 3600, (("A14", 1),)),
        ("closed", "CLOSED", 7200, (("A20", 1),)),
        ("pickupcode", QUERY_PICKUPCODE, 60, (("A21", 1),)),
        ("expired", QUERY_SUCCESS, 30 * 60, (("A22", 1),)),
    )
    for kind, status, age, lines in plans:
        created = now - age
        records = []
        for channel, quantity in lines:
            product = state.products[pid(channel)]
            records.append(
                RecordState(
                    id=state.new_record_id(),
                    product_id=product.id,
                    quantity=quantity,
                    price=product.price,
                    status=CANCELLED if status in ("REFUND", "CLOSED") else NOT_PICKED_UP,
                )
            )
        order = OrderState(
            order_id=state.new_order_id(),
            machine_no=lobby.machine_no,
            trade_id=_trade_id(rng, created),
            status=status,
            created_at=created,
            records=records,
        )
        state.orders[order.order_id] = order
        state.demo_orders[kind] = order.order_id


def _seed_pickup_codes(state: SandboxState, rng: random.Random, now: float) -> None:
    next_id = FIRST_PICKUP_CODE_ID
    pickup_order = state.orders[state.demo_orders["pickupcode"]]
    pickup_product = pickup_order.records[0].product_id
    for machine_no in ("16327129", "16327130"):
        for product in state.machines[machine_no].products.values():
            count = rng.randint(0, 2)
            if product.id == pickup_product:
                count = max(count, 1)
            for n in range(count):
                status = rng.choice(("UNUSED", "UNUSED", "USED", "EXPIRED"))
                if product.id == pickup_product and n == 0:
                    status = "USED"  # the seeded pickup-code order used this one
                created = now - rng.randint(1, 72) * 3600
                expires = created + 7 * 86400
                if status == "EXPIRED":
                    created = now - 10 * 86400
                    expires = now - 3 * 86400
                code = PickupCodeState(
                    id=next_id,
                    product_id=product.id,
                    code=f"{rng.randint(0, 999_999):06d}",
                    status=status,
                    created_at=created,
                    expired_at=expires,
                    quantity=1,
                )
                state.pickup_codes[code.id] = code
                if product.id == pickup_product and n == 0:
                    pickup_order.pickup_code_id = code.id
                next_id += 1
