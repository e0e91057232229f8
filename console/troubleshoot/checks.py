"""Health checks of one machine, each ``ok``, ``warn`` or ``fail`` with a plain summary.

``diagnose`` runs them all and returns everything a troubleshoot view needs
(checks, machine, slot rows, history) as plain frozen data, so it can run on
a worker thread; ``run_checks`` returns just the checks. Platform and journal
errors become ``fail`` (or ``warn``) checks with the platform's own words,
never exceptions. Only a machine number that is not one (``BadInput``, before
anything is sent) and an operator's ``Cancelled`` are raised.

Checks, in order: ``machine`` (found, in the merchant's list), ``online``
(plus the last system notice), ``cabinets``, ``machine_type``, ``currency``,
``ping`` (latency), ``clock`` (this computer against the platform's HTTP
``Date``: payloads carry a timestamp the platform may refuse when the clocks
differ), ``slots`` (faulty / empty / low) and, with a journal, ``history``
(recent failed dispenses).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from console.api.client import Client, Exchange, Observer
from console.api.errors import ApiError, Cancelled, PlatformRefused
from console.core.models import MACHINE_TYPES, Machine, MachineDetail, Product
from console.core.rules import check_machine_no
from console.core.texts import QT_TRANSLATE_NOOP, text
from console.journal import Journal, JournalError
from console.troubleshoot.history import DEFAULT_DAYS, MachineHistory, load_history
from console.troubleshoot.slots import SlotRow, build_rows, fetch_products, summarize

log = logging.getLogger(__name__)

CheckStatus = Literal["ok", "warn", "fail"]
CHECK_NAMES = (
    "machine",
    "online",
    "cabinets",
    "machine_type",
    "currency",
    "ping",
    "clock",
    "slots",
    "history",
)
CLOCK_SKEW_WARN_S = 60.0
LATENCY_WARN_S = 2.0
# Platform answers that mean "no such machine" (6026/30003 machine not found,
# 4004 record not found).
NOT_FOUND_CODES = frozenset({4004, 6026, 30003})
_RANK: dict[str, int] = {"ok": 0, "warn": 1, "fail": 2}
# console.core.models.MACHINE_TYPES as shown to people (its words are message ids).
MACHINE_TYPE_WORDS: dict[int, str] = {
    1: QT_TRANSLATE_NOOP("troubleshoot.checks", "vending"),
    2: QT_TRANSLATE_NOOP("troubleshoot.checks", "amusement"),
    3: QT_TRANSLATE_NOOP("troubleshoot.checks", "claw"),
    4: QT_TRANSLATE_NOOP("troubleshoot.checks", "borrow"),
    5: QT_TRANSLATE_NOOP("troubleshoot.checks", "return"),
    6: QT_TRANSLATE_NOOP("troubleshoot.checks", "locker"),
}


def _t(lang: str, source: str, **values: object) -> str:
    """``source`` (a message id in this module's context) in ``lang``, filled with ``values``."""
    return text("troubleshoot.checks", source, **values).text(lang)


@dataclass(frozen=True)
class Check:
    """One check: ``name`` is stable (see ``CHECK_NAMES``), the texts are for people."""

    name: str
    status: CheckStatus
    summary: str
    detail: str = ""

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<12}  {self.summary}"

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "detail": self.detail,
        }


def worst(checks: Sequence[Check]) -> CheckStatus:
    """The worst status of ``checks`` (``ok`` when there are none)."""
    status: CheckStatus = "ok"
    for c in checks:
        if _RANK[c.status] > _RANK[status]:
            status = c.status
    return status


