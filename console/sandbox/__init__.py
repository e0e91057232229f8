"""An embedded stand-in for the vending platform's Open API, served over loopback.

The sandbox answers the same calls with the same envelope and quirks as the
platform (see platform-api.md), models machines dispensing on a clock that tests
can freeze and advance, POSTs callbacks to loopback ``notify_url``s only, and
takes fault rules (``ACTION:KIND[=ARG][#COUNT]``) so clients can be tested
against the failures they will meet.
"""

from __future__ import annotations

from console.sandbox.callbacks import CallbackLog
from console.sandbox.clock import SandboxClock
from console.sandbox.common import DEFAULT_CREDENTIALS, Credentials
from console.sandbox.faults import Fault, parse_fault
from console.sandbox.server import RequestLog, Sandbox
from console.sandbox.standalone import run_standalone
from console.sandbox.state import SandboxState

__all__ = [
    "DEFAULT_CREDENTIALS",
    "CallbackLog",
    "Credentials",
    "Fault",
    "RequestLog",
    "Sandbox",
    "SandboxClock",
    "SandboxState",
    "parse_fault",
    "run_standalone",
]
