"""Keyring failure modes in the window: no backend, D-Bus down, a locked keyring.

The window and its profiles dialog run with the *real* ``KeyringStore`` (no
store injected), so what the operator sees is what keyring itself reports.
For each failure:

- opening a saved profile says plainly why it is not open and where to go
  (File ▸ Profiles… for the session-only choice), and the window stays usable;
- the profiles dialog says there is no usable keyring, does not let Save store
  anything until the operator explicitly ticks "this session only", and then
  keeps the secrets in memory; the profile then opens;
- no secret reaches any file under ``$VENDING_CONSOLE_HOME``.

"No backend" uses keyring's own fail backend; "D-Bus down" unsets
``DBUS_SESSION_BUS_ADDRESS`` or points it at a dead socket and lets keyring
pick its backend afresh. The locked keyring (keyring group) locks GNOME
Keyring's login collection with secretstorage.

Already in tests/gui/test_profiles.py and not repeated: the dialog with a
store that raises ``KeyringUnavailable`` (label, box, Save disabled, session
save), a profile without secrets that does not open.
"""

from __future__ import annotations

import gc
import secrets
from pathlib import Path

import keyring.core
import pytest

from console.app import ConsoleApp
from console.credentials import KeyringStore, MemoryStore, Profile, ProfileStore
from console.paths import app_paths
from console.sandbox import Sandbox
from tests.gui.conftest import LEFT, WAIT_MS, Asker, fill_profile

from .conftest import Figures
from .test_secrets import _unlock, real_keyring  # noqa: F401
from .test_window_secrets import _console

SESSION_HINT = "Profiles"


def _no_secret_in_files(home: Path, sandbox: Sandbox) -> int:
    c = sandbox.credentials
    files = [p for p in home.rglob("*") if p.is_file()]
    for p in files:
        data = p.read_bytes()
        assert c.app_secret.encode() not in data, p
        assert c.sign_key.encode() not in data, p
    return len(files)


def _open_fails(qtbot, app: ConsoleApp, name: str, says: str) -> str:
    """Opening ``name`` fails with a plain reason; the window goes back to the Sandbox."""
    window = app.window
    window.open_profile(name)
    qtbot.waitUntil(lambda: "is not open" in window.banner.text(), timeout=WAIT_MS)
    text = window.banner.text()
    assert says in text, text
    assert SESSION_HINT in text and "this session only" in text, text
    assert "Traceback" not in text
    assert window.ws.env is None
    assert window.statusBar().currentMessage() == text
    window.open_profile("Sandbox")  # still usable
    qtbot.waitUntil(lambda: window.banner.kind == "sandbox", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    return text


@pytest.mark.parametrize("mode", ["no backend", "D-Bus unset", "D-Bus dead socket"])
def test_without_a_usable_keyring_the_window_offers_session_only_and_never_a_file(
    qtbot,
    sandbox: Sandbox,
    asker: Asker,
    console_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: Figures,
    mode: str,
) -> None:
    # Let keyring choose its backend afresh in this environment (restored afterwards).
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # no keyringrc.cfg
    if mode == "no backend":
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    elif mode == "D-Bus unset":
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-such-bus'}")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)

    c = sandbox.credentials
    ProfileStore(app_paths().ensure().profiles_file).save(
        Profile("Shop", sandbox.base_url, c.appid)
    )
    app = _console(qtbot, sandbox, asker, None, None)  # the real KeyringStore
    window = app.window
    try:
        banner = _open_fails(qtbot, app, "Shop", "no usable OS keyring")

        dialog = window.profiles_dialog()
        qtbot.addWidget(dialog)
        qtbot.waitUntil(
            lambda: "No usable OS keyring" in dialog.backend_label.text(), timeout=WAIT_MS
        )
        label = dialog.backend_label.text()
        assert "will not be saved to disk" in label and "this session only" in label
        assert not dialog.session_check.isHidden() and not dialog.session_check.isChecked()
        fill_profile(dialog, sandbox, "Counter")
        assert not dialog.save_button.isEnabled()  # no silent fallback, no file
        dialog.save()  # even if it were called anyway: refused, nothing stored
        qtbot.waitUntil(lambda: "not saved" in dialog.result_label.text(), timeout=WAIT_MS)
        assert "no usable OS keyring" in dialog.result_label.text()
        assert "Counter" not in ProfileStore(app_paths().profiles_file).load()
        _no_secret_in_files(console_home, sandbox)

        # The operator's explicit choice: this session only.
        qtbot.mouseClick(dialog.session_check, LEFT)
        assert dialog.session_check.isChecked()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT_MS)
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(
            lambda: "saved; its secrets are in" in dialog.result_label.text(), timeout=WAIT_MS
        )
        assert "this session only" in dialog.result_label.text()
        assert app.secrets.session_only and isinstance(app.secrets.store(), MemoryStore)
        window.open_profile("Counter")
        qtbot.waitUntil(
            lambda: window.ws.env is not None and window.ws.env.profile.name == "Counter",
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: window.machines.model.rowCount() == 4, timeout=WAIT_MS)
    finally:
        app.shutdown()
    files = _no_secret_in_files(console_home, sandbox)
    assert files >= 3  # profiles, settings, journal at least
    key = "keyring.window_" + mode.lower().replace("-", "").replace(" ", "_")
    figures.record(
        key,
        "held",
        f"window: {banner.split(': ', 1)[1][:60]!r}…; dialog: Save disabled until "
        "'this session only' is ticked; nothing written in plaintext",
        held=True,
    )


