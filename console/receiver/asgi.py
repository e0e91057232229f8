"""The receiver's rules as a plain ASGI application: ``POST /notify/<token>`` and ``GET /healthz``.

No web framework: the rules are few and the callback path is hot. What it does:

- ``POST /notify/<token>``: the token (the raw path segment, not percent-decoded)
  is compared in constant time; a wrong path is 404, another method 405. A
  body over ``max_body`` is 413 (from ``Content-Length`` before reading it, or
  while reading a chunked body) and the connection is closed. The body is JSON
  or form-encoded (``console.core.callback.parse_callback``); a body it cannot
  parse is journalled as malformed and answered 400. A parsed callback is
  answered 200 **only after the journal committed it**; ``X-Vending-Console-Replay``
  marks a re-sent one.
- Group commit without a thread hop: each request queues its callback and
  awaits a future; the first one in schedules one flush with ``loop.call_soon``
  (two turns of the loop ahead), which journals everything queued meanwhile in
  one transaction (``groupcommit.commit_batch``) and resolves the futures.
  Requests whose bytes arrived in the same or the next turn of the event loop
  share one ``COMMIT``, as those read together did in the hand-written
  single-thread server. The flush runs on the event loop's
  thread: a prototype that handed the journalling to a writer thread fell from
  1.4x to 0.66x of the old receiver (thread hand-offs and the GIL), see
  docs/performance.md. The journal is the shared, lock-guarded ``Journal``
  (its connection is opened with ``check_same_thread=False``), so the window
  and the cross-check thread may use it too; a commit blocks the loop while it
  runs, as it blocked the old server's thread.
- A journal that cannot commit because the database is unavailable (an
  ``OperationalError``: locked past the busy timeout, unable to open, disk I/O,
  disk full, a PostgreSQL server gone) is answered 503 with ``Retry-After`` so
  the platform retries; the same receiver answers 200 again by itself once the
  database is back. Any other failure is 500, as before. Never a 200 without a
  commit.
- ``GET /healthz`` (no token, no secrets): ``{"ok", "journal", "last_callback",
  "version"}``; 200 when the journal can be read, else 503.
- RFC 9112 section 3.2: a request without ``Host`` (HTTP/1.1) or with more than
  one is answered 400 (httptools passes both through).

The token never reaches a log: request lines are logged (debug) as
``/notify/****``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from console import __version__
from console.core.callback import Callback, CallbackError, parse_callback
from console.journal import CallbackArrival, CallbackRow, Journal
from console.receiver.groupcommit import commit_batch, journal_unavailable

log = logging.getLogger(__name__)

NOTIFY_PREFIX = "/notify/"
HEALTH_PATH = "/healthz"
REPLAY_HEADER = "X-Vending-Console-Replay"
MAX_BODY = 64 * 1024
RETRY_AFTER_S = 5  # what a 503 asks the platform to wait before re-sending
_NOTIFY_RE = re.compile(r"/notify/[^\s/?#\"'<>]+")
_NOTIFY_BYTES = NOTIFY_PREFIX.encode("ascii")
_HEALTH_BYTES = HEALTH_PATH.encode("ascii")
_REPLAY_NAME = REPLAY_HEADER.lower().encode("ascii")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Called on the event loop's thread once a journalled request was answered: the row,
# and the parsed callback (None for a malformed body).
OnAnswered = Callable[[CallbackRow, Callback | None], None]

OK_BODY = b'{"ok": true}'
_JSON = (b"content-type", b"application/json")
_CLOSE = (b"connection", b"close")


def new_token() -> str:
    """A fresh notify-URL token: 24 random bytes (192 bits), URL-safe text."""
    return secrets.token_urlsafe(24)


def mask_url(text: str) -> str:
    """Hide notify tokens in any text (URLs, request lines): ``/notify/****``."""
    return _NOTIFY_RE.sub("/notify/****", text)


class _Disconnected(Exception):
    """The client went away before its request was complete."""


class CallbackApp:
    """The ASGI application; one per listening server, used on its event loop only."""

    def __init__(
        self,
        journal: Journal,
        token: str,
        *,
        max_body: int = MAX_BODY,
        on_answered: OnAnswered | None = None,
    ) -> None:
        self.journal = journal
        self.max_body = int(max_body)
        self._token = token.encode("ascii")
        self._on_answered = on_answered
        self._pending: list[tuple[CallbackArrival, asyncio.Future[CallbackRow | Exception]]] = []
        self._flush_scheduled = False
        self._down_since: float | None = None  # when commits started failing as unavailable
        self._down_count = 0

    # -- ASGI ---------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no lifespan, no websockets
        try:
            await self._serve(scope, receive, send)
        except _Disconnected:
            return
        except Exception:
            log.exception(
                "serving a request from %s failed; its connection is closed", _remote(scope)
            )
            # RuntimeError: the answer had begun (the server then closes the connection).
            with contextlib.suppress(RuntimeError):
                await _answer(send, 500, b'{"ok": false, "error": "internal error"}', close=True)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        hosts = 0
        content_type = b""
        length: bytes | None = None
        replay: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"host":
                hosts += 1
            elif name == b"content-type":
                content_type = value if not content_type else content_type + b", " + value
            elif name == b"content-length":
                length = value
            elif name == _REPLAY_NAME:
                replay = value
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s %s", _remote(scope), method, mask_url(raw_path.decode("latin-1", "replace"))
            )
        if hosts > 1 or (hosts == 0 and scope.get("http_version") == "1.1"):
            await _answer(send, 400, _error("send exactly one Host header"), close=True)
            return
        if raw_path == _HEALTH_BYTES:
            await self._health_answer(method, send)
            return
        if not self._is_notify(raw_path):
            await _answer(send, 404, _error("not found"))
            return
        if method != "POST":
            await _answer(send, 405, _error("use POST"), [(b"allow", b"POST")])
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            # Refused from the head: the body is not read (no "100 Continue" is sent).
            await _answer(send, 413, _error(f"body over {self.max_body} bytes"), close=True)
            return
        body = await self._read_body(receive)
        if body is None:
            await _answer(send, 413, _error(f"body over {self.max_body} bytes"), close=True)
            return
        remote = _remote(scope)
        ctype = content_type.decode("latin-1")
        try:
            cb = parse_callback(body, ctype)
        except CallbackError as exc:
            await self._malformed(send, body, ctype, remote, str(exc))
            return
        arrival = CallbackArrival(cb, remote, _replay_id(replay), ctype)
        result = await self._queue(arrival)
        if isinstance(result, Exception):
            await self._failed(send, result, "a callback")
            return
        if self._down_since is not None:
            self._up_again()
        log.info("callback #%s from %s: %s", result.id, remote, result.summary)
        await _answer(send, 200, OK_BODY)
        self._answered(result, cb)

    def _is_notify(self, raw_path: bytes) -> bool:
        if not raw_path.startswith(_NOTIFY_BYTES):
            return False
        return hmac.compare_digest(raw_path[len(_NOTIFY_BYTES) :], self._token)

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it is over ``max_body`` (the rest is not read)."""
        message = await receive()
        if message["type"] != "http.request":
            raise _Disconnected
        body: bytes = message.get("body", b"")
        if not message.get("more_body", False):
            return body if len(body) <= self.max_body else None
        parts = [body]
        size = len(body)
        while True:
            if size > self.max_body:
                return None
            message = await receive()
            if message["type"] != "http.request":
                raise _Disconnected
            chunk: bytes = message.get("body", b"")
            parts.append(chunk)
            size += len(chunk)
            if not message.get("more_body", False):
                return b"".join(parts) if size <= self.max_body else None

    async def _malformed(
        self, send: Send, body: bytes, content_type: str, remote: str, reason: str
    ) -> None:
        try:
            row = self.journal.record_bad_callback(body, reason, remote, content_type=content_type)
        except Exception as exc:
            await self._failed(send, exc, "a malformed callback")
            return
        log.warning("malformed callback #%s from %s: %s", row.id, remote, reason)
        await _answer(send, 400, _error(reason))
        self._answered(row, None)

    async def _failed(self, send: Send, exc: Exception, what: str) -> None:
        """A journal that could not commit: 503 while it is unavailable, else 500."""
        if journal_unavailable(exc):
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.error(
                    "the journal is unavailable (%s: %s): callbacks are answered 503 so the "
                    "platform re-sends them",
                    type(exc).__name__,
                    exc,
                )
            self._down_count += 1
            await _answer(
                send,
                503,
                _error("the journal is unavailable; retry later"),
                [(b"retry-after", str(RETRY_AFTER_S).encode("ascii"))],
            )
            return
        log.error("could not journal %s; answered 500 so it may be re-sent", what, exc_info=exc)
        await _answer(send, 500, _error("journal write failed"))

    def _up_again(self) -> None:
        assert self._down_since is not None
        log.warning(
            "the journal commits again after %d s; %d callback(s) were answered 503 meanwhile",
            round(time.monotonic() - self._down_since),
            self._down_count,
        )
        self._down_since = None
        self._down_count = 0

    def _answered(self, row: CallbackRow, cb: Callback | None) -> None:
        if self._on_answered is not None:
            try:
                self._on_answered(row, cb)
            except Exception:
                log.exception("an after-answer step failed for callback #%s", row.id)

    # -- group commit ----------------------------------------------------------------------------

    def _queue(self, arrival: CallbackArrival) -> asyncio.Future[CallbackRow | Exception]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[CallbackRow | Exception] = loop.create_future()
        self._pending.append((arrival, future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            # Two steps: requests whose bytes the loop reads in its next turn join this
            # batch too (measured under the benchmark's load: 4.2 callbacks per commit
            # instead of 2.7 with one call_soon; each turn costs one more epoll).
            loop.call_soon(loop.call_soon, self._flush)
        return future

    def _flush(self) -> None:
        """Journal everything queued since the last flush in one transaction."""
        batch, self._pending = self._pending, []
        self._flush_scheduled = False
        results: list[CallbackRow | Exception]
        try:
            results = commit_batch(self.journal, [arrival for arrival, _ in batch])
        except Exception as exc:  # commit_batch catches what the journal raises; this is a bug
            log.exception("group commit failed")
            results = [exc] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # a request cancelled at shutdown
                future.set_result(result)

    # -- health ------------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``ok`` (the journal can be read), ``journal``, ``last_callback`` (ISO or None), ``version``."""
        try:
            rows = self.journal.list_callbacks(1)
        except Exception as exc:
            log.warning("health check: the journal cannot be read: %s: %s", type(exc).__name__, exc)
            return {"ok": False, "journal": False, "last_callback": None, "version": __version__}
        last = rows[0].ts_iso if rows else None
        return {"ok": True, "journal": True, "last_callback": last, "version": __version__}

    async def _health_answer(self, method: str, send: Send) -> None:
        if method not in ("GET", "HEAD"):
            await _answer(send, 405, _error("use GET"), [(b"allow", b"GET, HEAD")])
            return
        report = self.health()
        await _answer(
            send,
            200 if report["ok"] else 503,
            json.dumps(report).encode("utf-8"),
            [(b"cache-control", b"no-store")],
        )


def make_app(
    journal: Journal,
    token: str,
    *,
    max_body: int = MAX_BODY,
    on_answered: OnAnswered | None = None,
) -> CallbackApp:
    """The receiver's ASGI application, for any ASGI server (``console.receiver.serving``)."""
    return CallbackApp(journal, token, max_body=max_body, on_answered=on_answered)


def _error(text: str) -> bytes:
    return json.dumps({"ok": False, "error": text}).encode("utf-8")


async def _answer(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    close: bool = False,
) -> None:
    head = [_JSON, (b"content-length", str(len(body)).encode("ascii"))]
    if headers:
        head += headers
    if close:
        head.append(_CLOSE)
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


def _remote(scope: Scope) -> str:
    client = scope.get("client")
    if not client:
        return "?"
    return f"{client[0]}:{client[1]}"


def _replay_id(value: bytes | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit() and 0 < len(text) <= 18:
        return int(text)
    log.warning("ignored a malformed %s header", REPLAY_HEADER)
    return None
