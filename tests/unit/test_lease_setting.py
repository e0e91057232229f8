"""How long a journal writer's lease lasts: 30 s, or what the environment says (1-600 s)."""

from __future__ import annotations

import pytest

from console.journal.leases import ENV_LEASE_S, LEASE_S, default_lease_s


@pytest.mark.parametrize(
    ("value", "lease"),
    [("", LEASE_S), ("1", 1.0), ("2.5", 2.5), ("600", 600.0)],
)
def test_the_lease_length_comes_from_the_environment(value: str, lease: float) -> None:
    assert default_lease_s({ENV_LEASE_S: value}) == lease


@pytest.mark.parametrize("value", ["0", "0.5", "601", "soon", "-3"])
def test_a_lease_length_out_of_range_is_ignored_and_said(
    value: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert default_lease_s({ENV_LEASE_S: value}) == LEASE_S
    assert f"{ENV_LEASE_S}={value!r} is not 1 to 600 seconds" in caplog.text
