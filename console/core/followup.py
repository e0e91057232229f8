"""Follow-ups: a failed dispense the merchant still has to resolve, as a state machine.

A failed (or unanswered, or refused) dispense of a paid order usually means the
customer paid and got nothing. The console keeps one follow-up per failure
until a person resolves it::

    open ──► refund_requested ──► refunded
      │              │
      └──────────────┴──────────► dismissed

``refunded`` needs a note (e.g. the payment channel's refund reference) and
``dismissed`` a reason; both are final. Pure: no I/O.
"""

from __future__ import annotations

import ast
import enum
import functools
import re
from collections.abc import Iterator

from console.core.faults import fault_meaning, floor_meaning
from console.core.models import Delivery
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import RECORD_NOT_PICKED_UP, RECORD_PICKED_UP
from console.core.texts import QT_TRANSLATE_NOOP, Text, text


class FollowupError(ValueError):
    """An illegal follow-up transition, or one without its required note."""


class FollowupState(enum.StrEnum):
    OPEN = "open"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    DISMISSED = "dismissed"

    @property
    def is_final(self) -> bool:
        return self in (FollowupState.REFUNDED, FollowupState.DISMISSED)

    @property
    def is_active(self) -> bool:
        return not self.is_final


class FollowupSource(enum.StrEnum):
    CALLBACK = "callback"  # a result callback said the dispense failed
    TIMEOUT = "timeout"  # a dispense was sent, no result came within 120 s
    REFUSED_DISPENSE = "refused_dispense"  # the platform refused to dispense a paid order
    PLATFORM_RECORD = "platform_record"  # the platform's dispense record (read) says it failed
    ORDER_RECORD = "order_record"  # the order's record, read after an unknown dispense


# Which refusals of a dispense open what — the one table (platform-api.md section 6).
# A refusal with one of these codes says the item is already out: it is a result,
# never a reason to refund, and opens no follow-up. Every other refusal of a paid
# order means nothing dropped for a customer who paid: it opens a refund follow-up
# (machine offline 6025/4008/30002, order expired 40005/6042, status invalid
# 40006/6043, record not found 4004, ...). Refusals of unpaid orders open nothing.
ITEM_OUT_REFUSALS: dict[int, str] = {
    6034: "order already delivered",
}


def refusal_means_item_out(code: int | None) -> bool:
    """True when a refused dispense says the item was already delivered."""
    return code in ITEM_OUT_REFUSALS


def refusal_opens_followup(code: int | None, paid: bool) -> bool:
    """Whether a refused dispense opens a refund follow-up (see ``ITEM_OUT_REFUSALS``)."""
    return paid and not refusal_means_item_out(code)


TRANSITIONS: dict[FollowupState, frozenset[FollowupState]] = {
    FollowupState.OPEN: frozenset({FollowupState.REFUND_REQUESTED, FollowupState.DISMISSED}),
    FollowupState.REFUND_REQUESTED: frozenset({FollowupState.REFUNDED, FollowupState.DISMISSED}),
    FollowupState.REFUNDED: frozenset(),
    FollowupState.DISMISSED: frozenset(),
}

# Transitions that must say why or how.
NOTE_REQUIRED: dict[FollowupState, str] = {
    FollowupState.REFUNDED: "say how the customer was refunded (e.g. the payment refund reference)",
    FollowupState.DISMISSED: "say why no refund is needed",
}

REASON_REFUND = "customer may need a refund"
# No result, and the platform could not tell: the item may have dropped.
REASON_UNKNOWN = "result unknown — check before refunding"
# A failure callback the platform did not confirm (forged, or the platform could not be
# asked): a person looks at it; it is never a reason to refund.
REASON_SUSPICIOUS = "suspicious failure callback — do not refund"


def refund_allowed(reason: str) -> bool:
    """Whether a follow-up with this reason may be refunded (a suspicious one may not)."""
    return reason != REASON_SUSPICIOUS


class Evidence(enum.StrEnum):
    """What a piece of evidence says about one dispensed record."""

    ITEM_OUT = "item_out"  # dropped / picked up / already delivered
    FAILED = "failed"  # failed or timed out: nothing dropped
    UNKNOWN = "unknown"  # still dispensing, unreachable, no way to ask


class Decision(enum.StrEnum):
    """What the journal does with a piece of evidence about a record."""

    CLOSE = "close"  # the item is out: close an open/unknown follow-up, open none
    REFUND = "refund"  # open a refund follow-up (or upgrade an unknown one to it)
    UNKNOWN = "unknown"  # open "result unknown — check before refunding" (or keep it)
    SUSPICIOUS = "suspicious"  # list it for a person; never a refund
    NOTHING = "nothing"  # wait: more evidence is coming (e.g. the cross-check)


