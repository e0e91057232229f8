"""The sandbox platform over real loopback HTTP: envelope, auth, orders, dispensing, callbacks."""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from console.api.signing import encode_payload
from console.core import errorcodes
from console.sandbox import (
    DEFAULT_CREDENTIALS,
    Credentials,
    Sandbox,
    SandboxClock,
    run_standalone,
)

START = 1714128358.0  # the seed example's timestamp: 2024-04-26 18:45:58 GMT+8
LOBBY = "16327129"
STATION = "16327130"
WAREHOUSE = "16327131"
CANTEEN = "16327132"
WAIT_S = 15.0


def wait_until(pred: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.01)
    return pred()


class Receiver:
    """A tiny notify_url endpoint that records every POST."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with outer.lock:
                    outer.bodies.append(json.loads(raw))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify?token=t"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def received(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.bodies)

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        assert wait_until(lambda: len(self.received()) >= count), self.received()
        return self.received()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Api:
    """Raw calls to the sandbox, built the way the platform's docs show."""

    def __init__(self, sb: Sandbox, session: requests.Session) -> None:
        self.sb = sb
        self.s = session
        self.creds = sb.credentials
        self.base = sb.base_url + "/api/openapi/v1"

    def headers(self) -> dict[str, str]:
        return {"Appid": self.creds.appid, "AppSecret": self.creds.app_secret}

    def raw(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("headers", self.headers())
        kw.setdefault("timeout", 10)
        return self.s.request(method, self.base + path, **kw)

    def call(self, path: str, method: str = "POST", **kw: Any) -> dict[str, Any]:
        return self.raw(method, path, **kw).json()  # type: ignore[no-any-return]

    def payload(self, params: dict[str, Any], key: str | None = None) -> str:
        return encode_payload(params, key or self.creds.sign_key, now=self.sb.clock.now)

    def signed(self, path: str, params: dict[str, Any], method: str = "POST") -> dict[str, Any]:
        return self.call(path, method, json={"payload": self.payload(params)})

    def create_order(
        self,
        machine_no: str,
        lines: list[tuple[int, int]],
        notify_url: str = "",
        trade_id: str | None = None,
    ) -> dict[str, Any]:
        self.n = getattr(self, "n", 0) + 1
        body = {
            "machine_no": machine_no,
            "notify_url": notify_url,
            "trade_id": trade_id or f"TEST{int(self.sb.clock.now())}{self.n:08d}",
            "products": [{"product_id": p, "quantity": q} for p, q in lines],
        }
        return self.call("/orders", json=body)

    def paid_order(self, machine_no: str, channel: str, notify_url: str) -> tuple[int, int]:
        """Create and pay a one-item order for a slot; (order_id, record_id)."""
        answer = self.create_order(
            machine_no, [(slot_id(self.sb, machine_no, channel), 1)], notify_url
        )
        assert answer["code"] == 0, answer
        order_id = answer["data"]["order_id"]
        paid = self.set_status(machine_no, order_id, 1)
        assert paid == {"code": 0, "message": "ok", "data": ""}
        return order_id, self.sb.state.orders[order_id].records[0].id

    def order(self, machine_no: str, order_id: int) -> dict[str, Any]:
        return self.signed(f"/orders/{order_id}", {"machine_no": machine_no})

    def set_status(self, machine_no: str, order_id: int, status: int | str) -> dict[str, Any]:
        return self.signed(
            f"/orders/{order_id}", {"machine_no": machine_no, "status": status}, method="PUT"
        )

    def dispense(self, machine_no: str, order_id: int, record_id: int) -> dict[str, Any]:
        return self.signed(
            "/deliveries",
            {
                "machine_no": machine_no,
                "method": "device.delivery.put",
                "order_id": str(order_id),
                "record_id": str(record_id),
            },
        )

    def test_dispense(self, machine_no: str, channel: str, notify_url: str) -> dict[str, Any]:
        return self.signed(
            "/deliveries/debug",
            {
                "machine_no": machine_no,
                "method": "device.delivery.put",
                "channel_name": channel,
                "notify_url": notify_url,
            },
        )

    def stock(self, machine_no: str, channel: str) -> int:
        data = self.signed("/products", {"machine_no": machine_no, "select_all": True})["data"]
        for item in data["data"]:
            if item["channel"]["name"] == channel:
                return int(item.get("current_inventory", 0))
        raise AssertionError(f"no slot {channel}")


def slot_id(sb: Sandbox, machine_no: str, channel: str) -> int:
    slot = sb.state.machines[machine_no].slot(channel)
    assert slot is not None
    return slot.id


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock(start=START, frozen=True)


@pytest.fixture
def sb(clock: SandboxClock) -> Iterator[Sandbox]:
    with Sandbox(seed=1, clock=clock) as sandbox:
        yield sandbox


@pytest.fixture
def api(sb: Sandbox) -> Iterator[Api]:
    with requests.Session() as session:
        yield Api(sb, session)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def advance(sb: Sandbox, seconds: float) -> None:
    sb.clock.advance(seconds)
    assert sb.wait_idle(WAIT_S)


# -- conventions -------------------------------------------------------------------


def test_ping_envelope_and_headers(api: Api) -> None:
    r = api.raw("POST", "/ping")
    assert r.status_code == 200
    assert r.json() == {"code": 0, "message": "ok", "data": "pong"}
    assert r.headers["Content-Type"].startswith("application/json")
    assert int(r.headers["Content-Length"]) == len(r.content)


def test_keep_alive_serves_several_requests_on_one_connection(sb: Sandbox) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    creds = sb.credentials
    try:
        for _ in range(3):
            conn.request(
                "POST",
                "/api/openapi/v1/ping",
                headers={"Appid": creds.appid, "AppSecret": creds.app_secret},
            )
            resp = conn.getresponse()
            assert json.loads(resp.read())["data"] == "pong"
            assert resp.getheader("Connection", "").lower() != "close"
    finally:
        conn.close()
    assert len(sb.requests_for("ping")) == 3


def test_unknown_route_is_404_with_envelope(api: Api) -> None:
    r = api.raw("POST", "/no/such/thing")
    assert r.status_code == 404
    assert r.json()["code"] == 6016
    assert r.json()["message"] == "route not found"


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        ({}, 10008, "appid or appsecret is empty"),
        ({"Appid": DEFAULT_CREDENTIALS.appid}, 10008, "appid or appsecret is empty"),
        ({"Appid": "ds0000000000000000", "AppSecret": "x" * 40}, 10014, "appid is invalid"),
        ({"Appid": DEFAULT_CREDENTIALS.appid, "AppSecret": "0" * 40}, 4009, "app secret invalid"),
    ],
)
def test_header_auth_failures_are_401(
    api: Api, headers: dict[str, str], code: int, message: str
) -> None:
    for path, body in (
        ("/ping", None),
        ("/products", {"payload": api.payload({"machine_no": LOBBY})}),
    ):
        r = api.raw("POST", path, headers=headers, json=body)
        assert r.status_code == 401
        assert r.json() == {"code": code, "message": message, "data": {}}


