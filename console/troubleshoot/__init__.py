"""Troubleshooting one machine, without Qt: health checks, slot rows, dispense history.

- ``checks``: ``diagnose`` / ``run_checks`` → ``Check`` (ok / warn / fail) and a
  ``Diagnosis`` holding everything a view shows.
- ``slots``: ``SlotRow`` (status in words: faulty / empty / low / ok), sort and filter.
- ``history``: ``MachineHistory`` from the journal — failures by slot and by fault.

Fault texts are explained with ``console.core.faults`` (English and Chinese).
"""

from console.troubleshoot.checks import (
    CHECK_NAMES,
    CLOCK_SKEW_WARN_S,
    Check,
    CheckStatus,
    Diagnosis,
    clock_check,
    diagnose,
    history_check,
    platform_time,
    run_checks,
    slots_check,
    worst,
)
from console.troubleshoot.history import (
    DayCount,
    DispenseEvent,
    Fault,
    FaultCount,
    MachineHistory,
    SlotFailures,
    SlotFault,
    build_history,
    load_history,
)
from console.troubleshoot.slots import (
    SlotRow,
    SlotStatus,
    SlotSummary,
    build_rows,
    fetch_products,
    filter_rows,
    load_slots,
    sort_rows,
    stock_status,
    summarize,
)

__all__ = [
    "CHECK_NAMES",
    "CLOCK_SKEW_WARN_S",
    "Check",
    "CheckStatus",
    "DayCount",
    "Diagnosis",
    "DispenseEvent",
    "Fault",
    "FaultCount",
    "MachineHistory",
    "SlotFailures",
    "SlotFault",
    "SlotRow",
    "SlotStatus",
    "SlotSummary",
    "build_history",
    "build_rows",
    "clock_check",
    "diagnose",
    "fetch_products",
    "filter_rows",
    "history_check",
    "load_history",
    "load_slots",
    "platform_time",
    "run_checks",
    "slots_check",
    "sort_rows",
    "stock_status",
    "summarize",
    "worst",
]
