"""What the window's panels share: the task runner, the open profile, questions, messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from console.tasks.environment import Environment
from console.tasks.runner import ResultSlot, Task, TaskRunner
from console.ui.dialogs import NoteRequest, Question, ask_note, confirm

LEVEL_INFO = "info"
LEVEL_OK = "ok"
LEVEL_WARN = "warn"
LEVEL_ERROR = "error"


@dataclass(frozen=True)
class Job:
    """A task's context: which environment it ran for, and the caller's own data."""

    generation: int
    data: Any = None


class Workspace(QObject):
    """Shared state of one window.

    Signals: ``environment_changed(object)`` — the new ``Environment`` (or
    None while none is open); ``message_posted(str, str)`` — a level
    (info/ok/warn/error) and a sentence for the status bar;
    ``journal_changed()`` — something was journalled that lists should show;
    ``order_requested(int, str)`` — open this order on this machine.

    ``confirm`` and ``ask_note`` are replaceable (tests answer for the user).
    """

    environment_changed = Signal(object)
    message_posted = Signal(str, str)
    journal_changed = Signal()
    order_requested = Signal(int, str)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.dialog_parent: QWidget | None = None
        self.confirm: Callable[[Question], bool] = lambda q: confirm(self.dialog_parent, q)
        self.ask_note: Callable[[NoteRequest], str | None] = lambda r: ask_note(
            self.dialog_parent, r
        )
        self._env: Environment | None = None
        self.generation = 0

    @property
    def env(self) -> Environment | None:
        return self._env

    def set_env(self, env: Environment | None) -> None:
        self._env = env
        self.generation += 1
        self.environment_changed.emit(env)

    def stale(self, job: Job) -> bool:
        """True for the result of a task started for an environment no longer open."""
        return job.generation != self.generation or self._env is None

    def submit(
        self,
        pool: str,
        fn: Callable[..., Any],
        *args: Any,
        on_success: ResultSlot | None = None,
        on_failure: ResultSlot | None = None,
        on_progress: ResultSlot | None = None,
        data: Any = None,
        cancellable: bool = False,
    ) -> Task:
        return self.runner.submit(
            pool,
            fn,
            *args,
            on_success=on_success,
            on_failure=on_failure,
            on_progress=on_progress,
            context=Job(self.generation, data),
            cancellable=cancellable,
        )

    def post(self, level: str, text: str) -> None:
        self.message_posted.emit(level, text)
