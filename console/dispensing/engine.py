"""The one dispense engine: send, wait for the first result, journal it, decide. No Qt.

The window (on its worker threads), ``vendctl dispense`` and any future
service run this same code:

1. the intent is journalled (with who) before the request leaves; the journal
   refuses an intent that clashes with one already running
   (``Journal.begin_action``);
2. the dispense is sent once — never retried;
3. the engine waits for the first of the machine's result callback (the
   receiver journals it; a ``ResultWaiter`` or ``JournalWaiter`` hears it) or
   the platform's dispense record (asked with a growing pause);
4. a result read from the platform is journalled like a callback, and the
   journal decides the follow-up (``console.core.followup``); a callback's
   follow-up is decided when its cross-check confirms it;
5. a dispense whose answer was lost keeps waiting for a result in the journal,
   and the no-result check (``console.dispensing.overdue``) asks the platform
   after 120 s.

Texts come back as ``console.core.texts.Text`` (message id + values): the
window renders them translated, ``vendctl`` in English.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from console.api.errors import ApiError, Cancelled, PlatformRefused, TransportError
from console.core.callback import DELIVER_SUCCESS
from console.core.faults import Meaning, fault_meaning, floor_meaning
from console.core.followup import refusal_means_item_out
from console.core.models import Delivery, Order
from console.core.rules import DEVICE_TIMEOUT_S, check_machine_no
from console.core.status import QUERY_SUCCESS, is_dispensable
from console.core.texts import QT_TRANSLATE_NOOP, Text, TextError, text
from console.journal import CallbackRow, FollowupRow, Journal

T = TypeVar("T")

# How long to wait for a result callback before asking the platform instead
# (orders created elsewhere send their callbacks elsewhere); the pause grows
# between questions. A machine usually answers within a second.
RESULT_POLL_FIRST_S = 1.0
RESULT_POLL_MAX_S = 5.0
# Stop waiting for a machine's result a little after the platform gives up.
RESULT_DEADLINE_S = DEVICE_TIMEOUT_S + 10
# When the platform's record answers first, the machine's callback is usually a
# moment behind: wait this long for it before reporting without it.
CALLBACK_GRACE_S = 3.0

CTX = "Operations"  # the Qt Linguist context of the engine's texts (kept from before)

# A record's or a test's ``result`` as the window shows it (translated where shown).
RESULT_WORDS = (
    QT_TRANSLATE_NOOP("Operations", "dropped"),
    QT_TRANSLATE_NOOP("Operations", "failed"),
    QT_TRANSLATE_NOOP("Operations", "no result"),
    QT_TRANSLATE_NOOP("Operations", "not sent"),
    QT_TRANSLATE_NOOP("Operations", "unknown"),
)
MACHINE_SUCCESS = QT_TRANSLATE_NOOP("Operations", "the machine reported success")
PLATFORM_SUCCESS = QT_TRANSLATE_NOOP("Operations", "the platform reports success")
NO_RESULT = QT_TRANSLATE_NOOP(
    "Operations",
    "{why}: the item may or may not have dropped; query the dispense before trying again",
)
NO_TEST_RESULT = QT_TRANSLATE_NOOP(
    "Operations",
    "{why}: the item may or may not have dropped; check the slot before testing again",
)
WHY_CANCELLED = QT_TRANSLATE_NOOP("Operations", "stopped waiting (cancelled)")
WHY_NO_RESULT = QT_TRANSLATE_NOOP("Operations", "no result from the machine")
NO_FAULT_TEXT = QT_TRANSLATE_NOOP("Operations", "no fault text given")
FAULT = QT_TRANSLATE_NOOP("Operations", "{fault} — {meaning}")
FAULT_AND_SLOT = QT_TRANSLATE_NOOP("Operations", "{fault}; slot status {status}: {meaning}")
NOT_DISPENSABLE = QT_TRANSLATE_NOOP(
    "Operations",
    "order {order} is {status}: only paid or pickup-code orders can be dispensed; nothing was sent",
)
UNKNOWN_STATUS = QT_TRANSLATE_NOOP("Operations", "unknown")
CHOOSE_SLOT = QT_TRANSLATE_NOOP("Operations", "choose a slot to test; nothing was sent")


# -- hearing result callbacks ---------------------------------------------------------


class ResultWait(Protocol):
    """How the engine hears a result callback (see ``ResultWaiter``, ``JournalWaiter``)."""

    def expect(self, order_id: int, record_id: int | None) -> None: ...

    def forget(self, order_id: int, record_id: int | None) -> None: ...

    def wait(
        self,
        order_id: int,
        record_id: int | None,
        timeout_s: float,
        cancel: threading.Event | None = None,
    ) -> CallbackRow | None: ...

    def expect_test(self, slot: str, machine_no: str = "") -> None: ...

    def forget_test(self, slot: str) -> None: ...

    def wait_test(
        self, slot: str, timeout_s: float, cancel: threading.Event | None = None
    ) -> CallbackRow | None: ...


_Key = tuple[int | str, int | str | None]
TEST_MACHINE_KEPT_S = 60.0  # a test dispense's machine is known this long after its wait


class ResultWaiter:
    """Lets a dispense on a worker thread wait for its result callback, told by the
    receiver running in this process.

    The receiver's thread calls ``notify`` for each journalled callback; a
    worker calls ``expect`` before sending (so an early answer is not missed)
    and then ``wait``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        # (order id, record id) of a dispense; ("test", slot) of a test dispense.
        self._expected: dict[_Key, CallbackRow | None] = {}
        # slot -> (machine, until) of a test dispense (its callback names only the slot),
        # so the callback's log lines can say which machine it is from: while it waits
        # (until = inf) and for TEST_MACHINE_KEPT_S after (its cross-check may come later).
        self._test_machines: dict[str, tuple[str, float]] = {}

    def expect(self, order_id: int, record_id: int | None) -> None:
        with self._cond:
            self._expected[(order_id, record_id)] = None

    def forget(self, order_id: int, record_id: int | None) -> None:
        with self._cond:
            self._expected.pop((order_id, record_id), None)

    def expect_test(self, slot: str, machine_no: str = "") -> None:
        """A test dispense of ``slot`` on ``machine_no`` is about to be sent (its callback
        carries only the slot)."""
        name = slot.strip().upper()
        with self._cond:
            self._expected[("test", name)] = None
            self._test_machines[name] = (machine_no, math.inf)

    def forget_test(self, slot: str) -> None:
        name = slot.strip().upper()
        with self._cond:
            self._expected.pop(("test", name), None)
            known = self._test_machines.get(name)
            if known is not None:
                self._test_machines[name] = (known[0], time.monotonic() + TEST_MACHINE_KEPT_S)

    def test_machine(self, row: CallbackRow) -> str:
        """The machine of the test dispense an order-less callback answers ("" if none
        waited for its slot lately)."""
        if row.order_id is not None or not row.channel_name:
            return ""
        with self._cond:
            machine_no, until = self._test_machines.get(row.channel_name.strip().upper(), ("", 0))
        return machine_no if time.monotonic() <= until else ""

    def notify(self, row: CallbackRow) -> None:
        if not row.counts or row.outcome not in ("success", "failure"):
            return
        key: _Key
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
        self, key: _Key, timeout_s: float, cancel: threading.Event | None
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


