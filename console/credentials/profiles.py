"""Profiles: the non-secret settings of one platform account, kept in a JSON file.

Secrets (AppSecret, sign key, notify token) are never written here; see
``console.credentials.secrets``.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from console.credentials.secrets import CredentialsError

SANDBOX_PROFILE = "Sandbox"


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str
    appid: str = ""
    public_notify_url: str = ""  # when the receiver sits behind a tunnel/proxy
    receiver_host: str = "127.0.0.1"
    receiver_port: int = 0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0

    @property
    def is_sandbox(self) -> bool:
        return self.name == SANDBOX_PROFILE

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


class ProfileStore:
    """Profiles in ``profiles.json`` (mode 0600), written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Profile]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, json.JSONDecodeError) as exc:
            raise CredentialsError(f"cannot read profiles from {self.path}: {exc}") from None
        items = raw.get("profiles", []) if isinstance(raw, dict) else []
        out: dict[str, Profile] = {}
        for item in items:
            if isinstance(item, dict) and item.get("name") and item.get("base_url"):
                p = Profile.from_dict(item)
                out[p.name] = p
        return out

    def get(self, name: str) -> Profile:
        profiles = self.load()
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none yet"
            raise CredentialsError(f"no profile named {name!r} (profiles: {known})")
        return profiles[name]

    def save(self, profile: Profile) -> None:
        profiles = self.load()
        profiles[profile.name] = profile
        self._write(profiles)

    def delete(self, name: str) -> None:
        profiles = self.load()
        if profiles.pop(name, None) is not None:
            self._write(profiles)

    def _write(self, profiles: dict[str, Profile]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"profiles": [asdict(p) for p in sorted(profiles.values(), key=lambda p: p.name)]}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".profiles-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=2)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
