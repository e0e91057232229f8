"""What a follow-up shows staff: the order as the platform gave it (amount, trade id,
date, slot, product), the evidence it rests on, who changed it last; notes are kept."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.callback import parse_callback
from console.core.followup import REASON_REFUND, evidence_text
from console.core.models import Channel, Delivery, Order, OrderRecord, Product
from console.journal import Journal

T0 = 1_714_128_000.0
MACHINE = "16327129"


@pytest.fixture
def journal(journal_at: Path | str) -> Iterator[Journal]:
    j = Journal(journal_at, "default", lambda: T0)
    yield j
    j.close()


def order(
    oid: int = 60, trade_id: str = "VC20261207190000abcdef", status: str = "SUCCESS"
) -> Order:
    return Order(
        order_id=oid,
        trade_id=trade_id,
        date="2026-12-07",
        amount="3.50",
        status=status,
        records=[
            OrderRecord(id=78, product_id=501, quantity=1, price="3.50", status="未取货"),
            OrderRecord(id=79, product_id=502, quantity=2, price="0", status=""),
        ],
    )


PRODUCTS = [
    Product(id=501, name="Cola 330ml", channel=Channel(name="A10")),
    Product(id=502, name="Water", channel=Channel(name="A11")),
]


def test_the_order_details_the_platform_gave_are_kept(journal: Journal) -> None:
    summary = journal.note_order_details(order(), MACHINE, PRODUCTS)
    assert (summary.amount, summary.order_date, summary.status) == ("3.50", "2026-12-07", "SUCCESS")
    assert summary.trade_id == "VC20261207190000abcdef" and summary.machine_no == MACHINE
    assert summary.details_ts == T0
    assert summary.first_seen is None  # a read says nothing about the order's age
    first, second = summary.records
    assert (first.record_id, first.channel_name, first.product_name, first.status) == (
        78,
        "A10",
        "Cola 330ml",
        "未取货",
    )
    assert (second.record_id, second.product_id, second.quantity) == (79, 502, 2)
    # Read again without the product list (vendctl order show): names known are kept,
    # the status is the platform's newest.
    again = journal.note_order_details(order(status="REFUND"), MACHINE)
    assert again.status == "REFUND" and again.records[0].product_name == "Cola 330ml"
    assert journal.get_order(60) == again


def test_a_read_does_not_replace_the_age_the_journal_knows(journal: Journal) -> None:
    journal.note_order(60, MACHINE, trade_id="T-CREATED-HERE", created_here=True, first_seen=T0)
    summary = journal.note_order_details(order(trade_id="T-CREATED-HERE"), MACHINE, PRODUCTS)
    assert summary.trade_id == "T-CREATED-HERE" and summary.first_seen == T0
    assert summary.last_activity == "created here"  # a read is not activity


def test_another_trade_id_under_a_known_order_id_is_another_order(journal: Journal) -> None:
    """A restarted sandbox (or any platform reusing an id): the new order 60 must not show
    the old order 60's age, dispenses or follow-ups; the old history is kept apart."""
    journal.note_order(60, MACHINE, trade_id="T-OLD", created_here=True, first_seen=T0)
    aid = journal.begin_action("dispense", MACHINE, 60, {"record_id": 78, "paid": True})
    journal.finish_action(aid, "ok", response={"delivery_id": 5})
    summary = journal.note_order_details(order(trade_id="T-NEW"), MACHINE, PRODUCTS)
    assert (summary.trade_id, summary.first_seen, summary.created_here) == ("T-NEW", None, False)
    assert journal.list_actions(10, order_id=60) == []
    assert journal.last_dispenses(60) == {}
    assert journal.overdue_dispenses(T0 + 10_000) == []  # the old wait is not the new one's


def failure(oid: int, rid: int) -> bytes:
    return (
        b'{"deliver_status": "0", "error_msg": "Goods are Stuck", "floor_status": "2", '
        b'"method": "device.delivery.response", "channel_name": "B7", '
        + f'"order_id": {oid}, "record_id": {rid}}}'.encode()
    )


def test_a_follow_up_carries_what_staff_need_to_refund(journal: Journal) -> None:
    journal.note_order_details(order(), MACHINE, PRODUCTS)
    cb = journal.record_callback(parse_callback(failure(60, 78), "application/json"), remote="x")
    assert journal.set_cross_check(cb.id, "ok", "confirmed") is not None
    (f,) = journal.list_followups("active")
    assert (f.amount, f.trade_id, f.order_date, f.order_status) == (
        "3.50",
        "VC20261207190000abcdef",
        "2026-12-07",
        "SUCCESS",
    )
    assert (f.slot, f.product, f.product_id) == ("A10", "Cola 330ml", 501)
    assert f.evidence == f"callback #{cb.id}"
    assert f.actor == "console" and f.opened_at == f.ts_iso
    assert journal.get_followup(f.id) == f


def test_an_order_never_read_still_shows_the_callbacks_slot(journal: Journal) -> None:
    cb = journal.record_callback(parse_callback(failure(61, 80), "application/json"), remote="x")
    journal.set_cross_check(cb.id, "ok", "confirmed")
    (f,) = journal.list_followups("active")
    assert (f.slot, f.product, f.amount, f.trade_id) == ("B7", "", "", "")


def test_evidence_in_plain_words_for_each_source(journal: Journal) -> None:
    journal.note_order_details(order(), MACHINE, PRODUCTS)
    failed = Delivery(delivery_id=345, status="failed", fail_reason="Goods are Stuck")
    from_record = journal.record_dispense_result(60, 78, MACHINE, failed)
    assert from_record is not None
    assert journal.get_followup(from_record.id).evidence == "platform record (delivery 345)"  # type: ignore[union-attr]

    refused = journal.begin_action("dispense", MACHINE, 60, {"record_id": 79, "paid": True})
    journal.finish_action(refused, "refused", 6025, "machine offline")
    f = next(f for f in journal.list_followups("active") if f.record_id == 79)
    assert f.evidence == f"dispense action #{refused} refused 6025" and f.refusal_code == 6025
    assert (f.slot, f.product) == ("A11", "Water")

    assert evidence_text("timeout", 7) == "no result after 120 s"
    assert evidence_text("callback", 12) == "callback #12"


def test_notes_are_kept_with_who_and_when_and_the_last_actor_shows(journal: Journal) -> None:
    row = journal.open_followup(60, 78, MACHINE, REASON_REFUND, "jammed", "callback", None)
    journal.followup_refund_requested(row.id, None, "customer phoned", actor="alice")
    done = journal.followup_resolve(row.id, "refund ref 4200001234", actor="bob")
    lines = done.note.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(" alice: customer phoned")
    assert lines[1].endswith(" bob: refund ref 4200001234")
    assert lines[0][:16] == done.ts_iso[:16].replace("T", " ")
    assert done.actor == "bob" and done.state == "refunded"
    events = journal.followup_events(row.id)
    assert [(e.event, e.actor) for e in events] == [
        ("opened", "console"),
        ("refund_requested", "alice"),
        ("refunded", "bob"),
    ]
    mine = journal.open_followup(61, 80, MACHINE, REASON_REFUND, "jammed", "callback", None)
    assert journal.followup_dismiss(mine.id, "took another drink").actor == getpass.getuser()


def test_the_order_history_says_who_sent_each_action(journal: Journal) -> None:
    journal.begin_action("set_status", MACHINE, 60, {"status": 1}, actor="alice")
    (item,) = [i for i in journal.order_history(60) if i.kind == "action"]
    assert item.summary == f"set_status sent to machine {MACHINE} by alice"
