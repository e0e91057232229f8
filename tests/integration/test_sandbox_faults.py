"""Injected faults on the sandbox platform: every kind, observed over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from console.api.client import Client
from console.api.errors import PlatformRefused, TransportError
from console.api.signing import encode_payload
from console.core import errorcodes
from console.core.status import OrderStatus
from console.sandbox import Sandbox, SandboxClock

START = 1714128358.0
LOBBY = "16327129"


class Hook:
    """A loopback notify_url that records JSON bodies."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.bodies.append(json.loads(raw))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cb"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def received(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.bodies)


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=1, clock=SandboxClock(start=START, frozen=True)) as sandbox:
        yield sandbox


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.server.shutdown()
    h.server.server_close()


@pytest.fixture
def client(sb: Sandbox) -> Iterator[Client]:
    c = sb.credentials
    api = Client(sb.base_url, c.appid, c.app_secret, c.sign_key, backoff_s=0.01, now=sb.clock.now)
    yield api
    api.close()


def headers(sb: Sandbox) -> dict[str, str]:
    return {"Appid": sb.credentials.appid, "AppSecret": sb.credentials.app_secret}


def ping(sb: Sandbox, s: requests.Session, **kw: Any) -> requests.Response:
    return s.post(
        sb.base_url + "/api/openapi/v1/ping", headers=headers(sb), timeout=kw.pop("timeout", 10)
    )


def dispense(sb: Sandbox, s: requests.Session, order_id: int, record_id: int) -> requests.Response:
    params = {
        "machine_no": LOBBY,
        "method": "device.delivery.put",
        "order_id": str(order_id),
        "record_id": str(record_id),
    }
    body = {"payload": encode_payload(params, sb.credentials.sign_key, now=sb.clock.now)}
    return s.post(
        sb.base_url + "/api/openapi/v1/deliveries", headers=headers(sb), json=body, timeout=10
    )


def settle(sb: Sandbox, seconds: float = 1) -> None:
    sb.clock.advance(seconds)
    assert sb.wait_idle(15)


def test_status_503_answers_once_and_changes_nothing(
    sb: Sandbox, session: requests.Session
) -> None:
    fault = sb.inject("dispense:status=503#1")
    r = dispense(sb, session, 60, 78)
    assert r.status_code == 503
    assert r.text == "Service Unavailable"
    assert r.headers["Content-Type"].startswith("text/plain")
    assert len(sb.requests_for("dispense")) == 1
    assert sb.state.deliveries == {}
    assert fault.fired == 1
    assert sb.faults.rules() == []
    ok = dispense(sb, session, 60, 78)
    assert ok.json()["data"]["status"] == "dispensing"
    assert len(sb.requests_for("dispense")) == 2


