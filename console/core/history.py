"""An order's history lines (``vendctl journal history``) as message ids.

The journal builds each line of an order's history from its rows
(``console.journal.history``); these say it once, as ``Text``: ``str()`` is the
English the journal has always returned (and ``--json`` keeps), ``vendctl --lang zh``
renders the same ids in Chinese. Ids, machine numbers, actors and the platform's codes
and messages are values shown as given; a callback's stored summary is recognised again
(``console.core.followup.Stored``).
"""

from __future__ import annotations

from console.core.followup import (
    ACTION_KIND_WORDS,
    CALLBACK_SUMMARY,
    OUTCOME_WORDS,
    REASON_WORDS,
    Stored,
)
from console.core.followup import CONTEXT as FOLLOWUP_CONTEXT
from console.core.texts import QT_TRANSLATE_NOOP, Text, text

CONTEXT = "history"

# A history item's kind (``HistoryItem.kind``), the column vendctl prints before it.
KIND_WORDS: dict[str, str] = {
    "action": QT_TRANSLATE_NOOP("history", "action"),
    "action_result": QT_TRANSLATE_NOOP("history", "action_result"),
    "callback": QT_TRANSLATE_NOOP("history", "callback"),
    "followup": QT_TRANSLATE_NOOP("history", "followup"),
}
# A follow-up event as the journal writes it (``followup_events.event``), in the words
# the history always used (``_`` as a space).
EVENT_WORDS: dict[str, str] = {
    "opened": QT_TRANSLATE_NOOP("history", "opened"),
    "note": QT_TRANSLATE_NOOP("history", "note"),
    "refund_requested": QT_TRANSLATE_NOOP("history", "refund requested"),
    "refunded": QT_TRANSLATE_NOOP("history", "refunded"),
    "dismissed": QT_TRANSLATE_NOOP("history", "dismissed"),
}
# Where a follow-up came from (``console.core.followup.FollowupSource``), as stored.
SOURCE_WORDS: dict[str, str] = {
    "callback": QT_TRANSLATE_NOOP("history", "callback"),
    "timeout": QT_TRANSLATE_NOOP("history", "timeout"),
    "refused_dispense": QT_TRANSLATE_NOOP("history", "refused_dispense"),
    "platform_record": QT_TRANSLATE_NOOP("history", "platform_record"),
    "order_record": QT_TRANSLATE_NOOP("history", "order_record"),
}


def _word(words: dict[str, str], key: str, context: str = CONTEXT) -> Text:
    """``key`` in words when it is one of ours (its English is ``key`` itself, or
    ``key`` with ``_`` as a space for events), else as given."""
    source = words.get(key)
    return Text(context, source) if source is not None else text(CONTEXT, "{raw}", raw=key)


def kind_text(kind: str) -> Text:
    """A history item's kind (``action``, ``action_result``, ``callback``, ``followup``)."""
    return _word(KIND_WORDS, kind)


def action_sent(kind: str, record_id: object, machine_no: str, actor: str) -> Text:
    """``dispense record 7 sent to machine M by alice``."""
    values = {
        "kind": _word(ACTION_KIND_WORDS, kind, FOLLOWUP_CONTEXT),
        "record": record_id,
        "machine": machine_no,
        "actor": actor,
    }
    if record_id is not None:
        source = (
            QT_TRANSLATE_NOOP(
                "history", "{kind} record {record} sent to machine {machine} by {actor}"
            )
            if actor
            else QT_TRANSLATE_NOOP("history", "{kind} record {record} sent to machine {machine}")
        )
    else:
        source = (
            QT_TRANSLATE_NOOP("history", "{kind} sent to machine {machine} by {actor}")
            if actor
            else QT_TRANSLATE_NOOP("history", "{kind} sent to machine {machine}")
        )
    return text(CONTEXT, source, **values)


def action_result(kind: str, record_id: object, state: str, code: object, message: object) -> Text:
    """``dispense record 7: refused (code 6025, machine offline)``."""
    values = {
        "kind": _word(ACTION_KIND_WORDS, kind, FOLLOWUP_CONTEXT),
        "record": record_id,
        "state": _word(OUTCOME_WORDS, state, FOLLOWUP_CONTEXT),
        "code": str(code),
        "message": str(message),
    }
    detailed = code is not None or bool(message)
    if record_id is not None:
        source = (
            QT_TRANSLATE_NOOP("history", "{kind} record {record}: {state} (code {code}, {message})")
            if detailed
            else QT_TRANSLATE_NOOP("history", "{kind} record {record}: {state}")
        )
    else:
        source = (
            QT_TRANSLATE_NOOP("history", "{kind}: {state} (code {code}, {message})")
            if detailed
            else QT_TRANSLATE_NOOP("history", "{kind}: {state}")
        )
    return text(CONTEXT, source, **values)


def callback_item(summary: str, duplicate_of: object, replay_of: object) -> Text:
    """``callback success — order 60 record 1 (repeat of #3) (replay of #2)``."""
    line = text(
        CONTEXT,
        QT_TRANSLATE_NOOP("history", "callback {summary}"),
        summary=Stored(summary, CALLBACK_SUMMARY),
    )
    if duplicate_of is not None:
        line = text(
            CONTEXT,
            QT_TRANSLATE_NOOP("history", "{line} (repeat of #{id})"),
            line=line,
            id=duplicate_of,
        )
    if replay_of is not None:
        line = text(
            CONTEXT,
            QT_TRANSLATE_NOOP("history", "{line} (replay of #{id})"),
            line=line,
            id=replay_of,
        )
    return line


def followup_event(followup_id: object, event: str, source: str, reason: str) -> Text:
    """``follow-up #4 opened (callback): customer may need a refund``, ``follow-up #4
    refunded``."""
    if event == "opened":
        return Text(  # not ``text()``: one of its values is named ``source``
            CONTEXT,
            QT_TRANSLATE_NOOP("history", "follow-up #{id} opened ({source}): {reason}"),
            (
                ("id", followup_id),
                ("source", _word(SOURCE_WORDS, source)),
                ("reason", _word(REASON_WORDS, reason, FOLLOWUP_CONTEXT)),
            ),
        )
    word = EVENT_WORDS.get(event)
    return text(
        CONTEXT,
        QT_TRANSLATE_NOOP("history", "follow-up #{id} {event}"),
        id=followup_id,
        event=Text(CONTEXT, word)
        if word is not None
        else text(CONTEXT, "{raw}", raw=event.replace("_", " ")),
    )
