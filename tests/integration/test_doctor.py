"""Troubleshooting against the real sandbox: checks, slots and history, and `vendctl doctor`.

Failures are driven through the sandbox (test dispenses and a paid order on the
faulty canteen machine), their callbacks journalled by the real receiver, and
the diagnosis must point at the bad slots with their meaning.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from console.api.client import Client
from console.core.faults import fault_meaning, floor_meaning
from console.journal import Journal
from console.paths import app_paths
from console.receiver import Receiver, new_token
from console.sandbox import Sandbox, SandboxClock
from console.troubleshoot import CHECK_NAMES, build_rows, diagnose, run_checks, slots_check

from .conftest import CANTEEN, LOBBY, WAREHOUSE
from .test_cli import Run, vendctl

TS_FILE = Path(__file__).parents[2] / "console/resources/translations/vending_console_zh_CN.ts"


def ts_translation(context: str, source: str) -> str:
    """The Chinese the .ts file gives a message id (what the window shows for it)."""
    root = ElementTree.parse(TS_FILE).getroot()  # noqa: S314 - our own .ts file
    for ctx in root.iter("context"):
        if ctx.findtext("name") == context:
            for msg in ctx.iter("message"):
                if msg.findtext("source") == source:
                    return msg.findtext("translation") or ""
    raise AssertionError(f"{context}: {source!r} is not in {TS_FILE}")


BAD_SLOTS = {
    "A12": ("Goods are Stuck", "2"),
    "A13": ("Slave Comm Error", "3"),
    "A14": ("Lift Comm Error", "47"),
}


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    c = sandbox.credentials
    monkeypatch.setenv("VENDCTL_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("VENDCTL_APPID", c.appid)
    monkeypatch.setenv("VENDCTL_APP_SECRET", c.app_secret)
    monkeypatch.setenv("VENDCTL_SIGN_KEY", c.sign_key)


@pytest.fixture
def journal(env: None) -> Iterator[Journal]:
    """The journal `vendctl` uses with credentials from the environment (profile "env")."""
    j = Journal(app_paths().ensure().journal_file, "env", platform=_vendctl_platform())
    yield j
    j.close()


@pytest.fixture
def receiver(journal: Journal) -> Iterator[Receiver]:
    with Receiver(journal, new_token()) as r:
        yield r


def wait_for_callbacks(journal: Journal, count: int) -> None:
    """Until the journal holds ``count`` callbacks (a liveness bound, not a timing check)."""
    deadline = time.monotonic() + 60
    while len(journal.list_callbacks(1000)) < count:
        assert time.monotonic() < deadline, f"{count} callbacks expected, journal has fewer"
        time.sleep(0.02)


def send_test_dispense(machine: str, slot: str, url: str) -> Run:
    r = vendctl("test-dispense", "--machine", machine, "--slot", slot, "--notify-url", url, "--yes")
    assert r.code == 0, r.err
    return r


def break_the_canteen(client: Client, journal: Journal, receiver: Receiver) -> None:
    """Fail every bad slot by test dispense, A12 once more through a paid order, and
    dispense good slots fine (one on another machine with a bad slot's name)."""
    n = 0
    for machine, slot in [
        (LOBBY, "A12"),  # same slot name, other machine: must not count for the canteen
        (CANTEEN, "A10"),
        (CANTEEN, "A12"),
        (CANTEEN, "A13"),
        (CANTEEN, "A14"),
    ]:
        send_test_dispense(machine, slot, receiver.url)
        n += 1
        wait_for_callbacks(journal, n)  # the machine stays locked until its result
    a12 = next(p for p in client.all_products(CANTEEN) if p.channel.name == "A12")
    r = vendctl(
        "order", "create", "--machine", CANTEEN, "--product", str(a12.id),
        "--notify-url", receiver.url, "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    oid = str(r.json["data"]["order_id"])
    assert vendctl("order", "set-status", oid, "paid", "--machine", CANTEEN, "--yes").code == 0
    r = vendctl("dispense", oid, "--machine", CANTEEN, "--yes")
    assert r.code == 1 and "Goods are Stuck" in r.out
    wait_for_callbacks(journal, n + 1)


def test_a_healthy_machine_passes_every_check(client: Client, exchanges: list) -> None:
    checks = run_checks(client, LOBBY)
    assert [c.name for c in checks] == [n for n in CHECK_NAMES if n != "history"]
    # Latency is not judged here: a loaded test machine may make the ping slow ("warn").
    assert {c.status for c in checks if c.name != "ping"} == {"ok"}, checks
    by_name = {c.name: c for c in checks}
    assert by_name["cabinets"].summary == "A, B" and by_name["currency"].summary.startswith("CNY")
    assert by_name["machine"].summary.startswith("Lobby A")
    # The clock was read from the ping's answer, and the exchange still reached the observer.
    assert "in step with the platform" in by_name["clock"].summary
    assert any(ex.action == "ping" for ex in exchanges) and client.observer == exchanges.append


def test_the_offline_machine_fails_with_its_last_notice(client: Client) -> None:
    d = diagnose(client, WAREHOUSE)
    online = d.check("online")
    assert online is not None and online.status == "fail"
    assert online.summary.startswith("OFFLINE; last notice: machine offline since")
    assert not d.ok and d.status == "fail"


def test_platform_errors_become_failed_checks(client: Client, sandbox: Sandbox) -> None:
    d = diagnose(client, "99999999")
    assert [(c.name, c.status) for c in d.checks] == [
        ("machine", "fail"),
        ("ping", d.checks[1].status),
        ("clock", "ok"),
    ]
    assert "not found on the platform (code 30003" in d.checks[0].summary
    sandbox.inject("*:html")  # a proxy's error page instead of the platform
    d = diagnose(client, LOBBY)
    assert [(c.name, c.status) for c in d.checks][:2] == [("machine", "fail"), ("ping", "fail")]
    assert "not JSON" in d.checks[1].summary and "did not answer the ping" in d.checks[0].summary


def test_the_faulty_machine_points_at_its_bad_slots(
    client: Client, journal: Journal, receiver: Receiver
) -> None:
    # Before any dispense the platform gives no sign of a fault: only stock.
    before = diagnose(client, CANTEEN, journal=journal)
    slots = before.check("slots")
    assert slots is not None and slots.status == "warn"
    assert slots.summary == "12 slots: 1 empty (A15); 1 low (A20)"

    break_the_canteen(client, journal, receiver)
    d = diagnose(client, CANTEEN, journal=journal)
    slots = d.check("slots")
    assert slots is not None and slots.status == "fail"
    assert slots.summary == "12 slots: 3 faulty (A12, A13, A14); 1 empty (A15); 1 low (A20)"
    assert [r.slot for r in d.faulty_slots] == ["A12", "A13", "A14"]
    for row in d.faulty_slots:
        text, floor = BAD_SLOTS[row.slot]
        assert row.fault is not None
        assert row.fault.fault.meaning == fault_meaning(text)
        assert row.fault.fault.floor == floor_meaning(floor)
        assert fault_meaning(text).text() in row.status_text()
        assert fault_meaning(text).text("zh") in row.status_text("zh")
    rows = {r.slot: r for r in d.slots}
    assert rows["A10"].status == "ok" and rows["A15"].status == "empty"
    assert rows["A12"].fault is not None and rows["A12"].fault.failures == 2

    history = d.history
    assert history is not None
    # A view that loaded the slots before the failures rebuilds them from the same products.
    rebuilt = build_rows(before.products, history.faulty_slots())
    assert [(r.slot, r.status, r.fault) for r in rebuilt] == [
        (r.slot, r.status, r.fault) for r in d.slots
    ]
    assert slots_check(rebuilt).status == "fail"
    assert [(s.slot, s.failures) for s in history.by_slot()] == [("A12", 2), ("A13", 1), ("A14", 1)]
    # One of A12's failures came from a paid order: tied to the slot through the order.
    assert {e.slot_source for e in history.failures() if e.slot == "A12"} == {"callback", "order"}
    assert len(history.results()) == 5 and history.unattributed == 0  # not the lobby's A12
    check = d.check("history")
    assert check is not None and check.status == "warn"
    assert "4 failed dispenses in the last 7 days" in check.summary
    assert "A12 ×2, A13 ×1, A14 ×1" in check.summary


def test_doctor_exit_codes(env: None, sandbox: Sandbox) -> None:
    ok = vendctl("doctor", LOBBY)
    assert ok.code == 0, ok.out
    lines = ok.out.splitlines()
    assert [line.split()[1] for line in lines] == [n for n in CHECK_NAMES if n != "history"]
    assert all(line.startswith("ok  ") for line in lines if " ping " not in line), ok.out
    offline = vendctl("doctor", WAREHOUSE)
    assert offline.code == 1
    assert any(line.startswith("fail  online        OFFLINE") for line in offline.out.splitlines())
    # Warnings alone (the canteen's empty and low slots) do not fail the doctor.
    warn = vendctl("doctor", CANTEEN)
    assert warn.code == 0 and "warn  slots" in warn.out
    sent = len(sandbox.requests)
    bad = vendctl("doctor", "1632712x")
    assert bad.code == 2 and bad.out == "" and "machine number" in bad.err
    assert len(sandbox.requests) == sent  # nothing was sent


def test_doctor_json_shape(env: None) -> None:
    r = vendctl("doctor", WAREHOUSE, "--json")
    assert r.code == 1
    d = r.json
    assert d["ok"] is False and d["status"] == "fail" and d["machine_no"] == WAREHOUSE
    assert [c["name"] for c in d["checks"]] == [n for n in CHECK_NAMES if n != "history"]
    assert all(set(c) == {"name", "status", "summary", "detail"} for c in d["checks"])
    assert d["machine"]["is_online"] is False and d["machine"]["notify_message"]
    assert isinstance(d["latency_ms"], float) and isinstance(d["clock_skew_s"], float)
    assert len(d["slots"]) == 12 and d["faulty_slots"] == [] and d["history"] is None


def test_doctor_on_the_broken_canteen(client: Client, journal: Journal, receiver: Receiver) -> None:
    break_the_canteen(client, journal, receiver)
    r = vendctl("doctor", CANTEEN)
    assert r.code == 1, r.out
    out = r.out
    assert (
        "fail  slots         12 slots: 3 faulty (A12, A13, A14); 1 empty (A15); 1 low (A20)" in out
    )
    assert "warn  history" in out
    faulty = out.split("Faulty slots:\n", 1)[1]
    assert "  A12  " in faulty
    assert (
        "Goods are Stuck (slot status 2: Slot jammed): " + fault_meaning("Goods are Stuck").text()
    ) in faulty
    assert fault_meaning("Slave Comm Error").text() in faulty
    assert fault_meaning("Lift Comm Error").text() in faulty
    assert "Slot A12 failed 2 times" in out

    zh = vendctl("doctor", CANTEEN, "--lang", "zh")
    assert zh.code == 1 and "故障货道:" in zh.out
    assert fault_meaning("Slave Comm Error").text("zh") in zh.out
    # The global option words it the same, with the window's translation of each message id.
    again = vendctl("--lang", "zh", "doctor", CANTEEN)
    assert again.code == 1 and "故障货道:" in again.out
    for text, _ in BAD_SLOTS.values():
        meaning = ts_translation("faults", fault_meaning(text).meaning)
        check = ts_translation("faults", fault_meaning(text).check)
        assert meaning and f"{text}" in again.out and meaning in again.out, again.out
        assert check in again.out
    assert "Faulty slots" not in again.out and "Check:" not in again.out

    d = vendctl("doctor", CANTEEN, "--json").json
    # JSON is for scripts: the same whatever the language asked for.
    assert (
        vendctl("--lang", "zh", "doctor", CANTEEN, "--json").json["faulty_slots"]
        == (d["faulty_slots"])
    )
    assert [s["slot"] for s in d["faulty_slots"]] == ["A12", "A13", "A14"]
    for s in d["faulty_slots"]:
        text, floor = BAD_SLOTS[s["slot"]]
        assert s["status"] == "faulty"
        assert s["fault"]["text"] == text and s["fault"]["floor_status"] == floor
        assert s["fault"]["meaning_en"] == fault_meaning(text).meaning_en
        assert s["fault"]["meaning_zh"] == ts_translation("faults", fault_meaning(text).meaning)
        assert s["fault"]["known"] is True
    assert d["history"]["failures"] == 4
    assert d["history"]["by_slot"][0]["slot"] == "A12"
    assert d["history"]["by_slot"][0]["faults"] == {"Goods are Stuck": 2}


def test_clock_skew_is_a_warning() -> None:
    # A platform an hour ahead of this computer; its Date header follows its clock.
    with Sandbox(seed=1, clock=SandboxClock(start=time.time() + 3600, frozen=True)) as ahead:
        c = ahead.credentials
        client = Client(ahead.base_url, c.appid, c.app_secret, c.sign_key)
        try:
            d = diagnose(client, LOBBY)
        finally:
            client.close()
    clock = d.check("clock")
    assert clock is not None and clock.status == "warn"
    assert clock.summary == (
        "this computer's clock is 60 min behind the platform's: payload timestamps may be refused"
    )
    assert d.skew_s is not None and -3700 < d.skew_s < -3500
    assert d.ok and d.status == "warn"  # a warning, not a failure


def test_doctor_warns_on_skew_but_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(seed=1, clock=SandboxClock(start=time.time() - 600, frozen=True)) as behind:
        c = behind.credentials
        for k, v in {
            "VENDCTL_BASE_URL": behind.base_url,
            "VENDCTL_APPID": c.appid,
            "VENDCTL_APP_SECRET": c.app_secret,
            "VENDCTL_SIGN_KEY": c.sign_key,
        }.items():
            monkeypatch.setenv(k, v)
        r = vendctl("doctor", LOBBY)
    assert r.code == 0
    assert "warn  clock         this computer's clock is 10 min ahead of the platform's" in r.out


def _vendctl_platform() -> str:
    """The platform `vendctl` scopes its journal rows by (base URL + Appid from the env)."""
    import os

    from console.core.rules import platform_key

    return platform_key(os.environ["VENDCTL_BASE_URL"], os.environ["VENDCTL_APPID"])
