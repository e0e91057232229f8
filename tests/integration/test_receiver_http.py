"""The notify_url receiver over real loopback HTTP, journalling into a real SQLite file."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from console.core.callback import Callback
from console.journal import CallbackRow, Journal
from console.receiver import REPLAY_HEADER, Receiver, ReplayError, new_token, replay

WAIT = 30.0  # generous: a loaded 2-core machine must not flake
FAIL = {
    "deliver_status": "0",
    "error_msg": "Slave Comm Error",
    "floor_status": "3",
    "method": "device.delivery.response",
    "order_id": 60,
    "record_id": 78,
}


def result(order: int, record: int, status: str = "1") -> bytes:
    return json.dumps(
        {
            "method": "device.delivery.response",
            "order_id": order,
            "record_id": record,
            "deliver_status": status,
        }
    ).encode()


class Client:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, receiver: Receiver) -> None:
        self.port = receiver.port
        self.path = urlsplit(receiver.url).path
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)

    def send(
        self,
        body: bytes | None,
        *,
        method: str = "POST",
        path: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, self.path if path is None else path, body=body, headers=hdrs)
        resp = self.conn.getresponse()
        data = resp.read()
        out = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        if resp.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        return out

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3", "sandbox")
    yield j
    j.close()


@pytest.fixture
def seen() -> list[CallbackRow]:
    return []


def confirm(cb: object) -> tuple[str, str]:
    """The platform's side of the cross-check, confirming every result (those tests are
    about the receiver; the checker itself is tested in test_crosscheck.py)."""
    return "ok", "confirmed by the test's stand-in for the platform"


@pytest.fixture
def checked() -> list[int]:
    return []


@pytest.fixture
def receiver(journal: Journal, seen: list[CallbackRow], checked: list[int]) -> Iterator[Receiver]:
    with Receiver(
        journal,
        new_token(),
        on_callback=seen.append,
        read_timeout_s=2.0,
        cross_check=confirm,
        on_cross_checked=lambda cid, verdict, detail: checked.append(cid),
    ) as r:
        yield r


@pytest.fixture
def client(receiver: Receiver) -> Iterator[Client]:
    c = Client(receiver)
    yield c
    c.close()


def wait_for(condition: Callable[[], bool]) -> None:
    """on_callback runs after the answer is sent: wait for it, without timing anything."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


def closed_by_server(s: socket.socket) -> bool:
    """True once the server has dropped the connection (FIN or reset)."""
    try:
        return s.recv(1024) == b""
    except ConnectionResetError:
        return True


def raw_exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes, return everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# -- the happy path ----------------------------------------------------------------------


def test_token_and_url(receiver: Receiver) -> None:
    token = new_token()
    assert len(token) >= 32 and token != new_token()  # 24 random bytes, URL-safe
    parts = urlsplit(receiver.url)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1"
    assert parts.port == receiver.port
    assert parts.path.startswith("/notify/") and len(parts.path) > len("/notify/") + 20
    assert receiver.masked_url.endswith("/notify/****")
    with pytest.raises(ValueError, match="16"):
        Receiver(receiver.journal, "short")


def test_a_callback_is_answered_200_after_it_is_journalled(
    receiver: Receiver, client: Client, journal: Journal, seen: list[CallbackRow]
) -> None:
    status, headers, data = client.send(json.dumps(FAIL).encode())
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert json.loads(data) == {"ok": True}
    rows = journal.list_callbacks()
    assert len(rows) == 1
    row = rows[0]
    wait_for(lambda: len(seen) == 1)
    assert (row.order_id, row.record_id, row.outcome) == (60, 78, "failure")
    assert row.remote.startswith("127.0.0.1:")
    assert row.content_type == "application/json"
    assert row.raw == json.dumps(FAIL).encode()
    assert [s.id for s in seen] == [row.id]


