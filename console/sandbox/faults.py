"""Fault rules: ``ACTION:KIND[=ARG][#COUNT]``.

ACTION is a platform action name (``dispense``, ``order_get``, ...), ``*`` for
every platform action, ``device`` for the machine's answer to a dispense, or
``callback`` for the platform's POST to ``notify_url``. COUNT is how many times
the rule fires; without it the rule fires until cleared.

Kinds for a platform action (or ``*``):

- ``latency=S`` answers S real seconds late;
- ``status=N`` answers HTTP N with a plain-text body; ``html`` a 502 page;
  ``malformed``, ``truncated``, ``empty`` a 200 that is not JSON;
- ``unauthorized`` a 401 envelope; ``code0`` code 0 with a message that is not
  "ok"; ``code=N`` the error code N;
- ``reset`` closes the connection without doing anything or answering;
- ``lost`` (write actions only: ``order_create``, ``order_set_status``,
  ``dispense``, ``test_dispense``) does the action as usual (the dispense
  starts, the status changes) and then closes the connection without
  answering: the console was killed, or the network died, between send and
  answer.

Kinds for ``device`` (the next dispense, order or test):

- ``fail[=FLOOR[,TEXT]]`` the machine reports a failure (floor 2, "Goods are
  Stuck" unless given);
- ``noanswer`` the machine never answers: the platform's 120 s timeout applies;
- ``slow=S`` the machine's result comes S sandbox seconds after the dispense
  instead of the usual device cycle; until then the dispense record says
  "dispensing" and the machine stays locked. S of 120 or more is the
  platform's timeout. ``slow`` combines with ``fail`` (a slow failure).

Kinds for ``callback``: ``drop`` (never sent), ``duplicate`` (sent twice),
``delay=S`` (sent S sandbox seconds late).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

API_ACTIONS: tuple[str, ...] = (
    "ping",
    "machines",
    "machine",
    "products",
    "order_create",
    "order_get",
    "order_set_status",
    "dispense",
    "delivery",
    "test_dispense",
    "pickup_codes",
)

# Kinds that answer (or delay) an HTTP request.
HTTP_KINDS: frozenset[str] = frozenset(
    {
        "latency",
        "status",
        "html",
        "malformed",
        "truncated",
        "empty",
        "unauthorized",
        "code0",
        "code",
        "reset",
        "lost",
    }
)
HTTP_ANSWER_KINDS: frozenset[str] = HTTP_KINDS - {"latency"}
# Actions that change something on the platform: only these can lose their answer.
WRITE_ACTIONS: tuple[str, ...] = ("order_create", "order_set_status", "dispense", "test_dispense")
# What the machine does (one applies per dispense) and when it says so (may come with one).
DEVICE_OUTCOME_KINDS: frozenset[str] = frozenset({"fail", "noanswer"})
DEVICE_TIMING_KINDS: frozenset[str] = frozenset({"slow"})
DEVICE_KINDS: frozenset[str] = DEVICE_OUTCOME_KINDS | DEVICE_TIMING_KINDS
CALLBACK_KINDS: frozenset[str] = frozenset({"drop", "duplicate", "delay"})

_NEEDS_ARG = {"latency", "status", "code", "delay", "slow"}
_OPTIONAL_ARG = {"fail"}

# Fault text the machine reports for a floor status when a rule gives none.
_DEFAULT_FAULT_TEXT: dict[int, str] = {
    0: "Slot Invalid",
    2: "Goods are Stuck",
    3: "Slave Comm Error",
    47: "Lift Comm Error",
}

SYNTAX = "ACTION:KIND[=ARG][#COUNT], e.g. dispense:status=503#1"


@dataclass
class Fault:
    """One fault rule. ``remaining`` counts down; ``None`` means until cleared."""

    action: str
    kind: str
    arg: str = ""
    count: int | None = None
    seconds: float = 0.0  # latency, delay, slow
    code: int = 0  # status, code
    floor: int = 0  # device fail
    text: str = ""  # device fail
    remaining: int | None = None
    fired: int = 0

    def __post_init__(self) -> None:
        if self.remaining is None:
            self.remaining = self.count

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    def matches(self, action: str) -> bool:
        if self.action == "*":
            return action in API_ACTIONS
        return self.action == action

    def __str__(self) -> str:
        out = f"{self.action}:{self.kind}"
        if self.arg:
            out += f"={self.arg}"
        if self.count is not None:
            out += f"#{self.count}"
        return out


def _number(text: str, rule: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"fault {rule!r}: {what} must be a number of seconds, got {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"fault {rule!r}: {what} must be zero or more seconds, got {text!r}")
    return value


def _integer(text: str, rule: str, what: str) -> int:
    t = text.strip()
    if not t.lstrip("-").isdigit():
        raise ValueError(f"fault {rule!r}: {what} must be a whole number, got {text!r}")
    return int(t)


def parse_fault(text: str) -> Fault:
    """Parse one rule. Raises ``ValueError`` saying what is wrong and what is expected."""
    rule = (text or "").strip()
    if not rule:
        raise ValueError(f"empty fault rule: expected {SYNTAX}")
    body = rule
    count: int | None = None
    if "#" in body:
        body, _, count_text = body.rpartition("#")
        if not count_text.strip().isdigit() or int(count_text) < 1:
            raise ValueError(
                f"fault {rule!r}: the count after '#' must be a whole number of 1 or more"
            )
        count = int(count_text)
    if ":" not in body:
        raise ValueError(f"fault {rule!r}: missing ':' between action and kind; expected {SYNTAX}")
    action, _, rest = body.partition(":")
    action = action.strip().lower()
    kind, has_arg, arg = rest.partition("=")
    kind = kind.strip().lower()
    arg = arg.strip()

    if action in ("device", "callback"):
        allowed = DEVICE_KINDS if action == "device" else CALLBACK_KINDS
    elif action == "*" or action in API_ACTIONS:
        allowed = HTTP_KINDS
    else:
        raise ValueError(
            f"fault {rule!r}: unknown action {action!r}; use one of "
            f"{', '.join(API_ACTIONS)}, *, device, callback"
        )
    if kind not in allowed:
        raise ValueError(
            f"fault {rule!r}: kind {kind!r} does not apply to {action!r}; "
            f"use one of {', '.join(sorted(allowed))}"
        )
    if kind == "lost" and action not in WRITE_ACTIONS:
        raise ValueError(
            f"fault {rule!r}: lost applies to write actions only "
            f"({', '.join(WRITE_ACTIONS)}); use reset to drop a request unanswered"
        )
    if kind in _NEEDS_ARG and not arg:
        raise ValueError(f"fault {rule!r}: {kind} needs a value, e.g. {action}:{kind}=...")
    if has_arg and kind not in _NEEDS_ARG and kind not in _OPTIONAL_ARG:
        raise ValueError(f"fault {rule!r}: {kind} takes no value")

    fault = Fault(action=action, kind=kind, arg=arg, count=count)
    if kind in ("latency", "delay", "slow"):
        fault.seconds = _number(arg, rule, kind)
    elif kind == "status":
        fault.code = _integer(arg, rule, "the HTTP status")
        if not 200 <= fault.code <= 599:
            raise ValueError(f"fault {rule!r}: the HTTP status must be between 200 and 599")
    elif kind == "code":
        fault.code = _integer(arg, rule, "the error code")
        if fault.code == 0:
            raise ValueError(f"fault {rule!r}: use code0 for a code-0 answer")
    elif kind == "fail":
        floor_text, _, fault_text = arg.partition(",")
        fault.floor = _integer(floor_text, rule, "the floor status") if floor_text else 2
        if fault.floor < 0:
            raise ValueError(f"fault {rule!r}: the floor status must be 0 or more")
        fault.text = fault_text.strip() or _DEFAULT_FAULT_TEXT.get(fault.floor, "Dlv Detect Error")
    return fault


class FaultBook:
    """The active rules, shared by the HTTP threads and the scheduler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def _fire(self, fault: Fault) -> None:
        fault.fired += 1
        if fault.remaining is not None:
            fault.remaining -= 1

    def _prune(self) -> None:
        self._rules = [f for f in self._rules if not f.exhausted]

    def take_http(self, action: str) -> tuple[list[Fault], Fault | None]:
        """Latency rules that apply, and the first rule that answers instead of the platform."""
        with self._lock:
            delays: list[Fault] = []
            answer: Fault | None = None
            for fault in self._rules:
                if fault.exhausted or not fault.matches(action):
                    continue
                if fault.kind == "latency":
                    self._fire(fault)
                    delays.append(fault)
                elif fault.kind in HTTP_ANSWER_KINDS and answer is None:
                    self._fire(fault)
                    answer = fault
            self._prune()
            return delays, answer

    def take_first(self, action: str, kinds: frozenset[str]) -> Fault | None:
        with self._lock:
            for fault in self._rules:
                if not fault.exhausted and fault.action == action and fault.kind in kinds:
                    self._fire(fault)
                    self._prune()
                    return fault
            return None

    def take_all(self, action: str, kinds: frozenset[str]) -> list[Fault]:
        with self._lock:
            fired = [
                f for f in self._rules if not f.exhausted and f.action == action and f.kind in kinds
            ]
            for fault in fired:
                self._fire(fault)
            self._prune()
            return fired
