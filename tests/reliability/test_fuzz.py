"""Fuzzing: the payload codec and signing, the platform's answers, and the live receiver.

Already covered in tests/unit and not repeated: signing round trips of text and
small integers (test_signing.py), the callback parser against random bytes and
random JSON/form objects (test_callback_parser.py). Added here: odd value types,
huge numbers, unicode keys, deep nesting and invalid UTF-8 for the codec and the
envelope parser; vendctl against a platform that answers anything at all; and
random bodies, content types, paths, methods and raw bytes against the real
receiver over loopback.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import logging
import os
import socket
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.api.client import envelope_data, parse_envelope
from console.api.errors import PlatformRefused, TransportError
from console.api.signing import PayloadError, decode_payload, encode_payload, sign, verify
from console.cli import main
from console.core.rules import platform_key
from console.journal import Journal
from console.receiver import MAX_BODY, Receiver, new_token
from tests.integration.conftest import LOBBY
from tests.integration.test_receiver_http import Client as ReceiverClient
from tests.integration.test_receiver_http import result

from .conftest import EXAMPLES, FUZZ, Anything, Figures, nested

# Generous, and growing with RELIABILITY_EXAMPLES: a loaded 2-core machine must not flake.
pytestmark = pytest.mark.timeout(120 + EXAMPLES)
WAIT = 60.0

# -- value strategies ----------------------------------------------------------------

huge_ints = st.integers(min_value=-(2**4000), max_value=2**4000)
odd_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | huge_ints
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=10)  # astral planes, RTL, ...
)
json_values = st.recursive(
    odd_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)
unicode_keys = st.text(min_size=1, max_size=12).filter(lambda k: k not in ("sign", "timestamp"))


# -- 1. the payload codec and signing ---------------------------------------------------


@FUZZ
@given(params=st.dictionaries(unicode_keys, json_values, max_size=8), key=st.text(min_size=1))
def test_any_params_sign_and_round_trip(params: dict[str, Any], key: str, figures: Figures) -> None:
    """Odd types, huge numbers, unicode keys and nesting: what is signed verifies after decoding."""
    text = encode_payload(params, key, now=lambda: 1714128358.0)
    obj = decode_payload(text)
    assert verify(obj, key)
    assert obj["timestamp"] == "1714128358"
    assert set(obj) == {*params, "sign", "timestamp"}
    # The sign does not depend on key order.
    assert sign(dict(reversed(list(obj.items()))), key) == obj["sign"]
    figures.add("fuzz.codec_examples", 1, "payload encode/sign/decode/verify examples")


@FUZZ
@given(raw=st.binary(max_size=400) | st.sampled_from([nested(5000), b"9" * 5000, b"\xff\xfe{}"]))
@example(raw=b'{"a":' + b"9" * 5000 + b"}")
@example(raw=nested(100_000))
@example(raw=nested(100_000, "dict"))
@example(raw='{"machine_no":"1632\ud800"}'.encode("utf-8", "surrogatepass"))
def test_any_decoded_bytes_give_an_object_or_a_payload_error(raw: bytes, figures: Figures) -> None:
    """Invalid UTF-8, JSON that is not an object, >4300-digit numbers, 100,000 levels deep."""
    text = base64.b64encode(raw).decode()
    try:
        obj = decode_payload(text)
    except PayloadError as exc:
        assert str(exc).startswith("payload ")
    else:
        assert isinstance(obj, dict)
    figures.add("fuzz.codec_examples", 1, "payload encode/sign/decode/verify examples")


@FUZZ
@given(text=st.text(max_size=200) | st.text(alphabet=string.printable, max_size=200))
def test_any_text_decodes_or_says_why(text: str) -> None:
    with contextlib.suppress(PayloadError):
        decode_payload(text)


# -- 2. the platform's envelope ---------------------------------------------------------------

envelopes = st.fixed_dictionaries(
    {},
    optional={
        "code": odd_scalars | st.just(0) | st.sampled_from(["0", "4006", " 7 ", "x"]),
        "message": odd_scalars | st.just("ok") | st.just("订单未支付"),
        "data": json_values,
    },
)
http_statuses = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 500, 502, 503, 504])


@FUZZ
@given(
    status=http_statuses,
    body=st.binary(max_size=300)
    | envelopes.map(lambda e: json.dumps(e).encode())
    | json_values.map(lambda v: json.dumps(v).encode()),
)
@example(status=200, body=b'{"code":0,"message":"ok","data":' + b"9" * 5000 + b"}")
@example(status=200, body=b'{"code":' + b"9" * 400 + b',"message":"x"}')
@example(status=200, body=nested(100_000))
@example(status=502, body=b"\xff\xfe<html>")
def test_any_answer_is_data_a_refusal_or_a_transport_error(
    status: int, body: bytes, figures: Figures
) -> None:
    figures.add("fuzz.envelope_examples", 1, "platform answers parsed (envelope parser)")
    try:
        env = parse_envelope(status, body)
    except TransportError as exc:
        assert exc.kind in ("non_json", "bad_envelope") and exc.http_status == status
        exc.describe().encode("utf-8")
        return
    try:
        envelope_data(status, env)
    except PlatformRefused as exc:
        assert -(2**63) <= exc.code < 2**63  # it must fit the journal
        exc.describe().encode("utf-8")
    else:
        assert env["code"] in (0, "0") and env["message"] == "ok"


# -- 3. vendctl against a platform that answers anything ------------------------------------------


id_values = st.one_of(
    st.integers(min_value=-5, max_value=100),
    st.integers(min_value=2**62, max_value=2**70),
    st.text(max_size=6),
    st.none(),
    st.floats(),
)
# Answers shaped like the platform's, with odd values where the console expects ids.
shaped_data = st.fixed_dictionaries(
    {},
    optional={
        "order_id": id_values,
        "delivery_id": id_values,
        "trade_id": st.text(max_size=40),
        "status": st.text(max_size=12) | st.integers(),
        "records": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": id_values,
                    "product_id": id_values,
                    "quantity": id_values,
                    "status": st.sampled_from(["", "未取货", "已取货", "订单取消"]) | st.text(),
                },
            ),
            max_size=3,
        )
        | json_values,
        "fail_reason": st.text(max_size=20),
        "data": st.lists(
            st.dictionaries(st.text(max_size=10), json_values, max_size=4), max_size=3
        ),
        "last_page": id_values,
    },
)
fuzz_commands = st.sampled_from(
    [
        ["machines"],
        ["machine", LOBBY],
        ["products", LOBBY],
        ["order", "show", "60", "--machine", LOBBY],
        ["order", "set-status", "60", "paid", "--machine", LOBBY],
        ["order", "create", "--machine", LOBBY, "--product", "501", "--notify-url", "http://127.0.0.1:9/n"],
        ["dispense", "60", "--machine", LOBBY, "--yes"],
        ["test-dispense", "--machine", LOBBY, "--slot", "A1", "--notify-url", "http://127.0.0.1:9/n", "--yes"],
        ["delivery", "5", "--machine", LOBBY],
        ["pickup-codes", "501", "--machine", LOBBY],
    ]
)  # fmt: skip


@FUZZ
@given(
    argv=fuzz_commands,
    status=http_statuses,
    body=st.binary(max_size=200)
    | envelopes.map(lambda e: json.dumps(e).encode())
    | st.builds(
        lambda code, msg, data: json.dumps({"code": code, "message": msg, "data": data}).encode(),
        st.sampled_from([0, 0, 0, 4006, 6043]),
        st.sampled_from(["ok", "ok", "订单未支付"]),
        shaped_data,
    ),
    as_json=st.booleans(),
)
def test_vendctl_survives_any_answer(
    anything: tuple[str, type[Anything]],
    argv: list[str],
    status: int,
    body: bytes,
    as_json: bool,
    monkeypatch: pytest.MonkeyPatch,
    console_home: Path,
    figures: Figures,
) -> None:
    """Whatever the platform answers: exit 0, 1 or 3 with a message; writes are journalled."""
    base, handler = anything
    handler.answer = (status, body)
    for k, v in {
        "VENDCTL_BASE_URL": base,
        "VENDCTL_APPID": "ds0123456789abcdef",
        "VENDCTL_APP_SECRET": "f" * 40,
        "VENDCTL_SIGN_KEY": "ds0123456789abcdef",
    }.items():
        monkeypatch.setenv(k, v)
    # A dispense waits for the machine's result; an answer that never settles
    # must not keep the fuzzer waiting the platform's 120 s.
    monkeypatch.setattr("console.dispensing.engine.RESULT_DEADLINE_S", 0)
    monkeypatch.setattr("console.api.client.MAX_TRIES", 1)  # retries are proven elsewhere
    out, err = io.StringIO(), io.StringIO()
    code = main([*(["--json"] if as_json else []), *argv], stdout=out, stderr=err)
    assert code in (0, 1, 3), (code, err.getvalue())
    if code:
        assert "vendctl: " in err.getvalue()
    if as_json:
        json.loads(out.getvalue())
    platform = platform_key(os.environ["VENDCTL_BASE_URL"], os.environ["VENDCTL_APPID"])
    with Journal.open(console_home / "data" / "journal.sqlite3", "env", platform=platform) as j:
        assert [a for a in j.list_actions(1000) if a.state == "in_flight"] == []
    figures.add("fuzz.vendctl_answers", 1, "vendctl runs against random platform answers")


# -- 4. the live receiver over loopback ----------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
content_types = st.sampled_from(
    ["application/json", FORM, f"{FORM}; charset=utf-8", "text/plain", "", "application/xml",
     "multipart/form-data; boundary=x", "application/json; charset=latin-1", "\u00e9/\u00e9"]
)  # fmt: skip
callback_keys = st.sampled_from(
    ["method", "order_id", "record_id", "deliver_status", "floor_status", "error_msg",
     "fail_reason", "channel_name", "delivery_id", "x"]
)  # fmt: skip
json_bodies = st.dictionaries(callback_keys | st.text(max_size=6), json_values, max_size=8).map(
    lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass")
)
form_bodies = st.dictionaries(
    callback_keys | st.text(max_size=6), st.text(max_size=20) | st.integers().map(str), max_size=8
).map(lambda d: urlencode(d, encoding="utf-8", errors="surrogatepass").encode())
bodies = (
    json_bodies
    | form_bodies
    | st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.integers(min_value=MAX_BODY - 2, max_value=MAX_BODY + 2).map(lambda n: b"x" * n)
)
methods = st.sampled_from(
    ["POST"] * 10 + ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "post", "FOO"]
)
DEFINED = {"POST", "GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Receiver, Journal]]:
    journal = Journal(tmp_path_factory.mktemp("fuzz") / "journal.sqlite3", "fuzz")
    receiver = Receiver(journal, new_token(), read_timeout_s=2.0).start()
    yield receiver, journal
    receiver.stop()
    journal.close()


class CrashLog(logging.Handler):
    """Collects what would mean a crash: an exception escaping a handler, a failed write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.crashes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if record.levelno >= logging.ERROR or (
            exc is not None and not isinstance(exc, ConnectionError | TimeoutError)
        ):
            self.crashes.append(f"{record.getMessage()} {exc!r}")


