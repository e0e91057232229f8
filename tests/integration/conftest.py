"""Fixtures for tests against the real sandbox platform over loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from console.api.client import Client, Exchange
from console.sandbox import Sandbox

LOBBY = "16327129"
STATION = "16327130"
WAREHOUSE = "16327131"
CANTEEN = "16327132"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox on the real clock whose machines answer in 0.2 s."""
    with Sandbox(seed=1, device_cycle_s=0.2) as sb:
        yield sb


@pytest.fixture
def exchanges() -> list[Exchange]:
    return []


@pytest.fixture
def make_client(sandbox: Sandbox, exchanges: list[Exchange]) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(**kw: object) -> Client:
        c = sandbox.credentials
        kw.setdefault("observer", exchanges.append)
        kw.setdefault("backoff_s", 0.01)
        client = Client(sandbox.base_url, c.appid, c.app_secret, c.sign_key, **kw)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()
