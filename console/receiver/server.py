"""The notify_url receiver: a small HTTP server that journals every callback.

One thread serves every connection (``console.receiver.http``: non-blocking
sockets, HTTP/1.1 keep-alive with ``TCP_NODELAY``) and journals the callbacks
that arrived together in one transaction (group commit). Without
``TCP_NODELAY`` keep-alive collapses to ~23 requests/s (Nagle against delayed
ACK); with one thread per connection, as the stdlib server does, a burst spends
its time handing the GIL and the journal between threads.

Only ``POST /notify/<token>`` is served. Callbacks carry no signature, so the
unguessable token in the path is what keeps strangers out; it is compared in
constant time and never written to a log (``/notify/****``).

A callback is answered 200 only after the journal committed it; if the
journal cannot write it the answer is 500 so the platform may retry.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import logging
import queue
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence

from console.core import crosscheck as cc
from console.core.callback import Callback, CallbackError, parse_callback
from console.core.errors import PortInUse
from console.journal import CROSS_CHECK_VERDICTS, CallbackArrival, CallbackRow, Journal
from console.receiver.groupcommit import commit_batch
from console.receiver.http import OK, Answer, Head, HttpServer, Request

log = logging.getLogger(__name__)

NOTIFY_PREFIX = "/notify/"
REPLAY_HEADER = "X-Vending-Console-Replay"
MAX_BODY = 64 * 1024
SERVER_VERSION = "VendingConsoleReceiver/1"
CROSS_CHECK_QUEUE = 1000
UNCHECKED_LOG_S = 10.0
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
    answer was sent, **on the receiver's thread** — a GUI must marshal it to
    its own thread, and it must be quick: the next requests wait for it.
    ``cross_check(callback)`` runs on the receiver's single cross-check thread for each new result (not for repeats, replays or
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
        self._state = threading.Lock()
        self._server: HttpServer | None = None
        self._worker: threading.Thread | None = None
        self._queue: queue.Queue[tuple[CallbackRow, Callback] | None] = queue.Queue(
            CROSS_CHECK_QUEUE
        )
        self._stopping = threading.Event()
        self._port = 0
        self.unchecked = 0  # new results left unchecked because the queue was full
        self._unchecked_said = -UNCHECKED_LOG_S

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> Receiver:
        """Bind and serve on a daemon thread; returns self. Raises ``OSError`` if
        the address cannot be bound."""
        with self._state:
            if self._server is not None:
                return self
            if self._stopping.is_set():
                raise RuntimeError("a stopped receiver cannot be started again")
            try:
                server = HttpServer(
                    self.host,
                    self._requested_port,
                    self,
                    read_timeout_s=self.read_timeout_s,
                    max_body=self.max_body,
                    server_version=SERVER_VERSION,
                    name="receiver",
                    mask=mask_url,
                )
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortInUse(self.host, self._requested_port) from exc
                raise
            self._port = server.port
            self._server = server
            server.start()
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
            worker, self._worker = self._worker, None
            if server is None:
                return
            self._stopping.set()
        server.stop()
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

    @property
    def _connections(self) -> list[socket.socket]:
        """Open client connections (for tests)."""
        server = self._server
        return server.sockets() if server is not None else []

    # -- request handling (the receiver's thread) ------------------------------------------

    def _is_notify_path(self, raw_path: str) -> bool:
        path = raw_path.split("?", 1)[0]
        if not path.startswith(NOTIFY_PREFIX):
            return False
        candidate = path[len(NOTIFY_PREFIX) :].encode("utf-8", "replace")
        return hmac.compare_digest(candidate, self._token)

    def precheck(self, head: Head) -> Answer | None:
        """Path and method, before any body is read (its length is the server's check)."""
        if not self._is_notify_path(head.path):
            return Answer(404, {"ok": False, "error": "not found"})
        if head.method != "POST":
            return Answer(405, {"ok": False, "error": "use POST"}, {"Allow": "POST"})
        return None

    def handle(self, requests: Sequence[Request]) -> list[Answer]:
        """Journal the callbacks that arrived together in one transaction; answer each."""
        answers: list[Answer | None] = [None] * len(requests)
        good: list[tuple[int, CallbackArrival]] = []
        for i, request in enumerate(requests):
            content_type = request.head.headers.get("content-type", "")
            try:
                cb = parse_callback(request.body, content_type)
            except CallbackError as exc:
                answers[i] = self._malformed(request, content_type, str(exc))
                continue
            replay_of = _replay_id(request.head.headers.get(REPLAY_HEADER.lower()))
            good.append((i, CallbackArrival(cb, request.remote, replay_of, content_type)))
        results = commit_batch(self.journal, [a for _, a in good])
        for (i, arrival), result in zip(good, results, strict=True):
            answers[i] = self._journalled(arrival, result)
        return [a for a in answers if a is not None]

    def _malformed(self, request: Request, content_type: str, reason: str) -> Answer:
        try:
            row = self.journal.record_bad_callback(
                request.body, reason, request.remote, content_type=content_type
            )
        except Exception:
            log.exception("could not journal a malformed callback")
            return Answer(500, {"ok": False, "error": "journal write failed"})
        log.warning("malformed callback #%s from %s: %s", row.id, request.remote, reason)
        return Answer(400, {"ok": False, "error": reason}, after=lambda: self._after(row, None))

    def _journalled(self, arrival: CallbackArrival, result: CallbackRow | Exception) -> Answer:
        if isinstance(result, Exception):
            log.error(
                "could not journal a callback; answered 500 so it may be re-sent",
                exc_info=result,
            )
            return Answer(500, {"ok": False, "error": "journal write failed"})
        row = result
        log.info("callback #%s from %s: %s", row.id, arrival.remote, row.summary)
        return Answer(200, OK, after=lambda: self._after(row, arrival.callback))

    def _after(self, row: CallbackRow, cb: Callback | None) -> None:
        """Once the answer is on its way: cross-check a new result, tell the owner."""
        if cb is not None and self._cross_check is not None and row.counts:
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
            # Said once per interval, not per callback: a flood must not flood the log too.
            self.unchecked += 1
            now = time.monotonic()
            if now - self._unchecked_said >= UNCHECKED_LOG_S:
                self._unchecked_said = now
                log.warning(
                    "cross-check queue full (%d waiting): %d new result(s) left unchecked "
                    "so far, the latest #%s; the platform is asked at a bounded pace",
                    CROSS_CHECK_QUEUE,
                    self.unchecked,
                    row.id,
                )

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
                    detail = str(
                        cc.detail(cc.UNKNOWN_VERDICT, verdict=repr(verdict), detail=str(detail))
                    )
                    verdict = "error"
            except Exception as exc:
                log.exception("cross-check failed for callback #%s", row.id)
                verdict = "error"
                detail = str(cc.detail(cc.CHECK_FAILED, kind=type(exc).__name__, error=str(exc)))
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


def _replay_id(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit() and 0 < len(text) <= 18:
        return int(text)
    log.warning("ignored a malformed %s header", REPLAY_HEADER)
    return None