@pytest.mark.keyring
@pytest.mark.usefixtures("real_keyring")
# keyring 25.7's SecretService backend leaves its D-Bus connection open when it raises
# KeyringLocked (get_preferred_collection); collected below, inside this test.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_a_locked_keyring_in_the_window(
    qtbot, sandbox: Sandbox, asker: Asker, console_home: Path, figures: Figures
) -> None:
    import secretstorage

    keyring_store = KeyringStore()
    saved = "Saved " + secrets.token_hex(3)
    second = "Second " + secrets.token_hex(3)
    app = _console(qtbot, sandbox, asker, None, None)
    window = app.window
    conn = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(conn)
    try:
        dialog = window.profiles_dialog()
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.store_usable, timeout=WAIT_MS)
        assert "OS keyring" in dialog.backend_label.text()
        fill_profile(dialog, sandbox, saved)  # saved while the keyring is open
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(
            lambda: "saved; its secrets are in" in dialog.result_label.text(), timeout=WAIT_MS
        )

        collection.lock()
        assert collection.is_locked()
        # Opening the saved profile: a plain reason, and the window stays usable.
        banner = _open_fails(qtbot, app, saved, "the keyring is locked")
        # Saving another profile: refused with the same reason, nothing half-saved.
        fill_profile(dialog, sandbox, second)
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: "not saved" in dialog.result_label.text(), timeout=WAIT_MS)
        result = dialog.result_label.text()
        assert "the keyring is locked: unlock it and try again" in result, result
        assert second not in ProfileStore(app_paths().profiles_file).load()
        assert not app.secrets.session_only  # never a silent switch to memory, or to a file
        _no_secret_in_files(console_home, sandbox)
    finally:
        if collection.is_locked():
            _unlock(collection)
        unlocked = not collection.is_locked()
        conn.close()
        app.shutdown()
        for name in (saved, second):
            for kind in ("app_secret", "sign_key", "notify_token"):
                keyring_store.delete(name, kind)
        gc.collect()
    assert unlocked, "could not unlock the keyring again"
    _no_secret_in_files(console_home, sandbox)
    figures.record(
        "keyring.window_locked",
        "held",
        f"window: {banner.split(': ', 1)[1][:60]!r}…; dialog: 'not saved: the keyring is "
        "locked'; nothing half-saved, nothing written in plaintext",
        held=True,
    )


@pytest.mark.keyring
@pytest.mark.usefixtures("real_keyring")
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_a_locked_keyring_offers_session_only_in_the_dialog(
    qtbot, sandbox: Sandbox, asker: Asker, console_home: Path
) -> None:
    import secretstorage

    name = "Locked " + secrets.token_hex(3)
    app = _console(qtbot, sandbox, asker, None, None)
    conn = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(conn)
    collection.lock()
    try:
        dialog = app.window.profiles_dialog()
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.store_usable, timeout=WAIT_MS)
        fill_profile(dialog, sandbox, name)
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: "not saved" in dialog.result_label.text(), timeout=WAIT_MS)
        offered = not dialog.session_check.isHidden()
    finally:
        _unlock(collection)
        conn.close()
        app.shutdown()
        gc.collect()
    assert offered
