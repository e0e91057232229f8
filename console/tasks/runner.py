"""Runs work off the GUI thread on named thread pools and hands results back to slots.

Pools: ``api`` (a few threads: platform calls), ``journal`` (exactly one: the
one thread that talks to SQLite for the window) and ``secrets`` (one: keyring
calls can block on D-Bus or an unlock prompt).

Results go to **bound methods of QObjects** (``@Slot`` methods) and nothing
else: a lambda or ``partial`` connected to a signal emitted from a worker
thread runs *in that worker thread*, which is how Qt apps crash. ``submit``
refuses anything else.

With ``synchronous=True`` the work runs inline on the calling thread and the
slots are called before ``submit`` returns: most GUI tests use it so a click
has its full effect by the time the next line runs.
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")

POOL_API = "api"
POOL_JOURNAL = "journal"
POOL_SECRETS = "secrets"
API_THREADS = 4

ResultSlot = Callable[[Any, Any], None]


class TaskSignals(QObject):
    """How one task reports back; created on the GUI thread, emitted from the worker.

    Signals: ``settled(task_id)`` (the work is over: emitted before its result),
    ``succeeded(context, value)``, ``failed(context, exception)``,
    ``progressed(context, value)`` and ``finished(task_id)`` (always last).
    """

    settled = Signal(int)
    succeeded = Signal(object, object)
    failed = Signal(object, object)
    progressed = Signal(object, object)
    finished = Signal(int)


@dataclass
class Task:
    """A submitted piece of work. ``cancel()`` asks it to stop at its next check."""

    id: int
    pool: str
    context: Any
    signals: TaskSignals
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self.cancel_event.set()


def _require_slot(fn: Callable[..., Any] | None, what: str) -> None:
    if fn is None:
        return
    owner = getattr(fn, "__self__", None)
    if not isinstance(owner, QObject):
        raise TypeError(
            f"{what} must be a bound method of a QObject (a @Slot): a lambda or partial "
            "would run on the worker thread"
        )


def _execute(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    task: Task,
) -> None:
    """Body of every task, on the worker thread (or inline when synchronous)."""
    signals = task.signals
    try:
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # every failure reaches the GUI as `failed`
            signals.settled.emit(task.id)
            signals.failed.emit(task.context, exc)
        else:
            # The runner forgets the task before its result is shown: a slot that
            # shows "Connected" must not leave the task listed as running, or the
            # next click ("Open") would be refused as "work is still running".
            signals.settled.emit(task.id)
            signals.succeeded.emit(task.context, value)
    finally:
        signals.finished.emit(task.id)


class TaskRunner(QObject):
    """Named thread pools, task bookkeeping, cancellation and an ordered shutdown.

    Signals: ``busy_changed(bool)`` — whether any ``api`` or ``secrets`` task
    is running (the window's busy indicator and Cancel button follow it).
    """

    busy_changed = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        synchronous: bool = False,
        api_threads: int = API_THREADS,
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pools: dict[str, QThreadPool] = {}
        for name, threads in (
            (POOL_API, api_threads),
            (POOL_JOURNAL, 1),
            (POOL_SECRETS, 1),
        ):
            pool = QThreadPool(self)
            pool.setObjectName(name)
            pool.setMaxThreadCount(threads)
            # Threads never expire: the journal thread stays the same thread.
            pool.setExpiryTimeout(-1)
            self._pools[name] = pool
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}  # running: not yet settled
        self._signals: dict[int, TaskSignals] = {}  # alive until ``finished``
        self._busy = False
        self._closed = False

    # -- submitting -----------------------------------------------------------

    def submit(
        self,
        pool: str,
        fn: Callable[..., Any],
        *args: Any,
        on_success: ResultSlot | None = None,
        on_failure: ResultSlot | None = None,
        on_progress: ResultSlot | None = None,
        context: Any = None,
        cancellable: bool = False,
    ) -> Task:
        """Run ``fn(*args)`` on ``pool``; its result goes to ``on_success(context, value)``,
        an exception to ``on_failure(context, exc)``.

        ``cancellable`` passes ``cancel=<threading.Event>`` to ``fn``;
        ``on_progress`` passes ``progress=<callable(value)>``, whose values go to
        ``on_progress(context, value)`` on the GUI thread.
        """
        if pool not in self._pools:
            raise ValueError(f"unknown pool {pool!r}")
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        for slot, what in (
            (on_success, "on_success"),
            (on_failure, "on_failure"),
            (on_progress, "on_progress"),
        ):
            _require_slot(slot, what)
        signals = TaskSignals(self)  # parented: only the GUI thread ever deletes it
        task = Task(next(self._ids), pool, context, signals)
        if on_success is not None:
            signals.succeeded.connect(on_success)
        if on_failure is not None:
            signals.failed.connect(on_failure)
        else:
            signals.failed.connect(self._log_failure)
        kwargs: dict[str, Any] = {}
        if cancellable:
            kwargs["cancel"] = task.cancel_event
        if on_progress is not None:
            signals.progressed.connect(on_progress)
            kwargs["progress"] = functools.partial(signals.progressed.emit, context)
        signals.settled.connect(self._on_settled)
        signals.finished.connect(self._on_finished)
        self._tasks[task.id] = task
        self._signals[task.id] = signals
        self._update_busy()
        job = functools.partial(_execute, fn, args, kwargs, task)
        if self.synchronous:
            job()
        else:
            self._pools[pool].start(job)
        return task

    def call(self, pool: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """From a worker thread: run ``fn(*args, **kwargs)`` on ``pool`` and wait for its result.

        How platform work records to the journal on the journal thread. Never
        call it from the GUI thread (it blocks); when synchronous it runs inline.
        """
        if self.synchronous:
            return fn(*args, **kwargs)
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        self._pools[pool].start(run)
        return future.result()

    # -- state ------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def running(self, pool: str | None = None) -> list[Task]:
        return [t for t in self._tasks.values() if pool is None or t.pool == pool]

    def cancel_all(self) -> int:
        """Ask every running task to stop; returns how many were asked."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        return len(tasks)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel, drop queued platform work, and wait: api, secrets, then journal.

        The journal pool goes last so that platform work still finishing can
        record its outcome. Returns False if some pool did not finish in time.
        """
        self._closed = True
        self.cancel_all()
        self._pools[POOL_API].clear()  # not started = not sent = nothing to record
        done = True
        for name in (POOL_API, POOL_SECRETS, POOL_JOURNAL):
            if not self._pools[name].waitForDone(timeout_ms):
                log.warning("work on the %s pool did not finish within %s ms", name, timeout_ms)
                done = False
        return done

    # -- bookkeeping (GUI thread) ------------------------------------------------------

    @Slot(int)
    def _on_settled(self, task_id: int) -> None:
        if self._tasks.pop(task_id, None) is not None:
            self._update_busy()

    @Slot(int)
    def _on_finished(self, task_id: int) -> None:
        self._on_settled(task_id)  # a task whose settled signal was never delivered
        signals = self._signals.pop(task_id, None)
        if signals is not None:
            signals.deleteLater()

    @Slot(object, object)
    def _log_failure(self, context: Any, exc: BaseException) -> None:
        log.error("background task %r failed", context, exc_info=exc)

    def _update_busy(self) -> None:
        busy = any(t.pool != POOL_JOURNAL for t in self._tasks.values())
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