@pytest.fixture(scope="module")
def crash_log() -> Iterator[CrashLog]:
    handler = CrashLog()
    logger = logging.getLogger("console.receiver")
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def _rows(journal: Journal) -> int:
    return sum(journal.callback_counts().values())


STATUSES: Counter[int] = Counter()


# The oracle for the receiver's answers, written from the contract rather than from the
# parser: platform-api.md section 5 (the callback is a loose map of the fields below, JSON or
# form-encoded, format not stated: accept both) and README's receiver notes (bodies over
# 64 KiB: 413; malformed bodies: 400; a callback committed: 200).
CALLBACK_FIELDS = frozenset(
    {"method", "order_id", "record_id", "deliver_status", "floor_status", "error_msg",
     "fail_reason", "channel_name"}  # channel_name: what a test dispense's result carries
)  # fmt: skip
BODY_LIMIT = 64 * 1024


def _json_names(text: str) -> set[str]:
    """The names of a JSON object's members; none when the text is not a JSON object."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return set()
    return set(value) if isinstance(value, dict) else set()


def _form_names(text: str) -> set[str]:
    """The names of ``name=value&...`` fields (``+`` a space, %-escapes UTF-8); none when
    any piece lacks its ``=`` or an escape is not UTF-8."""
    names = set()
    for piece in text.strip().split("&") if text.strip() else []:
        name, eq, value = piece.partition("=")
        if not eq:
            return set()
        try:
            name, value = (unquote_to_bytes(t.replace("+", " ")).decode() for t in (name, value))
        except UnicodeDecodeError:
            return set()
        names.add(name)
    return names


def expected_notify_status(body: bytes) -> int:
    """What the receiver must answer a POST to its notify URL, whatever the content type."""
    if len(body) > BODY_LIMIT:
        return 413
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")  # a byte order mark is allowed
    except UnicodeDecodeError:
        return 400
    if CALLBACK_FIELDS & (_json_names(text) | _form_names(text)):
        return 200
    return 400


NOTIFY_POST = {"method": "POST", "path_kind": "notify", "random_path": ""}


@FUZZ
@given(
    method=methods,
    path_kind=st.sampled_from(
        ["notify"] * 8 + ["query", "suffix", "other_token", "random", "root"]
    ),
    random_path=st.text(max_size=40),
    body=bodies,
    content_type=content_types,
)
@example(**NOTIFY_POST, body=b'{"order_id": 60, "record_id": 78, "deliver_status": "0"}',
         content_type=FORM)  # fmt: skip
@example(**NOTIFY_POST, body=b"order_id=60&record_id=78&deliver_status=1",
         content_type="application/json")  # fmt: skip
@example(**NOTIFY_POST, body='\ufeff{"method": "x"}'.encode(), content_type="")
@example(**NOTIFY_POST, body=b"order%5Fid=60", content_type="text/plain")
@example(**NOTIFY_POST, body=b"order_id=%C3", content_type=FORM)
@example(**NOTIFY_POST, body=b"order_id=60&&record_id=1", content_type=FORM)
@example(**NOTIFY_POST, body=b"order_id", content_type=FORM)
@example(**NOTIFY_POST, body=b'{"x": 1}', content_type="application/json")
@example(**NOTIFY_POST, body=b'[{"order_id": 60}]', content_type="application/json")
@example(**NOTIFY_POST, body=b'{"order_id": 60, "a": "\xff"}', content_type="application/json")
@example(**NOTIFY_POST, body=b" \r\n", content_type="application/json")
@example(**NOTIFY_POST, body=b"order_id=" + b"1" * (BODY_LIMIT - 9), content_type=FORM)
@example(**NOTIFY_POST, body=b"order_id=" + b"1" * (BODY_LIMIT - 8), content_type=FORM)
def test_live_receiver_answers_every_request_properly(
    live: tuple[Receiver, Journal],
    crash_log: CrashLog,
    method: str,
    path_kind: str,
    random_path: str,
    body: bytes,
    content_type: str,
    figures: Figures,
) -> None:
    receiver, journal = live
    notify = urlsplit(receiver.url).path
    path = {
        "notify": notify,
        "query": notify + "?" + quote(random_path, safe="=&"),
        "suffix": notify + "/" + quote(random_path, safe=""),
        "other_token": "/notify/" + new_token(),
        "random": "/" + quote(random_path, safe="/"),
        "root": "/",
    }[path_kind]
    is_notify = path_kind in ("notify", "query")
    if is_notify and method == "POST":
        expected = {expected_notify_status(body)}
    elif method not in DEFINED:
        expected = {400}  # the HTTP parser's own answer to a method it does not know
    else:
        expected = {404} if not is_notify else {405}
    before = _rows(journal)
    conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=WAIT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.putheader("Content-Type", content_type.encode("utf-8"))
        conn.putheader("Content-Length", str(len(body)))
        # Over the limit the answer comes from the head alone (as it would for a
        # client sending "Expect: 100-continue"); the body is not read.
        conn.endheaders(None if len(body) > MAX_BODY else body)
        resp = conn.getresponse()
        resp.read()
    finally:
        conn.close()
    assert resp.status in expected, (resp.status, expected, method, path_kind, body[:100])
    added = _rows(journal) - before
    # A 400 from the HTTP parser (an unknown method) journals nothing; the receiver's own
    # 400 (a malformed callback body) journals it.
    assert added == (1 if is_notify and method == "POST" and resp.status in (200, 400) else 0)
    assert crash_log.crashes == []
    STATUSES[resp.status] += 1
    figures.add("fuzz.receiver_requests", 1, "random HTTP requests to the live receiver")
    figures.record(
        "fuzz.receiver_statuses",
        dict(sorted(STATUSES.items())),
        "answers by HTTP status (random requests)",
    )


request_lines = st.one_of(
    st.builds(
        lambda m, p, v: f"{m} {p} {v}".encode("latin-1", "replace"),
        st.sampled_from(["POST", "GET", "PUT", "BREW", "", "P\x00ST"]),
        st.sampled_from(["{notify}", "/", "*", "{notify}?a=1", "//notify//x", "/notify/"])
        | st.text(max_size=20),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra", "HTCPCP/1.0", ""]),
    ),
    st.binary(max_size=80).filter(lambda b: b"\n" not in b),
)
header_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"Content-Type: application/json",
                b"Content-Type: " + FORM.encode(),
                b"Transfer-Encoding: chunked",
                b"Expect: 100-continue",
                b"Connection: keep-alive",
                b"Content-Length: abc",
                b"Content-Length: -1",
                b"Content-Length: 99999999999",
                b"Content-Length: 5",
                b"Host: \xff\xfe",
                b"X-Vending-Console-Replay: 1",
                b"no colon here",
                b": empty name",
                b"Content-Length: 1e3",
            ]
        ),
        st.binary(max_size=60).filter(lambda b: b"\n" not in b and b"\r" not in b),
    ),
    max_size=6,
)
RAW_STATUSES: Counter[int] = Counter()
RAW_OK = {200, 400, 404, 405, 413, 414, 431, 501, 505}


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)  # nothing more will come: the server sees the end
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@FUZZ
@given(request_line=request_lines, headers=header_lines, body=st.binary(max_size=200))
@example(request_line=b"GET /x HTTP/1.1", headers=[b"A: " + b"b" * 70_000], body=b"")
@example(request_line=b"GET /" + b"a" * 70_000 + b" HTTP/1.1", headers=[], body=b"")
@example(request_line=b"POST {notify} HTTP/1.1", headers=[b"X: y"] * 120, body=b"")
@example(request_line=b"PRI * HTTP/2.0", headers=[], body=b"SM\r\n\r\n")
@example(request_line=b"GET /", headers=[], body=b"")
@example(request_line=b"\x1c", headers=[], body=b"")
@example(request_line=b"P\x00ST /a b HTTP/1.1", headers=[], body=b"")
def test_live_receiver_survives_raw_bytes(
    live: tuple[Receiver, Journal],
    crash_log: CrashLog,
    request_line: bytes,
    headers: list[bytes],
    body: bytes,
    figures: Figures,
) -> None:
    """Garbage request lines and headers: an HTTP status from the set above (the HTTP server's
    own 414/431/501/505 included), or, for a stream with a blank first line, the connection
    closed; never a crash."""
    receiver, _ = live
    notify = urlsplit(receiver.url).path.encode()
    line = request_line.replace(b"{notify}", notify)
    data = line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body
    answer = _raw(receiver.port, data)
    if answer.startswith(b"HTTP/1.1 100 "):  # Expect: 100-continue, then the real answer
        answer = answer.split(b"\r\n\r\n", 1)[1]
    status = 0  # closed without an answer: only when there was no request line at all
    if not answer:
        # "blank" as the HTTP server reads it: str.split() also splits on \x1c-\x1f, \x85
        assert not line.decode("iso-8859-1").split(), data[:300]
    if answer:
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1."), answer[:200]
        status = int(status_line.split()[1])
        assert status in RAW_OK, answer[:300]
    assert crash_log.crashes == []
    RAW_STATUSES[status] += 1
    figures.record(
        "fuzz.receiver_raw_statuses",
        dict(sorted(RAW_STATUSES.items())),
        "answers to raw byte streams by HTTP status (0: closed, blank request line)",
    )
    figures.add("fuzz.receiver_raw", 1, "raw byte streams sent to the live receiver")


def test_the_receiver_still_serves_after_the_fuzzing(
    live: tuple[Receiver, Journal], crash_log: CrashLog, figures: Figures
) -> None:
    receiver, journal = live
    before = journal.callback_counts()["success"]
    client = ReceiverClient(receiver)
    try:
        assert client.send(result(987654, 1))[0] == 200
    finally:
        client.close()
    assert receiver.running and journal.callback_counts()["success"] == before + 1
    assert crash_log.crashes == []
    figures.record(
        "fuzz.receiver_crashes", 0, "receiver crashes or unanswered complete requests", held=True
    )


# -- 5. vendctl's own input ---------------------------------------------------------------------


id_texts = (
    st.text(max_size=25) | st.integers().map(str) | st.sampled_from(["0", "-1", " 7 ", "1e3", "٣"])
)
input_commands = st.one_of(
    st.builds(lambda i: ["journal", "history", i], id_texts),
    st.builds(lambda i: ["followup", "resolve", i, "--note", "x"], id_texts),
    st.builds(lambda i: ["followup", "dismiss", i, "--reason", "x"], id_texts),
    st.builds(
        lambda i, s, m: ["order", "set-status", i, s, "--machine", m, "--dry-run"],
        id_texts, st.text(max_size=10) | st.sampled_from(["paid", "2", "refund", "9"]),
        st.text(max_size=12) | st.just(LOBBY) | st.just("1632712900"),
    ),
    st.builds(lambda i: ["dispense", "60", "--machine", LOBBY, "--record", i, "--dry-run"], id_texts),
    st.builds(lambda p: ["payload", "decode", p], st.text(max_size=60)),
    st.builds(lambda p: ["payload", "encode", "--params-json", p], st.text(max_size=60)
              | json_values.map(json.dumps)
              | st.sampled_from(['{"a": ' + "9" * 5000 + "}", "[" * 100_000])),
    st.builds(lambda p: ["payload", "encode", p], st.text(max_size=30)),
    st.builds(lambda t: ["journal", "actions", "--limit", t], id_texts),
)  # fmt: skip


@FUZZ
@given(argv=input_commands)
def test_vendctl_says_what_is_wrong_with_any_input(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    figures: Figures,
) -> None:
    """Odd ids, statuses, machine numbers and payloads: an exit code and a message, never a
    traceback; bad input (exit 2) sends nothing."""
    for k, v in {
        "VENDCTL_BASE_URL": "http://127.0.0.1:9",
        "VENDCTL_APPID": "ds0123456789abcdef",
        "VENDCTL_APP_SECRET": "f" * 40,
        "VENDCTL_SIGN_KEY": "ds0123456789abcdef",
    }.items():
        monkeypatch.setenv(k, v)
    capsys.readouterr()
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    said = err.getvalue() + capsys.readouterr().err  # argparse writes to sys.stderr
    assert code in (0, 1, 2), (code, said)
    if code:
        assert said.strip(), "a failure must say why"
    figures.add("fuzz.vendctl_inputs", 1, "vendctl runs with random ids, statuses, payloads")
