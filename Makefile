# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CASE ?= .demo/case

.PHONY: run test lint typecheck pytest stress bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# The demo keeps its own per-user state (hash library, settings) in .demo/home and
# signs in with the demo account and password (printed by `triage demo`); real cases ask.
DEMO_ENV := TRIAGE_HOME=$(CURDIR)/.demo/home TRIAGE_USER='Demo Examiner' TRIAGE_PASSWORD=demo
run: $(STAMP)
	test -f $(DEMO_CASE)/case.db || $(DEMO_ENV) $(BIN)/triage demo $(DEMO_CASE) --import-lists
	$(DEMO_ENV) $(BIN)/triage-app $(DEMO_CASE)

lint: $(STAMP)
	$(BIN)/ruff check triage_app tests benchmarks
	$(BIN)/ruff format --check triage_app tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -m 'not stress' -q

stress: $(STAMP)
	$(BIN)/python -m pytest -m stress -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) .demo build *.egg-info