def test_signature_checked_and_payload_required(api: Api) -> None:
    bad = api.payload({"machine_no": LOBBY}, key="ds0123456789abcdef")
    assert api.call("/products", json={"payload": bad}) == {
        "code": 4006,
        "message": "payload sign invalid",
        "data": {},
    }
    assert api.call("/products", json={})["code"] == 4003
    assert api.call("/products", json={"payload": "%%%not base64%%%"})["code"] == 4003
    assert api.call("/products", data=b"not json")["code"] == 4003
    unsigned = base64.b64encode(json.dumps({"machine_no": LOBBY}).encode()).decode()
    assert api.call("/products", json={"payload": unsigned})["code"] == 4006


def test_date_header_follows_the_sandbox_clock(api: Api, sb: Sandbox) -> None:
    assert api.raw("POST", "/ping").headers["Date"] == "Fri, 26 Apr 2024 10:45:58 GMT"
    sb.clock.advance(3600)
    assert api.raw("POST", "/ping").headers["Date"] == "Fri, 26 Apr 2024 11:45:58 GMT"


# -- machines and products -------------------------------------------------------------


def test_machine_list_omits_zero_fields(api: Api) -> None:
    machines = {m["machine_no"]: m for m in api.call("/rent/machines")["data"]}
    assert set(machines) >= {LOBBY, STATION, WAREHOUSE, CANTEEN}
    assert machines[LOBBY]["is_online"] is True
    assert "is_online" not in machines[WAREHOUSE]
    assert machines[WAREHOUSE]["notify_message"].startswith("machine offline since 2024-04-26 ")
    assert "notify_message" not in machines[LOBBY]
    assert machines[CANTEEN]["machine_name"] == "Canteen (faulty)"


def test_machine_detail(api: Api) -> None:
    data = api.call(f"/rent/machines/{LOBBY}")["data"]
    assert data["machine_name"] == "Lobby A"
    assert data["model"] == {"cabinet_names": ["A", "B"]}
    assert data["machine_type"] == 1
    assert data["currency"]["code"] == "CNY"
    assert data["currency"]["symbol"] == "¥"
    assert data["categories"]
    assert "is_online" not in api.call(f"/rent/machines/{WAREHOUSE}")["data"]
    assert api.call("/rent/machines/99999999")["code"] == 30003


