"""The API client against the real sandbox over loopback: every call, quirk and fault."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Callable

import pytest

from console.api.client import Client, Exchange, call_set_status
from console.api.errors import ConfigError, PlatformRefused, TransportError
from console.core.models import Delivery, Machine, Order
from console.core.status import OrderStatus
from console.sandbox import Sandbox

from .conftest import CANTEEN, LOBBY, WAREHOUSE


def test_ping_machines_and_machine(client: Client) -> None:
    assert client.ping() == "pong"
    machines = client.machines()
    assert all(isinstance(m, Machine) for m in machines)
    by_no = {m.machine_no: m for m in machines}
    assert by_no[LOBBY].is_online and by_no[LOBBY].machine_name == "Lobby A"
    # The platform omits is_online for an offline machine: it reads as False.
    assert by_no[WAREHOUSE].is_online is False
    assert by_no[WAREHOUSE].notify_message
    detail = client.machine(LOBBY)
    assert detail.cabinet_names == ["A", "B"] and detail.machine_type_name == "vending"
    assert detail.currency.code == "CNY"


def test_products_come_from_every_page(client: Client, sandbox: Sandbox) -> None:
    first = client.products(LOBBY, page=1, per_page=7)
    assert first.last_page == 3 and len(first.products) == 7
    every = client.all_products(LOBBY, per_page=7)
    assert len(every) == 20 == first.total
    assert len({p.channel.name for p in every}) == 20
    assert len(sandbox.requests_for("products")) == 4  # one page, then three more


def test_set_status_sends_exactly_the_seed_shape(client: Client, sandbox: Sandbox) -> None:
    oid = sandbox.demo_order("unpaid")
    client.set_order_status(oid, LOBBY, OrderStatus.PAID)
    (req,) = sandbox.requests_for("order_set_status")
    assert req.method == "PUT" and req.path == f"/api/openapi/v1/orders/{oid}"
    assert req.payload is not None
    assert list(req.payload) == ["machine_no", "sign", "status", "timestamp"]
    assert req.payload["machine_no"] == LOBBY and req.payload["status"] == 1
    assert isinstance(req.payload["timestamp"], str) and req.payload["timestamp"].isdigit()
    assert client.get_order(oid, LOBBY).status == "SUCCESS"


def test_the_whole_order_flow_and_result_callback(client: Client, sandbox: Sandbox) -> None:
    got: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        notify = f"http://127.0.0.1:{srv.server_port}/notify/tok"
        product = client.all_products(LOBBY)[0]
        oid = client.create_order(LOBBY, notify, "T" * 10 + "0123456789", [(product.id, 1)])
        order = client.get_order(oid, LOBBY)
        assert isinstance(order, Order) and order.status == "NOTPAY" and len(order.records) == 1
        with pytest.raises(PlatformRefused) as info:  # the documented "code 0 but not ok" quirk
            client.dispense(LOBBY, oid, order.records[0].id)
        assert info.value.code == 0 and info.value.message == "订单未支付"
        client.set_order_status(oid, LOBBY, 1)
        d = client.dispense(LOBBY, oid, order.records[0].id)
        assert isinstance(d, Delivery) and d.delivery_id > 0
        assert sandbox.wait_idle(15)
        deadline = time.monotonic() + 15
        while not got and time.monotonic() < deadline:
            time.sleep(0.02)
        assert got and b'"deliver_status":"1"' in got[0].replace(b" ", b"")
        assert client.get_delivery(d.delivery_id, LOBBY).status == "success"
        assert client.get_order(oid, LOBBY).records[0].status == "已取货"
    finally:
        srv.shutdown()
        srv.server_close()


def test_test_dispense_and_pickup_codes(client: Client, sandbox: Sandbox) -> None:
    d = client.test_dispense(CANTEEN, "a10", "http://127.0.0.1:9/notify/x")
    assert d.delivery_id > 0
    with pytest.raises(PlatformRefused) as info:
        client.test_dispense(CANTEEN, "Z99", "http://127.0.0.1:9/notify/x")
    assert info.value.message == "Slot Invalid"
    pid = client.all_products(LOBBY)[0].id
    codes = client.pickup_codes(pid, LOBBY)
    assert codes and all(c.status in {"UNUSED", "USED", "EXPIRED"} for c in codes)


def test_wrong_credentials_are_refused_with_the_platform_code(
    make_client: Callable[..., Client], sandbox: Sandbox
) -> None:
    c = sandbox.credentials
    bad = Client(sandbox.base_url, "ds0000000000000000", c.app_secret, c.sign_key)
    with pytest.raises(PlatformRefused) as info:
        bad.machines()
    assert info.value.code == 10014 and info.value.http_status == 401
    empty = Client(sandbox.base_url, c.appid, "", c.sign_key)
    with pytest.raises(PlatformRefused) as info:
        empty.ping()
    assert info.value.code == 10008
    wrong_key = Client(sandbox.base_url, c.appid, c.app_secret, "wrong-key")
    with pytest.raises(PlatformRefused) as info:
        wrong_key.get_order(60, LOBBY)
    assert info.value.code == 4006 and "sign" in info.value.explanation()


@pytest.mark.parametrize(
    "rule, kind, status",
    [
        ("order_get:html", "non_json", 502),
        ("order_get:malformed", "non_json", 200),
        ("order_get:truncated", "non_json", 200),
        ("order_get:empty", "non_json", 200),
    ],
)
def test_answers_that_are_not_json_are_transport_errors(
    client: Client, sandbox: Sandbox, rule: str, kind: str, status: int
) -> None:
    sandbox.inject(rule)
    with pytest.raises(TransportError) as info:
        client.get_order(60, LOBBY)
    assert info.value.kind == kind and info.value.http_status == status
    if "empty" not in rule:
        assert info.value.excerpt


def test_code0_and_unknown_codes_and_401_are_refusals(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject("order_get:code0#1")
    with pytest.raises(PlatformRefused) as info:
        client.get_order(60, LOBBY)
    assert info.value.code == 0 and 'not "ok"' in info.value.explanation()
    sandbox.inject("order_get:code=98765#1")
    with pytest.raises(PlatformRefused) as info:
        client.get_order(60, LOBBY)
    assert info.value.code == 98765 and info.value.explanation() == "unknown error code"
    sandbox.inject("machines:unauthorized#1")
    with pytest.raises(PlatformRefused) as info:
        client.machines()
    assert info.value.http_status == 401


def test_reads_are_retried_on_5xx_at_most_three_tries(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject("machines:status=503#1")
    assert client.machines()  # the second try succeeds
    assert len(sandbox.requests_for("machines")) == 2
    sandbox.inject("order_get:status=502")
    with pytest.raises(TransportError) as info:
        client.get_order(60, LOBBY)
    assert info.value.http_status == 502
    assert len(sandbox.requests_for("order_get")) == 3


@pytest.mark.parametrize(
    "action, run",
    [
        ("dispense", lambda c, sb: c.dispense(LOBBY, sb.demo_order("paid"), 78)),
        ("test_dispense", lambda c, sb: c.test_dispense(LOBBY, "A10", "http://127.0.0.1:9/n")),
        (
            "order_create",
            lambda c, sb: c.create_order(LOBBY, "http://127.0.0.1:9/n", "X" * 24, [(501, 1)]),
        ),
        ("order_set_status", lambda c, sb: c.set_order_status(sb.demo_order("unpaid"), LOBBY, 1)),
    ],
)
def test_writes_are_never_retried_after_a_503(
    client: Client, sandbox: Sandbox, action: str, run: Callable[[Client, Sandbox], object]
) -> None:
    sandbox.inject(f"{action}:status=503")
    with pytest.raises(TransportError) as info:
        run(client, sandbox)
    assert info.value.http_status == 503
    assert len(sandbox.requests_for(action)) == 1


def test_a_reset_after_sending_set_status_is_not_retried(client: Client, sandbox: Sandbox) -> None:
    sandbox.inject("order_set_status:reset")
    with pytest.raises(TransportError) as info:
        client.set_order_status(sandbox.demo_order("unpaid"), LOBBY, 1)
    assert info.value.sent is True
    assert len(sandbox.requests_for("order_set_status")) == 1


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_set_status_is_retried_only_when_nothing_was_sent(exchanges: list[Exchange]) -> None:
    c = Client(
        f"http://127.0.0.1:{_closed_port()}",
        "ds1",
        "s" * 40,
        "k",
        observer=exchanges.append,
        backoff_s=0.01,
    )
    with pytest.raises(TransportError) as info:
        c.set_order_status(60, LOBBY, 1)
    assert info.value.kind == "connect" and info.value.sent is False
    assert [e.attempt for e in exchanges] == [1, 2, 3]
    exchanges.clear()
    with pytest.raises(TransportError):
        c.dispense(LOBBY, 60, 78)
    assert [e.attempt for e in exchanges] == [1]  # a dispense is never tried twice


def test_a_slow_platform_times_out_without_a_retry_of_a_write(
    make_client: Callable[..., Client], sandbox: Sandbox
) -> None:
    sandbox.inject("dispense:latency=3")
    c = make_client(read_timeout=0.5)
    with pytest.raises(TransportError) as info:
        c.dispense(LOBBY, sandbox.demo_order("paid"), 78)
    assert info.value.kind == "timeout" and info.value.sent is True
    assert len(sandbox.requests_for("dispense")) == 1


def test_tls_is_verified_and_plain_http_refused_off_loopback(sandbox: Sandbox) -> None:
    c = sandbox.credentials
    tls = Client(sandbox.base_url.replace("http://", "https://"), c.appid, c.app_secret, c.sign_key)
    with pytest.raises(TransportError) as info:
        tls.ping()
    assert info.value.kind == "tls"
    with pytest.raises(ConfigError):
        Client("http://198.51.100.7", c.appid, c.app_secret, c.sign_key)


def test_no_exchange_shows_a_secret(
    client: Client, sandbox: Sandbox, exchanges: list[Exchange]
) -> None:
    client.ping()
    client.get_order(60, LOBBY)
    sandbox.inject("machines:html#1")
    client.machines()
    c = sandbox.credentials
    assert exchanges
    for ex in exchanges:
        text = repr(ex) + ex.curl
        assert c.app_secret not in text and c.sign_key not in text
        assert ex.request_headers["AppSecret"] == "****"
    assert call_set_status(60, LOBBY, 2).signed == {"machine_no": LOBBY, "status": 2}