def test_form_encoded_and_query_string_are_accepted(client: Client, journal: Journal) -> None:
    body = b"order_id=61&record_id=2&deliver_status=1&method=device.delivery.response"
    status, _, _ = client.send(
        body,
        path=client.path + "?from=platform",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert journal.list_callbacks()[0].outcome == "success"


def test_keep_alive_serves_many_requests_on_one_connection(
    receiver: Receiver, client: Client
) -> None:
    client.send(result(1, 1))
    sock = client.conn.sock
    for record in range(2, 20):
        assert client.send(result(1, record))[0] == 200
    assert client.conn.sock is sock
    # Server side: TCP_NODELAY is what keeps keep-alive fast (Nagle vs delayed ACK).
    server_side = list(receiver._connections)
    assert len(server_side) == 1
    assert server_side[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


# -- bad input and its status codes -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/notify",
        "/notify/",
        "/notify/WRONG",
        "/notify/{token}/x",
        "/NOTIFY/{token}",
        "/x/{token}",
    ],
)
def test_wrong_paths_and_tokens_are_404_and_not_journalled(
    receiver: Receiver, client: Client, journal: Journal, path: str
) -> None:
    token = urlsplit(receiver.url).path.rsplit("/", 1)[1]
    status, _, _ = client.send(result(1, 1), path=path.format(token=token))
    assert status == 404
    assert journal.list_callbacks() == []


def test_a_token_of_the_same_length_but_one_letter_off_is_404(
    receiver: Receiver, client: Client
) -> None:
    path = urlsplit(receiver.url).path
    wrong = path[:-1] + ("A" if path[-1] != "A" else "B")
    assert client.send(result(1, 1), path=wrong)[0] == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_on_the_notify_path_are_405(
    client: Client, journal: Journal, method: str
) -> None:
    status, headers, _ = client.send(None if method in ("GET", "HEAD") else b"{}", method=method)
    assert status == 405
    assert headers["allow"] == "POST"
    assert journal.list_callbacks() == []


def test_get_on_another_path_is_404(client: Client) -> None:
    assert client.send(None, method="GET", path="/favicon.ico")[0] == 404


def test_an_oversize_body_is_refused_without_reading_it(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\n\r\n"
    ).encode()
    # Only the head and a few bytes are sent: the answer must come anyway.
    answer = raw_exchange(receiver.port, head + b'{"order_id": 1')
    assert answer.startswith(b"HTTP/1.1 413")
    assert journal.list_callbacks() == []


def test_a_body_just_over_the_limit_is_413_and_at_the_limit_is_read(
    receiver: Receiver, client: Client
) -> None:
    big = json.dumps({"order_id": 5, "deliver_status": "1", "pad": ""}).encode()
    pad = receiver.max_body - len(big)
    at_limit = big.replace(b'"pad": ""', b'"pad": "' + b"x" * pad + b'"')
    assert len(at_limit) == receiver.max_body
    assert client.send(at_limit)[0] == 200
    over = at_limit.replace(b'"pad": "', b'"pad": "y')
    assert client.send(over)[0] == 413


@pytest.mark.parametrize(
    "extra_header",
    [
        "Content-Length: -5\r\n",
        "Content-Length: abc\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    ],
)
def test_an_invalid_length_is_400_and_not_journalled(
    receiver: Receiver, journal: Journal, extra_header: str
) -> None:
    path = urlsplit(receiver.url).path
    request = f"POST {path} HTTP/1.1\r\nHost: x\r\n{extra_header}\r\n".encode()
    answer = raw_exchange(receiver.port, request + b"5\r\nhello\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400")
    assert journal.list_callbacks() == []


def test_a_chunked_callback_body_is_journalled_and_answered_200(
    receiver: Receiver, journal: Journal, seen: list[CallbackRow]
) -> None:
    """RFC 9112 section 7.1: a server must read a chunked body (the old server refused it)."""
    path = urlsplit(receiver.url).path
    body = json.dumps(FAIL).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:10], body[10:30], body[30:]))
    request = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT) as s:
        s.sendall(request + chunks + b"0\r\n\r\n")
        assert read_answers(s, 1)[0][0] == 200
    row = journal.list_callbacks()[0]
    assert (row.order_id, row.record_id, row.outcome) == (60, 78, "failure")
    assert row.raw == body