@dataclass(frozen=True)
class Diagnosis:
    """Everything ``diagnose`` found. Plain data: safe to hand between threads."""

    machine_no: str
    checked_at: float
    checks: tuple[Check, ...]
    listing: Machine | None = None  # the machine's entry in the merchant's list
    detail: MachineDetail | None = None
    slots: tuple[SlotRow, ...] = ()
    history: MachineHistory | None = None
    products: tuple[Product, ...] = ()  # what the rows were built from (see build_rows)
    latency_s: float | None = None
    skew_s: float | None = None  # > 0: this computer is ahead of the platform

    @property
    def status(self) -> CheckStatus:
        return worst(self.checks)

    @property
    def ok(self) -> bool:
        """No check failed (warnings allowed)."""
        return self.status != "fail"

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def faulty_slots(self) -> tuple[SlotRow, ...]:
        return tuple(r for r in self.slots if r.status == "faulty")

    def fault_lines(self, lang: str = "en") -> list[str]:
        """One line per faulty slot: what it reported, what it means, what to check."""
        out = []
        for r in self.faulty_slots:
            assert r.fault is not None
            product = f"  {r.product}" if r.product else ""
            out.append(f"{r.slot}{product} — {r.fault.words(lang)}")
        return out

    def as_dict(self) -> dict[str, Any]:
        d = self.detail
        return {
            "ok": self.ok,
            "status": self.status,
            "machine_no": self.machine_no,
            "checked_at": self.checked_at,
            "checks": [c.as_dict() for c in self.checks],
            "machine": None
            if d is None
            else {
                "machine_name": d.machine_name,
                "is_online": d.is_online,
                "cabinets": list(d.cabinet_names),
                "machine_type": d.machine_type,
                "machine_type_name": d.machine_type_name,
                "currency": d.currency.code,
                "notify_message": self.listing.notify_message if self.listing else "",
            },
            "latency_ms": None if self.latency_s is None else round(self.latency_s * 1000, 1),
            "clock_skew_s": None if self.skew_s is None else round(self.skew_s, 1),
            "faulty_slots": [r.as_dict() for r in self.faulty_slots],
            "slots": [r.as_dict() for r in self.slots],
            "history": None if self.history is None else self.history.as_dict(),
        }


# -- the clock -----------------------------------------------------------------


def platform_time(headers: Mapping[str, str]) -> float | None:
    """Epoch seconds of an HTTP ``Date`` header (any case); None if absent or unreadable."""
    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": the time is UTC (RFC 5322), the zone unstated
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


class _DateWatch:
    """An observer that notes the ``Date`` of ping answers, then passes every
    exchange on to the observer the client had (the log pane keeps its lines)."""

    def __init__(self, inner: Observer | None, now: Callable[[], float]) -> None:
        self.inner = inner
        self.now = now
        self.active = True
        self.seen: tuple[float, float] | None = None  # (platform time, local time)
        self._lock = threading.Lock()

    def __call__(self, ex: Exchange) -> None:
        if self.active and ex.action == "ping" and ex.http_status is not None:
            platform = platform_time(ex.response_headers)
            if platform is not None:
                # The server stamped Date between send and answer: about half the
                # round trip ago. Date has whole seconds: mid-second is the best guess.
                local = float(self.now()) - ex.duration_s / 2
                with self._lock:
                    self.seen = (platform + 0.5, local)
        if self.inner is not None:
            self.inner(ex)


def clock_check(skew_s: float | None, lang: str = "en") -> Check:
    """The ``clock`` check for a measured skew (this computer minus the platform)."""
    if skew_s is None:
        return Check(
            "clock",
            "warn",
            _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.checks", "unknown: the platform sent no Date header"
                ),
            ),
            _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.checks",
                    "Could not compare this computer's clock with the platform's.",
                ),
            ),
        )
    ahead = skew_s > 0
    size = abs(skew_s)
    if size <= CLOCK_SKEW_WARN_S:
        return Check(
            "clock",
            "ok",
            _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.checks", "in step with the platform (difference {size:.0f} s)"
                ),
                size=size,
            ),
        )
    how = (
        _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "ahead of"))
        if ahead
        else _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "behind"))
    )
    return Check(
        "clock",
        "warn",
        _t(
            lang,
            QT_TRANSLATE_NOOP(
                "troubleshoot.checks",
                "this computer's clock is {duration} {how} the platform's: payload timestamps may be refused",
            ),
            duration=_duration(size, lang),
            how=how,
        ),
        _t(
            lang,
            QT_TRANSLATE_NOOP(
                "troubleshoot.checks",
                "Set this computer's clock right (turn on automatic time / NTP). Signed payloads carry this computer's time and the platform may refuse them.",
            ),
        ),
    )


def _duration(seconds: float, lang: str = "en") -> str:
    if seconds < 120:
        return _t(
            lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "{seconds:.0f} s"), seconds=seconds
        )
    if seconds < 5400:
        return _t(
            lang,
            QT_TRANSLATE_NOOP("troubleshoot.checks", "{minutes:.0f} min"),
            minutes=seconds / 60,
        )
    return _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "{hours:.1f} h"), hours=seconds / 3600)


