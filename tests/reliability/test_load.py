"""Load: 5,000 callbacks from 16 concurrent clients, with repeats; 50 slow-loris connections.

tests/integration/test_receiver_http.py already proves 1,000 callbacks from 8
threads in-process and 3 stalled clients; here the receiver runs in its own
process (as ``vendctl listen`` does) and takes the figures the issue asks for.
"""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from console.dispensing import check_unconfirmed
from console.journal import Journal
from console.receiver import Receiver, new_token
from tests.integration.test_receiver_crash import start_receiver, stop
from tests.integration.test_receiver_http import Client, closed_by_server, result

from .conftest import Figures

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # generous: a loaded 2-core machine

WAIT = 120.0
CLIENTS = 16
UNIQUE = 5_000
REPEATS = 500  # re-pushes of callbacks already sent, by another client
LORIS = 50


def _body(order: int, record: int) -> bytes:
    fail = record % 10 == 0
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": "0" if fail else "1",
            "floor_status": "3" if fail else "1",
            "error_msg": "Slave Comm Error" if fail else "",
        }
    ).encode()


def test_5000_callbacks_from_16_clients_are_each_recorded_once(
    tmp_path: Path, figures: Figures
) -> None:
    path = tmp_path / "journal.sqlite3"
    proc, url = start_receiver(path, tmp_path / "receiver.log")
    parts = urlsplit(url)
    per_client = [UNIQUE // CLIENTS + (1 if n < UNIQUE % CLIENTS else 0) for n in range(CLIENTS)]
    repeats = [REPEATS // CLIENTS + (1 if n < REPEATS % CLIENTS else 0) for n in range(CLIENTS)]
    statuses: list[list[int]] = [[] for _ in range(CLIENTS)]
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS + 1)

    def client(n: int) -> None:
        neighbour = (n + 1) % CLIENTS
        plan = [(300_000 + n, r) for r in range(1, per_client[n] + 1)]
        # Interleave re-pushes of the neighbour's first callbacks: some arrive
        # before the original, some after, some at the same moment.
        for i in range(repeats[n]):
            plan.insert(i * 10 + 5, (300_000 + neighbour, i + 1))
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
        try:
            start.wait(WAIT)
            for order, record in plan:
                conn.request(
                    "POST", parts.path, _body(order, record), {"Content-Type": "application/json"}
                )
                resp = conn.getresponse()
                resp.read()
                statuses[n].append(resp.status)
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        start.wait(WAIT)
        t0 = time.perf_counter()
        for t in threads:
            t.join(WAIT * 3)
            assert not t.is_alive(), "a client never finished"
        elapsed = time.perf_counter() - t0
        assert not errors, errors[:3]
        # A clean stop (stdin closed), as an operator would.
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(WAIT)
    finally:
        stop(proc)

    sent = sum(len(s) for s in statuses)
    assert sent == UNIQUE + REPEATS
    assert all(code == 200 for s in statuses for code in s)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        per_key = conn.execute(
            "SELECT order_id, record_id, sum(duplicate_of IS NULL), count(*) FROM callbacks "
            "GROUP BY order_id, record_id"
        ).fetchall()
    finally:
        conn.close()
    assert len(per_key) == UNIQUE
    assert all(counted == 1 for _, _, counted, _ in per_key)
    assert sum(total for *_, total in per_key) == UNIQUE + REPEATS
    with Journal(path, "default") as journal:
        counts = journal.callback_counts()
        assert counts["success"] + counts["failure"] == UNIQUE
        assert counts["duplicate"] == REPEATS
        failures = sum(1 for _, record, _, _ in per_key if record % 10 == 0)
        assert counts["failure"] == failures
        # Once confirmed (the receiver ran no cross-check here: the late check does it),
        # every failed dispense has exactly one follow-up; repeats opened none.
        late = check_unconfirmed(lambda cb: ("ok", "confirmed"), journal, time.time(), 0, 10**6)
        assert len(late) == UNIQUE  # each distinct result checked once, no repeat
        assert len(journal.list_followups(limit=1_000_000)) == failures

    figures.record("load.requests", sent, f"callbacks POSTed by {CLIENTS} concurrent clients")
    figures.record(
        "load.unique", UNIQUE, "distinct callbacks, each recorded and counted once", held=True
    )
    figures.record(
        "load.repeats",
        REPEATS,
        "re-pushes, each recorded as a duplicate, counted 0 times",
        held=True,
    )
    figures.record("load.non_200", 0, "answers other than 200 in the burst", held=True)
    figures.record(
        "load.rate", round(sent / elapsed), "callbacks/s in that burst (this machine; not asserted)"
    )


def _loris(port: int, path: str, n: int) -> socket.socket:
    """A client that starts a request and then goes quiet, at one of five stages."""
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    stage = n % 5
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    if stage == 1:
        s.sendall(b"PO")
    elif stage == 2:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\n".encode())
    elif stage == 3:
        s.sendall(head.encode())
    elif stage == 4:
        s.sendall(head.encode() + b'{"order_id": 1, "rec')
    return s  # stage 0: connected, nothing sent


def _still_open(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        data = s.recv(1)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)
    return bool(data)


def test_50_idle_connections_do_not_stop_other_callbacks(tmp_path: Path, figures: Figures) -> None:
    with (
        Journal(tmp_path / "journal.sqlite3", "loris") as journal,
        Receiver(journal, new_token(), read_timeout_s=120) as receiver,
    ):
        path = urlsplit(receiver.url).path
        loris = [_loris(receiver.port, path, n) for n in range(LORIS)]
        try:
            statuses: list[int] = []
            lock = threading.Lock()

            def worker(n: int) -> None:
                client = Client(receiver)
                try:
                    for r in range(1, 126):
                        code = client.send(result(400_000 + n, r))[0]
                        with lock:
                            statuses.append(code)
                finally:
                    client.close()

            workers = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
            for w in workers:
                w.start()
            for w in workers:
                w.join(WAIT)
                assert not w.is_alive()
            assert statuses == [200] * 500
            assert journal.callback_counts()["success"] == 500
            # They were all still there, holding their connections, the whole time.
            assert all(_still_open(s) for s in loris)
            receiver.stop()  # closing the receiver drops them
            assert all(closed_by_server(s) for s in loris)
        finally:
            for s in loris:
                s.close()
        assert journal.callback_counts()["malformed"] == 0
    figures.record("load.loris", LORIS, "idle (slow-loris) connections held open meanwhile")
    figures.record(
        "load.loris_accepted", 500, "other callbacks accepted while they were held", held=True
    )