# A result callback is trusted only once the platform confirms it (callbacks carry no
# signature): (callback outcome, cross-check verdict) -> decision. The one table.
CALLBACK_DECISIONS: dict[tuple[str, str], Decision] = {
    ("success", "ok"): Decision.CLOSE,
    ("success", "suspicious"): Decision.NOTHING,  # shown in the log as suspicious
    ("success", "error"): Decision.NOTHING,
    ("success", "unchecked"): Decision.NOTHING,
    ("failure", "ok"): Decision.REFUND,
    ("failure", "suspicious"): Decision.SUSPICIOUS,
    ("failure", "error"): Decision.SUSPICIOUS,  # could not be confirmed: never a refund
    ("failure", "unchecked"): Decision.NOTHING,  # the cross-check has not run yet
}


def callback_decision(outcome: str, verdict: str) -> Decision:
    """What a result callback decides once its cross-check ``verdict`` is known."""
    return CALLBACK_DECISIONS.get((outcome, verdict), Decision.NOTHING)


# What the platform's own answer (read with the signed API) decides.
PLATFORM_DECISIONS: dict[Evidence, Decision] = {
    Evidence.ITEM_OUT: Decision.CLOSE,
    Evidence.FAILED: Decision.REFUND,
    Evidence.UNKNOWN: Decision.UNKNOWN,
}


def delivery_evidence(delivery: Delivery) -> Evidence:
    """What the platform's dispense record says: still pending, the item out, or failed
    (failed and timed out alike: nothing dropped)."""
    if delivery.pending:
        return Evidence.UNKNOWN
    return Evidence.ITEM_OUT if delivery.succeeded else Evidence.FAILED


def record_evidence(record_status: str, device_timeout_passed: bool) -> Evidence:
    """What an order record's status says about a dispense whose own record cannot be
    read (the console stopped before the platform answered it): 已取货 → the item is
    out; 未取货 once the platform's device timeout has passed → nothing dropped;
    anything else (still within the timeout, cancelled, unknown) → unknown."""
    if record_status == RECORD_PICKED_UP:
        return Evidence.ITEM_OUT
    if record_status in ("", RECORD_NOT_PICKED_UP) and device_timeout_passed:
        return Evidence.FAILED
    return Evidence.UNKNOWN


def platform_decision(evidence: Evidence) -> Decision:
    """What the platform's dispense record (or the order's record status) decides."""
    return PLATFORM_DECISIONS[evidence]


# Bounded back-off for re-checking a "result unknown" follow-up with the platform:
# 1, 2, 4, ... minutes, at most an hour apart.
RECHECK_FIRST_S = 60.0
RECHECK_MAX_S = 3600.0


def recheck_delay(checks_done: int) -> float:
    """Seconds until the next re-check of an unknown result, after ``checks_done`` checks."""
    return min(RECHECK_FIRST_S * float(2 ** max(0, min(checks_done, 16))), RECHECK_MAX_S)


def parse_state(text: str) -> FollowupState:
    try:
        return FollowupState(text)
    except ValueError:
        raise FollowupError(f"unknown follow-up state {text!r}") from None


def transition(current: str, target: str, note: str = "") -> FollowupState:
    """Check a transition and return the new state; raise ``FollowupError`` if not allowed."""
    cur = parse_state(current)
    new = parse_state(target)
    if new not in TRANSITIONS[cur]:
        if cur.is_final:
            raise FollowupError(f"follow-up is already {cur.value}; it cannot become {new.value}")
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[cur]))
        raise FollowupError(
            f"a follow-up that is {cur.value} cannot become {new.value} (only: {allowed})"
        )
    if new in NOTE_REQUIRED and not note.strip():
        raise FollowupError(f"a note is required to mark it {new.value}: {NOTE_REQUIRED[new]}")
    return new


# -- the words a follow-up is written in ----------------------------------------------
# The journal stores each meaning, note and Recent entry as one English sentence: vendctl
# prints it and its JSON fields (``meaning``, ``note``, ``last_activity``) are what scripts
# read, so the stored English stays as it is. Each sentence is a message id (context
# ``followup``) filled with values; ``stored_text`` gives it back as a ``Text`` so that the
# window and ``vendctl --lang zh`` word it in the reader's language (see there).

CONTEXT = "followup"


def _t(source: str, **values: object) -> Text:
    return text(CONTEXT, source, **values)


def failure_meaning_text(error_msg: str | None, floor_status: str | None) -> Text:
    """Plain meaning of a failed dispense, e.g.
    ``Slave Comm Error — The slave board cannot be reached; slot status 3: Slot motor fault``.
    The fault text is the platform's (shown as given), its meaning ours."""
    raw = (error_msg or "").strip()
    if raw:
        first = _t(
            QT_TRANSLATE_NOOP("followup", "{fault} — {meaning}"),
            fault=raw,
            meaning=fault_meaning(raw).meaning_text,
        )
    else:
        first = _t(QT_TRANSLATE_NOOP("followup", "no fault text given"))
    if floor_status is None or str(floor_status).strip() == "":
        return first
    return _t(
        QT_TRANSLATE_NOOP("followup", "{failure}; slot status {floor}: {meaning}"),
        failure=first,
        floor=str(floor_status),
        meaning=floor_meaning(floor_status).meaning_text,
    )


