"""One machine's dispense history from the journal, in plain words.

Enough to say "slot A12 jammed 3 times today": recent dispense results,
failures by slot and by fault, a per-day count for a small chart, and which
slots' last result was a failure (``faulty_slots``).

The journal's callbacks have no machine or slot column, so this module ties
them back (``build_history``) and says so when it cannot:

- an order's callback carries ``order_id``/``record_id``. The order's machine
  comes from the journal's orders; the record's product from the journalled
  order look-up (its records) or order create (when it had one product line),
  or from ``order_lookup`` (the platform's order query); the product's slot
  from the machine's product list. A failure that cannot be tied to a slot is
  counted under "slot unknown", never guessed.
- a test-dispense callback carries the slot (``channel_name``) but no machine:
  it belongs to this machine when the test dispenses of that slot sent shortly
  before it (or the one with the same ``delivery_id``) were all sent to this
  machine. Otherwise it is left out and counted in ``unattributed``.

What counts as a slot's result is one rule, ``slot_evidence``: a result
callback (not a repeat, not a replay, not one the cross-check found
suspicious) or the platform's dispense record read back (``delivery_query``).
A dispense with no result in time, an outcome left unknown, a refused request
or a suspicious callback says nothing about the slot: never a slot failure.
When both sources told the same dispense's result it counts once.

Pure functions over journal rows, plus ``load_history`` which reads them.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.core.faults import Meaning, fault_meaning, floor_meaning
from console.core.models import Delivery, Product
from console.core.rules import DEVICE_TIMEOUT_S
from console.core.status import RECORD_PICKED_UP
from console.core.texts import QT_TRANSLATE_NOOP, text
from console.journal import ActionRow, CallbackRow, Journal

DAY_S = 86400.0
DEFAULT_DAYS = 7
# A test-dispense callback arrives at most DEVICE_TIMEOUT_S after its request,
# plus the time the platform takes to post it.
PAIR_WINDOW_S = DEVICE_TIMEOUT_S + 60.0
# Actions are journalled before their request is sent, so always before their
# result: a test sent after a callback arrived is never its request.
PAIR_SLACK_S = 0.0
# At most this many orders are looked up on the platform to find their records.
MAX_ORDER_LOOKUPS = 20

# Slot known from: the test-dispense callback itself; order record → product →
# slot; only the product (not in the machine's current product list); nothing.
SOURCE_CALLBACK = "callback"
SOURCE_ORDER = "order"
SOURCE_PRODUCT = "product"
SOURCE_UNKNOWN = ""

# Which evidence told a result: a result callback, or the platform's dispense
# record read back by the console.
EVIDENCE_CALLBACK = "callback"
EVIDENCE_RECORD = "platform record"

NO_REASON = Meaning(
    "",
    QT_TRANSLATE_NOOP("faults", "The machine reported a failure without saying why"),
    QT_TRANSLATE_NOOP("faults", "run a test dispense of the slot and watch the machine"),
)

OrderLookup = Callable[[int], Mapping[int, int] | None]


def _t(lang: str, source: str, **values: object) -> str:
    """``source`` (a message id in this module's context) in ``lang``, filled with ``values``."""
    return text("troubleshoot.history", source, **values).text(lang)


def slot_key(name: str | None) -> tuple[Any, ...]:
    """Natural order of slot names: A2 before A10; unknown (None) last."""
    if name is None:
        return (1,)
    parts = re.split(r"(\d+)", name.upper())
    return (0, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p])


def normalise_slot(name: Any) -> str | None:
    text = "" if name is None else str(name).strip().upper()
    return text or None


class SlotEvidence(enum.Enum):
    """What one journal row says about the slot that dispensed."""

    OK = "ok"  # the item dropped
    FAILED = "failed"  # a real failure: it counts against the slot
    NONE = "none"  # nothing: unknown, no result, refused, suspicious, a repeat


