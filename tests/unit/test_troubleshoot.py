"""Troubleshooting without a network: slot rows, fault words, history from journal rows, checks."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from console.core.callback import parse_callback
from console.core.faults import fault_meaning, floor_meaning
from console.core.models import Channel, Product
from console.i18n import use_language
from console.journal import Journal
from console.troubleshoot import (
    Check,
    Fault,
    build_history,
    build_rows,
    clock_check,
    fetch_products,
    filter_rows,
    load_history,
    platform_time,
    sort_rows,
    stock_status,
    summarize,
    worst,
)
from console.troubleshoot.history import SlotFault, local_midnight

CANTEEN = "16327132"
LOBBY = "16327129"

# A fixed local noon, so "today" and "yesterday" do not depend on when tests run.


@pytest.fixture(autouse=True)
def _chinese_translation() -> None:
    """The Chinese words come from the window's compiled .qm (as for ``vendctl --lang zh``)."""
    use_language("zh")


NOON = datetime(2024, 5, 14, 12, 0, 0).timestamp()


def product(
    pid: int, slot: str, stock: int, cap: int, name: str = "", price: str = "3.50"
) -> Product:
    return Product(
        id=pid,
        name=name or f"goods {pid}",
        price=price,
        channel=Channel(name=slot, cabinet_name=slot[0]),
        current_inventory=stock,
        inventory=cap,
    )


# -- slots ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "capacity", "status"),
    [
        (0, 10, "empty"),
        (1, 10, "low"),
        (2, 10, "low"),
        (3, 10, "ok"),
        (1, 0, "low"),
        (5, 0, "ok"),
        (1, 2, "low"),
        (2, 2, "ok"),
    ],
)
def test_stock_status(current: int, capacity: int, status: str) -> None:
    assert stock_status(current, capacity) == status


def _fault(slot: str, text: str, floor: str | None) -> SlotFault:
    return SlotFault(slot, Fault(text, floor), 2, 2, NOON, "2024-05-14T12:00", False)


def test_rows_in_natural_order_with_status_in_words() -> None:
    rows = build_rows(
        [
            product(1, "A10", 5, 10),
            product(2, "A2", 0, 10),
            product(3, "A9", 1, 10),
            product(4, "B1", 0, 10, "Cola"),
        ],
        {"B1": _fault("B1", "Goods are Stuck", "2")},
    )
    assert [r.slot for r in rows] == ["A2", "A9", "A10", "B1"]
    assert [r.status for r in rows] == ["empty", "low", "ok", "faulty"]
    assert rows[0].status_text() == "Empty (0 of 10)"
    assert rows[1].status_text("zh") == "库存低(1/10 件)"
    faulty = rows[3]
    text = faulty.status_text()
    # Faulty wins over empty, and the stock problem is still said.
    assert text.startswith("Faulty: Goods are Stuck (slot status 2: Slot jammed)")
    assert fault_meaning("Goods are Stuck").text() in text and "also empty (0 of 10)" in text
    assert fault_meaning("Goods are Stuck").meaning_zh in faulty.status_text("zh")
    d = faulty.as_dict()
    assert d["fault"]["meaning_en"] == fault_meaning("Goods are Stuck").meaning_en
    json.dumps(d)  # plain data
    assert summarize(rows) == type(summarize(rows))(4, 1, 1, 1, 1)


def test_sort_and_filter() -> None:
    rows = build_rows(
        [
            product(1, "A10", 5, 10, "Snickers", "4.00"),
            product(2, "A2", 0, 10, "可口可乐", "12.00"),
            product(3, "A9", 1, 10, "banana", "3.00"),
            product(4, "B1", 6, 10, "Cola Zero", "3.50"),
        ],
        {"A10": _fault("A10", "", "3")},
    )
    assert [r.slot for r in sort_rows(rows, "status")] == ["A10", "A2", "A9", "B1"]
    assert [r.slot for r in sort_rows(rows, "price")] == [
        "A9",
        "B1",
        "A10",
        "A2",
    ]  # 3 < 3.5 < 4 < 12
    assert [r.slot for r in sort_rows(rows, "stock", descending=True)] == ["B1", "A10", "A9", "A2"]
    assert [r.slot for r in sort_rows(rows, "product")] == ["A9", "B1", "A10", "A2"]
    assert [r.slot for r in filter_rows(rows, text="cola")] == ["B1"]
    assert [r.slot for r in filter_rows(rows, text="a1")] == ["A10"]
    assert [r.slot for r in filter_rows(rows, statuses={"empty", "low"})] == ["A2", "A9"]
    assert [r.slot for r in filter_rows(rows, cabinet="B")] == ["B1"]
    assert filter_rows(rows, text="可口") == [rows[0]]
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_rows(rows, "colour")  # type: ignore[arg-type]