def test_products_shape_pagination_and_filters(api: Api) -> None:
    page = api.signed("/products", {"machine_no": LOBBY, "page": 2, "per_page": 5})["data"]
    assert page["total"] == 20
    assert page["current_page"] == 2
    assert page["last_page"] == 4
    assert len(page["data"]) == 5
    everything = api.signed("/products", {"machine_no": LOBBY, "select_all": True})["data"]["data"]
    first = everything[0]
    assert first["good"]["name"] == "可口可乐"
    assert first["good"]["price"] == "3.50"
    assert first["channel"]["name"] == "A10"
    assert "x" not in first["channel"]  # column 0 is a zero value: omitted
    assert first["category"]["id"] == 1
    assert len({p["id"] for p in everything}) == 20
    cab_b = api.signed("/products", {"machine_no": LOBBY, "cabinet_name": "B", "select_all": "1"})
    assert {p["channel"]["cabinet_name"] for p in cab_b["data"]["data"]} == {"B"}
    assert api.signed("/products", {"machine_no": "99999999"})["code"] == 30003


def test_faulty_machine_has_empty_and_low_slots(api: Api) -> None:
    items = api.signed("/products", {"machine_no": CANTEEN, "select_all": True})["data"]["data"]
    by_slot = {p["channel"]["name"]: p for p in items}
    assert "current_inventory" not in by_slot["A15"]  # empty: 0 omitted
    assert by_slot["A20"]["current_inventory"] == 1
    assert by_slot["A20"]["inventory"] == 10


def test_pickup_codes(api: Api, sb: Sandbox) -> None:
    order = sb.state.orders[sb.demo_order("pickupcode")]
    product_id = order.records[0].product_id
    codes = api.signed(f"/products/{product_id}/pickup_code", {"machine_no": LOBBY})["data"]
    assert order.pickup_code_id in {c["id"] for c in codes}
    assert all(c["status"] in {"UNUSED", "USED", "EXPIRED"} for c in codes)
    assert all(len(c["code"]) == 6 for c in codes)
    other = slot_id(sb, STATION, "A10")
    answer = api.signed(f"/products/{other}/pickup_code", {"machine_no": LOBBY})
    assert answer["code"] == 6045


# -- orders ---------------------------------------------------------------------------------


def test_seeded_orders_match_their_kinds(api: Api, sb: Sandbox) -> None:
    expected = {
        "paid": "SUCCESS",
        "paid_multi": "SUCCESS",
        "unpaid": "NOTPAY",
        "refund": "REFUND",
        "closed": "CLOSED",
        "pickupcode": "PICKUPCODE",
        "expired": "SUCCESS",
    }
    for kind, status in expected.items():
        data = api.order(LOBBY, sb.demo_order(kind))["data"]
        assert data["status"] == status, kind
        assert data["date"] == "2024-04-26"
    paid = api.order(LOBBY, 60)["data"]
    assert sb.demo_order("paid") == 60
    assert paid["records"][0]["id"] == 78
    assert paid["records"][0]["status"] == "未取货"
    assert "notify_send_count" not in paid
    assert "pickup_code_id" not in paid
    assert len(api.order(LOBBY, sb.demo_order("paid_multi"))["data"]["records"]) == 3
    assert api.order(LOBBY, sb.demo_order("pickupcode"))["data"]["pickup_code_id"] > 0
    with pytest.raises(KeyError, match="paid_multi"):
        sb.demo_order("nonsense")


def test_order_query_unknown_or_wrong_machine_is_4004(api: Api) -> None:
    assert api.order(LOBBY, 99999)["code"] == 4004
    assert api.order(STATION, 60)["code"] == 4004


def test_order_create_validations(api: Api, sb: Sandbox) -> None:
    a10 = slot_id(sb, LOBBY, "A10")
    assert api.create_order(LOBBY, [(a10, 1)], trade_id="short")["code"] == 4003
    assert api.create_order(LOBBY, [(a10, 1)], trade_id="T" * 33)["code"] == 4003
    assert api.create_order(LOBBY, [])["code"] == 4003
    assert api.create_order("99999999", [(a10, 1)])["code"] == 30003
    assert api.create_order(WAREHOUSE, [(slot_id(sb, WAREHOUSE, "A10"), 1)])["code"] == 30002
    assert api.create_order(LOBBY, [(slot_id(sb, STATION, "A10"), 1)])["code"] == 6045
    assert api.create_order(CANTEEN, [(slot_id(sb, CANTEEN, "A15"), 1)])["code"] == 60003
    assert api.create_order(CANTEEN, [(slot_id(sb, CANTEEN, "A20"), 2)])["code"] == 60003
    first = api.create_order(LOBBY, [(a10, 1)], trade_id="DUPLICATE-TRADE-ID-0001")
    assert first["code"] == 0
    again = api.create_order(LOBBY, [(a10, 1)], trade_id="DUPLICATE-TRADE-ID-0001")
    assert again["code"] == 4003
    plain = api.call("/orders", data=b"[1, 2]")
    assert plain["code"] == 4003