def slot_evidence(row: CallbackRow | ActionRow) -> SlotEvidence:
    """The rule for slot fault history: does this row tell a dispense's result?

    - a result callback (success / failure) that is a new result (not a
      duplicate push, not a replay from the console) and that the cross-check
      did not find suspicious → OK / FAILED;
    - the platform's dispense record read back (a ``delivery_query`` action
      answered ``ok``) that is no longer pending → OK when it says the item
      dropped, else FAILED (failed, timed out);
    - anything else → NONE: a dispense sent with no result yet or ever (the
      "no result after 120 s" follow-up, an outcome left unknown by a restart
      or a lost answer), a refused request (6034 "order already delivered"
      among them), a record still "dispensing", a suspicious or repeated
      callback, events and malformed bodies.
    """
    if isinstance(row, CallbackRow):
        if row.outcome not in ("success", "failure") or not row.counts:
            return SlotEvidence.NONE
        if row.cross_check == "suspicious":
            return SlotEvidence.NONE
        return SlotEvidence.OK if row.outcome == "success" else SlotEvidence.FAILED
    if row.kind != "delivery_query" or row.state != "ok" or not row.response:
        return SlotEvidence.NONE
    if row.request.get("source") == "order record":
        # The order's record read after a dispense's answer was lost: picked up says the
        # slot dropped it; "not picked up" may mean the dispense never reached it.
        picked_up = row.response.get("status") == RECORD_PICKED_UP
        return SlotEvidence.OK if picked_up else SlotEvidence.NONE
    record = Delivery.from_data(row.response)
    if record.pending:
        return SlotEvidence.NONE
    return SlotEvidence.OK if record.succeeded else SlotEvidence.FAILED


def _record_fault(row: ActionRow) -> Fault:
    """The fault a platform record that says the dispense failed reported."""
    record = Delivery.from_data(row.response or {})
    return Fault(record.fail_reason or record.status, None)


@dataclass(frozen=True)
class Fault:
    """Why a dispense failed: the text and slot status the machine reported."""

    text: str  # error_msg / fail_reason as received; "" when none
    floor_status: str | None  # floor_status as received; None when absent

    @property
    def _floor_given(self) -> bool:
        return self.floor_status is not None and self.floor_status.strip() != ""

    @property
    def meaning(self) -> Meaning:
        """The main explanation: the fault text's, else the slot status's."""
        if self.text.strip():
            return fault_meaning(self.text)
        if self._floor_given and str(self.floor_status).strip() != "1":
            return floor_meaning(self.floor_status)
        return NO_REASON

    @property
    def floor(self) -> Meaning | None:
        """The slot status's meaning, when one was reported besides the text."""
        return floor_meaning(self.floor_status) if self._floor_given else None

    @property
    def known(self) -> bool:
        floor = self.floor
        return self.meaning.known and (floor is None or floor.known)

    @property
    def key(self) -> str:
        """What failures are grouped by."""
        if self.text.strip():
            return "text:" + self.text.strip().lower()
        if self._floor_given:
            return f"floor:{str(self.floor_status).strip()}"
        return "none"

    def label(self, lang: str = "en") -> str:
        """Short: the raw text (or slot status) as the machine said it."""
        if self.text.strip():
            return self.text.strip()
        if self._floor_given:
            return _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.history", "slot status {floor_status}"),
                floor_status=self.floor_status,
            )
        return _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "no reason given"))

    def words(self, lang: str = "en") -> str:
        """Long: what was reported, what it means, what to check."""
        return self.label(lang) + self.explanation(lang)

    def explanation(self, lang: str = "en") -> str:
        """``words`` without the label, e.g. " (slot status 2: Slot jammed): No drop …"."""
        head = ""
        floor = self.floor
        if self.text.strip() and floor is not None:
            head = _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.history", " (slot status {floor_status}: {floor_meaning})"
                ),
                floor_status=self.floor_status,
                floor_meaning=floor.short(lang),
            )
        return _t(
            lang,
            QT_TRANSLATE_NOOP("troubleshoot.history", "{head}: {meaning}"),
            head=head,
            meaning=self.meaning.text(lang),
        )

    def as_dict(self) -> dict[str, Any]:
        m = self.meaning
        floor = self.floor
        return {
            "text": self.text,
            "floor_status": self.floor_status,
            "known": self.known,
            "meaning_en": m.meaning_en,
            "check_en": m.check_en,
            "meaning_zh": m.meaning_zh,
            "check_zh": m.check_zh,
            "floor_meaning_en": None if floor is None else floor.meaning_en,
            "floor_meaning_zh": None if floor is None else floor.meaning_zh,
        }


