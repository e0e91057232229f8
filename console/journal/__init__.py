"""The console's journal: actions, callbacks, orders seen and follow-ups, in SQLite."""

from console.journal.rows import (
    ACTION_KINDS,
    ACTION_OUTCOMES,
    CROSS_CHECK_VERDICTS,
    MALFORMED,
    ActionRow,
    CallbackArrival,
    CallbackRow,
    FollowupEventRow,
    FollowupRow,
    HistoryItem,
    LastDispense,
    OrderRecordDetail,
    OrderSummary,
)
from console.journal.schema import SCHEMA_VERSION
from console.journal.store import IntentClash, Journal, JournalError

__all__ = [
    "ACTION_KINDS",
    "ACTION_OUTCOMES",
    "CROSS_CHECK_VERDICTS",
    "MALFORMED",
    "SCHEMA_VERSION",
    "ActionRow",
    "CallbackArrival",
    "CallbackRow",
    "FollowupEventRow",
    "FollowupRow",
    "HistoryItem",
    "IntentClash",
    "Journal",
    "JournalError",
    "LastDispense",
    "OrderRecordDetail",
    "OrderSummary",
]
