"""Preferences and window state, in an INI file in the config dir (never secrets).

Also the UI language: the stored choice (``system``, ``en`` or ``zh_CN``), the
translators that apply it (``install_language``, at start-up) and ``ui_lang()``,
the language code the domain texts in ``console.core`` are picked in.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)

from console.core.texts import install_translator
from console.credentials.profiles import SANDBOX_PROFILE
from console.resources import translations_dir

LANGUAGE_SYSTEM = "system"
LANGUAGE_EN = "en"
LANGUAGE_ZH = "zh_CN"
LANGUAGES = (LANGUAGE_SYSTEM, LANGUAGE_EN, LANGUAGE_ZH)
TRANSLATION_BASENAME = "vending_console"  # console/resources/translations/vending_console_<lang>.ts


class Settings:
    """Typed access to the console's QSettings, with defaults."""

    def __init__(self, path: Path) -> None:
        self._s = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def last_profile(self) -> str:
        return str(self._s.value("profile/last", SANDBOX_PROFILE) or SANDBOX_PROFILE)

    @last_profile.setter
    def last_profile(self, name: str) -> None:
        self._s.setValue("profile/last", name)

    @property
    def follow_tail(self) -> bool:
        return str(self._s.value("log/follow_tail", "true")).lower() == "true"

    @follow_tail.setter
    def follow_tail(self, on: bool) -> None:
        self._s.setValue("log/follow_tail", "true" if on else "false")

    @property
    def language(self) -> str:
        """``system`` (follow the system locale), ``en`` or ``zh_CN``; applied at start-up."""
        value = str(self._s.value("ui/language", LANGUAGE_SYSTEM) or LANGUAGE_SYSTEM)
        return value if value in LANGUAGES else LANGUAGE_SYSTEM

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("ui/language", value if value in LANGUAGES else LANGUAGE_SYSTEM)

    def window_geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._s.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    @property
    def log_collapsed(self) -> bool:
        return str(self._s.value("log/collapsed", "false")).lower() == "true"

    @log_collapsed.setter
    def log_collapsed(self, on: bool) -> None:
        self._s.setValue("log/collapsed", "true" if on else "false")

    @property
    def log_height(self) -> int:
        """The log pane's height when open, in pixels (0: not known yet)."""
        try:
            return max(0, int(str(self._s.value("log/height", 0))))
        except ValueError:
            return 0

    @log_height.setter
    def log_height(self, pixels: int) -> None:
        self._s.setValue("log/height", int(pixels))

    def splitter_state(self, name: str) -> QByteArray | None:
        """A splitter's sizes (``QSplitter.saveState``) as it was left, by its object name."""
        value = self._s.value(f"splitters/{name}")
        return value if isinstance(value, QByteArray) else None

    def save_splitter(self, name: str, state: QByteArray) -> None:
        self._s.setValue(f"splitters/{name}", state)

    def sync(self) -> None:
        self._s.sync()


def resolve_language(choice: str, locale: QLocale | None = None) -> str:
    """The language to show: ``en`` or ``zh_CN``; ``system`` follows ``locale`` (the system's)."""
    if choice in (LANGUAGE_EN, LANGUAGE_ZH):
        return choice
    loc = locale if locale is not None else QLocale.system()
    return LANGUAGE_ZH if loc.language() == QLocale.Language.Chinese else LANGUAGE_EN


_installed: list[QTranslator] = []


def install_language(language: str, folder: Path | None = None) -> bool:
    """Show the UI in ``language`` (``en`` or ``zh_CN``) from now on; replaces earlier ones.

    Loads the console's ``vending_console_<language>.qm`` from ``folder`` (the
    translations dir by default) and Qt's own (standard buttons such as Cancel).
    Returns whether the console's translation loaded; English needs none.
    """
    app = QCoreApplication.instance()
    if app is None:
        return False
    # The Qt-free code's Chinese words (Troubleshoot, fault meanings) come from the same
    # translators: the one installed now, by the message id.
    install_translator("zh", QCoreApplication.translate)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == LANGUAGE_EN:
        return True
    ours = QTranslator(app)
    loaded = ours.load(f"{TRANSLATION_BASENAME}_{language}", str(folder or translations_dir()))
    if loaded:
        app.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return loaded


def ui_lang() -> str:
    """``zh`` when the Chinese translation is installed, else ``en``: the ``lang`` argument
    for the domain texts that carry both languages (status labels, fault meanings, codes)."""
    code = QCoreApplication.translate(
        "Language", "en", "domain-text language code: zh for Chinese, en otherwise"
    )
    return "zh" if code.startswith("zh") else "en"