def test_order_create_reserves_stock_and_refund_returns_it(api: Api, sb: Sandbox) -> None:
    a10, b11 = slot_id(sb, LOBBY, "A10"), slot_id(sb, LOBBY, "B11")
    before_a, before_b = api.stock(LOBBY, "A10"), api.stock(LOBBY, "B11")
    answer = api.create_order(LOBBY, [(a10, 2), (b11, 1)], trade_id="RESERVE-TEST-0000000001")
    assert answer["code"] == 0
    order_id = answer["data"]["order_id"]
    assert order_id == 67  # after the seeded 60..66
    assert api.stock(LOBBY, "A10") == before_a - 2
    assert api.stock(LOBBY, "B11") == before_b - 1
    data = api.order(LOBBY, order_id)["data"]
    assert data["status"] == "NOTPAY"
    assert data["trade_id"] == "RESERVE-TEST-0000000001"
    assert data["amount"] == "%.2f" % (2 * 3.5 + float(sb.state.products[b11].price))
    assert [r["id"] for r in data["records"]] == [87, 88]

    assert api.set_status(LOBBY, order_id, 1)["code"] == 0
    assert api.order(LOBBY, order_id)["data"]["status"] == "SUCCESS"
    assert api.set_status(LOBBY, order_id, 1) == {
        "code": 6049,
        "message": "order is paid",
        "data": {},
    }
    assert api.set_status(LOBBY, order_id, 3) == {
        "code": 40006,
        "message": "订单状态无效",
        "data": {},
    }
    assert api.set_status(LOBBY, order_id, "2") == {"code": 0, "message": "ok", "data": ""}
    data = api.order(LOBBY, order_id)["data"]
    assert data["status"] == "REFUND"
    assert {r["status"] for r in data["records"]} == {"订单取消"}
    assert api.stock(LOBBY, "A10") == before_a
    assert api.stock(LOBBY, "B11") == before_b
    for status in (1, 2, 3, 4, 5, 6):
        assert api.set_status(LOBBY, order_id, status)["code"] == 40006


def test_set_status_rejects_bad_values_and_wrong_orders(api: Api, sb: Sandbox) -> None:
    unpaid = sb.demo_order("unpaid")
    assert api.set_status(LOBBY, unpaid, 7)["code"] == 4003
    assert api.set_status(LOBBY, unpaid, 0)["code"] == 4003
    assert api.set_status(LOBBY, unpaid, "paid")["code"] == 4003
    assert api.set_status(STATION, unpaid, 1)["code"] == 4004
    assert api.set_status(LOBBY, 99999, 1)["code"] == 4004
    for kind in ("refund", "closed"):
        assert api.set_status(LOBBY, sb.demo_order(kind), 1)["code"] == 40006
    assert api.order(LOBBY, unpaid)["data"]["status"] == "NOTPAY"


def test_seed_example_payload_is_accepted_shape(api: Api, sb: Sandbox) -> None:
    # The seed sends status as an integer and timestamp as a string.
    unpaid = sb.demo_order("unpaid")
    params = {"machine_no": LOBBY, "status": 5, "timestamp": "1714128358"}
    answer = api.signed(f"/orders/{unpaid}", params, method="PUT")
    assert answer == {"code": 0, "message": "ok", "data": ""}
    assert api.order(LOBBY, unpaid)["data"]["status"] == "USERPAYING"
    assert api.set_status(LOBBY, unpaid, 1)["code"] == 0
    assert api.order(LOBBY, unpaid)["data"]["records"][0]["status"] == "未取货"


def test_closing_by_hand_returns_stock_and_sends_no_callback(
    api: Api, sb: Sandbox, receiver: Receiver
) -> None:
    before = api.stock(STATION, "A11")
    answer = api.create_order(STATION, [(slot_id(sb, STATION, "A11"), 1)], receiver.url)
    order_id = answer["data"]["order_id"]
    assert api.stock(STATION, "A11") == before - 1
    assert api.set_status(STATION, order_id, 3)["code"] == 0
    assert api.stock(STATION, "A11") == before
    assert api.order(STATION, order_id)["data"]["status"] == "CLOSED"
    advance(sb, 25 * 60)  # past the 20-minute expiry: a closed order does not expire again
    assert receiver.received() == []
    assert api.stock(STATION, "A11") == before


