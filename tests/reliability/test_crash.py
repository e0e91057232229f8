"""Crash safety: kill -9, again and again, during callbacks and during writes to the platform.

After every kill: ``PRAGMA integrity_check`` is ok; every callback that was
answered 200 is in the journal; every write that was on its way shows, when the
journal is next opened, as "unknown" with the check to make before acting again.

tests/integration/test_receiver_crash.py and test_journal_crash.py prove one
kill each (a receiver mid-burst; a bare journal between begin and finish); this
file repeats the kill on one journal file that keeps growing, and kills the real
``vendctl`` while it waits for a slow platform.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.dispensing import check_unconfirmed
from console.journal import Journal
from console.sandbox import Sandbox
from tests.integration.conftest import LOBBY
from tests.integration.test_cli import VENDCTL, vendctl
from tests.integration.test_receiver_crash import burst_until_killed, start_receiver, stop
from tests.journals import wait_until_leases_run_out

from .conftest import Figures

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),  # generous: a loaded 2-core machine must not flake
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics"),
]

WAIT = 60.0
BURST_KILLS = 12
SENDERS = 4


def integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def _body(order: int, record: int) -> bytes:
    fail = record % 10 == 0
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": "0" if fail else "1",
            "floor_status": "2" if fail else "1",
            "error_msg": "Goods are Stuck" if fail else "",
        }
    ).encode()


def _burst(
    url: str, round_no: int, kill_after: int, kill: Callable[[], None]
) -> set[tuple[int, int]]:
    """Senders post callbacks until ``kill_after`` were answered, then the receiver is killed."""
    orders = [100_000 + round_no * 100 + n for n in range(SENDERS)]
    return burst_until_killed(url, orders, kill_after, _body, kill)


def test_kill_9_during_bursts_of_callbacks_loses_nothing_answered(
    tmp_path: Path, figures: Figures
) -> None:
    path = tmp_path / "journal.sqlite3"
    answered_total: set[tuple[int, int]] = set()
    for round_no in range(BURST_KILLS):
        proc, url = start_receiver(path, tmp_path / f"receiver-{round_no}.log")
        try:
            kill_after = 40 + (round_no * 37) % 160  # kill at a different point each time
            answered_total |= _burst(url, round_no, kill_after, proc.kill)
        finally:
            stop(proc)
        assert integrity(path) == [("ok",)], f"after kill {round_no + 1}"
        conn = sqlite3.connect(path)
        try:
            stored = set(conn.execute("SELECT order_id, record_id FROM callbacks").fetchall())
        finally:
            conn.close()
        missing = answered_total - stored
        assert not missing, f"kill {round_no + 1}: {len(missing)} answered callbacks lost"

    with Journal(path, "default") as journal:
        counts = journal.callback_counts()
        assert counts["duplicate"] == 0 and counts["malformed"] == 0
        assert counts["success"] + counts["failure"] == len(stored)
        # Each answered failure is journalled for its cross-check, which the killed
        # receiver may not have run: the late check confirms them, then each has its
        # follow-up (the platform stand-in confirms every one).
        failed = {k for k in answered_total if k[1] % 10 == 0}
        check_unconfirmed(lambda cb: ("ok", "confirmed"), journal, time.time(), 0, 1_000_000)
        opened = {(f.order_id, f.record_id) for f in journal.list_followups(limit=1_000_000)}
        assert failed <= opened

    figures.record("crash.burst_kills", BURST_KILLS, "kill -9 of the receiver mid-burst", held=True)
    figures.record(
        "crash.burst_answered", len(answered_total), "callbacks answered 200 before the kills"
    )
    figures.record(
        "crash.burst_lost", len(answered_total - stored), "answered callbacks lost", held=True
    )


# -- vendctl killed while it waits for the platform ------------------------------------------

# (label, sandbox action, argv, what the check must say)
WRITES: list[tuple[str, str, list[str], str]] = [
    *[
        (
            f"set-status #{n}",
            "order_set_status",
            ["order", "set-status", "62", "paid", "--machine", LOBBY],
            f"query order 62 on machine {LOBBY} before acting again",
        )
        for n in range(1, 9)
    ],
    ("dispense 60", "dispense", ["dispense", "60", "--machine", LOBBY, "--yes"],
     f"query order 60 on machine {LOBBY} before acting again"),
    ("dispense 61", "dispense", ["dispense", "61", "--machine", LOBBY, "--yes"],
     f"query order 61 on machine {LOBBY} before acting again"),
    ("test-dispense A10", "test_dispense",
     ["test-dispense", "--machine", LOBBY, "--slot", "A10", "--notify-url", "http://127.0.0.1:9/n", "--yes"],
     f"check slot A10 on machine {LOBBY} (an item may have dropped) before acting again"),
    ("order create", "order_create",
     ["order", "create", "--machine", LOBBY, "--product", "501", "--trade-id", "KILLED-0123456789abcdef",
      "--notify-url", "http://127.0.0.1:9/n"],
     f"an order may have been created on machine {LOBBY} with trade id KILLED-0123456789abcdef"),
]  # fmt: skip


def test_kill_9_while_a_write_waits_for_the_platform_is_never_forgotten(
    sandbox: Sandbox,
    console_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait_until: Any,
    figures: Figures,
) -> None:
    c = sandbox.credentials
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDCTL_")}
    env.update(
        VENDCTL_BASE_URL=sandbox.base_url,
        VENDCTL_APPID=c.appid,
        VENDCTL_APP_SECRET=c.app_secret,
        VENDCTL_SIGN_KEY=c.sign_key,
        VENDING_CONSOLE_HOME=str(console_home),
        # A killed writer is found dead when its lease runs out: 1 s here, not 30.
        VENDING_CONSOLE_JOURNAL_LEASE_S="1",
    )
    for k in ("VENDCTL_BASE_URL", "VENDCTL_APPID", "VENDCTL_APP_SECRET", "VENDCTL_SIGN_KEY"):
        monkeypatch.setenv(k, env[k])
    journal_file = console_home / "data" / "journal.sqlite3"
    unknown_seen = 0
    for label, action, argv, check in WRITES:
        before = len(sandbox.requests_for(action))
        # The platform holds the request long enough for us to kill the sender.
        sandbox.inject(f"{action}:latency=600#1")
        proc = subprocess.Popen(
            [VENDCTL, *argv, "--timeout", "300"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until(
                lambda a=action, b=before, p=proc: (
                    len(sandbox.requests_for(a)) > b or p.poll() is not None
                ),
                what=f"{label} to reach the platform",
            )
            assert proc.poll() is None, proc.communicate()
            proc.kill()  # SIGKILL while it waits for the answer
            proc.wait(WAIT)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=WAIT)
        assert proc.returncode == -9
        assert integrity(journal_file) == [("ok",)], f"after killing {label}"

        # Once its lease ran out, reopening the journal (any vendctl command does) turns
        # it into "unknown" + a check.
        wait_until_leases_run_out(journal_file)
        r = vendctl("journal", "actions", "--json", "--limit", "1")
        assert r.code == 0, r.err
        (last,) = r.json["data"]
        assert last["state"] == "unknown", (label, last)
        assert last["check"].startswith(
            "outcome unknown: the console stopped before the platform answered — "
        ), last["check"]
        assert check in last["check"], (label, last["check"])
        unknown_seen += 1
        # The person reading the journal sees it too.
        text = vendctl("journal", "actions", "--limit", "1").out
        assert "unknown" in text and "check: outcome unknown" in text

    # Nothing silently forgotten: every kill left exactly one "unknown" action, and
    # no action is left in flight.
    r = vendctl("journal", "actions", "--json", "--limit", "1000")
    states = [a["state"] for a in r.json["data"]]
    assert states.count("unknown") == len(WRITES) and "in_flight" not in states
    figures.record(
        "crash.write_kills", len(WRITES), "kill -9 of vendctl waiting on a write", held=True
    )
    figures.record(
        "crash.write_unknown",
        unknown_seen,
        "killed writes shown as 'unknown' with a check",
        held=True,
    )
    figures.record(
        "crash.integrity_checks",
        BURST_KILLS + len(WRITES),
        "PRAGMA integrity_check after a kill: all ok",
        held=True,
    )