def failure_meaning(error_msg: str | None, floor_status: str | None, lang: str = "en") -> str:
    """``failure_meaning_text`` in ``lang`` (the journal stores the English)."""
    return failure_meaning_text(error_msg, floor_status).text(lang)


def unknown_result_meaning_text(timeout_s: float, found: str) -> Text:
    """No result within ``timeout_s`` and the platform's record did not settle it."""
    return _t(
        QT_TRANSLATE_NOOP(
            "followup",
            "no result within {timeout} s of the dispense and the platform could not say "
            "({found}): the item MAY HAVE DROPPED — check before refunding",
        ),
        timeout=f"{timeout_s:g}",
        found=stored_text(found, FOUND),
    )


def unknown_result_meaning(timeout_s: float, found: str, lang: str = "en") -> str:
    return unknown_result_meaning_text(timeout_s, found).text(lang)


def evidence_text(
    source: str,
    source_id: int | None,
    *,
    delivery_id: int | None = None,
    code: int | None = None,
    timeout_s: float = DEVICE_TIMEOUT_S,
) -> str:
    """What a follow-up rests on, in plain words: ``callback #12``, ``platform record
    (delivery 345)``, ``dispense action #7 refused 6025``, ``no result after 120 s``."""
    return str(
        evidence_text_text(
            source, source_id, delivery_id=delivery_id, code=code, timeout_s=timeout_s
        )
    )


def evidence_text_text(
    source: str,
    source_id: int | None,
    *,
    delivery_id: int | None = None,
    code: int | None = None,
    timeout_s: float = DEVICE_TIMEOUT_S,
) -> Text:
    """``evidence_text`` as a message id."""
    if source == FollowupSource.CALLBACK and source_id is not None:
        return _t(QT_TRANSLATE_NOOP("followup", "callback #{id}"), id=source_id)
    if source == FollowupSource.PLATFORM_RECORD:
        if delivery_id:
            return _t(
                QT_TRANSLATE_NOOP("followup", "platform record (delivery {delivery})"),
                delivery=delivery_id,
            )
        return _t(QT_TRANSLATE_NOOP("followup", "platform record"))
    if source == FollowupSource.REFUSED_DISPENSE and source_id is not None:
        if code is not None:
            return _t(
                QT_TRANSLATE_NOOP("followup", "dispense action #{id} refused {code}"),
                id=source_id,
                code=code,
            )
        return _t(QT_TRANSLATE_NOOP("followup", "dispense action #{id} refused"), id=source_id)
    if source == FollowupSource.TIMEOUT:
        return _t(
            QT_TRANSLATE_NOOP("followup", "no result after {seconds} s"), seconds=f"{timeout_s:g}"
        )
    if source == FollowupSource.ORDER_RECORD:
        return _t(QT_TRANSLATE_NOOP("followup", "order record (the dispense's answer was lost)"))
    ref = f" #{source_id}" if source_id is not None else ""
    return text(CONTEXT, "{raw}", raw=f"{source}{ref}")


def refused_meaning_text(code: int | None, message: str, explanation: Text | None = None) -> Text:
    """The platform refused a dispense: its code and message (as given), our explanation."""
    values: dict[str, object] = {}
    if code is not None and message:
        head = QT_TRANSLATE_NOOP(
            "followup", "the platform refused the dispense: code {code} {message}"
        )
    elif code is not None:
        head = QT_TRANSLATE_NOOP("followup", "the platform refused the dispense: code {code}")
    elif message:
        head = QT_TRANSLATE_NOOP("followup", "the platform refused the dispense: {message}")
    else:
        head = QT_TRANSLATE_NOOP("followup", "the platform refused the dispense")
    if code is not None:
        values["code"] = str(code)
    if message:
        values["message"] = repr(message)
    refused = _t(head, **values)
    if explanation is None or not str(explanation):
        return refused
    return _t(
        QT_TRANSLATE_NOOP("followup", "{refused} ({explanation})"),
        refused=refused,
        explanation=explanation,
    )


def refused_meaning(code: int | None, message: str, explanation: str = "") -> str:
    """``refused_meaning_text`` in English, as the journal stores it (``explanation``:
    ``console.core.errorcodes.explain`` of the code, recognised again when shown)."""
    worded = stored_text(explanation, EXPLANATION) if explanation else None
    return str(refused_meaning_text(code, message, worded))


