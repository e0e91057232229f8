"""Secrets: a whole vendctl session, then every file and every output line searched.

The session runs the installed ``vendctl`` in subprocesses, as a person would:
``listen`` in the background, reads, order create / set-status / dispense (one
jammed slot, one good), a test dispense, the follow-up refund and resolve, a
replay, journal exports written to files, a dry run, payload encode/decode,
two injected platform faults, all with ``-v`` (every request and answer on
stderr). Then the AppSecret, the sign key and the notify token are searched for
in every file under ``$VENDING_CONSOLE_HOME`` (config, journal and its WAL,
logs, runtime files, the exports) and in every stdout/stderr line.

The one place the token must appear is the first line ``vendctl listen``
prints: the notify URL to give the platform. Exactly that line is left out of
the search. (In the profile variant the token is also in the argv of the
``test-dispense --notify-url`` we type, as a person pasting the URL would.)

Keyring failure modes (no backend, D-Bus down, locked keyring, a bus with no
Secret Service) must each give a clear message, exit 4, and never write a
secret to a file.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from console.receiver import new_token
from console.sandbox import Credentials, Sandbox
from tests.integration.test_cli import VENDCTL

from .conftest import Figures

WAIT = 60.0
CANTEEN = "16327132"  # slot A12 jammed (product 550), A10 good (product 548)


def _env_base(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDCTL_")}
    env["VENDING_CONSOLE_HOME"] = str(home)
    return env


@dataclass
class Transcript:
    """Every command run, with everything it printed."""

    runs: list[tuple[list[str], str, str]] = field(default_factory=list)

    def lines(self) -> Iterator[tuple[str, str]]:
        for argv, out, err in self.runs:
            for line in out.splitlines():
                yield " ".join(argv), line
            for line in err.splitlines():
                yield " ".join(argv), line


class Listen:
    """``vendctl -v listen`` in the background; its lines collected as they come."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out: queue.Queue[str] = queue.Queue()
        self.out_lines: list[str] = []
        self.err_lines: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.out), daemon=True).start()
        self._err_thread = threading.Thread(target=self._drain_err, daemon=True)
        self._err_thread.start()
        self.url_line = self.next_line()

    def _pump(self, stream: Any, q: queue.Queue[str]) -> None:
        for line in stream:
            q.put(line.rstrip("\n"))
        q.put("\x00EOF")

    def _drain_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.err_lines.append(line.rstrip("\n"))

    def next_line(self, timeout: float = WAIT) -> str:
        line = self.out.get(timeout=timeout)
        assert line != "\x00EOF", "listen stopped: " + "\n".join(self.err_lines[-20:])
        self.out_lines.append(line)
        return line

    def wait_for(self, pattern: str) -> str:
        while True:
            line = self.next_line()
            if re.search(pattern, line):
                return line

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(WAIT)
        while True:
            try:
                line = self.out.get(timeout=5)
            except queue.Empty:
                break
            if line == "\x00EOF":
                break
            self.out_lines.append(line)
        self._err_thread.join(WAIT)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


