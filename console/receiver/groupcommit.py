"""Group commit: the receiver's handler threads share one journal writer.

Each handler thread hands its parsed callback to the writer thread and waits
for it. The writer takes every callback waiting at that moment and journals
them in one transaction (``Journal.record_callbacks``): one ``COMMIT`` for a
burst instead of one per callback, and no handler threads queueing on the
journal's lock (measured on 2 cores: a callback's journal step went from
~330 µs under load to ~100 µs; see docs/performance.md).

Nothing is delayed on purpose: a callback that arrives while the writer is idle
is committed at once; batches form only while a commit is running. The handler
still answers 200 only once *its* callback is committed. If a batch cannot be
committed, each callback in it is tried on its own, so one bad callback costs
only its own 500.
"""

from __future__ import annotations

import logging
import queue
import threading

from console.journal import CallbackArrival, CallbackRow, Journal

log = logging.getLogger(__name__)

MAX_BATCH = 256


class _Pending:
    __slots__ = ("arrival", "done", "error", "row")

    def __init__(self, arrival: CallbackArrival) -> None:
        self.arrival = arrival
        self.row: CallbackRow | None = None
        self.error: Exception | None = None
        self.done = threading.Lock()
        self.done.acquire()  # released by the writer once this callback is settled


class GroupCommit:
    """``record(arrival)`` journals a callback and returns its row, committed.

    Between ``start()`` and ``stop()`` the work is done by the writer thread;
    outside them (or after ``stop``) ``record`` writes directly. Thread-safe.
    """

    def __init__(self, journal: Journal, *, max_batch: int = MAX_BATCH) -> None:
        self.journal = journal
        self.max_batch = max(1, int(max_batch))
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._state = threading.Lock()
        self._running = False
        self._thread: threading.Thread | None = None
        self._waiting = 0
        self.batches = 0  # commits made by the writer (for tests and benchmarks)
        self.largest_batch = 0

    def start(self) -> None:
        with self._state:
            if self._running:
                return
            self._running = True
            self._thread = threading.Thread(target=self._run, name="receiver-journal", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Commit what is waiting, then stop the writer (idempotent)."""
        with self._state:
            if not self._running:
                return
            self._running = False
            thread, self._thread = self._thread, None
            # Every record() put its callback before this, under the same lock:
            # the writer meets the sentinel only after committing all of them.
            self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def record(self, arrival: CallbackArrival) -> CallbackRow:
        """Journal ``arrival``; returns once it is committed. Raises what the journal raised."""
        pending = _Pending(arrival)
        with self._state:
            queued = self._running
            if queued:
                self._waiting += 1
                self._queue.put(pending)
        if not queued:
            return self._record_one(arrival)
        pending.done.acquire()
        if pending.error is not None:
            raise pending.error
        assert pending.row is not None
        return pending.row

    @property
    def waiting(self) -> int:
        """Callbacks handed to the writer and not settled yet."""
        with self._state:
            return self._waiting

    def _record_one(self, a: CallbackArrival) -> CallbackRow:
        return self.journal.record_callback(
            a.callback, remote=a.remote, replay_of=a.replay_of, content_type=a.content_type
        )

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            batch: list[_Pending] = []
            if first is None:
                stopping = True
            else:
                batch.append(first)
            while not stopping and len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            try:
                rows = self.journal.record_callbacks([p.arrival for p in batch])
            except Exception as exc:
                if len(batch) == 1:
                    batch[0].error = exc
                    return
                log.warning(
                    "a batch of %d callbacks could not be committed; trying each on its own",
                    len(batch),
                    exc_info=True,
                )
                self._one_by_one(batch)
                return
            for p, row in zip(batch, rows, strict=True):
                p.row = row
            self.batches += 1
            self.largest_batch = max(self.largest_batch, len(batch))
        except Exception as exc:  # never let the writer die: its callers would wait forever
            log.exception("group commit failed")
            for p in batch:
                if p.row is None and p.error is None:
                    p.error = exc
        finally:
            with self._state:
                self._waiting -= len(batch)
            for p in batch:
                p.done.release()

    def _one_by_one(self, batch: list[_Pending]) -> None:
        for p in batch:
            try:
                p.row = self._record_one(p.arrival)
            except Exception as exc:
                p.error = exc
