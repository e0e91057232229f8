"""Messages for people, carried as data: a message id and its values, worded by each face.

Qt-free code (the dispense engine, the journal's rules) returns a ``Text``
instead of a sentence. The window renders it translated (Qt Linguist: the
context and English source text are the message id, collected by
``pyside6-lupdate`` from the ``QT_TRANSLATE_NOOP`` marks below and in
``console.dispensing``); ``vendctl`` renders it in English with ``str(text)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for translation in ``context`` and returns it unchanged (no Qt here)."""
    return text


@runtime_checkable
class Localized(Protocol):
    """A value that words itself per language (e.g. a fault's meaning)."""

    def text(self, lang: str = "en") -> str: ...


Translate = Callable[[str, str], str]


def _english(context: str, source: str) -> str:
    return source


@dataclass(frozen=True)
class Text:
    """A message id (``context`` + English ``source``) and the values it is filled with.

    Values may be plain (numbers, ids, platform texts shown as given), other
    ``Text``s, or ``Localized`` values.
    """

    context: str
    source: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, translate: Translate = _english, lang: str = "en") -> str:
        filled: dict[str, object] = {}
        for key, value in self.values:
            if isinstance(value, Text):
                filled[key] = value.render(translate, lang)
            elif isinstance(value, Localized):
                filled[key] = value.text(lang)
            else:
                filled[key] = value
        return translate(self.context, self.source).format(**filled)

    def __str__(self) -> str:
        return self.render()


def text(context: str, source: str, **values: object) -> Text:
    """``Text(context, source, values)``; ``source`` should be a ``QT_TRANSLATE_NOOP`` mark."""
    return Text(context, source, tuple(values.items()))


class TextError(ValueError):
    """A refusal worded as a ``Text`` (nothing was sent); ``str()`` is the English."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.text = message
