"""The window's platform work, journalled, as plain functions for worker threads.

Every write (set status, dispense, order create) is recorded in the journal
*before* its request leaves and its outcome after, whatever happens in
between. Nothing here touches Qt: each method takes plain data and returns a
dataclass; the task runner carries results to the window.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.api.client import Client
from console.api.errors import ApiError, Cancelled, PlatformRefused, TransportError
from console.core.callback import DELIVER_SUCCESS, Callback
from console.core.faults import fault_meaning, floor_meaning
from console.core.followup import refusal_means_item_out
from console.core.models import Delivery, Machine, Order, Product
from console.core.rules import DEVICE_TIMEOUT_S, check_machine_no
from console.core.status import (
    QUERY_SUCCESS,
    OrderStatus,
    is_dispensable,
    record_is_open,
)
from console.dispensing import CheckJournal, Checks, run_checks
from console.journal import ActionRow, CallbackRow, FollowupRow, Journal, LastDispense
from console.receiver import replay
from console.receiver.crosscheck import CrossChecker
from console.settings import ui_lang
from console.troubleshoot import Diagnosis, Fault, diagnose

T = TypeVar("T")

# How long to wait for a result callback before asking the platform instead
# (orders created elsewhere send their callbacks elsewhere); the pause grows
# between questions. A machine usually answers within a second.
RESULT_POLL_FIRST_S = 1.0
RESULT_POLL_MAX_S = 5.0
# Stop waiting for a machine's result a little after the platform gives up.
RESULT_DEADLINE_S = DEVICE_TIMEOUT_S + 10

JournalCall = Callable[..., Any]


class ResultWaiter:
    """Lets a dispense on a worker thread wait for its result callback.

    The receiver's thread calls ``notify`` for each journalled callback; a
    worker calls ``expect`` before sending (so an early answer is not missed)
    and then ``wait``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        # (order id, record id) of a dispense; ("test", slot) of a test dispense.
        self._expected: dict[tuple[int | str, int | str | None], CallbackRow | None] = {}

    def expect(self, order_id: int, record_id: int | None) -> None:
        with self._cond:
            self._expected[(order_id, record_id)] = None

    def forget(self, order_id: int, record_id: int | None) -> None:
        with self._cond:
            self._expected.pop((order_id, record_id), None)

    def expect_test(self, slot: str) -> None:
        """A test dispense of ``slot`` is about to be sent (its callback carries only the slot)."""
        with self._cond:
            self._expected[("test", slot.strip().upper())] = None

    def forget_test(self, slot: str) -> None:
        with self._cond:
            self._expected.pop(("test", slot.strip().upper()), None)

    def notify(self, row: CallbackRow) -> None:
        if not row.counts or row.outcome not in ("success", "failure"):
            return
        key: tuple[int | str, int | str | None]
        if row.order_id is not None:
            key = (row.order_id, row.record_id)
        elif row.channel_name:
            key = ("test", row.channel_name.strip().upper())
        else:
            return
        with self._cond:
            if key in self._expected:
                self._expected[key] = row
                self._cond.notify_all()

    def wait(
        self,
        order_id: int,
        record_id: int | None,
        timeout_s: float,
        cancel: threading.Event | None = None,
    ) -> CallbackRow | None:
        """The result callback, or None after ``timeout_s`` or when cancelled."""
        return self._wait((order_id, record_id), timeout_s, cancel)

    def wait_test(
        self, slot: str, timeout_s: float, cancel: threading.Event | None = None
    ) -> CallbackRow | None:
        """The test dispense's result callback (see ``expect_test``), or None."""
        return self._wait(("test", slot.strip().upper()), timeout_s, cancel)

    def _wait(
        self,
        key: tuple[int | str, int | str | None],
        timeout_s: float,
        cancel: threading.Event | None,
    ) -> CallbackRow | None:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                row = self._expected.get(key)
                if row is not None:
                    return row
                left = deadline - time.monotonic()
                if left <= 0 or (cancel is not None and cancel.is_set()):
                    return None
                self._cond.wait(min(left, 0.1))


# -- results handed to the window ---------------------------------------------------


translate = QCoreApplication.translate
# A record's or a test's ``result`` as the window shows it (translated where shown).
RESULT_WORDS = (
    QT_TRANSLATE_NOOP("Operations", "dropped"),
    QT_TRANSLATE_NOOP("Operations", "failed"),
    QT_TRANSLATE_NOOP("Operations", "no result"),
    QT_TRANSLATE_NOOP("Operations", "not sent"),
    QT_TRANSLATE_NOOP("Operations", "unknown"),
)


