"""`vendctl serve` as a process over loopback, with the real sandbox as the platform.

Each test starts the service the way a server does (its own process, credentials from
the environment or from a systemd credentials directory, a journal URL) and checks
what its operator would notice: the log lines, the exit code, the journal.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import queue
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy

from console.cli import main
from console.sandbox import Sandbox
from tests.pg import PgServer

from .conftest import CANTEEN, LOBBY
from .test_cli import vendctl
from .test_receiver_crash import SENDERS, _body, burst_until_killed

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0
TOKEN = "serve-t0k3n-0123456789abcdefXYZ"
LISTENING = re.compile(r"console\.service: listening on http://127\.0\.0\.1:(\d+)/notify/\*{4}$")
READY = re.compile(r"console\.service: checking for dispenses without a result every")


class Serve:
    """`vendctl serve` in its own process; its stderr collected line by line."""

    def __init__(self, args: list[str], environ: dict[str, str], *, wait: bool = True) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console.cli", "serve", "--port", "0", *args],
            cwd=ROOT,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = 0
        if wait:
            self.port = int(self.wait_for(LISTENING).group(1))
            self.wait_for(READY)  # the last line it logs on starting

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line.rstrip("\n"))
        self._new.put(None)

    def wait_for(self, pattern: re.Pattern[str] | str) -> re.Match[str]:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = self._new.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line like {pattern!r} in:\n{self.err}") from None
            if line is None:
                raise AssertionError(f"serve ended before {pattern!r}:\n{self.err}")
            if m := re.search(pattern, line):
                return m

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/notify/{TOKEN}"

    @property
    def err(self) -> str:
        return "\n".join(self.lines)

    def finish(self) -> tuple[int, str]:
        """Wait for the process to end by itself; its exit code and all of its stderr."""
        code = self.proc.wait(WAIT)
        self._reader.join(WAIT)
        assert self.proc.stdout is not None
        assert self.proc.stdout.read() == ""  # a service prints nothing but its log
        self.close()
        return code, self.err

    def terminate(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.finish()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def base_env(console_home: Path) -> dict[str, str]:
    """This environment without credentials or a systemd context, running this checkout."""
    drop = ("VENDCTL_", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "INVOCATION_ID")
    e = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    e["VENDING_CONSOLE_HOME"] = str(console_home)
    e["PYTHONPATH"] = str(ROOT)
    e["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return e


@pytest.fixture
def serve_env(
    sandbox: Sandbox, console_home: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The sandbox's credentials (here too, for the vendctl commands a test runs) and a
    notify token in the service's environment."""
    c = sandbox.credentials
    creds = {
        "VENDCTL_BASE_URL": sandbox.base_url,
        "VENDCTL_APPID": c.appid,
        "VENDCTL_APP_SECRET": c.app_secret,
        "VENDCTL_SIGN_KEY": c.sign_key,
    }
    for k, v in creds.items():
        monkeypatch.setenv(k, v)
    return {**base_env(console_home), **creds, "VENDCTL_NOTIFY_TOKEN": TOKEN}


@pytest.fixture
def served(serve_env: dict[str, str]) -> Iterator[list[Serve]]:
    """Services a test starts; any still running at the end is killed."""
    started: list[Serve] = []
    yield started
    for s in started:
        s.close()


def credentials_dir(tmp_path: Path, sandbox: Sandbox, mode: int = 0o600) -> Path:
    """What systemd's LoadCredential= makes: one file per credential, owner-only."""
    d = tmp_path / "credentials"
    d.mkdir(mode=0o700)
    c = sandbox.credentials
    for name, value in (
        ("appid", c.appid),
        ("app_secret", c.app_secret),
        ("sign_key", c.sign_key),
        ("notify_token", TOKEN),
    ):
        path = d / name
        path.write_text(value + "\n", encoding="utf-8")  # as `echo` writes it
        path.chmod(mode)
    return d


