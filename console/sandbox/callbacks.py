"""The platform's POSTs to ``notify_url``: loopback only, from their own thread."""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from console.sandbox.clock import SandboxClock

log = logging.getLogger(__name__)

CALLBACK_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class CallbackLog:
    """One callback the platform produced: sent (``status``) or not (``error``)."""

    url: str
    body: dict[str, Any]
    status: int | None
    error: str
    at: float = 0.0


@dataclass(frozen=True)
class CallbackJob:
    url: str
    body: dict[str, Any]
    order_id: int | None = None
    record_id: int | None = None


def loopback_refusal(url: str) -> str:
    """Why ``url`` must not be contacted, or ``""`` when it is a loopback HTTP URL."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port  # raises on a bad port
    except ValueError as exc:
        return f"refused: bad URL ({exc})"
    if parts.scheme != "http":
        return f"refused: only http:// loopback URLs are contacted, not {parts.scheme or '?'}://"
    if host == "localhost":
        return ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return ""
    except ValueError:
        pass
    return f"refused: {host or '?'} is not a loopback host; the sandbox only calls 127.0.0.0/8, ::1, localhost"


def body_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def post_json(url: str, body: dict[str, Any], timeout: float) -> tuple[int | None, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout
    )
    try:
        conn.request(
            "POST",
            path,
            body=body_bytes(body),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "vending-sandbox-platform/1.0",
            },
        )
        resp = conn.getresponse()
        resp.read(65536)
        status = resp.status
        return status, "" if 200 <= status < 300 else f"HTTP {status} {resp.reason}"
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()


SentHook = Callable[[CallbackJob, int | None, str], None]


class CallbackSender:
    """Posts callbacks one after another on its own thread; logs every outcome."""

    def __init__(
        self,
        clock: SandboxClock,
        on_sent: SentHook,
        timeout: float = CALLBACK_TIMEOUT_S,
        name: str = "sandbox-callbacks",
    ) -> None:
        self._clock = clock
        self._on_sent = on_sent
        self._timeout = timeout
        self._name = name
        self._cond = threading.Condition()
        self._queue: deque[CallbackJob] = deque()
        self._pending = 0
        self._stopped = False
        self._logs: list[CallbackLog] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def logs(self) -> list[CallbackLog]:
        with self._cond:
            return list(self._logs)

    def record(self, job: CallbackJob, error: str) -> None:
        """Log a callback that is not sent (refused host, no URL, dropped by a fault)."""
        with self._cond:
            self._logs.append(CallbackLog(job.url, job.body, None, error, self._clock.now()))
            self._cond.notify_all()

    def submit(self, job: CallbackJob) -> None:
        refusal = loopback_refusal(job.url)
        if refusal:
            log.info("sandbox callback to %s %s", job.url, refusal)
            self.record(job, refusal)
            return
        with self._cond:
            self._queue.append(job)
            self._pending += 1
            self._cond.notify_all()

    def busy(self) -> bool:
        with self._cond:
            return self._pending > 0

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                job = self._queue.popleft()
            status: int | None = None
            error = ""
            try:
                status, error = post_json(job.url, job.body, self._timeout)
                self._on_sent(job, status, error)
            except Exception as exc:
                log.exception("sandbox callback to %s failed", job.url)
                error = error or f"{type(exc).__name__}: {exc}"
            finally:
                with self._cond:
                    self._logs.append(
                        CallbackLog(job.url, job.body, status, error, self._clock.now())
                    )
                    self._pending -= 1
                    self._cond.notify_all()