# -- the 20-minute rule ---------------------------------------------------------------------


def test_unpaid_order_expires_after_20_minutes_and_notifies(
    api: Api, sb: Sandbox, receiver: Receiver
) -> None:
    before = api.stock(STATION, "A12")
    trade = "EXPIRY-TEST-000000000001"
    answer = api.create_order(STATION, [(slot_id(sb, STATION, "A12"), 2)], receiver.url, trade)
    order_id = answer["data"]["order_id"]
    advance(sb, 19 * 60)
    assert api.order(STATION, order_id)["data"]["status"] == "NOTPAY"
    assert receiver.received() == []
    advance(sb, 60)
    assert api.order(STATION, order_id)["data"]["status"] == "CLOSED"
    assert api.stock(STATION, "A12") == before
    bodies = receiver.wait_for(1)
    assert bodies == [{"method": "order.expired", "order_id": order_id, "trade_id": trade}]
    assert api.order(STATION, order_id)["data"]["notify_send_count"] == 1


def test_old_paid_orders_are_refused(api: Api, sb: Sandbox, receiver: Receiver) -> None:
    expired = sb.demo_order("expired")
    record = sb.state.orders[expired].records[0].id
    assert api.dispense(LOBBY, expired, record) == {
        "code": 40005,
        "message": "order expired",
        "data": {},
    }
    order_id, record_id = api.paid_order(STATION, "A13", receiver.url)
    advance(sb, 21 * 60)
    assert api.order(STATION, order_id)["data"]["status"] == "SUCCESS"  # paid: no expiry
    assert api.dispense(STATION, order_id, record_id)["code"] == 40005
    # Paying an old unpaid order is still accepted; dispensing it is not.
    unpaid = api.create_order(STATION, [(slot_id(sb, STATION, "A14"), 1)])["data"]["order_id"]
    sb.state.orders[unpaid].created_at -= 30 * 60
    assert api.set_status(STATION, unpaid, 1)["code"] == 0
    rec = sb.state.orders[unpaid].records[0].id
    assert api.dispense(STATION, unpaid, rec)["code"] == 40005


# -- dispensing -------------------------------------------------------------------------------


def test_dispense_success_callback_and_record_update(
    api: Api, sb: Sandbox, receiver: Receiver
) -> None:
    order_id, record_id = api.paid_order(LOBBY, "B12", receiver.url)
    answer = api.dispense(LOBBY, order_id, record_id)
    assert answer["code"] == 0
    delivery_id = answer["data"]["delivery_id"]
    assert delivery_id == 1000
    assert answer["data"]["status"] == "dispensing"
    query = api.signed(f"/deliveries/{delivery_id}", {"machine_no": LOBBY})["data"]
    assert query["status"] == "dispensing"
    assert query["delivered_at"] == "2024-04-26 18:45:58"
    assert api.dispense(LOBBY, order_id, record_id)["code"] == 6034  # being dispensed

    advance(sb, 1)
    assert receiver.wait_for(1) == [
        {
            "deliver_status": "1",
            "error_msg": "",
            "floor_status": "1",
            "method": "device.delivery.response",
            "order_id": order_id,
            "record_id": record_id,
        }
    ]
    data = api.order(LOBBY, order_id)["data"]
    assert data["records"][0]["status"] == "已取货"
    assert data["records"][0]["notify_sent"] is True
    assert data["notify_send_count"] == 1
    query = api.signed(f"/deliveries/{delivery_id}", {"machine_no": LOBBY})["data"]
    assert query["status"] == "success"
    assert query["pickup_at"] == "2024-04-26 18:45:59"
    assert "fail_reason" not in query
    assert api.dispense(LOBBY, order_id, record_id)["code"] == 6034  # already dispensed
    assert sb.callbacks_sent[-1].status == 200
    assert sb.callbacks_sent[-1].url == receiver.url


def test_dispense_checks(api: Api, sb: Sandbox) -> None:
    paid = sb.demo_order("paid")
    assert api.dispense("99999999", paid, 78)["code"] == 30003
    assert api.dispense(WAREHOUSE, paid, 78)["code"] == 30002
    assert api.dispense(STATION, paid, 78)["code"] == 4004
    assert api.dispense(LOBBY, 99999, 78)["code"] == 4004
    assert api.dispense(LOBBY, paid, 79)["code"] == 4004  # record of another order
    assert api.dispense(LOBBY, sb.demo_order("refund"), 83)["code"] == 40006
    assert api.dispense(LOBBY, sb.demo_order("closed"), 84)["code"] == 40006
    wrong_method = api.signed(
        "/deliveries",
        {"machine_no": LOBBY, "method": "x", "order_id": str(paid), "record_id": "78"},
    )
    assert wrong_method["code"] == 4003
    assert api.signed("/deliveries/4242", {"machine_no": LOBBY})["code"] == 4004
    assert sb.state.deliveries == {}