def post(url: str, body: bytes) -> int:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=WAIT)
    try:
        conn.request("POST", parts.path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def secrets_of(sandbox: Sandbox) -> tuple[str, ...]:
    return (TOKEN, sandbox.credentials.app_secret, sandbox.credentials.sign_key)


def test_serve_with_credentials_from_the_environment(
    serve_env: dict[str, str], served: list[Serve], sandbox: Sandbox
) -> None:
    """Started with the environment's credentials: it says so and where the platform calls
    it (token masked), journals a callback before answering 200, exits 0 on SIGTERM."""
    s = Serve(["--public-url", "https://vend.example.com/"], serve_env)
    served.append(s)
    assert "credentials from the environment" in s.err
    assert "notify URL for the platform: https://vend.example.com/notify/****" in s.err
    oid = sandbox.demo_order("paid")
    body = json.dumps(
        {"method": "device.delivery.response", "order_id": oid, "record_id": 78,
         "deliver_status": "1", "error_msg": ""}
    ).encode()  # fmt: skip
    assert post(s.url, body) == 200
    (row,) = vendctl("--json", "journal", "callbacks").json["data"]
    assert (row["order_id"], row["record_id"], row["outcome"]) == (oid, 78, "success")
    assert post(s.url.replace(TOKEN, "not-the-token-0123456789"), body) == 404
    code, err = s.terminate()
    assert code == 0, err
    assert err.splitlines()[-1].endswith("console.service: stopped")
    assert "Traceback" not in err, err
    assert not any(secret in err for secret in secrets_of(sandbox))


def test_serve_with_systemd_credentials_and_a_journal_url(
    serve_env: dict[str, str],
    served: list[Serve],
    sandbox: Sandbox,
    tmp_path: Path,
    console_home: Path,
) -> None:
    """Under systemd: secrets from $CREDENTIALS_DIRECTORY (none in the environment), log
    lines carry journald priorities and no time; the platform's real callback for a
    failed dispense is journalled in the --journal file, cross-checked, and opens the
    follow-up."""
    creds = credentials_dir(tmp_path, sandbox)
    journal = console_home / "data" / "journal.sqlite3"  # the one vendctl here uses too
    e = {k: v for k, v in serve_env.items() if k == "VENDCTL_BASE_URL" or "VENDCTL_" not in k}
    e |= {"CREDENTIALS_DIRECTORY": str(creds), "JOURNAL_STREAM": "8:12345"}
    s = Serve(["--journal", f"sqlite:///{journal}", "--public-url", "https://v.example"], e)
    served.append(s)
    assert "<6>console.service: vendctl serve" in s.err
    assert f"credentials from systemd credentials ({creds})" in s.err
    assert all(re.match(r"<[0-7]>\S+: ", line) for line in s.lines), s.err

    slot = sandbox.state.machines[CANTEEN].slot("A10")
    assert slot is not None
    r = vendctl("order", "create", "--machine", CANTEEN, "--product", str(slot.id),
                "--notify-url", s.url, "--json")  # fmt: skip
    assert r.code == 0, r.err
    oid = r.json["data"]["order_id"]
    assert vendctl("order", "set-status", str(oid), "paid", "--machine", CANTEEN).code == 0
    sandbox.inject("device:fail=2,Goods are Stuck#1")
    assert vendctl("dispense", str(oid), "--machine", CANTEEN, "--yes").code == 1
    s.wait_for(r"<6>console\.service: cross-check of callback #1: ok — .* → follow-up #\d+$")

    engine = sqlalchemy.create_engine(f"sqlite:///{journal}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text("SELECT order_id, outcome, cross_check FROM callbacks")
            ).all()
            followups = conn.execute(sqlalchemy.text("SELECT order_id FROM followups")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(oid, "failure", "ok")]
    assert [tuple(f) for f in followups] == [(oid,)]
    code, err = s.terminate()
    assert code == 0, err
    assert not any(secret in err for secret in secrets_of(sandbox))


def test_a_dispense_left_without_result_is_checked_by_the_service_on_its_own(
    serve_env: dict[str, str], served: list[Serve], sandbox: Sandbox
) -> None:
    """Another seat's dispense lost its answer and the slot jammed; no callback comes.
    The service asks the platform by itself and opens the follow-up that says the result
    is unknown — check before refunding."""
    s = Serve(["--check-every", "0.2", "--older-than", "0"], serve_env)
    served.append(s)
    oid = sandbox.demo_order("paid")
    for rule in ("callback:drop", "dispense:lost#1", "device:fail=2,Goods are Stuck#1"):
        sandbox.inject(rule)
    assert vendctl("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes").code == 3
    s.wait_for(
        rf"WARNING console\.service: order {oid} record 78 \(delivery -, sent .*\): platform "
        r"says .* → result unknown; follow-up #1 \(open\): result unknown — check before "
        "refunding$"
    )
    (f,) = vendctl("--json", "followup", "list").json["data"]
    assert (f["order_id"], f["record_id"], f["state"]) == (oid, 78, "open")
    assert len(sandbox.requests_for("dispense")) == 1  # asked about, never sent again
    assert s.terminate()[0] == 0


def test_a_result_that_came_while_nothing_listened_is_recorded_when_the_service_starts(
    serve_env: dict[str, str], served: list[Serve], sandbox: Sandbox
) -> None:
    """The dispense's answer was lost and its callback went nowhere, but the item dropped:
    the service, started afterwards, asks at once and records the result — no follow-up."""
    oid = sandbox.demo_order("paid")
    sandbox.inject("callback:drop")
    sandbox.inject("dispense:lost#1")
    assert vendctl("dispense", str(oid), "--machine", LOBBY, "--record", "78", "--yes").code == 3
    deadline = time.monotonic() + WAIT
    while sandbox.state.orders[oid].record(78).status != "已取货":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the machine never dropped the item"
        time.sleep(0.05)
    s = Serve(["--older-than", "0"], serve_env)
    served.append(s)
    s.wait_for(
        rf"INFO console\.service: order {oid} record 78 .*: platform says the order's record "
        r"78 is picked up → result recorded$"
    )
    assert "nothing to follow up" in vendctl("followup", "list").out
    assert s.terminate()[0] == 0


def test_a_port_in_use_is_one_sentence_and_exit_3(
    serve_env: dict[str, str], served: list[Serve]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as other_program:
        port = other_program.getsockname()[1]
        s = Serve(["--port", str(port)], serve_env, wait=False)
        served.append(s)
        code, err = s.finish()
    assert code == 3, err
    (line,) = err.splitlines()
    assert line.endswith(
        f"ERROR console.service: cannot listen on 127.0.0.1:{port}: port {port} on 127.0.0.1 "
        "is already in use by another program (stop it, or choose another: --port)"
    )


def test_missing_credentials_name_the_three_ways_and_exit_3(
    console_home: Path, served: list[Serve], sandbox: Sandbox
) -> None:
    e = base_env(console_home) | {"VENDCTL_BASE_URL": sandbox.base_url}
    s = Serve([], e, wait=False)
    served.append(s)
    code, err = s.finish()
    assert code == 3, err
    (line,) = err.splitlines()
    assert "ERROR console.service: no credentials found: put them in the OS keyring" in line
    for way in ("--profile NAME", "LoadCredential=", "VENDCTL_APP_SECRET", "VENDCTL_NOTIFY_TOKEN"):
        assert way in line


def test_a_credential_file_others_can_read_is_refused(
    console_home: Path, served: list[Serve], sandbox: Sandbox, tmp_path: Path
) -> None:
    creds = credentials_dir(tmp_path, sandbox)
    (creds / "app_secret").chmod(0o644)
    e = base_env(console_home) | {
        "VENDCTL_BASE_URL": sandbox.base_url,
        "CREDENTIALS_DIRECTORY": str(creds),
    }
    s = Serve([], e, wait=False)
    served.append(s)
    code, err = s.finish()
    assert code == 3, err
    (line,) = err.splitlines()
    assert line.endswith(
        f"the credential file {creds / 'app_secret'} can be read or changed by every user on "
        f"this computer (mode 0644): it was not read; make it readable by its owner only "
        f"(chmod 600 {creds / 'app_secret'}) or use systemd's LoadCredential=, which does so "
        "by itself"
    )
    assert not any(secret in err for secret in secrets_of(sandbox))
    assert stat.S_IMODE((creds / "app_secret").stat().st_mode) == 0o644  # left as it was


def test_a_plain_http_public_url_warns_that_the_token_crosses_in_clear(
    serve_env: dict[str, str], served: list[Serve], sandbox: Sandbox
) -> None:
    s = Serve(["--public-url", "http://vend.example.com"], serve_env)
    served.append(s)
    assert (
        "WARNING console.service: --public-url is plain http: the notify token crosses the "
        "internet in clear"
    ) in s.err
    code, err = s.terminate()
    assert code == 0
    assert "http://vend.example.com/notify/****" in err
    assert not any(secret in err for secret in secrets_of(sandbox))


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (
            ["--journal", "mysql://vendctl:pw-0123@db.example/vendctl"],
            "mysql://vendctl:***@db.example/vendctl: a journal is a SQLite file "
            "(sqlite:///path) or a PostgreSQL database (postgresql://user:password@host/database)",
        ),
        (
            ["--journal", "/var/lib/vendctl/journal.sqlite3"],
            "--journal '/var/lib/vendctl/journal.sqlite3' is not a database URL: give the "
            "journal as a URL, e.g. sqlite:////var/lib/vendctl/journal.sqlite3 (four slashes "
            "for an absolute path) or postgresql://vendctl@localhost/vendctl",
        ),
        (
            ["--public-url", f"https://vend.example.com/notify/{TOKEN}"],
            "--public-url is the address without the notify token (e.g. "
            "https://vend.example.com): a token on the command line is visible to every user "
            "of this computer; the service adds /notify/<token> itself",
        ),
        (
            ["--public-url", "vend.example.com"],
            "--public-url 'vend.example.com' is not an http(s) address: give the address the "
            "platform calls, e.g. https://vend.example.com",
        ),
    ],
)
def test_bad_flags_are_one_sentence_and_exit_2(argv: list[str], sentence: str) -> None:
    """Checked before anything starts (in this process: nothing is bound or opened)."""
    err = io.StringIO()
    assert main(["serve", "--port", "0", *argv], stdout=io.StringIO(), stderr=err) == 2
    (line,) = err.getvalue().splitlines()
    assert line.endswith(f"ERROR console.service: {sentence}")
    assert "pw-0123" not in line and TOKEN not in line


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The service's journal, by URL: a SQLite file, and a database on the suite's
    PostgreSQL server (the password in PGPASSWORD, not on the command line)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def test_kill_9_mid_burst_loses_no_answered_callback(
    serve_env: dict[str, str], served: list[Serve], journal_url: str
) -> None:
    s = Serve(["--journal", journal_url], serve_env)
    served.append(s)

    def kill() -> None:
        s.proc.kill()  # SIGKILL: no cleanup, mid-burst
        s.proc.wait(WAIT)

    answered = burst_until_killed(s.url, [9000 + n for n in range(SENDERS)], 300, _body, kill)
    assert len(answered) >= 300
    engine = sqlalchemy.create_engine(journal_url)
    try:
        with engine.connect() as conn:
            stored = {
                (r.order_id, r.record_id)
                for r in conn.execute(sqlalchemy.text("SELECT order_id, record_id FROM callbacks"))
            }
    finally:
        engine.dispose()
    missing = answered - stored
    assert not missing, f"{len(missing)} callbacks answered 200 but not journalled"


