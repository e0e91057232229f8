"""The platform's behaviour: one method per action, plus the device model.

Every method runs under ``state.lock`` and returns an ``Answer`` (the envelope
before it becomes HTTP). Device outcomes, timeouts and order expiry are events
on the sandbox clock; callbacks go to the ``CallbackSender``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from console.core import errorcodes, rules
from console.core.status import (
    DISPENSABLE_QUERY_TEXTS,
    QUERY_NOTPAY,
    QUERY_PICKUPCODE,
    QUERY_SUCCESS,
    RECORD_CANCELLED,
    RECORD_NOT_PICKED_UP,
    RECORD_PICKED_UP,
    OrderStatus,
)
from console.sandbox.callbacks import CallbackJob, CallbackSender
from console.sandbox.clock import SandboxClock
from console.sandbox.common import gmt8
from console.sandbox.faults import (
    CALLBACK_KINDS,
    DEVICE_OUTCOME_KINDS,
    DEVICE_TIMING_KINDS,
    FaultBook,
)
from console.sandbox.scheduler import Scheduler
from console.sandbox.state import (
    DeliveryState,
    MachineState,
    OrderState,
    RecordState,
    SandboxState,
    SlotProduct,
)

log = logging.getLogger(__name__)

DISPENSE_METHOD = "device.delivery.put"
CALLBACK_METHOD = "device.delivery.response"
EXPIRED_METHOD = "order.expired"
UNPAID_QUERY_TEXTS = frozenset({QUERY_NOTPAY, "USERPAYING"})
STATUS_INVALID = "订单状态无效"
# Calls that change the world (what a state file must then keep).
CHANGING_ACTIONS = frozenset({"order_create", "order_set_status", "dispense", "test_dispense"})


@dataclass(frozen=True)
class Answer:
    """An envelope before it is serialised. ``data`` is pruned protobuf-style on the way out."""

    code: int = 0
    message: str = "ok"
    data: Any = field(default_factory=dict)
    http_status: int = 200
    protobuf: bool = True  # prune zero fields of ``data`` (platform calls do, the control API not)


def ok(data: Any) -> Answer:
    return Answer(data=data)


class Refusal(Exception):
    """Raised inside an action to answer with an error envelope."""

    def __init__(self, code: int, message: str, http_status: int = 200) -> None:
        super().__init__(f"{code} {message}")
        self.answer = Answer(code, message, {}, http_status)


def invalid(detail: str = "") -> Refusal:
    return Refusal(4003, f"invalid params: {detail}" if detail else "invalid params")


def not_found() -> Refusal:
    return Refusal(4004, "record not found")


def _text(params: dict[str, Any], key: str, required: bool = True) -> str:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise invalid(f"{key} is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid(f"{key} must be a string")
    return str(value).strip()


def _int(params: dict[str, Any], key: str, default: int | None = None) -> int:
    value = params.get(key)
    if value is None or value == "":
        if default is None:
            raise invalid(f"{key} is required")
        return default
    if isinstance(value, bool):
        raise invalid(f"{key} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise invalid(f"{key} must be a whole number")


def _nothing() -> None:
    pass


def _path_id(text: str) -> int:
    if not text.isdigit():
        raise not_found()
    return int(text)


class Platform:
    def __init__(
        self,
        state: SandboxState,
        clock: SandboxClock,
        scheduler: Scheduler,
        sender: CallbackSender,
        faults: FaultBook,
        device_cycle_s: float = 1.0,
    ) -> None:
        self.state = state
        self.clock = clock
        self.scheduler = scheduler
        self.sender = sender
        self.faults = faults
        self.device_cycle_s = device_cycle_s
        self.on_change: Callable[[], None] = _nothing  # the world changed (a saver listens)
        self._actions: dict[str, Callable[[dict[str, Any], str], Answer]] = {
            "ping": self.ping,
            "machines": self.machines,
            "machine": self.machine,
            "products": self.products,
            "order_create": self.order_create,
            "order_get": self.order_get,
            "order_set_status": self.order_set_status,
            "dispense": self.dispense,
            "delivery": self.delivery,
            "test_dispense": self.test_dispense,
            "pickup_codes": self.pickup_codes,
        }
        with state.lock:
            for order in state.orders.values():
                if order.status in UNPAID_QUERY_TEXTS:
                    self._schedule_expiry(order)
            # Only a world read back from its file has these: dispenses the machine was
            # still working on when the sandbox stopped. Their device result was an event
            # on the old clock and is gone; as on the platform, a machine that does not
            # answer within 120 s times out (at once when that time has already passed).
            for delivery in state.deliveries.values():
                if delivery.status == "dispensing":
                    self.scheduler.call_at(
                        delivery.created_at + rules.DEVICE_TIMEOUT_S,
                        f"device timeout {delivery.delivery_id}",
                        functools.partial(self._device_timeout, delivery.delivery_id),
                    )

    def handle(self, action: str, params: dict[str, Any], path_arg: str) -> Answer:
        with self.state.lock:
            try:
                return self._actions[action](params, path_arg)
            except Refusal as refusal:
                return refusal.answer
            finally:
                if action in CHANGING_ACTIONS:
                    self.on_change()

    # -- lookups ---------------------------------------------------------------

    def _machine(self, machine_no: str) -> MachineState:
        machine = self.state.machines.get(machine_no)
        if machine is None:
            raise Refusal(30003, "machine not found")
        return machine

    def _online_machine(self, machine_no: str) -> MachineState:
        machine = self._machine(machine_no)
        if not machine.is_online:
            raise Refusal(30002, "machine offline")
        return machine

    def _order(self, machine_no: str, order_id: int) -> OrderState:
        order = self.state.orders.get(order_id)
        if order is None or order.machine_no != machine_no:
            raise not_found()
        return order

    # -- read-only calls -------------------------------------------------------

    def ping(self, params: dict[str, Any], arg: str) -> Answer:
        return ok("pong")

    def machines(self, params: dict[str, Any], arg: str) -> Answer:
        return ok([m.summary() for m in self.state.machines.values()])

    def machine(self, params: dict[str, Any], arg: str) -> Answer:
        return ok(self._machine(arg).detail())

    def products(self, params: dict[str, Any], arg: str) -> Answer:
        machine = self._machine(_text(params, "machine_no"))
        page = max(_int(params, "page", 1), 1)
        per_page = min(max(_int(params, "per_page", 20), 1), 100)
        category_id = _int(params, "category_id", 0)
        cabinet = _text(params, "cabinet_name", required=False)
        addr = _text(params, "addr", required=False)
        select_all = params.get("select_all") in (True, 1, "1", "true")
        items = [
            p
            for p in machine.products.values()
            if (not category_id or p.category_id == category_id)
            and (not cabinet or p.cabinet_name == cabinet)
            and (not addr or p.addr == addr)
        ]
        total = len(items)
        if select_all:
            page, per_page = 1, max(total, 1)
        last_page = max((total + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        return ok(
            {
                "data": [p.to_api() for p in chunk],
                "total": total,
                "current_page": page,
                "last_page": last_page,
                "per_page": per_page,
            }
        )

    def order_get(self, params: dict[str, Any], arg: str) -> Answer:
        order = self._order(_text(params, "machine_no"), _path_id(arg))
        return ok(order.to_api())

    def delivery(self, params: dict[str, Any], arg: str) -> Answer:
        machine_no = _text(params, "machine_no")
        delivery = self.state.deliveries.get(_path_id(arg))
        if delivery is None or delivery.machine_no != machine_no:
            raise not_found()
        return ok(delivery.to_api())

    def pickup_codes(self, params: dict[str, Any], arg: str) -> Answer:
        machine = self._machine(_text(params, "machine_no"))
        product_id = int(arg) if arg.isdigit() else 0
        if product_id not in machine.products:
            raise Refusal(6045, "product not found")
        codes = sorted(
            (c for c in self.state.pickup_codes.values() if c.product_id == product_id),
            key=lambda c: c.id,
        )
        return ok([c.to_api() for c in codes])

    # -- orders ----------------------------------------------------------------

    def order_create(self, params: dict[str, Any], arg: str) -> Answer:
        machine_no = _text(params, "machine_no")
        trade_id = _text(params, "trade_id")
        notify_url = params.get("notify_url") or ""
        if not isinstance(notify_url, str):
            raise invalid("notify_url must be a string")
        if not 20 <= len(trade_id) <= 32:
            raise invalid("trade_id must be 20-32 characters")
        if trade_id in self.state.trade_ids():
            raise invalid("trade_id already used")
        lines = params.get("products")
        if not isinstance(lines, list) or not lines:
            raise invalid("products must be a non-empty list")
        wanted: list[tuple[int, int]] = []
        for line in lines:
            if not isinstance(line, dict):
                raise invalid("each product must be an object")
            product_id = _int(line, "product_id")
            quantity = _int(line, "quantity")
            if product_id <= 0 or quantity <= 0:
                raise invalid("product_id and quantity must be positive")
            wanted.append((product_id, quantity))
        machine = self._online_machine(machine_no)
        totals: dict[int, int] = {}
        for product_id, quantity in wanted:
            if product_id not in machine.products:
                raise Refusal(6045, "product not found")
            totals[product_id] = totals.get(product_id, 0) + quantity
        for product_id, quantity in totals.items():
            if machine.products[product_id].current_inventory < quantity:
                raise Refusal(60003, "stock not enough")
        for product_id, quantity in totals.items():
            machine.products[product_id].current_inventory -= quantity
        order = OrderState(
            order_id=self.state.new_order_id(),
            machine_no=machine_no,
            trade_id=trade_id,
            status=QUERY_NOTPAY,
            created_at=self.clock.now(),
            notify_url=notify_url.strip(),
            records=[
                RecordState(
                    id=self.state.new_record_id(),
                    product_id=product_id,
                    quantity=quantity,
                    price=machine.products[product_id].price,
                )
                for product_id, quantity in wanted
            ],
        )
        self.state.orders[order.order_id] = order
        self._schedule_expiry(order)
        return ok({"order_id": order.order_id})

    def order_set_status(self, params: dict[str, Any], arg: str) -> Answer:
        order = self._order(_text(params, "machine_no"), _path_id(arg))
        try:
            value = _int(params, "status")
        except Refusal:
            raise invalid("status must be 1-6") from None
        if not 1 <= value <= 6:
            raise invalid("status must be 1-6")
        new = OrderStatus(value)
        current = order.status
        if current in UNPAID_QUERY_TEXTS:
            pass
        elif current in (QUERY_SUCCESS, QUERY_PICKUPCODE):
            if new is OrderStatus.PAID and current == QUERY_SUCCESS:
                raise Refusal(6049, "order is paid")
            if new is not OrderStatus.REFUND:
                raise Refusal(40006, STATUS_INVALID)
        else:
            raise Refusal(40006, STATUS_INVALID)
        if new is OrderStatus.PAID:
            self._reserve_again(order)
        else:
            self._cancel_open_records(order)
        order.status = new.query_text
        return ok("")

    def _cancel_open_records(self, order: OrderState) -> None:
        """Return the undispensed quantities to stock (status != 1)."""
        for record in order.records:
            if record.status == RECORD_NOT_PICKED_UP and record.delivery_id is None:
                product = self.state.products.get(record.product_id)
                if product is not None:
                    product.current_inventory += record.quantity
                record.status = RECORD_CANCELLED

    def _reserve_again(self, order: OrderState) -> None:
        """Paying an order whose stock went back (it was set to 5 first) takes the stock again."""
        cancelled = [r for r in order.records if r.status == RECORD_CANCELLED]
        totals: dict[int, int] = {}
        for record in cancelled:
            totals[record.product_id] = totals.get(record.product_id, 0) + record.quantity
        for product_id, quantity in totals.items():
            product = self.state.products.get(product_id)
            if product is None or product.current_inventory < quantity:
                raise Refusal(60003, "stock not enough")
        for record in cancelled:
            self.state.products[record.product_id].current_inventory -= record.quantity
            record.status = RECORD_NOT_PICKED_UP

    def _schedule_expiry(self, order: OrderState) -> None:
        order_id = order.order_id
        self.scheduler.call_at(
            order.created_at + rules.ORDER_WINDOW_S,
            f"expire order {order_id}",
            lambda: self._expire(order_id),
        )

    def _expire(self, order_id: int) -> None:
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None or order.status not in UNPAID_QUERY_TEXTS:
                return
            self._cancel_open_records(order)
            order.status = OrderStatus.CLOSED.query_text
            self.on_change()
            body = {
                "method": EXPIRED_METHOD,
                "order_id": order.order_id,
                "trade_id": order.trade_id,
            }
            self._emit(CallbackJob(order.notify_url, body, order_id=order.order_id))

    # -- dispensing ------------------------------------------------------------

    def _check_method(self, params: dict[str, Any]) -> None:
        if _text(params, "method") != DISPENSE_METHOD:
            raise invalid(f"method must be {DISPENSE_METHOD}")

    def _check_unlocked(self, machine: MachineState) -> None:
        if machine.locked(self.clock.now()):
            raise Refusal(errorcodes.MACHINE_BUSY, "machine busy")

    def dispense(self, params: dict[str, Any], arg: str) -> Answer:
        machine_no = _text(params, "machine_no")
        self._check_method(params)
        order_id = _int(params, "order_id")
        record_id = _int(params, "record_id")
        machine = self._online_machine(machine_no)
        order = self._order(machine_no, order_id)
        if order.status in UNPAID_QUERY_TEXTS:
            # The documented quirk: code 0, but the message says "order not paid".
            return Answer(0, "订单未支付", {})
        if order.status not in DISPENSABLE_QUERY_TEXTS:
            raise Refusal(40006, STATUS_INVALID)
        now = self.clock.now()
        if now - order.created_at >= rules.ORDER_WINDOW_S:
            raise Refusal(40005, "order expired")
        record = order.record(record_id)
        if record is None:
            raise not_found()
        if record.status == RECORD_PICKED_UP or record.delivery_id is not None:
            raise Refusal(6034, "order already delivered")
        if record.status != RECORD_NOT_PICKED_UP:
            raise Refusal(40006, STATUS_INVALID)
        product = self.state.products.get(record.product_id)
        if product is None:
            raise Refusal(6045, "product not found")
        self._check_unlocked(machine)
        delivery = self._start_delivery(machine, product, now)
        delivery.order_id = order.order_id
        delivery.record_id = record.id
        record.delivery_id = delivery.delivery_id
        return ok(self._dispense_data(delivery))

    def test_dispense(self, params: dict[str, Any], arg: str) -> Answer:
        machine_no = _text(params, "machine_no")
        self._check_method(params)
        channel = _text(params, "channel_name").upper()
        notify_url = _text(params, "notify_url", required=False)
        machine = self._online_machine(machine_no)
        product = machine.slot(channel)
        if product is None:
            raise Refusal(4003, "Slot Invalid")
        self._check_unlocked(machine)
        delivery = self._start_delivery(machine, product, self.clock.now())
        delivery.notify_url = notify_url
        return ok(self._dispense_data(delivery))

    @staticmethod
    def _dispense_data(delivery: DeliveryState) -> dict[str, Any]:
        return {
            "delivery_id": delivery.delivery_id,
            "delivered_at": gmt8(delivery.created_at),
            "status": delivery.status,
        }

    def _start_delivery(
        self, machine: MachineState, product: SlotProduct, now: float
    ) -> DeliveryState:
        delivery = DeliveryState(
            delivery_id=self.state.new_delivery_id(),
            machine_no=machine.machine_no,
            channel_name=product.channel_name,
            product_id=product.id,
            created_at=now,
        )
        fault = self.faults.take_first("device", DEVICE_OUTCOME_KINDS)
        if fault is not None and fault.kind == "noanswer":
            delivery.noanswer = True
        elif fault is not None:
            delivery.planned_failure = (fault.floor, fault.text)
        else:
            delivery.planned_failure = product.fault
        slow = self.faults.take_first("device", DEVICE_TIMING_KINDS)
        cycle = slow.seconds if slow is not None else self.device_cycle_s
        self.state.deliveries[delivery.delivery_id] = delivery
        dwell: float = rules.LOCK_DWELL_S.get(machine.lock_kind, rules.LOCK_DWELL_S["default"])
        if slow is not None:
            # A slow machine is busy until it answers (or the platform gives up on it).
            dwell = max(dwell, min(cycle, rules.DEVICE_TIMEOUT_S))
        machine.lock_delivery_id = delivery.delivery_id
        machine.lock_until = now + dwell
        delivery_id = delivery.delivery_id
        # At 120 s or later the platform's timeout comes first: no result is scheduled.
        if not delivery.noanswer and cycle < rules.DEVICE_TIMEOUT_S:
            self.scheduler.call_at(
                now + cycle,
                f"device result {delivery_id}",
                lambda: self._device_result(delivery_id),
            )
        self.scheduler.call_at(
            now + rules.DEVICE_TIMEOUT_S,
            f"device timeout {delivery_id}",
            lambda: self._device_timeout(delivery_id),
        )
        return delivery

    def _finish(self, delivery: DeliveryState) -> None:
        machine = self.state.machines[delivery.machine_no]
        if machine.lock_delivery_id == delivery.delivery_id:
            machine.lock_delivery_id = None
            machine.lock_until = 0.0
        if delivery.order_id is not None and delivery.record_id is not None:
            order = self.state.orders[delivery.order_id]
            record = order.record(delivery.record_id)
            if record is not None and record.delivery_id == delivery.delivery_id:
                record.delivery_id = None
                if delivery.status == "success":
                    record.status = RECORD_PICKED_UP

    def _callback_for(self, delivery: DeliveryState, fields: dict[str, Any]) -> CallbackJob:
        body: dict[str, Any] = {"method": CALLBACK_METHOD, **fields}
        if delivery.order_id is None:
            body["channel_name"] = delivery.channel_name
            return CallbackJob(delivery.notify_url, body)
        order = self.state.orders[delivery.order_id]
        body["order_id"] = delivery.order_id
        body["record_id"] = delivery.record_id
        return CallbackJob(order.notify_url, body, delivery.order_id, delivery.record_id)

    def _device_result(self, delivery_id: int) -> None:
        with self.state.lock:
            delivery = self.state.deliveries[delivery_id]
            if delivery.status != "dispensing":
                return
            delivery.result_at = self.clock.now()
            if delivery.planned_failure is None:
                delivery.status = "success"
                delivery.floor_status = 1
                fields = {"deliver_status": "1", "floor_status": "1", "error_msg": ""}
            else:
                floor, text = delivery.planned_failure
                delivery.status = "failed"
                delivery.floor_status = floor
                delivery.fail_reason = text
                fields = {"deliver_status": "0", "floor_status": str(floor), "error_msg": text}
            self._finish(delivery)
            self.on_change()
            self._emit(self._callback_for(delivery, fields))

    def _device_timeout(self, delivery_id: int) -> None:
        with self.state.lock:
            delivery = self.state.deliveries[delivery_id]
            if delivery.status != "dispensing":
                return
            delivery.result_at = self.clock.now()
            delivery.status = "timeout"
            delivery.fail_reason = "timeout"
            self._finish(delivery)
            self.on_change()
            # No floor_status: the machine never reported its slot state.
            fields = {"deliver_status": "0", "error_msg": "timeout"}
            self._emit(self._callback_for(delivery, fields))

    # -- callbacks ---------------------------------------------------------------

    def _emit(self, job: CallbackJob) -> None:
        """Hand a callback to the sender, applying ``callback:`` faults."""
        if not job.url:
            self.sender.record(job, "not sent: no notify_url")
            return
        fired = self.faults.take_all("callback", CALLBACK_KINDS)
        if any(f.kind == "drop" for f in fired):
            self.sender.record(job, "not sent: dropped by fault callback:drop")
            return
        copies = 2 if any(f.kind == "duplicate" for f in fired) else 1
        delay = sum(f.seconds for f in fired if f.kind == "delay")
        for _ in range(copies):
            if delay > 0:
                self.scheduler.call_later(
                    delay, f"callback to {job.url}", lambda: self.sender.submit(job)
                )
            else:
                self.sender.submit(job)

    def on_sent(self, job: CallbackJob, status: int | None, error: str) -> None:
        """Called by the sender after each POST: count it on the order."""
        if job.order_id is None:
            return
        with self.state.lock:
            order = self.state.orders.get(job.order_id)
            if order is None:
                return
            order.notify_send_count += 1
            self.on_change()
            if job.record_id is not None and status is not None and 200 <= status < 300:
                record = order.record(job.record_id)
                if record is not None:
                    record.notify_sent = True

    # -- summary for the control endpoint ------------------------------------------

    def summary(self) -> dict[str, Any]:
        with self.state.lock:
            now = self.clock.now()
            return {
                "now": now,
                "time": gmt8(now),
                "machines": [
                    {
                        "machine_no": m.machine_no,
                        "machine_name": m.machine_name,
                        "is_online": m.is_online,
                        "lock_kind": m.lock_kind,
                        "locked": m.locked(now),
                        "slots": len(m.products),
                        "stock": sum(p.current_inventory for p in m.products.values()),
                    }
                    for m in self.state.machines.values()
                ],
                "orders": [
                    {
                        "order_id": o.order_id,
                        "machine_no": o.machine_no,
                        "trade_id": o.trade_id,
                        "status": o.status,
                        "created_at": gmt8(o.created_at),
                        "notify_url": o.notify_url,
                        "records": [
                            {"id": r.id, "product_id": r.product_id, "status": r.status}
                            for r in o.records
                        ],
                    }
                    for o in self.state.orders.values()
                ],
                "deliveries": [
                    {
                        "delivery_id": d.delivery_id,
                        "machine_no": d.machine_no,
                        "channel_name": d.channel_name,
                        "order_id": d.order_id,
                        "record_id": d.record_id,
                        "status": d.status,
                        "fail_reason": d.fail_reason,
                    }
                    for d in self.state.deliveries.values()
                ],
                "demo_orders": dict(self.state.demo_orders),
                "faults": [str(f) for f in self.faults.rules()],
            }
