"""A machine's slots as rows for a table: product, price, stock and status in words.

Status, worst first: ``faulty`` (the slot's last dispense result in the
journal was a failure — see ``history.MachineHistory.faulty_slots``),
``empty`` (no stock), ``low`` (at most 20 % of capacity, or at most one item),
``ok``. Sorting and filtering are pure functions over the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from console.api.client import Client
from console.core.models import Product
from console.core.texts import QT_TRANSLATE_NOOP, text
from console.troubleshoot.history import SlotFault, normalise_slot, slot_key

SlotStatus = Literal["faulty", "empty", "low", "ok"]
SortKey = Literal["slot", "cabinet", "product", "price", "stock", "status"]

STATUS_ORDER: dict[str, int] = {"faulty": 0, "empty": 1, "low": 2, "ok": 3}
STATUS_WORDS: dict[str, str] = {
    "faulty": QT_TRANSLATE_NOOP("troubleshoot.slots", "Faulty"),
    "empty": QT_TRANSLATE_NOOP("troubleshoot.slots", "Empty"),
    "low": QT_TRANSLATE_NOOP("troubleshoot.slots", "Low stock"),
    "ok": QT_TRANSLATE_NOOP("troubleshoot.slots", "OK"),
}
# The same words inside a sentence ("; also low stock (1 of 10)").
STATUS_WORDS_INSIDE: dict[str, str] = {
    "faulty": QT_TRANSLATE_NOOP("troubleshoot.slots", "faulty"),
    "empty": QT_TRANSLATE_NOOP("troubleshoot.slots", "empty"),
    "low": QT_TRANSLATE_NOOP("troubleshoot.slots", "low stock"),
    "ok": QT_TRANSLATE_NOOP("troubleshoot.slots", "ok"),
}
LOW_SHARE = Decimal("0.2")  # "low" at or below this share of capacity…
LOW_ITEMS = 1  # …or at or below this many items


def _t(lang: str, source: str, **values: object) -> str:
    """``source`` (a message id in this module's context) in ``lang``, filled with ``values``."""
    return text("troubleshoot.slots", source, **values).text(lang)


def stock_status(current: int, capacity: int) -> SlotStatus:
    """``empty``, ``low`` (≤ 20 % of capacity or ≤ 1 item) or ``ok``."""
    if current <= 0:
        return "empty"
    if current <= LOW_ITEMS:
        return "low"
    if capacity > 0 and Decimal(current) <= LOW_SHARE * capacity:
        return "low"
    return "ok"


def _price(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return Decimal(-1)


@dataclass(frozen=True)
class SlotRow:
    """One slot of a machine, ready for a table row."""

    slot: str  # e.g. "A12"; "" when the platform gave none
    cabinet: str
    product_id: int
    product: str
    price: str  # as the platform wrote it, never rounded
    stock: int
    capacity: int
    status: SlotStatus
    fault: SlotFault | None = None  # set when status is "faulty"

    @property
    def stock_status(self) -> SlotStatus:
        return stock_status(self.stock, self.capacity)

    @property
    def stock_text(self) -> str:
        return f"{self.stock}/{self.capacity}"

    def status_word(self, lang: str = "en") -> str:
        return _t(lang, STATUS_WORDS[self.status])

    def status_text(self, lang: str = "en") -> str:
        """The status in words, e.g. "Faulty: Goods are Stuck — …" or "Low stock (1 of 10)"."""
        stock = _t(
            lang,
            QT_TRANSLATE_NOOP("troubleshoot.slots", "{stock} of {capacity}"),
            stock=self.stock,
            capacity=self.capacity,
        )
        if self.status == "faulty" and self.fault is not None:
            text = f"{self.status_word(lang)}: {self.fault.fault.words(lang)}"
            if self.stock_status != "ok":
                text += _t(
                    lang,
                    QT_TRANSLATE_NOOP("troubleshoot.slots", "; also {status} ({stock})"),
                    status=_t(lang, STATUS_WORDS_INSIDE[self.stock_status]),
                    stock=stock,
                )
            return text
        if self.status in ("empty", "low"):
            word = self.status_word(lang)
            return _t(
                lang,
                QT_TRANSLATE_NOOP("troubleshoot.slots", "{word} ({stock})"),
                word=word,
                stock=stock,
            )
        return self.status_word(lang)

    def as_dict(self) -> dict[str, Any]:
        return {
            "slot": self.slot,
            "cabinet": self.cabinet,
            "product_id": self.product_id,
            "product": self.product,
            "price": self.price,
            "stock": self.stock,
            "capacity": self.capacity,
            "status": self.status,
            "status_en": self.status_text("en"),
            "status_zh": self.status_text("zh"),
            "fault": None
            if self.fault is None
            else {
                **self.fault.fault.as_dict(),
                "failures": self.fault.failures,
                "consecutive": self.fault.consecutive,
                "last": self.fault.last_iso,
                "test": self.fault.test,
            },
        }


@dataclass(frozen=True)
class SlotSummary:
    total: int
    faulty: int
    empty: int
    low: int
    ok: int


def build_rows(
    products: Iterable[Product], faults: Mapping[str, SlotFault] | None = None
) -> list[SlotRow]:
    """Rows in natural slot order; a slot in ``faults`` is ``faulty`` whatever its stock."""
    faults = faults or {}
    rows = []
    for p in products:
        slot = normalise_slot(p.channel.name) or ""
        fault = faults.get(slot) if slot else None
        rows.append(
            SlotRow(
                slot=slot,
                cabinet=p.channel.cabinet_name,
                product_id=p.id,
                product=p.name,
                price=p.price,
                stock=p.current_inventory,
                capacity=p.inventory,
                status="faulty"
                if fault is not None
                else stock_status(p.current_inventory, p.inventory),
                fault=fault,
            )
        )
    return sort_rows(rows, "slot")


def fetch_products(client: Client, machine_no: str, cabinets: Sequence[str] = ()) -> list[Product]:
    """Every slot of the machine: all pages, and every cabinet.

    One unfiltered listing first; a cabinet the machine reports but the
    listing left out is then asked for by name (a platform may default to the
    first cabinet). Duplicates (same product id and slot) are dropped.
    Raises the client's ``ApiError``.
    """
    products = client.all_products(machine_no)
    seen_cabinets = {p.channel.cabinet_name for p in products}
    for cabinet in cabinets:
        if cabinet and cabinet not in seen_cabinets:
            products.extend(client.all_products(machine_no, cabinet_name=cabinet))
    out: list[Product] = []
    keys: set[tuple[int, str]] = set()
    for p in products:
        key = (p.id, p.channel.name)
        if key not in keys:
            keys.add(key)
            out.append(p)
    return out


def load_slots(
    client: Client,
    machine_no: str,
    *,
    cabinets: Sequence[str] = (),
    faults: Mapping[str, SlotFault] | None = None,
) -> list[SlotRow]:
    """``fetch_products`` + ``build_rows``. Raises the client's ``ApiError``."""
    return build_rows(fetch_products(client, machine_no, cabinets), faults)


def summarize(rows: Iterable[SlotRow]) -> SlotSummary:
    counts = {"faulty": 0, "empty": 0, "low": 0, "ok": 0}
    total = 0
    for r in rows:
        counts[r.status] += 1
        total += 1
    return SlotSummary(total, counts["faulty"], counts["empty"], counts["low"], counts["ok"])


_SORT: dict[str, Callable[[SlotRow], Any]] = {
    "slot": lambda r: (slot_key(r.slot),),
    "cabinet": lambda r: (r.cabinet, slot_key(r.slot)),
    "product": lambda r: (r.product.casefold(), slot_key(r.slot)),
    "price": lambda r: (_price(r.price), slot_key(r.slot)),
    "stock": lambda r: (r.stock, r.capacity, slot_key(r.slot)),
    "status": lambda r: (STATUS_ORDER[r.status], slot_key(r.slot)),
}


def sort_rows(
    rows: Iterable[SlotRow], key: SortKey = "slot", *, descending: bool = False
) -> list[SlotRow]:
    """Rows sorted by ``key``; ties in natural slot order. ``status`` puts the worst first."""
    try:
        fn = _SORT[key]
    except KeyError:
        raise ValueError(f"unknown sort key {key!r}: use one of {sorted(_SORT)}") from None
    return sorted(rows, key=fn, reverse=descending)


def filter_rows(
    rows: Iterable[SlotRow],
    *,
    text: str = "",
    statuses: Collection[str] | None = None,
    cabinet: str | None = None,
) -> list[SlotRow]:
    """Rows matching all given filters: ``text`` in slot or product name (any case),
    status in ``statuses``, exactly this ``cabinet``."""
    needle = text.strip().casefold()
    words = [w for w in re.split(r"\s+", needle) if w]
    out = []
    for r in rows:
        if statuses is not None and r.status not in statuses:
            continue
        if cabinet is not None and r.cabinet != cabinet:
            continue
        hay = f"{r.slot} {r.product} {r.product_id}".casefold()
        if any(w not in hay for w in words):
            continue
        out.append(r)
    return out