def test_serve_on_postgresql_journals_each_callback_before_its_200(
    serve_env: dict[str, str], served: list[Serve], sandbox: Sandbox, pg_url: str
) -> None:
    """`--journal postgresql://user@host/db` with the password in PGPASSWORD (not on the
    command line): a callback answered 200 is in PostgreSQL; the log names the journal
    with no password; `vendctl journal callbacks --journal URL` reads it back."""
    url = sqlalchemy.engine.make_url(pg_url)
    e = serve_env | {"PGPASSWORD": str(url.password)}
    no_password = url._replace(password=None).render_as_string(hide_password=False)
    s = Serve(["--journal", no_password.replace("+psycopg", "")], e)
    served.append(s)
    assert f"console.service: journal: postgresql://{url.username}@" in s.err
    oid = sandbox.demo_order("paid")
    body = json.dumps(
        {"method": "device.delivery.response", "order_id": oid, "record_id": 78,
         "deliver_status": "1", "error_msg": ""}
    ).encode()  # fmt: skip
    assert post(s.url, body) == 200
    engine = sqlalchemy.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text("SELECT order_id, record_id, outcome FROM callbacks")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(oid, 78, "success")]
    (row,) = vendctl("--json", "journal", "callbacks", "--journal", pg_url).json["data"]
    assert (row["order_id"], row["outcome"]) == (oid, "success")
    code, err = s.terminate()
    assert code == 0, err
    assert str(url.password) not in err and "Traceback" not in err


