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
from console.journal import Journal, JournalError
from console.troubleshoot.history import DEFAULT_DAYS, MachineHistory, load_history, plural
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
# console.core.models.MACHINE_TYPES in Chinese.
MACHINE_TYPES_ZH: dict[int, str] = {
    1: "自动售货机",
    2: "娱乐机",
    3: "娃娃机",
    4: "租借机",
    5: "归还机",
    6: "储物柜",
}


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang.startswith("zh") else en


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
            _t(lang, "unknown: the platform sent no Date header", "未知:平台未返回 Date 头"),
            _t(
                lang,
                "Could not compare this computer's clock with the platform's.",
                "无法比较本机时钟与平台时钟。",
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
                f"in step with the platform (difference {size:.0f} s)",
                f"与平台时间一致(相差 {size:.0f} 秒)",
            ),
        )
    how = _t(lang, "ahead of" if ahead else "behind", "快于" if ahead else "慢于")
    return Check(
        "clock",
        "warn",
        _t(
            lang,
            f"this computer's clock is {_duration(size)} {how} the platform's: "
            "payload timestamps may be refused",
            f"本机时钟{how}平台 {_duration(size, 'zh')}:请求的时间戳可能被拒绝",
        ),
        _t(
            lang,
            "Set this computer's clock right (turn on automatic time / NTP). Signed "
            "payloads carry this computer's time and the platform may refuse them.",
            "请校准本机时钟(开启自动对时/NTP)。签名请求带有本机时间,平台可能拒绝。",
        ),
    )


def _duration(seconds: float, lang: str = "en") -> str:
    if seconds < 120:
        return _t(lang, f"{seconds:.0f} s", f"{seconds:.0f} 秒")
    if seconds < 5400:
        return _t(lang, f"{seconds / 60:.0f} min", f"{seconds / 60:.0f} 分钟")
    return _t(lang, f"{seconds / 3600:.1f} h", f"{seconds / 3600:.1f} 小时")


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
                        f"The machine list could not be read: {listing_error}",
                        f"无法读取机器列表:{listing_error}",
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
                        f"{label}: not in this merchant's machine list",
                        f"{label}:不在本商户的机器列表中",
                    ),
                    _t(
                        lang,
                        "The platform answers for the machine but does not list it: check "
                        "that it is bound to this merchant.",
                        "平台能查询到该机器,但列表中没有:请确认机器已绑定到本商户。",
                    ),
                )
            )
    else:
        out.append(
            Check(
                "machine",
                "fail",
                _t(lang, f"machine {no}: {detail_error}", f"机器 {no}:{detail_error}"),
            )
        )

    is_online = detail.is_online if detail is not None else (listing.is_online if listing else None)
    notice = listing.notify_message if listing is not None else ""
    last = _t(lang, f"; last notice: {notice}", f";最近通知:{notice}") if notice else ""
    if is_online is None:
        pass  # neither the machine nor the list answered: "machine" already failed
    elif not is_online:
        out.append(
            Check(
                "online",
                "fail",
                _t(lang, f"OFFLINE{last}", f"离线{last}"),
                _t(
                    lang,
                    "The platform cannot reach the machine: dispenses will be refused. Check "
                    "its power and network (SIM / Wi-Fi), then restart the vending app.",
                    "平台无法连接机器,出货会被拒绝。请检查电源和网络(SIM 卡/Wi-Fi),然后重启售货应用。",
                ),
            )
        )
    elif listing is not None and not listing.status:
        out.append(
            Check(
                "online",
                "warn",
                _t(lang, f"online, but not in operation{last}", f"在线,但未营业{last}"),
                _t(
                    lang,
                    "The machine is switched out of operation on the platform.",
                    "机器在平台上被设为停止营业。",
                ),
            )
        )
    else:
        out.append(Check("online", "ok", _t(lang, f"online{last}", f"在线{last}")))

    if detail is None:
        return out
    cabinets = detail.cabinet_names
    out.append(
        Check("cabinets", "ok", ", ".join(cabinets))
        if cabinets
        else Check(
            "cabinets",
            "warn",
            _t(lang, "the platform reports no cabinets", "平台未返回柜体"),
        )
    )
    if detail.machine_type == 0:
        out.append(Check("machine_type", "warn", _t(lang, "not reported", "平台未返回机器类型")))
    else:
        t = detail.machine_type
        if t in MACHINE_TYPES:
            out.append(Check("machine_type", "ok", _t(lang, MACHINE_TYPES[t], MACHINE_TYPES_ZH[t])))
        else:
            out.append(
                Check("machine_type", "warn", _t(lang, f"type {t} (unknown)", f"类型 {t}(未知)"))
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
                _t(lang, "not set: prices show without a currency", "未设置:价格不显示币种"),
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
            _t(lang, "the platform lists no slots", "平台未返回任何货道"),
        )

    def names(status: str) -> str:
        picked = [r.slot or "?" for r in rows if r.status == status]
        return ", ".join(picked[:8]) + (" …" if len(picked) > 8 else "")

    parts = []
    if s.faulty:
        parts.append(
            _t(
                lang,
                f"{s.faulty} faulty ({names('faulty')})",
                f"故障 {s.faulty} 个({names('faulty')})",
            )
        )
    if s.empty:
        parts.append(
            _t(lang, f"{s.empty} empty ({names('empty')})", f"缺货 {s.empty} 个({names('empty')})")
        )
    if s.low:
        parts.append(
            _t(lang, f"{s.low} low ({names('low')})", f"库存低 {s.low} 个({names('low')})")
        )
    head = _t(lang, f"{s.total} slots", f"共 {s.total} 个货道")
    if not parts:
        return Check("slots", "ok", _t(lang, f"{head}, all stocked", f"{head},库存正常"))
    summary = _t(lang, f"{head}: " + "; ".join(parts), f"{head}:" + ";".join(parts))
    detail = "\n".join(f"{r.slot}: {r.status_text(lang)}" for r in rows if r.status != "ok")
    return Check("slots", "fail" if s.faulty else "warn", summary, detail)


