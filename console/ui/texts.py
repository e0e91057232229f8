"""Words the window shows: errors in plain language, statuses, the 20-minute window.

Every user-visible string in ``console.ui`` goes through Qt's translation:
``translate("<Context>", "text")`` (``QCoreApplication.translate``) with the
class (or module) name as context, and ``QT_TRANSLATE_NOOP`` for constants
translated where they are shown. ``pyside6-lupdate`` collects them into
``console/resources/translations/*.ts``. Domain texts that ``console.core`` already
carries in English and Chinese are picked with ``ui_lang()`` instead.

``translate`` returns a ``Tr``: the words, plus how they were made, so that View ▸
Language can re-make every text on screen in the new language (``console.ui.retranslate``).
Compose texts with ``.format()``, ``+`` or ``join()`` (not f-strings or ``str.join``),
and wrap texts computed from data in ``Tr.call`` so that they keep that.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication

from console.api.errors import Cancelled, ConfigError, PlatformRefused, TransportError
from console.core.errors import PortInUse
from console.core.followup import FollowupError
from console.core.rules import ORDER_WINDOW_S, BadInput, seconds_left
from console.core.status import OrderStatus, query_text_label
from console.core.texts import Text
from console.credentials import CredentialsError
from console.settings import ui_lang

__all__ = [
    "QT_TRANSLATE_NOOP",
    "Tr",
    "join",
    "render",
    "retranslated",
    "translate",
    "ui_lang",
]

# The texts the window made, by their words (widgets hold a copy, so a text is found again by
# its words): plain translations, as many as there are message ids in each language, and
# the newest MADE_KEPT composed ones (formatted, joined), which come and go with the data.
MADE_KEPT = 20_000
_plain: dict[str, Tr] = {}
_made: OrderedDict[str, Tr] = OrderedDict()


class Tr(str):
    """A translated text that remembers how it was made, so that a language change can make
    it again in the new language: from its message id (context, source), then any
    ``format`` arguments and ``+`` pieces, themselves made again when they are ``Tr``."""

    how: tuple[Any, ...]

    @staticmethod
    def made(words: str, how: tuple[Any, ...]) -> Tr:
        text = Tr(words)
        text.how = how
        if not words:
            pass
        elif how[0] == "tr":
            _plain[words] = text
        else:
            _made[words] = text
            _made.move_to_end(words)
            if len(_made) > MADE_KEPT:
                _made.popitem(last=False)
        return text

    @staticmethod
    def call(make: Callable[..., str], *args: Any, **kwargs: Any) -> Tr:
        """``make(*args, **kwargs)``, made again by calling it again: for texts computed from
        data in the language of the moment (``ui_lang()``, ``translate``)."""
        return Tr.made(str(make(*args, **kwargs)), ("call", make, args, kwargs))

    def format(self, *args: Any, **kwargs: Any) -> Tr:
        return Tr.made(str.format(self, *args, **kwargs), ("format", self, args, kwargs))

    def __add__(self, other: str) -> Tr:
        return Tr.made(str.__add__(self, other), ("add", self, other))

    def __radd__(self, other: str) -> Tr:
        return Tr.made(str.__add__(other, self), ("add", other, self))

    def again(self) -> Tr:
        """These words in the language installed now (remembered in turn)."""
        kind = self.how[0]
        if kind == "tr":
            return translate(*self.how[1:])
        if kind == "format":
            _, base, args, kwargs = self.how
            again: Tr = base.again()
            return again.format(
                *(_again(a) for a in args), **{k: _again(v) for k, v in kwargs.items()}
            )
        if kind == "call":
            _, make, args, kwargs = self.how
            return Tr.call(make, *args, **kwargs)
        if kind == "join":
            _, sep, parts = self.how
            return join(_again(sep), [_again(p) for p in parts])
        left, right = _again(self.how[1]), _again(self.how[2])
        return Tr.made(str.__add__(str(left), str(right)), ("add", left, right))


def _again(value: Any) -> Any:
    return value.again() if isinstance(value, Tr) else value


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> Tr:
    """``QCoreApplication.translate``, remembering the message id (see ``Tr``)."""
    words = QCoreApplication.translate(context, source, disambiguation, n)
    return Tr.made(words, ("tr", context, source, disambiguation, n))


def join(sep: str, parts: Iterable[str]) -> Tr:
    """``sep.join(parts)``, remembering the pieces (see ``Tr``)."""
    pieces = tuple(parts)
    return Tr.made(str(sep).join(pieces), ("join", sep, pieces))


def retranslated(words: str) -> Tr | None:
    """``words`` as the window made them, made again in the language installed now;
    None when they were not made by ``translate`` (data, numbers, the platform's texts)."""
    text = (_made.get(words) or _plain.get(words)) if words else None
    return None if text is None else text.again()


def render(message: Text) -> Tr:
    """A message from Qt-free code (``console.core.texts.Text``), translated."""
    return Tr.call(_render, message)


def _render(message: Text) -> str:
    return message.render(translate, ui_lang())


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for translation in ``context``; ``translate(context, text)`` shows it.

    PySide6's own returns ``object`` to type checkers: this one keeps ``str``.
    """
    return text


_TRANSPORT_HINTS: dict[str, str] = {
    "connect": QT_TRANSLATE_NOOP(
        "texts",
        "The platform could not be reached: check the network and the profile's base URL.",
    ),
    "timeout_connect": QT_TRANSLATE_NOOP(
        "texts", "Connecting to the platform timed out: check the network."
    ),
    "timeout": QT_TRANSLATE_NOOP("texts", "The platform did not answer in time."),
    "connection_lost": QT_TRANSLATE_NOOP(
        "texts", "The connection dropped before the platform answered."
    ),
    "tls": QT_TRANSLATE_NOOP(
        "texts",
        "The platform's certificate could not be verified: the connection was not trusted.",
    ),
    "non_json": QT_TRANSLATE_NOOP(
        "texts", "The platform's answer was not the usual JSON (a proxy or error page?)."
    ),
    "bad_envelope": QT_TRANSLATE_NOOP(
        "texts", "The platform's answer was JSON but not in its usual shape."
    ),
}


def describe_error(exc: BaseException, *, write: bool = False) -> Tr:
    """``_describe_error``, made again in the language of the moment on a change."""
    return Tr.call(_describe_error, exc, write=write)


def _describe_error(exc: BaseException, *, write: bool = False) -> str:
    """A readable sentence or two for any failure a task can report.

    ``write``: the failed call changes something (status, dispense); when the
    request may have arrived, say to check before trying again.
    """
    if isinstance(exc, PlatformRefused):
        if exc.code == 0:
            head = translate(
                "texts", "The platform answered code 0 with “{message}” instead of “ok”"
            ).format(message=exc.message)
        else:
            head = translate("texts", "The platform refused: code {code} “{message}”").format(
                code=exc.code, message=exc.message
            )
        return translate("texts", "{head} — {explanation} (HTTP {http}).").format(
            head=head, explanation=exc.explanation(ui_lang()), http=exc.http_status
        )
    if isinstance(exc, TransportError):
        hint = _TRANSPORT_HINTS.get(exc.kind)
        text = (
            translate("texts", hint)
            if hint is not None
            else translate("texts", "No usable answer from the platform.")
        )
        if exc.http_status is not None:
            text += translate("texts", " HTTP {http}.").format(http=exc.http_status)
        if exc.excerpt:
            text += translate("texts", " The answer began: “{excerpt}”.").format(
                excerpt=exc.excerpt[:120]
            )
        if write and exc.sent:
            text += translate(
                "texts",
                " The request may have reached the platform: open the order again to "
                "check before trying again.",
            )
        return text
    worded = getattr(exc, "text", None)  # Qt-free refusals carry their words as a Text
    if isinstance(worded, Text):  # TextError, IntentClash
        return render(worded)
    if isinstance(exc, Cancelled):
        return translate("texts", "Cancelled before the request was sent: nothing was changed.")
    if isinstance(exc, ConfigError):
        return translate("texts", "The profile's settings cannot be used: {error}").format(
            error=exc
        )
    if isinstance(exc, BadInput | FollowupError | CredentialsError | ValueError):
        return str(exc)
    if isinstance(exc, PortInUse):
        return translate(
            "texts",
            "The callback receiver cannot listen on port {port}: another program is using "
            "it. Choose another receiver port in File ▸ Profiles…, or close that program.",
        ).format(port=exc.port)
    if isinstance(exc, OSError):
        return translate("texts", "A system error stopped this: {error}").format(error=exc)
    return translate("texts", "Unexpected error ({kind}): {error}").format(
        kind=type(exc).__name__, error=exc
    )


def status_item_text(status: OrderStatus) -> Tr:
    return Tr.call(_status_item_text, status)


def _status_item_text(status: OrderStatus) -> str:
    """The dropdown's words for a status: plain words plus the number sent.

    English shows both languages (the platform's own words are Chinese); Chinese
    shows the platform's words only.
    """
    if ui_lang() == "zh":
        return f"{int(status)} — {status.label_zh}"
    return f"{int(status)} — {status.label_en} / {status.label_zh}"


def order_status_text(query_text: str) -> Tr:
    return Tr.call(_order_status_text, query_text)


def _order_status_text(query_text: str) -> str:
    unknown = translate("texts", "unknown")
    label = query_text_label(query_text, ui_lang())
    return f"{query_text or unknown} — {label}" if query_text else unknown


def clock_text(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def product_text(name: str, product_id: int) -> str:
    """A product as shown in lists: its name and the platform's product id."""
    return translate("texts", "{product} (id {id})").format(product=name, id=product_id)


def platform_date_text(date: str) -> str:
    """An order date as the platform gives it, said to be the platform's (its clock may
    not be this computer's: an order made at 19:07 here can be dated the next day)."""
    return translate("texts", "{date} (platform date)").format(date=date) if date else "—"


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
            translate(
                "texts",
                "age unknown — the platform gives only the date{date}; it refuses to dispense "
                "orders older than 20 minutes",
            ).format(date=date),
            False,
        )
    if left <= 0:
        minutes = int((now - first_seen) // 60)
        if created_here:
            text = translate(
                "texts",
                "expired: created here {minutes} min ago — the platform refuses to dispense it",
            )
        else:
            text = translate(
                "texts",
                "expired: first seen here {minutes} min ago — the platform refuses to dispense it",
            )
        return text.format(minutes=minutes), True
    mm, ss = divmod(int(left), 60)
    if created_here:
        text = translate(
            "texts", "{mm:02d}:{ss:02d} left to dispense (created here at {clock} local time)"
        ).format(mm=mm, ss=ss, clock=clock_text(first_seen))
    else:
        text = translate(
            "texts",
            "at most {mm:02d}:{ss:02d} left (first seen here at {clock} local time; the order "
            "may be older)",
        ).format(mm=mm, ss=ss, clock=clock_text(first_seen))
    return text, left < 120


def is_older_than_window(first_seen: float | None, now: float) -> bool:
    return first_seen is not None and now - first_seen > ORDER_WINDOW_S
