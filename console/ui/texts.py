"""Words the window shows: errors in plain language, statuses, the 20-minute window."""

from __future__ import annotations

import time

from console.api.errors import Cancelled, ConfigError, PlatformRefused, TransportError
from console.core.followup import FollowupError
from console.core.rules import ORDER_WINDOW_S, BadInput, seconds_left
from console.core.status import OrderStatus, query_text_label
from console.credentials import CredentialsError

_TRANSPORT_HINTS: dict[str, str] = {
    "connect": "The platform could not be reached: check the network and the profile's base URL.",
    "timeout_connect": "Connecting to the platform timed out: check the network.",
    "timeout": "The platform did not answer in time.",
    "connection_lost": "The connection dropped before the platform answered.",
    "tls": "The platform's certificate could not be verified: the connection was not trusted.",
    "non_json": "The platform's answer was not the usual JSON (a proxy or error page?).",
    "bad_envelope": "The platform's answer was JSON but not in its usual shape.",
}


def describe_error(exc: BaseException, *, write: bool = False) -> str:
    """A readable sentence or two for any failure a task can report.

    ``write``: the failed call changes something (status, dispense); when the
    request may have arrived, say to check before trying again.
    """
    if isinstance(exc, PlatformRefused):
        if exc.code == 0:
            head = f"The platform answered code 0 with “{exc.message}” instead of “ok”"
        else:
            head = f"The platform refused: code {exc.code} “{exc.message}”"
        return f"{head} — {exc.explanation()} (HTTP {exc.http_status})."
    if isinstance(exc, TransportError):
        text = _TRANSPORT_HINTS.get(exc.kind, "No usable answer from the platform.")
        if exc.http_status is not None:
            text += f" HTTP {exc.http_status}."
        if exc.excerpt:
            text += f" The answer began: “{exc.excerpt[:120]}”."
        if write and exc.sent:
            text += (
                " The request may have reached the platform: open the order again to "
                "check before trying again."
            )
        return text
    if isinstance(exc, Cancelled):
        return "Cancelled before the request was sent: nothing was changed."
    if isinstance(exc, ConfigError):
        return f"The profile's settings cannot be used: {exc}"
    if isinstance(exc, BadInput | FollowupError | CredentialsError | ValueError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"A system error stopped this: {exc}"
    return f"Unexpected error ({type(exc).__name__}): {exc}"


def status_item_text(status: OrderStatus) -> str:
    """The dropdown's words for a status: plain words plus the number sent."""
    return f"{int(status)} — {status.label_en} / {status.label_zh}"


def order_status_text(query_text: str) -> str:
    label = query_text_label(query_text)
    return f"{query_text or 'unknown'} — {label}" if query_text else "unknown"


def clock_text(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def window_text(
    first_seen: float | None, created_here: bool, order_date: str, now: float
) -> tuple[str, bool]:
    """The 20-minute window as shown, and whether it is urgent (expired or nearly).

    Only the journal knows an order's age (the platform gives a date only):
    unknown stays unknown; an order first seen here may be older than that.
    """
    left = seconds_left(first_seen, now)
    if left is None or first_seen is None:
        date = f" ({order_date})" if order_date else ""
        return (
            f"age unknown — the platform gives only the date{date}; it refuses to dispense "
            "orders older than 20 minutes",
            False,
        )
    if left <= 0:
        how = "created" if created_here else "first seen"
        minutes = int((now - first_seen) // 60)
        return (
            f"expired: {how} here {minutes} min ago — the platform refuses to dispense it",
            True,
        )
    mm, ss = divmod(int(left), 60)
    if created_here:
        text = f"{mm:02d}:{ss:02d} left to dispense (created here at {clock_text(first_seen)})"
    else:
        text = (
            f"at most {mm:02d}:{ss:02d} left (first seen here at {clock_text(first_seen)}; "
            "the order may be older)"
        )
    return text, left < 120


def is_older_than_window(first_seen: float | None, now: float) -> bool:
    return first_seen is not None and now - first_seen > ORDER_WINDOW_S