def test_a_chunked_body_over_the_limit_is_413_and_not_journalled(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    chunk = b"x" * 8192
    request = f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    data = request + b"%x\r\n%s\r\n" % (len(chunk), chunk) * 9  # 72 KiB, still no end
    assert raw_exchange(receiver.port, data).startswith(b"HTTP/1.1 413")
    assert journal.list_callbacks() == []


def test_no_length_is_an_empty_body_journalled_as_malformed(
    receiver: Receiver, journal: Journal
) -> None:
    """RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding
    has no body; an empty callback is malformed (400, kept)."""
    path = urlsplit(receiver.url).path
    request = f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    assert raw_exchange(receiver.port, request).startswith(b"HTTP/1.1 400")
    assert [r.outcome for r in journal.list_callbacks()] == ["malformed"]


def test_an_absolute_form_target_is_accepted(receiver: Receiver, journal: Journal) -> None:
    """RFC 9112 section 3.2.2: a server must accept the absolute form (the old one said 404)."""
    answer = raw_exchange(receiver.port, post(receiver.url, result(12, 1), "Connection: close\r\n"))
    assert answer.startswith(b"HTTP/1.1 200")
    assert journal.callback_counts()["success"] == 1


@pytest.mark.parametrize(
    "hosts",
    ["", "Host: x\r\nHost: y\r\n", "Host: x\r\nHost: x\r\n"],
    ids=["none", "two", "same twice"],
)
def test_an_http_1_1_request_without_exactly_one_host_is_400(
    receiver: Receiver, journal: Journal, hosts: str
) -> None:
    """RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1 request that lacks
    Host, and to any request with more than one."""
    path = urlsplit(receiver.url).path
    body = result(13, 1)
    request = (
        f"POST {path} HTTP/1.1\r\n{hosts}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    assert raw_exchange(receiver.port, request + body).startswith(b"HTTP/1.1 400")
    assert journal.list_callbacks() == []


def test_an_http_1_0_request_needs_no_host(receiver: Receiver, journal: Journal) -> None:
    path = urlsplit(receiver.url).path
    body = result(14, 1)
    request = f"POST {path} HTTP/1.0\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    assert raw_exchange(receiver.port, request + body).startswith(b"HTTP/1.1 200")
    assert journal.callback_counts()["success"] == 1


def test_expect_100_continue_is_refused_early_for_an_oversize_body(receiver: Receiver) -> None:
    path = urlsplit(receiver.url).path
    request = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Length: 999999999\r\n\r\n"
    ).encode()
    assert raw_exchange(receiver.port, request).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"this is not a callback", "neither"),
        (b"[1, 2]", "JSON is an array"),
        (b'{"order_id": 1, "error_msg": "\xff\xfe"}', "UTF-8"),
        (b'{"hello": "world"}', "no recognisable"),
        (b"", "empty"),
    ],
)
def test_a_malformed_body_is_400_and_its_raw_bytes_are_journalled(
    client: Client, journal: Journal, seen: list[CallbackRow], body: bytes, reason: str
) -> None:
    status, _, data = client.send(body)
    assert status == 400
    assert reason in json.loads(data)["error"]
    rows = journal.list_callbacks()
    assert len(rows) == 1
    assert rows[0].outcome == "malformed"
    assert rows[0].raw == body
    assert reason in rows[0].reason
    wait_for(lambda: len(seen) == 1)
    assert [s.id for s in seen] == [rows[0].id]
    assert client.send(result(1, 1))[0] == 200  # the connection is still usable


def test_a_journal_that_cannot_write_answers_500(
    receiver: Receiver, client: Client, journal: Journal
) -> None:
    journal.close()
    status, _, _ = client.send(result(1, 1))
    assert status == 500
    status, _, _ = client.send(b"garbage")
    assert status == 500


# -- duplicates, replays, follow-ups -----------------------------------------------------------------


def test_duplicates_are_marked_and_not_counted_twice(
    client: Client, journal: Journal, seen: list[CallbackRow], checked: list[int]
) -> None:
    for _ in range(3):
        assert client.send(json.dumps(FAIL).encode())[0] == 200
    wait_for(lambda: len(seen) == 3)
    assert [s.duplicate_of for s in seen] == [None, seen[0].id, seen[0].id]
    counts = journal.callback_counts()
    assert counts["failure"] == 1 and counts["duplicate"] == 2
    wait_for(lambda: checked == [seen[0].id])  # repeats are not checked again
    assert len(journal.list_followups()) == 1


