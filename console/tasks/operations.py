"""The window's platform work, journalled, as plain functions for worker threads.

Every write (set status, dispense, order create) is recorded in the journal
*before* its request leaves and its outcome after, whatever happens in
between. Nothing here touches Qt: each method takes plain data and returns a
dataclass; the task runner carries results to the window.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

from console.api.client import Client
from console.core.callback import Callback
from console.core.followup import FollowupError, refund_allowed
from console.core.models import Delivery, Machine, Order, Product
from console.core.rules import DEVICE_TIMEOUT_S, check_machine_no
from console.core.status import (
    OrderStatus,
    record_is_open,
)
from console.dispensing import CheckJournal, Checks, run_checks
from console.dispensing.engine import (
    DispenseEngine,
    DispenseProgress,
    DispenseReport,
    ResultWaiter,
    SlotTestProgress,
    SlotTestResult,
)
from console.dispensing.refund import refund_followup
from console.journal import ActionRow, CallbackRow, FollowupRow, Journal, LastDispense
from console.receiver import replay
from console.receiver.crosscheck import CrossChecker
from console.troubleshoot import Diagnosis, diagnose

T = TypeVar("T")

JournalCall = Callable[..., Any]


# -- results handed to the window ---------------------------------------------------


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
        action_id: int | None = None,
    ) -> FollowupRow | None:
        row: FollowupRow | None = self._j(
            self._journal.record_order_result,
            order_id,
            record_id,
            machine_no,
            record_status,
            device_timeout_passed,
            action_id,
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
        self.engine = DispenseEngine(client, journal, waiter, call=journal_call)
        # Each machine's products as last loaded: they name an order's slots and products.
        self._products: dict[str, list[Product]] = {}

    # -- journalling --------------------------------------------------------------

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
        order, _ = self.engine.journalled(
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
        delivery, _ = self.engine.journalled(
            "delivery_query",
            machine_no,
            order_id,
            {"delivery_id": delivery_id},
            lambda: self.client.get_delivery(delivery_id, machine_no),
        )
        return delivery

    # -- writes -------------------------------------------------------------------

    def set_status(self, order_id: int, machine_no: str, status: OrderStatus) -> StatusChanged:
        _, action_id = self.engine.journalled(
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
        created, _ = self.engine.journalled(
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
        """Dispense records one after another (``DispenseEngine.dispense``)."""
        return self.engine.dispense(order, machine_no, record_ids, cancel=cancel, progress=progress)

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
        """Test-dispense one slot and wait for its result (``DispenseEngine.test_dispense``)."""
        return self.engine.test_dispense(
            machine_no, slot, self.notify_url, cancel=cancel, progress=progress
        )

    # -- follow-ups -----------------------------------------------------------------

    def refund_followup(
        self, fid: int, order_id: int, machine_no: str, note: str
    ) -> FollowupChanged:
        """Move the order to refund (status 2), then mark the follow-up refund requested
        (``console.dispensing.refund``, the same as ``vendctl followup refund``)."""
        followup = self._j(self.journal.get_followup, fid)
        if followup is None or (followup.order_id, followup.machine_no) != (order_id, machine_no):
            raise FollowupError(f"no follow-up {fid} for order {order_id} on {machine_no}")
        row, action_id = refund_followup(self.client, self.journal, followup, note, call=self._j)
        return FollowupChanged(row, action_id)

    # Journal-only work: these run on the journal thread itself, so they call it directly.

    def followups(self, include_closed: bool = False) -> tuple[list[FollowupRow], int]:
        """The follow-ups to list (active ones, or all) and how many active ones may need a
        refund (the tab's count: a suspicious callback is listed but not counted)."""
        active = self.journal.list_followups("active")
        count = sum(1 for f in active if refund_allowed(f.reason))
        return (self.journal.list_followups(None) if include_closed else active), count

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
        checks = run_checks(self.client, self.checker, journal, self.clock())
        # Each late check names its order's machine, so its log line can be filtered by it.
        checks.late[:] = [
            replace(late, machine_no=self._j(self.order_machine, late.order_id))
            for late in checks.late
        ]
        return checks

    def order_machine(self, order_id: int | None) -> str:
        """The machine of an order the journal knows ("" if none); on any thread that
        may read the journal."""
        if order_id is None:
            return ""
        order = self.journal.get_order(order_id)
        return order.machine_no if order is not None else ""

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
