# Gotong — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes for the HTTP/domain suite (pytest-xdist); browser tests run in one process.
TEST_JOBS ?= 2
export HOST PORT

.PHONY: run test lint test-fast test-browser messages check-messages bench soak clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

## Set up, migrate, seed the demo organisation (first start only) and serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(PY) -m server seed-demo --print-logins
	@echo "Open http://$(HOST):$(PORT) in your browser."
	$(PY) -m server serve

## Lint (ruff), types (mypy) and the layer contracts (import-linter)
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## The whole suite: lint, HTTP and domain tests, then browser tests in their own process
test: $(VENV)/.installed-test node_modules/.installed lint
	$(PY) -m pytest tests --ignore=tests/browser -n $(TEST_JOBS)
	$(PY) -m pytest tests/browser

test-fast: $(VENV)/.installed-test
	$(PY) -m pytest tests --ignore=tests/browser -x

test-browser: $(VENV)/.installed-test
	$(PY) -m pytest tests/browser

## Re-extract translatable messages into locales/*/LC_MESSAGES/messages.po
messages: $(VENV)/.installed
	$(PY) -m server.web.catalogs update

check-messages: $(VENV)/.installed
	$(PY) -m server.web.catalogs check

## Calendar feeds, reports, and message delivery (set DATABASE_URL for PostgreSQL)
bench: $(VENV)/.installed-test
	$(PY) bench/run.py
	$(PY) bench/reports.py
	$(PY) bench/delivery.py

## 60 s of mixed traffic at 64 connections against two workers (set DATABASE_URL for PostgreSQL)
soak: $(VENV)/.installed-test
	$(PY) bench/soak.py

clean:
	rm -rf $(VENV) node_modules data
