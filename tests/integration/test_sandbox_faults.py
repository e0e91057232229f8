"""Injected faults on the sandbox platform: every kind, observed over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from console.api.signing import encode_payload
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
