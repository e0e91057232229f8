"""Where a headless service finds its credentials: keyring, systemd credentials, environment.

A server rarely has a Secret Service (no desktop session, no D-Bus user bus),
so ``vendctl serve`` looks in three places, in this order, and takes the first
that holds the secrets:

1. the OS keyring, for ``--profile NAME``, when a usable keyring is there;
2. systemd credentials: the files ``appid``, ``app_secret``, ``sign_key`` and
   ``notify_token`` in ``$CREDENTIALS_DIRECTORY`` (``LoadCredential=`` or
   ``LoadCredentialEncrypted=`` in the unit; systemd keeps them in memory, readable
   by the service only);
3. the environment: ``VENDCTL_APPID``, ``VENDCTL_APP_SECRET``, ``VENDCTL_SIGN_KEY``,
   ``VENDCTL_NOTIFY_TOKEN`` (the names ``vendctl`` already reads).

Never a file others may read: a credential file readable (or writable) by other
users is refused with a sentence saying how to fix it. A source that holds some
secrets but not all is an error too (mixing sources silently would hide a
half-done setup). The result says which source it used, never a secret.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from console.credentials.profiles import Profile
from console.credentials.secrets import CredentialsError, KeyringStore, SecretStore

ENV_APPID = "VENDCTL_APPID"
ENV_APP_SECRET = "VENDCTL_APP_SECRET"  # noqa: S105 - a variable name, not a secret
ENV_SIGN_KEY = "VENDCTL_SIGN_KEY"
ENV_BASE_URL = "VENDCTL_BASE_URL"
ENV_NOTIFY_URL = "VENDCTL_NOTIFY_URL"
ENV_NOTIFY_TOKEN = "VENDCTL_NOTIFY_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY"

# The names of the systemd credentials (file names in $CREDENTIALS_DIRECTORY).
CREDENTIAL_NAMES = ("appid", "app_secret", "sign_key", "notify_token")
_ENV_NAMES = {
    "appid": ENV_APPID,
    "app_secret": ENV_APP_SECRET,
    "sign_key": ENV_SIGN_KEY,
    "notify_token": ENV_NOTIFY_TOKEN,
}
_MAX_CREDENTIAL_BYTES = 4096

THREE_WAYS = (
    "put them in the OS keyring (`vendctl profile add NAME --base-url URL --appid ID`, then "
    "--profile NAME), in systemd credentials (LoadCredential= or LoadCredentialEncrypted= for "
    "appid, app_secret, sign_key and notify_token; see docs/deploy.md), or in the environment "
    f"({ENV_APPID}, {ENV_APP_SECRET}, {ENV_SIGN_KEY}, {ENV_NOTIFY_TOKEN})"
)


class CredentialsMissing(CredentialsError):
    """No source holds the credentials, or the one that has some lacks others."""


class UnsafeCredentialFile(CredentialsError):
    """A credential file other users may read or change: refused, not read."""


@dataclass(frozen=True)
class ServiceCredentials:
    """The Appid and the three secrets, and the words for where they came from."""

    appid: str
    app_secret: str = field(repr=False)
    sign_key: str = field(repr=False)
    notify_token: str = field(repr=False)
    source: str  # e.g. "systemd credentials (/run/credentials/vendctl-serve.service)"
    notes: tuple[str, ...] = ()  # sources passed over, and why (no secrets)

    @property
    def secrets(self) -> tuple[str, str, str]:
        return (self.app_secret, self.sign_key, self.notify_token)


def _from_keyring(
    profile: Profile, make_store: Callable[[], SecretStore]
) -> tuple[dict[str, str], str]:
    store = make_store()  # raises KeyringUnavailable when there is no usable keyring
    values = {"appid": profile.appid}
    for kind in ("app_secret", "sign_key", "notify_token"):
        values[kind] = (store.get(profile.name, kind) or "").strip()
    return values, f"{store.describe()} for profile {profile.name!r}"


def read_credential_file(path: Path) -> str:
    """One credential file's text (stripped), or "" when it is absent. Refuses a file that
    other users may read or change, and anything but a small regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise CredentialsError(f"cannot read the credential file {path}: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeCredentialFile(f"the credential {path} is not a regular file")
        if st.st_mode & (stat.S_IROTH | stat.S_IWOTH):
            raise UnsafeCredentialFile(
                f"the credential file {path} can be read or changed by every user on this "
                f"computer (mode {stat.S_IMODE(st.st_mode):04o}): it was not read; make it "
                f"readable by its owner only (chmod 600 {path}) or use systemd's "
                "LoadCredential=, which does so by itself"
            )
        if st.st_size > _MAX_CREDENTIAL_BYTES:
            raise CredentialsError(f"the credential file {path} is too large to be a credential")
        data = os.read(fd, _MAX_CREDENTIAL_BYTES + 1)
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise CredentialsError(f"the credential file {path} is not UTF-8 text") from None


def _from_directory(directory: Path) -> dict[str, str]:
    return {name: read_credential_file(directory / name) for name in CREDENTIAL_NAMES}


def _from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    return {name: environ.get(env, "").strip() for name, env in _ENV_NAMES.items()}


def _secrets_present(values: Mapping[str, str]) -> list[str]:
    return [k for k in ("app_secret", "sign_key", "notify_token") if values.get(k)]


def _complete(
    values: Mapping[str, str],
    source: str,
    notes: list[str],
    names: Mapping[str, str] | None = None,
) -> ServiceCredentials:
    missing = [(names or {}).get(k, k) for k in CREDENTIAL_NAMES if not values.get(k)]
    if missing:
        raise CredentialsMissing(
            f"the credentials in {source} are incomplete: {', '.join(missing)} missing "
            "(add them there; sources are not mixed)"
        )
    return ServiceCredentials(
        values["appid"],
        values["app_secret"],
        values["sign_key"],
        values["notify_token"],
        source,
        tuple(notes),
    )


def service_credentials(
    profile: Profile | None,
    environ: Mapping[str, str] | None = None,
    *,
    make_store: Callable[[], SecretStore] = KeyringStore,
) -> ServiceCredentials:
    """The first source, in the module's order, that holds the secrets.

    Raises ``CredentialsMissing`` (no source has them, or the first that has some
    lacks others), ``UnsafeCredentialFile`` or ``CredentialsError``; each message is
    one sentence saying what to do, without a secret.
    """
    env = os.environ if environ is None else environ
    notes: list[str] = []
    if profile is not None:
        try:
            values, source = _from_keyring(profile, make_store)
        except CredentialsError as exc:
            notes.append(f"OS keyring not used: {exc}")
        else:
            if _secrets_present(values):
                return _complete(values, source, notes)
            notes.append(f"{source} holds no secrets")
    else:
        notes.append("OS keyring not used: no --profile")
    directory = env.get(ENV_CREDENTIALS_DIRECTORY, "").strip()
    if directory:
        values = _from_directory(Path(directory))
        if _secrets_present(values):
            return _complete(values, f"systemd credentials ({directory})", notes)
        notes.append(f"systemd credentials ({directory}) hold no secrets")
    values = _from_environment(env)
    if _secrets_present(values):
        return _complete(values, "the environment", notes, _ENV_NAMES)
    raise CredentialsMissing(f"no credentials found: {THREE_WAYS}")
