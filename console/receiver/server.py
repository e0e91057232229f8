"""The notify_url receiver: journals every callback, answers 200 only after the commit.

``Receiver`` binds its own listening socket and serves ``console.receiver.asgi``
(our rules: token path, POST only, size limit, body formats, answers, group
commit, replay marking, ``/healthz``) with uvicorn and its httptools parser from
a daemon thread (``console.receiver.serving``). Why uvicorn: a well-kept,
RFC-conformant HTTP/1.1 server (chunked bodies, absolute-form targets,
pipelining, ``Expect: 100-continue``) in place of the ~600-line hand-written one
(``http.py``, removed), which refused chunked bodies and absolute-form targets.
Measured on the benchmark's load (docs/performance.md, "Third round"): with the
same journalling it reaches 0.58-0.60x of a bare stdlib server, where the
hand-written one reached 0.82-0.91x; the journal's share per callback is the
same, the event loop's bookkeeping per request is what costs more.

Group commit stays on the event loop, without a thread hop: handlers queue
their callback and await a future, and one flush scheduled with
``loop.call_soon`` commits what the turn of the loop brought in one
transaction. A prototype that journalled on a separate writer thread fell to
0.66x of the old receiver (thread hand-offs and the GIL), while uvicorn with a
trivial insert on the loop reached 1.4x. The listening socket is made with
``IPPROTO_TCP`` so that asyncio sets ``TCP_NODELAY`` on each connection
(without it keep-alive answers stall ~40 ms: Nagle against delayed ACK).

Callbacks carry no signature, so the unguessable token in the path is what
keeps strangers out; it is compared in constant time and never written to a log
(``/notify/****``). A callback is answered 200 only after the journal committed
it; 503 with ``Retry-After`` while the database is unavailable (the platform
re-sends; the receiver recovers by itself); 500 for any other failure.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import queue
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from console.core import crosscheck as cc
from console.core.callback import Callback
from console.core.errors import PortInUse
from console.journal import CROSS_CHECK_VERDICTS, CallbackRow, Journal, JournalUnavailable
from console.receiver.asgi import (
    MAX_BODY,
    NOTIFY_PREFIX,
    REPLAY_HEADER,
    CallbackApp,
    make_app,
    mask_url,
    new_token,
)
from console.receiver.serving import MAX_CONNECTIONS, ServerThread, listen_socket

log = logging.getLogger(__name__)

__all__ = [
    "MAX_BODY",
    "NOTIFY_PREFIX",
    "REPLAY_HEADER",
    "SERVER_VERSION",
    "Receiver",
    "mask_url",
    "new_token",
]

SERVER_VERSION = "VendingConsoleReceiver/1"
CROSS_CHECK_QUEUE = 1000
UNCHECKED_LOG_S = 10.0
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")

CrossCheck = Callable[[Callback], tuple[str, str]]
OnCallback = Callable[[CallbackRow], None]
OnCrossChecked = Callable[[int, str, str], None]


class Receiver:
    """Receives dispense-result callbacks on ``url`` and journals them.

    ``on_callback(row)`` is called once per request that was journalled
    (including malformed bodies, ``row.outcome == "malformed"``), after the
    answer was sent, **on the receiver's thread** (its event loop) — a GUI must
    marshal it to its own thread, and it must be quick: the next requests wait
    for it. ``cross_check(callback)`` runs on the receiver's single cross-check
    thread for each new result (not for repeats, replays or malformed bodies);
    its ``(verdict, detail)`` is stored with ``Journal.set_cross_check`` and then
    passed to ``on_cross_checked(id, verdict, detail)`` on that same thread.
    Exceptions from these callables are logged, never raised.

    ``read_timeout_s``: a connection that sends nothing for this long while its
    request is awaited (idle keep-alive included) is closed. ``max_connections``
    (an attribute; set it before ``start()``): past it new connections are
    closed at once.
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
        self.max_connections = MAX_CONNECTIONS
        self._token = token.encode("ascii")
        self._requested_port = port
        self._on_callback = on_callback
        self._cross_check = cross_check
        self._on_cross_checked = on_cross_checked
        self._state = threading.Lock()
        self._app: CallbackApp = make_app(
            journal, token, max_body=self.max_body, on_answered=self._after
        )
        self._server: ServerThread | None = None
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
        """Bind and serve on a daemon thread; returns self. Raises ``PortInUse`` if the
        port is taken, ``OSError`` if the address cannot be bound otherwise."""
        with self._state:
            if self._server is not None:
                return self
            if self._stopping.is_set():
                raise RuntimeError("a stopped receiver cannot be started again")
            try:
                sock = listen_socket(self.host, self._requested_port)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise PortInUse(self.host, self._requested_port) from exc
                raise
            try:
                server = ServerThread(
                    self._app,
                    sock,
                    name="receiver",
                    idle_timeout_s=self.read_timeout_s,
                    max_connections=self.max_connections,
                    server_header=SERVER_VERSION,
                )
                self._port = int(sock.getsockname()[1])
                server.start()
            except BaseException:
                sock.close()
                raise
            self._server = server
            if self._cross_check is not None:
                self._worker = threading.Thread(
                    target=self._cross_check_loop, name="receiver-cross-check", daemon=True
                )
                self._worker.start()
        log.info("receiver listening on %s", self.masked_url)
        return self

    def stop(self) -> None:
        """Stop serving (idempotent): stop accepting, finish the requests already read
        (committed and answered), close every connection, then the cross-check thread.

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

    @property
    def health_url(self) -> str:
        """``GET`` it for ``health()`` over HTTP (no secret in it)."""
        return self._base_url() + "/healthz"

    def _base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def health(self) -> dict[str, Any]:
        """What ``GET /healthz`` answers: ``ok``, ``journal`` (readable), ``last_callback``
        (ISO time or None), ``version``."""
        return self._app.health()

    @property
    def app(self) -> CallbackApp:
        """The ASGI application (our rules), e.g. to serve it some other way."""
        return self._app

    @property
    def _connections(self) -> list[socket.socket]:
        """Open client connections (for tests)."""
        server = self._server
        return list(server.connections()) if server is not None else []

    # -- after each answer (the receiver's thread) ------------------------------------------

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
            except JournalUnavailable as exc:
                # Left unchecked, not marked: the periodic check asks again later.
                log.warning("callback #%s left unchecked for now: %s", row.id, exc)
                continue
            except Exception as exc:
                log.exception("cross-check failed for callback #%s", row.id)
                verdict = "error"
                detail = str(cc.detail(cc.CHECK_FAILED, kind=type(exc).__name__, error=str(exc)))
            else:
                if verdict not in CROSS_CHECK_VERDICTS:
                    detail = str(
                        cc.detail(cc.UNKNOWN_VERDICT, verdict=repr(verdict), detail=str(detail))
                    )
                    verdict = "error"
            try:
                self.journal.set_cross_check(row.id, verdict, str(detail))
            except JournalUnavailable as exc:
                log.warning("callback #%s left unchecked for now: %s", row.id, exc)
                continue
            except Exception:
                log.exception("could not store the cross-check of callback #%s", row.id)
                continue
            if self._on_cross_checked is not None:
                try:
                    self._on_cross_checked(row.id, verdict, str(detail))
                except Exception:
                    log.exception("on_cross_checked failed for callback #%s", row.id)
