"""The real window against the real sandbox and receiver over loopback.

``console_app`` builds the window through the composition root with a memory
secret store, the test's sandbox and (by default) the synchronous task runner,
and answers the window's questions through ``asker``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from console.app import ConsoleApp
from console.credentials import MemoryStore
from console.journal import Journal
from console.paths import app_paths
from console.sandbox import Sandbox
from console.tasks.logfeed import LogEntry
from console.ui.dialogs import NoteRequest, Question
from console.ui.profiles_dialog import ProfilesDialog

LOBBY = "16327129"
WAIT_MS = 15_000
LEFT = Qt.MouseButton.LeftButton


@dataclass
class Asker:
    """Stands in for the operator in front of confirmations and note dialogs."""

    answer: bool = True
    note: str | None = "refund ref R-1"
    questions: list[Question] = field(default_factory=list)
    notes: list[NoteRequest] = field(default_factory=list)

    def confirm(self, question: Question) -> bool:
        self.questions.append(question)
        return self.answer

    def ask_note(self, request: NoteRequest) -> str | None:
        self.notes.append(request)
        return self.note


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sb = Sandbox(device_cycle_s=0.2).start()
    yield sb
    sb.stop()


@pytest.fixture
def asker() -> Asker:
    return Asker()


def start_console(qtbot, app: ConsoleApp, asker: Asker) -> ConsoleApp:
    """Show ``app``'s window with ``asker`` answering its questions, start it, and wait
    until the Sandbox is open and its four machines are listed."""
    qtbot.addWidget(app.window)
    app.window.ws.confirm = asker.confirm
    app.window.ws.ask_note = asker.ask_note
    app.start()
    qtbot.waitUntil(lambda: app.window.ws.env is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    return app


@pytest.fixture
def make_console(qtbot, sandbox: Sandbox, asker: Asker) -> Iterator[Callable[..., ConsoleApp]]:
    made: list[ConsoleApp] = []

    def make(*, synchronous: bool = True, store: MemoryStore | None = None) -> ConsoleApp:
        app = ConsoleApp(
            paths=app_paths(),
            secret_store=store or MemoryStore(),
            sandbox=sandbox,
            synchronous=synchronous,
        )
        made.append(app)
        return start_console(qtbot, app, asker)

    yield make
    for app in made:
        app.shutdown()


@pytest.fixture
def console_app(make_console: Callable[..., ConsoleApp]) -> ConsoleApp:
    return make_console()


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> QTimer:
    """Act on the next modal dialog of ``kind`` once it is open.

    Mnemonics click buttons through ``animateClick`` (about 100 ms later) and
    ``exec()`` runs its own loop, so the dialog is looked for on a timer.
    """
    timer = QTimer()
    timer.setInterval(20)

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            timer.stop()
            act(dialog)

    timer.timeout.connect(check)
    timer.start()
    return timer


def fill_profile(dialog: ProfilesDialog, sandbox: Sandbox, name: str = "Shop test") -> None:
    """Start a new profile in the dialog: ``name``, the sandbox's URL and its secrets."""
    creds = sandbox.credentials
    dialog.new_profile()
    dialog.name_edit.setText(name)
    dialog.base_url_edit.setText(sandbox.base_url)
    dialog.appid_edit.setText(creds.appid)
    dialog.app_secret_edit.setText(creds.app_secret)
    dialog.sign_key_edit.setText(creds.sign_key)


def file_journal(app: ConsoleApp) -> Journal:
    """A second reader of the journal file the window writes, scoped as the window's
    (its profile and platform). Close it when done."""
    env = app.window.ws.env
    assert env is not None, "no profile is open"
    mine = env.journal
    return Journal.open(
        app_paths().journal_file, mine.profile_name, platform=mine.platform, adopt=False
    )


def log_entries(app: ConsoleApp) -> list[LogEntry]:
    model = app.window.log_pane.model
    return [e for e in (model.entry(i) for i in range(model.rowCount())) if e is not None]


def callback_entries(app: ConsoleApp, order_id: int) -> list[LogEntry]:
    return [e for e in log_entries(app) if e.kind == "callback" and e.order_id == order_id]


def choose_machine(qtbot, app: ConsoleApp, machine_no: str = LOBBY) -> None:
    """Click the machine's row in the list."""
    panel = app.window.machines
    for row in range(panel.proxy.rowCount()):
        if panel.proxy.index(row, 1).data() == machine_no:
            rect = panel.view.visualRect(panel.proxy.index(row, 0))
            qtbot.mouseClick(panel.view.viewport(), LEFT, pos=rect.center())
            break
    qtbot.waitUntil(lambda: app.window.order_panel.machine_no == machine_no, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.window.order_panel.products_ready, timeout=WAIT_MS)


def new_paid_order(qtbot, app: ConsoleApp, product_id: int = 501) -> int:
    """Create an order on the chosen machine and mark it paid; returns its id."""
    panel = app.window.order_panel
    panel.create_order(product_id, 1)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    assert panel.view is not None
    order_id = panel.view.order.order_id
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.order.status == "SUCCESS",
        timeout=WAIT_MS,
    )
    return order_id