def test_unpaid_dispense_is_the_code0_quirk(api: Api, sb: Sandbox) -> None:
    unpaid = sb.demo_order("unpaid")
    record = sb.state.orders[unpaid].records[0].id
    assert api.dispense(LOBBY, unpaid, record) == {"code": 0, "message": "订单未支付", "data": {}}
    assert sb.state.deliveries == {}


def test_pickup_code_order_can_be_dispensed(api: Api, sb: Sandbox) -> None:
    order_id = sb.demo_order("pickupcode")
    record = sb.state.orders[order_id].records[0].id
    assert api.dispense(LOBBY, order_id, record)["data"]["status"] == "dispensing"


def test_machine_is_locked_while_dispensing(api: Api, sb: Sandbox, receiver: Receiver) -> None:
    multi = sb.demo_order("paid_multi")
    sb.state.orders[multi].notify_url = receiver.url
    r1, r2, r3 = (r.id for r in sb.state.orders[multi].records)
    assert api.dispense(LOBBY, multi, r1)["code"] == 0
    busy = api.dispense(LOBBY, multi, r2)
    assert busy == {"code": errorcodes.MACHINE_BUSY, "message": "machine busy", "data": {}}
    # Another machine is not affected.
    assert api.test_dispense(STATION, "A10", receiver.url)["code"] == 0
    advance(sb, 1)
    assert api.dispense(LOBBY, multi, r2)["code"] == 0
    advance(sb, 1)
    assert api.dispense(LOBBY, multi, r3)["code"] == 0
    advance(sb, 1)
    bodies = receiver.wait_for(4)
    assert sorted(b.get("record_id", 0) for b in bodies) == [0, r1, r2, r3]
    assert api.order(LOBBY, multi)["data"]["notify_send_count"] == 3


@pytest.mark.parametrize(
    ("channel", "floor", "text"),
    [
        ("A12", "2", "Goods are Stuck"),
        ("A13", "3", "Slave Comm Error"),
        ("A14", "47", "Lift Comm Error"),
    ],
)
def test_faulty_slots_fail_with_floor_status_and_text(
    api: Api, sb: Sandbox, receiver: Receiver, channel: str, floor: str, text: str
) -> None:
    order_id, record_id = api.paid_order(CANTEEN, channel, receiver.url)
    delivery_id = api.dispense(CANTEEN, order_id, record_id)["data"]["delivery_id"]
    advance(sb, 1)
    assert receiver.wait_for(1)[0] == {
        "deliver_status": "0",
        "error_msg": text,
        "floor_status": floor,
        "method": "device.delivery.response",
        "order_id": order_id,
        "record_id": record_id,
    }
    assert api.order(CANTEEN, order_id)["data"]["records"][0]["status"] == "未取货"
    query = api.signed(f"/deliveries/{delivery_id}", {"machine_no": CANTEEN})["data"]
    assert query["status"] == "failed"
    assert query["fail_reason"] == text
    # A failed record can be tried again (and fails the same way).
    assert api.dispense(CANTEEN, order_id, record_id)["code"] == 0
    advance(sb, 1)
    assert receiver.wait_for(2)[1]["floor_status"] == floor


def test_healthy_slot_on_faulty_machine_succeeds(api: Api, sb: Sandbox, receiver: Receiver) -> None:
    order_id, record_id = api.paid_order(CANTEEN, "A11", receiver.url)
    assert api.dispense(CANTEEN, order_id, record_id)["code"] == 0
    advance(sb, 1)
    assert receiver.wait_for(1)[0]["deliver_status"] == "1"