# -- stored sentences, worded again -------------------------------------------------------
# Why recognise the stored English rather than re-derive each sentence from the journal's
# structured columns: a meaning, note or Recent entry records what the journal's rules said
# at that moment, from evidence spread over several rows (a callback, then the platform's
# record, an upgrade from "unknown" to "refund"); re-deriving it for the screen would be a
# second copy of those rules, free to say something other than what vendctl prints. So
# the screen shows the stored sentence itself, worded in the reader's language: a shape
# below (a message id whose values are the platform's raw texts, numbers, ids or further
# shapes) counts only when its English is the stored sentence character for character.
# Anything not recognised — an older journal's wording, a person's note — is shown as
# given. tests/unit/test_followup_texts.py makes every builder round-trip.

RAW = "raw"  # the platform's words, a number or an id: shown as given
MEANING = "meaning"  # a follow-up's meaning
FOUND = "found"  # what the platform's record said of a dispense
EVIDENCE = "evidence"  # what a decision rests on
NOTE = "note"  # a line of a follow-up's history written by the journal
ACTIVITY = "activity"  # an order's Recent entry
FAULT_MEANING = "fault_meaning"
FLOOR_MEANING = "floor_meaning"
EXPLANATION = "explanation"  # console.core.errorcodes.explain
RECORD_LABEL = "record_label"  # an order record's status, in our words
ACTION_KIND = "action_kind"
OUTCOME = "outcome"
REASON = "reason"
CALLBACK_SUMMARY = "callback_summary"  # a callback's one line (``Callback.summary``)
CROSS_CHECK = "cross_check"  # a cross-check's detail (``console.core.crosscheck``)
API_ERROR = "api_error"  # a failed platform call (``str()`` of ``console.api.errors``)
VERDICT = "verdict"  # a cross-check's verdict
# The parts of those.
_CB_FAULTED = "cb_faulted"
_CB_DELIVERED = "cb_delivered"
_CB_HEAD = "cb_head"
_CB_TARGET = "cb_target"
_CB_OUTCOME = "cb_outcome"
_TRANSPORT_DETAIL = "transport_detail"
_TRANSPORT_KIND = "transport_kind"
_QUERY_LABEL = "query_label"
# Words shown as given when they are not one of ours (a new verdict, an odd status).
_WORD_OR_RAW = frozenset({VERDICT, _TRANSPORT_KIND, _QUERY_LABEL})

# Action kinds and outcomes as the journal writes them (its English words are the
# identifiers vendctl prints; the .ts words them for people).
ACTION_KIND_WORDS: dict[str, str] = {
    "set_status": QT_TRANSLATE_NOOP("followup", "set_status"),
    "dispense": QT_TRANSLATE_NOOP("followup", "dispense"),
    "test_dispense": QT_TRANSLATE_NOOP("followup", "test_dispense"),
    "order_create": QT_TRANSLATE_NOOP("followup", "order_create"),
    "delivery_query": QT_TRANSLATE_NOOP("followup", "delivery_query"),
    "order_get": QT_TRANSLATE_NOOP("followup", "order_get"),
}
OUTCOME_WORDS: dict[str, str] = {
    "ok": QT_TRANSLATE_NOOP("followup", "ok"),
    "refused": QT_TRANSLATE_NOOP("followup", "refused"),
    "transport": QT_TRANSLATE_NOOP("followup", "transport"),
    "cancelled": QT_TRANSLATE_NOOP("followup", "cancelled"),
    "sent": QT_TRANSLATE_NOOP("followup", "sent"),
    "outcome unknown": QT_TRANSLATE_NOOP("followup", "outcome unknown"),
}
REASON_WORDS: dict[str, str] = {
    REASON_REFUND: QT_TRANSLATE_NOOP("followup", "customer may need a refund"),
    REASON_UNKNOWN: QT_TRANSLATE_NOOP("followup", "result unknown — check before refunding"),
    REASON_SUSPICIOUS: QT_TRANSLATE_NOOP("followup", "suspicious failure callback — do not refund"),
}

