"""A small HTTP/1.1 keep-alive load generator (loopback only), run as its own process.

Every connection is a thread with a raw socket (``TCP_NODELAY``) sending
pre-built POST requests, each a distinct callback (order ids from ``--offset``).

- ``closed``: each connection sends its next request as soon as the answer
  arrived, for ``--duration`` seconds (throughput).
- ``rate``: ``--total`` requests spread evenly over ``--duration`` seconds
  across the connections; latency is measured from each request's scheduled
  time, so a stall is not hidden by the sender waiting (no coordinated omission).

Prints one JSON line: count, errors, elapsed, latencies_ms (sorted sample).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

from benchmarks.common import callback_body

MAX_SAMPLES = 200_000


def _request(host: str, port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class Conn:
    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def roundtrip(self, data: bytes) -> int:
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            rest += chunk
        self.buf = rest[length:]
        return status

    def close(self) -> None:
        self.sock.close()


def run(url: str, mode: str, conns: int, duration: float, total: int, offset: int) -> dict:
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    start_evt = threading.Event()
    t0_holder: list[float] = []

    def merge(lat: list[float], ok: int, err: int) -> None:
        """Add one connection's latencies and counts to the run's totals."""
        with lock:
            latencies.extend(lat)
            counts["ok"] += ok
            counts["errors"] += err

    def closed_worker(idx: int) -> None:
        c = Conn(host, port)
        n = 0
        lat: list[float] = []
        ok = err = 0
        start_evt.wait()
        end = t0_holder[0] + duration
        try:
            while True:
                now = time.perf_counter()
                if now >= end:
                    break
                oid = offset + idx * 10_000_000 + n
                n += 1
                data = _request(host, port, path, callback_body(oid, oid))
                t = time.perf_counter()
                status = c.roundtrip(data)
                lat.append((time.perf_counter() - t) * 1000)
                if status == 200:
                    ok += 1
                else:
                    err += 1
        finally:
            c.close()
        merge(lat[:MAX_SAMPLES], ok, err)

    def rate_worker(idx: int) -> None:
        c = Conn(host, port)
        mine = list(range(idx, total, conns))
        interval = duration / total
        lat: list[float] = []
        ok = err = 0
        start_evt.wait()
        t0 = t0_holder[0]
        try:
            for i in mine:
                due = t0 + i * interval
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                oid = offset + i
                status = c.roundtrip(_request(host, port, path, callback_body(oid, oid)))
                lat.append((time.perf_counter() - due) * 1000)
                if status == 200:
                    ok += 1
                else:
                    err += 1
        finally:
            c.close()
        merge(lat, ok, err)

    target = closed_worker if mode == "closed" else rate_worker
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(conns)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # all connected
    t0_holder.append(time.perf_counter() + 0.05)
    start_evt.set()
    for t in threads:
        t.join(duration + 60)
    elapsed = time.perf_counter() - t0_holder[0]
    latencies.sort()
    return {
        "count": counts["ok"],
        "errors": counts["errors"],
        "elapsed_s": elapsed,
        "latencies_ms": latencies,
    }


def command(
    url: str, mode: str, conns: int, duration: float, offset: int, total: int | None = None
) -> list[str]:
    """The command line that runs this load generator (``--total`` only when given)."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.loadgen",
        "--url",
        url,
        "--mode",
        mode,
        "--conns",
        str(conns),
        "--duration",
        str(duration),
        "--offset",
        str(offset),
    ]
    if total is not None:
        cmd += ["--total", str(total)]
    return cmd


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--mode", choices=("closed", "rate"), default="closed")
    p.add_argument("--conns", type=int, default=4)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--total", type=int, default=0)
    p.add_argument("--offset", type=int, default=1)
    a = p.parse_args()
    if urlsplit(a.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        p.error("loopback only")
    out = run(a.url, a.mode, a.conns, a.duration, a.total, a.offset)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