@dataclass(frozen=True)
class DispenseEvent:
    """One dispense result on this machine, from a callback or the platform's record.

    ``callback_id`` is the callback's id, or the ``delivery_query`` action's id
    when ``evidence`` is ``EVIDENCE_RECORD``.
    """

    callback_id: int
    ts: float
    ts_iso: str
    ok: bool
    test: bool  # a test dispense (/deliveries/debug)
    slot: str | None  # None: the journal cannot tell which slot
    slot_source: str  # SOURCE_*
    order_id: int | None = None
    record_id: int | None = None
    product_id: int | None = None
    fault: Fault | None = None  # None for a success
    evidence: str = EVIDENCE_CALLBACK  # EVIDENCE_*

    def where(self, lang: str = "en") -> str:
        if self.slot is not None:
            return _t(
                lang, QT_TRANSLATE_NOOP("troubleshoot.history", "slot {slot}"), slot=self.slot
            )
        if self.product_id is not None:
            return _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.history", "product {product_id} (slot unknown)"),
                product_id=self.product_id,
            )
        return _t(
            lang,
            QT_TRANSLATE_NOOP(
                "troubleshoot.history", "order {order_id} record {record_id} (slot unknown)"
            ),
            order_id=self.order_id,
            record_id=self.record_id,
        )

    def text(self, lang: str = "en") -> str:
        kind = (
            _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "test dispense"))
            if self.test
            else _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "dispense"))
        )
        if self.evidence == EVIDENCE_RECORD:
            kind += _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", " (platform record)"))
        when = short_time(self.ts)
        if self.ok:
            return f"{when}  {kind}  {self.where(lang)}  " + _t(
                lang, QT_TRANSLATE_NOOP("troubleshoot.history", "OK")
            )
        assert self.fault is not None
        return f"{when}  {kind}  {self.where(lang)}  " + _t(
            lang,
            QT_TRANSLATE_NOOP("troubleshoot.history", "FAILED — {fault}"),
            fault=self.fault.words(lang),
        )


@dataclass(frozen=True)
class FaultCount:
    """How often one fault happened, and on which slots."""

    fault: Fault
    count: int
    slots: tuple[str, ...]  # known slots, natural order
    unknown_slot: int  # failures whose slot is not known
    last_ts: float


@dataclass(frozen=True)
class SlotFailures:
    """The failures of one slot (``slot`` None: the failures whose slot is not known)."""

    slot: str | None
    failures: int
    today: int
    results: int  # results of any kind for this slot in the window
    last_ts: float
    last_iso: str
    faults: tuple[FaultCount, ...]  # most frequent first


@dataclass(frozen=True)
class SlotFault:
    """A slot whose most recent result in the window is a failure."""

    slot: str
    fault: Fault  # the last failure's
    failures: int  # failures of this slot in the window
    consecutive: int  # failures since its last success
    last_ts: float
    last_iso: str
    test: bool  # the last failure was a test dispense
    days: int = DEFAULT_DAYS  # the history window the failures were counted in

    def words(self, lang: str = "en") -> str:
        times = _t(
            lang,
            QT_TRANSLATE_NOOP("troubleshoot.history", " ({failures} in {window}, last {last})"),
            failures=_count(
                lang,
                self.failures,
                QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failure"),
                QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failures"),
            ),
            window=_window(lang, self.days),
            last=short_time(self.last_ts),
        )
        return self.fault.words(lang) + times


@dataclass(frozen=True)
class DayCount:
    day: str  # local date, YYYY-MM-DD
    ok: int
    failed: int


