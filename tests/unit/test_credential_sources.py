"""Where `vendctl serve` finds its credentials: keyring, then systemd credentials, then
the environment — and never a file other users can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.credentials import (
    CredentialsError,
    CredentialsMissing,
    KeyringUnavailable,
    MemoryStore,
    Profile,
    UnsafeCredentialFile,
    service_credentials,
)

SECRETS = {"app_secret": "S3cret-value", "sign_key": "SignKey-42", "notify_token": "T" * 24}
ENV = {
    "VENDCTL_APPID": "env-appid",
    "VENDCTL_APP_SECRET": "env-secret",
    "VENDCTL_SIGN_KEY": "env-sign",
    "VENDCTL_NOTIFY_TOKEN": "E" * 24,
}
PROFILE = Profile("shop", "https://api.example", appid="kr-appid")


def keyring_with(values: dict[str, str]) -> MemoryStore:
    store = MemoryStore()
    for kind, value in values.items():
        store.set(PROFILE.name, kind, value)
    return store


def no_keyring() -> MemoryStore:
    raise KeyringUnavailable("no usable OS keyring was found (keyring backend: fail)")


def credentials_dir(tmp_path: Path, values: dict[str, str], mode: int = 0o600) -> Path:
    d = tmp_path / "creds"
    d.mkdir()
    for name, value in values.items():
        (d / name).write_text(value + "\n", encoding="utf-8")
        (d / name).chmod(mode)
    return d


def test_the_keyring_comes_first_when_it_holds_the_secrets(tmp_path: Path) -> None:
    d = credentials_dir(tmp_path, {"appid": "x", **SECRETS})
    store = keyring_with(SECRETS)
    c = service_credentials(
        PROFILE, {**ENV, "CREDENTIALS_DIRECTORY": str(d)}, make_store=lambda: store
    )
    assert (c.appid, c.secrets) == ("kr-appid", tuple(SECRETS.values()))
    assert c.source == f"{store.describe()} for profile 'shop'"


def test_systemd_credentials_when_the_keyring_is_unusable(tmp_path: Path) -> None:
    d = credentials_dir(tmp_path, {"appid": "sd-appid", **SECRETS})
    c = service_credentials(
        PROFILE, {**ENV, "CREDENTIALS_DIRECTORY": str(d)}, make_store=no_keyring
    )
    assert (c.appid, c.secrets) == ("sd-appid", tuple(SECRETS.values()))  # newline stripped
    assert c.source == f"systemd credentials ({d})"
    assert c.notes == (
        "OS keyring not used: no usable OS keyring was found (keyring backend: fail)",
    )


def test_the_environment_last() -> None:
    c = service_credentials(None, ENV)
    assert (c.appid, c.notify_token, c.source) == ("env-appid", "E" * 24, "the environment")
    assert "S3cret" not in repr(c) and "env-secret" not in repr(c)


def test_a_source_with_some_secrets_but_not_all_is_not_mixed_with_the_next() -> None:
    env = {k: v for k, v in ENV.items() if k != "VENDCTL_NOTIFY_TOKEN"}
    with pytest.raises(CredentialsMissing) as err:
        service_credentials(PROFILE, env, make_store=lambda: keyring_with({}))
    assert str(err.value) == (
        "the credentials in the environment are incomplete: VENDCTL_NOTIFY_TOKEN missing "
        "(add them there; sources are not mixed)"
    )


def test_nothing_anywhere_names_the_three_ways() -> None:
    with pytest.raises(CredentialsMissing) as err:
        service_credentials(None, {})
    text = str(err.value)
    assert text.startswith("no credentials found: put them in the OS keyring")
    assert "LoadCredential=" in text and "VENDCTL_APP_SECRET" in text


@pytest.mark.parametrize("mode", [0o644, 0o602, 0o666])
def test_a_credential_file_other_users_may_read_or_change_is_refused(
    tmp_path: Path, mode: int
) -> None:
    d = credentials_dir(tmp_path, {"appid": "a", **SECRETS})
    (d / "sign_key").chmod(mode)
    with pytest.raises(UnsafeCredentialFile) as err:
        service_credentials(None, {"CREDENTIALS_DIRECTORY": str(d)})
    assert f"(mode {mode:04o}): it was not read" in str(err.value)
    assert "SignKey" not in str(err.value)


def test_a_symlinked_credential_is_not_followed(tmp_path: Path) -> None:
    d = credentials_dir(tmp_path, {"appid": "a", "app_secret": "s", "notify_token": "t" * 20})
    target = tmp_path / "elsewhere"
    target.write_text("k")
    target.chmod(0o600)
    (d / "sign_key").symlink_to(target)
    with pytest.raises(CredentialsError, match=r"cannot read the credential file .*sign_key"):
        service_credentials(None, {"CREDENTIALS_DIRECTORY": str(d)})
