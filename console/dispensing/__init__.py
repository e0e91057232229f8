"""Dispensing rules that need the platform and the journal together (no Qt).

Every face calls these: the window (on its worker threads), ``vendctl`` and any
future service. Texts come back as plain data; each face words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from console.dispensing.overdue import OverdueCheck, OverdueJournal, Platform, check_overdue
from console.dispensing.unconfirmed import (
    UNCONFIRMED_AFTER_S,
    CrossCheck,
    LateCheck,
    UnconfirmedJournal,
    check_unconfirmed,
)


class CheckJournal(OverdueJournal, UnconfirmedJournal, Protocol):
    """What ``run_checks`` needs of the journal (a protocol: ``Journal`` has it all)."""


@dataclass(frozen=True)
class Checks:
    """What one round of checks found: dispenses without a result, and result callbacks
    checked late."""

    overdue: list[OverdueCheck] = field(default_factory=list)
    late: list[LateCheck] = field(default_factory=list)


def run_checks(
    platform: Platform,
    cross_check: CrossCheck | None,
    journal: CheckJournal,
    now: float,
    older_than_s: float | None = None,
) -> Checks:
    """Confirm result callbacks nobody checked yet, then apply the no-result rule (so a
    confirmed result counts before a dispense is called overdue)."""
    late = (
        check_unconfirmed(cross_check, journal, now, UNCONFIRMED_AFTER_S)
        if cross_check is not None
        else []
    )
    overdue = (
        check_overdue(platform, journal, now)
        if older_than_s is None
        else check_overdue(platform, journal, now, older_than_s)
    )
    return Checks(overdue, late)


__all__ = [
    "Checks",
    "LateCheck",
    "OverdueCheck",
    "check_overdue",
    "check_unconfirmed",
    "run_checks",
]
