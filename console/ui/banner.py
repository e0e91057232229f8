"""The environment banner: which platform the window talks to, impossible to miss."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from console.tasks.environment import ENV_PRODUCTION, ENV_SANDBOX, ENV_TEST, Environment
from console.ui.texts import retranslated, translate

STYLES = {
    ENV_SANDBOX: "background:#1565c0; color:white;",
    ENV_TEST: "background:#ef6c00; color:white;",
    ENV_PRODUCTION: "background:#b71c1c; color:white;",
    "none": "background:#616161; color:white;",
}
BASE_STYLE = "font-size:15px; font-weight:bold; padding:6px 10px;"


def banner_title(env: Environment) -> str:
    """Short words for the window title."""
    if env.kind == ENV_SANDBOX:
        return translate("EnvironmentBanner", "SANDBOX")
    if env.kind == ENV_TEST:
        return translate("EnvironmentBanner", "TEST: {name}").format(name=env.profile.name)
    return translate("EnvironmentBanner", "LIVE: {name}").format(name=env.profile.name)


class EnvironmentBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environment_banner")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.kind = "none"
        self.show_none(translate("EnvironmentBanner", "Starting…"))

    def _apply(self, kind: str, html: str) -> None:
        self.kind = kind
        self.setStyleSheet(BASE_STYLE + STYLES[kind])
        self.setText(html)

    def show_none(self, text: str) -> None:
        self._shown: str | Environment = text
        self._apply("none", escape(text))

    def retranslate(self) -> None:
        """Show the same in the language installed now."""
        if isinstance(self._shown, str):
            self.show_none(retranslated(self._shown) or self._shown)
        else:
            self.show_env(self._shown)

    def show_env(self, env: Environment) -> None:
        self._shown = env
        name = escape(env.profile.name)
        url = escape(env.profile.base_url)
        if env.kind == ENV_SANDBOX:
            html = translate(
                "EnvironmentBanner",
                "SANDBOX — a simulated platform on this computer ({url}). "
                "Nothing here touches real machines or money.",
            ).format(url=url)
        elif env.kind == ENV_TEST:
            html = translate(
                "EnvironmentBanner", "TEST — profile “{name}” at {url} (this computer)."
            ).format(name=name, url=url)
        else:
            html = translate(
                "EnvironmentBanner",
                "LIVE — profile “{name}” at {url}: real machines, real money. "
                "Every dispense drops a real item.",
            ).format(name=name, url=url)
        self._apply(env.kind, html)
