"""Random interleavings of everything that can happen to one paid record's dispenses.

Callbacks (real, forged, unconfirmed), polls of the platform's record (settled,
still dispensing, unreachable), restarts (also mid-send), the 120 s passing (the
platform times out what its machine has not finished), re-dispenses — in any order, on
the real journal (a SQLite file, and a PostgreSQL database) with the real rules and
checks. The platform is a small model: each dispense's true result
is drawn, and a cross-check judges a callback as the real checker does (it
reads the order's record). Whatever the order of events, once the platform
can be asked:

- no refund follow-up (or "result unknown" one) is active for a record the
  platform reports picked up;
- every record the platform reports failed (and never picked up) has an active
  refund follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from console.api.errors import TransportError
from console.core.callback import parse_callback
from console.core.followup import REASON_REFUND, REASON_UNKNOWN
from console.core.models import Delivery, Order, OrderRecord
from console.core.status import RECORD_NOT_PICKED_UP, RECORD_PICKED_UP
from console.dispensing import run_checks
from console.journal import Journal
from console.journal.tables import metadata

MACHINE = "16327129"
ORDER, RECORD = 60, 78


@dataclass
class PlatformModel:
    """The platform's truth for one record: each dispense's planned and settled result."""

    planned: list[bool] = field(default_factory=list)  # True: the item drops
    settled: list[bool] = field(default_factory=list)  # which dispenses the machine finished
    sent_at: list[float] = field(default_factory=list)
    known: list[bool] = field(default_factory=list)  # the console journalled its delivery id
    reachable: bool = True

    def time_out(self, now: float) -> None:
        """The platform's 120 s rule: a dispense the machine has not finished by then is
        timed out, and its item does not drop."""
        for n, sent in enumerate(self.sent_at):
            if not self.settled[n] and now - sent >= 120:
                self.planned[n] = False
                self.settled[n] = True

    @property
    def picked_up(self) -> bool:
        return any(p and s for p, s in zip(self.planned, self.settled, strict=True))

    @property
    def failed(self) -> bool:
        return any(not p and s for p, s in zip(self.planned, self.settled, strict=True))

    def _check(self) -> None:
        if not self.reachable:
            raise TransportError("connect", "connection refused", sent=False)

    def get_delivery(self, delivery_id: int, machine_no: str) -> Delivery:
        self._check()
        n = delivery_id - 1
        if not self.settled[n]:
            return Delivery(delivery_id, status="dispensing")
        if self.planned[n]:
            return Delivery(delivery_id, status="success", pickup_at="2026-12-07 12:00:00")
        return Delivery(delivery_id, status="failed", fail_reason="Goods are Stuck")

    def get_order(self, order_id: int, machine_no: str) -> Order:
        self._check()
        status = RECORD_PICKED_UP if self.picked_up else RECORD_NOT_PICKED_UP
        return Order(order_id, status="SUCCESS", records=[OrderRecord(RECORD, 5, 1, "1", status)])

    def cross_check(self, outcome: str) -> str:
        """The real checker's verdict on a callback for this record (it reads the order)."""
        if not self.reachable:
            return "error"
        if outcome == "failure" and self.picked_up:
            return "suspicious"
        if outcome == "success" and not self.picked_up:
            return "suspicious"
        # It also reads the newest dispense the console knows the delivery of.
        newest = max((n for n, k in enumerate(self.known) if k), default=None)
        if newest is not None and not self.settled[newest]:
            return "suspicious"  # a result for a dispense still under way
        if newest is not None and outcome == "failure" and self.planned[newest]:
            return "suspicious"
        if newest is not None and outcome == "success" and not self.planned[newest]:
            return "suspicious"
        return "ok"


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("dispense"), st.booleans()),  # the item will drop?
        st.tuples(st.just("dispense_killed"), st.booleans()),  # killed before the answer
        st.tuples(st.just("machine_finishes"), st.integers(0, 5)),
        st.tuples(st.just("callback"), st.integers(0, 5)),  # the machine's real callback
        st.tuples(st.just("callback_lost"), st.integers(0, 5)),  # never arrives
        st.tuples(st.just("forged"), st.sampled_from(["failure", "success"])),
        st.tuples(st.just("poll"), st.integers(0, 5)),
        st.tuples(st.just("unreachable"), st.booleans()),
        st.tuples(st.just("restart"), st.none()),
        st.tuples(st.just("pass_120_s"), st.none()),
    ),
    max_size=25,
)


def _callback(order_id: int, record_id: int, success: bool) -> bytes:
    status = "1" if success else "0"
    error = "" if success else ', "error_msg": "Goods are Stuck", "floor_status": "2"'
    return (
        f'{{"method": "device.delivery.response", "order_id": {order_id}, '
        f'"record_id": {record_id}, "deliver_status": "{status}"{error}}}'
    ).encode()