def test_a_failure_callback_opens_exactly_one_follow_up_with_the_fault_meaning(
    client: Client, journal: Journal
) -> None:
    action = journal.begin_action("dispense", "16327129", 60, {"record_id": "78", "paid": True})
    journal.finish_action(action, "ok")
    assert client.send(json.dumps(FAIL).encode())[0] == 200
    # Journalled at once; the follow-up opens once the platform confirms the failure.
    wait_for(lambda: len(journal.list_followups()) == 1)
    f = journal.list_followups()[0]
    assert (f.order_id, f.record_id, f.machine_no, f.state) == (60, 78, "16327129", "open")
    assert f.meaning == (
        "Slave Comm Error — The slave board cannot be reached; slot status 3: Slot motor fault"
    )
    # Walk it through its life, including the moves that are not allowed.
    from console.core.followup import FollowupError

    with pytest.raises(FollowupError):
        journal.followup_resolve(f.id, "refund ref 1")
    journal.followup_refund_requested(f.id, None, "asked finance")
    with pytest.raises(FollowupError):
        journal.followup_refund_requested(f.id, None)
    assert journal.followup_resolve(f.id, "Alipay refund 2024042622001").state == "refunded"
    with pytest.raises(FollowupError):
        journal.followup_dismiss(f.id, "too late")


def test_a_replay_is_marked_and_opens_no_follow_up(
    receiver: Receiver, client: Client, journal: Journal, seen: list[CallbackRow]
) -> None:
    assert client.send(json.dumps(FAIL).encode())[0] == 200
    wait_for(lambda: len(seen) == 1)
    original = seen[0]
    wait_for(lambda: len(journal.list_followups()) == 1)
    fid = journal.list_followups()[0].id
    assert journal.get_callback(original.id).followup_id == fid  # type: ignore[union-attr]
    journal.followup_dismiss(fid, "machine was being serviced; item handed over")
    assert replay(journal, original.id, receiver.url) == 200
    wait_for(lambda: len(seen) == 2)
    replayed = seen[-1]
    assert replayed.replay_of == original.id
    assert replayed.duplicate_of is None and replayed.followup_id is None
    assert journal.callback_counts()["replay"] == 1
    assert journal.callback_counts()["failure"] == 1
    assert [f.id for f in journal.list_followups(None)] == [fid]  # no new one


def test_replay_refuses_what_cannot_be_replayed(
    receiver: Receiver, client: Client, journal: Journal
) -> None:
    client.send(b"junk")
    bad = journal.list_callbacks()[0]
    with pytest.raises(ReplayError, match="malformed"):
        replay(journal, bad.id, receiver.url)
    with pytest.raises(ReplayError, match="no callback"):
        replay(journal, 4242, receiver.url)
    client.send(result(3, 3))
    good = journal.list_callbacks()[0]
    with pytest.raises(ReplayError, match="http"):
        replay(journal, good.id, "ftp://example.invalid/notify/x")


def test_a_forged_replay_header_cannot_hide_a_new_failure(client: Client, journal: Journal) -> None:
    assert client.send(result(1, 1))[0] == 200
    first = journal.list_callbacks()[0]
    status, _, _ = client.send(json.dumps(FAIL).encode(), headers={REPLAY_HEADER: str(first.id)})
    assert status == 200
    row = journal.list_callbacks()[0]
    assert row.replay_of is None  # a new failure, so it is checked and decides
    wait_for(lambda: len(journal.list_followups()) == 1)
    assert journal.list_followups()[0].source_id == row.id


