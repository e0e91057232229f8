"""The console's own warnings and errors as the log pane shows them: message ids.

The window's log pane shows what the console logs at WARNING and above (``FeedHandler``).
Each such message is a ``%``-format written at its ``log.warning(...)`` call; this table
lists every one of them (tests/unit/test_log_words.py keeps it equal to the calls in the
window's packages) as a message id in context ``log``, so the .ts words it. By the time a
record reaches the pane the secret filter has already formatted (and masked) it, so the
pane recognises the finished English against these formats and fills the translation
with the same values — ids, counts, the library's and the OS's own words, shown as given.
A message not in the table is shown as logged.

A translation keeps the format's ``%s``/``%d``/``%r`` in order, or names them ``%1``,
``%2``… to put them in another order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from console.core.texts import QT_TRANSLATE_NOOP, translator

CONTEXT = "log"

LOG_MESSAGES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("log", "uncaught error"),
    QT_TRANSLATE_NOOP("log", "no %s translation found: the window stays in English"),
    QT_TRANSLATE_NOOP(
        "log",
        "order %s: the platform's trade id differs from the journal's (%s): another order "
        "with the same id; the earlier one's history is kept apart",
    ),
    QT_TRANSLATE_NOOP("log", "action %s (%s): %s"),
    QT_TRANSLATE_NOOP("log", "callback claims to replay #%s, which %s; recorded as received"),
    QT_TRANSLATE_NOOP(
        "log", "a batch of %d callbacks could not be committed; trying each on its own"
    ),
    QT_TRANSLATE_NOOP("log", "serving a request from %s failed; its connection is closed"),
    QT_TRANSLATE_NOOP("log", "the HTTP server failed; it stops"),
    QT_TRANSLATE_NOOP("log", "too many connections (%d): one refused"),
    QT_TRANSLATE_NOOP("log", "group commit failed"),
    QT_TRANSLATE_NOOP("log", "health check: the journal cannot be read: %s: %s"),
    QT_TRANSLATE_NOOP("log", "an after-answer step failed for callback #%s"),
    QT_TRANSLATE_NOOP("log", "ignored a malformed %s header"),
    QT_TRANSLATE_NOOP("log", "malformed callback #%s from %s: %s"),
    QT_TRANSLATE_NOOP("log", "could not journal %s; answered 500 so it may be re-sent"),
    QT_TRANSLATE_NOOP(
        "log", "the journal commits again after %d s; %d callback(s) were answered 503 meanwhile"
    ),
    QT_TRANSLATE_NOOP(
        "log",
        "the journal is unavailable (%s: %s): callbacks are answered 503 so the platform "
        "re-sends them",
    ),
    QT_TRANSLATE_NOOP("log", "on_callback failed for callback #%s"),
    QT_TRANSLATE_NOOP(
        "log",
        "cross-check queue full (%d waiting): %d new result(s) left unchecked so far, the "
        "latest #%s; the platform is asked at a bounded pace",
    ),
    QT_TRANSLATE_NOOP("log", "cross-check failed for callback #%s"),
    QT_TRANSLATE_NOOP("log", "callback #%s left unchecked for now: %s"),
    QT_TRANSLATE_NOOP("log", "journal lease of session %s not renewed: %s"),
    QT_TRANSLATE_NOOP("log", "%s=%r is not 1 to 600 seconds: the lease stays %s s"),
    QT_TRANSLATE_NOOP("log", "could not store the cross-check of callback #%s"),
    QT_TRANSLATE_NOOP("log", "on_cross_checked failed for callback #%s"),
    QT_TRANSLATE_NOOP("log", "sandbox callback to %s failed"),
    QT_TRANSLATE_NOOP("log", "sandbox state file %s cannot be read (%s): starting a fresh world"),
    QT_TRANSLATE_NOOP(
        "log", "sandbox state file %s is not usable (%s); it was %s; starting a fresh world"
    ),
    QT_TRANSLATE_NOOP("log", "sandbox state not saved to %s: %s"),
    QT_TRANSLATE_NOOP("log", "sandbox scheduler did not catch up with the clock in time"),
    QT_TRANSLATE_NOOP("log", "sandbox event %s failed"),
    QT_TRANSLATE_NOOP("log", "sandbox failed serving %s"),
    QT_TRANSLATE_NOOP("log", "sandbox failed on %s %s"),
    QT_TRANSLATE_NOOP("log", "no context for the cross-check of callback #%s"),
    QT_TRANSLATE_NOOP("log", "background task %r failed"),
    QT_TRANSLATE_NOOP("log", "work on the %s pool did not finish within %s ms"),
)

# A level's name as the pane shows it ("warning: …").
LEVEL_WORDS: dict[str, str] = {
    "warning": QT_TRANSLATE_NOOP("log", "warning"),
    "error": QT_TRANSLATE_NOOP("log", "error"),
    "critical": QT_TRANSLATE_NOOP("log", "critical"),
}

_SPEC = re.compile(r"%[sdr]")
_POSITIONAL = re.compile(r"%([1-9])|%[sdr]")


@functools.cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    made = []
    for fmt in LOG_MESSAGES:
        pieces = _SPEC.split(fmt)
        pattern = "(.*?)".join(re.escape(p) for p in pieces)
        made.append((fmt, re.compile(pattern, re.DOTALL)))
    return tuple(made)


@functools.lru_cache(maxsize=1024)
def recognise(message: str) -> tuple[str, tuple[str, ...]] | None:
    """``message`` as (its format, the values filled in), when it is one of ours."""
    for fmt, pattern in _patterns():
        m = pattern.fullmatch(message)
        if m is not None:
            return fmt, m.groups()
    return None


def word(message: str, lang: str) -> str:
    """A logged message in ``lang`` (as logged when it is not one of ours)."""
    if not lang.startswith("zh"):
        return message
    found = recognise(message)
    if found is None:
        return message
    fmt, values = found
    said = translator(lang)(CONTEXT, fmt)
    count = iter(range(len(values)))

    def fill(m: re.Match[str]) -> str:
        index = int(m.group(1)) - 1 if m.group(1) else next(count, len(values))
        if index >= len(values):
            raise IndexError(index)
        return values[index]

    try:
        return _POSITIONAL.sub(fill, said)
    except IndexError:  # a translation that does not fit its values: the English
        return message


@dataclass(frozen=True, slots=True)
class Logged:
    """A logged message as a value of a ``Text``: worded in the reader's language."""

    message: str

    def text(self, lang: str = "en") -> str:
        return word(self.message, lang)

    def __str__(self) -> str:
        return self.message