def emptied(url: str) -> str:
    """The test's PostgreSQL journal, emptied for the next example: one database per test
    (made and migrated once), its tables truncated between examples — a new database
    per example would cost more than the example."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            names = ", ".join(sorted(set(metadata.tables) - {"alembic_version"}))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
    return url


class Run:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.now = 1_780_000_000.0
        self.platform = PlatformModel()
        self.journal = Journal(path, "default", lambda: self.now)

    def step(self, action: str, arg: object) -> None:
        self.now += 1  # each event a moment after the one before
        p = self.platform
        j = self.journal
        if action in ("dispense", "dispense_killed"):
            if p.picked_up:
                aid = j.begin_action(
                    "dispense", MACHINE, ORDER, {"record_id": RECORD, "paid": True}
                )
                j.finish_action(aid, "refused", 6034, "order already delivered")
                return
            p.planned.append(bool(arg))
            p.settled.append(False)
            p.sent_at.append(self.now)
            p.known.append(action == "dispense")
            aid = j.begin_action("dispense", MACHINE, ORDER, {"record_id": RECORD, "paid": True})
            if action == "dispense_killed":
                self.restart()  # the answer (and its delivery id) is lost
            else:
                j.finish_action(aid, "ok", response={"delivery_id": len(p.planned)})
        elif action in ("machine_finishes", "callback", "callback_lost", "poll"):
            if not p.planned:
                return
            n = int(arg) % len(p.planned)  # type: ignore[call-overload]
            if action == "poll" and not p.settled[n]:
                # Asked while the machine is still turning: the record says "dispensing".
                if p.reachable:
                    j.record_dispense_result(ORDER, RECORD, MACHINE, p.get_delivery(n + 1, MACHINE))
                return
            p.settled[n] = True
            if action == "callback":
                row = j.record_callback(
                    parse_callback(_callback(ORDER, RECORD, p.planned[n]), "application/json"),
                    remote="platform",
                )
                outcome = "success" if p.planned[n] else "failure"
                j.set_cross_check(row.id, p.cross_check(outcome), "model")
            elif action == "poll" and p.reachable:
                j.record_dispense_result(ORDER, RECORD, MACHINE, p.get_delivery(n + 1, MACHINE))
        elif action == "forged":
            outcome = str(arg)
            row = j.record_callback(
                parse_callback(_callback(ORDER, RECORD, outcome == "success"), "application/json"),
                remote="attacker",
            )
            verdict = p.cross_check(outcome)
            # A forged result agreeing with the platform is harmless; one contradicting it
            # is what the checker calls suspicious.
            j.set_cross_check(row.id, verdict, "model")
        elif action == "unreachable":
            p.reachable = not bool(arg)
        elif action == "restart":
            self.restart()
        elif action == "pass_120_s":
            self.now += 121
            p.time_out(self.now)
            run_checks(p, None, j, self.now)

    def restart(self) -> None:
        self.journal.close()
        self.journal = Journal(self.path, "default", lambda: self.now)

    def settle(self) -> None:
        """The machine finishes everything, the platform answers, time passes."""
        p = self.platform
        p.settled = [True] * len(p.planned)  # each finishes as planned (within its 120 s)
        p.reachable = True
        for _ in range(12):  # rechecks back off up to an hour
            self.now += 3601
            run_checks(p, None, self.journal, self.now)


_migrated: dict[str, bool] = {}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_no_refund_for_a_picked_up_record_and_one_for_every_failed_one(
    journal_at: Path | str,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, object]],
) -> None:
    if isinstance(journal_at, Path):
        where: Path | str = tmp_path_factory.mktemp("prop") / "journal.sqlite3"
    else:
        if not _migrated.get(journal_at):
            Journal(journal_at).close()
            _migrated[journal_at] = True
        where = emptied(journal_at)
    run = Run(where)
    try:
        for action, arg in steps:
            run.step(action, arg)
        run.settle()
        active = [
            f
            for f in run.journal.list_followups("active")
            if f.reason in (REASON_REFUND, REASON_UNKNOWN)
        ]
        p = run.platform
        if p.picked_up:
            assert active == [], (steps, active)
        elif p.failed:
            # Every dispense failed: the customer paid and got nothing; one refund says so.
            assert [f.reason for f in active] == [REASON_REFUND], (steps, active)
        else:
            # Never dispensed: only a failure report the platform confirmed (the record is
            # paid and not picked up) may have opened one — never more than one.
            assert [f.reason for f in active] in ([], [REASON_REFUND]), (steps, active)
    finally:
        run.journal.close()