# (kind, message id, the kind of each value). Listed so that pyside6-lupdate collects them.
SHAPES: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "{fault} — {meaning}"),
        {"fault": RAW, "meaning": FAULT_MEANING},
    ),
    (MEANING, QT_TRANSLATE_NOOP("followup", "no fault text given"), {}),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "{failure}; slot status {floor}: {meaning}"),
        {"failure": MEANING, "floor": RAW, "meaning": FLOOR_MEANING},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP(
            "followup",
            "no result within {timeout} s of the dispense and the platform could not say ({found}): the item MAY HAVE DROPPED — check before refunding",
        ),
        {"timeout": RAW, "found": FOUND},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "the platform refused the dispense: code {code} {message}"),
        {"code": RAW, "message": RAW},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "the platform refused the dispense: code {code}"),
        {"code": RAW},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "the platform refused the dispense: {message}"),
        {"message": RAW},
    ),
    (MEANING, QT_TRANSLATE_NOOP("followup", "the platform refused the dispense"), {}),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "{refused} ({explanation})"),
        {"refused": MEANING, "explanation": EXPLANATION},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "callback #{id} reports the item dropped (confirmed)"),
        {"id": RAW},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP(
            "followup", "{failure} — the platform did not confirm it ({verdict}: {detail})"
        ),
        {"failure": MEANING, "verdict": VERDICT, "detail": CROSS_CHECK},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "refused {code} {message}"),
        {"code": RAW, "message": RAW},
    ),
    (
        MEANING,
        QT_TRANSLATE_NOOP("followup", "{found} after the platform's {timeout} s: nothing dropped"),
        {"found": FOUND, "timeout": RAW},
    ),
    (MEANING, "{found}", {"found": FOUND}),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "platform record (delivery {delivery}) says {said}"),
        {"delivery": RAW, "said": RAW},
    ),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "the platform shows record {record} as {label}"),
        {"record": RAW, "label": RECORD_LABEL},
    ),
    (FOUND, QT_TRANSLATE_NOOP("followup", "picked up"), {}),
    (FOUND, QT_TRANSLATE_NOOP("followup", "success"), {}),
    (FOUND, QT_TRANSLATE_NOOP("followup", "still {status}"), {"status": RAW}),
    (FOUND, QT_TRANSLATE_NOOP("followup", "failed: {reason}"), {"reason": RAW}),
    (FOUND, QT_TRANSLATE_NOOP("followup", "no delivery id and no record to ask about"), {}),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "platform not reachable: {error}"),
        {"error": API_ERROR},
    ),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "the order's record {record} is picked up"),
        {"record": RAW},
    ),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "record {record} is not in order {order}"),
        {"record": RAW, "order": RAW},
    ),
    (
        FOUND,
        QT_TRANSLATE_NOOP("followup", "no delivery id; the order's record {record} is {label}"),
        {"record": RAW, "label": RECORD_LABEL},
    ),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "callback #{id}"), {"id": RAW}),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "dispense action #{id}"), {"id": RAW}),
    (
        EVIDENCE,
        QT_TRANSLATE_NOOP(
            "followup", "the platform refused dispense action #{id} with {code} {message}"
        ),
        {"id": RAW, "code": RAW, "message": RAW},
    ),
    (
        EVIDENCE,
        QT_TRANSLATE_NOOP("followup", "{found} (action #{id})"),
        {"found": FOUND, "id": RAW},
    ),
    (EVIDENCE, "{found}", {"found": FOUND}),
    (
        EVIDENCE,
        QT_TRANSLATE_NOOP("followup", "platform record (delivery {delivery})"),
        {"delivery": RAW},
    ),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "platform record"), {}),
    (
        EVIDENCE,
        QT_TRANSLATE_NOOP("followup", "dispense action #{id} refused {code}"),
        {"id": RAW, "code": RAW},
    ),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "dispense action #{id} refused"), {"id": RAW}),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "no result after {seconds} s"), {"seconds": RAW}),
    (EVIDENCE, QT_TRANSLATE_NOOP("followup", "order record (the dispense's answer was lost)"), {}),
    (NOTE, "{meaning}", {"meaning": MEANING}),  # a follow-up's opening note is its meaning
    (
        NOTE,
        QT_TRANSLATE_NOOP("followup", "{evidence}: {meaning}"),
        {"evidence": EVIDENCE, "meaning": MEANING},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP("followup", "confirmed failed ({evidence}): {meaning}"),
        {"evidence": EVIDENCE, "meaning": MEANING},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP(
            "followup",
            "{evidence}: {meaning} — but the item is already out ({out}): no refund is owed",
        ),
        {"evidence": EVIDENCE, "meaning": MEANING, "out": EVIDENCE},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP(
            "followup",
            "closed by itself: the platform says the item is out ({evidence}); no refund is owed",
        ),
        {"evidence": EVIDENCE},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP(
            "followup",
            "the platform says the item is out ({evidence}) but a refund was already requested: check with the customer before paying it",
        ),
        {"evidence": EVIDENCE},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP("followup", "reported again ({source} #{id}): {meaning}"),
        {"source": RAW, "id": RAW, "meaning": MEANING},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP("followup", "reported again ({source}): {meaning}"),
        {"source": RAW, "meaning": MEANING},
    ),
    (
        NOTE,
        QT_TRANSLATE_NOOP("followup", "re-checked with the platform: {found}"),
        {"found": FOUND},
    ),
    # An action's outcome: its message is the platform's (as given) or, for a transport
    # failure, the client's words (an ``API_ERROR``).
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "{kind} record {record}: {outcome}"),
        {"kind": ACTION_KIND, "record": RAW, "outcome": OUTCOME},
    ),
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "{kind}: {outcome}"),
        {"kind": ACTION_KIND, "outcome": OUTCOME},
    ),
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "{kind} record {record}: {outcome} ({code} {message})"),
        {"kind": ACTION_KIND, "record": RAW, "outcome": OUTCOME, "code": RAW, "message": API_ERROR},
    ),
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "{kind}: {outcome} ({code} {message})"),
        {"kind": ACTION_KIND, "outcome": OUTCOME, "code": RAW, "message": API_ERROR},
    ),
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "dispense record {record}: {found}"),
        {"record": RAW, "found": FOUND},
    ),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "dispense: {found}"), {"found": FOUND}),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "follow-up opened: {reason}"), {"reason": REASON}),
    (
        ACTIVITY,
        QT_TRANSLATE_NOOP("followup", "callback: {summary}"),
        {"summary": CALLBACK_SUMMARY},
    ),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "unpaid order expired (platform event)"), {}),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "event {method}"), {"method": RAW}),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "follow-up refund requested"), {}),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "follow-up refunded"), {}),
    (ACTIVITY, QT_TRANSLATE_NOOP("followup", "follow-up dismissed"), {}),
    (
        CALLBACK_SUMMARY,
        QT_TRANSLATE_NOOP("followup", "malformed: {reason}"),
        {"reason": RAW},
    ),
)


