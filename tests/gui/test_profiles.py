"""Profiles: the dialog, secrets kept out of files, no silent fallback, environment colours."""

from __future__ import annotations

import socket
import threading
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from console.credentials import KeyringUnavailable, MemoryStore, Profile, ProfileStore
from console.paths import app_paths
from console.tasks.environment import SecretsAccess, environment_kind, notify_target
from console.tasks.runner import TaskRunner
from console.ui.banner import EnvironmentBanner
from console.ui.order_panel import NewOrderDialog
from console.ui.profiles_dialog import ProfilesDialog
from tests.gui.conftest import LEFT, WAIT_MS, choose_machine, fill_profile, when_modal


@pytest.fixture
def runner():
    r = TaskRunner(synchronous=True)
    yield r
    r.shutdown()


def make_dialog(qtbot, runner, secrets: SecretsAccess) -> ProfilesDialog:
    dialog = ProfilesDialog(runner, ProfileStore(app_paths().ensure().profiles_file), secrets)
    qtbot.addWidget(dialog)
    dialog.confirm = lambda question: True
    return dialog


def test_saving_puts_secrets_in_the_store_and_nowhere_else(qtbot, runner, sandbox):
    store = MemoryStore()
    dialog = make_dialog(qtbot, runner, SecretsAccess(store))
    assert "this session only" in dialog.backend_label.text()
    fill_profile(dialog, sandbox)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "saved" in dialog.result_label.text()
    creds = sandbox.credentials
    assert store.get("Shop test", "app_secret") == creds.app_secret
    assert store.get("Shop test", "sign_key") == creds.sign_key
    text = app_paths().profiles_file.read_text(encoding="utf-8")
    assert "Shop test" in text
    assert creds.app_secret not in text and creds.sign_key not in text
    assert dialog.current_name() == "Shop test"
    assert "AppSecret stored" in dialog.app_secret_edit.placeholderText()


def test_test_connection_reports_latency_and_bad_secrets(qtbot, runner, sandbox):
    dialog = make_dialog(qtbot, runner, SecretsAccess(MemoryStore()))
    fill_profile(dialog, sandbox)
    qtbot.mouseClick(dialog.test_button, LEFT)
    assert "Connected" in dialog.result_label.text() and " ms" in dialog.result_label.text()
    dialog.app_secret_edit.setText("0" * 40)
    qtbot.mouseClick(dialog.test_button, LEFT)
    assert "failed" in dialog.result_label.text() and "code 4009" in dialog.result_label.text()


def test_bad_settings_are_explained_before_anything_is_stored(qtbot, runner, sandbox):
    store = MemoryStore()
    dialog = make_dialog(qtbot, runner, SecretsAccess(store))
    fill_profile(dialog, sandbox)
    dialog.base_url_edit.setText("http://example.com")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "only https" in dialog.result_label.text()
    fill_profile(dialog, sandbox, name="Sandbox")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "built-in" in dialog.result_label.text()
    assert store.get("Sandbox", "app_secret") is None


def no_keyring() -> MemoryStore:
    raise KeyringUnavailable("no usable OS keyring was found (keyring backend: fail Keyring).")


def test_without_a_keyring_it_says_so_and_offers_this_session_only(qtbot, runner, sandbox):
    secrets = SecretsAccess(keyring=no_keyring)
    dialog = make_dialog(qtbot, runner, secrets)
    assert "No usable OS keyring" in dialog.backend_label.text()
    assert not dialog.session_check.isHidden()
    fill_profile(dialog, sandbox)
    assert not dialog.save_button.isEnabled()  # no silent fallback
    dialog.session_check.setChecked(True)
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "this session only" in dialog.result_label.text()
    assert secrets.session_only
    assert secrets.store().get("Shop test", "app_secret") == sandbox.credentials.app_secret


def test_a_saved_profile_opens_with_its_environment_shown(qtbot, make_console, sandbox):
    app = make_console()
    window = app.window
    dialog = window.profiles_dialog()
    qtbot.addWidget(dialog)
    fill_profile(dialog, sandbox, name="Counter 2")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: window.profile_combo.findData("Counter 2") >= 0, timeout=WAIT_MS)
    window.profile_combo.setCurrentIndex(window.profile_combo.findData("Counter 2"))
    window.profile_combo.activated.emit(window.profile_combo.currentIndex())
    qtbot.waitUntil(lambda: window.banner.kind == "test", timeout=WAIT_MS)
    assert "Counter 2" in window.banner.text() and "TEST: Counter 2" in window.windowTitle()
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    assert app.settings.last_profile == "Counter 2"


def test_opening_a_profile_the_moment_its_test_says_connected_opens_it(
    qtbot, make_console, sandbox
):
    """Test connection, then Open as soon as "Connected" shows: the finished test must
    not still count as running work (it did, and the Open was silently refused)."""
    app = make_console(synchronous=False)  # real worker threads, as in the program
    window = app.window
    dialog = window.profiles_dialog()
    qtbot.addWidget(dialog)
    dialog.confirm = lambda question: True
    qtbot.waitUntil(lambda: dialog.store_usable, timeout=WAIT_MS)
    dialog.new_profile()
    fill_profile(dialog, sandbox, name="Counter 3")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: window.profile_combo.findData("Counter 3") >= 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=WAIT_MS)
    posted: list[str] = []
    window.ws.message_posted.connect(lambda _level, text: posted.append(text))
    show = dialog.result_label.setText

    def shown_then_open(text: str) -> None:  # the operator's click, right as it shows
        show(text)
        if text.startswith("Connected"):
            window.open_profile("Counter 3")

    dialog.result_label.setText = shown_then_open
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: window.banner.kind == "test", timeout=WAIT_MS)
    assert "Counter 3" in window.banner.text()
    assert not [p for p in posted if "still running" in p], posted


