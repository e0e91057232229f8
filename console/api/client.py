"""HTTP client of the platform's Open API (platform-api.md section 3).

One method per call. Every call carries the ``Appid``/``AppSecret`` headers,
connect and read timeouts, and TLS verification (``http://`` is accepted only
for loopback hosts: the sandbox and local test servers). Success is ``code 0``
**and** ``message "ok"``; everything else raises ``PlatformRefused`` or
``TransportError``.

Retries: only reading calls are retried (at most 3 tries, with backoff, on
connection errors and 502/503/504). Dispense, test-dispense and order create
are never retried: a retried dispense can drop two items. Set-status is retried
only when the connection failed before the request left this computer.
"""

from __future__ import annotations

import enum
import ipaddress
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from console.api.errors import Cancelled, ConfigError, PlatformRefused, TransportError
from console.api.masking import curl_command, mask_headers, mask_obj, mask_text
from console.api.signing import decode_payload, dumps_compact, encode_payload
from console.core.errors import (
    CANCELLED_BEFORE_RETRY,
    CANCELLED_BEFORE_SENT,
    CONNECT_TIMED_OUT,
    CONNECTION_LOST,
    COULD_NOT_CONNECT,
    EMPTY_ANSWER,
    HOST_NOT_FOUND,
    NOT_ENVELOPE,
    NOT_JSON,
    READ_TIMED_OUT,
    TLS_FAILED,
    transport_detail_text,
)
from console.core.models import (
    Delivery,
    Machine,
    MachineDetail,
    Order,
    PickupCode,
    Product,
    ProductPage,
)
from console.core.rules import BadInput, check_id, check_machine_no
from console.core.status import OrderStatus
from console.core.texts import Text

API_PREFIX = "/api/openapi/v1"
DELIVERY_METHOD = "device.delivery.put"
EXCERPT_CHARS = 200
MAX_TRIES = 3
RETRY_STATUSES = frozenset({502, 503, 504})


class Retry(enum.Enum):
    READ = "read"  # connection errors and 502/503/504, up to MAX_TRIES
    UNSENT_ONLY = "unsent_only"  # only when the request never left (set-status)
    NEVER = "never"  # dispense, test-dispense, order create


@dataclass(frozen=True)
class Call:
    """One platform call, before it is signed and sent."""

    action: str
    method: str
    path: str  # below API_PREFIX, e.g. "/orders/60"
    retry: Retry
    signed: Mapping[str, Any] | None = None  # params to sign into {"payload": ...}
    json_body: Mapping[str, Any] | None = None  # plain JSON body (order create)
    machine_no: str = ""
    order_id: int | None = None


@dataclass(frozen=True)
class Prepared:
    """A call ready for the wire: what is sent, byte for byte."""

    call: Call
    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    payload: dict[str, Any] | None  # the signed object inside "payload", decoded


@dataclass
class Exchange:
    """One attempt of a call, with secrets masked: what the log pane shows."""

    action: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    payload: dict[str, Any] | None
    attempt: int
    started_at: float
    machine_no: str = ""
    order_id: int | None = None
    http_status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_text: str = ""
    envelope: dict[str, Any] | None = None
    duration_s: float = 0.0
    error: str = ""
    # ``error`` as a message id (its raw values masked like it), for the log to word.
    error_text: Text | None = None
    curl: str = ""

    @property
    def ok(self) -> bool:
        env = self.envelope
        return env is not None and env.get("code") == 0 and env.get("message") == "ok"


Observer = Callable[[Exchange], None]


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(base_url: str) -> str:
    """Check and tidy a profile's base URL. Raises ``ConfigError``."""
    url = (base_url or "").strip().rstrip("/")
    if url.endswith(API_PREFIX):
        url = url[: -len(API_PREFIX)]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base URL {base_url!r} must look like https://host[:port]")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"base URL {base_url!r} uses plain http: only https is allowed "
            "(http only for this computer's own sandbox, e.g. http://127.0.0.1:PORT)"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"base URL {base_url!r} must not carry a query or fragment")
    return url


