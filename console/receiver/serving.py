"""Serve an ASGI application with uvicorn (httptools) from a thread, on a socket we bind.

Used by ``Receiver`` (the window's embedded receiver and ``vendctl listen``) and
meant for ``vendctl serve``. What we set, and why:

- **The listening socket is ours**: ``socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)``
  with ``SO_REUSEADDR``, bound and listening before ``start()`` returns, so a busy
  port is an ``OSError`` (``PortInUse``) in the caller, and so asyncio sets
  ``TCP_NODELAY`` on every accepted connection: it does that only for sockets
  whose ``proto`` is ``IPPROTO_TCP``, and a listener made with ``proto=0`` (what
  a prototype did) hands out connections with Nagle on — ~40 ms stalls per
  keep-alive answer against the client's delayed ACK.
- **Explicit classes, nothing picked by import string at run time** (PyInstaller
  needs the hidden imports in packaging/vending-console.spec all the same):
  ``http`` = our subclass of uvicorn's ``HttpToolsProtocol``, ``loop="asyncio"``,
  ``lifespan="off"``, ``ws="none"``, ``interface="asgi3"``.
- **Logging stays ours**: ``log_config=None`` (uvicorn installs no handlers or
  formats; ``console/logsetup.py`` stays in charge), no access log (its lines
  would hold the path, and the path holds the token), the application is used
  as given (uvicorn wraps it in a message logger at its TRACE level, which
  would log the path), and a filter on uvicorn's loggers masks ``/notify/…``
  in anything they still say.
- ``Server:`` is ours (``server_header``), not uvicorn's version.
- **Limits** (uvicorn has none of the first three for httptools, see
  https://github.com/Kludex/uvicorn/issues/157, so the protocol subclass adds them):
  a connection that sends nothing for ``idle_timeout_s`` while we wait for its
  request (idle keep-alive, half a head, half a body) is closed — a slow-loris
  client holds only its socket, and trickling bytes keeps it, as before; a
  request head (request line and headers) over ``MAX_HEAD`` bytes is answered
  431 and closed; past ``max_connections`` (512) a new connection is closed at
  once. uvicorn's own: ``timeout_keep_alive`` (= the idle timeout), a body is
  buffered only up to 64 KiB before reading pauses until the application asks
  for more (the application stops at its ``max_body``), ``backlog`` 128,
  ``timeout_graceful_shutdown`` (``GRACEFUL_S``). We set no
  ``limit_concurrency``: past it uvicorn answers 503 to every new request,
  including those of connections already open; closing new connections at the
  cap keeps the ones in use working. ``h11_max_incomplete_event_size`` is for
  the h11 parser, which we do not use.
- **Stopping** (``ServerThread.stop``): uvicorn's graceful shutdown — stop
  accepting, close idle connections, let requests already read finish (a
  callback being committed is committed and answered), then close. A
  connection still sending its request is closed at once: nothing of it was
  taken. uvicorn installs signal handlers only on the main thread; in a thread
  the owner calls ``stop()`` (on SIGTERM, for a service).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.receiver.asgi import mask_url

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 512
MAX_HEAD = 64 * 1024 + 8 * 1024  # request line (64 KiB, as http.server) and headers
BACKLOG = 128
GRACEFUL_S = 15  # longer than a commit that waits out SQLite's 10 s busy timeout


def listen_socket(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A TCP listening socket on ``(host, port)``; ``OSError`` if it cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class _MaskTokens(logging.Filter):
    """Masks notify tokens in whatever uvicorn's loggers say."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = mask_url(text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


_MASK = _MaskTokens()
for _name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
    logging.getLogger(_name).addFilter(_MASK)


class ReceiverProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with an idle timeout, a head-size limit and a
    connection cap (see the module docstring). ``protocol_class`` makes a subclass
    with the limits set."""

    idle_timeout_s: float = 5.0
    max_connections: int = MAX_CONNECTIONS

    _refused = False
    _idle: asyncio.TimerHandle | None = None
    _last_read = 0.0  # loop time of the last bytes received (or of the last answer)
    _in_head = True  # between requests or inside a request head
    _head_bytes = 0
    _next_head = False  # a request ended inside the last chunk: the rest of it began another
    _partial = False  # part of a request has arrived and not all of it

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.server_state.connections) >= self.max_connections:
            self._refused = True
            self.transport = transport
            log.warning(
                "too many connections (%d): one refused", len(self.server_state.connections)
            )
            transport.close()
            return
        super().connection_made(transport)
        self._last_read = self.loop.time()
        self._idle = self.loop.call_later(self.idle_timeout_s, self._idle_expired)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self._refused:
            return
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._last_read = self.loop.time()
        super().data_received(data)
        if self._next_head:
            # Where the next head began in this chunk is not known: it is counted from
            # the next chunk on (a chunk is at most 256 KiB; the limit guards memory).
            self._next_head = False
        elif self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._partial = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.scope.get("method") != "HEAD":
            cycle.transport = _OneWrite(self.transport)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        self._partial = False
        self._in_head = True
        self._head_bytes = 0
        self._next_head = True
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._last_read = self.loop.time()  # the idle time starts after the answer
        super().on_response_complete()

    def shutdown(self) -> None:
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and cycle.more_body:
            # Still sending its body: nothing of it was taken, nothing to finish.
            self.transport.close()
            return
        super().shutdown()

    # -- the idle timeout ---------------------------------------------------------------------
    # One timer per connection, re-armed only when it fires, rather than two more timers
    # moved on every request (uvicorn moves its keep-alive timer already). Not measured
    # on its own: the timers showed in the profile, and this costs nothing per request.

    def _waiting_for_the_application(self) -> bool:
        cycle = self.cycle
        if self.pipeline:
            return True
        return cycle is not None and not cycle.response_complete and not cycle.more_body

    def _idle_expired(self) -> None:
        self._idle = None
        if self.transport is None or self.transport.is_closing():
            return
        left = self._last_read + self.idle_timeout_s - self.loop.time()
        if left > 0 or self._waiting_for_the_application():
            # Not idle that long, or the request is complete and being answered.
            self._idle = self.loop.call_later(max(left, 0.05), self._idle_expired)
            return
        if self._partial:
            peer = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
            log.info("%s sent an incomplete request, then nothing: closed", peer)
        self.transport.close()

    def _refuse_head(self) -> None:
        body = b'{"ok": false, "error": "request head too large"}'
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\ncontent-length: "
            + str(len(body)).encode("ascii")
            + b"\r\nconnection: close\r\n\r\n"
            + body
        )
        self.transport.close()


class _OneWrite:
    """A connection's transport as one request's answer sees it: the head is held back
    and written with the body, one ``send`` per answer instead of two (uvicorn writes
    them separately). Measured with a trivial application under the benchmark's load:
    84-128 us of server CPU per request with it, 88-142 us without (noisy, shared
    machine); the old server's figures had shown the same for its own writes.
    Not used for HEAD requests, whose answers have no body write."""

    __slots__ = ("_head", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head: bytes | None = None

    def write(self, data: bytes) -> None:
        if (
            self._head is None
            and data.startswith(b"HTTP/1.1 ")
            and not data.startswith(b"HTTP/1.1 100 ")
        ):
            self._head = data
            return
        if self._head is not None:
            data, self._head = self._head + data, None
        self._transport.write(data)

    def close(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def protocol_class(*, idle_timeout_s: float, max_connections: int) -> type[ReceiverProtocol]:
    """A ``ReceiverProtocol`` with these limits (uvicorn makes one per connection)."""
    attrs: dict[str, Any] = {
        "idle_timeout_s": float(idle_timeout_s),
        "max_connections": int(max_connections),
    }
    return cast(type[ReceiverProtocol], type("ReceiverProtocol", (ReceiverProtocol,), attrs))


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


class ServerThread:
    """uvicorn serving ``app`` on ``sock`` from a daemon thread named ``name``."""

    def __init__(
        self,
        app: Callable[..., Any],
        sock: socket.socket,
        *,
        name: str = "receiver",
        idle_timeout_s: float = 5.0,
        max_connections: int = MAX_CONNECTIONS,
        server_header: str = "",
        graceful_s: int = GRACEFUL_S,
    ) -> None:
        self.sock = sock
        config = uvicorn.Config(
            app,
            http=protocol_class(idle_timeout_s=idle_timeout_s, max_connections=max_connections),
            loop="asyncio",
            lifespan="off",
            ws="none",
            interface="asgi3",
            log_config=None,
            access_log=False,
            server_header=False,
            headers=[("server", server_header)] if server_header else [],
            proxy_headers=False,
            timeout_keep_alive=max(1, math.ceil(idle_timeout_s)),
            timeout_graceful_shutdown=graceful_s,
            backlog=BACKLOG,
        )
        config.load()
        config.loaded_app = app  # as given: no TRACE message logger (it would log the path)
        self.server = _Server(config)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self, timeout: float = 30.0) -> None:
        """Serve; returns once uvicorn is accepting (the socket listens already)."""
        self._thread.start()
        self.server.ready.wait(timeout)
        if not self._thread.is_alive() and not self.server.started:
            raise RuntimeError("the HTTP server stopped as it started (see the log)")

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except BaseException:  # SystemExit from a failed startup included
            log.exception("the HTTP server failed; it stops")
        finally:
            self.server.ready.set()
            with contextlib.suppress(OSError):
                self.sock.close()

    def stop(self, timeout: float = GRACEFUL_S + 5.0) -> None:
        """Stop accepting, finish the requests already read, close every connection."""
        self.server.should_exit = True
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self.sock.close()

    @property
    def serving(self) -> bool:
        return self._thread.is_alive()

    def connections(self) -> Sequence[Any]:
        """The open connections' sockets (for tests)."""
        for _ in range(10):
            try:
                protocols = list(self.server.server_state.connections)
                break
            except RuntimeError:  # the set changed meanwhile on the server's thread
                continue
        else:
            return []
        return [p.transport.get_extra_info("socket") for p in protocols if p.transport is not None]
