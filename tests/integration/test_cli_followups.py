"""End to end with the sandbox: `vendctl listen` journals callbacks; a fault opens a
follow-up; it is refunded on the platform and resolved — all through the CLI."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.core.faults import fault_meaning
from console.sandbox import Sandbox

from .conftest import CANTEEN, LOBBY
from .test_cli import VENDCTL, vendctl
from .test_doctor import ts_translation

TOKEN = "t0k3n-for-tests-0123456789abcdef"


class Listener:
    """`vendctl listen --json` in its own process, its stdout read line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [VENDCTL, "listen", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.next("listening")["url"]

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        while True:
            item = self.lines.get(timeout=timeout)
            if item["kind"] == kind:
                return item

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        return code


@pytest.fixture
def listener(
    sandbox: Sandbox, console_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Listener]:
    c = sandbox.credentials
    env = {
        "VENDCTL_BASE_URL": sandbox.base_url,
        "VENDCTL_APPID": c.appid,
        "VENDCTL_APP_SECRET": c.app_secret,
        "VENDCTL_SIGN_KEY": c.sign_key,
        "VENDCTL_NOTIFY_TOKEN": TOKEN,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    full = {k: v for k, v in os.environ.items()}
    lst = Listener(full)
    yield lst
    lst.stop()


def test_fault_to_followup_to_refund_to_resolved(listener: Listener, sandbox: Sandbox) -> None:
    assert listener.url.endswith(f"/notify/{TOKEN}")
    product = sandbox.state.machines[CANTEEN].slot("A10")
    assert product is not None
    # No --notify-url: the order carries the running receiver's URL.
    r = vendctl("order", "create", "--machine", CANTEEN, "--product", str(product.id), "--json")
    assert r.code == 0, r.err
    oid = r.json["data"]["order_id"]
    assert vendctl("order", "set-status", str(oid), "paid", "--machine", CANTEEN).code == 0
    sandbox.inject("device:fail=3,Slave Comm Error#1")
    r = vendctl("dispense", str(oid), "--machine", CANTEEN, "--yes")
    assert r.code == 1 and "Slave Comm Error" in r.out

    cb = listener.next("callback")
    assert cb["order_id"] == oid and cb["outcome"] == "failure" and cb["floor_status"] == "3"
    # Journalled on arrival; the follow-up opens once the platform confirms the failure.
    assert "slave board" in cb["fault_meaning"] and cb["followup_id"] is None
    check = listener.next("cross_check")
    assert check["verdict"] == "ok", check
    assert check["followup_id"] and check["followup_reason"] == "customer may need a refund"

    r = vendctl("followup", "list", "--json")
    (f,) = r.json["data"]
    assert f["state"] == "open" and f["order_id"] == oid and "Slave Comm Error" in f["meaning"]

    # Refund asks first; without a terminal and --yes nothing is sent.
    assert vendctl("followup", "refund", str(f["id"])).code == 2
    assert sandbox.state.orders[oid].status == "SUCCESS"
    r = vendctl("followup", "refund", str(f["id"]), "--yes")
    assert r.code == 0, r.err
    assert sandbox.state.orders[oid].status == "REFUND"
    assert vendctl("followup", "resolve", str(f["id"]), "--note", " ").code == 2
    r = vendctl("followup", "resolve", str(f["id"]), "--note", "WeChat refund 4200001234", "--json")
    assert r.code == 0 and r.json["data"]["state"] == "refunded"
    assert vendctl("followup", "list", "--json").json["data"] == []

    history = vendctl("journal", "history", str(oid)).out
    for step in ("order_create", "set_status", "dispense", "callback", "refunded"):
        assert step in history

    # A replay is marked as one and opens no new follow-up.
    r = vendctl("journal", "replay", str(cb["id"]))
    assert r.code == 0, r.err
    replayed = listener.next("callback")
    assert replayed["replay_of"] == cb["id"] and replayed["followup_id"] is None
    assert vendctl("followup", "list", "--state", "all", "--json").json["data"].__len__() == 1

    assert listener.stop() == 0


def failed_dispense(listener: Listener, sandbox: Sandbox) -> tuple[int, int, int]:
    """A paid order whose dispense jams: (order id, record id, the follow-up it opened)."""
    slot = sandbox.state.machines[CANTEEN].slot("A10")
    assert slot is not None
    r = vendctl("order", "create", "--machine", CANTEEN, "--product", str(slot.id), "--json")
    assert r.code == 0, r.err
    oid = r.json["data"]["order_id"]
    assert vendctl("order", "set-status", str(oid), "paid", "--machine", CANTEEN).code == 0
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    assert vendctl("dispense", str(oid), "--machine", CANTEEN, "--yes").code == 1
    cb = listener.next("callback")
    check = listener.next("cross_check")
    assert cb["order_id"] == oid and check["callback_id"] == cb["id"] and check["followup_id"]
    return oid, cb["record_id"], check["followup_id"]


def test_a_follow_up_dismissed_with_a_reason(listener: Listener, sandbox: Sandbox) -> None:
    oid, record_id, fid = failed_dispense(listener, sandbox)

    # No reason, or an id that is not there: nothing changes, exit 2 with the reason why.
    r = vendctl("followup", "dismiss", str(fid), "--reason", "  ")
    assert r.code == 2 and "note is required" in r.err and "say why" in r.err
    r = vendctl("followup", "dismiss", str(fid + 1000), "--reason", "x")
    assert r.code == 2 and f"follow-up {fid + 1000} does not exist" in r.err
    assert vendctl("followup", "list", "--json").json["data"][0]["state"] == "open"

    reason = "customer took another drink instead"
    r = vendctl("followup", "dismiss", str(fid), "--reason", reason)
    assert (r.code, r.out, r.err) == (0, f"follow-up #{fid} is now dismissed\n", "")
    assert sandbox.state.orders[oid].status == "SUCCESS"  # a dismissal sends nothing

    assert vendctl("followup", "list").out == "nothing to follow up\n"
    shown = vendctl("followup", "list", "--state", "dismissed").out.splitlines()
    assert shown[0].startswith(
        f"#{fid}  DISMISSED  order {oid} record {record_id} on machine {CANTEEN}"
    )
    assert shown[-1].startswith("    note: ") and shown[-1].endswith(f": {reason}")

    r = vendctl("followup", "dismiss", str(fid), "--reason", "again", "--json")
    assert r.code == 2 and "already dismissed" in r.err
    assert r.json["ok"] is False and r.json["error"]["kind"] == "bad_input"
    assert "already dismissed" in r.json["error"]["message"]
    (row,) = vendctl("followup", "list", "--state", "all", "--json").json["data"]
    assert row["id"] == fid and row["state"] == "dismissed" and row["note"].endswith(f": {reason}")


def test_dismiss_prints_the_follow_up_as_json(listener: Listener, sandbox: Sandbox) -> None:
    oid, record_id, fid = failed_dispense(listener, sandbox)
    r = vendctl("followup", "dismiss", str(fid), "--reason", "no refund needed", "--json")
    assert r.code == 0 and r.json["ok"] is True
    data = r.json["data"]
    assert (data["id"], data["order_id"], data["record_id"]) == (fid, oid, record_id)
    assert data["state"] == "dismissed" and data["note"].endswith(": no refund needed")


def test_a_stranger_callback_is_flagged_suspicious(listener: Listener, sandbox: Sandbox) -> None:
    import requests

    body = {"deliver_status": "0", "error_msg": "Goods are Stuck", "floor_status": "2",
            "method": "device.delivery.response", "order_id": 999999, "record_id": 1}  # fmt: skip
    assert requests.post(listener.url, json=body, timeout=10).status_code == 200
    cb = listener.next("callback")
    check = listener.next("cross_check")
    assert check["callback_id"] == cb["id"] and check["verdict"] == "suspicious"
    assert "unknown order 999999" in check["detail"]
    # An order that exists but is not paid is suspicious too.
    body |= {"order_id": sandbox.demo_order("unpaid"), "record_id": 82}
    assert requests.post(listener.url, json=body, timeout=10).status_code == 200
    listener.next("callback")
    check = listener.next("cross_check")
    assert check["verdict"] == "suspicious" and "NOTPAY" in check["detail"]
    r = vendctl("journal", "callbacks", "--json")
    assert {c["cross_check"] for c in r.json["data"]} == {"suspicious"}
    # Listed for a person to look at — never as a refund, and no refund can be sent.
    listed = vendctl("--json", "followup", "list").json["data"]
    assert [f["reason"] for f in listed] == ["suspicious failure callback — do not refund"] * 2
    assert check["followup_reason"] == "suspicious failure callback — do not refund"
    r = vendctl("followup", "refund", str(listed[0]["id"]), "--yes")
    assert r.code == 1 and "never a reason to refund" in r.err, r.err
    assert sandbox.requests_for("order_set_status") == []


def test_journal_exports(listener: Listener, sandbox: Sandbox) -> None:
    oid = sandbox.demo_order("paid")
    assert vendctl("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes").code == 0
    for kind in ("orders", "actions"):
        csv_out = vendctl("journal", kind, "--export", "csv")
        assert csv_out.code == 0 and str(oid) in csv_out.out
        data = json.loads(vendctl("journal", kind, "--export", "json").out)
        assert data and any(row.get("order_id") == oid for row in data)


def test_the_follow_up_list_says_what_staff_need_to_refund(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callbacks go nowhere and the slot jams: `vendctl followup list` names the amount,
    trade id, slot and product, the evidence (the platform's record) and who changed it
    last; a refund reference is added to the notes, never over them."""
    import getpass
    import re

    c = sandbox.credentials
    for k, v in {
        "VENDCTL_BASE_URL": sandbox.base_url,
        "VENDCTL_APPID": c.appid,
        "VENDCTL_APP_SECRET": c.app_secret,
        "VENDCTL_SIGN_KEY": c.sign_key,
    }.items():
        monkeypatch.setenv(k, v)
    slot = sandbox.state.machines[CANTEEN].slot("A10")
    assert slot is not None
    r = vendctl(
        "order", "create", "--machine", CANTEEN, "--product", str(slot.id),
        "--notify-url", "http://127.0.0.1:9/nowhere", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    oid, trade_id = r.json["data"]["order_id"], r.json["data"]["trade_id"]
    assert vendctl("order", "set-status", str(oid), "paid", "--machine", CANTEEN).code == 0
    sandbox.inject("callback:drop")
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    r = vendctl("dispense", str(oid), "--machine", CANTEEN, "--yes")
    assert r.code == 1 and "Goods are Stuck" in r.out
    found = re.search(r"dispense sent \(delivery (\d+)\)", r.out)
    assert found is not None, r.out
    delivery_id = int(found.group(1))
    (record,) = sandbox.state.orders[oid].records

    (f,) = vendctl("--json", "followup", "list").json["data"]
    assert (f["order_id"], f["record_id"], f["state"]) == (oid, record.id, "open")
    assert f["reason"] == "customer may need a refund"
    assert f["amount"] == sandbox.state.orders[oid].amount() and f["amount"] not in ("", "0")
    assert (f["trade_id"], f["machine"]) == (trade_id, CANTEEN)
    assert (f["slot"], f["product"]) == ("A10", slot.name)
    assert f["evidence"] == f"platform record (delivery {delivery_id})"
    assert f["actor"] == "console" and f["opened_at"] == f["ts_iso"]
    shown = vendctl("followup", "list").out
    for words in (f"amount {f['amount']}", f"trade {trade_id}", "slot A10", slot.name,
                  f"evidence: platform record (delivery {delivery_id})", "last change: console"):  # fmt: skip
        assert words in shown, shown
    # In Chinese (the window's translations): the platform's fault text as given, beside
    # its meaning; the JSON stays as it was.
    zh = vendctl("--lang", "zh", "followup", "list").out
    meaning = ts_translation("faults", fault_meaning("Goods are Stuck").meaning)
    assert f"Goods are Stuck — {meaning}" in zh, zh
    assert ts_translation("followup", "customer may need a refund") in zh
    assert (
        ts_translation("followup", "platform record (delivery {delivery})").format(
            delivery=delivery_id
        )
        in zh
    )
    assert "No drop was detected" not in zh and "customer may need" not in zh
    assert vendctl("--lang", "zh", "--json", "followup", "list").json["data"] == [f]
    monkeypatch.setenv("VENDCTL_LANG", "zh")
    assert vendctl("followup", "list").out == zh
    assert vendctl("--lang", "en", "followup", "list").out == shown
    monkeypatch.delenv("VENDCTL_LANG")

    me = getpass.getuser()
    r = vendctl("followup", "refund", str(f["id"]), "--note", "customer phoned", "--yes")
    assert r.code == 0, r.err
    (f,) = vendctl("--json", "followup", "list").json["data"]
    assert f["state"] == "refund_requested" and f["actor"] == me
    r = vendctl("followup", "resolve", str(f["id"]), "--note", "WeChat refund 4200001234")
    assert r.code == 0, r.err
    (f,) = vendctl("--json", "followup", "list", "--state", "all").json["data"]
    assert f["state"] == "refunded" and f["actor"] == me
    notes = f["note"].splitlines()
    assert len(notes) == 2
    assert notes[0].endswith(f" {me}: customer phoned")
    assert notes[1].endswith(f" {me}: WeChat refund 4200001234")
    # The journal's actions say who sent each one.
    actions = vendctl("journal", "actions").out
    assert f"set_status  machine {CANTEEN}  order {oid}  ok  by {me}" in actions
