"""The journal's schema as it was at ``PRAGMA user_version`` 2 (console/journal/schema.py,
``_V1`` + ``_V2``), on SQLite or PostgreSQL.

An empty database is created by this revision. A SQLite journal made before Alembic
is not: it already has these tables and is only stamped with this revision
(``console.journal.migration``). Like every revision, this one is frozen: it spells its
tables out instead of using ``tables.metadata``, which follows the newest revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("ts_iso", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("session", sa.Text(), nullable=False),
        sa.Column("pid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("machine_no", sa.Text(), server_default="", nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("request", sa.Text(), server_default="{}", nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("code", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("check_text", sa.Text(), server_default="", nullable=False),
        sa.Column("finished_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=True),
        sa.Column("finished_iso", sa.Text(), nullable=True),
        sa.Column("awaiting_result", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("actor", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "actions_awaiting",
        "actions",
        ["profile", "ts"],
        unique=False,
        sqlite_where=sa.text("awaiting_result = 1"),
        postgresql_where=sa.text("awaiting_result = 1"),
    )
    op.create_index(
        "actions_in_flight",
        "actions",
        ["state"],
        unique=False,
        sqlite_where=sa.text("state = 'in_flight'"),
        postgresql_where=sa.text("state = 'in_flight'"),
    )
    op.create_index("actions_order", "actions", ["profile", "order_id", "id"], unique=False)
    op.create_index("actions_profile", "actions", ["profile", "id"], unique=False)
    op.create_table(
        "callbacks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("ts_iso", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("remote", sa.Text(), server_default="", nullable=False),
        sa.Column("content_type", sa.Text(), server_default="", nullable=False),
        sa.Column("method", sa.Text(), server_default="", nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("deliver_status", sa.Text(), server_default="", nullable=False),
        sa.Column("floor_status", sa.Text(), nullable=True),
        sa.Column("error_msg", sa.Text(), server_default="", nullable=False),
        sa.Column("channel_name", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("extra", sa.Text(), server_default="{}", nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("dedupe_key", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "duplicate_of", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("replay_of", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "followup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("cross_check", sa.Text(), server_default="unchecked", nullable=False),
        sa.Column("cross_check_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("cross_check_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("callbacks_dedupe", "callbacks", ["profile", "dedupe_key", "id"], unique=False)
    op.create_index("callbacks_order", "callbacks", ["profile", "order_id", "id"], unique=False)
    op.create_index("callbacks_profile", "callbacks", ["profile", "id"], unique=False)
    op.create_table(
        "followups",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("ts_iso", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("machine_no", sa.Text(), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("updated_iso", sa.Text(), nullable=False),
        sa.Column(
            "refund_action_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("checks", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_check_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "followups_order", "followups", ["profile", "order_id", "record_id"], unique=False
    )
    op.create_index(
        "followups_source",
        "followups",
        ["profile", "source", "source_id"],
        unique=True,
        sqlite_where=sa.text("source_id IS NOT NULL"),
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )
    op.create_index("followups_state", "followups", ["profile", "state", "id"], unique=False)
    op.create_table(
        "items_out",
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("profile", "order_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "orders",
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("machine_no", sa.Text(), server_default="", nullable=False),
        sa.Column("trade_id", sa.Text(), server_default="", nullable=False),
        sa.Column("created_here", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_seen", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=True),
        sa.Column("first_seen_iso", sa.Text(), nullable=True),
        sa.Column("last_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("last_iso", sa.Text(), nullable=False),
        sa.Column("last_activity", sa.Text(), server_default="", nullable=False),
        sa.Column("amount", sa.Text(), server_default="", nullable=False),
        sa.Column("order_date", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.Text(), server_default="", nullable=False),
        sa.Column("records", sa.Text(), server_default="[]", nullable=False),
        sa.Column("details_ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("profile", "order_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("orders_recent", "orders", ["profile", "last_ts"], unique=False)
    op.create_table(
        "followup_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column(
            "followup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("ts", sa.Double().with_variant(sa.REAL(), "sqlite"), nullable=False),
        sa.Column("ts_iso", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("from_state", sa.Text(), nullable=True),
        sa.Column("to_state", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("action_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["followup_id"],
            ["followups.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "followup_events_followup", "followup_events", ["followup_id", "id"], unique=False
    )
    if op.get_bind().dialect.name == "sqlite":
        # Consoles from before Alembic read this: 2 is the schema they know, and the
        # one this revision makes (see console/journal/schema.py).
        op.execute("PRAGMA user_version = 2")


def downgrade() -> None:
    for name in ("followup_events", "items_out", "orders", "followups", "callbacks", "actions"):
        op.drop_table(name)