class Session:
    def __init__(self, env: dict[str, str], global_args: list[str], transcript: Transcript) -> None:
        self.env = env
        self.global_args = global_args
        self.transcript = transcript

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        argv = [VENDCTL, "-v", *self.global_args, *args]
        r = subprocess.run(
            argv, env=self.env, capture_output=True, text=True, timeout=WAIT * 3,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self.transcript.runs.append((argv, r.stdout, r.stderr))
        assert r.returncode in ok, (args, r.returncode, r.stderr[-3000:])
        assert "Traceback" not in r.stderr
        return r


def _full_session(
    sb: Sandbox, home: Path, env: dict[str, str], global_args: list[str], transcript: Transcript
) -> Listen:
    """Everything an operator does in a day, through vendctl. Returns the stopped listener."""
    s = Session(env, global_args, transcript)
    listen = Listen([VENDCTL, "-v", *global_args, "listen"], env)
    url = listen.url_line
    assert url.startswith("http://127.0.0.1:") and "/notify/" in url
    try:
        s.run("ping")
        s.run("machines")
        s.run("machine", CANTEEN, "--json")
        s.run("products", CANTEEN)
        # A jammed slot: the dispense fails, the callback opens a follow-up.
        created = json.loads(s.run("--json", "order", "create", "--machine", CANTEEN,
                                   "--product", "550").stdout)  # fmt: skip
        bad = str(created["data"]["order_id"])
        s.run("order", "show", bad, "--machine", CANTEEN)
        s.run("order", "set-status", bad, "paid", "--machine", CANTEEN)
        s.run("dispense", bad, "--machine", CANTEEN, "--yes", ok=(1,))
        listen.wait_for(rf"order {bad} record .* FAILURE")
        # A good slot: success.
        good = json.loads(s.run("--json", "order", "create", "--machine", CANTEEN,
                                "--product", "548").stdout)["data"]["order_id"]  # fmt: skip
        s.run("order", "set-status", str(good), "1", "--machine", CANTEEN)
        sent = json.loads(s.run("--json", "dispense", str(good), "--machine", CANTEEN,
                                "--yes").stdout)  # fmt: skip
        (dispensed,) = sent["data"]
        delivery_id = int(dispensed["delivery_id"])
        listen.wait_for(rf"order {good} record .* SUCCESS")
        s.run("test-dispense", "--machine", CANTEEN, "--slot", "A10", "--yes", "--notify-url", url)
        listen.wait_for(r"test slot A10")
        # The good dispense, queried: what the sandbox's machine reported.
        shown = s.run("delivery", str(delivery_id), "--machine", CANTEEN).stdout
        reported = sb.state.deliveries[delivery_id].to_api()
        assert reported["status"] == "success" and reported["pickup_at"]
        assert f"delivery {delivery_id}: success" in shown.splitlines()
        assert f"  delivered at {reported['delivered_at']}" in shown.splitlines()
        assert f"  picked up at {reported['pickup_at']}" in shown.splitlines()
        assert "failed" not in shown
        s.run("pickup-codes", "548", "--machine", CANTEEN)
        # The refund walk.
        s.run("followup", "list")
        s.run("followup", "refund", "1", "--yes")
        s.run("followup", "resolve", "1", "--note", "WeChat refund 4200001234")
        s.run("journal", "history", bad)
        s.run("journal", "replay", "1")
        listen.wait_for(r"replay of #1")
        # Dry runs, payloads, faults.
        s.run("order", "set-status", bad, "refund", "--machine", CANTEEN, "--dry-run")
        s.run("--json", "dispense", str(good), "--machine", CANTEEN, "--record", "1", "--dry-run")
        payload = s.run("payload", "encode", "machine_no=16327132", "status=2").stdout.strip()
        s.run("payload", "decode", payload)
        sb.inject("machines:malformed#1")
        s.run("machines", ok=(3,))
        sb.inject("order_get:code0#1")
        s.run("--json", "order", "show", bad, "--machine", CANTEEN, ok=(1,))
        # Exports written to files, as an operator would keep them.
        exports = home / "exports"
        exports.mkdir(exist_ok=True)
        for kind in ("orders", "callbacks", "actions", "followups"):
            for fmt in ("json", "csv"):
                r = s.run("journal", kind, "--export", fmt)
                (exports / f"{kind}.{fmt}").write_text(r.stdout, encoding="utf-8")
                s.run("journal", kind)
    finally:
        listen.stop()
    return listen


def _variants(needles: dict[str, str]) -> dict[str, set[str]]:
    """Each secret as is, upper case, lower case and percent-encoded."""
    return {
        name: {v for v in (x, x.upper(), x.lower(), quote(x, safe="")) if v}
        for name, x in needles.items()
    }


def _file_hits(home: Path, variants: dict[str, set[str]]) -> tuple[list[str], int, int]:
    """Every file under ``home`` searched: (hits, files searched, bytes searched)."""
    hits: list[str] = []
    files = [p for p in home.rglob("*") if p.is_file()]
    size = 0
    for p in files:
        data = p.read_bytes()
        size += len(data)
        for name, vs in variants.items():
            if any(v.encode() in data for v in vs):
                hits.append(f"{name} in file {p.relative_to(home)}")
    return hits, len(files), size


def _search(
    home: Path, transcript: Transcript, listen: Listen, needles: dict[str, str]
) -> tuple[list[str], dict[str, int]]:
    variants = _variants(needles)
    hits, files, size = _file_hits(home, variants)
    lines = 0
    for cmd, line in transcript.lines():
        lines += 1
        for name, vs in variants.items():
            if any(v in line for v in vs):
                hits.append(f"{name} in output of {cmd!r}: {line[:200]}")
    # listen: every line but the first (the notify URL itself).
    assert listen.out_lines[0] == listen.url_line
    for line in listen.out_lines[1:] + listen.err_lines:
        lines += 1
        for name, vs in variants.items():
            if any(v in line for v in vs):
                hits.append(f"{name} in listen output: {line[:200]}")
    return hits, {"files": files, "bytes": size, "lines": lines}


def _sandbox_with_fresh_secrets() -> Sandbox:
    """Random secrets for this run only: a hit cannot be a coincidence or a demo value."""
    creds = Credentials(
        appid="ds" + secrets.token_hex(8),
        app_secret=secrets.token_hex(20),
        sign_key="ds" + secrets.token_hex(8),
    )
    return Sandbox(seed=1, credentials=creds, device_cycle_s=0.2)


def _check_session(
    home: Path, transcript: Transcript, listen: Listen, sb: Sandbox, token: str, figures: Figures,
    prefix: str,
) -> None:  # fmt: skip
    c = sb.credentials
    assert token in listen.url_line  # the search below would find it anywhere else
    # The session really happened: it left a journal, a log and exports behind.
    assert (home / "data" / "journal.sqlite3").stat().st_size > 0
    assert (home / "logs" / "console.log").stat().st_size > 0
    callbacks = json.loads((home / "exports" / "callbacks.json").read_text())
    assert len(callbacks) >= 4  # failure, success, test dispense, replay
    hits, searched = _search(
        home, transcript, listen,
        {"AppSecret": c.app_secret, "sign key": c.sign_key, "notify token": token},
    )  # fmt: skip
    assert hits == []
    figures.record(
        f"{prefix}.commands", len(transcript.runs) + 1, "vendctl commands in the session"
    )
    figures.record(
        f"{prefix}.files", searched["files"], "files searched under $VENDING_CONSOLE_HOME"
    )
    figures.record(f"{prefix}.bytes", searched["bytes"], "bytes searched in those files")
    figures.record(f"{prefix}.lines", searched["lines"], "stdout/stderr lines searched")
    figures.record(
        f"{prefix}.hits", len(hits), "AppSecret / sign key / notify token found", held=True
    )


@pytest.fixture
def real_keyring() -> None:
    """The keyring group's tests need GNOME Keyring; the main run has the fail backend."""
    if os.environ.get("PYTHON_KEYRING_BACKEND", "").endswith("fail.Keyring"):
        pytest.skip(
            "needs the real keyring: -m keyring inside dbus-run-session -- scripts/with-keyring.sh"
        )
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), "run inside dbus-run-session"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_full_session_leaks_no_secret(console_home: Path, figures: Figures) -> None:
    token = new_token()
    with _sandbox_with_fresh_secrets() as sb:
        c = sb.credentials
        env = _env_base(console_home)
        env.update(
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            VENDCTL_BASE_URL=sb.base_url,
            VENDCTL_APPID=c.appid,
            VENDCTL_APP_SECRET=c.app_secret,
            VENDCTL_SIGN_KEY=c.sign_key,
            VENDCTL_NOTIFY_TOKEN=token,
        )
        transcript = Transcript()
        listen = _full_session(sb, console_home, env, [], transcript)
        _check_session(console_home, transcript, listen, sb, token, figures, "secrets.env")


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.keyring
def test_a_full_session_with_a_keyring_profile_leaks_no_secret(
    console_home: Path, figures: Figures, real_keyring: None
) -> None:
    """The same day with a saved profile: secrets and the notify token live in the keyring."""
    with _sandbox_with_fresh_secrets() as sb:
        c = sb.credentials
        env = _env_base(console_home)
        env.pop("PYTHON_KEYRING_BACKEND", None)
        name = "shop-" + secrets.token_hex(3)
        add = subprocess.run(
            [VENDCTL, "profile", "add", name, "--base-url", sb.base_url, "--appid", c.appid],
            env={**env, "VENDCTL_APP_SECRET": c.app_secret, "VENDCTL_SIGN_KEY": c.sign_key},
            capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert add.returncode == 0, add.stderr
        transcript = Transcript([(["profile", "add"], add.stdout, add.stderr)])
        try:
            listen = _full_session(sb, console_home, env, ["--profile", name], transcript)
            token = listen.url_line.rsplit("/", 1)[1]
            _check_session(console_home, transcript, listen, sb, token, figures, "secrets.profile")
        finally:
            subprocess.run(
                [VENDCTL, "profile", "remove", name], env=env, capture_output=True, timeout=WAIT
            )


# -- keyring failure modes ---------------------------------------------------------------------

SECRET = "0" * 8 + secrets.token_hex(16)
SIGN_KEY = "ds" + secrets.token_hex(8)


def _try_keyring(env: dict[str, str], home: Path) -> list[subprocess.CompletedProcess[str]]:
    """Save a profile, then use a profile (written by hand, secrets never stored)."""
    env = {**env, "VENDING_CONSOLE_HOME": str(home)}
    add = subprocess.run(
        [VENDCTL, "profile", "add", "shop", "--base-url", "http://127.0.0.1:9", "--appid", "ds1"],
        env={**env, "VENDCTL_APP_SECRET": SECRET, "VENDCTL_SIGN_KEY": SIGN_KEY},
        capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "profiles.json").write_text(
        json.dumps(
            {"profiles": [{"name": "shop2", "base_url": "http://127.0.0.1:9", "appid": "ds1"}]}
        )
    )
    use = subprocess.run(
        [VENDCTL, "--profile", "shop2", "ping"],
        env=env, capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return [add, use]


def _assert_refused_cleanly(
    runs: list[subprocess.CompletedProcess[str]], home: Path, says: str, figures: Figures, key: str
) -> None:
    for r in runs:
        assert r.returncode == 4, (r.returncode, r.stderr)
        (message,) = [line for line in r.stderr.splitlines() if line.startswith("vendctl: ")]
        assert says in message, message
        assert "Traceback" not in r.stderr
    for p in home.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert SECRET.encode() not in data and SIGN_KEY.encode() not in data, p
    figures.record(
        key, "exit 4", f"clear message ({says!r}), nothing written in plaintext", held=True
    )


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    """No keyring config or files of the real user can be reached."""
    env = _env_base(tmp_path / "vc")
    env.pop("PYTHON_KEYRING_BACKEND", None)
    for var, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "xdg-config"),
                     ("XDG_DATA_HOME", "xdg-data"), ("XDG_RUNTIME_DIR", "xdg-run")):  # fmt: skip
        env[var] = str(tmp_path / sub)
        (tmp_path / sub).mkdir(mode=0o700)
    return env


