"""Sandbox pieces without a server: fault rule syntax, protobuf pruning, the clock, seeding."""

from __future__ import annotations

import random

import pytest

from console.sandbox import DEFAULT_CREDENTIALS, SandboxClock, parse_fault
from console.sandbox.callbacks import loopback_refusal
from console.sandbox.common import gmt8, gmt8_date, prune
from console.sandbox.state import build_state


@pytest.mark.parametrize(
    ("text", "action", "kind", "count"),
    [
        ("dispense:status=503#1", "dispense", "status", 1),
        ("*:html", "*", "html", None),
        ("ping:latency=0.5#3", "ping", "latency", 3),
        ("order_get:code=12345", "order_get", "code", None),
        ("device:fail=2,Goods are Stuck", "device", "fail", None),
        ("device:noanswer#1", "device", "noanswer", 1),
        ("device:slow=60#1", "device", "slow", 1),
        ("dispense:lost#1", "dispense", "lost", 1),
        ("order_set_status:lost", "order_set_status", "lost", None),
        ("callback:delay=10", "callback", "delay", None),
        (" Callback:Duplicate ", "callback", "duplicate", None),
    ],
)
def test_parse_fault_accepts(text: str, action: str, kind: str, count: int | None) -> None:
    fault = parse_fault(text)
    assert (fault.action, fault.kind, fault.count) == (action, kind, count)
    assert parse_fault(str(fault)).kind == kind


def test_parse_fault_values() -> None:
    assert parse_fault("dispense:status=503").code == 503
    assert parse_fault("ping:latency=0.25").seconds == 0.25
    fail = parse_fault("device:fail=47,Lift Comm Error#2")
    assert (fail.floor, fail.text, fail.remaining) == (47, "Lift Comm Error", 2)
    assert parse_fault("device:fail=3").text == "Slave Comm Error"
    assert parse_fault("device:fail").floor == 2
    assert parse_fault("device:slow=90").seconds == 90


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("dispense", "missing ':'"),
        ("refund:status=503", "unknown action"),
        ("ping:explode", "does not apply"),
        ("device:status=503", "does not apply"),
        ("ping:noanswer", "does not apply"),
        ("ping:status", "needs a value"),
        ("ping:status=abc", "whole number"),
        ("ping:status=99", "between 200 and 599"),
        ("ping:latency=-1", "zero or more"),
        ("ping:html=1", "takes no value"),
        ("ping:html#0", "count"),
        ("ping:html#x", "count"),
        ("ping:code=0", "code0"),
        ("device:slow", "needs a value"),
        ("device:slow=x", "number of seconds"),
        ("ping:lost", "write actions only"),
        ("test_dispense:lost=2", "takes no value"),
    ],
)
def test_parse_fault_rejects_with_clear_message(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_fault(text)


def test_prune_omits_zero_values_recursively() -> None:
    data = {
        "a": 0,
        "b": "",
        "c": False,
        "d": [],
        "e": {},
        "f": {"g": 0, "h": {"i": ""}},
        "j": True,
        "k": [{"x": 0, "y": 1}],
        "l": 0.0,
        "m": "0",
        "n": None,
    }
    assert prune(data) == {"j": True, "k": [{"y": 1}], "m": "0"}


def test_frozen_clock_moves_only_when_advanced() -> None:
    clock = SandboxClock(start=1000.0, frozen=True)
    assert clock.now() == 1000.0
    seen: list[float] = []
    clock.add_listener(seen.append)
    assert clock.advance(60) == 1060.0
    assert seen == [1060.0]
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_real_time_clock_starts_where_asked() -> None:
    clock = SandboxClock(start=5000.0)
    assert 5000.0 <= clock.now() < 5060.0
    clock.advance(100)
    assert clock.now() >= 5100.0


def test_times_are_gmt8() -> None:
    assert gmt8(1714128358) == "2024-04-26 18:45:58"
    assert gmt8_date(1714147200) == "2024-04-27"  # 00:00 GMT+8


def test_loopback_refusal() -> None:
    assert loopback_refusal("http://127.0.0.1:8080/x") == ""
    assert loopback_refusal("http://127.8.9.10/x") == ""
    assert loopback_refusal("http://localhost/x") == ""
    assert loopback_refusal("http://[::1]:9/x") == ""
    assert loopback_refusal("http://192.0.2.1/x").startswith("refused")
    assert loopback_refusal("http://example.com/x").startswith("refused")
    assert loopback_refusal("https://127.0.0.1/x").startswith("refused")


def test_default_credentials_have_the_platform_shapes() -> None:
    c = DEFAULT_CREDENTIALS
    assert c.appid.startswith("ds")
    assert len(c.appid) == 18
    assert len(c.app_secret) == 40
    int(c.app_secret, 16)
    assert c.sign_key.startswith("ds")
    assert len(c.sign_key) == 18
    assert c.app_secret not in repr(c)
    assert c.sign_key not in repr(c)


def test_seeded_data_is_deterministic_and_has_the_fixed_machines() -> None:
    one = build_state(random.Random(5), 1714128358.0)
    two = build_state(random.Random(5), 1714128358.0)
    assert [p.__dict__ for p in one.products.values()] == [
        p.__dict__ for p in two.products.values()
    ]
    assert list(one.machines) == ["16327129", "16327130", "16327131", "16327132"]
    assert not one.machines["16327131"].is_online
    assert one.machines["16327129"].lock_kind == "motor"
    assert one.machines["16327130"].lock_kind == "electronic"
    for machine in one.machines.values():
        assert 12 <= len(machine.products) <= 24
    canteen = one.machines["16327132"]
    faults = {p.channel_name: p.fault for p in canteen.products.values() if p.fault}
    assert faults == {
        "A12": (2, "Goods are Stuck"),
        "A13": (3, "Slave Comm Error"),
        "A14": (47, "Lift Comm Error"),
    }
    assert one.demo_orders == {
        "paid": 60,
        "paid_multi": 61,
        "unpaid": 62,
        "refund": 63,
        "closed": 64,
        "pickupcode": 65,
        "expired": 66,
    }
    assert one.orders[60].records[0].id == 78
