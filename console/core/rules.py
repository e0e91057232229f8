"""Business rules that do not need the network."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Orders older than this are not accepted for dispensing; unpaid ones expire.
ORDER_WINDOW_S = 20 * 60
# Without an answer from the machine the platform gives up after this.
DEVICE_TIMEOUT_S = 120

# How long a machine stays locked while it dispenses, at most, by lock kind.
LOCK_DWELL_S: dict[str, int] = {
    "electronic": 15,
    "motor": 30,
    "conveyor": 90,
    "default": 45,
}

_DIGITS = re.compile(r"\d+")
# Ids are stored as SQLite INTEGERs (signed 64-bit).
MAX_ID = 2**63 - 1


class BadInput(ValueError):
    """Input that must be corrected before anything is sent."""


@dataclass(frozen=True)
class MachineNo:
    value: str
    warning: str = ""


def check_machine_no(text: str) -> MachineNo:
    """A machine number is 8 digits; longer digit strings are accepted with a warning."""
    t = (text or "").strip()
    if not _DIGITS.fullmatch(t):
        raise BadInput(f"machine number {text!r} must be digits only (8 digits, e.g. 16327129)")
    if len(t) < 8:
        raise BadInput(f"machine number {text!r} is too short: it has 8 digits (e.g. 16327129)")
    if len(t) > 8:
        return MachineNo(
            t,
            f"machine number {t} has {len(t)} digits; only special merchants have "
            "numbers longer than 8",
        )
    return MachineNo(t)


def check_id(text: str | int, what: str = "id") -> int:
    """A positive integer id (order, record, delivery, product)."""
    t = str(text).strip()
    if not _DIGITS.fullmatch(t) or int(t) <= 0:
        raise BadInput(f"{what} {text!r} must be a positive whole number")
    if len(t) > 19 or int(t) > MAX_ID:
        raise BadInput(f"{what} {text!r} is too large: it must be a whole number below 2^63")
    return int(t)


def check_trade_id(text: str) -> str:
    t = (text or "").strip()
    if not 20 <= len(t) <= 32 or not re.fullmatch(r"[0-9A-Za-z_\-]+", t):
        raise BadInput(f"trade id {text!r} must be 20-32 letters, digits, '-' or '_'")
    return t


def seconds_left(first_seen_epoch: float | None, now_epoch: float) -> float | None:
    """Seconds left of the 20-minute window, or None when the order's age is unknown.

    The platform gives only a date for an order, so its age is known only if the
    console created the order or saw it first itself; never make one up.
    """
    if first_seen_epoch is None:
        return None
    return first_seen_epoch + ORDER_WINDOW_S - now_epoch


def platform_key(base_url: str, appid: str) -> str:
    """Which platform an order id belongs to: the base URL (scheme and host lower-case,
    no trailing slash) and the Appid. Order ids are unique on one platform only (a
    restarted sandbox, another merchant account, reuse them)."""
    url = base_url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if sep:
        host, slash, path = rest.partition("/")
        url = f"{scheme.lower()}://{host.lower()}{slash}{path}"
    return f"{url}#{appid.strip()}" if url or appid.strip() else ""


def sandbox_platform_key(world_id: str) -> str:
    """Which platform the built-in sandbox's orders belong to: its world, not its URL.

    The embedded sandbox listens on a new port at every start but keeps its world
    (orders, ids) in a file until it is reset; a reset makes a new world, so the
    orders journalled before belong to the previous sandbox and are no longer listed."""
    return f"sandbox:{world_id}"
