"""Database rows as the journal's row types (``console.journal.rows``)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from console.core.followup import (
    FollowupSource,
    evidence_text,
)
from console.journal.base import _loads_dict, _opt_id
from console.journal.rows import (
    ActionRow,
    CallbackRow,
    FollowupEventRow,
    FollowupRow,
    OrderRecordDetail,
)

if TYPE_CHECKING:
    from console.journal.sql import Row

log = logging.getLogger(__name__)


def _action_row(r: Row) -> ActionRow:
    return ActionRow(
        id=int(r["id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        profile=str(r["profile"]),
        kind=str(r["kind"]),
        machine_no=str(r["machine_no"]),
        order_id=r["order_id"],
        record_id=r["record_id"],
        request=_loads_dict(r["request"]) or {},
        state=str(r["state"]),
        code=r["code"],
        message=str(r["message"]),
        response=_loads_dict(r["response"]),
        detail=str(r["detail"]),
        check=str(r["check_text"]),
        finished_ts=r["finished_ts"],
        finished_iso=r["finished_iso"],
        actor=str(r["actor"]),
    )


def _callback_row(r: Row) -> CallbackRow:
    return CallbackRow(
        id=int(r["id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        profile=str(r["profile"]),
        remote=str(r["remote"]),
        content_type=str(r["content_type"]),
        method=str(r["method"]),
        order_id=r["order_id"],
        record_id=r["record_id"],
        deliver_status=str(r["deliver_status"]),
        floor_status=r["floor_status"],
        error_msg=str(r["error_msg"]),
        channel_name=r["channel_name"],
        outcome=str(r["outcome"]),
        summary=str(r["summary"]),
        reason=str(r["reason"]),
        extra=_loads_dict(r["extra"]) or {},
        raw=bytes(r["raw"]),
        raw_size=int(r["raw_size"]),
        dedupe_key=str(r["dedupe_key"]),
        duplicate_of=r["duplicate_of"],
        replay_of=r["replay_of"],
        followup_id=r["followup_id"],
        cross_check=str(r["cross_check"]),
        cross_check_detail=str(r["cross_check_detail"]),
    )


def _record_details(text: str | None) -> tuple[OrderRecordDetail, ...]:
    """An order's ``records`` column (JSON) as rows; unreadable entries are skipped."""
    try:
        items = json.loads(text or "[]")
    except (ValueError, RecursionError):
        return ()
    out: list[OrderRecordDetail] = []
    for d in items if isinstance(items, list) else ():
        if not isinstance(d, dict) or _opt_id(d.get("record_id")) is None:
            continue
        out.append(
            OrderRecordDetail(
                record_id=int(d["record_id"]),
                product_id=int(_opt_id(d.get("product_id")) or 0),
                product_name=str(d.get("product_name") or ""),
                channel_name=str(d.get("channel_name") or ""),
                quantity=int(_opt_id(d.get("quantity")) or 0),
                status=str(d.get("status") or ""),
            )
        )
    return tuple(out)


def _followup_row(r: Row) -> FollowupRow:
    """A follow-up row; with the columns of ``_FOLLOWUP_SELECT`` when they are there.

    Built in one go (not a bare row then ``dataclasses.replace``): the Follow-ups tab
    lists every active one, and at 10 million callbacks this loop was most of the time.
    """
    if "last_actor" not in r:
        return _bare_followup_row(r)
    record_id = r["record_id"]
    detail = next((d for d in _record_details(r["o_records"]) if d.record_id == record_id), None)
    delivery_id = _opt_id(r["ev_delivery"])
    code = r["ev_code"] if r["source"] == FollowupSource.REFUSED_DISPENSE else None
    return FollowupRow(
        **_followup_fields(r),
        amount=str(r["o_amount"] or ""),
        trade_id=str(r["o_trade_id"] or ""),
        order_date=str(r["o_order_date"] or ""),
        order_status=str(r["o_status"] or ""),
        slot=(detail.channel_name if detail else "") or str(r["ev_slot"] or ""),
        product=detail.product_name if detail else "",
        product_id=(detail.product_id or None) if detail else None,
        evidence=evidence_text(
            str(r["source"]), r["source_id"], delivery_id=delivery_id, code=code
        ),
        delivery_id=delivery_id,
        refusal_code=code,
        actor=str(r["last_actor"] or ""),
    )


def _bare_followup_row(r: Row) -> FollowupRow:
    return FollowupRow(
        **_followup_fields(r), evidence=evidence_text(str(r["source"]), r["source_id"])
    )


def _followup_fields(r: Row) -> dict[str, Any]:
    """The ``followups`` table's own columns of a follow-up row."""
    return {
        "id": int(r["id"]),
        "ts": float(r["ts"]),
        "ts_iso": str(r["ts_iso"]),
        "profile": str(r["profile"]),
        "order_id": int(r["order_id"]),
        "record_id": r["record_id"],
        "machine_no": str(r["machine_no"]),
        "reason": str(r["reason"]),
        "meaning": str(r["meaning"]),
        "source": str(r["source"]),
        "source_id": r["source_id"],
        "state": str(r["state"]),
        "updated_ts": float(r["updated_ts"]),
        "updated_iso": str(r["updated_iso"]),
        "refund_action_id": r["refund_action_id"],
        "note": str(r["note"]),
        "opened_at": str(r["ts_iso"]),
    }


def _event_row(r: Row) -> FollowupEventRow:
    return FollowupEventRow(
        id=int(r["id"]),
        followup_id=int(r["followup_id"]),
        ts=float(r["ts"]),
        ts_iso=str(r["ts_iso"]),
        event=str(r["event"]),
        from_state=r["from_state"],
        to_state=str(r["to_state"]),
        actor=str(r["actor"]),
        note=str(r["note"]),
        action_id=r["action_id"],
    )