def _machine(machine_no: str) -> str:
    return check_machine_no(machine_no).value


# Builders: a Call for each operation, so the CLI can show (--dry-run) exactly
# what a method would send.


def call_ping() -> Call:
    return Call("ping", "POST", "/ping", Retry.READ)


def call_machines() -> Call:
    return Call("machines", "POST", "/rent/machines", Retry.READ)


def call_machine(machine_no: str) -> Call:
    no = _machine(machine_no)
    return Call("machine", "POST", f"/rent/machines/{no}", Retry.READ, machine_no=no)


def call_products(
    machine_no: str,
    page: int = 1,
    per_page: int = 50,
    *,
    category_id: int | None = None,
    cabinet_name: str | None = None,
    addr: str | None = None,
    select_all: bool | None = None,
) -> Call:
    no = _machine(machine_no)
    params: dict[str, Any] = {"machine_no": no, "page": page, "per_page": per_page}
    if category_id:
        params["category_id"] = category_id
    if cabinet_name:
        params["cabinet_name"] = cabinet_name
    if addr:
        params["addr"] = addr
    if select_all is not None:
        params["select_all"] = 1 if select_all else 0
    return Call("products", "POST", "/products", Retry.READ, signed=params, machine_no=no)


def call_order_create(
    machine_no: str,
    notify_url: str,
    trade_id: str,
    products: list[tuple[int, int]],
) -> Call:
    no = _machine(machine_no)
    body = {
        "machine_no": no,
        "notify_url": notify_url,
        "trade_id": trade_id,
        "products": [{"product_id": p, "quantity": q} for p, q in products],
    }
    return Call("order_create", "POST", "/orders", Retry.NEVER, json_body=body, machine_no=no)


def call_order_get(order_id: int | str, machine_no: str) -> Call:
    oid = check_id(order_id, "order id")
    no = _machine(machine_no)
    return Call(
        "order_get",
        "POST",
        f"/orders/{oid}",
        Retry.READ,
        signed={"machine_no": no},
        machine_no=no,
        order_id=oid,
    )


def call_set_status(order_id: int | str, machine_no: str, status: OrderStatus | int) -> Call:
    oid = check_id(order_id, "order id")
    no = _machine(machine_no)
    st = OrderStatus(int(status))
    # Exactly the seed's shape: machine_no string, status integer, timestamp string, sign.
    return Call(
        "order_set_status",
        "PUT",
        f"/orders/{oid}",
        Retry.UNSENT_ONLY,
        signed={"machine_no": no, "status": int(st)},
        machine_no=no,
        order_id=oid,
    )


def call_dispense(machine_no: str, order_id: int | str, record_id: int | str) -> Call:
    no = _machine(machine_no)
    oid = check_id(order_id, "order id")
    rid = check_id(record_id, "record id")
    params = {
        "machine_no": no,
        "method": DELIVERY_METHOD,
        "order_id": str(oid),
        "record_id": str(rid),
    }
    return Call(
        "dispense", "POST", "/deliveries", Retry.NEVER, signed=params, machine_no=no, order_id=oid
    )


def call_delivery(delivery_id: int | str, machine_no: str) -> Call:
    did = check_id(delivery_id, "delivery id")
    no = _machine(machine_no)
    return Call(
        "delivery",
        "POST",
        f"/deliveries/{did}",
        Retry.READ,
        signed={"machine_no": no},
        machine_no=no,
    )


def call_test_dispense(machine_no: str, channel_name: str, notify_url: str) -> Call:
    no = _machine(machine_no)
    slot = (channel_name or "").strip().upper()
    if not slot:
        raise ValueError("slot name is empty (e.g. A20)")
    params = {
        "machine_no": no,
        "method": DELIVERY_METHOD,
        "channel_name": slot,
        "notify_url": notify_url,
    }
    return Call(
        "test_dispense", "POST", "/deliveries/debug", Retry.NEVER, signed=params, machine_no=no
    )


