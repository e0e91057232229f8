"""Profiles whose secrets live in the real OS keyring, and what happens without one."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from console.sandbox import Sandbox

from .test_cli import VENDCTL


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VENDCTL, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def base_env(home: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("VENDCTL_")}
    e["VENDING_CONSOLE_HOME"] = str(home)
    return e


@pytest.mark.keyring
def test_profile_secrets_round_trip_through_the_secret_service(
    sandbox: Sandbox, console_home: Path
) -> None:
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), (
        "run inside dbus-run-session (make test does)"
    )
    c = sandbox.credentials
    env = base_env(console_home)
    add = run(
        ["profile", "add", "shop1", "--base-url", sandbox.base_url, "--appid", c.appid],
        {**env, "VENDCTL_APP_SECRET": c.app_secret, "VENDCTL_SIGN_KEY": c.sign_key},
    )
    assert add.returncode == 0, add.stderr
    assert "SecretService" in add.stdout
    # The profile file holds no secret.
    text = (console_home / "config" / "profiles.json").read_text()
    assert c.app_secret not in text and c.sign_key not in text
    assert json.loads(text)["profiles"][0]["appid"] == c.appid

    # With nothing in the environment, --profile reads the secrets back from the keyring.
    ping = run(["--profile", "shop1", "ping"], env)
    assert ping.returncode == 0 and "pong" in ping.stdout, ping.stderr
    order = run(["order", "show", "60", "--machine", "16327129", "--profile", "shop1"], env)
    assert order.returncode == 0, order.stderr

    assert run(["profile", "remove", "shop1"], env).returncode == 0
    gone = run(["--profile", "shop1", "ping"], env)
    assert gone.returncode == 4 and "no profile named 'shop1'" in gone.stderr


def test_no_usable_keyring_is_a_clear_error_never_a_plaintext_fallback(
    sandbox: Sandbox, console_home: Path
) -> None:
    c = sandbox.credentials
    env = {**base_env(console_home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    add = run(
        ["profile", "add", "shop1", "--base-url", sandbox.base_url, "--appid", c.appid],
        {**env, "VENDCTL_APP_SECRET": c.app_secret, "VENDCTL_SIGN_KEY": c.sign_key},
    )
    assert add.returncode == 4 and "no usable OS keyring" in add.stderr
    written = [p for p in console_home.rglob("*") if p.is_file()]
    assert all(c.app_secret not in p.read_text(errors="replace") for p in written)
    assert not (console_home / "config" / "profiles.json").exists()
