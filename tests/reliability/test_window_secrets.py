"""Secrets: a whole window session, then every file, the log pane and the window searched.

A session as an operator has it, on the real window with its thread pools and
logging at debug level (``setup_logging`` as ``vending-console`` sets it up,
its stream at DEBUG), against a sandbox with fresh random secrets so a hit
cannot be a coincidence:

the profiles dialog (a connection test with a wrong AppSecret, then a profile
saved with the real secrets, a connection test with the stored ones), the
profile opened, an order created, marked paid and dispensed, a jammed dispense
and its follow-up refunded and resolved, an injected platform fault, a test
dispense from the Troubleshoot tab (it sends the notify URL to the platform),
a callback replayed and a request copied as curl from the log pane, the log
pane exported to a file, and the window closed (settings written).

Then the AppSecret, the sign key and the notify token (as is, upper case, lower
case and percent-encoded) are searched for in: every file under
``$VENDING_CONSOLE_HOME`` (profiles, window settings ini, journal and its WAL,
log file, the export), the debug-level log stream, every line of the log
pane's model (summary, details, curl, search text), everything the status bar
was given, the clipboard, and the text of every label and field of the window
and the profiles dialog. Zero hits. The notify URL the window shows is masked.

The secrets live in a ``MemoryStore`` (the "this session only" choice) or, in
the keyring group, in GNOME Keyring through the real Secret Service.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from console.app import ConsoleApp
from console.credentials import KeyringStore, MemoryStore
from console.logsetup import setup_logging
from console.paths import app_paths
from console.sandbox import Sandbox
from console.tasks.logfeed import LogEntry
from tests.gui.conftest import (
    LEFT,
    WAIT_MS,
    Asker,
    choose_machine,
    log_entries,
    new_paid_order,
    start_console,
)
from tests.gui.test_failures import apply_paid
from tests.gui.test_troubleshoot_view import open_view, run_test_dispense

from .conftest import Figures
from .test_secrets import (  # noqa: F401
    _file_hits,
    _sandbox_with_fresh_secrets,
    _variants,
    real_keyring,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CANTEEN = "16327132"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """The sandbox with random secrets for this test only."""
    sb = _sandbox_with_fresh_secrets().start()
    yield sb
    sb.stop()


class Session:
    """What the session showed and handed out besides files: searched afterwards."""

    def __init__(self) -> None:
        self.posted: list[str] = []
        self.clipboard: list[str] = []
        self.widget_texts: list[str] = []


def _texts(widget: QWidget) -> list[str]:
    out = []
    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QLabel | QLineEdit | QAbstractButton):
            out.append(w.text())
        if isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        out.append(w.toolTip())
    out.append(widget.windowTitle())
    return out


def _entry_text(e: LogEntry) -> str:
    return "\n".join(
        (e.summary, json.dumps(e.detail, ensure_ascii=False, default=str), e.curl, e.search_text)
    )


def _run_session(
    qtbot, app: ConsoleApp, sandbox: Sandbox, asker: Asker, name: str, home: Path, s: Session
) -> None:
    window = app.window
    window.ws.message_posted.connect(lambda _level, text: s.posted.append(text))
    creds = sandbox.credentials

    # The profiles dialog: a wrong secret first, then the profile saved and tested.
    dialog = window.profiles_dialog()
    qtbot.addWidget(dialog)
    dialog.confirm = lambda question: True
    qtbot.waitUntil(lambda: dialog.store_usable, timeout=WAIT_MS)
    dialog.new_profile()
    dialog.name_edit.setText(name)
    dialog.base_url_edit.setText(sandbox.base_url)
    dialog.appid_edit.setText(creds.appid)
    dialog.app_secret_edit.setText("0" * 40)
    dialog.sign_key_edit.setText(creds.sign_key)
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "failed" in dialog.result_label.text(), timeout=WAIT_MS)
    assert "code 4009" in dialog.result_label.text()
    dialog.app_secret_edit.setText(creds.app_secret)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(
        lambda: "saved; its secrets are in" in dialog.result_label.text(), timeout=WAIT_MS
    )
    qtbot.waitUntil(
        lambda: (
            dialog.current_name() == name and "stored" in dialog.app_secret_edit.placeholderText()
        ),
        timeout=WAIT_MS,
    )
    assert dialog.app_secret_edit.text() == "" and dialog.sign_key_edit.text() == ""
    qtbot.mouseClick(dialog.test_button, LEFT)  # with the stored secrets
    qtbot.waitUntil(lambda: "Connected" in dialog.result_label.text(), timeout=WAIT_MS)
    s.widget_texts += _texts(dialog)

    # The profile opened: a test environment, its receiver's URL shown masked.
    qtbot.waitUntil(lambda: window.profile_combo.findData(name) >= 0, timeout=WAIT_MS)
    window.open_profile(name)
    qtbot.waitUntil(
        lambda: window.ws.env is not None and window.ws.env.profile.name == name, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    assert window.banner.kind == "test"
    assert window.receiver_label.text().endswith("/notify/****"), window.receiver_label.text()

    # An order created, paid, dispensed; its callback in the log pane.
    panel = window.order_panel
    choose_machine(qtbot, app)
    new_paid_order(qtbot, app)
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert "dropped" in panel.message_label.text()

    # A jammed dispense: its follow-up refunded, then resolved.
    new_paid_order(qtbot, app)
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    qtbot.mouseClick(panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (1)", timeout=WAIT_MS)
    followups = window.followups
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: followups.refund_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(followups.refund_button, LEFT)
    qtbot.waitUntil(lambda: followups.resolve_button.isEnabled(), timeout=WAIT_MS)
    asker.note = "refunded via WeChat Pay, ref 4200001"
    qtbot.mouseClick(followups.resolve_button, LEFT)
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Follow-ups (0)", timeout=WAIT_MS)
    window.tabs.setCurrentIndex(0)

    # A platform fault: an HTML error page instead of an answer (an unpaid order marked paid).
    sandbox.inject("order_set_status:html#1")
    panel.order_edit.setText(str(sandbox.demo_order("unpaid")))
    panel.open_typed_order()
    qtbot.waitUntil(lambda: not panel.busy and panel.view is not None, timeout=WAIT_MS)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(1))
    qtbot.mouseClick(panel.apply_button, LEFT)
    qtbot.waitUntil(lambda: "was not set" in panel.message_label.text(), timeout=WAIT_MS)
    apply_paid(qtbot, panel)

    # A test dispense: the notify URL (with its token) goes to the platform.
    view = open_view(qtbot, app, CANTEEN)
    run_test_dispense(qtbot, view, "A10")
    assert view.last_test is not None and view.last_test.result == "dropped"
    window.tabs.setCurrentIndex(0)

    # The log pane: a callback replayed, a request copied as curl, everything exported.
    pane = window.log_pane
    window.drain()
    rows = [pane.model.entry(i) for i in range(pane.model.rowCount())]
    callback_row = next(
        i for i, e in enumerate(rows) if e and e.kind == "callback" and e.callback_id is not None
    )
    pane.view.selectRow(callback_row)
    assert pane.replay_button.isEnabled()
    qtbot.mouseClick(pane.replay_button, LEFT)
    qtbot.waitUntil(lambda: any("replayed" in t for t in s.posted), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: any("REPLAY of #" in e.summary for e in log_entries(app)), timeout=WAIT_MS
    )
    request_row = next(
        i for i, e in enumerate(rows) if e and e.kind == "request" and "[order_create]" in e.summary
    )
    pane.view.selectRow(request_row)
    qtbot.mouseClick(pane.curl_button, LEFT)
    s.clipboard.append(QApplication.clipboard().text())
    assert s.clipboard[-1].startswith("curl ") and "AppSecret" in s.clipboard[-1]
    s.clipboard.append(pane.details.toPlainText())
    exports = home / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    pane.export_to(str(exports / "console-log.jsonl"))
    qtbot.waitUntil(lambda: any("Exported" in t for t in s.posted), timeout=WAIT_MS)
    s.widget_texts += _texts(window)


def _search_everything(
    app: ConsoleApp, home: Path, debug_log: str, s: Session, needles: dict[str, str]
) -> tuple[list[str], dict[str, int]]:
    variants = _variants(needles)
    hits, files, size = _file_hits(home, variants)

    def look(where: str, text: str) -> None:
        for name, vs in variants.items():
            if any(v in text for v in vs):
                hits.append(f"{name} in {where}: {text[:200]!r}")

    for line in debug_log.splitlines():
        look("the debug log", line)
    entries = log_entries(app)
    for e in entries:
        look("the log pane", _entry_text(e))
    for text in s.posted:
        look("the status bar", text)
    for text in s.clipboard:
        look("the clipboard / details view", text)
    for text in s.widget_texts:
        look("a widget", text)
    return hits, {
        "files": files,
        "bytes": size,
        "debug_lines": len(debug_log.splitlines()),
        "log_pane": len(entries),
        "texts": len(s.posted) + len(s.clipboard) + len(s.widget_texts),
    }


def _console(qtbot, sandbox: Sandbox, asker: Asker, store, log_filter) -> ConsoleApp:
    app = ConsoleApp(
        paths=app_paths(),
        secret_store=store,
        sandbox=sandbox,
        synchronous=False,
        log_filter=log_filter,
    )
    return start_console(qtbot, app, asker)


@pytest.fixture
def debug_logging() -> Iterator[tuple[io.StringIO, logging.Filter]]:
    """Logging as the window's entry point sets it up, plus a stream at DEBUG."""
    root = logging.getLogger("console")
    level, handlers = root.level, list(root.handlers)
    stream = io.StringIO()
    log_filter = setup_logging(app_paths().ensure(), stream=stream, stream_level=logging.DEBUG)
    yield stream, log_filter
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _whole_session(
    qtbot, sandbox, asker, console_home: Path, debug_logging, figures: Figures, *, store, prefix
) -> None:
    stream, log_filter = debug_logging
    name = "Shop " + secrets.token_hex(3)
    app = _console(qtbot, sandbox, asker, store, log_filter)
    s = Session()
    try:
        _run_session(qtbot, app, sandbox, asker, name, console_home, s)
        secret_store = app.secrets.store()
        assert isinstance(secret_store, MemoryStore if store is not None else KeyringStore)
        token = secret_store.get(name, "notify_token")
        assert token and len(token) >= 16
        assert app.window.ws.env is not None
        notify_url = app.window.ws.env.ops.notify_url  # the one the platform was given
        assert token in notify_url
    finally:
        app.shutdown()  # the window's settings are written here
    c = sandbox.credentials
    # The session really happened and left its files behind.
    assert (console_home / "config" / "console.ini").is_file()
    assert name in (console_home / "config" / "console.ini").read_text(encoding="utf-8")
    assert (console_home / "data" / "journal.sqlite3").stat().st_size > 0
    assert app.paths.log_file.stat().st_size > 0
    exported = (console_home / "exports" / "console-log.jsonl").read_text(encoding="utf-8")
    assert len(exported.splitlines()) > 50
    assert sum(1 for e in log_entries(app) if e.kind == "callback") >= 4
    assert "DEBUG" in stream.getvalue()

    hits, searched = _search_everything(
        app,
        console_home,
        stream.getvalue(),
        s,
        {"AppSecret": c.app_secret, "sign key": c.sign_key, "notify token": token},
    )
    assert hits == []
    # The search does find a secret where one is: the notify URL the platform was given.
    control = Session()
    control.posted.append(notify_url)
    assert _search_everything(app, console_home, "", control, {"notify token": token})[0]
    figures.record(
        f"{prefix}.files", searched["files"], "files searched under $VENDING_CONSOLE_HOME"
    )
    figures.record(f"{prefix}.bytes", searched["bytes"], "bytes searched in those files")
    figures.record(
        f"{prefix}.debug_lines", searched["debug_lines"], "debug-level log lines searched"
    )
    figures.record(
        f"{prefix}.log_pane", searched["log_pane"], "log pane lines searched (with their details)"
    )
    figures.record(
        f"{prefix}.texts",
        searched["texts"],
        "status-bar messages, clipboard/details texts and widget texts searched",
    )
    figures.record(
        f"{prefix}.hits", len(hits), "AppSecret / sign key / notify token found", held=True
    )
    return None


def test_a_window_session_leaks_no_secret(
    qtbot, sandbox, asker, console_home: Path, debug_logging, figures: Figures
) -> None:
    _whole_session(
        qtbot, sandbox, asker, console_home, debug_logging, figures,
        store=MemoryStore(), prefix="secrets.window",
    )  # fmt: skip


@pytest.mark.keyring
@pytest.mark.usefixtures("real_keyring")
def test_a_window_session_with_the_os_keyring_leaks_no_secret(
    qtbot, sandbox, asker, console_home: Path, debug_logging, figures: Figures
) -> None:
    keyring = KeyringStore()
    names: list[str] = []
    try:
        _whole_session(
            qtbot, sandbox, asker, console_home, debug_logging, figures,
            store=None, prefix="secrets.window_keyring",
        )  # fmt: skip
    finally:
        profiles = json.loads((console_home / "config" / "profiles.json").read_text())
        names = [p["name"] for p in profiles["profiles"]]
        for name in names:
            for kind in ("app_secret", "sign_key", "notify_token"):
                keyring.delete(name, kind)
    assert names and all(keyring.get(n, "app_secret") is None for n in names)
