"""Messages for people, carried as data: a message id and its values, worded by each face.

Qt-free code (the dispense engine, the journal's rules) returns a ``Text``
instead of a sentence. The window renders it translated (Qt Linguist: the
context and English source text are the message id, collected by
``pyside6-lupdate`` from the ``QT_TRANSLATE_NOOP`` marks below and in
``console.dispensing``); ``vendctl`` renders it in English with ``str(text)``, or in
Chinese with ``vendctl --lang zh`` (the same compiled translation, see ``console.i18n``).

The English source is the only wording kept in Python: every other language lives in
the Qt Linguist ``.ts`` file under the same message id. Qt-free code that words a
text for a given ``lang`` (Troubleshoot's checks, fault meanings) asks ``translator(lang)``
— the face that runs installs one per language (``install_translator``): the window
Qt's own translate, ``vendctl`` a ``QTranslator`` it loads only when asked for Chinese.
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


_translators: dict[str, Translate] = {}


def install_translator(lang: str, translate: Translate) -> None:
    """Word ``lang`` (``zh``) with ``translate(context, source)`` from now on (empty: source)."""
    _translators[_lang_key(lang)] = translate


def translator(lang: str) -> Translate:
    """How to word a message id in ``lang``: the installed translator, else the English."""
    found = _translators.get(_lang_key(lang))
    if found is None:
        return _english

    def translate(context: str, source: str) -> str:
        return found(context, source) or source

    return translate


def _lang_key(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


@dataclass(frozen=True)
class Text:
    """A message id (``context`` + English ``source``) and the values it is filled with.

    Values may be plain (numbers, ids, platform texts shown as given), other
    ``Text``s, or ``Localized`` values.
    """

    context: str
    source: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, translate: Translate | None = None, lang: str = "en") -> str:
        """The words in ``lang``: with ``translate`` when given, else ``translator(lang)``."""
        if translate is None:
            translate = translator(lang)
        filled: dict[str, object] = {}
        for key, value in self.values:
            # Plain values first: isinstance against the runtime-checkable ``Localized``
            # costs ~20 µs (Python 3.11), and most values are numbers or platform text.
            # Measured: the 500 active follow-ups of the journal benchmark were read in
            # 67-76 ms, 45% of it in that check; 22-24 ms with this (1M callbacks).
            if value is None or type(value) in (str, int, float):
                filled[key] = value
            elif isinstance(value, Text):
                filled[key] = value.render(translate, lang)
            elif isinstance(value, Localized):
                filled[key] = value.text(lang)
            else:
                filled[key] = value
        return translate(self.context, self.source).format(**filled)

    def __str__(self) -> str:
        return self.render()

    def map_values(self, change: Callable[[str], str]) -> Text:
        """The same message with ``change`` applied to its plain string values (e.g. masking
        secrets), nested ``Text``s included."""
        values: list[tuple[str, object]] = []
        for key, value in self.values:
            if isinstance(value, Text):
                value = value.map_values(change)
            elif isinstance(value, str):
                value = change(value)
            values.append((key, value))
        return Text(self.context, self.source, tuple(values))

    def text(self, lang: str = "en") -> str:
        """``Localized``: the words in ``lang`` through the installed translator."""
        return self.render(None, lang)


def text(context: str, source: str, **values: object) -> Text:
    """``Text(context, source, values)``; ``source`` should be a ``QT_TRANSLATE_NOOP`` mark."""
    return Text(context, source, tuple(values.items()))


class TextError(ValueError):
    """A refusal worded as a ``Text`` (nothing was sent); ``str()`` is the English."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.text = message