def test_a_profile_without_secrets_does_not_open_and_says_why(qtbot, make_console, sandbox):
    ProfileStore(app_paths().ensure().profiles_file).save(
        Profile("Half done", sandbox.base_url, sandbox.credentials.appid)
    )
    app = make_console()
    window = app.window
    window.open_profile("Half done")
    qtbot.waitUntil(lambda: "is not open" in window.banner.text(), timeout=WAIT_MS)
    assert "AppSecret" in window.banner.text() and "Profiles" in window.banner.text()
    assert window.ws.env is None
    window.open_profile("Sandbox")  # still usable
    qtbot.waitUntil(lambda: window.banner.kind == "sandbox", timeout=WAIT_MS)


def saved_profile(sandbox, name: str, **settings) -> MemoryStore:
    """A profile saved for the sandbox, its secrets in the store returned."""
    store = MemoryStore()
    creds = sandbox.credentials
    store.set(name, "app_secret", creds.app_secret)
    store.set(name, "sign_key", creds.sign_key)
    ProfileStore(app_paths().ensure().profiles_file).save(
        Profile(name, sandbox.base_url, creds.appid, **settings)
    )
    return store


def receiver_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("receiver")}


def test_a_profile_whose_receiver_port_is_taken_says_so_and_starts_nothing(
    qtbot, make_console, sandbox
):
    with socket.create_server(("127.0.0.1", 0)) as other_program:
        port = other_program.getsockname()[1]
        store = saved_profile(sandbox, "Shop", receiver_port=port)
        earlier = receiver_threads()
        app = make_console(store=store)
        window = app.window
        window.open_profile("Shop")
        qtbot.waitUntil(lambda: "is not open" in window.banner.text(), timeout=WAIT_MS)
        message = window.statusBar().currentMessage()
        assert "Shop" in message and f"cannot listen on port {port}" in message
        assert "another program is using it" in message and "Errno" not in message
        assert window.ws.env is None and window.receiver_label.text() == ""
        # The Sandbox's receiver was stopped on the switch, and no other one runs.
        assert receiver_threads() - earlier == set()
        assert window.profile_combo.isEnabled()

        window.open_profile("Sandbox")  # the window is still usable
        qtbot.waitUntil(lambda: window.banner.kind == "sandbox", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)

    # Once the other program lets the port go, the profile opens on it.
    window.open_profile("Shop")
    qtbot.waitUntil(lambda: window.banner.kind == "test", timeout=WAIT_MS)
    assert window.ws.env.receiver.port == port
    assert f":{port}/notify/" in window.receiver_label.text()


def test_orders_created_from_the_window_carry_the_profiles_public_notify_url(
    qtbot, make_console, sandbox
):
    store = saved_profile(sandbox, "Behind tunnel", public_notify_url="https://tunnel.example.com")
    app = make_console(store=store)
    window = app.window
    window.open_profile("Behind tunnel")
    qtbot.waitUntil(lambda: window.banner.kind == "test", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    token = store.get("Behind tunnel", "notify_token")
    assert token  # made and kept for the profile when it opened
    public = "https://tunnel.example.com/notify/" + token
    assert "tunnel.example.com/notify/" in window.receiver_label.text()
    assert token not in window.receiver_label.text()

    choose_machine(qtbot, app)
    panel = window.order_panel
    timer = when_modal(NewOrderDialog, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return))
    qtbot.mouseClick(panel.new_button, LEFT)
    qtbot.waitUntil(lambda: panel.view is not None and not panel.busy, timeout=WAIT_MS)
    assert not timer.isActive()
    order_id = panel.view.order.order_id
    assert sandbox.state.orders[order_id].notify_url == public
    (sent,) = sandbox.requests_for("order_create")
    assert sent.payload["notify_url"] == public  # not the loopback receiver's URL
    # The receiver itself still listens on this computer, with the same token.
    assert window.ws.env.receiver.url.endswith("/notify/" + token)


def test_production_is_shown_in_a_strong_colour(qtbot):
    shop = Profile("Shop", "https://www.awish.vip", "ds0123456789abcdef")
    assert environment_kind(shop) == "production"
    banner = EnvironmentBanner()
    qtbot.addWidget(banner)
    banner.show_env(SimpleNamespace(kind="production", profile=shop))
    assert banner.text().startswith("LIVE") and "Shop" in banner.text()
    assert "#b71c1c" in banner.styleSheet()


def test_the_public_notify_url_carries_the_receivers_token():
    assert notify_target("https://tunnel.example.com/", "t" * 20) == (
        "https://tunnel.example.com/notify/" + "t" * 20,
        "t" * 20,
    )
    full = "https://tunnel.example.com/notify/abcdefghijklmnop0123"
    assert notify_target(full, "ignored-token-000000") == (full, "abcdefghijklmnop0123")