def call_pickup_codes(product_id: int | str, machine_no: str) -> Call:
    pid = check_id(product_id, "product id")
    no = _machine(machine_no)
    return Call(
        "pickup_codes",
        "POST",
        f"/products/{pid}/pickup_code",
        Retry.READ,
        signed={"machine_no": no},
        machine_no=no,
    )


def _excerpt(body: bytes) -> str:
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return text[:EXCERPT_CHARS]


def parse_envelope(http_status: int, body: bytes) -> dict[str, Any]:
    """The envelope as a dict, whatever the HTTP status. Raises ``TransportError``.

    A body that is not a JSON envelope (proxy error page, HTML, empty,
    truncated) becomes a transport error carrying the HTTP status and excerpt.
    """
    try:
        obj = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8/JSON, >4300-digit ints, deep nesting
        what = transport_detail_text(EMPTY_ANSWER if not body.strip() else NOT_JSON)
        raise TransportError(
            "non_json", what, http_status=http_status, excerpt=_excerpt(body)
        ) from None
    if not isinstance(obj, dict) or "code" not in obj:
        raise TransportError(
            "bad_envelope",
            transport_detail_text(NOT_ENVELOPE),
            http_status=http_status,
            excerpt=_excerpt(body),
        )
    return obj


def envelope_data(http_status: int, env: Mapping[str, Any]) -> Any:
    """``data`` of a successful envelope; ``PlatformRefused`` for anything else."""
    raw_code: Any = env.get("code")
    code = -1
    if isinstance(raw_code, int | str) and not isinstance(raw_code, bool):
        try:
            code = int(raw_code)
        except ValueError:
            code = -1
    code = code if -(2**63) <= code < 2**63 else -1  # must fit the journal's INTEGER column
    message = env.get("message")
    message = message if isinstance(message, str) else ("" if message is None else str(message))
    if code == 0 and message == "ok":
        return env.get("data")
    raise PlatformRefused(code, message, http_status, env.get("data"))