@dataclass(frozen=True)
class ProductsLoaded:
    machine_no: str
    products: list[Product]


@dataclass(frozen=True)
class OrderView:
    """An order as the window shows it, with what the journal knows about it."""

    order: Order
    machine_no: str
    first_seen: float | None  # None: age unknown
    created_here: bool
    deliveries: dict[int, int] = field(default_factory=dict)  # record id -> last delivery id
    # record id -> its last dispense: pending, unknown or settled (Journal.last_dispenses)
    last_dispenses: dict[int, LastDispense] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusChanged:
    order_id: int
    machine_no: str
    status: OrderStatus
    action_id: int


@dataclass(frozen=True)
class OrderCreated:
    order_id: int
    machine_no: str
    trade_id: str


@dataclass(frozen=True)
class DispenseProgress:
    """Where a dispense run is; ``stage`` is ``sending``, ``waiting`` or ``done``."""

    machine_no: str
    order_id: int
    record_id: int
    index: int  # 1-based
    total: int
    stage: str
    delivery_id: int = 0


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record: ``dropped``, ``delivered`` (the platform refused: the
    record was already delivered, nothing was sent), ``failed``, ``no result``, ``not
    sent``, or ``unknown`` (the dispense was sent but its answer was lost: it may have
    dropped)."""

    record_id: int
    result: str
    detail: str = ""
    delivery_id: int = 0
    error: ApiError | None = None

    @property
    def item_out(self) -> bool:
        """The customer has the item (it dropped now, or was delivered before)."""
        return self.result in ("dropped", "delivered")


@dataclass(frozen=True)
class DispenseReport:
    order_id: int
    machine_no: str
    outcomes: list[RecordOutcome]
    not_sent: list[int]
    cancelled: bool = False

    @property
    def all_dropped(self) -> bool:
        return not self.not_sent and all(o.item_out for o in self.outcomes)


@dataclass(frozen=True)
class SlotTestProgress:
    """Where a test dispense is: ``stage`` is ``sending`` or ``waiting`` (machine locked)."""

    machine_no: str
    slot: str
    stage: str
    delivery_id: int = 0


@dataclass(frozen=True)
class SlotTestResult:
    """A test dispense's outcome: ``result`` is ``dropped``, ``failed`` or ``no result``.

    ``callback`` is the machine's result callback when it came (else the
    platform was asked); ``fault`` says why a failed one failed.
    """

    machine_no: str
    slot: str
    result: str
    detail: str
    delivery_id: int = 0
    callback: CallbackRow | None = None
    fault: Fault | None = None


class _JournalThread:
    """What ``diagnose`` and the overdue check use of the journal, run on the journal
    thread (the one thread that talks to SQLite for the window)."""

    def __init__(self, journal: Journal, journal_call: JournalCall) -> None:
        self._journal = journal
        self._j = journal_call

    def machine_activity(
        self, machine_no: str, since: float, limit: int = 5000
    ) -> tuple[list[ActionRow], list[CallbackRow]]:
        result: tuple[list[ActionRow], list[CallbackRow]] = self._j(
            self._journal.machine_activity, machine_no, since, limit
        )
        return result

    def overdue_dispenses(
        self, now: float, older_than_s: float = DEVICE_TIMEOUT_S
    ) -> list[ActionRow]:
        rows: list[ActionRow] = self._j(self._journal.overdue_dispenses, now, older_than_s)
        return rows

    def record_dispense_result(
        self, order_id: int, record_id: int | None, machine_no: str, delivery: Delivery
    ) -> FollowupRow | None:
        row: FollowupRow | None = self._j(
            self._journal.record_dispense_result, order_id, record_id, machine_no, delivery
        )
        return row

    def open_unknown_result_followup(self, action_id: int, found: str) -> FollowupRow | None:
        row: FollowupRow | None = self._j(
            self._journal.open_unknown_result_followup, action_id, found
        )
        return row

    def record_order_result(
        self,
        order_id: int,
        record_id: int,
        machine_no: str,
        record_status: str,
        device_timeout_passed: bool,
    ) -> FollowupRow | None:
        row: FollowupRow | None = self._j(
            self._journal.record_order_result,
            order_id,
            record_id,
            machine_no,
            record_status,
            device_timeout_passed,
        )
        return row

    def due_unknown_checks(self, now: float) -> list[tuple[FollowupRow, ActionRow | None]]:
        rows: list[tuple[FollowupRow, ActionRow | None]] = self._j(
            self._journal.due_unknown_checks, now
        )
        return rows

    def note_unknown_check(self, fid: int, found: str) -> float:
        due: float = self._j(self._journal.note_unknown_check, fid, found)
        return due

    def get_followup(self, fid: int) -> FollowupRow | None:
        row: FollowupRow | None = self._j(self._journal.get_followup, fid)
        return row

    def unconfirmed_results(self, before_ts: float, limit: int = 200) -> list[CallbackRow]:
        rows: list[CallbackRow] = self._j(self._journal.unconfirmed_results, before_ts, limit)
        return rows

    def set_cross_check(self, callback_id: int, verdict: str, detail: str) -> int | None:
        fid: int | None = self._j(self._journal.set_cross_check, callback_id, verdict, detail)
        return fid


@dataclass(frozen=True)
class FollowupChanged:
    row: FollowupRow
    action_id: int | None = None


def new_trade_id(now: float) -> str:
    """A unique merchant trade id: 24 characters, ``VC`` + time + random hex."""
    return "VC" + time.strftime("%Y%m%d%H%M%S", time.gmtime(now)) + secrets.token_hex(4)


def _response(value: Any) -> dict[str, Any] | None:
    """What the journal stores as an action's response."""
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value if isinstance(value, dict) else {"data": value}