@dataclass(frozen=True)
class MachineHistory:
    """What the journal says about one machine's dispenses between ``since`` and ``now``."""

    machine_no: str
    since: float
    now: float
    events: tuple[DispenseEvent, ...]  # newest first
    refused: tuple[ActionRow, ...] = ()  # dispense requests the platform refused
    unattributed: int = 0  # test-dispense results that may be this machine's
    suspicious: int = 0  # failure callbacks the cross-check found suspicious: not counted

    @property
    def today_start(self) -> float:
        """Local midnight of ``now``."""
        return local_midnight(self.now)

    def results(self, since: float | None = None) -> list[DispenseEvent]:
        start = self.since if since is None else since
        return [e for e in self.events if e.ts >= start]

    def failures(self, since: float | None = None) -> list[DispenseEvent]:
        return [e for e in self.results(since) if not e.ok]

    def by_fault(self, since: float | None = None) -> list[FaultCount]:
        return _fault_counts(self.failures(since))

    def by_slot(self, since: float | None = None) -> list[SlotFailures]:
        """Slots with failures, most failures first (the unknown-slot group last on ties)."""
        results = self.results(since)
        today = self.today_start
        groups: dict[str | None, list[DispenseEvent]] = {}
        for e in results:
            groups.setdefault(e.slot, []).append(e)
        out: list[SlotFailures] = []
        for slot, events in groups.items():
            failed = [e for e in events if not e.ok]
            if not failed:
                continue
            out.append(
                SlotFailures(
                    slot=slot,
                    failures=len(failed),
                    today=sum(1 for e in failed if e.ts >= today),
                    results=len(events),
                    last_ts=failed[0].ts,
                    last_iso=failed[0].ts_iso,
                    faults=tuple(_fault_counts(failed)),
                )
            )
        out.sort(key=lambda s: (-s.failures, slot_key(s.slot)))
        return out

    def faulty_slots(self) -> dict[str, SlotFault]:
        """Slots whose most recent result is a failure (a later success clears a slot)."""
        per_slot: dict[str, list[DispenseEvent]] = {}
        for e in self.events:  # newest first
            if e.slot is not None:
                per_slot.setdefault(e.slot, []).append(e)
        out: dict[str, SlotFault] = {}
        for slot in sorted(per_slot, key=slot_key):
            events = per_slot[slot]
            last = events[0]
            if last.ok or last.fault is None:
                continue
            consecutive = 0
            for e in events:
                if e.ok:
                    break
                consecutive += 1
            out[slot] = SlotFault(
                slot=slot,
                fault=last.fault,
                failures=sum(1 for e in events if not e.ok),
                consecutive=consecutive,
                last_ts=last.ts,
                last_iso=last.ts_iso,
                test=last.test,
                days=max(1, round((self.now - self.since) / DAY_S)),
            )
        return out

    def daily(self, days: int | None = None) -> list[DayCount]:
        """Results per local day, oldest first, one entry per day of the window (for a chart)."""
        start_day = datetime.fromtimestamp(self.since).date()
        end_day = datetime.fromtimestamp(self.now).date()
        if days is not None:
            start_day = max(start_day, end_day - timedelta(days=days - 1))
        counts: dict[str, list[int]] = {}
        day = start_day
        while day <= end_day:
            counts[day.isoformat()] = [0, 0]
            day += timedelta(days=1)
        for e in self.events:
            key = datetime.fromtimestamp(e.ts).date().isoformat()
            if key in counts:
                counts[key][0 if e.ok else 1] += 1
        return [DayCount(k, v[0], v[1]) for k, v in counts.items()]

    def lines(self, lang: str = "en") -> list[str]:
        """The history in plain sentences, most useful first."""
        days = max(1, round((self.now - self.since) / DAY_S))
        window = (
            _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "the last {days} days"), days=days)
            if days > 1
            else _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "the last 24 hours"))
        )
        results = self.results()
        failures = [e for e in results if not e.ok]
        today = self.today_start
        out: list[str] = []
        if not results:
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "No dispense results for this machine in the journal in {window}.",
                    ),
                    window=window,
                )
            )
        else:
            n_today = sum(1 for e in failures if e.ts >= today)
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "In {window}: {results}, {failed} failed ({n_today} today).",
                    ),
                    window=window,
                    results=_count(
                        lang,
                        len(results),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} dispense result"),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} dispense results"),
                    ),
                    failed=len(failures),
                    n_today=n_today,
                )
            )
        for s in self.by_slot():
            faults = ", ".join(f"{fc.fault.label(lang)} ×{fc.count}" for fc in s.faults)
            if s.slot is None:
                orders = sorted(
                    {e.order_id for e in failures if e.slot is None and e.order_id is not None}
                )
                shown = ", ".join(str(o) for o in orders[:5]) + (" …" if len(orders) > 5 else "")
                out.append(
                    _t(
                        lang,
                        QT_TRANSLATE_NOOP(
                            "troubleshoot.history",
                            "{failures} on a slot the journal cannot tell (orders {orders}): {faults}.",
                        ),
                        failures=_count(
                            lang,
                            s.failures,
                            QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failure"),
                            QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failures"),
                        ),
                        orders=shown or "-",
                        faults=faults,
                    )
                )
                continue
            when = (
                _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "{today} today"), today=s.today)
                if s.today == s.failures
                else _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history", "{today} today, {failures} in {window}"
                    ),
                    today=s.today,
                    failures=s.failures,
                    window=window,
                )
            )
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "Slot {slot} failed {times} ({when}; last {last}): {faults}.",
                    ),
                    slot=s.slot,
                    times=_count(
                        lang,
                        s.failures,
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} time"),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} times"),
                    ),
                    when=when,
                    last=short_time(s.last_ts),
                    faults=faults,
                )
            )
        for fc in self.by_fault():
            where = ", ".join(fc.slots)
            if fc.unknown_slot:
                unknown = _t(
                    lang,
                    QT_TRANSLATE_NOOP("troubleshoot.history", "{unknown_slot} slot unknown"),
                    unknown_slot=fc.unknown_slot,
                )
                where = f"{where}, {unknown}" if where else unknown
            out.append(f"{fc.fault.label(lang)} ×{fc.count} ({where}){fc.fault.explanation(lang)}")
        if self.refused:
            last = self.refused[0]
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "{requests} refused by the platform (last: code {code}, {said}).",
                    ),
                    requests=_count(
                        lang,
                        len(self.refused),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} dispense request"),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} dispense requests"),
                    ),
                    code=last.code,
                    said=last.message or last.state,
                )
            )
        if self.suspicious:
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "{reports} the platform does not confirm (cross-check: suspicious): not counted.",
                    ),
                    reports=_count(
                        lang,
                        self.suspicious,
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failure report"),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} failure reports"),
                    ),
                )
            )
        if self.unattributed:
            out.append(
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.history",
                        "{results} could belong to this machine or another with the same slot name: not counted.",
                    ),
                    results=_count(
                        lang,
                        self.unattributed,
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} test-dispense result"),
                        QT_TRANSLATE_NOOP("troubleshoot.history", "{count} test-dispense results"),
                    ),
                )
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        today = self.today_start
        failures = self.failures()
        return {
            "machine_no": self.machine_no,
            "since": self.since,
            "results": len(self.results()),
            "failures": len(failures),
            "failures_today": sum(1 for e in failures if e.ts >= today),
            "refused": len(self.refused),
            "suspicious": self.suspicious,
            "unattributed": self.unattributed,
            "by_slot": [
                {
                    "slot": s.slot,
                    "failures": s.failures,
                    "today": s.today,
                    "last": s.last_iso,
                    "faults": {fc.fault.label(): fc.count for fc in s.faults},
                }
                for s in self.by_slot()
            ],
            "by_fault": [
                {
                    "fault": fc.fault.as_dict(),
                    "count": fc.count,
                    "slots": list(fc.slots),
                    "unknown_slot": fc.unknown_slot,
                }
                for fc in self.by_fault()
            ],
            "daily": [{"day": d.day, "ok": d.ok, "failed": d.failed} for d in self.daily()],
        }