def test_no_answer_holds_lock_for_dwell_and_times_out_at_120s(
    api: Api, sb: Sandbox, receiver: Receiver
) -> None:
    sb.inject("device:noanswer#1")
    order_id, record_id = api.paid_order(LOBBY, "B13", receiver.url)
    delivery_id = api.dispense(LOBBY, order_id, record_id)["data"]["delivery_id"]
    other = Receiver()
    try:
        advance(sb, 29)  # Lobby A has a motor lock: 30 s
        assert receiver.received() == []
        assert api.test_dispense(LOBBY, "A10", other.url)["code"] == errorcodes.MACHINE_BUSY
        advance(sb, 2)
        assert api.test_dispense(LOBBY, "A10", other.url)["code"] == 0  # lock released
        advance(sb, 1)
        assert other.wait_for(1)[0]["deliver_status"] == "1"
        query = api.signed(f"/deliveries/{delivery_id}", {"machine_no": LOBBY})["data"]
        assert query["status"] == "dispensing"
        advance(sb, 120 - 32 - 1)
        assert receiver.received() == []
        advance(sb, 1)
    finally:
        other.close()
    assert receiver.wait_for(1) == [
        {
            "deliver_status": "0",
            "error_msg": "timeout",
            "method": "device.delivery.response",
            "order_id": order_id,
            "record_id": record_id,
        }
    ]
    query = api.signed(f"/deliveries/{delivery_id}", {"machine_no": LOBBY})["data"]
    assert query["status"] == "timeout"
    assert query["fail_reason"] == "timeout"
    assert api.order(LOBBY, order_id)["data"]["records"][0]["status"] == "未取货"


def test_test_dispense(api: Api, sb: Sandbox, receiver: Receiver) -> None:
    assert api.test_dispense(LOBBY, "A99", receiver.url) == {
        "code": 4003,
        "message": "Slot Invalid",
        "data": {},
    }
    assert api.test_dispense(WAREHOUSE, "A10", receiver.url)["code"] == 30002
    assert api.test_dispense(CANTEEN, "A14", receiver.url)["code"] == 0
    advance(sb, 1)
    assert receiver.wait_for(1) == [
        {
            "channel_name": "A14",
            "deliver_status": "0",
            "error_msg": "Lift Comm Error",
            "floor_status": "47",
            "method": "device.delivery.response",
        }
    ]


def test_callbacks_only_go_to_loopback(api: Api, sb: Sandbox) -> None:
    outside = "http://192.0.2.1/notify"
    order_id, record_id = api.paid_order(STATION, "A20", outside)
    assert api.dispense(STATION, order_id, record_id)["code"] == 0
    assert api.test_dispense(CANTEEN, "A10", "http://example.com/hook")["code"] == 0
    advance(sb, 1)
    logs = {c.url: c for c in sb.callbacks_sent}
    for url in (outside, "http://example.com/hook"):
        assert logs[url].status is None
        assert logs[url].error.startswith("refused")
    assert logs[outside].body["order_id"] == order_id
    assert api.order(STATION, order_id)["data"].get("notify_send_count", 0) == 0


# -- requests log, determinism, control ----------------------------------------------------------


def test_requests_are_logged_with_decoded_payloads(api: Api, sb: Sandbox) -> None:
    api.order(LOBBY, 60)
    api.create_order(LOBBY, [(slot_id(sb, LOBBY, "A10"), 1)], trade_id="LOG-TEST-00000000000001")
    api.raw("POST", "/nowhere")
    (get,) = sb.requests_for("order_get")
    assert get.method == "POST"
    assert get.path == "/api/openapi/v1/orders/60"
    assert get.payload is not None
    assert get.payload["machine_no"] == LOBBY
    assert get.headers["Appid"] == sb.credentials.appid
    assert get.at == START
    (create,) = sb.requests_for("order_create")
    assert create.payload is not None
    assert create.payload["trade_id"] == "LOG-TEST-00000000000001"
    assert sb.requests[-1].action == ""


def test_same_seed_same_world(clock: SandboxClock) -> None:
    def snapshot(seed: int) -> list[Any]:
        with (
            Sandbox(seed=seed, clock=SandboxClock(start=START, frozen=True)) as sandbox,
            requests.Session() as session,
        ):
            a = Api(sandbox, session)
            out: list[Any] = [a.call("/rent/machines")]
            for no in (LOBBY, STATION, WAREHOUSE, CANTEEN):
                out.append(a.signed("/products", {"machine_no": no, "select_all": True}))
            out.extend(a.order(LOBBY, o) for o in range(60, 67))
            created = a.create_order(STATION, [(slot_id(sandbox, STATION, "A10"), 1)])
            out.append(created)
            out.append(a.dispense(LOBBY, 60, 78))
            out.append(sorted(c.id for c in sandbox.state.pickup_codes.values()))
            out.append([c.code for c in sandbox.state.pickup_codes.values()])
            return out

    first, again, other = snapshot(7), snapshot(7), snapshot(8)
    assert first == again
    assert first != other
    # Ids of orders and deliveries do not depend on the seed.
    assert first[-4] == other[-4] == {"code": 0, "message": "ok", "data": {"order_id": 67}}
    assert first[-3] == other[-3]
    assert first[-3]["data"]["delivery_id"] == 1000


