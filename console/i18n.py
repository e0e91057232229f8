"""The window's translations for ``vendctl --lang zh``: the same message ids, the same ``.qm``.

``vendctl`` words its texts in English unless asked for Chinese (``--lang zh`` or
``VENDCTL_LANG=zh``). Then it loads ``console/resources/translations/
vending_console_zh_CN.qm`` — the file the window loads — with Qt's ``QTranslator``
(QtCore only: no application object, no display) and installs it as the Qt-free
code's translator for ``zh`` (``console.core.texts.install_translator``). Qt is
imported only then, so ``vendctl`` in English starts without loading it.
"""

from __future__ import annotations

import os
from typing import Any

from console.core.texts import install_translator

LANGUAGES = ("en", "zh")
ENV_VAR = "VENDCTL_LANG"
TRANSLATION_FILE = "vending_console_zh_CN.qm"

_kept: list[Any] = []  # the loaded QTranslator (it must outlive every lookup)


class TranslationMissing(RuntimeError):
    """The compiled Chinese translation is not where the package keeps it."""


def default_language() -> str:
    """``VENDCTL_LANG`` when it names a language (``zh``, ``zh_CN``, ``en``), else ``en``."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    return "zh" if value.startswith("zh") else "en"


def use_language(lang: str) -> None:
    """Word the Qt-free texts in ``lang`` from now on (``en`` needs nothing loaded)."""
    if not lang.startswith("zh") or _kept:
        return
    from PySide6.QtCore import QTranslator  # only for Chinese: English starts faster

    from console.resources import translations_dir

    path = translations_dir() / TRANSLATION_FILE
    translator = QTranslator()
    if not translator.load(str(path)):
        raise TranslationMissing(f"the Chinese translation {path} could not be loaded")
    _kept.append(translator)

    def translate(context: str, source: str) -> str:
        return str(translator.translate(context, source))

    install_translator("zh", translate)


def translated(context: str, source: str, lang: str) -> str:
    """``source`` (a ``QT_TRANSLATE_NOOP`` mark) in ``lang``."""
    from console.core.texts import translator

    return translator(lang)(context, source)
