"""The sandbox's HTTP face: routes, header auth, payload signing, faults, the control endpoint."""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import random
import re
import socket
import socketserver
import struct
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from console.api.signing import PayloadError, decode_payload, verify
from console.sandbox.callbacks import CallbackJob, CallbackLog, CallbackSender
from console.sandbox.clock import SandboxClock
from console.sandbox.common import DEFAULT_CREDENTIALS, Credentials, dumps, gmt8, prune
from console.sandbox.engine import Answer, Platform
from console.sandbox.faults import Fault, FaultBook, parse_fault
from console.sandbox.persist import StateSaver, load_world, new_world_id
from console.sandbox.scheduler import Scheduler
from console.sandbox.state import SandboxState, build_state

log = logging.getLogger(__name__)

API_PREFIX = "/api/openapi/v1"
CONTROL_PREFIX = "/__sandbox/"
MAX_BODY = 1 << 20

# (HTTP method, path pattern under the API prefix, action)
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern), action)
    for method, pattern, action in (
        ("POST", r"/ping", "ping"),
        ("POST", r"/rent/machines", "machines"),
        ("POST", r"/rent/machines/(?P<arg>[^/]+)", "machine"),
        ("POST", r"/products", "products"),
        ("POST", r"/products/(?P<arg>[^/]+)/pickup_code", "pickup_codes"),
        ("POST", r"/orders", "order_create"),
        ("POST", r"/orders/(?P<arg>[^/]+)", "order_get"),
        ("PUT", r"/orders/(?P<arg>[^/]+)", "order_set_status"),
        ("POST", r"/deliveries", "dispense"),
        ("POST", r"/deliveries/debug", "test_dispense"),
        ("POST", r"/deliveries/(?P<arg>[^/]+)", "delivery"),
    )
)
SIGNED_ACTIONS = frozenset(
    {
        "products",
        "order_get",
        "order_set_status",
        "dispense",
        "delivery",
        "test_dispense",
        "pickup_codes",
    }
)
PLAIN_JSON_ACTIONS = frozenset({"order_create"})

DEMO_ORDER_KINDS = ("paid", "paid_multi", "unpaid", "refund", "closed", "pickupcode", "expired")

_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class RequestLog:
    """One request the sandbox received, whatever answered it."""

    method: str
    path: str
    action: str  # "" for an unknown route
    headers: dict[str, str]
    body: bytes
    payload: dict[str, Any] | None  # the decoded signed payload, or the plain JSON body
    at: float


def route(method: str, path: str) -> tuple[str, str] | None:
    """(action, path argument) for a platform call, or None."""
    if not path.startswith(API_PREFIX + "/"):
        return None
    rest = path[len(API_PREFIX) :].rstrip("/") or "/"
    for route_method, pattern, action in ROUTES:
        match = pattern.fullmatch(rest)
        if match and route_method == method:
            return action, match.groupdict().get("arg") or ""
    return None


