"""The follow-up state machine (console.core.followup), without a database."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from console.core.followup import (
    TRANSITIONS,
    FollowupError,
    FollowupState,
    failure_meaning,
    parse_state,
    refusal_opens_followup,
    refused_meaning,
    transition,
    unknown_result_meaning,
)

ROOT = Path(__file__).resolve().parents[2]

LEGAL = {
    ("open", "refund_requested"),
    ("open", "dismissed"),
    ("refund_requested", "refunded"),
    ("refund_requested", "dismissed"),
}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product([s.value for s in FollowupState], repeat=2))
)
def test_only_the_documented_transitions_are_allowed(current: str, target: str) -> None:
    if (current, target) in LEGAL:
        assert transition(current, target, "refund ref 4200001234") == FollowupState(target)
    else:
        with pytest.raises(FollowupError):
            transition(current, target, "a note")


def documented_transitions() -> dict[str, set[str]]:
    """The "state | can become" table of the user guide's refund section, as the users read it."""
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(guide) if line.startswith("| state | can become |"))
    table: dict[str, set[str]] = {}
    for line in itertools.takewhile(lambda x: x.startswith("|"), guide[header + 2 :]):
        state, becomes = (cell.strip() for cell in line.strip("|").split("|")[:2])
        targets = set() if becomes.startswith("nothing") else set(becomes.split(", "))
        table[state.replace(" ", "_")] = {t.replace(" ", "_") for t in targets}
    return table


def test_table_matches_the_documented_diagram() -> None:
    table = {a.value: {b.value for b in targets} for a, targets in TRANSITIONS.items()}
    assert table == documented_transitions()


def test_refunded_cannot_be_reached_straight_from_open() -> None:
    with pytest.raises(FollowupError, match="open cannot become refunded"):
        transition("open", "refunded", "paid back")


@pytest.mark.parametrize(
    ("current", "target"), [("refund_requested", "refunded"), ("open", "dismissed")]
)
@pytest.mark.parametrize("note", ["", "   \n"])
def test_closing_a_follow_up_needs_a_note(current: str, target: str, note: str) -> None:
    with pytest.raises(FollowupError, match="note is required"):
        transition(current, target, note)


def test_requesting_a_refund_needs_no_note() -> None:
    assert transition("open", "refund_requested") is FollowupState.REFUND_REQUESTED


def test_final_states_say_they_are_final() -> None:
    with pytest.raises(FollowupError, match="already refunded"):
        transition("refunded", "dismissed", "x")
    assert FollowupState.DISMISSED.is_final and not FollowupState.OPEN.is_final


def test_unknown_state_names_are_refused() -> None:
    with pytest.raises(FollowupError):
        parse_state("closed")


def test_failure_meaning_uses_the_fault_and_slot_texts() -> None:
    assert (
        failure_meaning("Slave Comm Error", "3")
        == "Slave Comm Error — The slave board cannot be reached; slot status 3: Slot motor fault"
    )
    assert failure_meaning("goods are stuck", None) == (
        "goods are stuck — No drop was detected: the item is jammed"
    )
    assert "Unknown fault 'Gremlins'" in failure_meaning("Gremlins", "99")
    assert "Unknown slot status '99'" in failure_meaning("Gremlins", "99")
    assert failure_meaning("", "47").startswith("no fault text given; slot status 47")
    assert "从板通信错误" in failure_meaning("Slave Comm Error", "3", lang="zh")


def test_timeout_and_refusal_meanings() -> None:
    assert unknown_result_meaning(120, "still dispensing").startswith(
        "no result within 120 s of the dispense and the platform could not say (still dispensing)"
    )
    assert "MAY HAVE DROPPED" in unknown_result_meaning(120, "x")
    text = refused_meaning(6042, "order expired", "orders older than 20 minutes")
    assert "6042" in text and "order expired" in text and "20 minutes" in text


@pytest.mark.parametrize(
    ("code", "paid", "opens"),
    [
        (6034, True, False),  # order already delivered: a result, never a refund
        (6025, True, True),  # machine offline: nothing dropped, the customer paid
        (40005, True, True),  # order expired
        (40006, True, True),  # status invalid
        (None, True, True),  # a refusal without a code
        (6054, False, False),  # an unpaid order is nobody's refund
    ],
)
def test_which_refusals_of_a_dispense_open_a_refund_follow_up(
    code: int | None, paid: bool, opens: bool
) -> None:
    assert refusal_opens_followup(code, paid) is opens
