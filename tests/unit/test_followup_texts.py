"""The journal's stored English, worded again: every builder's sentence is recognised
(``stored_text``) and reads back as the same English; in Chinese the platform's raw texts
stay beside our translated words; anything else is shown as given."""

from __future__ import annotations

import re

import pytest

from console.core.errorcodes import ERROR_CODES, explain
from console.core.followup import (
    ACTIVITY,
    EVIDENCE,
    FOUND,
    MEANING,
    NOTE,
    REASON_REFUND,
    REASON_SUSPICIOUS,
    REASON_UNKNOWN,
    FollowupSource,
    evidence_text,
    failure_meaning,
    is_recognised,
    refused_meaning,
    stored_text,
    unknown_result_meaning,
)
from console.i18n import use_language

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _chinese_translation() -> None:
    use_language("zh")


FOUNDS = [
    "picked up",
    "success",
    "still dispensing",
    "failed: Goods are Stuck",
    "no delivery id and no record to ask about",
    "record 4 is not in order 7",
    "no delivery id; the order's record 4 is not picked up",
    "platform record (delivery 1000) says Goods are Stuck",
    "the platform shows record 4 as picked up",
]
MEANINGS = [
    failure_meaning("Goods are Stuck", None),
    failure_meaning("Slave Comm Error", "3"),
    failure_meaning("", "2"),
    failure_meaning(None, None),
    failure_meaning("Made-up — fault; text", "99"),  # unknown, with our separators inside
    *(refused_meaning(c, "machine offline", explain(c)) for c in (6025, 4008, 40005)),
    refused_meaning(4004, "", explain(4004)),
    refused_meaning(None, "it's busy", ""),
    refused_meaning(None, "", ""),
    refused_meaning(77777, "odd", explain(77777)),
    *(unknown_result_meaning(120, found) for found in FOUNDS),
    "callback #12 reports the item dropped (confirmed)",
    f"{failure_meaning('Goods are Stuck', '2')} — the platform did not confirm it (error: timeout)",
    "refused 6034 'order already delivered'",
    "the platform shows record 4 as not picked up after the platform's 120 s: nothing dropped",
    *FOUNDS,
]
EVIDENCES = [
    evidence_text(FollowupSource.CALLBACK, 12),
    evidence_text(FollowupSource.PLATFORM_RECORD, 3, delivery_id=345),
    evidence_text(FollowupSource.PLATFORM_RECORD, 3),
    evidence_text(FollowupSource.REFUSED_DISPENSE, 7, code=6025),
    evidence_text(FollowupSource.REFUSED_DISPENSE, 7),
    evidence_text(FollowupSource.TIMEOUT, 7),
    evidence_text(FollowupSource.ORDER_RECORD, 7),
    "dispense action #7",
    "the platform refused dispense action #7 with 6034 'order already delivered'",
    "platform record (delivery 1000) says success (action #7)",
]
NOTES = [
    *MEANINGS,
    f"callback #12: {failure_meaning('Goods are Stuck', '2')}",
    f"confirmed failed (callback #12): {failure_meaning('Slave Comm Error', '3')}",
    f"callback #12: {failure_meaning('Goods are Stuck', None)} — but the item is already out "
    "(platform record (delivery 9) says success): no refund is owed",
    "closed by itself: the platform says the item is out (callback #3); no refund is owed",
    "the platform says the item is out (callback #3) but a refund was already requested: "
    "check with the customer before paying it",
    f"reported again (callback #4): {failure_meaning('Goods are Stuck', None)}",
    "re-checked with the platform: still dispensing",
]
ACTIVITIES = [
    "dispense record 4: sent",
    "set_status: sent",
    "set_status: refused (6049 order is paid)",
    "dispense record 4: refused (6025 machine offline)",
    "order_get: transport (- timed out)",
    "dispense record 4: outcome unknown",
    "dispense record 4: platform record (delivery 1000) says Goods are Stuck",
    *(f"follow-up opened: {r}" for r in (REASON_REFUND, REASON_UNKNOWN, REASON_SUSPICIOUS)),
    "callback: failure — order 3 record 4: Goods are Stuck (slot status 2)",
    "unpaid order expired (platform event)",
]
CASES = [
    *((MEANING, s) for s in MEANINGS),
    *((EVIDENCE, s) for s in EVIDENCES),
    *((NOTE, s) for s in NOTES),
    *((ACTIVITY, s) for s in ACTIVITIES),
    *((FOUND, s) for s in FOUNDS),
]


@pytest.mark.parametrize(("kind", "stored"), CASES)
def test_every_builders_sentence_reads_back_as_the_same_english(kind: str, stored: str) -> None:
    assert is_recognised(stored, kind), stored
    assert stored_text(stored, kind).render() == stored
    zh = stored_text(stored, kind).text("zh")
    assert CJK.search(zh), zh


def test_in_chinese_the_platforms_fault_text_stays_beside_its_meaning() -> None:
    zh = stored_text(failure_meaning("Goods are Stuck", "2")).text("zh")
    assert zh.startswith("Goods are Stuck — ")
    assert "No drop" not in zh and "slot status" not in zh
    refused = stored_text(refused_meaning(6025, "machine offline", explain(6025))).text("zh")
    assert "6025 'machine offline'" in refused and "the platform" not in refused


def test_every_explanation_of_a_refusal_is_recognised() -> None:
    for code in ERROR_CODES:
        assert is_recognised(refused_meaning(code, "x", explain(code))), code


def test_what_is_not_recognised_is_shown_as_given() -> None:
    for kind, stored in (
        (MEANING, "an older console's own wording"),
        (NOTE, "2026-12-07 19:07 alice: customer phoned"),
        (ACTIVITY, "set_status: refused (6049 order is paid"),  # not a shape: no ")"
    ):
        assert not is_recognised(stored, kind)
        assert stored_text(stored, kind).text("zh") == stored