def _count(lang: str, n: int, one: str, many: str) -> str:
    """``n`` of something in ``lang``: ``one`` or ``many`` (message ids with ``{count}``)."""
    return _t(lang, one if n == 1 else many, count=n)


def _window(lang: str, days: int) -> str:
    """The history's window in words: "the last 7 days", "the last 24 hours"."""
    if days > 1:
        return _t(
            lang, QT_TRANSLATE_NOOP("troubleshoot.history", "the last {days} days"), days=days
        )
    return _t(lang, QT_TRANSLATE_NOOP("troubleshoot.history", "the last 24 hours"))


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def short_time(ts: float) -> str:
    """Local time for people: "2024-05-14 12:03"."""
    try:
        return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return f"@{ts:.0f}"


def local_midnight(ts: float) -> float:
    d = datetime.fromtimestamp(ts)
    return d.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _fault_counts(failures: Sequence[DispenseEvent]) -> list[FaultCount]:
    groups: dict[str, list[DispenseEvent]] = {}
    for e in failures:
        assert e.fault is not None
        groups.setdefault(e.fault.key, []).append(e)
    out = []
    for events in groups.values():
        slots = sorted({e.slot for e in events if e.slot is not None}, key=slot_key)
        out.append(
            FaultCount(
                fault=events[0].fault or Fault("", None),
                count=len(events),
                slots=tuple(slots),
                unknown_slot=sum(1 for e in events if e.slot is None),
                last_ts=max(e.ts for e in events),
            )
        )
    out.sort(key=lambda f: (-f.count, -f.last_ts))
    return out


