"""The log pane: filters, details, curl, replay, export — and secrets masked everywhere."""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication

from tests.gui.conftest import (
    LEFT,
    WAIT_MS,
    callback_entries,
    choose_machine,
    log_entries,
    new_paid_order,
)


def walk_to_a_callback(qtbot, app) -> int:
    choose_machine(qtbot, app)
    order_id = new_paid_order(qtbot, app)
    qtbot.mouseClick(app.window.order_panel.dispense_all_button, LEFT)
    qtbot.waitUntil(lambda: bool(callback_entries(app, order_id)), timeout=WAIT_MS)
    return order_id


def select_entry(pane, predicate) -> None:
    for row in range(pane.model.rowCount()):
        entry = pane.model.entry(row)
        if entry is not None and predicate(entry):
            pane.view.selectRow(row)
            return
    raise AssertionError("no such log line")


def secrets_of(app, sandbox) -> list[str]:
    token = app.window.ws.env.ops.notify_url.rsplit("/", 1)[1]
    return [sandbox.credentials.app_secret, sandbox.credentials.sign_key, token]


def test_filters_details_and_curl(qtbot, console_app, sandbox):
    pane = console_app.window.log_pane
    order_id = walk_to_a_callback(qtbot, console_app)

    pane.kind_combo.setCurrentIndex(pane.kind_combo.findData("callback"))
    assert pane.model.rowCount() > 0
    assert all(e.kind == "callback" for e in log_entries(console_app))
    pane.kind_combo.setCurrentIndex(0)
    pane.order_edit.setText(str(order_id))
    pane.apply_filter()
    assert all(e.order_id == order_id for e in log_entries(console_app))
    assert {e.kind for e in log_entries(console_app)} >= {"request", "response", "callback"}

    select_entry(pane, lambda e: e.kind == "request" and "[order_set_status]" in e.summary)
    details = pane.details.toPlainText()
    assert '"AppSecret": "****"' in details
    assert '"status": 1' in details  # the decoded, signed payload
    assert pane.curl_button.isEnabled()
    qtbot.mouseClick(pane.curl_button, LEFT)
    curl = QGuiApplication.clipboard().text()
    assert curl.startswith("curl ") and "AppSecret: ****" in curl
    for secret in secrets_of(console_app, sandbox):
        assert secret not in curl


def test_replaying_a_callback_is_marked_as_a_replay(qtbot, console_app):
    pane = console_app.window.log_pane
    order_id = walk_to_a_callback(qtbot, console_app)
    first = callback_entries(console_app, order_id)[0]
    select_entry(pane, lambda e: e.callback_id == first.callback_id and e.kind == "callback")
    assert pane.replay_button.isEnabled()
    qtbot.mouseClick(pane.replay_button, LEFT)
    qtbot.waitUntil(
        lambda: any(
            f"REPLAY of #{first.callback_id}" in e.summary
            for e in callback_entries(console_app, order_id)
        ),
        timeout=WAIT_MS,
    )
    # A replay never counts as a new result: no second follow-up, no order change.
    assert console_app.window.tabs.tabText(1) == "Follow-ups (0)"


def test_export_writes_the_lines_shown_without_secrets(qtbot, console_app, sandbox, tmp_path):
    pane = console_app.window.log_pane
    walk_to_a_callback(qtbot, console_app)
    pane.kind_combo.setCurrentIndex(pane.kind_combo.findData("request"))
    shown = pane.model.rowCount()
    out = tmp_path / "log.jsonl"
    pane.export_to(str(out))
    qtbot.waitUntil(lambda: pane.export_button.isEnabled() and out.exists(), timeout=WAIT_MS)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == shown and all(json.loads(line)["kind"] == "request" for line in lines)
    text = out.read_text(encoding="utf-8")
    for secret in secrets_of(console_app, sandbox):
        assert secret not in text


def test_no_secret_appears_anywhere_in_the_log_pane(qtbot, console_app, sandbox):
    walk_to_a_callback(qtbot, console_app)
    secrets = secrets_of(console_app, sandbox)
    for entry in log_entries(console_app):
        blob = entry.summary + entry.curl + json.dumps(entry.detail, ensure_ascii=False)
        for secret in secrets:
            assert secret not in blob, entry.summary
    window = console_app.window
    assert secrets[2] not in window.receiver_label.text()
