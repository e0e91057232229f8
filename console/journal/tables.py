"""The journal's tables, defined once with SQLAlchemy Core, for SQLite and PostgreSQL.

This is the schema at Alembic revision ``schema.HEAD_REVISION`` (``migrations/``); a
test migrates an empty SQLite file and an empty PostgreSQL database to head and
compares what they hold with this ``metadata``, so the two cannot drift. The columns
are in the order today's SQLite files have them (the v2 columns were added last), so
``SELECT *`` and exports read the same on every journal.

Portable types for what SQLite stored:

- ``INTEGER`` ids and numbers from the platform: ``Int64`` (SQLite's INTEGER is 64-bit;
  ``INTEGER PRIMARY KEY`` stays the rowid there, an identity ``BIGINT`` on PostgreSQL).
- ``REAL`` epoch seconds: ``Epoch`` (REAL on SQLite, DOUBLE PRECISION on PostgreSQL —
  never PostgreSQL's 4-byte REAL, which would round a timestamp to minutes).
- JSON stays text, as written today (``request``, ``response``, ``extra``, ``records``).
- Flags (``awaiting_result``, ``created_here``) stay integers 0/1: the queries compare
  them with 1.
- Partial indexes carry their ``WHERE`` for both dialects; ``orders`` and ``items_out``
  are ``WITHOUT ROWID`` on SQLite (clustered on their primary key).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    Column,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeEngine

Int64: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
Epoch: TypeEngine[float] = Double().with_variant(REAL(), "sqlite")


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, for both dialects."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


def _id() -> Column[int]:
    return Column("id", Int64, Identity(), primary_key=True)


def _text(name: str, default: str | None = None) -> Column[str]:
    """A NOT NULL text column, with a server default when given."""
    return Column(name, Text, nullable=False, server_default=default)


metadata = MetaData()

actions = Table(
    "actions",
    metadata,
    _id(),
    Column("ts", Epoch, nullable=False),
    _text("ts_iso"),
    _text("profile"),
    _text("session"),  # which Journal instance wrote it
    Column("pid", Int64, nullable=False),  # and in which process
    _text("kind"),
    _text("machine_no", ""),
    Column("order_id", Int64),
    Column("record_id", Int64),
    _text("request", "{}"),  # JSON, already masked
    _text("state"),  # in_flight|ok|refused|transport|cancelled|unknown
    Column("code", Int64),
    _text("message", ""),
    Column("response", Text),  # JSON or NULL
    _text("detail", ""),
    _text("check_text", ""),
    Column("finished_ts", Epoch),
    Column("finished_iso", Text),
    # A dispense sent ok with no result callback yet (0/1).
    Column("awaiting_result", Integer, nullable=False, server_default=text("0")),
    _text("actor", ""),  # v2
    # 0002: the platform's delivery id of a dispense (its answer) or of a dispense-record
    # read (its request), as a column for both dialects.
    Column("delivery_id", Int64),
)
Index("actions_order", actions.c.profile, actions.c.order_id, actions.c.id)
Index("actions_profile", actions.c.profile, actions.c.id)
Index("actions_in_flight", actions.c.state, **_where("state = 'in_flight'"))
Index("actions_awaiting", actions.c.profile, actions.c.ts, **_where("awaiting_result = 1"))

orders = Table(
    "orders",
    metadata,
    _text("profile"),
    Column("order_id", Int64, nullable=False),
    _text("machine_no", ""),
    _text("trade_id", ""),
    Column("created_here", Integer, nullable=False, server_default=text("0")),
    Column("first_seen", Epoch),  # NULL: age unknown
    Column("first_seen_iso", Text),
    Column("last_ts", Epoch, nullable=False),
    _text("last_iso"),
    _text("last_activity", ""),
    _text("amount", ""),  # v2: what the platform said about the order
    _text("order_date", ""),  # the platform's date
    _text("status", ""),  # last status read
    # JSON list of {record_id, product_id, product_name, channel_name, quantity, status}
    _text("records", "[]"),
    Column("details_ts", Epoch),  # when the above were read
    PrimaryKeyConstraint("profile", "order_id"),
    sqlite_with_rowid=False,
)
Index("orders_recent", orders.c.profile, orders.c.last_ts)

callbacks = Table(
    "callbacks",
    metadata,
    _id(),
    Column("ts", Epoch, nullable=False),
    _text("ts_iso"),
    _text("profile"),
    _text("remote", ""),
    _text("content_type", ""),
    _text("method", ""),
    Column("order_id", Int64),
    Column("record_id", Int64),
    _text("deliver_status", ""),
    Column("floor_status", Text),
    _text("error_msg", ""),
    Column("channel_name", Text),
    _text("outcome"),  # success|failure|invalid|event|malformed
    _text("summary", ""),
    _text("reason", ""),
    _text("extra", "{}"),
    Column("raw", LargeBinary, nullable=False),  # at most 64 KiB
    Column("raw_size", Int64, nullable=False),
    _text("dedupe_key", ""),
    Column("duplicate_of", Int64),
    Column("replay_of", Int64),
    Column("followup_id", Int64),
    _text("cross_check", "unchecked"),
    _text("cross_check_detail", ""),
    Column("cross_check_ts", Epoch),
)
Index("callbacks_order", callbacks.c.profile, callbacks.c.order_id, callbacks.c.id)
Index("callbacks_dedupe", callbacks.c.profile, callbacks.c.dedupe_key, callbacks.c.id)
Index("callbacks_profile", callbacks.c.profile, callbacks.c.id)

followups = Table(
    "followups",
    metadata,
    _id(),
    Column("ts", Epoch, nullable=False),
    _text("ts_iso"),
    _text("profile"),
    Column("order_id", Int64, nullable=False),
    Column("record_id", Int64),
    _text("machine_no", ""),
    _text("reason"),
    _text("meaning"),
    _text("source"),  # callback|timeout|refused_dispense|platform_record|order_record
    Column("source_id", Int64),  # callbacks.id or actions.id
    _text("state"),  # open|refund_requested|refunded|dismissed
    Column("updated_ts", Epoch, nullable=False),
    _text("updated_iso"),
    Column("refund_action_id", Int64),
    _text("note", ""),
    # v2: a "result unknown" follow-up is re-checked with the platform with a growing pause.
    Column("checks", Integer, nullable=False, server_default=text("0")),
    Column("next_check_ts", Epoch),
)
Index("followups_order", followups.c.profile, followups.c.order_id, followups.c.record_id)
Index("followups_state", followups.c.profile, followups.c.state, followups.c.id)
Index(
    "followups_source",
    followups.c.profile,
    followups.c.source,
    followups.c.source_id,
    unique=True,
    **_where("source_id IS NOT NULL"),
)

followup_events = Table(
    "followup_events",
    metadata,
    _id(),
    Column("followup_id", Int64, ForeignKey("followups.id"), nullable=False),
    Column("ts", Epoch, nullable=False),
    _text("ts_iso"),
    _text("profile"),
    _text("event"),  # opened|refund_requested|refunded|dismissed|note
    Column("from_state", Text),
    _text("to_state"),
    _text("actor"),
    _text("note", ""),
    Column("action_id", Int64),
)
Index("followup_events_followup", followup_events.c.followup_id, followup_events.c.id)

# 0002: each journal session that sent something holds a lease while it is alive
# (console.journal.leases): an in-flight action without a live lease is "outcome unknown".
sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),  # actions.session
    _text("profile"),
    _text("actor", ""),
    _text("host", ""),
    Column("pid", Int64, nullable=False),
    Column("started_ts", Epoch, nullable=False),
    Column("renewed_ts", Epoch, nullable=False),
    Column("expires_ts", Epoch, nullable=False),  # wall-clock epoch seconds
)

# v2: records whose item the platform says is out (dropped, picked up, already
# delivered): a later report that an earlier dispense of one failed opens no refund.
items_out = Table(
    "items_out",
    metadata,
    _text("profile"),
    Column("order_id", Int64, nullable=False),
    Column("record_id", Int64, nullable=False),
    Column("ts", Epoch, nullable=False),
    _text("evidence"),
    PrimaryKeyConstraint("profile", "order_id", "record_id"),
    sqlite_with_rowid=False,
)