class JournalWaiter:
    """Hears result callbacks that another process's receiver (``vendctl listen``, the
    window) journals, by reading the shared journal: for ``vendctl dispense``."""

    POLL_S = 0.25

    def __init__(self, journal: Journal, clock: Callable[[], float] = time.time) -> None:
        self.journal = journal
        self.clock = clock
        self._since: dict[_Key, float] = {}

    def expect(self, order_id: int, record_id: int | None) -> None:
        self._since[(order_id, record_id)] = self.clock() - 1.0

    def forget(self, order_id: int, record_id: int | None) -> None:
        self._since.pop((order_id, record_id), None)

    def expect_test(self, slot: str, machine_no: str = "") -> None:
        self._since[("test", slot.strip().upper())] = self.clock() - 1.0

    def forget_test(self, slot: str) -> None:
        self._since.pop(("test", slot.strip().upper()), None)

    def _find(self, key: _Key) -> CallbackRow | None:
        since = self._since.get(key)
        if since is None:
            return None
        order_id = key[0] if isinstance(key[0], int) else None
        for row in self.journal.list_callbacks(50, order_id=order_id):
            if row.ts < since or not row.counts or row.outcome not in ("success", "failure"):
                continue
            if order_id is not None and row.record_id == key[1]:
                return row
            if order_id is None and (row.channel_name or "").strip().upper() == key[1]:
                return row
        return None

    def _wait(
        self, key: _Key, timeout_s: float, cancel: threading.Event | None
    ) -> CallbackRow | None:
        deadline = time.monotonic() + timeout_s
        while True:
            row = self._find(key)
            if row is not None:
                return row
            left = deadline - time.monotonic()
            if left <= 0 or (cancel is not None and cancel.is_set()):
                return None
            if cancel is not None:
                cancel.wait(min(left, self.POLL_S))
            else:
                time.sleep(min(left, self.POLL_S))

    def wait(
        self,
        order_id: int,
        record_id: int | None,
        timeout_s: float,
        cancel: threading.Event | None = None,
    ) -> CallbackRow | None:
        return self._wait((order_id, record_id), timeout_s, cancel)

    def wait_test(
        self, slot: str, timeout_s: float, cancel: threading.Event | None = None
    ) -> CallbackRow | None:
        return self._wait(("test", slot.strip().upper()), timeout_s, cancel)


