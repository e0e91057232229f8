"""Reliability suite: shared fixtures, the hypothesis profile, and the figures it reports.

Every test that proves something records what it tried and what held with the
``figures`` fixture. At the end of the run the figures are merged into a JSON
file (``$RELIABILITY_FIGURES``, default ``build/reliability-figures.json``) and
shown in the terminal summary; ``scripts/reliability-report.py`` turns that file
into the table in ``docs/reliability.md``.
"""

from __future__ import annotations

import http.server
import json
import os
import platform
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# The sandbox fixtures of the integration tests, shared rather than copied.
from tests.integration.conftest import sandbox  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FIGURES = ROOT / "build" / "reliability-figures.json"

# Moderate by default so the suite stays within a few minutes on 2 cores;
# RELIABILITY_EXAMPLES=2000 for a longer soak.
EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "150"))
settings.register_profile(
    "reliability",
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
# Used as a decorator (``@FUZZ``) rather than loaded, so the unit tests' own
# hypothesis settings are left alone when everything runs in one session.
FUZZ = settings.get_profile("reliability")


class Figures:
    """What was tried and what held, keyed by figure id (e.g. ``faults.cases``)."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def record(self, key: str, value: Any, what: str, *, held: bool | None = None) -> None:
        self.items[key] = {"value": value, "what": what, "held": held}

    def add(self, key: str, n: int, what: str) -> None:
        """Accumulate a count across parametrized cases."""
        item = self.items.setdefault(key, {"value": 0, "what": what, "held": None})
        item["value"] = int(item["value"]) + n


_FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def figures_path() -> Path:
    return Path(os.environ.get("RELIABILITY_FIGURES") or DEFAULT_FIGURES)


def _merge_and_write(session_failed: bool) -> Path | None:
    if not _FIGURES.items:
        return None
    path = figures_path()
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    data: dict[str, Any] = old if isinstance(old, dict) else {}
    figs: dict[str, Any] = data.get("figures") if isinstance(data.get("figures"), dict) else {}  # type: ignore[assignment]
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
    for key, item in _FIGURES.items.items():
        figs[key] = {**item, "run": stamp, "run_failed": session_failed}
    data["figures"] = figs
    data["machine"] = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    data["updated"] = stamp
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    return path


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    path = _merge_and_write(session_failed=exitstatus != 0)
    if path is None:
        return
    tr = terminalreporter
    tr.section("reliability figures")
    for key in sorted(_FIGURES.items):
        item = _FIGURES.items[key]
        tr.write_line(f"{key:<38} {item['value']!s:>10}  {item['what']}")
    tr.write_line(f"written to {path} (scripts/reliability-report.py renders them)")


@pytest.fixture
def wait_until() -> Iterator[Any]:
    """A generous wait-until loop: no timing is asserted, only that it happens at all."""

    def wait(condition: Any, timeout: float = 60.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}")
            time.sleep(0.02)

    yield wait


def nested(depth: int, kind: str = "list") -> bytes:
    """JSON nested ``depth`` levels deep: ``[[[...]]]`` or ``{"a":{"a":...1}}``."""
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


class Anything(http.server.BaseHTTPRequestHandler):
    """A stand-in platform that answers every request with ``answer`` (status, body)."""

    protocol_version = "HTTP/1.1"
    answer: tuple[int, bytes] = (200, b"{}")

    def _reply(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = _reply

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def anything() -> Iterator[tuple[str, type[Anything]]]:
    """(base URL, handler class): set ``handler.answer`` to choose what the platform says."""
    handler = type("Handler", (Anything,), {})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", handler
    srv.shutdown()
    srv.server_close()


# The window's fixtures (tests/gui/conftest.py), shared rather than copied: ``make_console``
# builds the real window on the test's sandbox; ``asker`` answers its questions.
from tests.gui.conftest import asker, make_console  # noqa: E402, F401
