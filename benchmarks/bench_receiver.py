"""Receiver throughput and latency: the real ``Receiver`` journalling every callback
(committed, WAL + synchronous=NORMAL, before the 200) against a bare
``ThreadingHTTPServer`` handler that only parses the JSON, same load generator,
same run. Servers run in this process; the load comes from separate processes.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.common import emit, median, pct

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchbenchbenchbenchbench"  # noqa: S105 - a loopback test token
CLOSED_S = 4.0
ROUNDS = 5
LOAD_PROCS = 2
CONNS_PER_PROC = 4
RATE = 300
RATE_S = 10.0


class BareHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        json.loads(self.rfile.read(length))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class BareServer:
    def __enter__(self) -> BareServer:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), BareHandler)
        self.server.daemon_threads = True
        port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{port}/notify/{TOKEN}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class RealReceiver:
    def __init__(self, tmp: Path, n: int) -> None:
        self.path = tmp / f"journal-{n}.sqlite3"

    def __enter__(self) -> RealReceiver:
        from console.journal import Journal
        from console.receiver import Receiver

        self.journal = Journal(self.path, "bench")
        self.receiver = Receiver(self.journal, TOKEN).start()
        self.url = self.receiver.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.receiver.stop()
        self.journal.close()


def load(url: str, mode: str, procs: int, conns: int, duration: float, total: int = 0) -> dict:
    per_proc_total = total // procs if mode == "rate" else None
    cmds = [
        loadgen.command(url, mode, conns, duration, 1 + p * 100_000_000, per_proc_total)
        for p in range(procs)
    ]
    running = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, text=True) for c in cmds]
    outs = []
    for r in running:
        out, _ = r.communicate(timeout=duration + 120)
        outs.append(json.loads(out.strip().splitlines()[-1]))
    lat = sorted(x for o in outs for x in o["latencies_ms"])
    count = sum(o["count"] for o in outs)
    return {
        "count": count,
        "errors": sum(o["errors"] for o in outs),
        "rps": count / max(o["elapsed_s"] for o in outs),
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        "max_ms": lat[-1] if lat else 0.0,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-receiver-") as d:
        tmp = Path(d)
        bare_runs, recv_runs = [], []
        for n in range(ROUNDS):  # interleaved: both see the same machine state
            with BareServer() as s:
                bare_runs.append(load(s.url, "closed", LOAD_PROCS, CONNS_PER_PROC, CLOSED_S))
            with RealReceiver(tmp, n) as r:
                recv_runs.append(load(r.url, "closed", LOAD_PROCS, CONNS_PER_PROC, CLOSED_S))
                stored = r.journal.callback_counts()
            print(
                f"round {n}: bare {bare_runs[-1]['rps']:.0f}/s, "
                f"receiver {recv_runs[-1]['rps']:.0f}/s",
                flush=True,
            )
        with BareServer() as s:
            bare_rate = load(s.url, "rate", 1, 4, RATE_S, int(RATE * RATE_S))
        with RealReceiver(tmp, 99) as r:
            recv_rate = load(r.url, "rate", 1, 4, RATE_S, int(RATE * RATE_S))
    bare_rps = median([r["rps"] for r in bare_runs])
    recv_rps = median([r["rps"] for r in recv_runs])
    emit(
        {
            "load_generator": f"Python raw-socket keep-alive client, {LOAD_PROCS} processes x "
            f"{CONNS_PER_PROC} connections, {CLOSED_S:g} s x {ROUNDS} rounds",
            "bare_rps": bare_rps,
            "receiver_rps": recv_rps,
            "ratio": recv_rps / bare_rps,
            "target_ratio": 0.8,
            "bare_runs": bare_runs,
            "receiver_runs": recv_runs,
            "journal_counts_last_round": stored,
            "rate_per_s": RATE,
            "rate_duration_s": RATE_S,
            "bare_at_rate": bare_rate,
            "receiver_at_rate": recv_rate,
            "target_p99_ms": 20.0,
        }
    )


if __name__ == "__main__":
    main()
