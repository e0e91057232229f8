"""Run every benchmark, each in a fresh interpreter, one after the other, and write
``benchmarks/results.json`` (regenerated each run; the figures that matter are
copied into docs/performance.md). ``python -m benchmarks.run [name ...]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import machine

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ("startup", "gui", "receiver", "logpane", "client", "journal")
TIMEOUT_S = 300
# The journal benchmark builds 10,000,000 callbacks twice (SQLite, PostgreSQL): minutes.
TIMEOUTS = {"journal": 3600}


def run_one(name: str) -> dict:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=str(ROOT),
    )
    t = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", f"benchmarks.bench_{name}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUTS.get(name, TIMEOUT_S),
        check=False,
    )
    took = time.perf_counter() - t
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            result["bench_seconds"] = round(took, 1)
            return result
    return {"error": f"exit {p.returncode}", "stderr": p.stderr[-3000:], "bench_seconds": took}


def _fmt(name: str, r: dict) -> str:
    if "error" in r:
        return f"{name:9} ERROR {r['error']}"
    if name == "startup":
        return (
            f"startup   console {r['console_first_paint_s']:.3f} s vs bare "
            f"{r['bare_first_paint_s']:.3f} s = {r['ratio']:.2f}x (target <= 1.5x)"
        )
    if name == "gui":
        return (
            f"gui       tick gap p99 {r['load_p99_gap_ms']:.1f} ms, max {r['load_max_gap_ms']:.1f}"
            f" ms (idle p99 {r['idle_p99_gap_ms']:.1f}, {r['load_p99_over_idle_p99']:.2f}x idle;"
            " target p99 <= 16 and <= 2.5x idle, max <= 50)"
        )
    if name == "receiver":
        return (
            f"receiver  {r['receiver_rps']:.0f}/s vs bare {r['bare_rps']:.0f}/s = "
            f"{r['ratio']:.2f}x (target >= 0.8x); p99 at 300/s "
            f"{r['receiver_at_rate']['p99_ms']:.1f} ms (target <= 20)"
        )
    if name == "logpane":
        return (
            f"logpane   filter {r['filter_s']:.3f} s vs scan {r['plain_scan_s']:.3f} s = "
            f"{r['ratio']:.2f}x (target <= 3x); append {r['append_per_s']:.0f}/s; "
            f"{r['bytes_per_entry_objects']:.0f}+{r['bytes_per_entry_model_and_view']:.0f} B/entry"
        )
    if name == "client":
        return (
            f"client    click to wire median {r['click_to_wire_median_ms']:.1f} ms (target <= 5);"
            f" sign+encode {r['sign_encode_us']:.0f} us vs bare {r['bare_md5_json_base64_us']:.0f} us"
        )
    if name == "journal":
        parts = []
        for backend in ("sqlite", "postgresql"):
            b = r.get(backend)
            if b is None:
                continue
            q = b["queries"]
            parts.append(
                f"{backend} ({b['db_mb']:,.0f} MB): "
                + ", ".join(f"{k} {v['p50_ms']:.2f}/{v['p99_ms']:.2f}" for k, v in q.items())
                + f" vs bare {b['bare_lookup']['p50_ms']:.2f}/{b['bare_lookup']['p99_ms']:.2f}"
                + ("" if b["via"].startswith("console.journal.Journal") else " [Core, not Journal]")
            )
        return (
            f"journal   p50/p99 ms at {r['callbacks']:,} callbacks (target p99 <= 10): "
            + "; ".join(parts)
        )
    return name


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    out = ROOT / "benchmarks" / "results.json"
    results: dict = {}
    if argv and out.exists():  # a partial run updates the figures it measured
        results = json.loads(out.read_text())
    results.update(machine=machine(), started=time.strftime("%Y-%m-%d %H:%M:%S"))
    t0 = time.perf_counter()
    for name in names:
        print(f"running {name} ...", flush=True)
        results[name] = run_one(name)
        print("  " + _fmt(name, results[name]), flush=True)
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)} in {results['total_seconds']} s")
    return 1 if any("error" in results[n] for n in names) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
