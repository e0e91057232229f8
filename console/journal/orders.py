"""The journal's orders: what the console created or saw, and what the platform said."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from console.core.models import Order, Product
from console.journal import sql
from console.journal.base import JournalBase, _dumps
from console.journal.connection import iso
from console.journal.decode import _record_details
from console.journal.rows import (
    OrderSummary,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)


class _Orders(JournalBase):
    """Orders seen, noted and read back."""

    def _retire_order(self, conn: Connection, order_id: int, old_trade_id: str) -> None:
        """The platform gave order ``order_id`` a different trade id than the journal knew:
        it is another order. The old one's rows move to a scope of their own (kept in the
        file and its exports) so they never mix with the new one's."""
        retired = f"{self.profile}~{old_trade_id}"
        sql.run(
            conn,
            "UPDATE followup_events SET profile = :retired WHERE profile = :profile "
            "AND followup_id IN (SELECT id FROM followups WHERE profile = :profile "
            "AND order_id = :order_id)",
            retired=retired,
            profile=self.profile,
            order_id=order_id,
        )
        for table in ("actions", "orders", "callbacks", "followups", "items_out"):
            sql.run(
                conn,
                f"UPDATE {table} SET profile = :retired WHERE profile = :profile "  # noqa: S608
                "AND order_id = :order_id",
                retired=retired,
                profile=self.profile,
                order_id=order_id,
            )
        log.warning(
            "order %s: the platform's trade id differs from the journal's (%s): another "
            "order with the same id; the earlier one's history is kept apart",
            order_id,
            old_trade_id,
        )

    def note_order(
        self,
        order_id: int,
        machine_no: str,
        *,
        trade_id: str = "",
        created_here: bool = False,
        first_seen: float | None = None,
    ) -> OrderSummary:
        """Remember an order the console created or saw; ``first_seen`` defaults to now.

        An earlier ``first_seen`` is never replaced by a later one.
        """
        ts, ts_iso = self._now()
        with self._write() as conn:
            self._note_order(
                conn,
                order_id,
                machine_no,
                trade_id=trade_id,
                created_here=created_here,
                first_seen=ts if first_seen is None else float(first_seen),
                ts=ts,
                ts_iso=ts_iso,
            )
            row = self._order_query(conn, order_id, 1)
        return row[0]

    def _note_order(
        self,
        conn: Connection,
        order_id: int,
        machine_no: str,
        *,
        trade_id: str,
        created_here: bool,
        first_seen: float,
        ts: float,
        ts_iso: str,
    ) -> None:
        activity = "created here" if created_here else "first seen"
        sql.run(
            conn,
            """
            INSERT INTO orders (profile, order_id, machine_no, trade_id, created_here,
                                first_seen, first_seen_iso, last_ts, last_iso, last_activity)
            VALUES (:profile, :order_id, :machine_no, :trade_id, :created_here, :first_seen,
                    :first_seen_iso, :ts, :ts_iso, :activity)
            ON CONFLICT (profile, order_id) DO UPDATE SET
                machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                                  ELSE orders.machine_no END,
                trade_id = CASE WHEN excluded.trade_id != '' THEN excluded.trade_id
                                ELSE orders.trade_id END,
                created_here = CASE WHEN excluded.created_here > orders.created_here
                                    THEN excluded.created_here ELSE orders.created_here END,
                first_seen_iso = CASE
                    WHEN orders.first_seen IS NULL OR excluded.first_seen < orders.first_seen
                    THEN excluded.first_seen_iso ELSE orders.first_seen_iso END,
                first_seen = CASE
                    WHEN orders.first_seen IS NULL OR excluded.first_seen < orders.first_seen
                    THEN excluded.first_seen ELSE orders.first_seen END
            """,
            profile=self.profile,
            order_id=order_id,
            machine_no=machine_no,
            trade_id=trade_id,
            created_here=int(created_here),
            first_seen=first_seen,
            first_seen_iso=iso(first_seen),
            ts=ts,
            ts_iso=ts_iso,
            activity=activity,
        )

    def note_order_details(
        self, order: Order, machine_no: str, products: Sequence[Product] | None = None
    ) -> OrderSummary:
        """Keep what the platform said about an order (amount, date, status, records), so a
        follow-up can show what staff need to refund without asking again.

        ``products`` (the machine's product list, when known) name each record's slot
        and product; a record's names known from an earlier read are kept otherwise.
        The order's age and last activity are left as they were (a read is not activity);
        its trade id is filled in only when the journal had none.
        """
        by_id = {p.id: p for p in products or ()}
        ts, ts_iso = self._now()
        with self._write() as conn:
            row = sql.row(
                conn,
                "SELECT records, trade_id FROM orders WHERE profile = :profile "
                "AND order_id = :order_id",
                profile=self.profile,
                order_id=order.order_id,
            )
            known_trade = str(row["trade_id"]) if row is not None else ""
            if known_trade and order.trade_id and known_trade != order.trade_id:
                self._retire_order(conn, order.order_id, known_trade)
                row = None
            before = {d.record_id: d for d in _record_details(row["records"] if row else None)}
            records: list[dict[str, Any]] = []
            for r in order.records:
                known = before.get(r.id)
                product = by_id.get(r.product_id)
                name = product.name if product is not None else ""
                slot = product.channel.name if product is not None else ""
                if known is not None and known.product_id == r.product_id:
                    name, slot = name or known.product_name, slot or known.channel_name
                records.append(
                    {
                        "record_id": r.id,
                        "product_id": r.product_id,
                        "product_name": name,
                        "channel_name": slot,
                        "quantity": r.quantity,
                        "status": r.status,
                    }
                )
            sql.run(
                conn,
                """
                INSERT INTO orders (profile, order_id, machine_no, trade_id, last_ts, last_iso,
                    last_activity, amount, order_date, status, records, details_ts)
                VALUES (:profile, :order_id, :machine_no, :trade_id, :ts, :ts_iso,
                    'read from the platform', :amount, :order_date, :status, :records, :ts)
                ON CONFLICT (profile, order_id) DO UPDATE SET
                    machine_no = CASE WHEN excluded.machine_no != '' THEN excluded.machine_no
                                      ELSE orders.machine_no END,
                    trade_id = CASE WHEN orders.trade_id = '' THEN excluded.trade_id
                                    ELSE orders.trade_id END,
                    amount = excluded.amount,
                    order_date = excluded.order_date,
                    status = excluded.status,
                    records = excluded.records,
                    details_ts = excluded.details_ts
                """,
                profile=self.profile,
                order_id=order.order_id,
                machine_no=machine_no,
                trade_id=order.trade_id,
                ts=ts,
                ts_iso=ts_iso,
                amount=order.amount,
                order_date=order.date,
                status=order.status,
                records=_dumps(records),
            )
            (summary,) = self._order_query(conn, order.order_id, 1)
        return summary

    def order_first_seen(self, order_id: int) -> float | None:
        """When the console created or first saw the order; ``None``: age unknown."""
        with self._read() as conn:
            first = sql.value(
                conn,
                "SELECT first_seen FROM orders WHERE profile = :profile AND order_id = :order_id",
                profile=self.profile,
                order_id=order_id,
            )
        return None if first is None else float(first)

    def get_order(self, order_id: int) -> OrderSummary | None:
        with self._read() as conn:
            rows = self._order_query(conn, order_id, 1)
        return rows[0] if rows else None

    def recent_orders(self, limit: int = 50) -> list[OrderSummary]:
        """Orders created, acted on or called back; newest activity first."""
        with self._read() as conn:
            return self._order_query(conn, None, limit)

    def _order_query(
        self, conn: Connection, order_id: int | None, limit: int
    ) -> list[OrderSummary]:
        """One order (``order_id``), or the most recently active ones (None)."""
        one = "" if order_id is None else " AND o.order_id = :order_id"
        rows = sql.rows(
            conn,
            f"""
            SELECT o.*, (SELECT count(*) FROM followups f
                         WHERE f.profile = o.profile AND f.order_id = o.order_id
                           AND f.state IN ('open', 'refund_requested')) AS open_followups
            FROM orders o WHERE o.profile = :profile{one}
            ORDER BY o.last_ts DESC LIMIT :limit
            """,  # noqa: S608 - a constant fragment
            profile=self.profile,
            order_id=order_id,
            limit=limit,
        )
        return [
            OrderSummary(
                order_id=int(r["order_id"]),
                machine_no=str(r["machine_no"]),
                trade_id=str(r["trade_id"]),
                created_here=bool(r["created_here"]),
                first_seen=r["first_seen"],
                first_seen_iso=r["first_seen_iso"],
                last_ts=float(r["last_ts"]),
                last_iso=str(r["last_iso"]),
                last_activity=str(r["last_activity"]),
                open_followups=int(r["open_followups"]),
                amount=str(r["amount"]),
                order_date=str(r["order_date"]),
                status=str(r["status"]),
                records=_record_details(r["records"]),
                details_ts=r["details_ts"],
            )
            for r in rows
        ]
