"""The dispense-result callback the platform POSTs to an order's ``notify_url``.

Pure parsing, no I/O. The platform's callback is a loose map, its format
(JSON or form-encoded) is not stated and it carries no signature, so the
parser accepts both formats, tolerates odd value types and keeps every field
it does not know in ``extra``. Anything it cannot make sense of raises
``CallbackError`` with a reason a person can read — never another exception.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from console.core.texts import QT_TRANSLATE_NOOP, Text, text

DISPENSE_METHOD = "device.delivery.response"
EXPIRED_METHOD = "order.expired"

DELIVER_SUCCESS = "1"
DELIVER_FAILURE = "0"

# Ids are stored in SQLite INTEGER columns (signed 64-bit).
MAX_ID = 2**63 - 1
# Values nested deeper than this in ``extra`` are replaced by a marker, so that
# storing or showing them can never exhaust the stack.
MAX_DEPTH = 32
NESTED_TOO_DEEP = "<nested too deeply>"

# Made once: ``json.dumps`` with non-default options builds an encoder per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

_KNOWN_FIELDS = frozenset(
    {
        "method",
        "order_id",
        "record_id",
        "deliver_status",
        "floor_status",
        "error_msg",
        "fail_reason",
        "channel_name",
    }
)

Outcome = Literal["success", "failure", "invalid", "event"]

# A callback's one line (``Callback.summary``), as message ids.
CONTEXT = "callback"
OUTCOME_WORDS: dict[str, str] = {
    "success": QT_TRANSLATE_NOOP("callback", "success"),
    "failure": QT_TRANSLATE_NOOP("callback", "failure"),
    "invalid": QT_TRANSLATE_NOOP("callback", "invalid"),
    "event": QT_TRANSLATE_NOOP("callback", "event"),
}
SUMMARY = QT_TRANSLATE_NOOP("callback", "{outcome} — {target}")
SUMMARY_DELIVER_STATUS = QT_TRANSLATE_NOOP("callback", "{summary}, deliver_status {status}")
SUMMARY_FAULT = QT_TRANSLATE_NOOP("callback", "{summary}: {fault}")
SUMMARY_FLOOR = QT_TRANSLATE_NOOP("callback", "{summary} (slot status {floor})")
TARGET_ORDER = QT_TRANSLATE_NOOP("callback", "order {order} record {record}")
TARGET_TEST = QT_TRANSLATE_NOOP("callback", "test dispense slot {slot}")
TARGET_NONE = QT_TRANSLATE_NOOP("callback", "no order")
EVENT_ORDER = QT_TRANSLATE_NOOP("callback", "{method} (order {order})")
EVENT_NO_ORDER = QT_TRANSLATE_NOOP("callback", "{method} (no order)")
UNNAMED_EVENT_ORDER = QT_TRANSLATE_NOOP("callback", "event (order {order})")
UNNAMED_EVENT_NO_ORDER = QT_TRANSLATE_NOOP("callback", "event (no order)")


class CallbackError(ValueError):
    """A callback body that is not a usable callback; ``str(err)`` is the reason."""


@dataclass(frozen=True)
class Callback:
    """One parsed callback.

    ``deliver_status`` is ``"1"`` (success), ``"0"`` (failure) or the raw text
    of anything else. ``error_msg`` is ``error_msg`` or else ``fail_reason``.
    Test dispenses (``/deliveries/debug``) carry ``channel_name`` instead of an
    order and record. ``problems`` lists values that were present but unusable
    (e.g. an ``order_id`` beyond 2**63); those ids are ``None`` and the original
    text is still in ``raw``. Not hashable (``extra`` is a dict).
    """

    method: str = ""
    order_id: int | None = None
    record_id: int | None = None
    deliver_status: str = ""
    floor_status: str | None = None
    error_msg: str = ""
    channel_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    raw: bytes = b""
    problems: tuple[str, ...] = ()

    @property
    def is_dispense(self) -> bool:
        """A dispense result (normal or test), as opposed to an event such as expiry.

        Any callback that carries ``deliver_status`` counts as a dispense result
        whatever its ``method`` says: a failure must never be mistaken for an
        event and lose its follow-up.
        """
        if self.deliver_status != "":
            return True
        return self.method in ("", DISPENSE_METHOD)

    @property
    def is_test_dispense(self) -> bool:
        return self.is_dispense and self.order_id is None and bool(self.channel_name)

    @property
    def outcome(self) -> Outcome:
        if not self.is_dispense:
            return "event"
        if self.order_id is None and not self.channel_name:
            return "invalid"
        if self.deliver_status == DELIVER_SUCCESS:
            return "success"
        if self.deliver_status == DELIVER_FAILURE:
            return "failure"
        return "invalid"

    @property
    def dedupe_key(self) -> tuple[str | int | None, ...]:
        """What makes two callbacks "the same": a repeat push is recorded but not counted.

        Order callbacks: order, record, result, slot status, fault text and
        method. Test dispenses: the slot (and ``delivery_id`` when sent).
        Anything else: the exact body.
        """
        if self.order_id is not None:
            return (
                "order",
                self.order_id,
                self.record_id,
                self.deliver_status,
                self.floor_status,
                self.error_msg,
                self.method,
            )
        if self.is_dispense and self.channel_name:
            delivery = self.extra.get("delivery_id")
            return (
                "channel",
                self.channel_name,
                None if delivery is None else str(delivery),
                self.deliver_status,
                self.floor_status,
                self.error_msg,
                self.method,
            )
        return ("raw", hashlib.sha256(self.raw).hexdigest())

    @property
    def can_repeat(self) -> bool:
        """Whether a later callback with the same key is a repeat push.

        The platform re-pushes only callbacks of paid orders. A test dispense
        without a ``delivery_id`` has nothing that tells two genuine tests of the
        same slot apart, so each one counts.
        """
        return not (
            self.order_id is None
            and self.is_dispense
            and bool(self.channel_name)
            and self.extra.get("delivery_id") is None
        )

    @property
    def dedupe_text(self) -> str:
        """``dedupe_key`` as compact JSON, for storage and indexing."""
        return _COMPACT.encode(list(self.dedupe_key))

    def summary(self) -> str:
        """One line for lists and logs (the journal stores it: its English stays)."""
        return str(self.summary_text())

    def summary_text(self) -> Text:
        """``summary`` as a message id: the platform's fault text, method, ids and slot
        names are values shown as given (``console.core.followup`` recognises it again)."""
        if not self.is_dispense:
            if self.order_id is not None:
                if self.method:
                    return text(CONTEXT, EVENT_ORDER, method=self.method, order=self.order_id)
                return text(CONTEXT, UNNAMED_EVENT_ORDER, order=self.order_id)
            if self.method:
                return text(CONTEXT, EVENT_NO_ORDER, method=self.method)
            return Text(CONTEXT, UNNAMED_EVENT_NO_ORDER)
        if self.order_id is not None:
            target = text(CONTEXT, TARGET_ORDER, order=self.order_id, record=self.record_id)
        elif self.channel_name:
            target = text(CONTEXT, TARGET_TEST, slot=self.channel_name)
        else:
            target = Text(CONTEXT, TARGET_NONE)
        said = text(
            CONTEXT, SUMMARY, outcome=Text(CONTEXT, OUTCOME_WORDS[self.outcome]), target=target
        )
        if self.outcome == "invalid" and self.deliver_status not in (
            DELIVER_SUCCESS,
            DELIVER_FAILURE,
        ):
            said = text(
                CONTEXT, SUMMARY_DELIVER_STATUS, summary=said, status=repr(self.deliver_status)
            )
        if self.error_msg:
            said = text(CONTEXT, SUMMARY_FAULT, summary=said, fault=self.error_msg)
        if self.floor_status is not None:
            said = text(CONTEXT, SUMMARY_FLOOR, summary=said, floor=self.floor_status)
        return said


def parse_callback(body: bytes, content_type: str) -> Callback:
    """Parse a callback body, JSON object or form-encoded, whatever the content type says.

    The declared type is tried first, then the other format. Raises
    ``CallbackError`` for invalid UTF-8, bodies that are neither, JSON that is
    not an object and objects with no field a callback has.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise CallbackError(f"body must be bytes, not {type(body).__name__}")
    raw = bytes(body)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CallbackError(f"body is not valid UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CallbackError("empty body")

    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    form_first = ctype == "application/x-www-form-urlencoded"
    parsers = (_try_form, _try_json) if form_first else (_try_json, _try_form)

    reasons: list[str] = []
    for parse in parsers:
        fields, reason = parse(text)
        if fields is not None:
            return _build(fields, raw)
        reasons.append(reason)
    # Prefer the most specific reason: a JSON value that parsed but is not an
    # object, or an object without callback fields, says more than "not form".
    for reason in reasons:
        if reason.startswith(("JSON is", "no recognisable", "form-encoded value")):
            raise CallbackError(reason)
    raise CallbackError("body is neither a JSON object nor form-encoded fields")


def _try_json(text: str) -> tuple[dict[str, Any] | None, str]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None, "not JSON"
    if not isinstance(value, dict):
        return None, f"JSON is {_json_kind(value)}, not an object"
    if not _KNOWN_FIELDS.intersection(value):
        return None, "no recognisable callback fields (method, order_id, deliver_status, ...)"
    return value, ""


def _try_form(text: str) -> tuple[dict[str, Any] | None, str]:
    try:
        pairs = parse_qsl(
            text.strip(), keep_blank_values=True, strict_parsing=True, errors="strict"
        )
    except UnicodeError:
        return None, "form-encoded value is not valid UTF-8 once %-decoded"
    except ValueError:
        return None, "not form-encoded"
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            old = fields[key]
            fields[key] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            fields[key] = value
    if not _KNOWN_FIELDS.intersection(fields):
        return None, "no recognisable callback fields (method, order_id, deliver_status, ...)"
    # A repeated known field: the last value counts (as most web frameworks do).
    for key in _KNOWN_FIELDS.intersection(fields):
        if isinstance(fields[key], list):
            fields[key] = fields[key][-1]
    return fields, ""


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _build(fields: Mapping[str, Any], raw: bytes) -> Callback:
    problems: list[str] = []
    order_id = _id(fields, "order_id", problems)
    record_id = _id(fields, "record_id", problems)
    error = _text(fields.get("error_msg"))
    if not error:
        error = _text(fields.get("fail_reason"))
    floor = fields.get("floor_status")
    channel = fields.get("channel_name")
    extra = {
        _clean_str(str(k)): _bounded(v, 0) for k, v in fields.items() if k not in _KNOWN_FIELDS
    }
    # When both texts are present, keep the one not used so nothing is lost.
    if fields.get("error_msg") not in (None, "") and fields.get("fail_reason") not in (None, ""):
        extra["fail_reason"] = _bounded(fields["fail_reason"], 0)
    return Callback(
        method=_text(fields.get("method")),
        order_id=order_id,
        record_id=record_id,
        deliver_status=_status(fields.get("deliver_status")),
        floor_status=None if floor is None else _status(floor),
        error_msg=error,
        channel_name=None if channel in (None, "") else _text(channel),
        extra=extra,
        raw=raw,
        problems=tuple(problems),
    )


def _id(fields: Mapping[str, Any], key: str, problems: list[str]) -> int | None:
    if key not in fields:
        return None
    value = fields[key]
    parsed = _to_id(value)
    if parsed is None and value not in (None, "", 0, "0"):
        problems.append(f"{key} {_excerpt_value(value)} is not a valid id")
    return parsed


def _to_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        n = int(value)
    elif isinstance(value, str):
        t = value.strip()
        if not (t.isascii() and t.isdigit()) or len(t) > 19:
            return None
        n = int(t)
    else:
        return None
    return n if 0 < n <= MAX_ID else None


def _status(value: Any) -> str:
    """Status texts ("1", "0", "3"): an integer becomes its digits, anything else its text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, list | dict):
        try:
            return _clean_str(_COMPACT.encode(_bounded(value, 0)))
        except (ValueError, RecursionError):
            return NESTED_TOO_DEEP
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _clean_str(text: str) -> str:
    """Replace lone surrogates (legal in JSON escapes, unstorable as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _bounded(value: Any, depth: int) -> Any:
    """A copy of a JSON value that is safe to store and show."""
    if depth >= MAX_DEPTH:
        return NESTED_TOO_DEEP
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, dict):
        return {_clean_str(str(k)): _bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_bounded(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _excerpt_value(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        return repr(digits) if len(digits) <= 40 else f"({len(digits)}-digit number)"
    if isinstance(value, str):
        return repr(safe_excerpt(value.encode("utf-8", "replace"), 40))
    if isinstance(value, float):
        return repr(value)
    return f"(a {type(value).__name__})"


def safe_excerpt(raw: bytes, limit: int = 500) -> str:
    """Printable text of a raw body for display: control characters escaped, truncated."""
    text = bytes(raw).decode("utf-8", "replace")
    if len(text) <= limit and text.isprintable():
        return text  # the usual case, without a loop over every character
    out: list[str] = []
    size = 0
    for index, ch in enumerate(text):
        piece = ch if ch.isprintable() or ch == " " else _escape(ch)
        if size + len(piece) > limit:
            rest = len(text) - index
            out.append(f"… (+{rest} more characters)")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def _escape(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
