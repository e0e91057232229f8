"""What the journal hands out: frozen rows, plain data, safe to pass between threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.core.callback import Callback
    from console.core.texts import Text

# Action kinds the console journals (write actions must be; reads may be).
ACTION_KINDS = frozenset(
    {"set_status", "dispense", "test_dispense", "order_create", "delivery_query", "order_get"}
)
# States an action row goes through: in_flight, then one outcome, or "unknown"
# when the process that sent it stopped before recording the answer.
ACTION_OUTCOMES = frozenset({"ok", "refused", "transport", "cancelled"})
ACTION_IN_FLIGHT = "in_flight"
ACTION_UNKNOWN = "unknown"

CROSS_CHECK_VERDICTS = frozenset({"ok", "suspicious", "unchecked", "error"})

# Outcome stored for a body that could not be parsed at all.
MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class CallbackArrival:
    """A parsed callback waiting to be journalled (``Journal.record_callbacks``)."""

    callback: Callback
    remote: str
    replay_of: int | None = None
    content_type: str = ""


@dataclass(frozen=True)
class ActionRow:
    """One request the console sent (or was about to send) to the platform.

    ``state`` is ``in_flight`` until ``finish_action``; then ``ok``, ``refused``
    (the platform answered with an error), ``transport`` (no usable answer:
    the request may or may not have arrived) or ``cancelled``; ``unknown`` when
    the process stopped in between. ``check`` says what to verify before acting
    again whenever the outcome is uncertain.
    """

    id: int
    ts: float
    ts_iso: str
    profile: str
    kind: str
    machine_no: str
    order_id: int | None
    record_id: int | None
    request: dict[str, Any]
    state: str
    code: int | None
    message: str
    response: dict[str, Any] | None
    detail: str
    check: str
    finished_ts: float | None
    finished_iso: str | None
    actor: str = ""  # who did it ("" for rows written before actors were kept)

    @property
    def outcome(self) -> str:
        return self.state

    @property
    def is_uncertain(self) -> bool:
        return self.state in (ACTION_IN_FLIGHT, ACTION_UNKNOWN, "transport")


@dataclass(frozen=True)
class CallbackRow:
    """One body received on the notify URL, as journalled.

    ``outcome`` is the parsed callback's (success, failure, invalid, event) or
    ``malformed`` for a body that could not be parsed (``reason`` says why;
    ``raw`` holds at most 64 KiB of it, ``raw_size`` its real length).
    A repeat of an earlier callback has ``duplicate_of`` set, a replay from the
    console ``replay_of``; neither counts as a new result. ``followup_id`` is
    the follow-up this callback opened or was added to. ``order_machine`` is the
    order's machine as the journal knew it when a new result was recorded (so
    the receiver need not ask again); rows read back from the journal leave it "".
    """

    id: int
    ts: float
    ts_iso: str
    profile: str
    remote: str
    content_type: str
    method: str
    order_id: int | None
    record_id: int | None
    deliver_status: str
    floor_status: str | None
    error_msg: str
    channel_name: str | None
    outcome: str
    summary: str
    reason: str
    extra: dict[str, Any]
    raw: bytes
    raw_size: int
    dedupe_key: str
    duplicate_of: int | None
    replay_of: int | None
    followup_id: int | None
    cross_check: str
    cross_check_detail: str
    order_machine: str = ""

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None

    @property
    def is_replay(self) -> bool:
        return self.replay_of is not None

    @property
    def counts(self) -> bool:
        """A new result: not a repeat, not a replay, not malformed."""
        return self.duplicate_of is None and self.replay_of is None and self.outcome != MALFORMED


@dataclass(frozen=True)
class FollowupRow:
    """A failure someone still has to resolve (see ``console.core.followup``)."""

    id: int
    ts: float
    ts_iso: str
    profile: str
    order_id: int
    record_id: int | None
    machine_no: str
    reason: str
    meaning: str
    source: str
    source_id: int | None
    state: str
    updated_ts: float
    updated_iso: str
    refund_action_id: int | None
    note: str  # every note given on a change, one a line: "2026-12-07 19:07 alice: ..."
    # What staff need to refund, joined from the order as the platform last gave it
    # ("" when the console never read the order) and from the follow-up's evidence.
    amount: str = ""
    trade_id: str = ""
    order_date: str = ""  # the platform's order date (when it was paid)
    order_status: str = ""  # the order's status when last read (SUCCESS, REFUND, ...)
    slot: str = ""  # e.g. "A10"
    product: str = ""  # the product's name when known
    product_id: int | None = None
    evidence: str = ""  # e.g. "callback #12", "platform record (delivery 345)"
    delivery_id: int | None = None  # the platform record's delivery, for that evidence
    refusal_code: int | None = None  # the refused dispense's code, for that evidence
    actor: str = ""  # who made the last change (the newest event's actor)
    opened_at: str = ""  # ISO, = ts_iso


@dataclass(frozen=True)
class FollowupEventRow:
    """One step in a follow-up's life: opened, a transition, or a note."""

    id: int
    followup_id: int
    ts: float
    ts_iso: str
    event: str
    from_state: str | None
    to_state: str
    actor: str
    note: str
    action_id: int | None


@dataclass(frozen=True)
class OrderRecordDetail:
    """One record of an order as the platform gave it, with its slot and product name
    when the machine's product list was known."""

    record_id: int
    product_id: int = 0
    product_name: str = ""
    channel_name: str = ""  # the slot, e.g. "A10"
    quantity: int = 0
    status: str = ""


@dataclass(frozen=True)
class OrderSummary:
    """An order the console created, acted on or heard about.

    ``first_seen`` is the console's only knowledge of the order's age: set when
    it created the order or first saw it itself, else ``None`` (age unknown).
    """

    order_id: int
    machine_no: str
    trade_id: str
    created_here: bool
    first_seen: float | None
    first_seen_iso: str | None
    last_ts: float
    last_iso: str
    last_activity: str
    open_followups: int
    # What the platform said about the order when last read (``Journal.note_order_details``).
    amount: str = ""
    order_date: str = ""
    status: str = ""
    records: tuple[OrderRecordDetail, ...] = ()
    details_ts: float | None = None  # None: never read from the platform


@dataclass(frozen=True)
class HistoryItem:
    """One line of an order's history; ``kind`` is ``action``, ``action_result``,
    ``callback`` or ``followup`` and ``ref_id`` the id of that row."""

    ts: float
    ts_iso: str
    kind: str
    ref_id: int
    summary: str
    detail: str
    # ``summary`` as a message id (``console.core.history``) for ``vendctl --lang``; not
    # part of the row's data (``--json`` leaves it out).
    words: Text | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class LastDispense:
    """What the journal knows of a record's last dispense (``Journal.last_dispenses``).

    ``state`` is ``pending`` (the platform accepted it; its result has not come),
    ``unknown`` (sent, but the answer was lost or the process stopped first) or
    ``settled`` (refused, cancelled before sending, or a result came) — the
    ``LAST_*`` values of ``console.core.status``. ``outcome`` is the action's own
    state; ``delivery_id`` and ``platform_status`` are what the platform answered
    (0 and "" when it gave nothing); ``code`` and ``message`` its refusal or the
    error that lost the answer.
    """

    record_id: int
    action_id: int
    state: str
    outcome: str
    sent_ts: float
    sent_iso: str
    delivery_id: int = 0
    platform_status: str = ""
    code: int | None = None
    message: str = ""
    actor: str = ""
