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

import enum

from console.core.faults import fault_meaning, floor_meaning
from console.core.models import Delivery
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import RECORD_NOT_PICKED_UP, RECORD_PICKED_UP


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


def failure_meaning(error_msg: str | None, floor_status: str | None, lang: str = "en") -> str:
    """Plain meaning of a failed dispense, e.g.
    ``Slave Comm Error — The slave board cannot be reached; slot status 3: Slot motor fault``.
    """
    parts: list[str] = []
    text = (error_msg or "").strip()
    if text:
        parts.append(f"{text} — {fault_meaning(text).short(lang)}")
    else:
        parts.append("未给出故障原因" if lang.startswith("zh") else "no fault text given")
    if floor_status is not None and str(floor_status).strip() != "":
        word = "货道状态" if lang.startswith("zh") else "slot status"
        parts.append(f"{word} {floor_status}: {floor_meaning(floor_status).short(lang)}")
    return "; ".join(parts)


def unknown_result_meaning(timeout_s: float, found: str, lang: str = "en") -> str:
    """No result within ``timeout_s`` and the platform's record did not settle it."""
    if lang.startswith("zh"):
        return (
            f"出货指令发出后 {timeout_s:g} 秒内没有结果，平台也无法确认（{found}）："
            "商品可能已经掉落，退款前请先核实"
        )
    return (
        f"no result within {timeout_s:g} s of the dispense and the platform could not say "
        f"({found}): the item MAY HAVE DROPPED — check before refunding"
    )


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
    ref = f" #{source_id}" if source_id is not None else ""
    if source == FollowupSource.CALLBACK:
        return f"callback{ref}"
    if source == FollowupSource.PLATFORM_RECORD:
        return f"platform record (delivery {delivery_id})" if delivery_id else "platform record"
    if source == FollowupSource.REFUSED_DISPENSE:
        return f"dispense action{ref} refused" + (f" {code}" if code is not None else "")
    if source == FollowupSource.TIMEOUT:
        return f"no result after {timeout_s:g} s"
    if source == FollowupSource.ORDER_RECORD:
        return "order record (the dispense's answer was lost)"
    return f"{source}{ref}"


def refused_meaning(code: int | None, message: str, explanation: str = "") -> str:
    head = "the platform refused the dispense"
    if code is not None:
        head += f": code {code}"
    if message:
        head += f" {message!r}" if code is not None else f": {message!r}"
    if explanation:
        head += f" ({explanation})"
    return head
