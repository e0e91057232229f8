"""``vendctl --lang zh`` beyond the follow-up list: ``followup check`` (a late cross-check,
dispenses without a result), ``journal history`` and refusals worded as message ids —
Chinese from the window's .ts for our words, the platform's words as given beside them,
``--json`` as in English, and English by default as it always was. Over the real
sandbox and this computer's real journal file."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from console.api.client import Client
from console.core.callback import parse_callback
from console.core.intents import DISPENSING_RECORD
from console.journal import Journal
from console.paths import app_paths
from console.sandbox import Sandbox

from .conftest import LOBBY
from .test_cli import env, vendctl  # noqa: F401 - env: a fixture
from .test_doctor import ts_translation

pytestmark = pytest.mark.usefixtures("env")  # vendctl talks to the sandbox


def zh(context: str, message_id: str, /, **values: object) -> str:
    """The .ts's Chinese for a message id, filled in."""
    return ts_translation(context, message_id).format(**values)


@pytest.fixture
def journal() -> Iterator[Journal]:
    """This computer's journal, as another seat of the same profile writes it."""
    j = Journal.open(app_paths().ensure().journal_file, "env")
    yield j
    j.close()


def overdue_dispenses(sandbox: Sandbox, journal: Journal) -> tuple[int, list[int], list[int]]:
    """Two dispenses sent from another seat whose results never came: the first record
    drops, the second jams. (order, records, deliveries)"""
    c = sandbox.credentials
    client = Client(sandbox.base_url, c.appid, c.app_secret, c.sign_key)
    sandbox.inject("callback:drop")
    oid = sandbox.demo_order("paid_multi")
    records = [r.id for r in client.get_order(oid, LOBBY).records][:2]
    deliveries = []
    for rid in records:
        if rid == records[1]:
            sandbox.inject("device:fail=2,Goods are Stuck#1")
        aid = journal.begin_action("dispense", LOBBY, oid, {"record_id": rid, "paid": True})
        delivery = client.dispense(LOBBY, oid, rid)
        journal.finish_action(aid, "ok", response={"data": {"delivery_id": delivery.delivery_id}})
        deliveries.append(delivery.delivery_id)
        while client.get_delivery(delivery.delivery_id, LOBBY).pending:  # the machine's cycle
            sandbox.clock.advance(1)
    return oid, records, deliveries


def test_followup_check_and_the_order_history_in_chinese(
    sandbox: Sandbox, journal: Journal
) -> None:
    oid, records, deliveries = overdue_dispenses(sandbox, journal)

    r = vendctl("--lang", "zh", "followup", "check", "--older-than", "0")
    assert r.code == 0, r.err
    first, second = r.out.splitlines()
    head = (
        ts_translation(
            "vendctl", "order {order} record {record} (delivery {delivery}, sent {time})"
        )
        .split("{time}")[0]
        .format(order=oid, record=records[0], delivery=deliveries[0])
    )
    assert first.startswith(head), first
    said = zh("followup", "picked up")
    assert first.endswith(
        zh(
            "vendctl",
            "{head}: platform says {found} → {then}",
            head="",
            found=said,
            then=zh("vendctl", "result recorded, no follow-up"),
        )
    ), first
    # The platform's fault text as given, inside our words.
    found = zh("followup", "failed: {reason}", reason="Goods are Stuck")
    then = zh("vendctl", "follow-up #{id} opened: the customer may need a refund", id=1)
    assert second.endswith(
        zh("vendctl", "{head}: platform says {found} → {then}", head="", found=found, then=then)
    ), second
    for english in ("platform says", "follow-up #", "record ", "delivery ", "sent "):
        assert english not in r.out, r.out
    again = vendctl("--lang", "zh", "followup", "check", "--older-than", "0")
    assert (
        again.out
        == zh("vendctl", "no dispense has waited more than {seconds} s for its result", seconds=0)
        + "\n"
    )
    assert (
        vendctl("followup", "check", "--older-than", "0").out
        == "no dispense has waited more than 0 s for its result\n"
    )

    # The order's history: the same lines and columns, our words in Chinese; the JSON
    # (summaries included) and the English as they are without --lang.
    shown = vendctl("journal", "history", str(oid))
    assert shown.code == 0, shown.err
    r = vendctl("--lang", "zh", "journal", "history", str(oid))
    assert r.code == 0, r.err
    lines, english = r.out.splitlines(), shown.out.splitlines()
    assert len(lines) == len(english) and len(lines) >= 6
    assert lines[0] == zh(
        "vendctl",
        "order {order} on machine {machine} ({age})",
        order=oid,
        machine=LOBBY,
        age=zh("vendctl", "age unknown"),
    )
    assert english[0] == f"order {oid} on machine {LOBBY} (age unknown)"
    dispense = zh("followup", "dispense")
    sent = (
        ts_translation("history", "{kind} record {record} sent to machine {machine} by {actor}")
        .split("{actor}")[0]
        .format(kind=dispense, record=records[0], machine=LOBBY)
    )
    # The kind column is 13 terminal columns wide, as in English (a Chinese character: 2).
    column = f"{zh('history', 'action')}{' ' * 9} "
    assert any(f"  {column}{sent}" in line for line in lines), r.out
    result = zh(
        "history",
        "{kind} record {record}: {state}",
        kind=dispense,
        record=records[1],
        state=zh("followup", "ok"),
    )
    assert any(line.endswith(result) for line in lines), r.out
    opened = zh(
        "history",
        "follow-up #{id} opened ({source}): {reason}",
        id=1,
        source=zh("history", "platform_record"),
        reason=zh("followup", "customer may need a refund"),
    )
    assert any(line.endswith(opened) for line in lines), r.out
    assert "follow-up #1 opened (platform_record): customer may need a refund" in shown.out
    assert f"action        dispense record {records[0]} sent to machine {LOBBY} by " in shown.out
    # The times stay where they were, the kind column as wide on a terminal.
    assert [line[:31] for line in lines[1:]] == [line[:31] for line in english[1:]]
    for english_word in ("sent to machine", "follow-up", "opened", "record "):
        assert english_word not in r.out, r.out
    as_json = vendctl("--json", "journal", "history", str(oid)).json
    assert vendctl("--lang", "zh", "--json", "journal", "history", str(oid)).json == as_json
    assert set(as_json["data"][0]) == {"ts", "ts_iso", "kind", "ref_id", "summary", "detail"}
    assert all(f" {item['summary']}" in shown.out for item in as_json["data"])

    missing = vendctl("--lang", "zh", "journal", "history", "424242")
    assert missing.out == zh("vendctl", "order {order} is not in the journal", order=424242) + "\n"
    assert vendctl("journal", "history", "424242").out == "order 424242 is not in the journal\n"


