"""Preferences and window state, in an INI file in the config dir (never secrets)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from console.credentials.profiles import SANDBOX_PROFILE


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

    def window_geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._s.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def sync(self) -> None:
        self._s.sync()
