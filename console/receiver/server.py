"""The notify_url receiver: a small HTTP server that journals every callback.

Stdlib ``ThreadingHTTPServer`` on its own thread, one daemon thread per
connection, HTTP/1.1 keep-alive with ``TCP_NODELAY`` (measured: ~4,300
requests/s; without ``TCP_NODELAY`` keep-alive collapses to ~23/s because of
Nagle against delayed ACK).

Only ``POST /notify/<token>`` is served. Callbacks carry no signature, so the
unguessable token in the path is what keeps strangers out; it is compared in
constant time and never written to a log (``/notify/****``).

A callback is answered 200 only after the journal committed it; if the
journal cannot write it the answer is 500 so the platform may retry.
"""

from __future__ import annotations

import contextlib
import email.utils
import hmac
import json
import logging
import queue
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from console.core.callback import Callback, CallbackError, parse_callback
from console.journal import CROSS_CHECK_VERDICTS, CallbackArrival, CallbackRow, Journal
from console.receiver.groupcommit import GroupCommit

log = logging.getLogger(__name__)

NOTIFY_PREFIX = "/notify/"
REPLAY_HEADER = "X-Vending-Console-Replay"
MAX_BODY = 64 * 1024
CROSS_CHECK_QUEUE = 1000
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")
_NOTIFY_RE = re.compile(r"/notify/[^\s/?#\"'<>]+")

CrossCheck = Callable[[Callback], tuple[str, str]]
OnCallback = Callable[[CallbackRow], None]
OnCrossChecked = Callable[[int, str, str], None]


def new_token() -> str:
    """A fresh notify-URL token: 24 random bytes (192 bits), URL-safe text."""
    return secrets.token_urlsafe(24)


def mask_url(text: str) -> str:
    """Hide notify tokens in any text (URLs, request lines): ``/notify/****``."""
    return _NOTIFY_RE.sub("/notify/****", text)


