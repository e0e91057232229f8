"""Events on the sandbox clock (dispense outcomes, timeouts, order expiry), run on one thread."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from console.sandbox.clock import SandboxClock

log = logging.getLogger(__name__)

Event = Callable[[], None]


class Scheduler:
    """Runs each event once the sandbox clock reaches its time.

    When the clock is advanced from another thread, ``advance`` waits here until
    everything that became due has run, so a test sees the outcome right after.
    """

    def __init__(self, clock: SandboxClock, name: str = "sandbox-scheduler") -> None:
        self._clock = clock
        self._name = name
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, str, Event]] = []
        self._seq = itertools.count()
        self._running = False
        self._processed_upto = float("-inf")
        self._stopped = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        self._clock.add_listener(self._on_clock)

    def stop(self, timeout: float = 5.0) -> None:
        self._clock.remove_listener(self._on_clock)
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def call_at(self, due: float, name: str, event: Event) -> None:
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._seq), name, event))
            self._cond.notify_all()

    def call_later(self, delay: float, name: str, event: Event) -> None:
        self.call_at(self._clock.now() + delay, name, event)

    def pending(self) -> list[tuple[float, str]]:
        with self._cond:
            return sorted((due, name) for due, _, name, _ in self._heap)

    def busy(self) -> bool:
        """An event is running or due by the clock's current time."""
        with self._cond:
            return self._running or bool(self._heap and self._heap[0][0] <= self._clock.now())

    def _on_clock(self, now: float) -> None:
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return
        deadline = time.monotonic() + 10.0
        with self._cond:
            self._cond.notify_all()
            while not self._stopped and thread.is_alive() and self._processed_upto < now:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("sandbox scheduler did not catch up with the clock in time")
                    return
                self._cond.wait(left)

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                now = self._clock.now()
                if not (self._heap and self._heap[0][0] <= now):
                    self._processed_upto = now
                    self._cond.notify_all()
                    wait = 0.5
                    if self._heap and not self._clock.frozen:
                        wait = min(max(self._heap[0][0] - now, 0.001), 0.5)
                    self._cond.wait(wait)
                    continue
                _, _, name, event = heapq.heappop(self._heap)
                self._running = True
            try:
                event()
            except Exception:
                log.exception("sandbox event %s failed", name)
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()