class Operations:
    """One profile's platform work. Thread-safe; runs on the runner's api threads.

    ``journal_call(fn, *args)`` runs a journal method on the journal thread and
    returns its result (``TaskRunner.call`` bound to the journal pool).
    """

    def __init__(
        self,
        client: Client,
        journal: Journal,
        journal_call: JournalCall,
        waiter: ResultWaiter,
        *,
        notify_url: str,
        receiver_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.journal = journal
        self._j = journal_call
        self.waiter = waiter
        self.notify_url = notify_url
        self.receiver_url = receiver_url
        self.clock = clock
        # One checker for the receiver's life: it keeps the pace of its platform
        # calls and what it learnt (the machine list, orders no machine has).
        self.checker = CrossChecker(client, journal)
        # Each machine's products as last loaded: they name an order's slots and products.
        self._products: dict[str, list[Product]] = {}

    # -- journalling --------------------------------------------------------------

    def _journalled(
        self,
        kind: str,
        machine_no: str,
        order_id: int | None,
        request: dict[str, Any],
        send: Callable[[], T],
    ) -> tuple[T, int]:
        """Record the intent, send, record the outcome; re-raise failures.

        The intent is committed on this (api) thread, through the journal's own
        lock, before anything is sent: a round trip to the journal thread here
        added two thread hand-offs to every click.
        """
        action_id = self.journal.begin_action(kind, machine_no, order_id, request)
        finish = self.journal.finish_action
        try:
            result = send()
        except PlatformRefused as exc:
            self._j(finish, action_id, "refused", exc.code, exc.message, {"data": exc.data})
            raise
        except Cancelled as exc:
            self._j(finish, action_id, "cancelled", None, str(exc))
            raise
        except TransportError as exc:
            self._j(finish, action_id, "transport", None, self.client.masked(exc.describe()))
            raise
        except BaseException as exc:
            text = self.client.masked(f"{type(exc).__name__}: {exc}")
            self._j(finish, action_id, "transport", None, text)
            raise
        self._j(finish, action_id, "ok", None, "", _response(result))
        return result, action_id

    # -- reads --------------------------------------------------------------------

    def machines(self) -> list[Machine]:
        return self.client.machines()

    def products(self, machine_no: str) -> ProductsLoaded:
        loaded = ProductsLoaded(machine_no, self.client.all_products(machine_no))
        self._products[machine_no] = loaded.products
        return loaded

    def open_order(self, order_id: int, machine_no: str) -> OrderView:
        """Look the order up (journalled, so it shows in recent orders)."""
        no = check_machine_no(machine_no).value
        order, _ = self._journalled(
            "order_get",
            no,
            order_id,
            {"machine_no": no},
            lambda: self.client.get_order(order_id, no),
        )
        # What the platform said (amount, date, slots, products): a follow-up shows it.
        summary = self._j(self.journal.note_order_details, order, no, self._products.get(no))
        # Only the dispenses: an order's status changes and look-ups can run to hundreds.
        actions = self._j(self.journal.list_actions, 200, order_id=order_id, kind="dispense")
        deliveries: dict[int, int] = {}
        for action in reversed(actions):  # oldest first, so the newest wins
            response = action.response or {}
            if action.kind == "dispense" and action.record_id and response.get("delivery_id"):
                deliveries[action.record_id] = int(response["delivery_id"])
        return OrderView(
            order=order,
            machine_no=no,
            first_seen=None if summary is None else summary.first_seen,
            created_here=bool(summary and summary.created_here),
            deliveries=deliveries,
            last_dispenses=self._j(self.journal.last_dispenses, order_id),
        )

    def query_delivery(self, delivery_id: int, machine_no: str, order_id: int | None) -> Delivery:
        delivery, _ = self._journalled(
            "delivery_query",
            machine_no,
            order_id,
            {"delivery_id": delivery_id},
            lambda: self.client.get_delivery(delivery_id, machine_no),
        )
        return delivery

    # -- writes -------------------------------------------------------------------

    def set_status(self, order_id: int, machine_no: str, status: OrderStatus) -> StatusChanged:
        _, action_id = self._journalled(
            "set_status",
            machine_no,
            order_id,
            {"machine_no": machine_no, "status": int(status), "status_label": status.label_en},
            lambda: self.client.set_order_status(order_id, machine_no, status),
        )
        return StatusChanged(order_id, machine_no, status, action_id)

    def create_order(self, machine_no: str, product_id: int, quantity: int) -> OrderCreated:
        trade_id = new_trade_id(self.clock())
        request = {
            "machine_no": machine_no,
            "trade_id": trade_id,
            "products": [{"product_id": product_id, "quantity": quantity}],
            "notify_url": self.client.masked(self.notify_url),
        }
        created, _ = self._journalled(
            "order_create",
            machine_no,
            None,
            request,
            lambda: OrderCreated(
                self.client.create_order(
                    machine_no, self.notify_url, trade_id, [(product_id, quantity)]
                ),
                machine_no,
                trade_id,
            ),
        )
        return created

    def dispense(
        self,
        order: Order,
        machine_no: str,
        record_ids: list[int],
        *,
        cancel: threading.Event,
        progress: Callable[[DispenseProgress], None],
    ) -> DispenseReport:
        """Dispense records one after another, waiting for each machine result.

        Never retried. Stops at the first record that did not drop (refused,
        failed, no answer) and reports the records it did not send.
        """
        if not is_dispensable(order.status):
            raise ValueError(
                translate(
                    "Operations",
                    "order {order} is {status}: only paid or "
                    "pickup-code orders can be dispensed; nothing was sent",
                ).format(
                    order=order.order_id, status=order.status or translate("Operations", "unknown")
                )
            )
        outcomes: list[RecordOutcome] = []
        total = len(record_ids)
        for index, record_id in enumerate(record_ids, 1):
            if cancel.is_set():
                return DispenseReport(
                    order.order_id, machine_no, outcomes, record_ids[index - 1 :], True
                )
            step = DispenseProgress(machine_no, order.order_id, record_id, index, total, "sending")
            progress(step)
            outcome = self._dispense_one(order, machine_no, record_id, step, cancel, progress)
            outcomes.append(outcome)
            progress(dataclasses.replace(step, stage="done", delivery_id=outcome.delivery_id))
            if not outcome.item_out:
                return DispenseReport(
                    order.order_id,
                    machine_no,
                    outcomes,
                    record_ids[index:],
                    cancel.is_set(),
                )
        return DispenseReport(order.order_id, machine_no, outcomes, [])

    def _dispense_one(
        self,
        order: Order,
        machine_no: str,
        record_id: int,
        step: DispenseProgress,
        cancel: threading.Event,
        progress: Callable[[DispenseProgress], None],
    ) -> RecordOutcome:
        order_id = order.order_id
        request = {
            "machine_no": machine_no,
            "record_id": record_id,
            "paid": order.status == QUERY_SUCCESS,
        }
        self.waiter.expect(order_id, record_id)
        try:
            try:
                delivery, _ = self._journalled(
                    "dispense",
                    machine_no,
                    order_id,
                    request,
                    lambda: self.client.dispense(machine_no, order_id, record_id),
                )
            except TransportError as exc:
                # Sent but no usable answer: the item may have dropped. Never "not sent".
                result = "unknown" if exc.sent else "not sent"
                return RecordOutcome(record_id, result, str(exc), error=exc)
            except PlatformRefused as exc:
                if refusal_means_item_out(exc.code):  # e.g. 6034: a result, not a failure
                    return RecordOutcome(record_id, "delivered", exc.message, error=exc)
                return RecordOutcome(record_id, "not sent", str(exc), error=exc)
            except ApiError as exc:
                return RecordOutcome(record_id, "not sent", str(exc), error=exc)
            progress(dataclasses.replace(step, stage="waiting", delivery_id=delivery.delivery_id))
            return self._await_result(order_id, record_id, machine_no, delivery, cancel)
        finally:
            self.waiter.forget(order_id, record_id)

    def _poll_result(
        self,
        wait: Callable[[float], CallbackRow | None],
        machine_no: str,
        delivery_id: int,
        cancel: threading.Event,
    ) -> tuple[CallbackRow | None, Delivery | None]:
        """Wait for a sent dispense's result: ``(callback row, None)`` when the callback
        came, ``(None, settled delivery)`` when the platform answered first, else
        ``(None, None)`` (cancelled, deadline passed, or no delivery id to ask about).

        ``wait(pause)`` waits up to ``pause`` seconds for the callback; between waits
        the platform is asked, the pause growing each time.
        """
        deadline = time.monotonic() + RESULT_DEADLINE_S
        pause = RESULT_POLL_FIRST_S
        while time.monotonic() < deadline and not cancel.is_set():
            row = wait(pause)
            pause = min(pause * 1.5, RESULT_POLL_MAX_S)
            if row is not None:
                return row, None
            if cancel.is_set() or not delivery_id:
                break
            try:
                latest = self.client.get_delivery(delivery_id, machine_no)
            except ApiError:
                continue  # the callback may still come; the deadline bounds the wait
            if not latest.pending:
                return None, latest
        return None, None

    def _await_result(
        self,
        order_id: int,
        record_id: int,
        machine_no: str,
        delivery: Delivery,
        cancel: threading.Event,
    ) -> RecordOutcome:
        did = delivery.delivery_id
        row, latest = self._poll_result(
            lambda pause: self.waiter.wait(order_id, record_id, pause, cancel),
            machine_no,
            did,
            cancel,
        )
        if row is not None:
            if row.deliver_status == DELIVER_SUCCESS:
                return RecordOutcome(
                    record_id,
                    "dropped",
                    translate("Operations", "the machine reported success"),
                    did,
                )
            return RecordOutcome(
                record_id, "failed", _failure_text(row.error_msg, row.floor_status), did
            )
        if latest is not None:
            # The platform's record answered first: journalled like a callback would be.
            self._j(self.journal.record_dispense_result, order_id, record_id, machine_no, latest)
            if latest.succeeded:
                return RecordOutcome(
                    record_id,
                    "dropped",
                    translate("Operations", "the platform reports success"),
                    did,
                )
            return RecordOutcome(
                record_id, "failed", _failure_text(latest.fail_reason or latest.status), did
            )
        why = _no_result_why(cancel)
        return RecordOutcome(
            record_id,
            "no result",
            translate(
                "Operations",
                "{why}: the item may or may not have dropped; query the dispense before "
                "trying again",
            ).format(why=why),
            did,
        )

    # -- troubleshooting ------------------------------------------------------------

    def diagnose(self, machine_no: str, lang: str = "en") -> Diagnosis:
        """``console.troubleshoot.diagnose`` with this profile's client and journal."""
        journal = cast(Journal, _JournalThread(self.journal, self._j))  # duck-typed: reads only
        return diagnose(self.client, machine_no, journal=journal, now=self.clock, lang=lang)

    def test_dispense(
        self,
        machine_no: str,
        slot: str,
        *,
        cancel: threading.Event,
        progress: Callable[[SlotTestProgress], None],
    ) -> SlotTestResult:
        """Test-dispense one slot (an item drops) and wait for the machine's result.

        Journalled (``channel_name`` in the request, for the history); never
        retried. A refusal (machine offline or busy, unknown slot) is raised.
        """
        no = check_machine_no(machine_no).value
        name = slot.strip().upper()
        if not name:
            raise ValueError(translate("Operations", "choose a slot to test; nothing was sent"))
        request = {
            "machine_no": no,
            "channel_name": name,
            "notify_url": self.client.masked(self.notify_url),
        }
        self.waiter.expect_test(name)
        try:
            progress(SlotTestProgress(no, name, "sending"))
            delivery, _ = self._journalled(
                "test_dispense",
                no,
                None,
                request,
                lambda: self.client.test_dispense(no, name, self.notify_url),
            )
            progress(SlotTestProgress(no, name, "waiting", delivery.delivery_id))
            return self._await_test_result(no, name, delivery, cancel)
        finally:
            self.waiter.forget_test(name)

    def _await_test_result(
        self, machine_no: str, slot: str, delivery: Delivery, cancel: threading.Event
    ) -> SlotTestResult:
        did = delivery.delivery_id
        row, latest = self._poll_result(
            lambda pause: self.waiter.wait_test(slot, pause, cancel), machine_no, did, cancel
        )
        if row is not None:
            if row.deliver_status == DELIVER_SUCCESS:
                return SlotTestResult(
                    machine_no,
                    slot,
                    "dropped",
                    translate("Operations", "the machine reported success"),
                    did,
                    row,
                )
            fault = Fault(row.error_msg, row.floor_status)
            return SlotTestResult(machine_no, slot, "failed", fault.words(), did, row, fault)
        if latest is not None:
            if latest.succeeded:
                return SlotTestResult(
                    machine_no,
                    slot,
                    "dropped",
                    translate("Operations", "the platform reports success"),
                    did,
                )
            fault = Fault(latest.fail_reason or latest.status, None)
            return SlotTestResult(machine_no, slot, "failed", fault.words(), did, fault=fault)
        why = _no_result_why(cancel)
        return SlotTestResult(
            machine_no,
            slot,
            "no result",
            translate(
                "Operations",
                "{why}: the item may or may not have dropped; check the slot before testing again",
            ).format(why=why),
            did,
        )

    # -- follow-ups -----------------------------------------------------------------

    def refund_followup(
        self, fid: int, order_id: int, machine_no: str, note: str
    ) -> FollowupChanged:
        """Move the order to refund (status 2), then mark the follow-up refund requested."""
        changed = self.set_status(order_id, machine_no, OrderStatus.REFUND)
        row = self._j(self.journal.followup_refund_requested, fid, changed.action_id, note)
        return FollowupChanged(row, changed.action_id)

    # Journal-only work: these run on the journal thread itself, so they call it directly.

    def followups(self, include_closed: bool = False) -> tuple[list[FollowupRow], int]:
        """The follow-ups to list (active ones, or all) and how many are active."""
        active = self.journal.list_followups("active")
        return (self.journal.list_followups(None) if include_closed else active), len(active)

    def resolve_followup(self, fid: int, note: str) -> FollowupChanged:
        return FollowupChanged(self.journal.followup_resolve(fid, note))

    def dismiss_followup(self, fid: int, reason: str) -> FollowupChanged:
        return FollowupChanged(self.journal.followup_dismiss(fid, reason))

    def checks_due(self) -> bool:
        """Anything to ask the platform about now? (journal thread: a read)"""
        return self.journal.has_due_checks(self.clock())

    def run_checks(self) -> Checks:
        """Unconfirmed result callbacks, dispenses without a result after 120 s and due
        "result unknown" re-checks (``console.dispensing.run_checks``): the platform is
        asked before any follow-up opens or closes. On an api thread."""
        journal = cast(CheckJournal, _JournalThread(self.journal, self._j))
        return run_checks(self.client, self.checker, journal, self.clock())

    # -- callbacks --------------------------------------------------------------------

    def replay_callback(self, callback_id: int) -> int:
        """Re-send a stored callback to this console's receiver; returns the HTTP status."""
        return replay(self.journal, callback_id, self.receiver_url)

    def cross_check(self, cb: Callback) -> tuple[str, str]:
        """Check a result callback against the platform (callbacks carry no signature).

        Runs on the receiver's cross-check thread; see ``CrossChecker``.
        """
        return self.checker(cb)


def records_to_dispense(order: Order) -> list[int]:
    """Records still to drop: not picked up (the platform's empty status counts too)."""
    return [r.id for r in order.records if record_is_open(r.status)]


def _no_result_why(cancel: threading.Event) -> str:
    """Why a dispense's wait ended without a result."""
    return (
        translate("Operations", "stopped waiting (cancelled)")
        if cancel.is_set()
        else translate("Operations", "no result from the machine")
    )


def _failure_text(error_msg: str, floor_status: str | None = None) -> str:
    text = (error_msg or "").strip()
    lang = ui_lang()
    parts = [
        f"{text} — {fault_meaning(text).text(lang)}"
        if text
        else translate("Operations", "no fault text given")
    ]
    if floor_status not in (None, ""):
        parts.append(
            translate("Operations", "slot status {status}: {meaning}").format(
                status=floor_status, meaning=floor_meaning(floor_status).short(lang)
            )
        )
    return "; ".join(parts)
