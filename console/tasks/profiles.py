"""Profile and secret work for the profiles dialog, run on the secrets thread.

Secrets go to the secret store only (the OS keyring, or memory when the user
chose "this session only"); the profile file holds the non-secret settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from console.credentials import SECRET_KINDS, Profile, ProfileStore
from console.tasks.environment import SecretsAccess


@dataclass(frozen=True)
class ConnectionSecrets:
    """What a connection test needs, from the form or from the store."""

    app_secret: str = field(repr=False)
    sign_key: str = field(repr=False)


def describe_store(secrets: SecretsAccess) -> str:
    """Which store holds secrets; raises ``KeyringUnavailable`` when there is no usable one."""
    return secrets.store().describe()


def list_profiles(profiles: ProfileStore) -> list[Profile]:
    return sorted(profiles.load().values(), key=lambda p: p.name.lower())


def stored_kinds(secrets: SecretsAccess, name: str) -> dict[str, bool]:
    """Which of a profile's secrets the store holds (the values never leave this thread)."""
    store = secrets.store()
    return {kind: bool(store.get(name, kind)) for kind in SECRET_KINDS}


def save_profile(
    profiles: ProfileStore,
    secrets: SecretsAccess,
    profile: Profile,
    new_secrets: dict[str, str],
) -> str:
    """Store the typed secrets (empty ones keep what is stored), then the profile.

    Secrets first: a profile is never saved pointing at secrets that failed to
    store. Returns where the secrets are.
    """
    store = secrets.store()
    for kind, value in new_secrets.items():
        if value:
            store.set(profile.name, kind, value)
    profiles.save(profile)
    return store.describe()


def delete_profile(profiles: ProfileStore, secrets: SecretsAccess, name: str) -> str:
    store = secrets.store()
    for kind in SECRET_KINDS:
        store.delete(name, kind)
    profiles.delete(name)
    return name


def connection_secrets(
    secrets: SecretsAccess, name: str, app_secret: str, sign_key: str
) -> ConnectionSecrets:
    """The typed secrets, or the stored ones where a field was left empty."""
    if not app_secret or not sign_key:
        store = secrets.store()
        app_secret = app_secret or store.get(name, "app_secret") or ""
        sign_key = sign_key or store.get(name, "sign_key") or ""
    return ConnectionSecrets(app_secret, sign_key)


def ping(profile: Profile, creds: ConnectionSecrets) -> float:
    """Seconds the platform took to answer ``ping`` with these settings (api thread)."""
    from console.api.client import Client  # not needed for the window's first paint

    client = Client(
        profile.base_url,
        profile.appid,
        creds.app_secret,
        creds.sign_key,
        connect_timeout=profile.connect_timeout,
        read_timeout=profile.read_timeout,
    )
    try:
        t0 = time.perf_counter()
        client.ping()
        return time.perf_counter() - t0
    finally:
        client.close()