# -- the checks ------------------------------------------------------------------


def _error(exc: ApiError) -> str:
    return exc.describe() if isinstance(exc, PlatformRefused) else str(exc)


def _machine_checks(
    no: str,
    listing: Machine | None,
    listing_error: str,
    detail: MachineDetail | None,
    detail_error: str,
    lang: str,
) -> list[Check]:
    out: list[Check] = []
    name = (detail.machine_name if detail else "") or (listing.machine_name if listing else "")
    address = (detail.address if detail else "") or (listing.address if listing else "")
    label = " — ".join(x for x in (name, address) if x) or no
    if detail is not None:
        if listing is not None:
            out.append(Check("machine", "ok", label))
        elif listing_error:
            out.append(
                Check(
                    "machine",
                    "ok",
                    label,
                    _t(
                        lang,
                        QT_TRANSLATE_NOOP(
                            "troubleshoot.checks",
                            "The machine list could not be read: {listing_error}",
                        ),
                        listing_error=listing_error,
                    ),
                )
            )
        else:
            out.append(
                Check(
                    "machine",
                    "warn",
                    _t(
                        lang,
                        QT_TRANSLATE_NOOP(
                            "troubleshoot.checks", "{label}: not in this merchant's machine list"
                        ),
                        label=label,
                    ),
                    _t(
                        lang,
                        QT_TRANSLATE_NOOP(
                            "troubleshoot.checks",
                            "The platform answers for the machine but does not list it: check that it is bound to this merchant.",
                        ),
                    ),
                )
            )
    else:
        out.append(
            Check(
                "machine",
                "fail",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP("troubleshoot.checks", "machine {no}: {detail_error}"),
                    no=no,
                    detail_error=detail_error,
                ),
            )
        )

    is_online = detail.is_online if detail is not None else (listing.is_online if listing else None)
    notice = listing.notify_message if listing is not None else ""
    last = (
        _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "; last notice: {notice}"), notice=notice)
        if notice
        else ""
    )
    if is_online is None:
        pass  # neither the machine nor the list answered: "machine" already failed
    elif not is_online:
        out.append(
            Check(
                "online",
                "fail",
                _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "OFFLINE{last}"), last=last),
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks",
                        "The platform cannot reach the machine: dispenses will be refused. Check its power and network (SIM / Wi-Fi), then restart the vending app.",
                    ),
                ),
            )
        )
    elif listing is not None and not listing.status:
        out.append(
            Check(
                "online",
                "warn",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP("troubleshoot.checks", "online, but not in operation{last}"),
                    last=last,
                ),
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks",
                        "The machine is switched out of operation on the platform.",
                    ),
                ),
            )
        )
    else:
        out.append(
            Check(
                "online",
                "ok",
                _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "online{last}"), last=last),
            )
        )

    if detail is None:
        return out
    cabinets = detail.cabinet_names
    out.append(
        Check("cabinets", "ok", ", ".join(cabinets))
        if cabinets
        else Check(
            "cabinets",
            "warn",
            _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "the platform reports no cabinets")),
        )
    )
    if detail.machine_type == 0:
        out.append(
            Check(
                "machine_type",
                "warn",
                _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "not reported")),
            )
        )
    else:
        t = detail.machine_type
        if t in MACHINE_TYPES:
            out.append(Check("machine_type", "ok", _t(lang, MACHINE_TYPE_WORDS[t])))
        else:
            out.append(
                Check(
                    "machine_type",
                    "warn",
                    _t(
                        lang,
                        QT_TRANSLATE_NOOP("troubleshoot.checks", "type {type} (unknown)"),
                        type=t,
                    ),
                )
            )
    cur = detail.currency
    if cur.code or cur.symbol or cur.name:
        out.append(
            Check("currency", "ok", " ".join(x for x in (cur.code, cur.symbol, cur.name) if x))
        )
    else:
        out.append(
            Check(
                "currency",
                "warn",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks", "not set: prices show without a currency"
                    ),
                ),
            )
        )
    return out