def test_cross_check_runs_off_the_handler_thread_and_its_verdict_is_stored(
    journal: Journal,
) -> None:
    release = threading.Event()
    checked = threading.Event()
    verdicts: list[tuple[int, str, str]] = []

    def cross_check(cb: Callback) -> tuple[str, str]:
        assert release.wait(WAIT)
        return ("suspicious", f"order {cb.order_id} shows no dispense")

    def on_checked(cid: int, verdict: str, detail: str) -> None:
        verdicts.append((cid, verdict, detail))
        checked.set()

    with Receiver(
        journal, new_token(), cross_check=cross_check, on_cross_checked=on_checked
    ) as receiver:
        client = Client(receiver)
        try:
            # Answered while the cross-check is still blocked.
            assert client.send(result(7, 8))[0] == 200
            assert client.send(result(7, 8))[0] == 200  # a repeat is not checked again
            row = journal.list_callbacks()[-1]
            assert journal.get_callback(row.id).cross_check == "unchecked"  # type: ignore[union-attr]
            release.set()
            assert checked.wait(WAIT)
        finally:
            client.close()
    stored = journal.get_callback(row.id)
    assert stored is not None
    assert stored.cross_check == "suspicious"
    assert stored.cross_check_detail == "order 7 shows no dispense"
    assert verdicts == [(row.id, "suspicious", "order 7 shows no dispense")]


def test_a_failing_cross_check_is_stored_as_error(journal: Journal) -> None:
    done = threading.Event()

    def cross_check(cb: Callback) -> tuple[str, str]:
        raise RuntimeError("platform unreachable")

    with Receiver(
        journal,
        new_token(),
        cross_check=cross_check,
        on_cross_checked=lambda *_: done.set(),
    ) as receiver:
        client = Client(receiver)
        try:
            assert client.send(result(9, 9))[0] == 200
            assert done.wait(WAIT)
        finally:
            client.close()
    row = journal.list_callbacks()[0]
    assert row.cross_check == "error"
    assert "platform unreachable" in row.cross_check_detail


def test_a_failing_on_callback_does_not_change_the_answer(journal: Journal) -> None:
    def boom(row: CallbackRow) -> None:
        raise RuntimeError("GUI went away")

    with Receiver(journal, new_token(), on_callback=boom) as receiver:
        client = Client(receiver)
        try:
            assert client.send(result(1, 2))[0] == 200
            assert client.send(result(1, 3))[0] == 200
        finally:
            client.close()
    assert journal.callback_counts()["success"] == 2


# -- load and hostile clients ---------------------------------------------------------------------------


def test_1000_callbacks_from_8_threads_are_all_recorded_exactly_once(
    receiver: Receiver, journal: Journal
) -> None:
    statuses: list[list[int]] = [[] for _ in range(8)]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        client = Client(receiver)
        try:
            for i in range(125):
                statuses[n].append(client.send(result(1000 + n, i + 1))[0])
            for i in range(5):  # platform re-pushes
                statuses[n].append(client.send(result(1000 + n, i + 1))[0])
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert all(s == [200] * 130 for s in statuses)
    with journal._read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT order_id, record_id, count(*) FROM callbacks "
            "WHERE duplicate_of IS NULL GROUP BY order_id, record_id"
        ).fetchall()
    assert len(rows) == 1000
    assert all(r[2] == 1 for r in rows)
    counts = journal.callback_counts()
    assert counts["success"] == 1000 and counts["duplicate"] == 40


def test_a_slow_loris_client_does_not_stop_other_callbacks(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    slow = socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT)
    idle = socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT)
    half_body = socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT)
    try:
        slow.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Le".encode())
        half_body.sendall(
            f'POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n{{"ord'.encode()
        )
        client = Client(receiver)
        try:
            assert client.send(result(5, 1))[0] == 200
            assert client.send(result(5, 2))[0] == 200
        finally:
            client.close()
        assert journal.callback_counts()["success"] == 2
        # The server drops each stalled client after its read timeout (2 s here).
        for s in (slow, idle, half_body):
            assert closed_by_server(s)
    finally:
        for s in (slow, idle, half_body):
            s.close()
    assert journal.callback_counts()["malformed"] == 0


def test_stop_is_idempotent_and_closes_open_connections(journal: Journal) -> None:
    receiver = Receiver(journal, new_token(), read_timeout_s=60).start()
    s = socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT)
    try:
        s.sendall(b"POST /notify/x HTTP/1.1\r\nHo")
        receiver.stop()
        receiver.stop()
        assert closed_by_server(s)
        assert not receiver.running
    finally:
        s.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", receiver.port), timeout=5).close()