def test_every_cabinet_is_fetched_even_if_the_listing_leaves_one_out() -> None:
    class Platform:
        """Lists only the first cabinet unless asked for another by name."""

        def __init__(self) -> None:
            self.calls: list[dict[str, object]] = []

        def all_products(self, machine_no: str, **filters: object) -> list[Product]:
            self.calls.append(filters)
            cabinet = filters.get("cabinet_name", "A")
            return [
                product(1, "A10", 5, 10),
                product(2, "B10", 5, 10),
                product(3, "C10", 5, 10),
            ][{"A": 0, "B": 1, "C": 2}[str(cabinet)] :][:1]

    platform = Platform()
    got = fetch_products(platform, LOBBY, ["A", "B"])  # type: ignore[arg-type]
    assert [p.channel.name for p in got] == ["A10", "B10"]
    assert platform.calls == [{}, {"cabinet_name": "B"}]


# -- fault words -----------------------------------------------------------------


def test_fault_words_reuse_the_core_meanings() -> None:
    stuck = Fault("Goods are Stuck", "2")
    assert stuck.meaning == fault_meaning("Goods are Stuck") and stuck.floor == floor_meaning(2)
    assert stuck.known
    # Only a slot status: its meaning.
    floor_only = Fault("", "47")
    assert floor_only.meaning == floor_meaning(47)
    assert floor_only.label() == "slot status 47" and floor_only.label("zh") == "货道状态 47"
    # An unknown text is shown raw and marked unknown.
    odd = Fault("Coin Jam 9", "1")
    assert not odd.known and "Unknown fault 'Coin Jam 9'" in odd.words()
    assert "未知故障" in odd.words("zh")
    odd_floor = Fault("", "99")
    assert not odd_floor.known and "Unknown slot status '99'" in odd_floor.words()
    # A failure with nothing said is not dressed up as "slot normal".
    bare = Fault("", "1")
    assert "without saying why" in bare.words() and bare.label() == "slot status 1"
    assert Fault("timeout", None).meaning == fault_meaning("timeout")


# -- history ---------------------------------------------------------------------


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON)


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Iterator[Journal]:
    j = Journal(tmp_path / "j.sqlite3", "test", clock)
    yield j
    j.close()


def callback(journal: Journal, **fields: object) -> None:
    body = {"method": "device.delivery.response", **fields}
    journal.record_callback(
        parse_callback(json.dumps(body).encode(), "application/json"), remote="127.0.0.1"
    )


def jam(journal: Journal, order_id: int, record_id: int) -> None:
    """A failed dispense result: the slot jammed (floor status 2, "Goods are Stuck")."""
    callback(
        journal,
        order_id=order_id,
        record_id=record_id,
        deliver_status="0",
        floor_status="2",
        error_msg="Goods are Stuck",
    )


def order(journal: Journal, oid: int, machine: str, product_id: int | None = None) -> None:
    """An order created here: with one product line when ``product_id`` is given."""
    products = [[product_id, 1]] if product_id is not None else [[1, 1], [2, 1]]
    a = journal.begin_action("order_create", machine, None, {"products": products})
    journal.finish_action(a, "ok", response={"data": {"order_id": oid}})


