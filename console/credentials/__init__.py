"""Profiles (plain settings, in a file) and their secrets (OS keyring only)."""

from console.credentials.profiles import Profile, ProfileStore
from console.credentials.secrets import (
    SECRET_KINDS,
    CredentialsError,
    KeyringStore,
    KeyringUnavailable,
    MemoryStore,
    SecretStore,
)

__all__ = [
    "SECRET_KINDS",
    "CredentialsError",
    "KeyringStore",
    "KeyringUnavailable",
    "MemoryStore",
    "Profile",
    "ProfileStore",
    "SecretStore",
]