def history_check(history: MachineHistory, lang: str = "en") -> Check:
    """The ``history`` check: ``warn`` when the journal has failed dispenses in the window."""
    failures = history.failures()
    results = history.results()
    days = max(1, round((history.now - history.since) / 86400))
    window = _t(lang, f"last {days} days", f"最近 {days} 天")
    detail = "\n".join(history.lines(lang))
    if not failures:
        return Check(
            "history",
            "ok",
            _t(
                lang,
                f"no failed dispense in the journal ({len(results)} results, {window})",
                f"日志中无出货失败({window}共 {len(results)} 次结果)",
            ),
            detail,
        )
    today = sum(1 for e in failures if e.ts >= history.today_start)
    groups = []
    for s in history.by_slot()[:5]:
        where = s.slot or _t(lang, "slot unknown", "货道未知")
        groups.append(f"{where} ×{s.failures}")
    return Check(
        "history",
        "warn",
        _t(
            lang,
            f"{plural(len(failures), 'failed dispense')} in the {window}, {today} today: "
            + ", ".join(groups),
            f"{window}出货失败 {len(failures)} 次,今天 {today} 次:" + ",".join(groups),
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
            f"not checked: the platform did not answer the ping ({ping_error})",
            f"未检查:平台未响应 ping({ping_error})",
        )
        checks.append(Check("machine", "fail", unreachable))
        checks.append(
            Check(
                "ping",
                "fail",
                ping_error,
                _t(
                    lang,
                    "Check this computer's network, the profile's base URL and its credentials.",
                    "请检查本机网络、配置的平台地址和凭据。",
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
                f"not found on the platform (code {exc.code}, {exc.message})",
                f"平台上找不到该机器(代码 {exc.code},{exc.message})",
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
                    f"the platform answered in {latency * 1000:.0f} ms"
                    + (" (slow)" if slow else ""),
                    f"平台响应用时 {latency * 1000:.0f} 毫秒" + ("(较慢)" if slow else ""),
                ),
                _t(
                    lang,
                    f"{client.base_url}" + (": calls may time out" if slow else ""),
                    f"{client.base_url}" + (":请求可能超时" if slow else ""),
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
                    f"could not read the slots: {products_error}",
                    f"无法读取货道:{products_error}",
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
                    f"the journal could not be read: {history_error}",
                    f"无法读取日志:{history_error}",
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
