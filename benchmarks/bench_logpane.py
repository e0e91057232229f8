"""The log pane at 1,000,000 entries: append throughput (batches as the drain timer
delivers them, view shown, follow-tail on), memory per entry, and the text filter
time against a plain Python scan of the same entries (same run).

The pane keeps 250,000 entries by default (``MAX_ENTRIES``); here its cap is raised
to 1,000,000 to measure it at that size.
"""

from __future__ import annotations

import gc
import os
import time

from benchmarks.common import emit, median, rss_bytes

ENTRIES = 1_000_000
BATCH = 1_000
NEEDLE = "a20 sold out"  # in about 1 % of the entries


def make_entries(n: int) -> list:
    from console.tasks.logfeed import KIND_CALLBACK, KIND_REQUEST, KIND_RESPONSE, LogEntry

    out = []
    ts = time.time()
    for i in range(n):
        k = i % 3
        oid = 1_000_000 + i // 3
        if k == 0:
            e = LogEntry.make(
                KIND_REQUEST,
                f"→ PUT /orders/{oid}  [order_set_status]",
                ts=ts,
                machine_no="16327129",
                order_id=oid,
                detail={
                    "method": "PUT",
                    "url": f"http://127.0.0.1:8080/api/openapi/v1/orders/{oid}",
                    "payload (decoded)": {"machine_no": "16327129", "status": 1, "sign": "****"},
                },
            )
        elif k == 1:
            e = LogEntry.make(
                KIND_RESPONSE,
                f"← HTTP 200 /orders/{oid}  [order_set_status] code 0 'ok' in 3 ms",
                ts=ts,
                machine_no="16327129",
                order_id=oid,
                detail={
                    "duration_ms": 3,
                    "http_status": 200,
                    "envelope": {"code": 0, "message": "ok"},
                },
            )
        else:
            err = "A20 sold out" if i % 100 == 2 else ""
            e = LogEntry.make(
                KIND_CALLBACK,
                f"⇠ callback #{i}: order {oid} record {i} {'failed' if err else 'dropped'}",
                ts=ts,
                machine_no="16327129",
                order_id=oid,
                callback_id=i,
                detail={
                    "callback_id": i,
                    "outcome": "failure" if err else "success",
                    "error_msg": err,
                    "deliver_status": "0" if err else "1",
                },
            )
        out.append(e)
    return out


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from console.tasks.runner import TaskRunner
    from console.ui.log_pane import LogFilter, LogPane
    from console.ui.workspace import Workspace

    app = QApplication.instance() or QApplication([])
    ws = Workspace(TaskRunner(synchronous=True))
    pane = LogPane(ws)
    pane.model.max_entries = ENTRIES
    pane.resize(1200, 400)
    pane.show()
    app.processEvents()

    gc.collect()
    rss0 = rss_bytes()
    t = time.perf_counter()
    entries = make_entries(ENTRIES)
    make_s = time.perf_counter() - t
    gc.collect()
    rss1 = rss_bytes()

    t = time.perf_counter()
    for i in range(0, ENTRIES, BATCH):
        pane.append(entries[i : i + BATCH])
        app.processEvents()  # the repaint each drain tick causes
    append_s = time.perf_counter() - t
    gc.collect()
    rss2 = rss_bytes()
    assert pane.model.total == ENTRIES

    # Baseline: a plain list receiving the same batches.
    t = time.perf_counter()
    plain: list = []
    for i in range(0, ENTRIES, BATCH):
        plain.extend(entries[i : i + BATCH])
    plain_append_s = time.perf_counter() - t

    scan_times, filter_times, clear_times = [], [], []
    matched = 0
    for _ in range(3):
        t = time.perf_counter()
        hits = [e for e in entries if NEEDLE in e.search_text]
        scan_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        pane.model.set_filter(LogFilter(text=NEEDLE))
        app.processEvents()
        filter_times.append(time.perf_counter() - t)
        matched = pane.model.rowCount()
        assert matched == len(hits)
        t = time.perf_counter()
        pane.model.set_filter(LogFilter())
        app.processEvents()
        clear_times.append(time.perf_counter() - t)
    scan, filt = median(scan_times), median(filter_times)
    emit(
        {
            "entries": ENTRIES,
            "batch": BATCH,
            "make_entries_s": make_s,
            "append_s": append_s,
            "append_per_s": ENTRIES / append_s,
            "plain_list_append_s": plain_append_s,
            "bytes_per_entry_objects": (rss1 - rss0) / ENTRIES,
            "bytes_per_entry_model_and_view": (rss2 - rss1) / ENTRIES,
            "matched": matched,
            "plain_scan_s": scan,
            "filter_s": filt,
            "ratio": filt / scan,
            "target_ratio": 3.0,
            "clear_filter_s": median(clear_times),
        }
    )


if __name__ == "__main__":
    main()