# -- what the engine reports ----------------------------------------------------------


@dataclass(frozen=True)
class DispenseProgress:
    """Where a dispense run is; ``stage`` is ``sending``, ``waiting`` or ``done``
    (``outcome`` then says what became of the record)."""

    machine_no: str
    order_id: int
    record_id: int
    index: int  # 1-based
    total: int
    stage: str
    delivery_id: int = 0
    outcome: RecordOutcome | None = None


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record: ``dropped``, ``delivered`` (the platform refused: the
    record was already delivered, nothing was sent), ``failed``, ``no result``, ``not
    sent``, or ``unknown`` (the dispense was sent but its answer was lost: it may have
    dropped).

    ``delivery`` is the platform's settled record when it was read; ``callback`` the
    machine's result callback when it came first; ``followup`` what the journal opened
    on the platform's record (a callback's is opened once its cross-check confirms it).
    """

    record_id: int
    result: str
    detail: Text
    delivery_id: int = 0
    error: ApiError | None = None
    delivery: Delivery | None = None
    callback: CallbackRow | None = None
    followup: FollowupRow | None = None

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
    platform was asked and ``read_first`` says so); ``fault_text`` and
    ``floor_status`` say why a failed one failed.
    """

    machine_no: str
    slot: str
    result: str
    detail: Text
    delivery_id: int = 0
    callback: CallbackRow | None = None
    fault_text: str = ""
    floor_status: str | None = None
    read_first: bool = False  # the platform's record answered before any callback


# -- journalling ------------------------------------------------------------------------


JournalCall = Callable[..., Any]


