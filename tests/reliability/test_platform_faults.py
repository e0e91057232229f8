"""Platform faults through the sandbox, for vendctl: every fault x a read and every write.

For each case: the exit code, a clear one-line message (never a traceback), how
many requests reached the sandbox (nothing retried that must not be), and what
the journal says afterwards (``vendctl journal actions``). The retry policy
under test (console/api/client.py): reads are tried up to 3 times on connection
errors and 502/503/504; set-status is tried again only when the request never
left this computer; dispense, test-dispense and order create are never retried.

Already proven elsewhere and not repeated here: the client-level classification
of each fault (tests/integration/test_client.py), the sandbox's fault answers
themselves (tests/integration/test_sandbox_faults.py).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

import pytest

from console.sandbox import Sandbox
from tests.integration.conftest import LOBBY
from tests.integration.test_cli import Run, vendctl

from .conftest import Figures

NOTIFY = "http://127.0.0.1:9/notify/not-a-real-token-0123456789"


@dataclass(frozen=True)
class Command:
    name: str
    action: str  # the sandbox's action name
    journal_kind: str | None  # None: a read, not journalled
    retry: str  # read | unsent_only | never
    method: str
    path: str  # below /api/openapi/v1, for counting tries in -v output

    def argv(self, sb: Sandbox | None) -> list[str]:
        paid = str(sb.demo_order("paid")) if sb else "60"
        unpaid = str(sb.demo_order("unpaid")) if sb else "62"
        return {
            "ping": ["ping"],
            "set-status": ["order", "set-status", unpaid, "paid", "--machine", LOBBY],
            "order-create": [
                "order", "create", "--machine", LOBBY, "--product", "501:1",
                "--notify-url", NOTIFY,
            ],
            "dispense": ["dispense", paid, "--machine", LOBBY, "--yes"],
            "test-dispense": [
                "test-dispense", "--machine", LOBBY, "--slot", "A10", "--notify-url", NOTIFY, "--yes",
            ],
        }[self.name]  # fmt: skip


COMMANDS = [
    Command("ping", "ping", None, "read", "POST", "/ping"),
    Command("set-status", "order_set_status", "set_status", "unsent_only", "PUT", "/orders/62"),
    Command("order-create", "order_create", "order_create", "never", "POST", "/orders"),
    Command("dispense", "dispense", "dispense", "never", "POST", "/deliveries"),
    Command(
        "test-dispense", "test_dispense", "test_dispense", "never", "POST", "/deliveries/debug"
    ),
]


@dataclass(frozen=True)
class Fault:
    name: str
    rule: str  # "" for connection refused (no sandbox at all)
    exit: int
    says: tuple[str, ...]  # fragments the one-line message must contain
    journal: str  # the action's state afterwards
    retried_by: frozenset[str] = frozenset()  # retry policies that try again (3 tries)
    timeout: str | None = None
    sent: bool = True  # may the request have reached the platform?


T = "transport failure"
FAULTS = [
    Fault("connection refused", "", 3, (T, "(connect)", "could not connect"), "transport",
          frozenset({"read", "unsent_only"}), sent=False),
    Fault("timeout", "{a}:latency=3", 3, (T, "(timeout)", "did not answer in time"), "transport",
          timeout="0.5"),
    Fault("slow answer", "{a}:latency=1", 0, (), "ok"),
    Fault("HTTP 503", "{a}:status=503", 3, (T, "HTTP 503", "Service Unavailable"), "transport",
          frozenset({"read"})),
    Fault("HTTP 500", "{a}:status=500", 3, (T, "HTTP 500", "Internal Server Error"), "transport"),
    Fault("HTML error page", "{a}:html", 3, (T, "answer is not JSON", "HTTP 502", "502 Bad Gateway"),
          "transport", frozenset({"read"})),
    Fault("malformed JSON", "{a}:malformed", 3, (T, "answer is not JSON", "HTTP 200", "answer began"),
          "transport"),
    Fault("truncated JSON", "{a}:truncated", 3, (T, "answer is not JSON", "answer began: '{"),
          "transport"),
    Fault("empty answer", "{a}:empty", 3, (T, "empty answer", "HTTP 200"), "transport"),
    Fault("connection reset", "{a}:reset", 3, (T, "(connection_lost)", "connection lost"),
          "transport", frozenset({"read"})),
    Fault("HTTP 401", "{a}:unauthorized", 1, ("platform refused: code 10014", "appid is invalid",
          "meaning:"), "refused"),
    Fault("code 0 not ok", "{a}:code0", 1, ("platform refused: code 0", "订单未支付", 'not "ok"'),
          "refused"),
    Fault("unknown error code", "{a}:code=98765", 1, ("platform refused: code 98765",
          "unknown error code"), "refused"),
]  # fmt: skip


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _tries(stderr: str, method: str, path: str) -> int:
    """Attempts of one call, from the -v trace (``> PUT http://…/orders/62 (try 1)``)."""
    pattern = re.compile(rf"^> {method} \S+/api/openapi/v1{re.escape(path)} \(try \d+\)$", re.M)
    return len(pattern.findall(stderr))


def _journal_actions() -> list[dict]:
    r = vendctl("journal", "actions", "--json")
    assert r.code == 0, r.err
    return list(r.json["data"])


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("cmd", COMMANDS, ids=[c.name for c in COMMANDS])
def test_fault_matrix(
    cmd: Command,
    fault: Fault,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    figures: Figures,
) -> None:
    c = sandbox.credentials
    base = sandbox.base_url if fault.rule else f"http://127.0.0.1:{_closed_port()}"
    for k, v in {
        "VENDCTL_BASE_URL": base,
        "VENDCTL_APPID": c.appid,
        "VENDCTL_APP_SECRET": c.app_secret,
        "VENDCTL_SIGN_KEY": c.sign_key,
    }.items():
        monkeypatch.setenv(k, v)
    if fault.rule:
        sandbox.inject(fault.rule.format(a=cmd.action))
    argv = ["-v", *cmd.argv(sandbox)]
    if fault.timeout:
        argv += ["--timeout", fault.timeout]
    r: Run = vendctl(*argv)

    # 1. The exit code says what kind of failure it was.
    assert r.code == fault.exit, (r.code, r.err[-2000:])
    assert "Traceback" not in r.err

    # 2. A clear message: the final "vendctl:" lines say what happened, and for a
    #    write that may have arrived, what to check before trying again.
    if fault.exit:
        message = r.err[r.err.rindex("vendctl: ") :]
        for fragment in fault.says:
            assert fragment in message, (fragment, message)
        may_have_arrived = "may have reached the platform: check" in message
        assert may_have_arrived == (fault.exit == 3 and fault.sent), message
        if fault.exit == 1:
            assert "  meaning: " in message

    # 3. Nothing retried that must not be: count what reached the sandbox (or,
    #    with nothing listening, the tries the -v trace shows).
    expected = 3 if cmd.retry in fault.retried_by else 1
    if cmd.name == "dispense" and not fault.rule:
        expected = 0  # the order look-up before it failed: no dispense was sent
    if fault.rule:
        sent = len(sandbox.requests_for(cmd.action))
    else:
        sent = _tries(r.err, cmd.method, cmd.path)
        # Dispense reads the order first; its own tries show in the trace too.
        if cmd.name == "dispense":
            assert _tries(r.err, "POST", f"/orders/{sandbox.demo_order('paid')}") == 3
    assert sent == expected, (sent, expected)

    # 4. The journal records the outcome of every write that was sent.
    actions = _journal_actions()
    if cmd.journal_kind is None or expected == 0:
        assert actions == []
    else:
        (action,) = [a for a in actions if a["kind"] == cmd.journal_kind]
        assert action["state"] == fault.journal, action
        if fault.journal == "transport":
            assert "before acting again" in action["check"], action
            assert "?" not in action["check"].split("—", 1)[1], action["check"]
            assert action["message"].startswith("transport failure")
        elif fault.journal == "refused":
            assert action["code"] == int(fault.says[0].rsplit(" ", 1)[1])
            assert action["message"]
        if cmd.name == "dispense":
            # A refused dispense of a paid order opens a refund follow-up; a
            # transport failure leaves the outcome to check instead.
            followups = vendctl("followup", "list", "--json").json["data"]
            assert len(followups) == (1 if fault.journal == "refused" else 0)

    figures.add("faults.cases", 1, "fault x command cases run through vendctl (matrix)")
    figures.add(
        "faults.requests",
        max(sent, 0),
        "requests sent in the matrix (tries, when nothing listened)",
    )
    figures.record("faults.kinds", len(FAULTS), "fault kinds injected")
    figures.record("faults.commands", len(COMMANDS), "commands (1 read, 4 writes) per fault")
