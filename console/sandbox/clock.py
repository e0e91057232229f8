"""The sandbox's clock: real time plus an offset, or a frozen time only ``advance`` moves.

Tests freeze the clock and advance it instead of waiting 20 real minutes; every
listener (the sandbox's scheduler) is told and runs what became due before
``advance`` returns.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

ClockListener = Callable[[float], None]


class SandboxClock:
    """``now()`` in epoch seconds; ``advance(seconds)`` moves it forward."""

    def __init__(self, start: float | None = None, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._frozen = frozen
        real = time.time()
        self._fixed = float(start) if start is not None else float(int(real))
        self._offset = (float(start) - real) if (start is not None and not frozen) else 0.0
        self._listeners: list[ClockListener] = []

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> float:
        with self._lock:
            if self._frozen:
                return self._fixed
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward, run what became due, and return the new time."""
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"the clock only moves forward: advance({seconds!r})")
        with self._lock:
            if self._frozen:
                self._fixed += seconds
            else:
                self._offset += seconds
            listeners = list(self._listeners)
        now = self.now()
        for listener in listeners:
            listener(now)
        return now

    def add_listener(self, listener: ClockListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: ClockListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def __repr__(self) -> str:
        mode = "frozen" if self._frozen else "real-time"
        return f"SandboxClock({mode}, now={self.now():.3f})"
