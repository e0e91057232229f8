#!/usr/bin/env bash
# Hunts flaky tests: runs the GUI suite and the keyring group N times in a row
# while B busy processes load the CPU, and counts the runs that failed.
#   scripts/flake-hunt.sh [N=20] [B=2]      (after `make test` made the venv)
# Each round's output is kept in build/flake-hunt/round-K.log; the summary is
# the last line. Bounded: N rounds, each test under pytest-timeout.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
busy=${2:-2}
py=${PY:-.venv/bin/python}
out=build/flake-hunt
mkdir -p "$out"

pids=()
for _ in $(seq "$busy"); do
  python3 -c 'while True: pass' &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

failed=0
for k in $(seq "$rounds"); do
  log="$out/round-$k.log"
  ok=1
  PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
    "$py" -m pytest -q -m "not keyring" tests/gui >"$log" 2>&1 || ok=0
  dbus-run-session -- scripts/with-keyring.sh "$py" -m pytest -q -m keyring >>"$log" 2>&1 || ok=0
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)' "$log" | tr '\n' ' ')
  if [ "$ok" = 1 ]; then
    echo "round $k/$rounds: ok   $summary"
  else
    failed=$((failed + 1))
    echo "round $k/$rounds: FAIL $summary (see $log)"
    grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /'
  fi
done
echo "flake-hunt: $((rounds - failed)) of $rounds rounds passed under $busy busy processes"
[ "$failed" = 0 ]