def test_the_token_never_appears_in_log_lines(
    receiver: Receiver, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    token = urlsplit(receiver.url).path.rsplit("/", 1)[1]
    with caplog.at_level(logging.DEBUG, logger="console"):
        client.send(result(1, 1))
        client.send(b"junk")
        client.send(None, method="GET")
        raw_exchange(receiver.port, f"BROKEN /notify/{token}\r\n\r\n".encode())
    assert caplog.records
    assert token not in caplog.text
    assert "/notify/****" in caplog.text


# -- one thread for every connection: pipelining, 100-continue, HTTP/1.0, the cap -----------------


def read_answers(s: socket.socket, count: int) -> list[tuple[int, dict[str, str], bytes]]:
    """Read ``count`` answers (status, headers, body) off one connection."""
    buf = b""
    answers = []
    while len(answers) < count:
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            assert chunk, f"closed after {len(answers)} answers"
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        if status == 100:
            continue
        length = int(headers.get("content-length", "0"))
        while len(buf) < length:
            chunk = s.recv(65536)
            assert chunk
            buf += chunk
        answers.append((status, headers, buf[:length]))
        buf = buf[length:]
    return answers


def post(path: str, body: bytes, extra: str = "", version: str = "HTTP/1.1") -> bytes:
    return (
        f"POST {path} {version}\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def test_pipelined_requests_are_answered_in_order_each_once_journalled(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    data = post(path, result(7, 1)) + post(path, b"not a callback") + post(path, result(7, 2))
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT) as s:
        s.sendall(data)  # all three in one write: the server finds them in one read
        answers = read_answers(s, 3)
    assert [a[0] for a in answers] == [200, 400, 200]
    assert "neither" in json.loads(answers[1][2])["error"]
    rows = journal.list_callbacks()[::-1]
    assert [(r.outcome, r.record_id) for r in rows] == [
        ("success", 1),
        ("malformed", None),
        ("success", 2),
    ]


def test_expect_100_continue_gets_continue_then_the_answer(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    body = result(8, 1)
    head = post(path, b"", "Expect: 100-continue\r\n").replace(
        b"Content-Length: 0", f"Content-Length: {len(body)}".encode()
    )
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT) as s:
        s.sendall(head)
        assert s.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        s.sendall(body)
        assert read_answers(s, 1)[0][0] == 200
    assert journal.callback_counts()["success"] == 1


def test_an_http_1_0_request_is_answered_then_the_connection_is_closed(
    receiver: Receiver, journal: Journal
) -> None:
    path = urlsplit(receiver.url).path
    answer = raw_exchange(receiver.port, post(path, result(9, 1), version="HTTP/1.0"))
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"\r\nconnection: close\r\n" in answer.lower()
    assert journal.callback_counts()["success"] == 1


def test_past_the_connection_cap_new_connections_are_closed_and_old_ones_still_work(
    journal: Journal,
) -> None:
    receiver = Receiver(journal, new_token(), read_timeout_s=60)
    receiver.max_connections = 5
    with receiver:
        held = [
            socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT) for _ in range(5)
        ]
        try:
            wait_for(lambda: len(receiver._connections) == 5)
            extra = socket.create_connection(("127.0.0.1", receiver.port), timeout=WAIT)
            with extra:
                assert closed_by_server(extra)
            path = urlsplit(receiver.url).path
            held[0].sendall(post(path, result(10, 1)))
            assert read_answers(held[0], 1)[0][0] == 200
        finally:
            for s in held:
                s.close()
    assert journal.callback_counts()["success"] == 1


