"""The sandbox's world kept in a file: machines, stock, orders, dispenses, pickup codes.

One JSON document, written whole and atomically (a temporary file in the same
folder, flushed, then ``os.replace``), so a crash leaves the old world or the
new one, never half of each. A file that cannot be read (bad JSON, another
version, missing fields) is moved aside as ``<name>.bad-<time>`` with a warning
and the sandbox starts a fresh world: the sandbox never fails to start because
of it.

What is not kept: fault rules, the request and callback logs, and callbacks or
device results still waiting on the clock (see ``Platform.settle_loaded``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from console.sandbox.state import (
    DeliveryState,
    MachineState,
    OrderState,
    PickupCodeState,
    RecordState,
    SandboxState,
    SlotProduct,
)

log = logging.getLogger(__name__)

STATE_FORMAT = "vending-console-sandbox"
STATE_VERSION = 1
SAVE_DELAY_S = 0.2  # changes within this time are written together


class StateFileError(ValueError):
    """The state file is not a sandbox world this version can read."""


@dataclass(frozen=True)
class LoadedWorld:
    state: SandboxState
    saved_at: float  # the sandbox clock's time when the world was written


def new_world_id() -> str:
    """A world's identity: new for every fresh world, kept with it in its file."""
    return secrets.token_hex(8)


# -- to and from JSON -------------------------------------------------------------------


def _plain(obj: Any) -> dict[str, Any]:
    return asdict(obj)


def _build(cls: type[Any], obj: Any, **given: Any) -> Any:
    """A ``cls`` from the fields of ``obj`` it has, with ``given`` in place of those."""
    if not isinstance(obj, dict):
        raise StateFileError(f"{cls.__name__}: expected an object")
    names = {f.name for f in fields(cls) if f.init and f.name not in given}
    return cls(**{k: v for k, v in obj.items() if k in names}, **given)


def _pair(value: Any) -> tuple[int, str] | None:
    if value is None:
        return None
    floor, text = value
    return (int(floor), str(text))


def world_to_json(state: SandboxState, now: float) -> dict[str, Any]:
    """The world as a JSON-ready object. Hold ``state.lock`` while calling."""
    machines = []
    for machine in state.machines.values():
        item = _plain(machine)
        item["products"] = [_plain(p) for p in machine.products.values()]
        machines.append(item)
    return {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "world_id": state.world_id,
        "saved_at": now,
        "next_order_id": state.next_order_id,
        "next_record_id": state.next_record_id,
        "next_delivery_id": state.next_delivery_id,
        "machines": machines,
        "orders": [_plain(o) for o in state.orders.values()],
        "deliveries": [_plain(d) for d in state.deliveries.values()],
        "pickup_codes": [_plain(c) for c in state.pickup_codes.values()],
        "demo_orders": dict(state.demo_orders),
    }


def world_from_json(obj: Any) -> LoadedWorld:
    """The world in ``obj``; raises ``StateFileError`` when it is not one this version reads."""
    if not isinstance(obj, dict) or obj.get("format") != STATE_FORMAT:
        raise StateFileError("not a sandbox state file")
    if obj.get("version") != STATE_VERSION:
        raise StateFileError(f"state file version {obj.get('version')!r} is not {STATE_VERSION}")
    try:
        state = SandboxState(
            world_id=str(obj["world_id"]),
            next_order_id=int(obj["next_order_id"]),
            next_record_id=int(obj["next_record_id"]),
            next_delivery_id=int(obj["next_delivery_id"]),
        )
        if not state.world_id:
            raise StateFileError("the state file has no world id")
        for item in obj["machines"]:
            machine: MachineState = _build(MachineState, item, products={})
            for p in item["products"]:
                product: SlotProduct = _build(SlotProduct, p)
                product.fault = _pair(product.fault)
                machine.products[product.id] = product
                state.products[product.id] = product  # the same object, as build_state has it
            state.machines[machine.machine_no] = machine
        for item in obj["orders"]:
            records = [_build(RecordState, r) for r in item["records"]]
            order: OrderState = _build(OrderState, item, records=records)
            state.orders[order.order_id] = order
        for item in obj["deliveries"]:
            delivery: DeliveryState = _build(DeliveryState, item)
            delivery.planned_failure = _pair(delivery.planned_failure)
            state.deliveries[delivery.delivery_id] = delivery
        for item in obj["pickup_codes"]:
            code: PickupCodeState = _build(PickupCodeState, item)
            state.pickup_codes[code.id] = code
        state.demo_orders = {str(k): int(v) for k, v in dict(obj["demo_orders"]).items()}
        saved_at = float(obj["saved_at"])
    except StateFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateFileError(f"the state file is damaged: {type(exc).__name__}: {exc}") from None
    return LoadedWorld(state, saved_at)


# -- the file -----------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (readable by the user only)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_world(path: Path, state: SandboxState, now: float) -> None:
    with state.lock:
        obj = world_to_json(state, now)
    write_atomic(path, json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8"))


def load_world(path: Path) -> LoadedWorld | None:
    """The world kept in ``path``; None when there is none or it could not be read.

    An unreadable file is moved aside (``<name>.bad-<time>``) and logged as a warning,
    so the next save does not overwrite what someone may want to look at.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("sandbox state file %s cannot be read (%s): starting a fresh world", path, exc)
        return None
    try:
        return world_from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, StateFileError) as exc:
        aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
            where = f"kept as {aside.name}"
        except OSError as move_error:
            where = f"could not be moved aside: {move_error}"
        log.warning(
            "sandbox state file %s is not usable (%s); it was %s; starting a fresh world",
            path,
            exc,
            where,
        )
        return None


class StateSaver:
    """Writes the world a moment after it changes (``changed()``), and at ``stop()``.

    Changes that come together are written together, on this saver's own thread, so
    answering the platform's calls never waits for the disk.
    """

    def __init__(
        self,
        path: Path,
        state: SandboxState,
        now: Callable[[], float],
        delay: float = SAVE_DELAY_S,
    ) -> None:
        self.path = path
        self._state = state
        self._now = now
        self._delay = delay
        self._cond = threading.Condition()
        self._dirty = False
        self._stopped = False
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sandbox-saver", daemon=True)
            self._thread.start()

    def changed(self) -> None:
        with self._cond:
            self._dirty = True
            self._cond.notify_all()

    def save_now(self) -> None:
        """Write the world now (whether or not it changed)."""
        with self._cond:
            self._dirty = False
        with self._write_lock:
            try:
                save_world(self.path, self._state, self._now())
            except OSError as exc:
                log.warning("sandbox state not saved to %s: %s", self.path, exc)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop, writing the world a last time (with the clock's time now)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.save_now()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._dirty and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                self._cond.wait(self._delay)  # let changes that come together gather
                if self._stopped:
                    return
            self.save_now()