STRANGER = {"deliver_status": "0", "error_msg": "Goods are Stuck", "floor_status": "2",
            "method": "device.delivery.response", "order_id": 999999, "record_id": 1}  # fmt: skip


def late_callback(sandbox: Sandbox, order_id: int) -> None:
    """A failure callback journalled a minute ago that no cross-check confirmed (the
    receiver stopped before checking it)."""
    old = Journal.open(app_paths().ensure().journal_file, "env", clock=lambda: time.time() - 60)
    try:
        body = json.dumps({**STRANGER, "order_id": order_id}).encode()
        old.record_callback(parse_callback(body, "application/json"), remote="127.0.0.1")
    finally:
        old.close()


def test_a_late_cross_check_in_chinese_with_the_json_and_english_unchanged(
    sandbox: Sandbox,
) -> None:
    late_callback(sandbox, 999999)
    r = vendctl("--lang", "zh", "followup", "check")
    assert r.code == 0, r.err
    (line,) = r.out.splitlines()
    detail = zh(
        "crosscheck", "unknown order {order}: no machine of this merchant has it", order=999999
    )
    worded = zh(
        "vendctl",
        "callback #{callback} (order {order} record {record}, {outcome}) had not been "
        "confirmed: cross-check {verdict} — {detail}",
        callback=1,
        order=999999,
        record=1,
        outcome=zh("callback", "failure"),
        verdict=zh("vendctl", "SUSPICIOUS"),
        detail=detail,
    )
    assert line == zh("vendctl", "{line} → follow-up #{id}", line=worded, id=1), line

    # The same in English, and in --json (English, the receiver's words) with --lang zh.
    late_callback(sandbox, 999998)
    r = vendctl("followup", "check")
    assert r.out == (
        "callback #2 (order 999998 record 1, failure) had not been confirmed: cross-check "
        "SUSPICIOUS — unknown order 999998: no machine of this merchant has it → follow-up #2\n"
    )
    late_callback(sandbox, 999997)
    r = vendctl("--lang", "zh", "--json", "followup", "check")
    (late,) = r.json["late_cross_checks"]
    assert (late["verdict"], late["outcome"], late["followup_id"]) == ("suspicious", "failure", 3)
    assert late["detail"] == "unknown order 999997: no machine of this merchant has it"


def test_an_intent_clash_is_refused_in_chinese(sandbox: Sandbox, journal: Journal) -> None:
    """Another seat is dispensing the record: refused, nothing sent; the refusal is the
    window's sentence, in Chinese with --lang zh, English in --json."""
    oid = sandbox.demo_order("paid")
    journal.begin_action("dispense", LOBBY, oid, {"record_id": 78, "paid": True}, actor="alice")
    argv = ("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes")

    r = vendctl("--lang", "zh", *argv)
    assert r.code == 1 and r.out == ""
    before, after = ts_translation("Intents", DISPENSING_RECORD).split("{when}")
    start = before.format(record=78, order=oid, actor="alice")
    message = r.err.removeprefix("vendctl: ").strip()
    assert message.startswith(start) and message.endswith(after), r.err
    assert "nothing was sent" not in r.err

    r = vendctl(*argv)
    assert r.code == 1 and r.err.startswith(
        f"vendctl: Record 78 of order {oid} is already being dispensed (sent by alice at "
    )
    assert r.err.endswith("): nothing was sent.\n"), r.err
    r = vendctl("--lang", "zh", "--json", *argv)
    assert r.code == 1 and r.json["error"]["kind"] == "busy"
    assert r.json["error"]["message"].startswith(f"Record 78 of order {oid} is already being")
    assert sandbox.requests_for("dispense") == []