# -- building the history from journal rows ------------------------------------


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return n if n > 0 else None


def _records_in(response: Mapping[str, Any] | None) -> dict[int, int]:
    """record id → product id from a journalled order look-up's response."""
    if not response:
        return {}
    data = response.get("data")
    records = response.get("records")
    if records is None and isinstance(data, Mapping):
        records = data.get("records")
    out: dict[int, int] = {}
    if isinstance(records, list):
        for r in records:
            if isinstance(r, Mapping):
                rid, pid = _as_int(r.get("id")), _as_int(r.get("product_id"))
                if rid is not None and pid is not None:
                    out[rid] = pid
    return out


def _single_product(request: Mapping[str, Any]) -> int | None:
    """The one product of an order create request, or None when it had several (or none).

    The GUI journals ``[{"product_id": .., "quantity": ..}]``, the CLI ``[[id, qty]]``.
    """
    lines = request.get("products")
    if not isinstance(lines, list):
        return None
    ids: set[int] = set()
    for line in lines:
        if isinstance(line, Mapping):
            pid = _as_int(line.get("product_id"))
        elif isinstance(line, list | tuple) and line:
            pid = _as_int(line[0])
        else:
            pid = None
        if pid is None:
            return None
        ids.add(pid)
    return ids.pop() if len(ids) == 1 else None


def _delivery_id(action: ActionRow) -> int | None:
    resp = action.response or {}
    data = resp.get("data")
    found = resp.get("delivery_id")
    if found is None and isinstance(data, Mapping):
        found = data.get("delivery_id")
    return _as_int(found)


def _action_slot(action: ActionRow) -> str | None:
    return normalise_slot(action.request.get("channel_name") or action.request.get("slot"))