def test_when_cross_checks_fall_behind_the_callbacks_are_still_taken_and_said_once(
    journal: Journal, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A flood outruns the (paced) cross-check: every callback is still journalled and
    answered 200; those that do not fit the queue stay "unchecked", and the log says so
    once, not once per callback."""
    import console.receiver.server as server_module

    monkeypatch.setattr(server_module, "CROSS_CHECK_QUEUE", 3)
    release = threading.Event()

    def slow_check(cb: Callback) -> tuple[str, str]:
        release.wait(WAIT)
        return "ok", "checked"

    with (
        caplog.at_level(logging.WARNING, logger="console.receiver"),
        Receiver(journal, new_token(), cross_check=slow_check) as receiver,
    ):
        client = Client(receiver)
        try:
            for record in range(1, 31):
                assert client.send(result(70, record))[0] == 200
        finally:
            client.close()
        release.set()
        # Each callback is either checked or counted as left unchecked: at most the
        # queue (3) and the one or two taken by the checker meanwhile got through.
        assert 30 - 3 - 2 <= receiver.unchecked <= 30 - 3
        wait_for(
            lambda: (
                sum(c.cross_check == "ok" for c in journal.list_callbacks(100))
                == 30 - receiver.unchecked
            )
        )
    assert journal.callback_counts()["success"] == 30
    full = [r for r in caplog.records if "cross-check queue full" in r.getMessage()]
    assert len(full) == 1
    assert "left unchecked" in full[0].getMessage()


def test_a_fault_serving_one_request_costs_that_request_only(
    receiver: Receiver, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One event loop serves every connection: a bug met on one request must cost that
    request only (500, its connection closed), never the receiver (the platform's
    callbacks keep coming)."""
    import console.receiver.asgi as asgi

    real_parse = asgi.parse_callback

    def parse(body: bytes, content_type: str) -> Callback:
        if body == b"boom":
            raise RuntimeError("a bug met on this request")
        return real_parse(body, content_type)

    monkeypatch.setattr(asgi, "parse_callback", parse)
    path = urlsplit(receiver.url).path
    answer = raw_exchange(receiver.port, post(path, b"boom"))
    assert answer.startswith(b"HTTP/1.1 500")
    assert b"connection: close" in answer.lower()
    client = Client(receiver)
    try:
        assert client.send(result(11, 1))[0] == 200
    finally:
        client.close()
    assert receiver.running and journal.callback_counts()["success"] == 1


# -- the journal unavailable, and /healthz ------------------------------------------------------


def test_while_the_journal_is_locked_callbacks_get_503_then_200_again_by_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection holds the SQLite file's write lock (as a stuck process would):
    the receiver answers 503 with Retry-After, never 200, and nothing is journalled; once
    the lock is gone the same receiver answers 200 again, with nothing else done."""
    import sqlite3

    import console.journal.connection as connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 0.2)  # how long a write waits for the lock
    path = tmp_path / "journal.sqlite3"
    with Journal(path, "sandbox") as journal, Receiver(journal, new_token()) as receiver:
        client = Client(receiver)
        other = sqlite3.connect(path, isolation_level=None)
        try:
            assert client.send(result(20, 1))[0] == 200
            other.execute("BEGIN EXCLUSIVE")
            for record in (2, 3):
                status, headers, data = client.send(result(20, record))
                assert status == 503
                assert int(headers["retry-after"]) > 0
                assert "unavailable" in json.loads(data)["error"]
            status, _, _ = client.send(b"not a callback")  # a malformed one is not lost either
            assert status == 503
            other.execute("ROLLBACK")
            assert client.send(result(20, 2))[0] == 200
            assert client.send(b"not a callback")[0] == 400
        finally:
            other.close()
            client.close()
        assert [(r.record_id, r.outcome) for r in journal.list_callbacks()][::-1] == [
            (1, "success"),
            (2, "success"),
            (None, "malformed"),
        ]


def healthz(receiver: Receiver, method: str = "GET") -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=WAIT)
    try:
        conn.request(method, "/healthz")
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_healthz_says_the_journal_is_readable_and_when_the_last_callback_came(
    receiver: Receiver, client: Client, journal: Journal
) -> None:
    from console import __version__

    status, report = healthz(receiver)
    assert status == 200
    assert report == {"ok": True, "journal": True, "last_callback": None, "version": __version__}
    assert client.send(result(30, 1))[0] == 200
    status, report = healthz(receiver)
    assert status == 200
    assert report["last_callback"] == journal.list_callbacks()[0].ts_iso
    assert receiver.health() == report
    token = urlsplit(receiver.url).path.rsplit("/", 1)[1]
    assert token not in json.dumps(report)
    assert healthz(receiver, "POST")[0] == 405


def test_healthz_is_503_when_the_journal_cannot_be_read(
    receiver: Receiver, journal: Journal
) -> None:
    journal.close()
    status, report = healthz(receiver)
    assert status == 503
    assert report["ok"] is False and report["journal"] is False