def _direct(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return fn(*args, **kwargs)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _response(value: Any) -> dict[str, Any] | None:
    """What the journal stores as an action's response: a record's fields, or
    ``{"data": ...}`` for anything that is not one."""
    if value is None:
        return None
    plain = _plain(value)
    return plain if isinstance(plain, dict) else {"data": plain}


def journalled(
    journal: Journal,
    kind: str,
    machine_no: str,
    order_id: int | None,
    request: dict[str, Any],
    send: Callable[[], T],
    *,
    call: JournalCall = _direct,
    mask: Callable[[str], str] = str,
    actor: str | None = None,
) -> tuple[T, int]:
    """Record the intent (committed, with who), send, record the outcome; re-raise
    failures. Returns ``send``'s result and the journal's action id.

    The intent is written on the calling thread, through the journal's own lock,
    before anything is sent; ``call(fn, *args)`` runs the outcome's write (the window
    routes it to its journal thread).
    """
    action_id = journal.begin_action(kind, machine_no, order_id, request, actor=actor)
    finish = journal.finish_action
    try:
        result = send()
    except PlatformRefused as exc:
        call(finish, action_id, "refused", exc.code, exc.message, {"data": exc.data})
        raise
    except Cancelled as exc:
        call(finish, action_id, "cancelled", None, str(exc))
        raise
    except TransportError as exc:
        call(finish, action_id, "transport", None, mask(exc.describe()))
        if kind == "dispense" and exc.sent:
            # The request may have arrived and the item may have dropped: the dispense
            # waits for a result like a sent one (the no-result check asks the platform).
            call(journal.mark_awaiting, action_id)
        raise
    except BaseException as exc:
        call(finish, action_id, "transport", None, mask(f"{type(exc).__name__}: {exc}"))
        raise
    call(finish, action_id, "ok", None, "", _response(result))
    return result, action_id


# -- the engine -------------------------------------------------------------------------


class Platform(Protocol):
    """What the engine sends and asks (``console.api.Client``)."""

    def dispense(self, machine_no: str, order_id: int, record_id: int) -> Delivery: ...

    def test_dispense(self, machine_no: str, channel_name: str, notify_url: str) -> Delivery: ...

    def get_delivery(self, delivery_id: int, machine_no: str) -> Delivery: ...

    def masked(self, text: str) -> str: ...


class _Short:
    """A fault or slot-status meaning in its short form, as a ``Localized`` value."""

    def __init__(self, meaning: Meaning) -> None:
        self.meaning = meaning

    def text(self, lang: str = "en") -> str:
        return self.meaning.short(lang)


def failure_text(error_msg: str, floor_status: str | None = None) -> Text:
    """A failed dispense in words: the machine's fault text, what it means, the slot."""
    fault = (error_msg or "").strip()
    head = (
        text(CTX, FAULT, fault=fault, meaning=fault_meaning(fault))
        if fault
        else text(CTX, NO_FAULT_TEXT)
    )
    if floor_status in (None, ""):
        return head
    return text(
        CTX,
        FAULT_AND_SLOT,
        fault=head,
        status=floor_status,
        meaning=_Short(floor_meaning(floor_status)),
    )


def _as_given(words: str) -> Text:
    """Words shown as given (the platform's own message, an error already in words)."""
    return text(CTX, "{words}", words=words)


def _why(cancel: threading.Event) -> Text:
    """Why a dispense's wait ended without a result."""
    return text(CTX, WHY_CANCELLED if cancel.is_set() else WHY_NO_RESULT)


class DispenseEngine:
    """Dispenses records and test-dispenses slots for one profile. Thread-safe."""

    def __init__(
        self,
        platform: Platform,
        journal: Journal,
        waiter: ResultWait,
        *,
        call: JournalCall = _direct,
        actor: str | None = None,
    ) -> None:
        self.platform = platform
        self.journal = journal
        self.waiter = waiter
        self._j = call
        self.actor = actor

    def journalled(
        self,
        kind: str,
        machine_no: str,
        order_id: int | None,
        request: dict[str, Any],
        send: Callable[[], T],
    ) -> tuple[T, int]:
        """``journalled`` with this engine's journal, masking and actor."""
        return journalled(
            self.journal,
            kind,
            machine_no,
            order_id,
            request,
            send,
            call=self._j,
            mask=self.platform.masked,
            actor=self.actor,
        )

    # -- order dispenses ----------------------------------------------------------------

    def dispense(
        self,
        order: Order,
        machine_no: str,
        record_ids: list[int],
        *,
        cancel: threading.Event,
        progress: Callable[[DispenseProgress], None] = lambda step: None,
    ) -> DispenseReport:
        """Dispense records one after another, waiting for each machine result.

        Never retried. Stops at the first record that did not drop (refused,
        failed, no answer) and reports the records it did not send. Raises
        ``TextError`` (nothing sent) for an order that cannot be dispensed.
        """
        if not is_dispensable(order.status):
            raise TextError(
                text(
                    CTX,
                    NOT_DISPENSABLE,
                    order=order.order_id,
                    status=order.status or text(CTX, UNKNOWN_STATUS),
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
            progress(
                dataclasses.replace(
                    step, stage="done", delivery_id=outcome.delivery_id, outcome=outcome
                )
            )
            if not outcome.item_out:
                return DispenseReport(
                    order.order_id, machine_no, outcomes, record_ids[index:], cancel.is_set()
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
                delivery, _ = self.journalled(
                    "dispense",
                    machine_no,
                    order_id,
                    request,
                    lambda: self.platform.dispense(machine_no, order_id, record_id),
                )
            except TransportError as exc:
                # Sent but no usable answer: the item may have dropped. Never "not sent"
                # (``journalled`` keeps it waiting for a result; the no-result check asks).
                result = "unknown" if exc.sent else "not sent"
                return RecordOutcome(record_id, result, _as_given(str(exc)), error=exc)
            except PlatformRefused as exc:
                if refusal_means_item_out(exc.code):  # e.g. 6034: a result, not a failure
                    return RecordOutcome(record_id, "delivered", _as_given(exc.message), error=exc)
                return RecordOutcome(record_id, "not sent", _as_given(str(exc)), error=exc)
            except ApiError as exc:
                return RecordOutcome(record_id, "not sent", _as_given(str(exc)), error=exc)
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
                latest = self.platform.get_delivery(delivery_id, machine_no)
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
                    record_id, "dropped", text(CTX, MACHINE_SUCCESS), did, callback=row
                )
            return RecordOutcome(
                record_id,
                "failed",
                failure_text(row.error_msg, row.floor_status),
                did,
                callback=row,
            )
        if latest is not None:
            # The platform's record answered first: journalled like a confirmed callback.
            opened = self._j(
                self.journal.record_dispense_result, order_id, record_id, machine_no, latest
            )
            if latest.succeeded:
                return RecordOutcome(
                    record_id, "dropped", text(CTX, PLATFORM_SUCCESS), did, delivery=latest
                )
            return RecordOutcome(
                record_id,
                "failed",
                failure_text(latest.fail_reason or latest.status),
                did,
                delivery=latest,
                followup=opened,
            )
        return RecordOutcome(record_id, "no result", text(CTX, NO_RESULT, why=_why(cancel)), did)

    # -- test dispenses -------------------------------------------------------------------

    def test_dispense(
        self,
        machine_no: str,
        slot: str,
        notify_url: str,
        *,
        cancel: threading.Event,
        progress: Callable[[SlotTestProgress], None] = lambda step: None,
    ) -> SlotTestResult:
        """Test-dispense one slot (an item drops) and wait for the machine's result.

        Journalled (``channel_name`` in the request, for the history); never
        retried. A refusal (machine offline or busy, unknown slot) is raised.
        """
        no = check_machine_no(machine_no).value
        name = slot.strip().upper()
        if not name:
            raise TextError(text(CTX, CHOOSE_SLOT))
        request = {
            "machine_no": no,
            "channel_name": name,
            "notify_url": self.platform.masked(notify_url),
        }
        self.waiter.expect_test(name, no)
        try:
            progress(SlotTestProgress(no, name, "sending"))
            delivery, _ = self.journalled(
                "test_dispense",
                no,
                None,
                request,
                lambda: self.platform.test_dispense(no, name, notify_url),
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
        read_first = False
        if row is None and latest is not None:
            # The platform's record answered first; its callback is usually a moment
            # behind: give it that moment, so the result says what the machine sent.
            read_first = True
            row = self.waiter.wait_test(slot, CALLBACK_GRACE_S, cancel)
        if row is not None:
            if row.deliver_status == DELIVER_SUCCESS:
                return SlotTestResult(
                    machine_no,
                    slot,
                    "dropped",
                    text(CTX, MACHINE_SUCCESS),
                    did,
                    row,
                    read_first=read_first,
                )
            return SlotTestResult(
                machine_no,
                slot,
                "failed",
                failure_text(row.error_msg, row.floor_status),
                did,
                row,
                fault_text=row.error_msg,
                floor_status=row.floor_status,
                read_first=read_first,
            )
        if latest is not None:
            if latest.succeeded:
                return SlotTestResult(
                    machine_no,
                    slot,
                    "dropped",
                    text(CTX, PLATFORM_SUCCESS),
                    did,
                    read_first=read_first,
                )
            fault = latest.fail_reason or latest.status
            return SlotTestResult(
                machine_no,
                slot,
                "failed",
                failure_text(fault),
                did,
                fault_text=fault,
                read_first=read_first,
            )
        return SlotTestResult(
            machine_no, slot, "no result", text(CTX, NO_TEST_RESULT, why=_why(cancel)), did
        )