def test_an_unreachable_postgresql_journal_is_one_sentence_and_exit_3(
    serve_env: dict[str, str],
) -> None:
    s = Serve(["--journal", "postgresql://vendctl:pw-0123@127.0.0.1:1/vendctl"], serve_env,
              wait=False)  # fmt: skip
    code, err = s.finish()
    assert code == 3, err
    (line,) = err.splitlines()
    assert (
        "ERROR console.service: cannot open the journal postgresql://vendctl:***@127.0.0.1:1/"
        in line
    )
    assert "pw-0123" not in line


# -- PostgreSQL going away mid-burst ---------------------------------------------------
# The service keeps running: while PostgreSQL is down every callback is answered 503
# (never 200) and /healthz says 503; once the server is back the same process answers
# 200 again by itself, and every callback it ever answered 200 is in PostgreSQL. The
# database is a PostgreSQL server of the test's own (tests/pg.py), so stopping it
# touches no other test.

OUTAGE_SENDERS = 4


@pytest.fixture
def own_pg() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def healthz(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


class Burst:
    """Senders posting callbacks without pause; every answer's status is kept."""

    def __init__(self, url: str) -> None:
        self.parts = urlsplit(url)
        self.statuses: Counter[int] = Counter()
        self.answered: set[tuple[int, int]] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._send, args=(7000 + n,), daemon=True)
            for n in range(OUTAGE_SENDERS)
        ]
        for t in self.threads:
            t.start()

    def _send(self, order: int) -> None:
        conn = http.client.HTTPConnection(self.parts.hostname or "", self.parts.port, timeout=WAIT)
        record = 0
        try:
            while not self.stop.is_set():
                record += 1
                conn.request(
                    "POST",
                    self.parts.path,
                    _body(order, record),
                    {"Content-Type": "application/json"},
                )
                resp = conn.getresponse()
                resp.read()
                with self.lock:
                    self.statuses[resp.status] += 1
                    if resp.status == 200:
                        self.answered.add((order, record))
                if resp.status != 200:
                    time.sleep(0.05)  # as a platform would wait before re-sending
        finally:
            conn.close()

    def count(self, status: int) -> int:
        with self.lock:
            return self.statuses[status]

    def wait_for(self, status: int, more_than: int) -> None:
        deadline = time.monotonic() + WAIT
        while self.count(status) <= more_than:
            assert time.monotonic() < deadline, f"no {status} answers: {self.statuses}"
            time.sleep(0.02)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(WAIT)
            assert not t.is_alive()