def slots_check(rows: Sequence[SlotRow], lang: str = "en") -> Check:
    """The ``slots`` check for rows: ``fail`` with a faulty slot, ``warn`` with an empty
    or low one. A view recomputes it when new results change the rows."""
    s = summarize(rows)
    if s.total == 0:
        return Check(
            "slots",
            "warn",
            _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "the platform lists no slots")),
        )

    def names(status: str) -> str:
        picked = [r.slot or "?" for r in rows if r.status == status]
        return ", ".join(picked[:8]) + (" …" if len(picked) > 8 else "")

    parts = []
    if s.faulty:
        parts.append(
            _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.checks", "{faulty} faulty ({slots})"),
                faulty=s.faulty,
                slots=names("faulty"),
            )
        )
    if s.empty:
        parts.append(
            _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.checks", "{empty} empty ({slots})"),
                empty=s.empty,
                slots=names("empty"),
            )
        )
    if s.low:
        parts.append(
            _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.checks", "{low} low ({slots})"),
                low=s.low,
                slots=names("low"),
            )
        )
    head = _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "{total} slots"), total=s.total)
    if not parts:
        return Check(
            "slots",
            "ok",
            _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "{head}, all stocked"), head=head),
        )
    summary = _t(
        lang,
        QT_TRANSLATE_NOOP("troubleshoot.checks", "{head}: {parts}"),
        head=head,
        parts=_t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "; ")).join(parts),
    )
    detail = "\n".join(f"{r.slot}: {r.status_text(lang)}" for r in rows if r.status != "ok")
    return Check("slots", "fail" if s.faulty else "warn", summary, detail)


def history_check(history: MachineHistory, lang: str = "en") -> Check:
    """The ``history`` check: ``warn`` when the journal has failed dispenses in the window."""
    failures = history.failures()
    results = history.results()
    days = max(1, round((history.now - history.since) / 86400))
    window = _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "last {days} days"), days=days)
    detail = "\n".join(history.lines(lang))
    if not failures:
        return Check(
            "history",
            "ok",
            _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.checks",
                    "no failed dispense in the journal ({results} results, {window})",
                ),
                results=len(results),
                window=window,
            ),
            detail,
        )
    today = sum(1 for e in failures if e.ts >= history.today_start)
    groups = []
    for s in history.by_slot()[:5]:
        where = s.slot or _t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", "slot unknown"))
        groups.append(f"{where} ×{s.failures}")
    return Check(
        "history",
        "warn",
        _t(
            lang,
            QT_TRANSLATE_NOOP(
                "troubleshoot.checks",
                "{count} failed dispense in the {window}, {today} today: {slots}",
            )
            if len(failures) == 1
            else QT_TRANSLATE_NOOP(
                "troubleshoot.checks",
                "{count} failed dispenses in the {window}, {today} today: {slots}",
            ),
            count=len(failures),
            window=window,
            today=today,
            slots=_t(lang, QT_TRANSLATE_NOOP("troubleshoot.checks", ", ")).join(groups),
        ),
        detail,
    )


