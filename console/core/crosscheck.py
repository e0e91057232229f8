"""What a callback's cross-check with the platform says, as message ids.

The receiver's checker (``console.receiver.crosscheck``) words its verdict's detail
with these; the journal stores the English (``cross_check_detail``, and inside a
suspicious callback's follow-up meaning) and the log shows it, so each face words it
again in its language (``console.core.followup.stored_text`` recognises them). Order and
record ids, machine numbers, the platform's status texts and errors are values shown as
given.
"""

from __future__ import annotations

from console.core.texts import QT_TRANSLATE_NOOP, Text, text

CONTEXT = "crosscheck"

VERDICT_WORDS: dict[str, str] = {
    "ok": QT_TRANSLATE_NOOP("crosscheck", "ok"),
    "suspicious": QT_TRANSLATE_NOOP("crosscheck", "suspicious"),
    "unchecked": QT_TRANSLATE_NOOP("crosscheck", "unchecked"),
    "error": QT_TRANSLATE_NOOP("crosscheck", "error"),
}

COULD_NOT_ASK = QT_TRANSLATE_NOOP("crosscheck", "could not ask the platform: {error}")
TEST_DISPENSE = QT_TRANSLATE_NOOP("crosscheck", "test dispense of slot {slot}: no order to check")
NO_ORDER = QT_TRANSLATE_NOOP("crosscheck", "the callback names no order")
UNKNOWN_ORDER = QT_TRANSLATE_NOOP(
    "crosscheck", "unknown order {order}: no machine of this merchant has it"
)
EVENT_ORDER_EXISTS = QT_TRANSLATE_NOOP(
    "crosscheck", "order {order} exists on machine {machine} ({status})"
)
NOT_DISPENSABLE = QT_TRANSLATE_NOOP(
    "crosscheck", "order {order} is {status} ({label}): a dispense result for it is unexpected"
)
NOT_DISPENSABLE_NO_STATUS = QT_TRANSLATE_NOOP(
    "crosscheck",
    "order {order} is without status ({label}): a dispense result for it is unexpected",
)
RECORD_NOT_IN_ORDER = QT_TRANSLATE_NOOP("crosscheck", "record {record} is not in order {order}")
SUCCESS_NOT_PICKED_UP = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback says success but the platform shows record {record} as {status}"
)
SUCCESS_NO_STATUS = QT_TRANSLATE_NOOP(
    "crosscheck",
    "the callback says success but the platform shows record {record} as without status",
)
FAILURE_PICKED_UP = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback says failure but the platform shows record {record} picked up"
)
STILL_PENDING = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback reports {outcome} but delivery {delivery} is still {status}"
)
STILL_PENDING_NO_STATUS = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback reports {outcome} but delivery {delivery} is still pending"
)
SUCCESS_BUT_FAILED = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback says success but delivery {delivery} is {status}"
)
FAILURE_BUT_SUCCEEDED = QT_TRANSLATE_NOOP(
    "crosscheck", "the callback says failure but delivery {delivery} succeeded"
)
CONFIRMED = QT_TRANSLATE_NOOP(
    "crosscheck", "order {order} on machine {machine} is {status}; record {record} belongs to it"
)
# The receiver's own, when the check could not give a verdict.
UNKNOWN_VERDICT = QT_TRANSLATE_NOOP(
    "crosscheck", "cross-check gave unknown verdict {verdict}: {detail}"
)
CHECK_FAILED = QT_TRANSLATE_NOOP("crosscheck", "cross-check failed: {kind}: {error}")


def detail(source: str, **values: object) -> Text:
    """A cross-check's detail (``source``: one of the message ids above)."""
    return text(CONTEXT, source, **values)


def verdict_text(verdict: str) -> Text:
    """A verdict in words (an unknown one as given)."""
    word = VERDICT_WORDS.get(verdict)
    return Text(CONTEXT, word) if word is not None else text(CONTEXT, "{raw}", raw=verdict)