class Client:
    """A platform client for one profile. Thread-safe: one Session per thread."""

    def __init__(
        self,
        base_url: str,
        appid: str,
        app_secret: str,
        sign_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        observer: Observer | None = None,
        now: Callable[[], float] = time.time,
        backoff_s: float = 0.25,
        extra_secrets: tuple[str, ...] = (),
        cancel: threading.Event | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.appid = appid
        self._app_secret = app_secret
        self._sign_key = sign_key
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.observer = observer
        self.now = now
        self.backoff_s = backoff_s
        self.cancel = cancel
        self._secrets = tuple(s for s in (app_secret, sign_key, *extra_secrets) if s)
        self._local = threading.local()

    def __repr__(self) -> str:  # never show secrets, even in a traceback
        return f"Client(base_url={self.base_url!r}, appid={self.appid!r})"

    # -- plumbing ---------------------------------------------------------------

    @property
    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def _session(self) -> requests.Session:
        s: requests.Session | None = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.verify = True
            # No proxies or .netrc from the environment: secrets go to the platform only.
            s.trust_env = False
            self._local.session = s
        return s

    def close(self) -> None:
        s: requests.Session | None = getattr(self._local, "session", None)
        if s is not None:
            s.close()
            self._local.session = None

    def prepare(self, call: Call) -> Prepared:
        """Sign and serialise ``call`` exactly as it would be sent."""
        headers = {
            "Appid": self.appid,
            "AppSecret": self._app_secret,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        payload: dict[str, Any] | None = None
        body: str | None = None
        if call.signed is not None:
            text = encode_payload(call.signed, self._sign_key, now=self.now)
            payload = decode_payload(text)
            body = dumps_compact({"payload": text})
        elif call.json_body is not None:
            body = dumps_compact(call.json_body)
        return Prepared(
            call, call.method, self.base_url + API_PREFIX + call.path, headers, body, payload
        )

    def masked(self, text: str) -> str:
        return mask_text(text, self._secrets)

    def curl(self, prepared: Prepared) -> str:
        """The request as a curl command, secrets masked."""
        return curl_command(
            prepared.method,
            self.masked(prepared.url),
            mask_headers(prepared.headers, self._secrets),
            None if prepared.body is None else self.masked(prepared.body),
        )

    def _exchange(self, prepared: Prepared, attempt: int) -> Exchange:
        call = prepared.call
        return Exchange(
            action=call.action,
            method=prepared.method,
            url=self.masked(prepared.url),
            request_headers=mask_headers(prepared.headers, self._secrets),
            request_body=None if prepared.body is None else self.masked(prepared.body),
            payload=mask_obj(prepared.payload, self._secrets) if prepared.payload else None,
            attempt=attempt,
            started_at=time.time(),
            machine_no=call.machine_no,
            order_id=call.order_id,
            curl=self.curl(prepared),
        )

    def _notify(self, ex: Exchange) -> None:
        if self.observer is not None:
            self.observer(ex)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled(CANCELLED_BEFORE_SENT)

    def run(self, call: Call) -> Any:
        """Send ``call`` under its retry policy and return the envelope's ``data``."""
        last: Exception | None = None
        for attempt in range(1, MAX_TRIES + 1):
            self._check_cancel()
            prepared = self.prepare(call)  # re-signed per try: fresh timestamp
            try:
                status, body, env = self._send_once(prepared, attempt)
            except TransportError as exc:
                last = exc
                if attempt < MAX_TRIES and self._may_retry(call.retry, exc):
                    self._sleep_backoff(attempt)
                    continue
                raise
            if call.retry is Retry.READ and status in RETRY_STATUSES and attempt < MAX_TRIES:
                self._sleep_backoff(attempt)
                continue
            if env is None:
                env = parse_envelope(status, body)  # raises the transport error
            return envelope_data(status, env)
        assert last is not None  # the loop always returns or raises before this
        raise last

    @staticmethod
    def _may_retry(policy: Retry, exc: TransportError) -> bool:
        if policy is Retry.READ:
            return exc.kind in ("connect", "timeout_connect", "connection_lost")
        if policy is Retry.UNSENT_ONLY:
            return not exc.sent
        return False

    def _sleep_backoff(self, attempt: int) -> None:
        delay = self.backoff_s * (2 ** (attempt - 1))
        if self.cancel is not None:
            if self.cancel.wait(delay):
                raise Cancelled(CANCELLED_BEFORE_RETRY)
        else:
            time.sleep(delay)

    def _send_once(
        self, prepared: Prepared, attempt: int
    ) -> tuple[int, bytes, dict[str, Any] | None]:
        ex = self._exchange(prepared, attempt)
        t0 = time.perf_counter()
        try:
            resp = self._session().request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                data=None if prepared.body is None else prepared.body.encode("utf-8"),
                timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            err = _transport_error(exc)
            ex.duration_s = time.perf_counter() - t0
            ex.error = self.masked(err.describe())
            ex.error_text = err.describe_text().map_values(self.masked)
            self._notify(ex)
            raise err from None
        body = resp.content
        ex.duration_s = time.perf_counter() - t0
        ex.http_status = resp.status_code
        ex.response_headers = dict(resp.headers)
        ex.response_text = self.masked(body[:65536].decode("utf-8", errors="replace"))
        try:
            env = parse_envelope(resp.status_code, body)
        except TransportError as err:
            ex.error = self.masked(err.describe())
            ex.error_text = err.describe_text().map_values(self.masked)
            self._notify(ex)
            if resp.status_code in RETRY_STATUSES and prepared.call.retry is Retry.READ:
                return resp.status_code, body, None
            raise
        ex.envelope = mask_obj(env, self._secrets)
        if not ex.ok:
            ex.error = f"code {env.get('code')!r}, message {env.get('message')!r}"
        self._notify(ex)
        return resp.status_code, body, env

    # -- the calls ------------------------------------------------------------

    def ping(self) -> str:
        data = self.run(call_ping())
        return "" if data is None else str(data)

    def machines(self) -> list[Machine]:
        data = self.run(call_machines())
        return [Machine.from_data(m) for m in _as_list(data) if isinstance(m, Mapping)]

    def machine(self, machine_no: str) -> MachineDetail:
        call = call_machine(machine_no)
        return MachineDetail.from_data(call.machine_no, _as_map(self.run(call)))

    def products(
        self, machine_no: str, page: int = 1, per_page: int = 50, **filters: Any
    ) -> ProductPage:
        return ProductPage.from_data(
            _as_map(self.run(call_products(machine_no, page, per_page, **filters)))
        )

    def all_products(self, machine_no: str, per_page: int = 50, **filters: Any) -> list[Product]:
        """Every slot of a machine, across all pages."""
        out: list[Product] = []
        page = 1
        while True:
            p = self.products(machine_no, page, per_page, **filters)
            out.extend(p.products)
            if not p.products or page >= max(p.last_page, 1) or page >= 1000:
                return out
            page += 1

    def create_order(
        self, machine_no: str, notify_url: str, trade_id: str, products: list[tuple[int, int]]
    ) -> int:
        data = _as_map(self.run(call_order_create(machine_no, notify_url, trade_id, products)))
        oid = data.get("order_id")
        try:
            return check_id(oid if isinstance(oid, int | str) and not isinstance(oid, bool) else "")
        except BadInput:
            raise TransportError(
                "bad_envelope",
                "order created but the answer carries no usable order_id",
                excerpt=_excerpt(str(data).encode()),
            ) from None

    def get_order(self, order_id: int | str, machine_no: str) -> Order:
        call = call_order_get(order_id, machine_no)
        assert call.order_id is not None
        return Order.from_data(call.order_id, _as_map(self.run(call)))

    def set_order_status(
        self, order_id: int | str, machine_no: str, status: OrderStatus | int
    ) -> None:
        self.run(call_set_status(order_id, machine_no, status))

    def dispense(self, machine_no: str, order_id: int | str, record_id: int | str) -> Delivery:
        return Delivery.from_data(_as_map(self.run(call_dispense(machine_no, order_id, record_id))))

    def get_delivery(self, delivery_id: int | str, machine_no: str) -> Delivery:
        did = check_id(delivery_id, "delivery id")
        return Delivery.from_data(_as_map(self.run(call_delivery(did, machine_no))), did)

    def test_dispense(self, machine_no: str, channel_name: str, notify_url: str) -> Delivery:
        return Delivery.from_data(
            _as_map(self.run(call_test_dispense(machine_no, channel_name, notify_url)))
        )

    def pickup_codes(self, product_id: int | str, machine_no: str) -> list[PickupCode]:
        data = self.run(call_pickup_codes(product_id, machine_no))
        return [PickupCode.from_data(c) for c in _as_list(data) if isinstance(c, Mapping)]


def _as_map(data: Any) -> Mapping[str, Any]:
    return data if isinstance(data, Mapping) else {}


def _as_list(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and isinstance(data.get("data"), list):
        return list(data["data"])
    return []


def _transport_error(exc: requests.exceptions.RequestException) -> TransportError:
    """Classify a requests failure, and whether the request may have been sent."""
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportError("tls", transport_detail_text(TLS_FAILED, str(exc)), sent=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportError(
            "timeout_connect", transport_detail_text(CONNECT_TIMED_OUT), sent=False
        )
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportError("timeout", transport_detail_text(READ_TIMED_OUT), sent=True)
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        if isinstance(inner, urllib3.exceptions.NewConnectionError | ConnectionRefusedError):
            return TransportError(
                "connect", transport_detail_text(COULD_NOT_CONNECT, _short(inner)), sent=False
            )
        if isinstance(inner, urllib3.exceptions.NameResolutionError):
            return TransportError(
                "connect", transport_detail_text(HOST_NOT_FOUND, _short(inner)), sent=False
            )
        return TransportError(
            "connection_lost", transport_detail_text(CONNECTION_LOST, _short(exc)), sent=True
        )
    return TransportError("http", _short(exc), sent=True)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"