def test_no_keyring_backend_is_a_clear_error(tmp_path: Path, figures: Figures) -> None:
    env = {**_isolated_env(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    runs = _try_keyring(env, tmp_path / "vc")
    _assert_refused_cleanly(
        runs, tmp_path / "vc", "no usable OS keyring", figures, "keyring.no_backend"
    )


@pytest.mark.parametrize("bus", ["unset", "dead socket"])
def test_dbus_down_is_a_clear_error(tmp_path: Path, figures: Figures, bus: str) -> None:
    env = _isolated_env(tmp_path)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if bus == "dead socket":
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={tmp_path / 'no-such-bus'}"
    runs = _try_keyring(env, tmp_path / "vc")
    _assert_refused_cleanly(
        runs,
        tmp_path / "vc",
        "no usable OS keyring",
        figures,
        f"keyring.dbus_{bus.replace(' ', '_')}",
    )


@pytest.mark.keyring
def test_a_bus_without_a_secret_service_is_a_clear_error(tmp_path: Path, figures: Figures) -> None:
    """A private D-Bus session with no keyring daemon running on it."""
    env = _isolated_env(tmp_path)
    home = tmp_path / "vc"
    script = (
        f"{VENDCTL} profile add shop --base-url http://127.0.0.1:9 --appid ds1 </dev/null 2>&1; "
        "echo rc=$?"
    )
    r = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env={**env, "VENDING_CONSOLE_HOME": str(home), "VENDCTL_APP_SECRET": SECRET,
             "VENDCTL_SIGN_KEY": SIGN_KEY},
        capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert "rc=4" in r.stdout, r.stdout + r.stderr
    (message,) = [line for line in r.stdout.splitlines() if line.startswith("vendctl: ")]
    # Either no backend at all, or GNOME Keyring activated on the bus but unable
    # to create a keyring (it would need a prompt, and there is no display).
    assert "no usable OS keyring" in message or "the keyring could not be reached" in message
    for p in home.rglob("*"):
        if p.is_file():
            assert SECRET.encode() not in p.read_bytes()
    figures.record(
        "keyring.no_secret_service", "exit 4",
        f"clear message ({message[len('vendctl: '):][:60]!r}), nothing written in plaintext",
        held=True,
    )  # fmt: skip


# The password scripts/with-keyring.sh gives the login keyring (an empty line).
KEYRING_PASSWORD = b"\n"


def _unlock(collection: Any) -> None:
    """Unlock without a prompt (there is no display): GNOME Keyring's internal interface."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus="SESSION") as conn:
        service = DBusAddress(
            "/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
            interface="org.freedesktop.Secret.Service",
        )  # fmt: skip
        session = conn.send_and_get_reply(
            new_method_call(service, "OpenSession", "sv", ("plain", ("s", "")))
        ).body[1]
        internal = DBusAddress(
            "/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
            interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
        )  # fmt: skip
        conn.send_and_get_reply(
            new_method_call(
                internal, "UnlockWithMasterPassword", "o(oayays)",
                (collection.collection_path, (session, b"", KEYRING_PASSWORD, "text/plain")),
            )
        )  # fmt: skip


@pytest.mark.keyring
def test_a_locked_keyring_is_a_clear_error(
    console_home: Path, figures: Figures, real_keyring: None
) -> None:
    import secretstorage

    env = {**_env_base(console_home)}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    # A profile saved while the keyring was open...
    ok = subprocess.run(
        [VENDCTL, "profile", "add", "shop2", "--base-url", "http://127.0.0.1:9", "--appid", "ds1"],
        env={**env, "VENDCTL_APP_SECRET": SECRET, "VENDCTL_SIGN_KEY": SIGN_KEY},
        capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    conn = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(conn)
    collection.lock()
    try:
        assert collection.is_locked()
        # ...then used, or a new one saved, while it is locked.
        use = subprocess.run(
            [VENDCTL, "--profile", "shop2", "ping"],
            env=env, capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        add = subprocess.run(
            [VENDCTL, "profile", "add", "shop3", "--base-url", "http://127.0.0.1:9", "--appid", "ds1"],
            env={**env, "VENDCTL_APP_SECRET": SECRET, "VENDCTL_SIGN_KEY": SIGN_KEY},
            capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        _assert_refused_cleanly(
            [use, add], console_home, "the keyring is locked", figures, "keyring.locked"
        )
        profiles = json.loads((console_home / "config" / "profiles.json").read_text())
        assert [p["name"] for p in profiles["profiles"]] == ["shop2"]  # shop3 was not half-saved
    finally:
        _unlock(collection)
        unlocked = not collection.is_locked()
        conn.close()
        assert unlocked, "could not unlock the keyring again"
        subprocess.run(
            [VENDCTL, "profile", "remove", "shop2"], env=env, capture_output=True, timeout=WAIT
        )
