"""The real OS keyring (GNOME Keyring's Secret Service), through the profiles dialog.

Run inside a private D-Bus session with an unlocked keyring:
``dbus-run-session -- scripts/with-keyring.sh .venv/bin/pytest -m keyring tests/gui``
"""

from __future__ import annotations

import os
import uuid

import pytest

from console.credentials import KeyringStore, ProfileStore
from console.paths import app_paths
from console.tasks.environment import SecretsAccess
from console.tasks.runner import TaskRunner
from console.ui.profiles_dialog import ProfilesDialog
from tests.gui.conftest import LEFT, WAIT_MS, fill_profile

pytestmark = pytest.mark.keyring


@pytest.fixture
def runner():
    r = TaskRunner()  # the real secrets thread: keyring calls never run on the GUI thread
    yield r
    r.shutdown()


def test_profile_secrets_are_stored_read_back_and_deleted(qtbot, runner, sandbox):
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("no D-Bus session: run under dbus-run-session -- scripts/with-keyring.sh")
    profiles = ProfileStore(app_paths().ensure().profiles_file)
    dialog = ProfilesDialog(runner, profiles, SecretsAccess())
    qtbot.addWidget(dialog)
    dialog.confirm = lambda question: True
    qtbot.waitUntil(lambda: dialog.store_usable, timeout=WAIT_MS)
    assert "OS keyring" in dialog.backend_label.text()
    assert "SecretService" in dialog.backend_label.text()

    name = f"keyring-test-{uuid.uuid4().hex[:8]}"
    creds = sandbox.credentials
    fill_profile(dialog, sandbox, name)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: "saved" in dialog.result_label.text(), timeout=WAIT_MS)
    assert "OS keyring" in dialog.result_label.text()

    keyring = KeyringStore()
    assert keyring.get(name, "app_secret") == creds.app_secret
    assert keyring.get(name, "sign_key") == creds.sign_key
    assert creds.app_secret not in profiles.path.read_text(encoding="utf-8")

    # Read back through the dialog: the fields stay empty, the stored secrets are used.
    qtbot.waitUntil(lambda: dialog.current_name() == name, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            "stored" in dialog.app_secret_edit.placeholderText()
            and "stored" in dialog.sign_key_edit.placeholderText()
        ),
        timeout=WAIT_MS,
    )
    assert dialog.app_secret_edit.text() == ""
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: "Connected" in dialog.result_label.text(), timeout=WAIT_MS)

    qtbot.mouseClick(dialog.delete_button, LEFT)
    qtbot.waitUntil(lambda: "deleted" in dialog.result_label.text(), timeout=WAIT_MS)
    assert keyring.get(name, "app_secret") is None
    assert keyring.get(name, "sign_key") is None
    assert name not in profiles.load()