def test_postgresql_stopped_mid_burst_is_503_never_200_and_200_again_by_itself(
    serve_env: dict[str, str], served: list[Serve], own_pg: PgServer
) -> None:
    url = own_pg.url("postgres")
    s = Serve(["--journal", url], serve_env)
    served.append(s)
    pid = s.proc.pid
    burst = Burst(s.url)
    try:
        burst.wait_for(200, 100)
        own_pg.pause()  # PostgreSQL stopped, mid-burst
        burst.wait_for(503, 20)
        assert healthz(s.port) == 503
        ok_while_down = burst.count(200)
        burst.wait_for(503, 60)
        # Nothing was answered 200 while the database was gone.
        assert burst.count(200) == ok_while_down
        own_pg.resume()  # back, same address
        burst.wait_for(200, ok_while_down + 100)
        assert healthz(s.port) == 200
    finally:
        burst.finish()
    assert s.proc.poll() is None and s.proc.pid == pid  # the same process recovered
    assert set(burst.statuses) <= {200, 503}, burst.statuses
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            stored = {
                (r.order_id, r.record_id)
                for r in conn.execute(sqlalchemy.text("SELECT order_id, record_id FROM callbacks"))
            }
    finally:
        engine.dispose()
    missing = burst.answered - stored
    assert not missing, f"{len(missing)} callbacks answered 200 but not in PostgreSQL"
    code, err = s.terminate()
    assert code == 0
    assert "Traceback" not in err, err
