"""vendctl against the real sandbox: commands, exit codes, confirmation, dry runs."""

from __future__ import annotations

import io
import json
import os
import pty
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.api.client import Client
from console.cli import main
from console.sandbox import Sandbox, SandboxClock

from .conftest import CANTEEN, LOBBY, WAREHOUSE

VENDCTL = str(Path(sys.executable).with_name("vendctl"))


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    c = sandbox.credentials
    values = {
        "VENDCTL_BASE_URL": sandbox.base_url,
        "VENDCTL_APPID": c.appid,
        "VENDCTL_APP_SECRET": c.app_secret,
        "VENDCTL_SIGN_KEY": c.sign_key,
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def vendctl(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def test_reads(env: dict[str, str], sandbox: Sandbox) -> None:
    r = vendctl("ping")
    assert r.code == 0 and r.out.startswith("pong from http://127.0.0.1:")
    r = vendctl("machines")
    assert r.code == 0 and f"{WAREHOUSE}  OFFLINE" in r.out and f"{LOBBY}  online" in r.out
    r = vendctl("machine", CANTEEN, "--json")
    assert r.code == 0 and r.json["data"]["machine_name"] == "Canteen (faulty)"
    r = vendctl("products", CANTEEN)
    assert r.code == 0 and "EMPTY" in r.out and len(r.out.splitlines()) == 12
    r = vendctl("order", "show", "61", "--machine", LOBBY)
    assert r.code == 0 and "record 79" in r.out and "age unknown" in r.out


def test_global_options_before_or_after_the_subcommand(env: dict[str, str]) -> None:
    a = vendctl("--json", "machine", LOBBY)
    b = vendctl("machine", LOBBY, "--json")
    assert a.code == b.code == 0 and a.json == b.json
    c = vendctl("--timeout", "7", "ping", "--base-url", env["VENDCTL_BASE_URL"])
    assert c.code == 0


def test_mark_paid_and_dispense_every_record_in_turn(env: dict[str, str], sandbox: Sandbox) -> None:
    oid = sandbox.demo_order("paid_multi")
    r = vendctl("dispense", str(oid), "--machine", LOBBY, "--yes", "--json")
    assert r.code == 0, r.err
    assert [x["delivery"]["status"] for x in r.json["data"]] == ["success"] * 3
    # One after another: each dispense went out only after the previous result.
    assert len(sandbox.requests_for("dispense")) == 3
    r = vendctl("order", "show", str(oid), "--machine", LOBBY, "--json")
    assert {rec["status"] for rec in r.json["data"]["records"]} == {"已取货"}
    again = vendctl("dispense", str(oid), "--machine", LOBBY, "--yes")
    assert again.code == 1 and "no record left" in again.err
    assert len(sandbox.requests_for("dispense")) == 3


def test_set_status_by_name_and_number(env: dict[str, str], sandbox: Sandbox) -> None:
    oid = sandbox.demo_order("unpaid")
    r = vendctl("order", "set-status", str(oid), "paid", "--machine", LOBBY)
    assert r.code == 0 and "set to 1" in r.out
    r = vendctl("order", "set-status", str(oid), "1", "--machine", LOBBY)
    assert r.code == 1 and "6049" in r.err and "already paid" in r.err


@pytest.mark.parametrize(
    "argv",
    [
        ("order", "set-status", "62", "2", "--machine", LOBBY),
        ("order", "set-status", "62", "closed", "--machine", LOBBY),
        ("order", "set-status", "62", "revoked", "--machine", LOBBY),
        ("order", "set-status", "62", "6", "--machine", LOBBY),
        ("dispense", "60", "--machine", LOBBY),
        (
            "test-dispense",
            "--machine",
            LOBBY,
            "--slot",
            "A10",
            "--notify-url",
            "http://127.0.0.1:9/n",
        ),
    ],
)
def test_irreversible_commands_refuse_without_a_terminal_or_yes(
    env: dict[str, str], sandbox: Sandbox, argv: tuple[str, ...]
) -> None:
    r = vendctl(*argv)
    assert r.code == 2 and "--yes" in r.err and "nothing was sent" in r.err
    for action in ("order_set_status", "dispense", "test_dispense"):
        assert sandbox.requests_for(action) == []


@pytest.mark.parametrize(
    "argv, reason",
    [
        (("order", "show", "61", "--machine", "1632712"), "machine number"),
        (("order", "show", "6x", "--machine", LOBBY), "order id"),
        (("order", "set-status", "62", "success", "--machine", LOBBY, "--yes"), "unknown status"),
        (("order", "set-status", "62", "9", "--machine", LOBBY, "--yes"), "unknown status"),
        (("dispense", "60", "--machine", LOBBY, "--record", "r1", "--yes"), "record id"),
        (("delivery", "abc", "--machine", LOBBY), "delivery id"),
    ],
)
def test_bad_input_exits_2_with_a_reason_and_sends_nothing(
    env: dict[str, str], sandbox: Sandbox, argv: tuple[str, ...], reason: str
) -> None:
    r = vendctl(*argv)
    assert r.code == 2 and reason in r.err and len(r.err.strip().splitlines()) == 1
    assert sandbox.requests == []


def test_long_machine_numbers_are_accepted_with_a_warning(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    r = vendctl("machine", "1632712900")
    assert "warning:" in r.err and "special merchants" in r.err
    assert r.code == 1  # sent; the sandbox has no such machine


def test_refusals_exit_1_with_code_message_and_meaning(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    r = vendctl("dispense", str(sandbox.demo_order("expired")), "--machine", LOBBY, "--yes")
    assert r.code == 1 and "40005" in r.err and "20 minutes" in r.err and "订单已过期" in r.err
    sandbox.inject("order_get:code0#1")
    r = vendctl("--json", "order", "show", "60", "--machine", LOBBY)
    assert (
        r.code == 1
        and r.json["error"]["code"] == 0
        and r.json["error"]["platform_message"] == "订单未支付"
    )


@pytest.mark.parametrize("rule", ["machines:html", "machines:malformed", "machines:empty"])
def test_transport_failures_exit_3(env: dict[str, str], sandbox: Sandbox, rule: str) -> None:
    sandbox.inject(rule)
    r = vendctl("machines")
    assert r.code == 3 and "transport failure" in r.err


def test_timeout_exits_3_and_says_the_write_may_have_happened(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox.inject("order_set_status:latency=3")
    r = vendctl("order", "set-status", "62", "paid", "--machine", LOBBY, "--timeout", "0.5")
    assert r.code == 3 and "may have reached the platform" in r.err
    assert len(sandbox.requests_for("order_set_status")) == 1


def test_credentials_missing_exit_4(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VENDCTL_SIGN_KEY")
    r = vendctl("ping")
    assert r.code == 4 and "VENDCTL_SIGN_KEY" in r.err


def test_dry_run_prints_curl_with_secrets_masked_and_sends_nothing(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    r = vendctl(
        "order",
        "set-status",
        "60",
        "refund",
        "--machine",
        LOBBY,
        "--dry-run",
        "--timestamp",
        "1714128358",
    )
    assert r.code == 0 and sandbox.requests == []
    assert "curl" in r.out and "AppSecret: ****" in r.out and "-X PUT" in r.out
    assert env["VENDCTL_APP_SECRET"] not in r.out and env["VENDCTL_SIGN_KEY"] not in r.out
    assert '"timestamp": "1714128358"' in r.out and '"status": 2' in r.out


def test_pinned_timestamp_reproduces_the_same_payload(env: dict[str, str]) -> None:
    a = vendctl("payload", "encode", "machine_no=16327129", "--timestamp", "1714128358")
    b = vendctl("payload", "encode", "machine_no=16327129", "--timestamp", "1714128358")
    assert a.code == 0 and a.out == b.out
    d = vendctl("payload", "decode", a.out.strip())
    assert d.code == 0 and "sign: valid" in d.out
    bad = vendctl("payload", "decode", a.out.strip(), "--sign-key", "other")
    assert bad.code == 1 and "INVALID" in bad.out


def _env_for_subprocess(env: dict[str, str], home: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("VENDCTL_")}
    e.update(env)
    e["VENDING_CONSOLE_HOME"] = str(home)
    return e


def test_confirmation_on_a_terminal(
    env: dict[str, str], sandbox: Sandbox, console_home: Path
) -> None:
    """On a terminal the question is asked; 'no' sends nothing, 'yes' sends once."""
    oid = sandbox.demo_order("unpaid")
    for answer, expected_requests in ((b"no\n", 0), (b"yes\n", 1)):
        pid, fd = pty.fork()
        if pid == 0:  # child: vendctl on a terminal
            os.execve(
                VENDCTL,
                [VENDCTL, "order", "set-status", str(oid), "refund", "--machine", LOBBY],
                _env_for_subprocess(env, console_home),
            )
        seen = b""
        deadline = time.monotonic() + 30
        while b"[no]:" not in seen and time.monotonic() < deadline:
            seen += os.read(fd, 4096)
        assert b"Stock goes back" in seen or b"stock" in seen
        os.write(fd, answer)
        rest = b""
        try:
            while chunk := os.read(fd, 4096):
                rest += chunk
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        assert code == (0 if answer == b"yes\n" else 2), rest
        assert len(sandbox.requests_for("order_set_status")) == expected_requests


def test_installed_entry_point_and_exit_codes(env: dict[str, str], console_home: Path) -> None:
    e = _env_for_subprocess(env, console_home)
    ok = subprocess.run([VENDCTL, "ping"], env=e, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "pong" in ok.stdout
    bad = subprocess.run(
        [VENDCTL, "order", "set-status", "62", "refund", "--machine", LOBBY],
        env=e, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert bad.returncode == 2


def test_every_write_is_journalled_before_and_after(env: dict[str, str], sandbox: Sandbox) -> None:
    from console.core.rules import platform_key
    from console.journal import Journal
    from console.paths import app_paths

    oid = sandbox.demo_order("unpaid")
    assert vendctl("order", "set-status", str(oid), "paid", "--machine", LOBBY).code == 0
    sandbox.inject("dispense:status=503#1")
    r = vendctl("dispense", str(oid), "--machine", LOBBY, "--yes")
    assert r.code == 3
    # Scoped like vendctl's: the profile and its platform (base URL + Appid).
    platform = platform_key(env["VENDCTL_BASE_URL"], env["VENDCTL_APPID"])
    j = Journal.open(app_paths().journal_file, "env", platform=platform)
    try:
        actions = {a.kind: a for a in j.list_actions(10)}
        assert actions["set_status"].outcome == "ok"
        assert actions["dispense"].outcome == "transport"
    finally:
        j.close()


def test_pickup_codes_lists_the_platforms_codes(env: dict[str, str], sandbox: Sandbox) -> None:
    pickup_order = sandbox.state.orders[sandbox.demo_order("pickupcode")]
    product_id = pickup_order.records[0].product_id
    codes = [c.to_api() for c in sandbox.state.pickup_codes.values() if c.product_id == product_id]
    assert codes  # the seeded pickup-code order used one of them

    r = vendctl("pickup-codes", str(product_id), "--machine", LOBBY)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == len(codes)
    for line, code in zip(lines, sorted(codes, key=lambda c: c["id"]), strict=True):
        # One line a code: the code, its state, how many, when it expires.
        assert line.split()[:3] == [code["code"], code["status"], f"x{code['quantity']}"]
        assert line.endswith(f"expires {code['expired_at']}")

    r = vendctl("pickup-codes", str(product_id), "--machine", LOBBY, "--json")
    assert r.code == 0 and r.json["ok"] is True
    assert r.json["data"] == codes

    # A product with none says so; one the machine does not sell is the platform's refusal.
    slot = sandbox.state.machines[CANTEEN].slot("A10")
    assert slot is not None
    assert not [c for c in sandbox.state.pickup_codes.values() if c.product_id == slot.id]
    r = vendctl("pickup-codes", str(slot.id), "--machine", CANTEEN)
    assert r.code == 0 and r.out == "no pickup codes\n"
    assert vendctl("pickup-codes", str(slot.id), "--machine", CANTEEN, "--json").json == {
        "ok": True,
        "data": [],
    }
    r = vendctl("pickup-codes", str(slot.id), "--machine", LOBBY)
    assert r.code == 1 and "6045" in r.err and "product not found" in r.err


def test_delivery_shows_a_successful_dispense_as_the_platform_reports_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frozen platform clock: the machine reports 7 s after the dispense, so the time it
    # was sent and the time the item was taken are told apart.
    with Sandbox(seed=1, clock=SandboxClock(frozen=True)) as sb:
        c = sb.credentials
        for k, v in {
            "VENDCTL_BASE_URL": sb.base_url,
            "VENDCTL_APPID": c.appid,
            "VENDCTL_APP_SECRET": c.app_secret,
            "VENDCTL_SIGN_KEY": c.sign_key,
        }.items():
            monkeypatch.setenv(k, v)
        oid = sb.demo_order("paid")
        client = Client(sb.base_url, c.appid, c.app_secret, c.sign_key)
        try:
            delivery_id = client.dispense(LOBBY, oid, 78).delivery_id
        finally:
            client.close()
        sb.clock.advance(7)
        assert sb.wait_idle()
        reported = sb.state.deliveries[delivery_id].to_api()
        assert reported["status"] == "success"
        assert reported["delivered_at"] != reported["pickup_at"] != ""

        r = vendctl("delivery", str(delivery_id), "--machine", LOBBY)
        assert (r.code, r.err) == (0, "")
        assert r.out.splitlines() == [
            f"delivery {delivery_id}: success",
            f"  delivered at {reported['delivered_at']}",
            f"  picked up at {reported['pickup_at']}",
        ]
        r = vendctl("delivery", str(delivery_id), "--machine", LOBBY, "--json")
        assert r.code == 0 and r.json["ok"] is True
        assert r.json["data"] == {"delivery_id": delivery_id, **reported}


def test_listen_on_a_port_in_use_says_so_and_exits_2(env: dict[str, str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as other_program:
        port = other_program.getsockname()[1]
        r = vendctl("listen", "--port", str(port))
    assert r.code == 2, r.err
    assert r.err.strip().splitlines()[-1:] == [  # after the notice about the token
        f"vendctl: cannot listen on 127.0.0.1:{port}: port {port} on 127.0.0.1 is already in "
        "use by another program (choose another: --port)"
    ]


def test_dispensing_a_delivered_record_again_is_a_result_not_a_refund(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    """The platform answers 6034 "order already delivered": no refund follow-up opens."""
    oid = str(sandbox.demo_order("paid_multi"))
    first = vendctl("dispense", oid, "--machine", LOBBY, "--yes", "--json")
    assert first.code == 0, first.err
    rid = str(first.json["data"][0]["record_id"])
    again = vendctl("dispense", oid, "--record", rid, "--machine", LOBBY, "--yes")
    assert again.code == 0, again.err
    assert (
        f"record {rid}: the platform says it was already delivered (code 6034 "
        "'order already delivered'): nothing was sent; no refund follow-up opened"
    ) in again.out
    assert "nothing to follow up" in vendctl("followup", "list").out
    assert len(sandbox.requests_for("dispense")) == 4  # three drops, one refused


def test_a_failure_read_from_the_platform_opens_a_follow_up(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    """Callbacks go nowhere and the slot jams: the queue must still say a refund is owed."""
    oid = str(sandbox.demo_order("paid"))
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    r = vendctl("dispense", oid, "--machine", LOBBY, "--yes")
    assert r.code == 1, r.err
    lines = r.out.splitlines()
    assert ": FAILED — Goods are Stuck: No drop was detected: the item is jammed" in r.out
    assert "follow-up #1 is open: the customer may need a refund (vendctl followup list)" in lines
    listed = vendctl("--json", "followup", "list")
    (f,) = listed.json["data"]
    assert (str(f["order_id"]), f["source"], f["state"]) == (oid, "platform_record", "open")
    assert "Goods are Stuck" in f["meaning"]


def test_followup_check_asks_the_platform_about_dispenses_without_result(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    """Dispenses the window sent whose results never came (callbacks going elsewhere, the
    window closed): `vendctl followup check` asks the platform and decides per dispense."""
    from console.journal import Journal
    from console.paths import app_paths

    c = sandbox.credentials
    client = Client(sandbox.base_url, c.appid, c.app_secret, c.sign_key)
    sandbox.inject("callback:drop")
    oid = sandbox.demo_order("paid_multi")
    records = [r.id for r in client.get_order(oid, LOBBY).records]
    outcomes = []
    journal = Journal.open(app_paths().ensure().journal_file, "env")
    try:
        for rid in records[:2]:
            if rid == records[1]:
                sandbox.inject("device:fail=2,Goods are Stuck#1")
            aid = journal.begin_action("dispense", LOBBY, oid, {"record_id": rid, "paid": True})
            delivery = client.dispense(LOBBY, oid, rid)
            journal.finish_action(
                aid, "ok", response={"data": {"delivery_id": delivery.delivery_id}}
            )
            outcomes.append(delivery.delivery_id)
            while client.get_delivery(delivery.delivery_id, LOBBY).pending:  # the machine's cycle
                sandbox.clock.advance(1)
    finally:
        journal.close()

    r = vendctl("followup", "check", "--older-than", "0")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith(f"order {oid} record {records[0]} (delivery {outcomes[0]}, sent ")
    assert lines[0].endswith("platform says picked up → result recorded, no follow-up"), lines
    assert lines[1].endswith(
        "platform says failed: Goods are Stuck → follow-up #1 opened: the customer may need a refund"
    ), lines
    again = vendctl("followup", "check", "--older-than", "0")
    assert again.out.strip() == "no dispense has waited more than 0 s for its result"
    listed = vendctl("--json", "followup", "list").json["data"]
    assert [(f["record_id"], f["source"]) for f in listed] == [(records[1], "platform_record")]
