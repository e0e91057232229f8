"""The journal's schema versions: Alembic revisions now, ``PRAGMA user_version`` before.

The tables are defined in ``console.journal.tables`` and changed by Alembic revisions in
``console/journal/migrations/versions`` (``console.journal.migration`` runs them, on
SQLite and PostgreSQL). ``REVISIONS`` lists them, oldest first: a new revision is added
there too (a test checks the list against Alembic's), so opening a journal can tell
"current", "older: migrate" and "newer: refuse" with one query and no Alembic.

Before Alembic, SQLite journals ran the statement lists below and counted them in
``PRAGMA user_version`` (1 or 2). They are frozen: revision 0001 is exactly the schema
they make, and ``console.journal.migration`` brings such a file to version 2 with them
and stamps it 0001 — nothing is copied, every row stays. Each revision also sets
``PRAGMA user_version`` on SQLite to ``SCHEMA_VERSION`` + its position (0001: 2, 0002: 3,
...), so a console from before Alembic refuses a journal newer than it knows.

Times are stored twice: epoch seconds (``ts``, for sorting and arithmetic) and local
ISO text with offset (``ts_iso``, for people and exports).
"""

from __future__ import annotations

_V1: tuple[str, ...] = (
    """
    CREATE TABLE actions (
        id              INTEGER PRIMARY KEY,
        ts              REAL    NOT NULL,
        ts_iso          TEXT    NOT NULL,
        profile         TEXT    NOT NULL,
        session         TEXT    NOT NULL,   -- which Journal instance wrote it
        pid             INTEGER NOT NULL,   -- and in which process
        kind            TEXT    NOT NULL,
        machine_no      TEXT    NOT NULL DEFAULT '',
        order_id        INTEGER,
        record_id       INTEGER,
        request         TEXT    NOT NULL DEFAULT '{}',   -- JSON, already masked
        state           TEXT    NOT NULL,   -- in_flight|ok|refused|transport|cancelled|unknown
        code            INTEGER,
        message         TEXT    NOT NULL DEFAULT '',
        response        TEXT,               -- JSON or NULL
        detail          TEXT    NOT NULL DEFAULT '',
        check_text      TEXT    NOT NULL DEFAULT '',
        finished_ts     REAL,
        finished_iso    TEXT,
        awaiting_result INTEGER NOT NULL DEFAULT 0  -- dispense sent ok, no result callback yet
    )
    """,
    "CREATE INDEX actions_order ON actions (profile, order_id, id)",
    "CREATE INDEX actions_profile ON actions (profile, id)",
    "CREATE INDEX actions_in_flight ON actions (state) WHERE state = 'in_flight'",
    "CREATE INDEX actions_awaiting ON actions (profile, ts) WHERE awaiting_result = 1",
    """
    CREATE TABLE orders (
        profile         TEXT    NOT NULL,
        order_id        INTEGER NOT NULL,
        machine_no      TEXT    NOT NULL DEFAULT '',
        trade_id        TEXT    NOT NULL DEFAULT '',
        created_here    INTEGER NOT NULL DEFAULT 0,
        first_seen      REAL,               -- NULL: age unknown
        first_seen_iso  TEXT,
        last_ts         REAL    NOT NULL,
        last_iso        TEXT    NOT NULL,
        last_activity   TEXT    NOT NULL DEFAULT '',
        PRIMARY KEY (profile, order_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX orders_recent ON orders (profile, last_ts)",
    """
    CREATE TABLE callbacks (
        id                  INTEGER PRIMARY KEY,
        ts                  REAL    NOT NULL,
        ts_iso              TEXT    NOT NULL,
        profile             TEXT    NOT NULL,
        remote              TEXT    NOT NULL DEFAULT '',
        content_type        TEXT    NOT NULL DEFAULT '',
        method              TEXT    NOT NULL DEFAULT '',
        order_id            INTEGER,
        record_id           INTEGER,
        deliver_status      TEXT    NOT NULL DEFAULT '',
        floor_status        TEXT,
        error_msg           TEXT    NOT NULL DEFAULT '',
        channel_name        TEXT,
        outcome             TEXT    NOT NULL,   -- success|failure|invalid|event|malformed
        summary             TEXT    NOT NULL DEFAULT '',
        reason              TEXT    NOT NULL DEFAULT '',
        extra               TEXT    NOT NULL DEFAULT '{}',
        raw                 BLOB    NOT NULL,   -- at most 64 KiB
        raw_size            INTEGER NOT NULL,
        dedupe_key          TEXT    NOT NULL DEFAULT '',
        duplicate_of        INTEGER,
        replay_of           INTEGER,
        followup_id         INTEGER,
        cross_check         TEXT    NOT NULL DEFAULT 'unchecked',
        cross_check_detail  TEXT    NOT NULL DEFAULT '',
        cross_check_ts      REAL
    )
    """,
    "CREATE INDEX callbacks_order ON callbacks (profile, order_id, id)",
    "CREATE INDEX callbacks_dedupe ON callbacks (profile, dedupe_key, id)",
    "CREATE INDEX callbacks_profile ON callbacks (profile, id)",
    """
    CREATE TABLE followups (
        id                  INTEGER PRIMARY KEY,
        ts                  REAL    NOT NULL,
        ts_iso              TEXT    NOT NULL,
        profile             TEXT    NOT NULL,
        order_id            INTEGER NOT NULL,
        record_id           INTEGER,
        machine_no          TEXT    NOT NULL DEFAULT '',
        reason              TEXT    NOT NULL,
        meaning             TEXT    NOT NULL,
        source              TEXT    NOT NULL,   -- callback|timeout|refused_dispense
        source_id           INTEGER,            -- callbacks.id or actions.id
        state               TEXT    NOT NULL,   -- open|refund_requested|refunded|dismissed
        updated_ts          REAL    NOT NULL,
        updated_iso         TEXT    NOT NULL,
        refund_action_id    INTEGER,
        note                TEXT    NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX followups_order ON followups (profile, order_id, record_id)",
    "CREATE INDEX followups_state ON followups (profile, state, id)",
    """
    CREATE UNIQUE INDEX followups_source ON followups (profile, source, source_id)
        WHERE source_id IS NOT NULL
    """,
    """
    CREATE TABLE followup_events (
        id              INTEGER PRIMARY KEY,
        followup_id     INTEGER NOT NULL REFERENCES followups (id),
        ts              REAL    NOT NULL,
        ts_iso          TEXT    NOT NULL,
        profile         TEXT    NOT NULL,
        event           TEXT    NOT NULL,   -- opened|refund_requested|refunded|dismissed|note
        from_state      TEXT,
        to_state        TEXT    NOT NULL,
        actor           TEXT    NOT NULL,
        note            TEXT    NOT NULL DEFAULT '',
        action_id       INTEGER
    )
    """,
    "CREATE INDEX followup_events_followup ON followup_events (followup_id, id)",
)

# V2: who did each action; what the platform said about an order (so a follow-up can
# show amount, trade id, slot and product without asking again); a follow-up's kind of
# evidence is kept in ``reason`` and its notes stay in ``followup_events``.
_V2: tuple[str, ...] = (
    "ALTER TABLE actions ADD COLUMN actor TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN amount TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE orders ADD COLUMN order_date TEXT NOT NULL DEFAULT ''",  # platform's date
    "ALTER TABLE orders ADD COLUMN status TEXT NOT NULL DEFAULT ''",  # last status read
    # JSON list of {record_id, product_id, product_name, channel_name, quantity, status}
    "ALTER TABLE orders ADD COLUMN records TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE orders ADD COLUMN details_ts REAL",  # when the above were read
    # A "result unknown" follow-up is re-checked with the platform with a growing pause.
    "ALTER TABLE followups ADD COLUMN checks INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE followups ADD COLUMN next_check_ts REAL",
    # Records whose item the platform says is out (dropped, picked up, already delivered):
    # a later report that an earlier dispense of one failed opens no refund.
    """
    CREATE TABLE items_out (
        profile     TEXT    NOT NULL,
        order_id    INTEGER NOT NULL,
        record_id   INTEGER NOT NULL,
        ts          REAL    NOT NULL,
        evidence    TEXT    NOT NULL,
        PRIMARY KEY (profile, order_id, record_id)
    ) WITHOUT ROWID
    """,
)

# The migrations of journals from before Alembic (frozen; see above).
MIGRATIONS: list[tuple[str, ...]] = [_V1, _V2]
# The last ``PRAGMA user_version`` before Alembic: the schema of revision 0001.
SCHEMA_VERSION = len(MIGRATIONS)

# Alembic revisions, oldest first; the last is the schema ``console.journal.tables`` describes.
REVISIONS: tuple[str, ...] = ("0001", "0002")
HEAD_REVISION = REVISIONS[-1]
# ``PRAGMA user_version`` of a SQLite journal at the newest revision (see above).
HEAD_USER_VERSION = SCHEMA_VERSION + len(REVISIONS) - 1
# The revision a journal from before Alembic is at once its statements above have run.
LEGACY_REVISION = "0001"
# The tables a journal has (at revision 0001 and at user_version 1, bar items_out).
JOURNAL_TABLES = frozenset(
    {"actions", "orders", "callbacks", "followups", "followup_events", "items_out"}
)