class Receiver:
    """Receives dispense-result callbacks on ``url`` and journals them.

    ``on_callback(row)`` is called once per request that was journalled
    (including malformed bodies, ``row.outcome == "malformed"``), after the
    answer was sent, **on that request's handler thread** — a GUI must marshal
    it to its own thread. ``cross_check(callback)`` runs on the receiver's
    single cross-check thread for each new result (not for repeats, replays or
    malformed bodies); its ``(verdict, detail)`` is stored with
    ``Journal.set_cross_check`` and then passed to ``on_cross_checked(id,
    verdict, detail)`` on that same thread. Exceptions from these callables
    are logged, never raised.
    """

    def __init__(
        self,
        journal: Journal,
        token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        on_callback: OnCallback | None = None,
        cross_check: CrossCheck | None = None,
        on_cross_checked: OnCrossChecked | None = None,
        read_timeout_s: float = 5.0,
        max_body: int = MAX_BODY,
    ) -> None:
        if not _TOKEN_RE.fullmatch(token or ""):
            raise ValueError(
                "the notify token must be at least 16 URL-safe characters "
                "(letters, digits, '-', '_'); use new_token()"
            )
        self.journal = journal
        self.host = host
        self.read_timeout_s = float(read_timeout_s)
        self.max_body = int(max_body)
        self._token = token.encode("ascii")
        self._requested_port = port
        self._on_callback = on_callback
        self._cross_check = cross_check
        self._on_cross_checked = on_cross_checked
        self._commits = GroupCommit(journal)
        self._state = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._queue: queue.Queue[tuple[CallbackRow, Callback] | None] = queue.Queue(
            CROSS_CHECK_QUEUE
        )
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._port = 0

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> Receiver:
        """Bind and serve on a daemon thread; returns self. Raises ``OSError`` if
        the address cannot be bound."""
        with self._state:
            if self._server is not None:
                return self
            if self._stopping.is_set():
                raise RuntimeError("a stopped receiver cannot be started again")
            server = _Server((self.host, self._requested_port), self)
            self._port = int(server.server_address[1])
            self._server = server
            self._commits.start()
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="receiver",
                daemon=True,
            )
            self._thread.start()
            if self._cross_check is not None:
                self._worker = threading.Thread(
                    target=self._cross_check_loop, name="receiver-cross-check", daemon=True
                )
                self._worker.start()
        log.info("receiver listening on %s", self.masked_url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and the cross-check thread (idempotent).

        Cross-checks still queued are dropped (their callbacks stay "unchecked").
        """
        with self._state:
            server, self._server = self._server, None
            thread, self._thread = self._thread, None
            worker, self._worker = self._worker, None
            if server is None:
                return
            self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(10)
        self._commits.stop()
        if worker is not None:
            self._wake_worker()
            worker.join(10)
        log.info("receiver stopped")

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the receiver has not been started")
        return self._port

    @property
    def url(self) -> str:
        """The notify URL to give the platform (contains the secret token)."""
        return self._base_url() + NOTIFY_PREFIX + self._token.decode("ascii")

    @property
    def masked_url(self) -> str:
        """The notify URL for logs and screens: ``.../notify/****``."""
        return self._base_url() + NOTIFY_PREFIX + "****"

    def _base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- request handling (called on handler threads) -------------------------------

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._conn_lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _is_notify_path(self, raw_path: str) -> bool:
        path = raw_path.split("?", 1)[0]
        if not path.startswith(NOTIFY_PREFIX):
            return False
        candidate = path[len(NOTIFY_PREFIX) :].encode("utf-8", "replace")
        return hmac.compare_digest(candidate, self._token)

    def _precheck(self, h: _Handler) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Path, method and length checks before any body is read."""
        if not self._is_notify_path(h.path):
            return 404, {"ok": False, "error": "not found"}, {}
        if h.command != "POST":
            return 405, {"ok": False, "error": "use POST"}, {"Allow": "POST"}
        if h.headers.get("Transfer-Encoding") is not None:
            # Chunked bodies have no length to check up front: not accepted.
            return 413, {"ok": False, "error": "send a Content-Length, not chunks"}, {}
        length = h.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            return 413, {"ok": False, "error": "a Content-Length is required"}, {}
        if int(length) > self.max_body:
            return 413, {"ok": False, "error": f"body over {self.max_body} bytes"}, {}
        return None

    def _handle(self, h: _Handler) -> None:
        problem = self._precheck(h)
        if problem is not None:
            status, payload, headers = problem
            # The body (if any) is left unread: close rather than misparse it.
            h.reply(status, payload, headers, close=True)
            return
        length = int(h.headers.get("Content-Length", "0").strip())
        try:
            body = h.rfile.read(length) if length else b""
        except (TimeoutError, OSError) as exc:
            log.info("callback body not received (%s); connection closed", type(exc).__name__)
            h.close_connection = True
            return
        if len(body) < length:
            h.close_connection = True
            return
        remote = f"{h.client_address[0]}:{h.client_address[1]}"
        content_type = h.headers.get("Content-Type", "")
        replay_of = _replay_id(h.headers.get(REPLAY_HEADER))

        cb: Callback | None = None
        try:
            cb = parse_callback(body, content_type)
        except CallbackError as exc:
            reason = str(exc)
            try:
                row = self.journal.record_bad_callback(
                    body, reason, remote, content_type=content_type
                )
            except Exception:
                log.exception("could not journal a malformed callback")
                h.reply(500, {"ok": False, "error": "journal write failed"})
                return
            log.warning("malformed callback #%s from %s: %s", row.id, remote, reason)
            h.reply(400, {"ok": False, "error": reason})
        else:
            try:
                row = self._commits.record(CallbackArrival(cb, remote, replay_of, content_type))
            except Exception:
                log.exception("could not journal a callback; answered 500 so it may be re-sent")
                h.reply(500, {"ok": False, "error": "journal write failed"})
                return
            h.reply(200, _OK)
            log.info("callback #%s from %s: %s", row.id, remote, row.summary)
            if self._cross_check is not None and row.counts:
                self._enqueue(row, cb)
        if self._on_callback is not None:
            try:
                self._on_callback(row)
            except Exception:
                log.exception("on_callback failed for callback #%s", row.id)

    # -- cross-check worker -------------------------------------------------------

    def _enqueue(self, row: CallbackRow, cb: Callback) -> None:
        try:
            self._queue.put_nowait((row, cb))
        except queue.Full:
            log.warning("cross-check queue full: callback #%s left unchecked", row.id)

    def _wake_worker(self) -> None:
        while True:
            try:
                self._queue.put_nowait(None)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def _cross_check_loop(self) -> None:
        check = self._cross_check
        assert check is not None
        while not self._stopping.is_set():
            item = self._queue.get()
            if item is None or self._stopping.is_set():
                return
            row, cb = item
            try:
                verdict, detail = check(cb)
                if verdict not in CROSS_CHECK_VERDICTS:
                    detail = f"cross-check gave unknown verdict {verdict!r}: {detail}"
                    verdict = "error"
            except Exception as exc:
                log.exception("cross-check failed for callback #%s", row.id)
                verdict, detail = "error", f"cross-check failed: {type(exc).__name__}: {exc}"
            try:
                self.journal.set_cross_check(row.id, verdict, str(detail))
            except Exception:
                log.exception("could not store the cross-check of callback #%s", row.id)
                continue
            if self._on_cross_checked is not None:
                try:
                    self._on_cross_checked(row.id, verdict, str(detail))
                except Exception:
                    log.exception("on_cross_checked failed for callback #%s", row.id)


_OK: dict[str, Any] = {"ok": True}
_OK_BODY = json.dumps(_OK).encode("utf-8")
_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header's text, made once per second (formatting it costs more than
    the rest of the answer)."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _replay_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit() and 0 < len(text) <= 18:
        return int(text)
    log.warning("ignored a malformed %s header", REPLAY_HEADER)
    return None


_MAX_LINE = 65536  # as http.client: a longer header line is a 431
_MAX_HEADERS = 100


class _HeaderError(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Headers:
    """Request headers by lower-cased name; ``get`` is case-insensitive, as on
    ``email.message.Message`` (repeated headers are joined with ", ")."""

    __slots__ = ("_map",)

    def __init__(self, fields: dict[str, str]) -> None:
        self._map = fields

    def get(self, name: str, default: Any = None) -> Any:
        return self._map.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def items(self) -> list[tuple[str, str]]:
        return list(self._map.items())


def _read_headers(rfile: Any) -> _Headers:
    fields: dict[str, str] = {}
    for _ in range(_MAX_HEADERS + 1):
        line: bytes = rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise _HeaderError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
        if line in (b"\r\n", b"\n", b""):
            return _Headers(fields)
        if line[:1] in (b" ", b"\t"):
            raise _HeaderError(HTTPStatus.BAD_REQUEST, "Folded header lines are not accepted")
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise _HeaderError(HTTPStatus.BAD_REQUEST, "Bad header line")
        key = name.decode("iso-8859-1").lower()
        text = value.strip().decode("iso-8859-1")
        old = fields.get(key)
        if old is not None:
            if key == "content-length" and old != text:
                raise _HeaderError(HTTPStatus.BAD_REQUEST, "Conflicting Content-Length headers")
            text = old if key == "content-length" else f"{old}, {text}"
        fields[key] = text
    raise _HeaderError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")


def _http_version(text: str) -> tuple[int, int] | None:
    """``HTTP/1.1`` → (1, 1); None when it is not an HTTP version."""
    if not text.startswith("HTTP/"):
        return None
    major, dot, minor = text[5:].partition(".")
    digits = major.isascii() and major.isdigit() and minor.isascii() and minor.isdigit()
    if not dot or not digits or len(major) > 10 or len(minor) > 10:
        return None
    return int(major), int(minor)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], receiver: Receiver) -> None:
        self.receiver = receiver
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        # The handler's socket timeout: a client that stops sending (slow-loris,
        # idle keep-alive) is dropped after it, without holding anyone else up.
        handler = type("_TimedHandler", (_Handler,), {"timeout": receiver.read_timeout_s})
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("receiver connection error", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = (
        "HTTP/1.0"  # stdlib default 0.9 answers bad request lines with no status line
    )
    disable_nagle_algorithm = True
    server_version = "VendingConsoleReceiver/1"
    sys_version = ""
    raw_requestline: bytes  # set by handle_one_request before parse_request

    @property
    def receiver(self) -> Receiver:
        return cast(_Server, self.server).receiver

    def parse_request(self) -> bool:
        """The request line and headers, as ``BaseHTTPRequestHandler.parse_request``
        reads them but without the ``email`` package (about 40 µs a request, a
        quarter of the stdlib server's time per callback), and stricter: a header
        line without a name or colon, a folded line, or two different
        ``Content-Length`` values is a 400.
        """
        self.command = None  # type: ignore[assignment]  # as the stdlib does, until known
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            number = _http_version(version)
            if number is None:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if number >= (2, 0):
                self.send_error(
                    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({version})"
                )
                return False
            if number >= (1, 1):
                self.close_connection = False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        try:
            headers = _read_headers(self.rfile)
        except _HeaderError as exc:
            self.send_error(exc.status, exc.message)
            return False
        self.headers = cast(Any, headers)
        conntype = headers.get("connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        expect = headers.get("expect", "").lower()
        if expect == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def setup(self) -> None:
        super().setup()
        self.receiver._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.receiver._track(self.connection, False)

    def handle_expect_100(self) -> bool:
        problem = self.receiver._precheck(self)
        if problem is not None:
            status, payload, headers = problem
            self.reply(status, payload, headers, close=True)
            return False
        return super().handle_expect_100()

    def do_POST(self) -> None:
        self.receiver._handle(self)

    def _not_post(self) -> None:
        problem = self.receiver._precheck(self)
        status, payload, headers = problem or (405, {"ok": False}, {"Allow": "POST"})
        self.reply(status, payload, headers, close=True)

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_post

    def reply(
        self,
        status: int,
        payload: dict[str, Any],
        headers: dict[str, str] | None = None,
        *,
        close: bool = False,
    ) -> None:
        """Send the whole answer (status line, headers, JSON body) in one write.

        One ``sendall`` per answer, not the two of ``send_response`` +
        ``end_headers`` + ``wfile.write``: each socket write gives up the GIL,
        and under a burst every hand-back costs a wait behind the other threads.
        """
        body = _OK_BODY if payload is _OK else json.dumps(payload).encode("utf-8")
        lines = [
            f"{self.protocol_version} {status} {_reason(status)}",
            f"Server: {self.server_version}",
            f"Date: {_http_date()}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        if self.command != "HEAD":
            data += body
        if log.isEnabledFor(logging.DEBUG):
            self.log_request(status, len(body))
        try:
            self.wfile.write(data)
        except OSError as exc:
            log.info("could not send the %s answer: %s", status, type(exc).__name__)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s", self.address_string(), mask_url(format % args))

    def log_error(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), mask_url(format % args))