def test_control_endpoint(sb: Sandbox, api: Api) -> None:
    url = sb.base_url + "/__sandbox/faults"
    no_auth = api.s.post(url, json={"rules": ["ping:status=503"]}, timeout=10)
    assert no_auth.status_code == 401
    assert sb.faults.rules() == []

    r = api.s.post(
        url,
        json={"rules": ["ping:status=503#1", "ping:empty#1"]},
        headers=api.headers(),
        timeout=10,
    )
    assert r.json()["data"]["rules"] == ["ping:status=503#1", "ping:empty#1"]
    assert api.raw("POST", "/ping").status_code == 503
    assert api.raw("POST", "/ping").content == b""
    assert api.call("/ping")["data"] == "pong"

    bad = api.s.post(url, json={"rules": ["ping:explode"]}, headers=api.headers(), timeout=10)
    assert bad.status_code == 400
    assert "explode" in bad.json()["message"]

    api.s.post(url, json={"rules": ["*:status=500"]}, headers=api.headers(), timeout=10)
    assert api.raw("POST", "/ping").status_code == 500
    cleared = api.s.delete(url, headers=api.headers(), timeout=10)
    assert cleared.json()["data"]["rules"] == []
    assert api.call("/ping")["data"] == "pong"

    clock_url = sb.base_url + "/__sandbox/clock"
    moved = api.s.post(clock_url, json={"advance": 90}, headers=api.headers(), timeout=10)
    assert moved.json()["data"]["now"] == START + 90
    assert sb.clock.now() == START + 90
    back = api.s.post(clock_url, json={"advance": -5}, headers=api.headers(), timeout=10)
    assert back.status_code == 400

    state = api.s.get(sb.base_url + "/__sandbox/state", headers=api.headers(), timeout=10).json()
    assert {m["machine_no"] for m in state["data"]["machines"]} >= {LOBBY, CANTEEN}
    assert state["data"]["demo_orders"]["paid"] == 60
    assert sb.requests_for("ping")  # platform calls logged; control calls are not
    assert all(not r.path.startswith("/__sandbox") for r in sb.requests)


def test_real_time_clock_dispenses_on_its_own(receiver: Receiver) -> None:
    with Sandbox(seed=3, device_cycle_s=0.05) as sandbox, requests.Session() as session:
        a = Api(sandbox, session)
        order_id, record_id = a.paid_order(LOBBY, "A11", receiver.url)
        assert a.dispense(LOBBY, order_id, record_id)["code"] == 0
        assert receiver.wait_for(1)[0]["deliver_status"] == "1"
        assert wait_until(lambda: not sandbox.state.machines[LOBBY].locked(sandbox.clock.now()))


def test_custom_credentials_and_stop_is_idempotent() -> None:
    creds = Credentials("ds1111222233334444", "a" * 40, "ds5555666677778888")
    sandbox = Sandbox(credentials=creds).start()
    try:
        with requests.Session() as session:
            a = Api(sandbox, session)
            assert a.call("/ping")["data"] == "pong"
            assert a.signed("/products", {"machine_no": LOBBY})["code"] == 0
            default = {
                "Appid": DEFAULT_CREDENTIALS.appid,
                "AppSecret": DEFAULT_CREDENTIALS.app_secret,
            }
            assert a.raw("POST", "/ping", headers=default).json()["code"] == 10014
    finally:
        sandbox.stop()
    sandbox.stop()
    with pytest.raises(requests.ConnectionError), requests.Session() as session:
        session.post(sandbox.base_url + "/api/openapi/v1/ping", timeout=5)


def test_run_standalone_prints_url_then_credentials() -> None:
    out = io.StringIO()
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(
            run_standalone(0, None, ["ping:code=12345#1"], 1, out, stop_event=stop)
        ),
        daemon=True,
    )
    thread.start()
    try:
        assert wait_until(lambda: "Ctrl+C" in out.getvalue())
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("http://127.0.0.1:")
        assert lines[1] == f"Appid: {DEFAULT_CREDENTIALS.appid}"
        assert lines[2] == f"AppSecret: {DEFAULT_CREDENTIALS.app_secret}"
        assert lines[3] == f"Sign key: {DEFAULT_CREDENTIALS.sign_key}"
        headers = {"Appid": DEFAULT_CREDENTIALS.appid, "AppSecret": DEFAULT_CREDENTIALS.app_secret}
        with requests.Session() as session:
            url = lines[0] + "/api/openapi/v1/ping"
            assert session.post(url, headers=headers, timeout=10).json()["code"] == 12345
            assert session.post(url, headers=headers, timeout=10).json()["data"] == "pong"
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]
