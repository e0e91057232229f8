"""The console's journal: actions, callbacks, orders seen and follow-ups, in a SQLite file
(the default) or a PostgreSQL database, one schema and the same rules on both
(``Journal(path or URL)``; ``migrate``). ``JournalUnavailable``: the database cannot be
used right now (the receiver answers 503)."""

from console.journal.connection import JournalUnavailable, NewerSchema
from console.journal.migration import (
    JournalUrlError,
    Migrated,
    current_revision,
    journal_url,
    mask_url,
    migrate,
    sqlite_url,
    upgrade,
)
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
from console.journal.schema import HEAD_REVISION, SCHEMA_VERSION
from console.journal.store import IntentClash, Journal, JournalError

__all__ = [
    "ACTION_KINDS",
    "ACTION_OUTCOMES",
    "CROSS_CHECK_VERDICTS",
    "HEAD_REVISION",
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
    "JournalUnavailable",
    "JournalUrlError",
    "LastDispense",
    "Migrated",
    "NewerSchema",
    "OrderRecordDetail",
    "OrderSummary",
    "current_revision",
    "journal_url",
    "mask_url",
    "migrate",
    "sqlite_url",
    "upgrade",
]