def _other_shapes() -> tuple[tuple[str, str, str, dict[str, str]], ...]:
    """(kind, context, message id, the kind of each value) of the shapes whose message
    ids live with their builders: a callback's summary, a cross-check's detail, a failed
    platform call."""
    from console.core import callback as cb
    from console.core import crosscheck as cc
    from console.core import errors as er

    raw_values = (
        (cc.TEST_DISPENSE, ("slot",)),
        (cc.NO_ORDER, ()),
        (cc.UNKNOWN_ORDER, ("order",)),
        (cc.EVENT_ORDER_EXISTS, ("order", "machine", "status")),
        (cc.RECORD_NOT_IN_ORDER, ("record", "order")),
        (cc.SUCCESS_NOT_PICKED_UP, ("record", "status")),
        (cc.SUCCESS_NO_STATUS, ("record",)),
        (cc.FAILURE_PICKED_UP, ("record",)),
        (cc.SUCCESS_BUT_FAILED, ("delivery", "status")),
        (cc.FAILURE_BUT_SUCCEEDED, ("delivery",)),
        (cc.CONFIRMED, ("order", "machine", "status", "record")),
        (cc.UNKNOWN_VERDICT, ("verdict", "detail")),
        (cc.CHECK_FAILED, ("kind", "error")),
    )
    shapes: list[tuple[str, str, str, dict[str, str]]] = [
        (CROSS_CHECK, cc.CONTEXT, source, dict.fromkeys(names, RAW)) for source, names in raw_values
    ]
    # Inside a sentence, one not recognised (an older console's) is shown as given.
    shapes += [
        (CROSS_CHECK, cc.CONTEXT, "{raw}", {"raw": RAW}),
        (API_ERROR, er.ERRORS, "{raw}", {"raw": RAW}),
        (CALLBACK_SUMMARY, cb.CONTEXT, "{raw}", {"raw": RAW}),
    ]
    shapes += [
        (CROSS_CHECK, cc.CONTEXT, cc.COULD_NOT_ASK, {"error": API_ERROR}),
        (
            CROSS_CHECK,
            cc.CONTEXT,
            cc.NOT_DISPENSABLE,
            {"order": RAW, "status": RAW, "label": _QUERY_LABEL},
        ),
        (
            CROSS_CHECK,
            cc.CONTEXT,
            cc.NOT_DISPENSABLE_NO_STATUS,
            {"order": RAW, "label": _QUERY_LABEL},
        ),
        (
            CROSS_CHECK,
            cc.CONTEXT,
            cc.STILL_PENDING,
            {"outcome": _CB_OUTCOME, "delivery": RAW, "status": RAW},
        ),
        (
            CROSS_CHECK,
            cc.CONTEXT,
            cc.STILL_PENDING_NO_STATUS,
            {"outcome": _CB_OUTCOME, "delivery": RAW},
        ),
    ]
    # A callback's summary: [[[{outcome} — {target}], deliver_status …]: fault] (slot status …)
    shapes += [
        (CALLBACK_SUMMARY, cb.CONTEXT, cb.SUMMARY_FLOOR, {"summary": _CB_FAULTED, "floor": RAW}),
        (CALLBACK_SUMMARY, cb.CONTEXT, "{summary}", {"summary": _CB_FAULTED}),
        (CALLBACK_SUMMARY, cb.CONTEXT, cb.EVENT_ORDER, {"method": RAW, "order": RAW}),
        (CALLBACK_SUMMARY, cb.CONTEXT, cb.EVENT_NO_ORDER, {"method": RAW}),
        (CALLBACK_SUMMARY, cb.CONTEXT, cb.UNNAMED_EVENT_ORDER, {"order": RAW}),
        (CALLBACK_SUMMARY, cb.CONTEXT, cb.UNNAMED_EVENT_NO_ORDER, {}),
        (_CB_FAULTED, cb.CONTEXT, cb.SUMMARY_FAULT, {"summary": _CB_DELIVERED, "fault": RAW}),
        (_CB_FAULTED, cb.CONTEXT, "{summary}", {"summary": _CB_DELIVERED}),
        (
            _CB_DELIVERED,
            cb.CONTEXT,
            cb.SUMMARY_DELIVER_STATUS,
            {"summary": _CB_HEAD, "status": RAW},
        ),
        (_CB_DELIVERED, cb.CONTEXT, "{summary}", {"summary": _CB_HEAD}),
        (_CB_HEAD, cb.CONTEXT, cb.SUMMARY, {"outcome": _CB_OUTCOME, "target": _CB_TARGET}),
        (_CB_TARGET, cb.CONTEXT, cb.TARGET_ORDER, {"order": RAW, "record": RAW}),
        (_CB_TARGET, cb.CONTEXT, cb.TARGET_TEST, {"slot": RAW}),
        (_CB_TARGET, cb.CONTEXT, cb.TARGET_NONE, {}),
    ]
    # A failed platform call: how (transport), or the platform's refusal.
    failure = {"kind": _TRANSPORT_KIND, "detail": _TRANSPORT_DETAIL}
    shapes += [
        (API_ERROR, er.ERRORS, er.TRANSPORT_FAILURE, failure),
        (API_ERROR, er.ERRORS, er.TRANSPORT_FAILURE_HTTP, {**failure, "http": RAW}),
        (API_ERROR, er.ERRORS, er.TRANSPORT_FAILURE_EXCERPT, {**failure, "excerpt": RAW}),
        (
            API_ERROR,
            er.ERRORS,
            er.TRANSPORT_FAILURE_HTTP_EXCERPT,
            {**failure, "http": RAW, "excerpt": RAW},
        ),
        (
            API_ERROR,
            er.ERRORS,
            er.PLATFORM_REFUSED,
            {"code": RAW, "message": RAW, "http": RAW, "explanation": EXPLANATION},
        ),
        (API_ERROR, er.ERRORS, er.CANCELLED_BEFORE_SENT, {}),
        (API_ERROR, er.ERRORS, er.CANCELLED_BEFORE_RETRY, {}),
        (_TRANSPORT_DETAIL, er.ERRORS, "{raw}", {"raw": RAW}),  # the library's own words
    ]
    shapes += [
        (_TRANSPORT_DETAIL, er.ERRORS, source, {"error": RAW} if "{error}" in source else {})
        for source in er.TRANSPORT_DETAILS
    ]
    return tuple(shapes)


