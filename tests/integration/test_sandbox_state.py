"""The sandbox keeps its world in a state file: a restart continues it; a bad file starts afresh."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import time
from pathlib import Path

import pytest

from console.api.client import Client
from console.api.errors import PlatformRefused
from console.core.status import OrderStatus
from console.sandbox import Sandbox, SandboxClock

from .test_cli import VENDCTL

LOBBY = "16327129"
START = 1_800_000_000.0


def client_for(sb: Sandbox) -> Client:
    c = sb.credentials
    return Client(sb.base_url, c.appid, c.app_secret, c.sign_key, connect_timeout=5, read_timeout=5)


def stock(client: Client, product_id: int) -> int:
    return next(p.current_inventory for p in client.all_products(LOBBY) if p.id == product_id)


def test_a_new_sandbox_on_the_same_file_continues_the_world(tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    with Sandbox(device_cycle_s=0.05, state_file=state) as sb:
        client = client_for(sb)
        world = sb.world_id
        before = stock(client, 502)
        order_id = client.create_order(LOBBY, "", "T" * 24, [(502, 2)])
        client.set_order_status(order_id, LOBBY, OrderStatus.PAID)
        order = client.get_order(order_id, LOBBY)
        delivery = client.dispense(LOBBY, order_id, order.records[0].id)
        assert sb.wait_idle()
        deadline = time.monotonic() + 10
        while client.get_delivery(delivery.delivery_id, LOBBY).status == "dispensing":
            assert time.monotonic() < deadline
            time.sleep(0.02)
    assert not sb.continued

    with Sandbox(state_file=state) as again:
        client = client_for(again)
        assert again.continued and again.world_id == world
        kept = client.get_order(order_id, LOBBY)
        assert kept.trade_id == "T" * 24 and kept.status == "SUCCESS"
        assert kept.records[0].status == "已取货"
        assert client.get_delivery(delivery.delivery_id, LOBBY).status == "success"
        assert stock(client, 502) == before - 2
        # Ids continue where the last run stopped: none is handed out twice.
        newer = client.create_order(LOBBY, "", "U" * 24, [(503, 1)])
        assert newer == order_id + 1
        record = client.get_order(newer, LOBBY).records[0].id
        assert record > kept.records[0].id
        # A trade id the kept world used is still refused.
        with pytest.raises(PlatformRefused, match="trade_id already used"):
            client.create_order(LOBBY, "", "T" * 24, [(503, 1)])


def test_fresh_starts_a_new_world_on_the_file(tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    with Sandbox(state_file=state) as sb:
        world = sb.world_id
        order_id = client_for(sb).create_order(LOBBY, "", "T" * 24, [(502, 1)])
    with Sandbox(state_file=state, fresh=True) as sb:
        assert not sb.continued and sb.world_id != world
        with pytest.raises(PlatformRefused) as refused:
            client_for(sb).get_order(order_id, LOBBY)
        assert refused.value.code == 4004
    with Sandbox(state_file=state) as sb:  # the fresh world is the one kept now
        assert sb.continued and sb.world_id != world


def test_without_a_state_file_nothing_is_kept(console_home: Path) -> None:
    with Sandbox() as one, Sandbox() as two:
        assert one.world_id != two.world_id
    assert not console_home.exists() or not any(console_home.rglob("*.json"))


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        json.dumps({"format": "vending-console-sandbox", "version": 99}).encode(),
        json.dumps(
            {"format": "vending-console-sandbox", "version": 1, "world_id": "w", "machines": 3}
        ).encode(),
    ],
    ids=["bad-json", "not-utf8", "unknown-version", "damaged"],
)
def test_an_unusable_file_is_kept_aside_and_a_fresh_world_starts(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "world.json"
    state.write_bytes(content)
    with (
        caplog.at_level(logging.WARNING, logger="console.sandbox"),
        Sandbox(state_file=state) as sb,
    ):
        assert not sb.continued
        assert client_for(sb).get_order(sb.demo_order("paid"), LOBBY).status == "SUCCESS"
    assert any("not usable" in r.getMessage() for r in caplog.records)
    aside = list(tmp_path.glob("world.json.bad-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    with Sandbox(state_file=state) as sb:  # the fresh world was written in its place
        assert sb.continued


def test_a_dispense_running_at_the_stop_times_out_after_120_s(tmp_path: Path) -> None:
    """The device result was an event on the stopped sandbox's clock: it is gone. As on
    the platform, the machine that never answered times out 120 s after the dispense."""
    state = tmp_path / "world.json"
    with Sandbox(clock=SandboxClock(START, frozen=True), state_file=state) as sb:
        client = client_for(sb)
        sb.inject("device:noanswer#1")
        order_id = sb.demo_order("paid")
        record_id = client.get_order(order_id, LOBBY).records[0].id
        delivery = client.dispense(LOBBY, order_id, record_id)
        assert client.get_delivery(delivery.delivery_id, LOBBY).status == "dispensing"

    clock = SandboxClock(START + 60, frozen=True)
    with Sandbox(clock=clock, state_file=state) as sb:
        client = client_for(sb)
        assert client.get_delivery(delivery.delivery_id, LOBBY).status == "dispensing"
        clock.advance(61)
        assert sb.wait_idle()
        assert client.get_delivery(delivery.delivery_id, LOBBY).status == "timeout"
        # The record may be dispensed again; the machine is free.
        assert client.get_order(order_id, LOBBY).records[0].status == "未取货"
        again = client.dispense(LOBBY, order_id, record_id)
        assert again.delivery_id > delivery.delivery_id


def test_readdress_callbacks_sends_a_kept_order_s_result_to_the_new_address(
    tmp_path: Path,
) -> None:
    state = tmp_path / "world.json"
    with Sandbox(state_file=state) as sb:
        order_id = client_for(sb).create_order(
            LOBBY, "http://127.0.0.1:9/notify/old", "T" * 24, [(502, 1)]
        )
    with Sandbox(state_file=state) as sb:
        assert sb.readdress_callbacks("http://127.0.0.1:9/notify/new") == 1
        assert sb.state.orders[order_id].notify_url == "http://127.0.0.1:9/notify/new"
        assert sb.state.orders[sb.demo_order("paid")].notify_url == ""  # had none: keeps none


class StandaloneRun:
    """``vendctl sandbox --state FILE`` in its own process, until SIGTERM."""

    def __init__(self, state: Path) -> None:
        self.proc = subprocess.Popen(
            [VENDCTL, "sandbox", "--state", str(state)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.lines: list[str] = []
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if "Ctrl+C" in line:
                break
        assert self.lines and self.lines[-1].endswith("Ctrl+C to stop"), self.lines
        fields = dict(x.split(": ", 1) for x in self.lines[1:] if ": " in x)
        self.client = Client(
            self.lines[0], fields["Appid"], fields["AppSecret"], fields["Sign key"],
            connect_timeout=5, read_timeout=5,
        )  # fmt: skip

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
        return code


def test_vendctl_sandbox_state_keeps_the_world_between_runs(tmp_path: Path) -> None:
    state = tmp_path / "vendctl-world.json"
    first = StandaloneRun(state)
    try:
        assert any(line.startswith("state: ") and "new world" in line for line in first.lines)
        order_id = first.client.create_order(LOBBY, "", "V" * 24, [(502, 1)])
    finally:
        assert first.stop() == 0
    second = StandaloneRun(state)
    try:
        assert any(line.startswith("state: ") and "continued" in line for line in second.lines)
        assert second.client.get_order(order_id, LOBBY).trade_id == "V" * 24
        assert second.client.create_order(LOBBY, "", "W" * 24, [(502, 1)]) == order_id + 1
    finally:
        assert second.stop() == 0