def diagnose(
    client: Client,
    machine_no: str,
    *,
    journal: Journal | None = None,
    now: Callable[[], float] = time.time,
    lang: str = "en",
    history_days: float = DEFAULT_DAYS,
    lookup_orders: bool = True,
) -> Diagnosis:
    """Check one machine; see the module doc. ``now`` is this computer's clock.

    With a ``journal`` the machine's recent dispense results say which slots
    are faulty (``lookup_orders``: ask the platform for the records of failed
    orders the journal cannot tie to a slot, at most a few).
    """
    no = check_machine_no(machine_no).value  # BadInput: nothing sent
    checks: list[Check] = []

    # Ping first: when the platform cannot be reached nothing else can be checked,
    # and each further call would only wait for its own timeout.
    watch = _DateWatch(client.observer, now)
    client.observer = watch
    latency: float | None = None
    ping_error = ""
    try:
        t0 = time.perf_counter()
        client.ping()
        latency = time.perf_counter() - t0
    except Cancelled:
        raise
    except ApiError as exc:
        ping_error = _error(exc)
    finally:
        # Put the client's observer back — unless someone replaced ours meanwhile:
        # then ours stays in their chain, passing exchanges on and noting nothing.
        watch.active = False
        if client.observer is watch:
            client.observer = watch.inner
    skew = None if watch.seen is None else watch.seen[1] - watch.seen[0]

    if ping_error:
        unreachable = _t(
            lang,
            QT_TRANSLATE_NOOP(
                "troubleshoot.checks",
                "not checked: the platform did not answer the ping ({ping_error})",
            ),
            ping_error=ping_error,
        )
        checks.append(Check("machine", "fail", unreachable))
        checks.append(
            Check(
                "ping",
                "fail",
                ping_error,
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks",
                        "Check this computer's network, the profile's base URL and its credentials.",
                    ),
                ),
            )
        )
        checks.append(clock_check(skew, lang))
        return Diagnosis(no, float(now()), tuple(checks), skew_s=skew)

    listing: Machine | None = None
    listing_error = ""
    try:
        listing = next((m for m in client.machines() if m.machine_no == no), None)
    except Cancelled:
        raise
    except ApiError as exc:
        listing_error = _error(exc)
    detail: MachineDetail | None = None
    detail_error = ""
    found = True
    try:
        detail = client.machine(no)
    except Cancelled:
        raise
    except PlatformRefused as exc:
        detail_error = _error(exc)
        if exc.code in NOT_FOUND_CODES:
            found = False
            detail_error = _t(
                lang,
                QT_TRANSLATE_NOOP(
                    "troubleshoot.checks", "not found on the platform (code {code}, {message})"
                ),
                code=exc.code,
                message=exc.message,
            )
    except ApiError as exc:
        detail_error = _error(exc)
    checks.extend(_machine_checks(no, listing, listing_error, detail, detail_error, lang))

    if latency is not None:
        slow = latency > LATENCY_WARN_S
        checks.append(
            Check(
                "ping",
                "warn" if slow else "ok",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks", "the platform answered in {ms:.0f} ms (slow)"
                    )
                    if slow
                    else QT_TRANSLATE_NOOP(
                        "troubleshoot.checks", "the platform answered in {ms:.0f} ms"
                    ),
                    ms=latency * 1000,
                ),
                _t(
                    lang,
                    QT_TRANSLATE_NOOP("troubleshoot.checks", "{url}: calls may time out")
                    if slow
                    else "{url}",
                    url=client.base_url,
                ),
            )
        )
    checks.append(clock_check(skew, lang))

    if not found:
        return Diagnosis(
            no, float(now()), tuple(checks), listing, None, latency_s=latency, skew_s=skew
        )

    products: list[Product] = []
    products_error = ""
    try:
        products = fetch_products(client, no, detail.cabinet_names if detail else ())
    except Cancelled:
        raise
    except ApiError as exc:
        products_error = _error(exc)

    history: MachineHistory | None = None
    history_error = ""
    if journal is not None:

        def lookup(order_id: int) -> dict[int, int] | None:
            try:
                order = client.get_order(order_id, no)
            except ApiError as exc:
                log.info("order %s: records not found (%s)", order_id, exc)
                return None
            return {r.id: r.product_id for r in order.records}

        try:
            history = load_history(
                journal,
                no,
                products=products,
                now=now,
                days=history_days,
                order_lookup=lookup if lookup_orders else None,
            )
        except (JournalError, sqlite3.Error, OSError) as exc:
            history_error = str(exc)

    rows = build_rows(products, history.faulty_slots() if history is not None else None)
    if products_error:
        checks.append(
            Check(
                "slots",
                "fail",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks", "could not read the slots: {products_error}"
                    ),
                    products_error=products_error,
                ),
            )
        )
    else:
        checks.append(slots_check(rows, lang))
    if history is not None:
        checks.append(history_check(history, lang))
    elif history_error:
        checks.append(
            Check(
                "history",
                "warn",
                _t(
                    lang,
                    QT_TRANSLATE_NOOP(
                        "troubleshoot.checks", "the journal could not be read: {history_error}"
                    ),
                    history_error=history_error,
                ),
            )
        )
    return Diagnosis(
        no,
        float(now()),
        tuple(checks),
        listing,
        detail,
        tuple(rows),
        history,
        tuple(products),
        latency,
        skew,
    )


def run_checks(
    client: Client,
    machine_no: str,
    *,
    now: Callable[[], float] = time.time,
    journal: Journal | None = None,
    lang: str = "en",
) -> list[Check]:
    """The checks of ``diagnose``, in order."""
    return list(diagnose(client, machine_no, journal=journal, now=now, lang=lang).checks)