_ALL_SHAPES: list[tuple[str, str, str, dict[str, str]]] = []


def _shapes() -> list[tuple[str, str, str, dict[str, str]]]:
    if not _ALL_SHAPES:
        _ALL_SHAPES.extend((k, CONTEXT, source, fields) for k, source, fields in SHAPES)
        _ALL_SHAPES.extend(_other_shapes())
    return _ALL_SHAPES


_FIELD = re.compile(r"\{(\w+)\}")


def _pieces(source: str) -> list[str]:
    """``"a {x} b"`` → ``["a ", "x", " b"]``: literals at even places, names at odd."""
    return _FIELD.split(source)


def _matches(pieces: list[str], stored: str, at: int = 0) -> Iterator[list[str]]:
    """Every way to read ``stored[at:]`` as ``pieces`` (values non-empty)."""
    head = pieces[0]
    if not stored.startswith(head, at):
        return
    at += len(head)
    if len(pieces) == 1:
        if at == len(stored):
            yield []
        return
    tail = pieces[2]
    ends: Iterator[int]
    if len(pieces) == 3 and tail == "":
        ends = iter([len(stored)] if at < len(stored) else [])
    elif tail == "":
        ends = iter(range(at + 1, len(stored)))
    else:
        ends = (i for i in _find_all(stored, tail, at + 1))
    for end in ends:
        for rest in _matches(pieces[2:], stored, end):
            yield [stored[at:end], *rest]


def _find_all(text: str, sub: str, start: int) -> Iterator[int]:
    i = text.find(sub, start)
    while i != -1:
        yield i
        i = text.find(sub, i + 1)


