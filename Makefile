# Two commands matter: `make run` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Installs missing Debian packages as root (tests override it with `true`).
SYSTEM_DEPS ?= scripts/system-deps.sh

.PHONY: run test lint typecheck unit system-deps venv sandbox clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q console  # bytecode, as an installed copy has it
	touch $(STAMP)

venv: $(STAMP)

## make run: open the console on the built-in sandbox platform.
run: $(STAMP)
	$(SYSTEM_DEPS) run
	$(VENV)/bin/vending-console --profile Sandbox

## make test: install what the tests need, lint, type-check, run the whole suite.
# The main run never touches a real keyring (the "fail" backend stands in);
# the keyring group runs against GNOME Keyring in a private D-Bus session.
test: system-deps $(STAMP) lint typecheck check
	PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring $(PY) -m pytest -m "not keyring" $(PYTEST_ARGS)
	dbus-run-session -- scripts/with-keyring.sh $(PY) -m pytest -m keyring $(PYTEST_ARGS)

## make check: static security checks. bandit: no high-severity finding in console/;
# pip-audit: no known vulnerability in the installed environment, and nothing left
# unaudited without a stated reason (see scripts/reliability-audit.py, docs/reliability.md).
.PHONY: check
check: $(STAMP)
	$(VENV)/bin/bandit -q -r console --severity-level high
	$(PY) scripts/reliability-audit.py --json build/reliability-audit.json

## make package: the one-folder program in dist/vending-console/ (PyInstaller), then
# its own --self-check offscreen; fails when the self-check fails. See packaging/README.md.
.PHONY: package
package: $(STAMP)
	$(PY) -c 'import PyInstaller' 2>/dev/null || $(PY) -m pip install --quiet 'pyinstaller>=6.10'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/vending-console.spec
	QT_QPA_PLATFORM=offscreen dist/vending-console/vending-console --self-check

## make translations: compile console/resources/translations/*.ts to the .qm files the
# app loads. The .qm files are committed (package data of the wheel); run this after
# editing a .ts — tests/gui/test_translations.py fails while a .qm is stale.
.PHONY: translations translations-update screenshots
translations: $(STAMP)
	for ts in console/resources/translations/*.ts; do \
	  [ -e "$$ts" ] || continue; \
	  $(VENV)/bin/pyside6-lrelease -silent "$$ts" -qm "$${ts%.ts}.qm" || exit 1; \
	done

## make translations-update: collect the marked strings into the .ts (then translate new ones).
TR_SOURCES = console/ui/*.py console/tasks/*.py console/dispensing/*.py console/core/*.py console/troubleshoot/*.py console/cli.py console/settings.py console/app/*.py
translations-update: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -no-obsolete $(TR_SOURCES) \
	  -ts console/resources/translations/vending_console_zh_CN.ts

## make screenshots: the user guide's pictures in docs/images/ (generated, not committed).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
	  $(PY) scripts/screenshots.py

system-deps:
	$(SYSTEM_DEPS) test

## make lint: ruff (style and bugs), then the layering contracts in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check console tests benchmarks scripts
	$(VENV)/bin/ruff format --check console tests benchmarks scripts
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

sandbox: $(STAMP)
	$(VENV)/bin/vendctl sandbox

## make bench: the performance benchmarks against same-run baselines (docs/performance.md).
# Not part of `make test`; about 2-3 minutes on 2 cores, plus ~8 for the journal's 10 million
# callbacks on SQLite and PostgreSQL (BENCH_JOURNAL_CALLBACKS=1000000 for a quick one);
# writes benchmarks/results.json.
# console/ is byte-compiled first, as any installed copy is (PYTHONDONTWRITEBYTECODE=1
# here would otherwise make every start compile the changed modules from source).
.PHONY: bench
bench: $(STAMP)
	$(PY) -m compileall -q console
	PYTHONPATH=. $(PY) -m benchmarks.run $(BENCH)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
