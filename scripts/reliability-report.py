#!/usr/bin/env python3
"""Render the reliability suite's figures as the Markdown table in docs/reliability.md.

    make test                                  # or the pytest commands in docs/reliability.md
    python3 scripts/reliability-report.py      # print the table
    python3 scripts/reliability-report.py --write docs/reliability.md   # refresh the doc

Reads ``$RELIABILITY_FIGURES`` (default ``build/reliability-figures.json``, written by
tests/reliability/conftest.py) and, when present, ``build/reliability-audit.json``
(written by ``make check``). The table goes between the ``figures:begin`` and
``figures:end`` markers of the doc; nothing else in it changes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIGURES = Path(os.environ.get("RELIABILITY_FIGURES") or ROOT / "build" / "reliability-figures.json")
AUDIT = ROOT / "build" / "reliability-audit.json"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
AREAS = [
    ("faults", "1. Platform faults"),
    ("fuzz", "2. Fuzzing"),
    ("crash", "3. Crash safety"),
    ("load", "4. Load"),
    ("secrets", "5. Secrets"),
    ("keyring", "5. Keyring failure modes"),
    ("audit", "6. Static checks"),
]


def _value(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}: {n:,}" if isinstance(n, int) else f"{k}: {n}" for k, n in v.items())
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _audit_rows() -> dict[str, dict[str, Any]]:
    try:
        a = json.loads(AUDIT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stamp = a.get("updated", "")
    rows = {
        "audit.packages": (a["packages"], "installed packages checked by pip-audit"),
        "audit.pip_audit": (a["audited_by_pip_audit"], "audited by pip-audit's own service"),
        "audit.project_json": (
            a["audited_by_project_json"],
            "audited through PyPI's project JSON (installed = latest release)",
        ),
        "audit.allowed": (
            ", ".join(a["not_audited_allowed"]) or "none",
            "not audited, by stated allowance",
        ),
        "audit.vulns": (len(a["vulnerabilities"]), "known vulnerabilities"),
    }
    return {k: {"value": v, "what": w, "held": None, "run": stamp} for k, (v, w) in rows.items()}


def _bandit_rows() -> dict[str, dict[str, Any]]:
    """bandit on console/ as it is now (the same run ``make check`` gates on high severity)."""
    bandit = ROOT / ".venv" / "bin" / "bandit"
    if not bandit.exists():
        return {}
    proc = subprocess.run(  # noqa: S603 - our own venv's bandit
        [str(bandit), "-q", "-r", "console", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    try:
        results = json.loads(proc.stdout)["results"]
    except (ValueError, KeyError):
        return {}
    rows: dict[str, dict[str, Any]] = {}
    for level in ("HIGH", "MEDIUM", "LOW"):
        found = [r for r in results if r["issue_severity"] == level]
        ids = sorted({r["test_id"] for r in found})
        rows[f"audit.bandit_{level.lower()}"] = {
            "value": len(found),
            "what": f"bandit findings of {level.lower()} severity in console/"
            + (f" ({', '.join(ids)})" if ids else ""),
            "held": level == "HIGH" and not found,
        }
    return rows


def render() -> str:
    try:
        data = json.loads(FIGURES.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.exit(f"no figures at {FIGURES} ({exc}): run the reliability suite first")
    figs: dict[str, dict[str, Any]] = {
        **data.get("figures", {}),
        **_audit_rows(),
        **_bandit_rows(),
    }
    lines = [
        f"Latest run: {data.get('updated', '?')} on {data.get('machine', '?')}.",
        "",
        "| area | figure | value | what it counts |",
        "|---|---|---|---|",
    ]
    failed = []
    for prefix, area in AREAS:
        for key in sorted(k for k in figs if k.split(".", 1)[0] == prefix):
            item = figs[key]
            if item.get("run_failed"):
                failed.append(key)
            lines.append(f"| {area} | `{key}` | {_value(item['value'])} | {item['what']} |")
    if failed:
        lines += ["", f"**Warning**: these come from a run that had failures: {', '.join(failed)}."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--write", type=Path, help="replace the table in this Markdown file")
    args = parser.parse_args()
    table = render()
    if not args.write:
        print(table)
        return 0
    text = args.write.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"{args.write} has no {BEGIN} ... {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    args.write.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
    print(f"figures written to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