def _pair_tests(
    callbacks: Sequence[CallbackRow], tests: Sequence[ActionRow], machine_no: str
) -> tuple[list[tuple[CallbackRow, str]], int]:
    """The test-dispense callbacks that are this machine's, and how many might be.

    Each test dispense sent gives one result, so callbacks and test-dispense
    actions are paired one to one, oldest first: by ``delivery_id`` when the
    callback has one, else with the oldest unpaired test of the same slot sent
    within ``PAIR_WINDOW_S`` before it. A callback no test is waiting for is a
    re-push or another console's test: left out. One whose candidate tests
    went to several machines, this one among them, cannot be told: counted as
    unattributed. (Repeats the journal marked, which needs the same
    ``delivery_id``, are left out before this by ``slot_evidence``; without a
    ``delivery_id`` the pairing decides.)
    """
    waiting = sorted(
        (a for a in tests if a.state not in ("refused", "cancelled") and _action_slot(a)),
        key=lambda a: (a.ts, a.id),
    )
    used: set[int] = set()
    mine: list[tuple[CallbackRow, str]] = []
    unattributed = 0
    for cb in sorted(callbacks, key=lambda c: (c.ts, c.id)):
        slot = normalise_slot(cb.channel_name)
        if slot is None:
            continue
        delivery = _as_int(cb.extra.get("delivery_id"))
        match = None
        if delivery is not None:
            match = next(
                (a for a in waiting if a.id not in used and _delivery_id(a) == delivery), None
            )
        candidates = [
            a
            for a in waiting
            if a.id not in used
            and _action_slot(a) == slot
            and cb.ts - PAIR_WINDOW_S <= a.ts <= cb.ts + PAIR_SLACK_S
        ]
        if match is None and candidates:
            match = candidates[0]
        if match is None:
            continue
        used.add(match.id)
        machines = (
            {match.machine_no} if delivery is not None else {a.machine_no for a in candidates}
        )
        if machines == {machine_no}:
            mine.append((cb, slot))
        elif machine_no in machines:
            unattributed += 1
    return mine, unattributed


def _dispense_of(
    row: CallbackRow | ActionRow,
    order_id: int,
    record_id: int | None,
    dispenses: Sequence[ActionRow],
) -> ActionRow | None:
    """The order dispense whose result ``row`` tells: the one with its delivery id when
    known, else the latest of that record sent before it (None when none was journalled)."""
    if isinstance(row, CallbackRow):
        delivery = _as_int(row.extra.get("delivery_id"))
    else:
        delivery = _as_int(row.request.get("delivery_id"))
    mine = [d for d in dispenses if d.order_id == order_id and d.record_id == record_id]
    if delivery is not None:
        found = next((d for d in mine if _delivery_id(d) == delivery), None)
        if found is not None:
            return found
    before = [d for d in mine if d.ts <= row.ts]
    return max(before, key=lambda d: (d.ts, d.id)) if before else None