def _word_table() -> dict[str, dict[str, Text]]:
    from console.core import callback as cb
    from console.core import crosscheck as cc
    from console.core import errors as er
    from console.core.errorcodes import CODE0_NOT_OK, ERROR_CODES, explain_text
    from console.core.faults import FAULT_MEANINGS, FLOOR_MEANINGS, TIMEOUT_MEANING
    from console.core.status import QUERY_TEXT_LABELS, RECORD_STATUS_LABELS, query_text_label_text

    faults = [*FAULT_MEANINGS.values(), TIMEOUT_MEANING]
    explanations = [explain_text(c) for c in (0, 99999, *ERROR_CODES)]
    del CODE0_NOT_OK
    return {
        FAULT_MEANING: {m.meaning_en: m.meaning_text for m in faults},
        FLOOR_MEANING: {m.meaning_en: m.meaning_text for m in FLOOR_MEANINGS.values()},
        EXPLANATION: {str(t): t for t in explanations},
        RECORD_LABEL: {label: Text("status", label) for label in RECORD_STATUS_LABELS.values()},
        ACTION_KIND: {k: Text(CONTEXT, w) for k, w in ACTION_KIND_WORDS.items()},
        OUTCOME: {k: Text(CONTEXT, w) for k, w in OUTCOME_WORDS.items()},
        REASON: {k: Text(CONTEXT, w) for k, w in REASON_WORDS.items()},
        VERDICT: {k: Text(cc.CONTEXT, w) for k, w in cc.VERDICT_WORDS.items()},
        _CB_OUTCOME: {k: Text(cb.CONTEXT, w) for k, w in cb.OUTCOME_WORDS.items()},
        _TRANSPORT_KIND: {k: Text(er.ERRORS, w) for k, w in er.TRANSPORT_KIND_WORDS.items()},
        _QUERY_LABEL: {
            str(t): t for t in (query_text_label_text(q) for q in ("", *QUERY_TEXT_LABELS))
        },
    }


_WORDS: dict[str, dict[str, Text]] = {}
# How deep shapes nest at most (a note → its meaning → what was found → a failed call → …).
MAX_DEPTH = 12


def _read(kind: str, stored: str, depth: int) -> tuple[Text, int] | None:
    """``stored`` read as ``kind``, and how many of its characters are raw values; of
    several readings the one with the fewest raw characters (the most recognised)."""
    if kind == RAW:
        return text(CONTEXT, "{raw}", raw=stored), len(stored)
    if not _WORDS:
        _WORDS.update(_word_table())
    if kind in _WORDS:
        found = _WORDS[kind].get(stored)
        if found is None and kind in (FAULT_MEANING, FLOOR_MEANING):
            found = _unknown_meaning(kind, stored)
        if found is None and kind in _WORD_OR_RAW:
            return text(CONTEXT, "{raw}", raw=stored), len(stored)
        return None if found is None else (found, 0)
    if depth > MAX_DEPTH:
        return None
    best: tuple[Text, int] | None = None
    for shape_kind, context, source, fields in _shapes():
        if shape_kind != kind:
            continue
        pieces = _pieces(source)
        for values in _matches(pieces, stored):
            read: list[tuple[str, object]] = []
            raw = 0
            for name, value in zip(pieces[1::2], values, strict=True):
                worded = _read(fields[name], value, depth + 1)
                if worded is None:
                    break
                read.append((name, worded[0]))
                raw += worded[1]
            else:
                candidate = Text(context, source, tuple(read))
                if (best is None or raw < best[1]) and candidate.render() == stored:
                    best = (candidate, raw)
    return best


def _unknown_meaning(kind: str, stored: str) -> Text | None:
    from console.core.faults import fault_meaning, floor_meaning

    for prefix in ("Unknown fault ", "Unknown slot status "):
        if stored.startswith(prefix):
            try:
                raw = ast.literal_eval(stored[len(prefix) :])
            except (ValueError, SyntaxError):
                return None
            if not isinstance(raw, str):
                return None
            m = fault_meaning(raw) if kind == FAULT_MEANING else floor_meaning(raw)
            return m.meaning_text if m.meaning_en == stored else None
    return None


@functools.lru_cache(maxsize=4096)
def stored_text(stored: str, kind: str = MEANING) -> Text:
    """A sentence the journal stored (``kind``: ``MEANING``, ``NOTE``, ``ACTIVITY``,
    ``FOUND``, ``EVIDENCE``, ``CALLBACK_SUMMARY``, ``CROSS_CHECK``, ``API_ERROR``) as a
    ``Text``; shown as given when not recognised."""
    found = _read(kind, stored, 0) if stored else None
    return found[0] if found is not None else text(CONTEXT, "{raw}", raw=stored)


def is_recognised(stored: str, kind: str = MEANING) -> bool:
    """Whether ``stored_text`` words ``stored`` (else it is shown as given)."""
    return stored_text(stored, kind).source != "{raw}"


class Stored:
    """A stored English sentence as a value of a ``Text`` (a log line's callback summary or
    cross-check detail): English as stored, another language recognised only when shown."""

    __slots__ = ("kind", "stored")

    def __init__(self, stored: str, kind: str) -> None:
        self.stored = stored
        self.kind = kind

    def text(self, lang: str = "en") -> str:
        if not lang.startswith("zh"):
            return self.stored
        return stored_text(self.stored, self.kind).text(lang)

    def __str__(self) -> str:
        return self.stored

    def __repr__(self) -> str:
        return f"Stored({self.stored!r}, {self.kind!r})"
