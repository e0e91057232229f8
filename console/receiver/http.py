"""A small HTTP/1.1 server on one thread: non-blocking sockets and a selector.

Why not the stdlib ``ThreadingHTTPServer`` (what the receiver first used)? It
gives every connection a thread; under a burst those threads take turns on the
GIL (seven context switches per request, measured) and queue on the journal.
Here one thread reads every connection that has data, parses every complete
request, hands them to the application **as one batch** (the receiver journals
a batch in one transaction), then writes the answers — no thread hand-offs,
one commit per batch. See docs/performance.md for the figures.

What it speaks: HTTP/1.0 and 1.1 requests with ``Content-Length`` bodies,
keep-alive (``TCP_NODELAY``), pipelining (answered in order), ``Expect:
100-continue``. Chunked bodies, folded header lines and conflicting lengths are
refused. Limits follow ``http.server``: a request line over 64 KiB is a 414, a
header line over 64 KiB or more than 100 headers a 431. A connection that sends
nothing for ``read_timeout_s`` is closed, so a slow or stalled client holds
nothing but its socket; past ``max_connections`` new ones are closed at once.

The application (``App``) sees only complete requests and answers with
``Answer`` objects; it runs on this server's thread.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import json
import logging
import selectors
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol

log = logging.getLogger(__name__)

MAX_LINE = 65536
MAX_HEADERS = 100
MAX_CONNECTIONS = 512
MAX_PENDING_OUT = 1 << 20  # stop reading a client that does not read its answers
MAX_PENDING_IN = 4 << 20  # ... and one that sends faster than it is answered
LINGER_S = 2.0  # after answering "close", read and drop what the client still sends
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_POLL_S = 0.05
OK: dict[str, Any] = {"ok": True}  # the usual answer, encoded once
OK_BODY = json.dumps(OK).encode("utf-8")
_SWEEP_S = 0.25


@dataclass(frozen=True, slots=True)
class Head:
    """A request line and its headers (names lower-cased), before the body."""

    method: str
    path: str
    version: str
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Request:
    head: Head
    body: bytes
    remote: str


@dataclass(slots=True)
class Answer:
    """``after`` runs once the answer has been handed to the socket."""

    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False
    after: Callable[[], None] | None = None


class App(Protocol):
    def precheck(self, head: Head) -> Answer | None:
        """Before the body is read: an answer refuses the request (the connection
        is then closed, the body unread); None lets the server read the body, which
        it does only when it has a ``Content-Length`` of at most ``max_body`` (else
        413)."""

    def handle(self, requests: Sequence[Request]) -> list[Answer]:
        """Answers, in order, for complete requests (from different connections)."""


class HttpServer:
    """Serve ``app`` on ``(host, port)`` from one daemon thread named ``name``."""

    def __init__(
        self,
        host: str,
        port: int,
        app: App,
        *,
        read_timeout_s: float,
        max_body: int,
        server_version: str,
        name: str = "http",
        max_connections: int = MAX_CONNECTIONS,
        mask: Callable[[str], str] = str,
    ) -> None:
        self.app = app
        self._mask = mask
        self.read_timeout_s = float(read_timeout_s)
        self.max_body = int(max_body)
        self.max_connections = int(max_connections)
        self._server_header = f"Server: {server_version}"
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=128)
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._conns: dict[int, _Conn] = {}
        self._ready: set[_Conn] = set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._started = False

    # -- lifecycle (any thread) --------------------------------------------------------

    def start(self) -> None:
        self._started = True
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and close every connection; answers not yet sent are dropped."""
        self._stopping.set()
        if self._started:
            self._thread.join(timeout)
        else:
            self._close_all()

    def sockets(self) -> list[socket.socket]:
        """The open client connections (for tests)."""
        return [c.sock for c in self._conns.copy().values()]

    # -- the loop (server thread) ----------------------------------------------------------

    def _serve(self) -> None:
        next_sweep = time.monotonic() + _SWEEP_S
        try:
            while not self._stopping.is_set():
                events = self._selector.select(0 if self._ready else _POLL_S)
                now = time.monotonic()
                for key, mask in events:
                    conn = key.data
                    try:
                        if conn is None:
                            self._accept(now)
                            continue
                        if mask & selectors.EVENT_WRITE:
                            self._flush(conn)
                        if mask & selectors.EVENT_READ and not conn.closed:
                            self._read(conn, now)
                    except Exception:
                        self._failed(conn)
                if self._ready:
                    self._work()
                if now >= next_sweep:
                    self._sweep(now)
                    next_sweep = now + _SWEEP_S
        except Exception:
            log.exception("the HTTP server loop failed; it stops")
        finally:
            self._close_all()

    def _accept(self, now: float) -> None:
        for _ in range(64):
            try:
                sock, addr = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # Out of descriptors and the like: keep serving those already in.
                log.warning("could not accept a connection: %s", exc)
                return
            if len(self._conns) >= self.max_connections:
                log.warning("too many connections (%d): one refused", len(self._conns))
                with contextlib.suppress(OSError):
                    sock.close()
                continue
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Conn(sock, f"{addr[0]}:{addr[1]}", now)
            self._conns[sock.fileno()] = conn
            self._selector.register(sock, selectors.EVENT_READ, conn)

    def _read(self, conn: _Conn, now: float) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        conn.last = now
        if conn.lingering:
            if not data or now - conn.linger_since > LINGER_S:
                self._close(conn)
            return
        if data:
            conn.inbuf += data
            self._update_events(conn)
        else:
            conn.eof = True
        self._ready.add(conn)

    def _work(self) -> None:
        """Parse what the ready connections hold; answer the complete requests as one batch."""
        batch: list[tuple[_Conn, Request]] = []
        for conn in list(self._ready):
            self._ready.discard(conn)
            try:
                request = self._next_request(conn)
            except Exception:
                self._failed(conn)
                continue
            if request is not None:
                conn.waiting = True
                batch.append((conn, request))
        if not batch:
            return
        try:
            answers = self.app.handle([r for _, r in batch])
            if len(answers) != len(batch):
                raise RuntimeError(f"{len(answers)} answers for {len(batch)} requests")
        except Exception:
            log.exception("the receiver could not handle %d request(s)", len(batch))
            answers = [Answer(500, {"ok": False, "error": "internal error"}) for _ in batch]
        for (conn, request), answer in zip(batch, answers, strict=True):
            conn.waiting = False
            try:
                self._answer(conn, answer, request.head)
            except Exception:
                self._failed(conn)
            if answer.after is not None:
                try:
                    answer.after()
                except Exception:
                    log.exception("an after-answer step failed")

    def _failed(self, conn: _Conn | None) -> None:
        """A fault while serving one connection closes that connection, not the server."""
        log.exception("serving %s failed; its connection is closed", conn.remote if conn else "?")
        if conn is not None:
            self._close(conn)

    def _next_request(self, conn: _Conn) -> Request | None:
        """The connection's next complete request; answers refusals itself."""
        if conn.waiting:
            return None
        while not conn.closed and not conn.closing and len(conn.out) < MAX_PENDING_OUT:
            if conn.head is None:
                head = self._parse_head(conn)
                if head is None:
                    break
                conn.head = head
            head = conn.head
            length = conn.length
            if len(conn.inbuf) < length:
                if conn.eof:
                    self._close(conn)  # the body never came
                break
            body = bytes(conn.inbuf[:length])
            del conn.inbuf[:length]
            conn.head = None
            self._update_events(conn)
            return Request(head, body, conn.remote)
        if conn.eof and not conn.closed and not conn.inbuf and conn.head is None:
            # The client is done sending: close once what is owed is written.
            conn.closing = True
            self._flush(conn)
        return None

    def _parse_head(self, conn: _Conn) -> Head | None:
        """Consume one request head from ``conn.inbuf``; None if incomplete or refused.

        Lines are read as ``http.server`` reads them: ending in LF or CRLF; at the
        end of the stream an unterminated line counts, and the end of the
        stream ends the headers.
        """
        buf = conn.inbuf
        while True:
            nl = buf.find(b"\n", conn.scan)
            if nl >= 0:
                line = bytes(buf[conn.scan : nl + 1])
                conn.scan = nl + 1
            else:
                partial = len(buf) - conn.scan
                if partial > MAX_LINE:
                    self._refuse(conn, 431 if conn.lines else 414, "Line too long")
                    return None
                if not conn.eof:
                    return None  # wait for the rest of the line
                line = bytes(buf[conn.scan :])
                conn.scan = len(buf)
            if len(line) > MAX_LINE:
                self._refuse(conn, 431 if conn.lines else 414, "Line too long")
                return None
            if not conn.lines:
                if not str(line, "iso-8859-1").split():
                    self._close(conn)  # no request line (blank, or the stream ended)
                    return None
                conn.lines.append(line)
                continue
            if line in (b"\r\n", b"\n", b""):
                lines, conn.lines = conn.lines, []
                del buf[: conn.scan]
                conn.scan = 0
                return self._head(conn, lines)
            conn.lines.append(line)
            if len(conn.lines) > MAX_HEADERS + 1:
                self._refuse(conn, 431, "Too many headers")
                return None

    def _head(self, conn: _Conn, lines: list[bytes]) -> Head | None:
        """Check a request line and headers as ``http.server`` does (and a little stricter)."""
        requestline = str(lines[0], "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        version = "HTTP/1.0"
        keep_alive = False
        if len(words) >= 3:
            version = words[-1]
            number = _http_version(version)
            if number is None:
                self._refuse(conn, 400, f"Bad request version ({version!r})")
                return None
            if number >= (2, 0):
                self._refuse(conn, 505, f"Invalid HTTP version ({version})")
                return None
            keep_alive = number >= (1, 1)
        if not 2 <= len(words) <= 3:
            self._refuse(conn, 400, f"Bad request syntax ({requestline!r})")
            return None
        method, path = words[0], words[1]
        if len(words) == 2 and method != "GET":
            self._refuse(conn, 400, f"Bad HTTP/0.9 request type ({method!r})")
            return None
        headers: dict[str, str] = {}
        for raw in lines[1:]:
            problem = _add_header(headers, raw)
            if problem:
                self._refuse(conn, 400, problem)
                return None
        connection = headers.get("connection", "").lower()
        if connection == "close":
            keep_alive = False
        elif connection == "keep-alive" and len(words) == 3:
            keep_alive = True
        conn.keep_alive = keep_alive
        head = Head(method, path, version, headers)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s", conn.remote, self._mask(requestline))
        if method not in KNOWN_METHODS:
            self._refuse(conn, 501, f"Unsupported method ({method!r})")
            return None
        refusal = self.app.precheck(head) or self._length_refusal(headers)
        if refusal is not None:
            refusal.close = True  # the body, if any, is left unread
            self._answer(conn, refusal, head)
            return None
        conn.length = int(headers["content-length"])
        if (
            headers.get("expect", "").lower() == "100-continue"
            and version >= "HTTP/1.1"
            and len(words) == 3
        ):
            conn.out += b"HTTP/1.1 100 Continue\r\n\r\n"
            self._flush(conn)
        return head

    def _length_refusal(self, headers: dict[str, str]) -> Answer | None:
        """A body is read only when its length is given, and at most ``max_body``."""
        if "transfer-encoding" in headers:
            # Chunked bodies have no length to check up front: not accepted.
            return Answer(413, {"ok": False, "error": "send a Content-Length, not chunks"})
        length = headers.get("content-length")
        if length is None or not (length.isascii() and length.isdigit()):
            return Answer(413, {"ok": False, "error": "a Content-Length is required"})
        if int(length) > self.max_body:
            return Answer(413, {"ok": False, "error": f"body over {self.max_body} bytes"})
        return None

    def _refuse(self, conn: _Conn, status: int, message: str) -> None:
        self._answer(conn, Answer(status, {"ok": False, "error": message}, close=True), None)

    def _answer(self, conn: _Conn, answer: Answer, head: Head | None) -> None:
        if conn.closed:
            return
        payload = answer.payload
        body = OK_BODY if payload is OK else json.dumps(payload).encode("utf-8")
        close = answer.close or not conn.keep_alive
        extra = "".join(f"{name}: {value}\r\n" for name, value in answer.headers.items())
        if close:
            extra += "Connection: close\r\n"
        conn.out += (
            f"HTTP/1.1 {answer.status} {_reason(answer.status)}\r\n{self._server_header}\r\n"
            f"Date: {_http_date()}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n"
        ).encode("latin-1", "replace")
        if head is None or head.method != "HEAD":
            conn.out += body
        if close:
            conn.closing = True
        self._flush(conn)

    def _flush(self, conn: _Conn) -> None:
        if conn.closed:
            return
        while conn.out:
            try:
                sent = conn.sock.send(conn.out)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                if exc.errno not in (errno.EPIPE, errno.ECONNRESET):
                    log.info("could not send an answer: %s", type(exc).__name__)
                self._close(conn)
                return
            del conn.out[:sent]
        self._update_events(conn)
        if conn.out or conn.waiting:
            return
        if conn.closing:
            self._linger(conn)
        elif conn.inbuf or conn.eof:
            self._ready.add(conn)  # more requests, or the end of the stream, to look at

    def _update_events(self, conn: _Conn) -> None:
        """Read while there is room for more input; write while answers are owed."""
        want = selectors.EVENT_WRITE if conn.out else 0
        if len(conn.inbuf) < MAX_PENDING_IN or conn.lingering:
            want |= selectors.EVENT_READ
        if want == conn.events or conn.closed:
            return
        if not conn.events:
            self._selector.register(conn.sock, want, conn)
        elif not want:
            self._selector.unregister(conn.sock)
        else:
            self._selector.modify(conn.sock, want, conn)
        conn.events = want

    def _linger(self, conn: _Conn) -> None:
        """Half-close after the last answer and drop what the client still sends,
        so closing with unread bytes does not reset the answer away."""
        if conn.lingering:
            return
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.lingering = True
        conn.linger_since = time.monotonic()
        conn.inbuf.clear()
        if conn.eof:
            self._close(conn)

    def _sweep(self, now: float) -> None:
        for conn in list(self._conns.values()):
            if conn.waiting:
                continue
            if conn.lingering and now - conn.linger_since > LINGER_S:
                self._close(conn)
            elif now - conn.last > self.read_timeout_s:
                if conn.inbuf or conn.head is not None:
                    log.info("%s sent an incomplete request, then nothing: closed", conn.remote)
                self._close(conn)

    def _close(self, conn: _Conn) -> None:
        if conn.closed:
            return
        conn.closed = True
        self._ready.discard(conn)
        self._conns.pop(conn.fd, None)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self._selector.unregister(conn.sock)
        with contextlib.suppress(OSError):
            conn.sock.close()

    def _close_all(self) -> None:
        for conn in list(self._conns.values()):
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
            self._close(conn)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self._selector.unregister(self._listener)
        with contextlib.suppress(OSError):
            self._listener.close()
        with contextlib.suppress(OSError):
            self._selector.close()


class _Conn:
    __slots__ = (
        "closed",
        "closing",
        "eof",
        "events",
        "fd",
        "head",
        "inbuf",
        "keep_alive",
        "last",
        "length",
        "lines",
        "linger_since",
        "lingering",
        "out",
        "remote",
        "scan",
        "sock",
        "waiting",
    )

    def __init__(self, sock: socket.socket, remote: str, now: float) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.remote = remote
        self.last = now
        self.inbuf = bytearray()
        self.out = bytearray()
        self.scan = 0  # where the search for the next line end resumes
        self.lines: list[bytes] = []  # the head read so far
        self.head: Head | None = None  # a head whose body is still arriving
        self.length = 0
        self.keep_alive = False
        self.eof = False
        self.waiting = False  # a request of this connection is with the application
        self.closing = False  # close once the answers are written
        self.lingering = False
        self.linger_since = 0.0
        self.closed = False
        self.events = selectors.EVENT_READ


def _add_header(headers: dict[str, str], raw: bytes) -> str:
    """Add one header line; returns a problem (400) or ""."""
    if raw[:1] in (b" ", b"\t"):
        return "Folded header lines are not accepted"
    name, colon, value = raw.partition(b":")
    if not colon or not name or name != name.strip():
        return "Bad header line"
    key = name.decode("iso-8859-1").lower()
    text = value.strip().decode("iso-8859-1")
    old = headers.get(key)
    if old is not None:
        if key == "content-length":
            if old != text:
                return "Conflicting Content-Length headers"
            return ""
        text = f"{old}, {text}"
    headers[key] = text
    return ""


def _http_version(text: str) -> tuple[int, int] | None:
    """``HTTP/1.1`` → (1, 1); None when it is not an HTTP version."""
    if not text.startswith("HTTP/"):
        return None
    major, dot, minor = text[5:].partition(".")
    digits = major.isascii() and major.isdigit() and minor.isascii() and minor.isdigit()
    if not dot or not digits or len(major) > 10 or len(minor) > 10:
        return None
    return int(major), int(minor)


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header's text, made once per second."""
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