def build_history(
    machine_no: str,
    actions: Iterable[ActionRow],
    callbacks: Iterable[CallbackRow],
    *,
    products: Sequence[Product] = (),
    since: float,
    now: float,
    order_lookup: OrderLookup | None = None,
    max_lookups: int = MAX_ORDER_LOOKUPS,
) -> MachineHistory:
    """A machine's history from ``Journal.machine_activity`` rows (pure, apart from
    ``order_lookup``: record id → product id of an order, e.g. from the platform)."""
    actions = list(actions)
    slot_of_product = {
        p.id: normalise_slot(p.channel.name) for p in products if p.channel.name.strip()
    }
    records: dict[tuple[int, int], int] = {}  # (order, record) → product
    order_product: dict[int, int] = {}  # orders created with one product line
    tests: list[ActionRow] = []
    refused: list[ActionRow] = []
    dispenses: list[ActionRow] = []  # order dispenses sent (each gives one result)
    read_back: list[ActionRow] = []  # platform records that told a result
    for a in actions:
        if a.kind == "test_dispense":
            tests.append(a)
        if a.machine_no != machine_no:
            continue
        if a.order_id is not None and a.kind in ("order_get", "order_create"):
            for rid, product_id in _records_in(a.response).items():
                records[(a.order_id, rid)] = product_id
        if a.kind == "order_create" and a.order_id is not None and a.state == "ok":
            single = _single_product(a.request)
            if single is not None:
                order_product[a.order_id] = single
        if a.kind in ("dispense", "test_dispense") and a.state == "refused" and a.ts >= since:
            refused.append(a)
        if (
            a.kind == "dispense"
            and a.order_id is not None
            and a.state not in ("refused", "cancelled")
        ):
            dispenses.append(a)
        if (
            a.kind == "delivery_query"
            and a.order_id is not None
            and a.ts >= since
            and slot_evidence(a) is not SlotEvidence.NONE
        ):
            read_back.append(a)

    recent = [cb for cb in callbacks if cb.ts >= since]
    suspicious = sum(
        1
        for cb in recent
        if cb.outcome == "failure" and cb.counts and cb.cross_check == "suspicious"
    )
    callbacks = [cb for cb in recent if slot_evidence(cb) is not SlotEvidence.NONE]
    # Test dispenses: paired with their requests (see _pair_tests).
    paired, unattributed = _pair_tests(
        [cb for cb in callbacks if cb.order_id is None], tests, machine_no
    )
    events = [
        DispenseEvent(
            cb.id,
            cb.ts,
            cb.ts_iso,
            cb.outcome == "success",
            True,
            slot,
            SOURCE_CALLBACK,
            fault=None if cb.outcome == "success" else Fault(cb.error_msg, cb.floor_status),
        )
        for cb, slot in paired
    ]
    # Orders' dispenses: from a callback or the platform's record. When both told
    # one dispense's result it counts once, as the callback (it has the slot status).
    told: set[int] = set()  # dispense actions whose result is counted
    looked_up: set[int] = set()
    results: list[tuple[CallbackRow | ActionRow, int, int | None]] = [
        (cb, cb.order_id, cb.record_id) for cb in callbacks if cb.order_id is not None
    ]
    results += [(a, a.order_id, a.record_id) for a in read_back if a.order_id is not None]
    for row, order_id, record_id in results:
        ok = slot_evidence(row) is SlotEvidence.OK
        dispense = _dispense_of(row, order_id, record_id, dispenses)
        if dispense is not None:
            if dispense.id in told:
                continue
            told.add(dispense.id)
        if isinstance(row, CallbackRow):
            fault = None if ok else Fault(row.error_msg, row.floor_status)
            evidence = EVIDENCE_CALLBACK
        else:
            fault = None if ok else _record_fault(row)
            evidence = EVIDENCE_RECORD
        pid: int | None = None
        if record_id is not None:
            key = (order_id, record_id)
            pid = records.get(key)
            if pid is None:
                pid = order_product.get(order_id)
            if (
                pid is None
                and not ok  # the platform is asked only where it matters: failures
                and order_lookup is not None
                and order_id not in looked_up
                and len(looked_up) < max_lookups
            ):
                looked_up.add(order_id)
                for rid, p in (order_lookup(order_id) or {}).items():
                    records[(order_id, rid)] = p
                pid = records.get(key)
        slot = slot_of_product.get(pid) if pid is not None else None
        if slot is not None:
            source = SOURCE_ORDER
        elif pid is not None:
            source = SOURCE_PRODUCT
        else:
            source = SOURCE_UNKNOWN
        events.append(
            DispenseEvent(
                row.id,
                row.ts,
                row.ts_iso,
                ok,
                False,
                slot,
                source,
                order_id=order_id,
                record_id=record_id,
                product_id=pid,
                fault=fault,
                evidence=evidence,
            )
        )
    events.sort(key=lambda e: (e.ts, e.callback_id), reverse=True)
    refused.sort(key=lambda a: a.id, reverse=True)
    return MachineHistory(
        machine_no=machine_no,
        since=since,
        now=now,
        events=tuple(events),
        refused=tuple(refused),
        unattributed=unattributed,
        suspicious=suspicious,
    )


def load_history(
    journal: Journal,
    machine_no: str,
    *,
    products: Sequence[Product] = (),
    now: Callable[[], float] = time.time,
    days: float = DEFAULT_DAYS,
    order_lookup: OrderLookup | None = None,
    limit: int = 5000,
) -> MachineHistory:
    """Read the machine's last ``days`` from the journal (see ``build_history``).

    ``products`` (the machine's product list) turns order records into slot
    names. Raises the journal's errors (``JournalError``, ``sqlite3.Error``).
    """
    t = float(now())
    since = t - days * DAY_S
    actions, callbacks = journal.machine_activity(machine_no, since, limit)
    return build_history(
        machine_no,
        actions,
        callbacks,
        products=products,
        since=since,
        now=t,
        order_lookup=order_lookup,
    )
