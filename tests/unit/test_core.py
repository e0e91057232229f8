"""Domain rules, models with protobuf zero values, and plain-word meanings."""

from __future__ import annotations

import pytest

from console.core.errorcodes import ERROR_CODES, explain
from console.core.faults import FAULT_MEANINGS, FLOOR_MEANINGS, fault_meaning, floor_meaning
from console.core.models import Machine, MachineDetail, Order, Product, ProductPage
from console.core.rules import (
    BadInput,
    check_id,
    check_machine_no,
    check_trade_id,
    seconds_left,
)
from console.core.status import OrderStatus, is_dispensable, parse_status, status_from_query_text
from console.i18n import use_language


@pytest.fixture(autouse=True)
def _chinese_translation() -> None:
    """The Chinese words come from the window's compiled .qm (as for ``vendctl --lang zh``)."""
    use_language("zh")


DOC_FAULTS = [
    "Slot Invalid", "Load No Current", "Over Current", "Feedback Error", "Dlv Detect Error",
    "Goods are Stuck", "Slot Type Error", "Slave Comm Error", "Lift Comm Error", "Lift Limit Up",
    "Lift Limit Dw", "Lift Goods", "VerMo break", "VerMo short", "VerMo Encode",
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [("1", OrderStatus.PAID), ("paid", OrderStatus.PAID), (" Refund ", OrderStatus.REFUND),
     ("3", OrderStatus.CLOSED), ("revoked", OrderStatus.REVOKED), ("5", OrderStatus.PAYING),
     ("failed", OrderStatus.FAILED)],
)  # fmt: skip
def test_status_parses_numbers_and_names(text: str, expected: OrderStatus) -> None:
    assert parse_status(text) is expected


@pytest.mark.parametrize("text", ["0", "7", "success", "", "1.0", "-1"])
def test_unknown_status_is_refused_with_the_choices(text: str) -> None:
    with pytest.raises(ValueError, match="use 1-6 or paid, refund, closed"):
        parse_status(text)


def test_destructive_statuses_are_the_ones_that_return_stock() -> None:
    assert {s for s in OrderStatus if s.is_destructive} == {
        OrderStatus.REFUND,
        OrderStatus.CLOSED,
        OrderStatus.REVOKED,
        OrderStatus.FAILED,
    }


def test_query_texts_map_back_and_dispensable_ones() -> None:
    assert status_from_query_text("USERPAYING") is OrderStatus.PAYING
    assert status_from_query_text("PICKUPCODE") is None
    assert is_dispensable("SUCCESS") and is_dispensable("PICKUPCODE")
    assert not any(is_dispensable(t) for t in ("NOTPAY", "REFUND", "CLOSED", "", "success"))


@pytest.mark.parametrize("text", ["1632712", "abc45678", "1632 7129", "", "-16327129"])
def test_bad_machine_numbers_are_refused(text: str) -> None:
    with pytest.raises(BadInput, match="machine number"):
        check_machine_no(text)


def test_machine_number_eight_digits_ok_longer_warns() -> None:
    assert check_machine_no(" 16327129 ").value == "16327129"
    assert check_machine_no("16327129").warning == ""
    long = check_machine_no("1632712900")
    assert long.value == "1632712900" and "special merchants" in long.warning


def test_ids_and_trade_ids() -> None:
    assert check_id("60") == 60
    for bad in ("0", "-1", "6a", "", "1.5"):
        with pytest.raises(BadInput):
            check_id(bad, "order id")
    assert check_trade_id("T" * 20) == "T" * 20
    for bad in ("short", "T" * 33, "has space in it 123456"):
        with pytest.raises(BadInput, match="trade id"):
            check_trade_id(bad)


def test_window_is_unknown_without_a_first_sighting() -> None:
    assert seconds_left(None, 1000.0) is None
    assert seconds_left(1000.0, 1000.0 + 60) == 19 * 60
    assert seconds_left(1000.0, 1000.0 + 21 * 60) == -60


def test_missing_protobuf_fields_are_zero_values() -> None:
    m = Machine.from_data({"machine_no": "16327131", "machine_name": "Warehouse"})
    assert m.is_online is False and m.status is False and m.address == ""
    d = MachineDetail.from_data("16327129", {})
    assert d.cabinet_names == [] and d.categories == [] and d.currency.code == ""
    o = Order.from_data(60, {})
    assert o.order_id == 60 and o.records == [] and o.notify_send_count == 0 and o.amount == "0"
    p = Product.from_data({"id": 5})
    assert p.current_inventory == 0 and p.channel.name == "" and p.category is None
    assert ProductPage.from_data({}).products == []


def test_models_keep_values_as_given() -> None:
    o = Order.from_data(
        60,
        {
            "order_id": 60,
            "amount": "7.00",
            "status": "SUCCESS",
            "records": [
                {"id": 78, "product_id": 3, "quantity": 2, "price": "3.50", "notify_sent": True}
            ],
        },
    )
    assert o.amount == "7.00" and o.records[0].price == "3.50" and o.records[0].notify_sent
    assert Machine.from_data({"machine_no": 16327129, "is_online": True}).machine_no == "16327129"


def test_every_documented_fault_and_floor_status_has_a_meaning_in_both_languages() -> None:
    for text in DOC_FAULTS:
        m = fault_meaning(text)
        assert m.known, text
        assert m.meaning_en and m.check_en and m.meaning_zh and m.check_zh
    assert {k.lower() for k in DOC_FAULTS} == set(FAULT_MEANINGS)
    for value in (0, 1, 2, 3, 47):
        assert floor_meaning(value).known and floor_meaning(str(value)).known
    assert set(FLOOR_MEANINGS) == {0, 1, 2, 3, 47}
    assert fault_meaning("slave comm error").meaning_en == "The slave board cannot be reached"
    assert "从板" in fault_meaning("Slave Comm Error").text("zh_CN")


def test_unknown_faults_are_shown_raw_and_marked_unknown() -> None:
    m = fault_meaning("Flux Capacitor")
    assert not m.known and "Flux Capacitor" in m.text() and "Flux Capacitor" in m.text("zh")
    assert not floor_meaning("99").known and "99" in floor_meaning("99").meaning_en
    assert not floor_meaning(None).known


def test_error_codes_of_both_families_are_explained() -> None:
    for code in (4006, 6042, 10008, 10014, 40005, 40006, 30002, 60003):
        assert code in ERROR_CODES
        assert explain(code) and explain(code, lang="zh") != explain(code)
    assert "code 0" in explain(0, "订单未支付")
    assert explain(99999) == "unknown error code"


def test_a_delivery_is_pending_until_the_machine_reports() -> None:
    from console.core.models import Delivery

    assert Delivery(1000, status="dispensing").pending
    assert Delivery(1000, status="").pending
    assert not Delivery(1000, status="success").pending
    assert not Delivery(1000, status="failed", fail_reason="Goods are Stuck").pending
    assert not Delivery(1000, status="dispensing", fail_reason="timeout").pending
