"""Cross-check a callback against the platform: callbacks carry no signature.

Anyone who learns the notify URL can post to it, so a callback is trusted only
after the platform confirms it: the order exists (on the machine the console
knows, or on one of the merchant's machines), it is paid or a pickup-code
order, the record belongs to it, and — when the console knows the delivery —
the delivery's own status agrees with the callback.

A checker is kept for the life of a receiver and asks the platform at a
bounded pace (``calls_per_s``, default 10): a flood of callbacks — forged ones
included, which name orders nobody has and so make the checker ask every
machine — must not turn into a flood of platform calls, nor take the machine
the console runs on away from the person using it. Two answers are
remembered for ``cache_s`` (60 s): the merchant's machine list, and that an
order was found on no machine.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from console.api.client import Client
from console.api.errors import ApiError, PlatformRefused, error_text
from console.core import crosscheck as cc
from console.core.callback import CONTEXT as CALLBACK
from console.core.callback import OUTCOME_WORDS as CALLBACK_OUTCOMES
from console.core.callback import Callback
from console.core.models import Order
from console.core.status import RECORD_PICKED_UP, is_dispensable, query_text_label_text
from console.core.texts import Text
from console.journal import Journal

# Delivery statuses whose meaning is clear enough to compare with a callback.
_DELIVERY_SUCCESS = "success"
_DELIVERY_FAILED = frozenset({"failed", "timeout"})
# Codes that mean "no such order on this machine" while scanning machines.
_NOT_FOUND = frozenset({4004, 6026, 30003})
_UNKNOWN_KEPT = 10_000  # unknown orders remembered at most

T = TypeVar("T")


class CrossChecker:
    """``(verdict, detail)`` for a callback: ok, suspicious, unchecked or error."""

    def __init__(
        self,
        client: Client,
        journal: Journal,
        *,
        max_machines: int = 50,
        calls_per_s: float = 10.0,
        burst: int = 20,
        cache_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.journal = journal
        self.max_machines = max_machines
        self.calls_per_s = float(calls_per_s)
        self.burst = max(1, int(burst))
        self.cache_s = float(cache_s)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._refilled = clock()
        self._machines: tuple[float, list[str]] | None = None
        self._unknown: OrderedDict[int, float] = OrderedDict()
        self.calls = 0  # platform calls made (for tests and the benchmark)

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """One platform call, at the checker's pace: waits for a token if need be."""
        with self._lock:
            now = self._clock()
            self._tokens = min(
                float(self.burst), self._tokens + (now - self._refilled) * self.calls_per_s
            )
            self._refilled = now
            self._tokens -= 1.0
            wait = -self._tokens / self.calls_per_s if self._tokens < 0 else 0.0
            self.calls += 1
        if wait > 0:
            self._sleep(wait)
        return fn(*args)

    def _machine_numbers(self) -> list[str]:
        cached = self._machines
        if cached is not None and self._clock() < cached[0]:
            return cached[1]
        numbers = [m.machine_no for m in self._call(self.client.machines)][: self.max_machines]
        self._machines = (self._clock() + self.cache_s, numbers)
        return numbers

    def _known_unknown(self, order_id: int) -> bool:
        until = self._unknown.get(order_id)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._unknown[order_id]
        return False

    def _remember_unknown(self, order_id: int) -> None:
        self._unknown[order_id] = self._clock() + self.cache_s
        self._unknown.move_to_end(order_id)
        while len(self._unknown) > _UNKNOWN_KEPT:
            self._unknown.popitem(last=False)

    def __call__(self, cb: Callback) -> tuple[str, str]:
        try:
            return self._check(cb)
        except ApiError as exc:
            return "error", str(cc.detail(cc.COULD_NOT_ASK, error=error_text(exc)))

    def _check(self, cb: Callback) -> tuple[str, str]:
        if cb.order_id is None:
            if cb.channel_name:
                return "unchecked", str(cc.detail(cc.TEST_DISPENSE, slot=cb.channel_name))
            return "suspicious", str(cc.detail(cc.NO_ORDER))
        found = self._find_order(cb.order_id)
        if found is None:
            return "suspicious", str(cc.detail(cc.UNKNOWN_ORDER, order=cb.order_id))
        machine_no, order = found
        if not cb.is_dispense:
            return "ok", str(
                cc.detail(
                    cc.EVENT_ORDER_EXISTS,
                    order=order.order_id,
                    machine=machine_no,
                    status=order.status,
                )
            )
        if not is_dispensable(order.status):
            label = query_text_label_text(order.status)
            if order.status:
                said = cc.detail(
                    cc.NOT_DISPENSABLE, order=order.order_id, status=order.status, label=label
                )
            else:
                said = cc.detail(cc.NOT_DISPENSABLE_NO_STATUS, order=order.order_id, label=label)
            return "suspicious", str(said)
        record = next((r for r in order.records if r.id == cb.record_id), None)
        if cb.record_id is None or record is None:
            return "suspicious", str(
                cc.detail(cc.RECORD_NOT_IN_ORDER, record=cb.record_id, order=order.order_id)
            )
        dropped = record.status == RECORD_PICKED_UP
        if cb.outcome == "success" and not dropped:
            if record.status:
                said = cc.detail(cc.SUCCESS_NOT_PICKED_UP, record=record.id, status=record.status)
            else:
                said = cc.detail(cc.SUCCESS_NO_STATUS, record=record.id)
            return "suspicious", str(said)
        if cb.outcome == "failure" and dropped:
            return "suspicious", str(cc.detail(cc.FAILURE_PICKED_UP, record=record.id))
        mismatch = self._delivery_mismatch(cb, machine_no)
        if mismatch:
            return "suspicious", mismatch
        return "ok", str(
            cc.detail(
                cc.CONFIRMED,
                order=order.order_id,
                machine=machine_no,
                status=order.status,
                record=cb.record_id,
            )
        )

    def _find_order(self, order_id: int) -> tuple[str, Order] | None:
        known = self.journal.get_order(order_id)
        tried: set[str] = set()
        if known is not None and known.machine_no:
            tried.add(known.machine_no)
            order = self._query(order_id, known.machine_no)
            if order is not None:
                self.journal.note_order_details(order, known.machine_no)  # for its follow-ups
                return known.machine_no, order
        if self._known_unknown(order_id):
            return None
        for machine_no in self._machine_numbers():
            if machine_no in tried:
                continue
            order = self._query(order_id, machine_no)
            if order is not None:
                self.journal.note_order(order_id, machine_no)
                self.journal.note_order_details(order, machine_no)
                return machine_no, order
        self._remember_unknown(order_id)
        return None

    def _query(self, order_id: int, machine_no: str) -> Order | None:
        try:
            return self._call(self.client.get_order, order_id, machine_no)
        except PlatformRefused as exc:
            if exc.code in _NOT_FOUND:
                return None
            raise

    def _delivery_mismatch(self, cb: Callback, machine_no: str) -> str:
        delivery_id = self._delivery_id(cb)
        if delivery_id is None:
            return ""
        delivery = self._call(self.client.get_delivery, delivery_id, machine_no)
        status = delivery.status.lower()
        if delivery.pending:
            # The platform records the result before it posts it: a result for a dispense
            # still under way did not come from the platform.
            outcome = Text(CALLBACK, CALLBACK_OUTCOMES.get(cb.outcome, cb.outcome))
            if status:
                said = cc.detail(
                    cc.STILL_PENDING, outcome=outcome, delivery=delivery_id, status=status
                )
            else:
                said = cc.detail(cc.STILL_PENDING_NO_STATUS, outcome=outcome, delivery=delivery_id)
            return str(said)
        if cb.outcome == "success" and status in _DELIVERY_FAILED:
            return str(cc.detail(cc.SUCCESS_BUT_FAILED, delivery=delivery_id, status=status))
        if cb.outcome == "failure" and status == _DELIVERY_SUCCESS:
            return str(cc.detail(cc.FAILURE_BUT_SUCCEEDED, delivery=delivery_id))
        return ""

    def _delivery_id(self, cb: Callback) -> int | None:
        """The delivery the console started for this record, if it did."""
        assert cb.order_id is not None
        for action in self.journal.list_actions(50, order_id=cb.order_id, kind="dispense"):
            if action.kind != "dispense" or action.record_id != cb.record_id:
                continue
            response = action.response or {}
            # The engine stores the platform's answer as is; older rows under "data".
            for data in (response, response.get("data")):
                if isinstance(data, dict) and isinstance(data.get("delivery_id"), int):
                    return int(data["delivery_id"])
        return None
