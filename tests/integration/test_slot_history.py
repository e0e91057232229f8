"""Troubleshoot's slot faults count only real failures: over the real sandbox, receiver,
cross-check and journal file.

Issue 15: "After a restart the console opened a refund follow-up without asking
the platform, which says 已取货 (picked up). The false timeout also marked the
slot faulty in Troubleshoot ('PROBLEMS FOUND')."
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from console.api.client import Client
from console.api.errors import PlatformRefused, TransportError
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import OrderStatus
from console.dispensing.overdue import check_overdue
from console.journal import Journal
from console.receiver.crosscheck import CrossChecker
from console.receiver.server import Receiver, new_token
from console.sandbox import Sandbox, SandboxClock
from console.troubleshoot import Diagnosis, diagnose

from .conftest import LOBBY

T = TypeVar("T")


@dataclasses.dataclass
class Console:
    """The parts of a running console: journal, client, receiver with its cross-check."""

    sandbox: Sandbox
    path: Path
    journal: Journal
    client: Client
    receiver: Receiver
    checked: list[tuple[int, str]]
    lock: threading.Lock

    def start_receiver(self) -> None:
        self.receiver = Receiver(
            self.journal,
            new_token(),
            cross_check=CrossChecker(self.client, self.journal),
            on_cross_checked=self._checked,
        ).start()

    def _checked(self, callback_id: int, verdict: str, detail: str) -> None:
        with self.lock:
            self.checked.append((callback_id, verdict))

    def verdicts(self) -> list[str]:
        with self.lock:
            return [v for _, v in self.checked]

    def restart(self) -> None:
        """The console stops (receiver and journal closed) and starts again."""
        self.receiver.stop()
        self.journal.close()
        self.journal = Journal(self.path, "test", self.sandbox.clock.now)
        self.start_receiver()

    def journalled(
        self, kind: str, order_id: int | None, request: dict[str, Any], send: Callable[[], T]
    ) -> T:
        """As the window does: the intent journalled before sending, then the outcome."""
        action = self.journal.begin_action(kind, LOBBY, order_id, request)
        try:
            result = send()
        except PlatformRefused as exc:
            self.journal.finish_action(action, "refused", exc.code, exc.message)
            raise
        except TransportError as exc:
            self.journal.finish_action(action, "transport", None, exc.describe())
            raise
        response = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else None
        self.journal.finish_action(action, "ok", response=response)  # type: ignore[arg-type]
        return result

    def paid_order(self, slot: str) -> tuple[int, int]:
        """A paid one-item order for ``slot`` on Lobby A, opened in the order panel."""
        product = self.sandbox.state.machines[LOBBY].slot(slot)
        assert product is not None
        trade = f"SLOTHISTORY{len(self.sandbox.state.orders):08d}{slot}"
        oid = self.client.create_order(LOBBY, self.receiver.url, trade, [(product.id, 1)])
        self.journal.note_order(oid, LOBBY, trade_id=trade, created_here=True)
        self.journalled(
            "set_status",
            oid,
            {"status": 1},
            lambda: self.client.set_order_status(oid, LOBBY, OrderStatus.PAID),
        )
        order = self.journalled(
            "order_get", oid, {"machine_no": LOBBY}, lambda: self.client.get_order(oid, LOBBY)
        )
        return oid, order.records[0].id

    def dispense(self, oid: int, rid: int) -> None:
        self.journalled(
            "dispense",
            oid,
            {"record_id": rid, "paid": True},
            lambda: self.client.dispense(LOBBY, oid, rid),
        )

    def settle(self, seconds: float) -> None:
        self.sandbox.clock.advance(seconds)
        assert self.sandbox.wait_idle(15)

    def wait_checked(self, n: int) -> None:
        """Until ``n`` callbacks have been journalled and cross-checked."""
        deadline = time.monotonic() + 15
        while len(self.verdicts()) < n:
            assert time.monotonic() < deadline, f"cross-checked: {self.verdicts()}"
            time.sleep(0.02)

    def troubleshoot(self) -> Diagnosis:
        return diagnose(self.client, LOBBY, journal=self.journal, now=self.sandbox.clock.now)


def faulty(d: Diagnosis) -> list[str]:
    return [r.slot for r in d.faulty_slots]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    with Sandbox(seed=1, clock=SandboxClock(frozen=True)) as sb:
        c = sb.credentials
        client = Client(sb.base_url, c.appid, c.app_secret, c.sign_key, backoff_s=0.01)
        path = tmp_path / "journal.sqlite3"
        con = Console(
            sb,
            path,
            Journal(path, "test", sb.clock.now),
            client,
            None,  # type: ignore[arg-type]
            [],
            threading.Lock(),
        )
        con.start_receiver()
        try:
            yield con
        finally:
            con.receiver.stop()
            con.journal.close()
            client.close()


def test_a_real_failure_marks_the_slot_and_a_result_the_platform_told_after_a_restart_clears_it(
    console: Console,
) -> None:
    # A real jam: the machine's failure callback, confirmed by the cross-check.
    console.sandbox.inject("device:fail=2,Goods are Stuck#1")
    oid, rid = console.paid_order("A10")
    console.dispense(oid, rid)
    console.settle(1)
    console.wait_checked(1)
    assert console.verdicts() == ["ok"]
    d = console.troubleshoot()
    assert faulty(d) == ["A10"]
    assert d.status == "fail"  # "PROBLEMS FOUND"
    assert "Goods are Stuck" in d.check("slots").detail  # type: ignore[union-attr]

    # The slot is fixed. The next dispense drops while the console is down: its
    # callback never arrives. After the restart the console asks the platform.
    console.sandbox.inject("callback:drop#1")
    oid2, rid2 = console.paid_order("A10")
    console.dispense(oid2, rid2)
    console.restart()
    console.settle(1)
    assert console.client.get_order(oid2, LOBBY).records[0].status == "已取货"
    console.settle(DEVICE_TIMEOUT_S)
    (check,) = check_overdue(console.client, console.journal, console.sandbox.clock.now())
    assert (check.order_id, check.decision) == (oid2, "result recorded")
    assert "picked up" in check.found
    # Only the jam has a follow-up: none for the order the platform says was picked up.
    assert [f.order_id for f in console.journal.list_followups()] == [oid]

    d = console.troubleshoot()
    assert faulty(d) == []
    assert d.status != "fail"
    assert d.check("slots").status != "fail"  # type: ignore[union-attr]


def test_no_result_in_time_is_not_a_slot_fault(console: Console) -> None:
    # Callbacks go nowhere and the machine is slow: at the 120 s check the platform's
    # record still says "dispensing". The result is unknown, not a failure.
    console.sandbox.inject("callback:drop#1")
    console.sandbox.inject("device:slow=100#1")
    oid, rid = console.paid_order("A11")
    console.dispense(oid, rid)
    console.settle(60)
    (check,) = check_overdue(
        console.client,
        console.journal,
        console.sandbox.clock.now() + DEVICE_TIMEOUT_S,
    )
    assert (check.decision, check.found) == ("result unknown", "still dispensing")
    d = console.troubleshoot()
    assert faulty(d) == [] and d.history is not None and d.history.failures() == []
    assert d.status != "fail"
    console.settle(40)  # the item drops
    assert console.client.get_order(oid, LOBBY).records[0].status == "已取货"
    assert faulty(console.troubleshoot()) == []


def test_a_forged_failure_callback_and_a_6034_refusal_are_not_slot_faults(
    console: Console,
) -> None:
    oid, rid = console.paid_order("A12")
    console.dispense(oid, rid)
    console.settle(1)
    console.wait_checked(1)
    # Dispense pressed again on the stale record: 6034 "order already delivered".
    with pytest.raises(PlatformRefused) as refused:
        console.dispense(oid, rid)
    assert refused.value.code == 6034
    # Someone posts a failure for the order that dropped.
    forged = {
        "method": "device.delivery.response",
        "order_id": oid,
        "record_id": rid,
        "deliver_status": "0",
        "floor_status": "2",
        "error_msg": "Goods are Stuck",
    }
    answer = requests.post(console.receiver.url, json=forged, timeout=10)
    assert answer.status_code == 200
    console.wait_checked(2)
    assert console.verdicts() == ["ok", "suspicious"]

    d = console.troubleshoot()
    assert faulty(d) == []
    assert d.status != "fail"
    assert d.history is not None and d.history.failures() == []
    words = "\n".join(d.history.lines())
    assert "1 failure report the platform does not confirm" in words
    assert "1 dispense request refused by the platform (last: code 6034" in words