def test_html_error_page(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("ping:html#1")
    r = ping(sb, session)
    assert r.status_code == 502
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.text.startswith("<html>")


@pytest.mark.parametrize("kind", ["malformed", "truncated", "empty"])
def test_unparseable_200_answers(sb: Sandbox, session: requests.Session, kind: str) -> None:
    sb.inject(f"ping:{kind}#1")
    r = ping(sb, session)
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(r.content)
    with pytest.raises(ValueError):
        json.loads(r.content)
    if kind == "truncated":
        assert r.text.startswith('{"code":0,"message":"ok"')
    if kind == "empty":
        assert r.content == b""
    assert ping(sb, session).json()["data"] == "pong"  # same connection still usable


def test_unauthorized_code0_and_unknown_code(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("ping:unauthorized#1")
    sb.inject("ping:code0#1")
    sb.inject("ping:code=99999#1")
    first = ping(sb, session)
    assert first.status_code == 401
    assert first.json()["code"] == 10014
    assert ping(sb, session).json() == {"code": 0, "message": "订单未支付", "data": {}}
    third = ping(sb, session).json()
    assert third["code"] == 99999
    assert third["message"]
    assert ping(sb, session).json()["data"] == "pong"
    assert len(sb.requests_for("ping")) == 4


def test_reset_closes_the_connection_without_answer(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("ping:reset#1")
    with pytest.raises(requests.ConnectionError):
        ping(sb, session)
    assert len(sb.requests_for("ping")) == 1
    assert ping(sb, session).json()["data"] == "pong"


def test_latency_delays_the_answer(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("ping:latency=1.5#1")
    with pytest.raises(requests.Timeout):
        ping(sb, session, timeout=0.2)
    assert ping(sb, session).json()["data"] == "pong"


def test_star_matches_every_action_and_count_runs_out(
    sb: Sandbox, session: requests.Session
) -> None:
    sb.inject("*:status=500#2")
    assert ping(sb, session).status_code == 500
    assert dispense(sb, session, 60, 78).status_code == 500
    assert ping(sb, session).status_code == 200


def test_rule_without_count_fires_until_cleared(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("ping:status=429")
    assert [ping(sb, session).status_code for _ in range(3)] == [429, 429, 429]
    sb.clear_faults()
    assert ping(sb, session).status_code == 200


def test_faults_do_not_hit_other_actions(sb: Sandbox, session: requests.Session) -> None:
    sb.inject("dispense:status=503")
    assert ping(sb, session).status_code == 200


def test_device_fail_fault(sb: Sandbox, session: requests.Session, hook: Hook) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("device:fail=3,Over Current#1")
    assert dispense(sb, session, 60, 78).json()["code"] == 0
    settle(sb)
    assert hook.received() == [
        {
            "deliver_status": "0",
            "error_msg": "Over Current",
            "floor_status": "3",
            "method": "device.delivery.response",
            "order_id": 60,
            "record_id": 78,
        }
    ]
    assert sb.state.deliveries[1000].fail_reason == "Over Current"


def test_callback_drop(sb: Sandbox, session: requests.Session, hook: Hook) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("callback:drop#1")
    dispense(sb, session, 60, 78)
    settle(sb)
    assert hook.received() == []
    (entry,) = sb.callbacks_sent
    assert entry.status is None
    assert "drop" in entry.error
    assert entry.body["deliver_status"] == "1"
    assert sb.state.orders[60].records[0].status == "已取货"


def test_callback_duplicate(sb: Sandbox, session: requests.Session, hook: Hook) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("callback:duplicate#1")
    dispense(sb, session, 60, 78)
    settle(sb)
    bodies = hook.received()
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    assert sb.state.orders[60].notify_send_count == 2


def test_callback_delay_follows_the_clock(
    sb: Sandbox, session: requests.Session, hook: Hook
) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("callback:delay=30#1")
    dispense(sb, session, 60, 78)
    settle(sb, 1)
    assert hook.received() == []
    settle(sb, 29)
    assert hook.received() == []
    settle(sb, 1)
    assert len(hook.received()) == 1


def test_device_slow_keeps_the_record_dispensing_until_the_clock_passes(
    sb: Sandbox, client: Client, hook: Hook
) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("device:slow=50#1")
    delivery = client.dispense(LOBBY, 60, 78)
    assert delivery.status == "dispensing"
    settle(sb, 49)
    assert client.get_delivery(delivery.delivery_id, LOBBY).pending
    assert hook.received() == []
    # Lobby A's motor lock is 30 s; a slow machine stays busy until it answers.
    with pytest.raises(PlatformRefused) as busy:
        client.test_dispense(LOBBY, "A10", hook.url)
    assert busy.value.code == errorcodes.MACHINE_BUSY
    assert client.get_order(60, LOBBY).records[0].status == "未取货"
    settle(sb, 1)
    assert client.get_delivery(delivery.delivery_id, LOBBY).succeeded
    assert [b["deliver_status"] for b in hook.received()] == ["1"]
    assert client.get_order(60, LOBBY).records[0].status == "已取货"
    # The rule was for one dispense: the next answers after the usual cycle.
    test = client.test_dispense(LOBBY, "A10", "")
    settle(sb, 1)
    assert client.get_delivery(test.delivery_id, LOBBY).succeeded


def test_device_slow_combines_with_a_failure_on_a_test_dispense(
    sb: Sandbox, client: Client, hook: Hook
) -> None:
    sb.inject("device:slow=10#1")
    sb.inject("device:fail=2#1")
    delivery = client.test_dispense(LOBBY, "A10", hook.url)
    settle(sb, 9)
    assert client.get_delivery(delivery.delivery_id, LOBBY).pending
    settle(sb, 1)
    record = client.get_delivery(delivery.delivery_id, LOBBY)
    assert (record.status, record.fail_reason) == ("failed", "Goods are Stuck")
    assert [b["error_msg"] for b in hook.received()] == ["Goods are Stuck"]


def test_device_slow_past_the_platform_timeout_times_out_at_120s(
    sb: Sandbox, client: Client, hook: Hook
) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("device:slow=120#1")
    delivery = client.dispense(LOBBY, 60, 78)
    settle(sb, 119)
    assert client.get_delivery(delivery.delivery_id, LOBBY).pending
    settle(sb, 1)
    record = client.get_delivery(delivery.delivery_id, LOBBY)
    assert (record.status, record.fail_reason) == ("timeout", "timeout")
    assert [b["error_msg"] for b in hook.received()] == ["timeout"]
    settle(sb, 60)
    assert len(hook.received()) == 1  # no late success after the timeout
    assert client.get_order(60, LOBBY).records[0].status == "未取货"


def test_lost_dispense_starts_the_dispense_but_the_answer_never_comes(
    sb: Sandbox, client: Client, hook: Hook
) -> None:
    sb.state.orders[60].notify_url = hook.url
    sb.inject("dispense:lost#1")
    with pytest.raises(TransportError) as info:
        client.dispense(LOBBY, 60, 78)
    assert info.value.sent is True
    assert info.value.kind == "connection_lost"
    assert len(sb.requests_for("dispense")) == 1  # never retried
    (delivery,) = sb.state.deliveries.values()
    assert delivery.status == "dispensing"
    settle(sb)
    assert [b["deliver_status"] for b in hook.received()] == ["1"]
    assert client.get_order(60, LOBBY).records[0].status == "已取货"
    with pytest.raises(PlatformRefused) as again:
        client.dispense(LOBBY, 60, 78)
    assert again.value.code == 6034


def test_lost_test_dispense_drops_the_item(sb: Sandbox, client: Client, hook: Hook) -> None:
    sb.inject("test_dispense:lost#1")
    with pytest.raises(TransportError) as info:
        client.test_dispense(LOBBY, "A10", hook.url)
    assert info.value.sent is True
    settle(sb)
    (body,) = hook.received()
    assert (body["channel_name"], body["deliver_status"]) == ("A10", "1")


def test_lost_set_status_changes_the_order(sb: Sandbox, client: Client) -> None:
    unpaid = sb.demo_order("unpaid")
    sb.inject("order_set_status:lost#1")
    with pytest.raises(TransportError) as info:
        client.set_order_status(unpaid, LOBBY, OrderStatus.PAID)
    assert info.value.sent is True
    assert len(sb.requests_for("order_set_status")) == 1  # sent: not tried again
    assert client.get_order(unpaid, LOBBY).status == "SUCCESS"


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("device:slow", "slow needs a value"),
        ("device:slow=soon", "slow must be a number of seconds, got 'soon'"),
        ("device:slow=-5", "zero or more seconds"),
        ("dispense:slow=5", "does not apply"),
        ("order_get:lost", "lost applies to write actions only"),
        ("*:lost", "lost applies to write actions only"),
        ("dispense:lost=1", "lost takes no value"),
    ],
)
def test_bad_slow_and_lost_rules_are_refused_clearly(
    sb: Sandbox, session: requests.Session, rule: str, says: str
) -> None:
    r = session.post(
        sb.base_url + "/__sandbox/faults", headers=headers(sb), json={"rules": [rule]}, timeout=10
    )
    assert r.status_code == 400
    assert says in r.json()["message"]
    assert sb.faults.rules() == []
