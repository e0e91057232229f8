"""Profiles (plain settings, in a file) and their secrets (OS keyring; for a headless
service also systemd credentials or the environment, ``sources``)."""

from console.credentials.profiles import Profile, ProfileStore
from console.credentials.secrets import (
    SECRET_KINDS,
    CredentialsError,
    KeyringStore,
    KeyringUnavailable,
    MemoryStore,
    SecretStore,
)
from console.credentials.sources import (
    CredentialsMissing,
    ServiceCredentials,
    UnsafeCredentialFile,
    service_credentials,
)

__all__ = [
    "SECRET_KINDS",
    "CredentialsError",
    "CredentialsMissing",
    "KeyringStore",
    "KeyringUnavailable",
    "MemoryStore",
    "Profile",
    "ProfileStore",
    "SecretStore",
    "ServiceCredentials",
    "UnsafeCredentialFile",
    "service_credentials",
]