def test_history_counts_failures_by_slot_and_fault(journal: Journal, clock: Clock) -> None:
    products = [product(507, "A12", 5, 10), product(508, "A13", 5, 10), product(509, "A10", 5, 10)]
    # Yesterday: one jam on A12.
    clock.t = NOON - 26 * 3600
    order(journal, 60, CANTEEN, 507)
    jam(journal, 60, 78)
    # Today: two more jams on A12 (GUI-style order look-up gives the record's product) …
    clock.t = NOON - 3600
    a = journal.begin_action("order_get", CANTEEN, 61, {})
    journal.finish_action(
        a,
        "ok",
        response={
            "order_id": 61,
            "records": [{"id": 79, "product_id": 507}, {"id": 80, "product_id": 509}],
        },
    )
    jam(journal, 61, 79)
    callback(journal, order_id=61, record_id=80, deliver_status="1", floor_status="1")
    order(journal, 62, CANTEEN, 507)
    jam(journal, 62, 81)
    # … the same callback pushed again (not a new failure) …
    jam(journal, 62, 81)
    # … a failure of an order with two products: the journal cannot tell the slot …
    order(journal, 63, CANTEEN)
    callback(
        journal,
        order_id=63,
        record_id=82,
        deliver_status="0",
        floor_status="3",
        error_msg="Slave Comm Error",
    )
    # … and another machine's failure, which is not this machine's history.
    order(journal, 64, LOBBY, 507)
    jam(journal, 64, 83)
    clock.t = NOON

    h = load_history(journal, CANTEEN, products=products, now=clock)
    assert len(h.results()) == 5 and len(h.failures()) == 4
    by_slot = h.by_slot()
    assert [(s.slot, s.failures, s.today) for s in by_slot] == [("A12", 3, 2), (None, 1, 1)]
    assert by_slot[0].faults[0].fault.label() == "Goods are Stuck"
    by_fault = h.by_fault()
    assert [(f.fault.label(), f.count, f.slots, f.unknown_slot) for f in by_fault] == [
        ("Goods are Stuck", 3, ("A12",), 0),
        ("Slave Comm Error", 1, (), 1),
    ]
    lines = h.lines()
    assert "In the last 7 days: 5 dispense results, 4 failed (3 today)." in lines
    assert any(
        line.startswith("Slot A12 failed 3 times (2 today, 3 in the last 7 days") for line in lines
    )
    assert any("1 failure on a slot the journal cannot tell (orders 63)" in line for line in lines)
    stuck_words = fault_meaning("Goods are Stuck").text()
    assert any(
        line.startswith("Goods are Stuck ×3 (A12)") and stuck_words in line for line in lines
    )
    assert any("Slave Comm Error ×1 (1 slot unknown)" in line for line in lines)
    zh = h.lines("zh")
    assert any(line.startswith("货道 A12 失败 3 次") for line in zh)
    assert any(fault_meaning("Goods are Stuck").meaning_zh in line for line in zh)
    # The slot whose last result failed is faulty; A10's last result was a success.
    faulty = h.faulty_slots()
    assert (
        list(faulty) == ["A12"] and faulty["A12"].failures == 3 and faulty["A12"].consecutive == 3
    )
    days = h.daily()
    assert len(days) == 8 and (days[-2].failed, days[-1].failed, days[-1].ok) == (1, 3, 1)
    d = h.as_dict()
    assert d["failures_today"] == 3 and d["by_slot"][0] == {
        "slot": "A12",
        "failures": 3,
        "today": 2,
        "last": d["by_slot"][0]["last"],
        "faults": {"Goods are Stuck": 3},
    }
    json.dumps(d)


def test_the_platform_can_tell_which_product_a_record_was(journal: Journal, clock: Clock) -> None:
    journal.note_order(70, CANTEEN)
    callback(
        journal,
        order_id=70,
        record_id=90,
        deliver_status="0",
        floor_status="47",
        error_msg="Lift Comm Error",
    )
    callback(
        journal,
        order_id=70,
        record_id=91,
        deliver_status="0",
        floor_status="47",
        error_msg="Lift Comm Error",
    )
    asked: list[int] = []

    def lookup(order_id: int) -> dict[int, int]:
        asked.append(order_id)
        return {90: 508, 91: 999}

    h = load_history(
        journal, CANTEEN, products=[product(508, "A14", 3, 10)], now=clock, order_lookup=lookup
    )
    assert asked == [70]  # once per order
    where = {e.record_id: (e.slot, e.product_id, e.slot_source) for e in h.events}
    assert where == {90: ("A14", 508, "order"), 91: (None, 999, "product")}
    assert h.events[0].where() in ("slot A14", "product 999 (slot unknown)")
    assert "product 999 (slot unknown)" in {e.where() for e in h.events}
    without = load_history(journal, CANTEEN, products=[product(508, "A14", 3, 10)], now=clock)
    assert {e.slot for e in without.events} == {None}


def test_test_dispense_results_belong_to_the_machine_that_was_tested(
    journal: Journal, clock: Clock
) -> None:
    def test_dispense(machine: str, slot: str, key: str = "slot") -> None:
        a = journal.begin_action("test_dispense", machine, None, {key: slot})
        journal.finish_action(a, "ok")

    stuck = {
        "channel_name": "A13",
        "deliver_status": "0",
        "floor_status": "3",
        "error_msg": "Slave Comm Error",
    }
    clock.t = NOON - 600
    test_dispense(CANTEEN, "A13")
    clock.t += 1
    callback(journal, **stuck)
    clock.t += 5
    callback(journal, **stuck)  # the platform pushed it again: no new test, not a new result
    clock.t += 5
    test_dispense(LOBBY, "A10")  # another machine's test
    clock.t += 1
    callback(journal, channel_name="A10", deliver_status="1", floor_status="1")
    clock.t += 10
    test_dispense(CANTEEN, "A11", key="channel_name")
    test_dispense(LOBBY, "A11")  # both machines tested A11 at once: can't tell whose this is
    clock.t += 1
    callback(journal, channel_name="A11", deliver_status="0", error_msg="Goods are Stuck")
    clock.t += 10
    test_dispense(CANTEEN, "A13")  # tested again, same fault: a new result, though the
    clock.t += 1  # journal marks the callback a duplicate (no delivery_id to tell them apart)
    callback(journal, **stuck)
    clock.t += 400
    callback(
        journal, channel_name="A20", deliver_status="0", error_msg="Over Current"
    )  # nobody asked

    h = load_history(journal, CANTEEN, now=clock)
    assert [(e.slot, e.ok, e.test) for e in h.events] == [("A13", False, True)] * 2
    assert h.unattributed == 1
    assert any("could belong to this machine or another" in line for line in h.lines())
    a13 = h.faulty_slots()["A13"]
    assert (a13.failures, a13.consecutive, a13.test) == (2, 2, True)
    assert a13.fault.meaning == fault_meaning("Slave Comm Error")

    clock.t += 10
    test_dispense(CANTEEN, "A13")
    clock.t += 1
    callback(journal, channel_name="A13", deliver_status="1", floor_status="1")
    h = load_history(journal, CANTEEN, now=clock)
    assert (h.events[0].slot, h.events[0].ok) == ("A13", True)
    assert h.faulty_slots() == {}  # a later success clears the slot
    lobby = load_history(journal, LOBBY, now=clock)
    assert [(e.slot, e.ok) for e in lobby.events] == [("A10", True)] and lobby.unattributed == 1


