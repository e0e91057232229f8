"""Result callbacks nobody confirmed yet: check them with the platform now.

A result callback decides a follow-up only once its cross-check confirms it
(``console.core.followup.callback_decision``). The receiver checks each new one
on its own thread; when it stopped first (killed, closed) or a flood filled its
queue, the callback stays *unchecked* in the journal, and without this check a
customer who paid and got nothing would never be listed. The window's periodic
check, ``vendctl listen`` and ``vendctl followup check`` run it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from console.core.callback import Callback, CallbackError, parse_callback
from console.journal import CallbackRow

# Leave the receiver's own cross-check this long before checking a callback here.
UNCONFIRMED_AFTER_S = 30.0

CrossCheck = Callable[[Callback], tuple[str, str]]


class UnconfirmedJournal(Protocol):
    def unconfirmed_results(self, before_ts: float, limit: int = ...) -> list[CallbackRow]: ...

    def set_cross_check(self, callback_id: int, verdict: str, detail: str) -> int | None: ...


@dataclass(frozen=True)
class LateCheck:
    """One callback checked late: its verdict, and the follow-up that decided (if any).

    ``machine_no`` is the order's machine when the caller looked it up ("" otherwise)."""

    callback_id: int
    order_id: int | None
    record_id: int | None
    outcome: str
    verdict: str
    detail: str
    followup_id: int | None
    machine_no: str = ""


def check_unconfirmed(
    cross_check: CrossCheck,
    journal: UnconfirmedJournal,
    now: float,
    older_than_s: float = UNCONFIRMED_AFTER_S,
    limit: int = 200,
) -> list[LateCheck]:
    """Cross-check up to ``limit`` unconfirmed result callbacks older than ``older_than_s``
    and apply each verdict (the journal decides the follow-up)."""
    done: list[LateCheck] = []
    for row in journal.unconfirmed_results(now - older_than_s, limit):
        try:
            cb = parse_callback(row.raw, row.content_type)
        except CallbackError as exc:  # stored as a result, so it parsed once: be safe anyway
            verdict, detail = "error", f"the stored body no longer parses: {exc}"
        else:
            try:
                verdict, detail = cross_check(cb)
            except Exception as exc:  # the checker answers errors itself; belt and braces
                verdict, detail = "error", f"cross-check failed: {type(exc).__name__}: {exc}"
        fid = journal.set_cross_check(row.id, verdict, detail)
        done.append(
            LateCheck(row.id, row.order_id, row.record_id, row.outcome, verdict, detail, fid)
        )
    return done
