"""Where the console keeps its files: the platform's user dirs, or one folder.

``$VENDING_CONSOLE_HOME`` (used by tests and for a portable setup) puts config,
data and logs under one folder. Files are created readable by the user only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "vending-console"
ENV_HOME = "VENDING_CONSOLE_HOME"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def sandbox_state_file(self) -> Path:
        """The built-in sandbox's world (machines, stock, orders, dispenses)."""
        return self.data_dir / "sandbox-world.json"

    @property
    def profiles_file(self) -> Path:
        return self.config_dir / "profiles.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "console.log"

    def ensure(self) -> Paths:
        for d in (self.config_dir, self.data_dir, self.log_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def app_paths(env: dict[str, str] | None = None) -> Paths:
    e = os.environ if env is None else env
    home = e.get(ENV_HOME)
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "logs")
    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