def envelope(answer: Answer) -> bytes:
    data = answer.data
    if answer.protobuf and answer.code == 0 and isinstance(data, dict | list):
        data = prune(data)
    return dumps({"code": answer.code, "message": answer.message, "data": data})


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        obj = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can stall.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (timeouts, injected latency) is not the sandbox's error.
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            log.debug("sandbox client %s went away: %s", client_address, exc)
            return
        log.exception("sandbox failed serving %s", client_address)

    def track(self, conn: socket.socket, add: bool) -> None:
        with self._conns_lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SandboxPlatform/1.0"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this

    @property
    def _srv(self) -> _Server:
        return cast(_Server, self.server)

    @property
    def _sb(self) -> Sandbox:
        return self._srv.sandbox

    def setup(self) -> None:
        super().setup()
        # Without TCP_NODELAY keep-alive answers stall ~40 ms (Nagle vs delayed ACK).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._srv.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._srv.track(self.connection, False)

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(
            self._sb.clock.now() if timestamp is None else timestamp, usegmt=True
        )

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    # -- plumbing ----------------------------------------------------------------

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length_text = self.headers.get("Content-Length", "0").strip() or "0"
        if not length_text.isdigit():
            return None
        length = int(length_text)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        if content_type == "application/json":
            content_type = "application/json; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self, answer: Answer) -> None:
        self._send(answer.http_status, envelope(answer))

    def _auth(self) -> Answer | None:
        creds = self._sb.credentials
        appid = (self.headers.get("Appid") or "").strip()
        secret = (self.headers.get("AppSecret") or "").strip()
        if not appid or not secret:
            return Answer(10008, "appid or appsecret is empty", {}, 401)
        if appid != creds.appid:
            return Answer(10014, "appid is invalid", {}, 401)
        if secret != creds.app_secret:
            return Answer(4009, "app secret invalid", {}, 401)
        return None

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            body = None
        if body is None:
            self.close_connection = True
            self._answer(Answer(4003, "invalid params: unreadable or too large body", {}, 413))
            return
        path = urlsplit(self.path).path
        try:
            if path.startswith(CONTROL_PREFIX):
                self._control(path, body)
            else:
                self._platform(path, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:
            log.exception("sandbox failed on %s %s", self.command, self.path)
            self.close_connection = True
            self._answer(Answer(6015, f"sandbox internal error: {type(exc).__name__}", {}, 500))

    # -- the platform --------------------------------------------------------------

    def _platform(self, path: str, body: bytes) -> None:
        sb = self._sb
        found = route(self.command, path)
        action, arg = found if found else ("", "")
        payload: dict[str, Any] | None = None
        obj = _json_object(body)
        if action in SIGNED_ACTIONS and obj is not None and isinstance(obj.get("payload"), str):
            try:
                payload = decode_payload(obj["payload"])
            except PayloadError:
                payload = None
        elif action in PLAIN_JSON_ACTIONS:
            payload = obj
        sb._log_request(
            RequestLog(
                method=self.command,
                path=self.path,
                action=action,
                headers={k: v for k, v in self.headers.items()},
                body=body,
                payload=payload,
                at=sb.clock.now(),
            )
        )
        if not found:
            self._answer(Answer(6016, "route not found", {}, 404))
            return
        delays, fault = sb.faults.take_http(action)
        for delay in delays:
            time.sleep(delay.seconds)
        if fault is not None and fault.kind != "lost":
            self._fault_answer(fault)
            return
        answer = self._platform_answer(action, arg, obj, payload)
        if fault is not None:  # lost: done as usual, the answer never leaves
            self._reset()
            return
        self._answer(answer)

    def _platform_answer(
        self, action: str, arg: str, obj: dict[str, Any] | None, payload: dict[str, Any] | None
    ) -> Answer:
        sb = self._sb
        refusal = self._auth()
        if refusal is not None:
            return refusal
        params: dict[str, Any] = {}
        if action in SIGNED_ACTIONS:
            if payload is None:
                return Answer(4003, "invalid params", {})
            if not verify(payload, sb.credentials.sign_key):
                return Answer(4006, "payload sign invalid", {})
            params = payload
        elif action in PLAIN_JSON_ACTIONS:
            if obj is None:
                return Answer(4003, "invalid params: body must be a JSON object", {})
            params = obj
        return sb.platform.handle(action, params, arg)

    def _reset(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True
        # Linger 0: closing sends RST instead of a polite FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _fault_answer(self, fault: Fault) -> None:
        kind = fault.kind
        if kind == "status":
            try:
                phrase = HTTPStatus(fault.code).phrase
            except ValueError:
                phrase = "Error"
            self._send(fault.code, phrase.encode(), "text/plain; charset=utf-8")
        elif kind == "html":
            self._send(502, _HTML_502, "text/html")
        elif kind == "malformed":
            self._send(200, b"<!-- upstream -->\ncode=0 message=ok (this is not JSON)")
        elif kind == "truncated":
            full = dumps(
                {"code": 0, "message": "ok", "data": {"note": "this answer was cut in half"}}
            )
            self._send(200, full[: len(full) // 2])
        elif kind == "empty":
            self._send(200, b"")
        elif kind == "unauthorized":
            self._answer(Answer(10014, "appid is invalid", {}, 401))
        elif kind == "code0":
            self._answer(Answer(0, "订单未支付", {}))
        elif kind == "code":
            self._answer(Answer(fault.code, f"sandbox injected error {fault.code}", {}))
        elif kind == "reset":
            self._reset()
        else:  # pragma: no cover - parse_fault only lets known kinds through
            raise AssertionError(f"unhandled fault kind {kind}")

    # -- the control endpoint --------------------------------------------------------

    def _control(self, path: str, body: bytes) -> None:
        sb = self._sb
        client = self.client_address[0]
        if not (client.startswith("127.") or client in ("::1", "::ffff:127.0.0.1")):
            self._answer(Answer(1000, "not authorized: control endpoint is loopback-only", {}, 403))
            return
        refusal = self._auth()
        if refusal is not None:
            self._answer(refusal)
            return
        what = path[len(CONTROL_PREFIX) :].rstrip("/")
        obj = _json_object(body) or {}
        method = self.command
        if what == "faults" and method == "POST":
            rules = obj.get("rules")
            if isinstance(rules, str):
                rules = [rules]
            if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
                self._answer(Answer(4003, 'invalid params: body must be {"rules": [...]}', {}, 400))
                return
            try:
                parsed = [parse_fault(r) for r in rules]
            except ValueError as exc:
                self._answer(Answer(4003, str(exc), {}, 400))
                return
            for fault in parsed:
                sb.faults.add(fault)
            self._answer(
                Answer(data={"rules": [str(f) for f in sb.faults.rules()]}, protobuf=False)
            )
        elif what == "faults" and method == "DELETE":
            sb.clear_faults()
            self._answer(Answer(data={"rules": []}, protobuf=False))
        elif what == "faults" and method == "GET":
            self._answer(
                Answer(data={"rules": [str(f) for f in sb.faults.rules()]}, protobuf=False)
            )
        elif what == "clock" and method in ("POST", "GET"):
            if method == "POST":
                seconds = obj.get("advance", 0)
                if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                    self._answer(Answer(4003, "invalid params: advance must be seconds", {}, 400))
                    return
                try:
                    sb.clock.advance(float(seconds))
                except ValueError as exc:
                    self._answer(Answer(4003, str(exc), {}, 400))
                    return
            now = sb.clock.now()
            self._answer(Answer(data={"now": now, "time": gmt8(now)}, protobuf=False))
        elif what == "state" and method == "GET":
            self._answer(Answer(data=sb.platform.summary(), protobuf=False))
        else:
            self._answer(Answer(6016, "route not found", {}, 404))


class Sandbox:
    """An embedded stand-in for the platform, served over loopback HTTP.

    ``with Sandbox(seed=1, clock=SandboxClock(frozen=True)) as sb:`` starts it;
    point a client at ``sb.base_url`` with ``sb.credentials``.

    With a ``state_file`` the world (machines, stock, orders, dispenses, pickup codes,
    id counters) is read from it at the start, written a moment after each change and
    at ``stop()``, so the next sandbox on the same file continues where this one
    stopped; ``fresh=True`` starts a new world there instead (a new ``world_id``).
    Without one, nothing is kept: every sandbox is a new world.
    """

    def __init__(
        self,
        seed: int = 1,
        clock: SandboxClock | None = None,
        credentials: Credentials | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        device_cycle_s: float = 1.0,
        *,
        state_file: Path | str | None = None,
        fresh: bool = False,
    ) -> None:
        self.seed = seed
        self.state_file = Path(state_file) if state_file is not None else None
        loaded = load_world(self.state_file) if self.state_file and not fresh else None
        self.continued = loaded is not None  # this world was read back from its file
        if clock is None:
            # A world whose clock was moved ahead keeps its time: it never runs backwards.
            ahead = loaded is not None and loaded.saved_at > time.time()
            clock = SandboxClock(start=loaded.saved_at) if ahead and loaded else SandboxClock()
        self.clock = clock
        self.credentials = credentials if credentials is not None else DEFAULT_CREDENTIALS
        self.host = host
        self.port = port
        self.device_cycle_s = device_cycle_s
        self.faults = FaultBook()
        if loaded is not None:
            self.state: SandboxState = loaded.state
        else:
            self.state = build_state(random.Random(seed), self.clock.now())
            self.state.world_id = new_world_id()
        self._scheduler = Scheduler(self.clock)
        self._sender = CallbackSender(self.clock, self._on_sent)
        self.platform = Platform(
            self.state, self.clock, self._scheduler, self._sender, self.faults, device_cycle_s
        )
        self._saver: StateSaver | None = None
        if self.state_file is not None:
            self._saver = StateSaver(self.state_file, self.state, self.clock.now)
            self.platform.on_change = self._saver.changed
        self._requests: list[RequestLog] = []
        self._requests_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    def _on_sent(self, job: CallbackJob, status: int | None, error: str) -> None:
        self.platform.on_sent(job, status, error)

    # -- life cycle --------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._stopped:
            raise RuntimeError("a stopped sandbox cannot be started again")
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), self)
        self._server = server
        self.port = int(server.server_address[1])
        if self._saver is not None:
            self._saver.save_now()  # a fresh world is kept from the start (its id with it)
            self._saver.start()
        self._scheduler.start()
        self._sender.start()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-http-{self.port}",
            daemon=True,
        )
        self._thread.start()
        log.info("sandbox platform serving on %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        server = self._server
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._scheduler.stop()
        self._sender.stop()
        if self._saver is not None:
            self._saver.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started: call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def world_id(self) -> str:
        """This world's identity: the same after a restart on its state file, new on reset."""
        return self.state.world_id

    def readdress_callbacks(self, notify_url: str) -> int:
        """Send the callbacks of this world's orders to ``notify_url`` from now on.

        For the console's own (embedded) sandbox only: its callback receiver listens on
        a new address at every start, while the orders of a kept world still carry the
        address of the run that created them. Orders without a ``notify_url`` keep none.
        Returns how many orders were readdressed.
        """
        count = 0
        with self.state.lock:
            for order in self.state.orders.values():
                if order.notify_url and order.notify_url != notify_url:
                    order.notify_url = notify_url
                    count += 1
        if count:
            self.platform.on_change()
        return count

    # -- faults ------------------------------------------------------------------

    def inject(self, rule: str | Fault) -> Fault:
        """Add a fault rule (``ACTION:KIND[=ARG][#COUNT]``); returns it."""
        fault = parse_fault(rule) if isinstance(rule, str) else rule
        return self.faults.add(fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- what happened -------------------------------------------------------------

    def _log_request(self, entry: RequestLog) -> None:
        with self._requests_lock:
            self._requests.append(entry)

    @property
    def requests(self) -> list[RequestLog]:
        with self._requests_lock:
            return list(self._requests)

    def requests_for(self, action: str) -> list[RequestLog]:
        return [r for r in self.requests if r.action == action]

    @property
    def callbacks_sent(self) -> list[CallbackLog]:
        return self._sender.logs

    def pending_events(self) -> list[tuple[float, str]]:
        """(due time, name) of scheduled events, soonest first."""
        return self._scheduler.pending()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing due by the clock's current time is still to run or send."""
        deadline = time.monotonic() + timeout
        while True:
            if not self._scheduler.busy() and not self._sender.busy():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    # -- demo data -------------------------------------------------------------------

    def demo_order(self, kind: str) -> int:
        """The id of a seeded order: paid, paid_multi, unpaid, refund, closed, pickupcode, expired."""
        try:
            return self.state.demo_orders[kind]
        except KeyError:
            raise KeyError(
                f"unknown demo order kind {kind!r}; use one of {', '.join(DEMO_ORDER_KINDS)}"
            ) from None


__all__ = ["RequestLog", "Sandbox", "route"]
