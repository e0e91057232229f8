"""kill -9 of a receiver in the middle of a burst: nothing that was answered 200 is lost."""

from __future__ import annotations

import http.client
import json
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from console.dispensing import check_unconfirmed
from console.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0
SENDERS = 4
KILL_AFTER = 300  # answered callbacks before the kill


def start_receiver(journal_path: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with log.open("wb") as err:  # the child keeps its own copy of the handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "console.receiver", "--journal", str(journal_path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
        )
    lines: queue.Queue[bytes] = queue.Queue()
    out = proc.stdout
    assert out is not None
    reader = threading.Thread(target=lambda: lines.put(out.readline()), daemon=True)
    reader.start()
    try:
        url = lines.get(timeout=WAIT).decode().strip()
    except queue.Empty:
        proc.kill()
        proc.wait()
        raise AssertionError(f"receiver did not start: {log.read_text()}") from None
    assert url.startswith("http://127.0.0.1:"), (url, log.read_text())
    return proc, url


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(WAIT)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def burst_until_killed(
    url: str,
    orders: list[int],
    kill_after: int,
    body: Callable[[int, int], bytes],
    kill: Callable[[], None],
) -> set[tuple[int, int]]:
    """One sender per order posts ``body(order, record)`` until ``kill_after`` were answered
    200; then ``kill`` kills the receiver. Returns every (order, record) answered 200."""
    parts = urlsplit(url)
    answered: list[set[tuple[int, int]]] = [set() for _ in orders]
    count = 0
    count_lock = threading.Lock()
    enough = threading.Event()

    def sender(n: int) -> None:
        nonlocal count
        order = orders[n]
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
        try:
            for record in range(1, 100_000):
                try:
                    conn.request(
                        "POST",
                        parts.path,
                        body(order, record),
                        {"Content-Type": "application/json"},
                    )
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException):
                    return  # the receiver is gone
                assert resp.status == 200
                answered[n].add((order, record))
                with count_lock:
                    count += 1
                    if count >= kill_after:
                        enough.set()
        finally:
            conn.close()

    threads = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(len(orders))]
    for t in threads:
        t.start()
    assert enough.wait(WAIT), "the burst never got going"
    kill()
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive()
    return set().union(*answered)


def _body(order: int, record: int) -> bytes:
    fail = record % 10 == 0
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": "0" if fail else "1",
            "error_msg": "Goods are Stuck" if fail else "",
        }
    ).encode()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics")
def test_kill_9_mid_burst_loses_no_answered_callback(tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    proc, url = start_receiver(journal_path, tmp_path / "receiver.log")

    def kill() -> None:
        proc.kill()  # SIGKILL: no cleanup, no checkpoint, mid-burst
        proc.wait(WAIT)

    try:
        everything = burst_until_killed(
            url, [7000 + n for n in range(SENDERS)], KILL_AFTER, _body, kill
        )
    finally:
        stop(proc)

    assert len(everything) >= KILL_AFTER

    with sqlite3.connect(journal_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = set(conn.execute("SELECT order_id, record_id FROM callbacks").fetchall())
    conn.close()
    missing = everything - stored
    assert not missing, f"{len(missing)} callbacks answered 200 but not journalled"

    with Journal(journal_path) as journal:
        counts = journal.callback_counts()
        assert counts["success"] + counts["failure"] == len(stored)
        assert counts["duplicate"] == 0
        # Every failure that was answered is journalled for its cross-check, which the
        # killed receiver may not have run: the late check confirms them, then each has
        # its follow-up (the platform stand-in confirms every one).
        failed = {k for k in everything if k[1] % 10 == 0}
        check_unconfirmed(lambda cb: ("ok", "confirmed"), journal, time.time(), 0, 1_000_000)
        opened = {(f.order_id, f.record_id) for f in journal.list_followups(limit=100_000)}
        assert failed <= opened
