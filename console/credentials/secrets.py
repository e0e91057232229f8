"""Secrets live in the OS keyring through ``keyring``, or in memory for one session.

Never a plaintext file: when no usable keyring exists (the ``fail`` backend, a
locked keyring, D-Bus down) we say so plainly and the caller may choose a
session-only ``MemoryStore``. There is no silent fallback.
"""

from __future__ import annotations

import threading
from typing import Protocol

SERVICE = "vending-console"
# The three secrets of a profile. The Appid is a credential but not a secret.
SECRET_KINDS = ("app_secret", "sign_key", "notify_token")


class CredentialsError(Exception):
    """Credentials are missing or cannot be read."""


class KeyringUnavailable(CredentialsError):
    """No usable OS keyring: nothing was stored or read."""


class SecretStore(Protocol):
    def get(self, profile: str, kind: str) -> str | None: ...
    def set(self, profile: str, kind: str, value: str) -> None: ...
    def delete(self, profile: str, kind: str) -> None: ...
    def describe(self) -> str: ...


def _username(profile: str, kind: str) -> str:
    if kind not in SECRET_KINDS:
        raise ValueError(f"unknown secret kind {kind!r}")
    return f"{profile}:{kind}"


class MemoryStore:
    """Secrets kept for this session only; gone when the program ends."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, profile: str, kind: str) -> str | None:
        with self._lock:
            return self._data.get((profile, _username(profile, kind)))

    def set(self, profile: str, kind: str, value: str) -> None:
        with self._lock:
            self._data[(profile, _username(profile, kind))] = value

    def delete(self, profile: str, kind: str) -> None:
        with self._lock:
            self._data.pop((profile, _username(profile, kind)), None)

    def describe(self) -> str:
        return "this session only (memory; forgotten when the console closes)"


class KeyringStore:
    """The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Locker)."""

    def __init__(self, backend: object | None = None) -> None:
        import keyring
        import keyring.errors

        self._errors = keyring.errors
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._check_usable()

    def _check_usable(self) -> None:
        b = self._backend
        mod = type(b).__module__
        if mod.startswith("keyring.backends.fail") or mod.startswith("keyring.backends.null"):
            raise KeyringUnavailable(
                "no usable OS keyring was found (keyring backend: "
                f"{self.backend_name()}). Secrets cannot be stored safely; install or "
                "unlock a keyring (e.g. GNOME Keyring), or keep them for this session only."
            )
        priority = getattr(b, "priority", 1)
        if isinstance(priority, int | float) and priority <= 0:
            raise KeyringUnavailable(
                f"the keyring backend {self.backend_name()} is not usable here "
                "(is D-Bus running and the keyring unlocked?)"
            )

    def backend_name(self) -> str:
        b = self._backend
        name = getattr(b, "name", None)
        return str(name) if name else f"{type(b).__module__}.{type(b).__qualname__}"

    def describe(self) -> str:
        return f"OS keyring ({self.backend_name()})"

    def _wrap(self, exc: Exception) -> KeyringUnavailable:
        kind = type(exc).__name__
        if isinstance(exc, self._errors.KeyringLocked):
            text = "the keyring is locked: unlock it and try again"
        elif isinstance(exc, self._errors.InitError | self._errors.NoKeyringError):
            text = "the keyring could not be reached (is D-Bus running?)"
        else:
            text = "the keyring refused the request"
        return KeyringUnavailable(f"{text} ({kind} from {self.backend_name()})")

    def get(self, profile: str, kind: str) -> str | None:
        try:
            value: str | None = self._backend.get_password(SERVICE, _username(profile, kind))  # type: ignore[attr-defined]
        except Exception as exc:  # keyring backends raise many kinds; all mean "unusable"
            raise self._wrap(exc) from exc
        return value

    def set(self, profile: str, kind: str, value: str) -> None:
        try:
            self._backend.set_password(SERVICE, _username(profile, kind), value)  # type: ignore[attr-defined]
        except Exception as exc:
            raise self._wrap(exc) from exc

    def delete(self, profile: str, kind: str) -> None:
        try:
            self._backend.delete_password(SERVICE, _username(profile, kind))  # type: ignore[attr-defined]
        except self._errors.PasswordDeleteError:
            return
        except Exception as exc:
            raise self._wrap(exc) from exc