def test_refused_requests_are_reported_but_are_not_slot_faults(
    journal: Journal, clock: Clock
) -> None:
    journal.note_order(75, CANTEEN)
    a = journal.begin_action("dispense", CANTEEN, 75, {"record_id": 95})
    journal.finish_action(a, "refused", code=30002, message="machine offline")
    h = load_history(journal, CANTEEN, now=clock)
    assert h.events == () and len(h.refused) == 1 and h.faulty_slots() == {}
    assert any(
        "1 dispense request refused by the platform (last: code 30002, machine offline)" in line
        for line in h.lines()
    )


def test_empty_history_says_so(journal: Journal, clock: Clock) -> None:
    h = build_history(CANTEEN, [], [], since=NOON - 86400, now=NOON)
    assert h.lines() == [
        "No dispense results for this machine in the journal in the last 24 hours."
    ]
    assert h.lines("zh") == ["日志中最近 24 小时没有本机的出货结果。"]
    assert local_midnight(NOON) == datetime(2024, 5, 14).timestamp()


def test_machine_activity_stays_on_indexes(journal: Journal) -> None:
    # The query plans, not timings: every table is searched through an index.
    from console.journal import sql as journal_sql

    conn = journal._conn
    assert conn is not None
    seen: list[tuple[str, tuple[object, ...]]] = []
    run = journal_sql.execute

    def spy(c: object, text: str, params: dict[str, object]) -> object:
        driver_sql, names = journal_sql._compiled(text, conn.dialect)
        seen.append((driver_sql, tuple(params[n] for n in names or ())))
        return run(c, text, params)  # type: ignore[arg-type]

    journal_sql.execute = spy  # type: ignore[assignment]
    try:
        journal.machine_activity(CANTEEN, NOON - 86400)
    finally:
        journal_sql.execute = run
    assert len(seen) == 2
    for sql, args in seen:
        plan = [str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, args)]
        steps = [p for p in plan if p.startswith(("SEARCH", "SCAN"))]
        assert steps and all(p.startswith("SEARCH") and "USING" in p for p in steps), plan


# -- checks ------------------------------------------------------------------------


def test_clock_check_warns_beyond_a_minute() -> None:
    assert clock_check(0.4).status == "ok"
    assert clock_check(-59).status == "ok"
    behind = clock_check(-7200)
    assert behind.status == "warn" and "2.0 h behind the platform's" in behind.summary
    assert "60 min behind" in clock_check(-3599.6).summary
    assert "may be refused" in behind.summary
    ahead = clock_check(90)
    assert ahead.status == "warn" and "90 s ahead of" in ahead.summary
    assert "快于平台" in clock_check(90, "zh").summary
    assert clock_check(None).status == "warn"


def test_platform_time_reads_the_date_header() -> None:
    assert platform_time({"date": "Tue, 14 May 2024 04:00:00 GMT"}) == 1715659200.0
    assert platform_time({"DATE": "Tue, 14 May 2024 04:00:00 -0000"}) == 1715659200.0
    assert platform_time({"Date": "yesterday"}) is None
    assert platform_time({}) is None


def test_worst() -> None:
    ok, warn, fail = (Check("a", s, "") for s in ("ok", "warn", "fail"))  # type: ignore[arg-type]
    assert worst([]) == "ok" and worst([ok, warn]) == "warn" and worst([warn, fail, ok]) == "fail"
    assert ok.line() == "ok    a             "


def test_the_package_stays_free_of_qt() -> None:
    root = Path(__file__).resolve().parents[2] / "console" / "troubleshoot"
    files = list(root.glob("*.py"))
    assert len(files) >= 4
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] in {"PySide6", "shiboken6"}], f
