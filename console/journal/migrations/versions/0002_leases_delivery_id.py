"""Writers' leases and a dispense's delivery id as a column, on SQLite and PostgreSQL.

- ``sessions``: one lease per journal session that sent something
  (``console.journal.leases``): an in-flight action whose session holds no live lease
  is "outcome unknown" — a dead writer found by its expired lease, on any host, not by
  a local process id.
- ``actions.delivery_id``: the platform's delivery id of a dispense (from its answer)
  or of a dispense-record read (from its request), so finding "the dispense this
  delivery is the result of" and a follow-up's evidence read a column, not JSON with a
  dialect's JSON functions. Filled in here from the JSON of the rows already there.

Frozen like every revision: the tables are spelled out, not taken from ``tables.py``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_INT64: sa.types.TypeEngine[int] = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_EPOCH: sa.types.TypeEngine[float] = sa.Double().with_variant(sa.REAL(), "sqlite")


def _id(value: Any) -> int | None:
    """As ``console.journal.base._opt_id`` (frozen here)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return n if 0 < n < 2**63 else None


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _delivery_id(kind: str, request: str | None, response: str | None) -> int | None:
    if kind == "delivery_query":
        return _id(_json(request).get("delivery_id"))
    answer = _json(response)
    found = _id(answer.get("delivery_id"))
    data = answer.get("data")
    if found is None and isinstance(data, dict):
        found = _id(data.get("delivery_id"))
    return found


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), server_default="", nullable=False),
        sa.Column("host", sa.Text(), server_default="", nullable=False),
        sa.Column("pid", _INT64, nullable=False),
        sa.Column("started_ts", _EPOCH, nullable=False),
        sa.Column("renewed_ts", _EPOCH, nullable=False),
        sa.Column("expires_ts", _EPOCH, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("actions", sa.Column("delivery_id", _INT64, nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, kind, request, response FROM actions "
            "WHERE kind IN ('dispense', 'delivery_query')"
        )
    ).fetchall()
    found = [
        {"id": r[0], "delivery_id": d}
        for r in rows
        if (d := _delivery_id(str(r[1]), r[2], r[3])) is not None
    ]
    if found:
        bind.execute(sa.text("UPDATE actions SET delivery_id = :delivery_id WHERE id = :id"), found)
    if bind.dialect.name == "sqlite":
        # Consoles from before Alembic refuse a journal newer than they know (schema.py).
        op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("delivery_id")
    op.drop_table("sessions")
