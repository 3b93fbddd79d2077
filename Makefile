# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CASE ?= .demo/case

.PHONY: run test lint typecheck pytest stress bench clean package wheelhouse package-check

# Debian's python3 leaves out venv/ensurepip: install python3-venv first (as root or
# through sudo), or say in one line what to install.
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  command -v apt-get >/dev/null && ($(APT_GET) install -y -q python3-venv || \
	    ($(APT_GET) update -q && $(APT_GET) install -y -q python3-venv)); } || { \
	  echo "make: error: $(PYTHON) cannot create virtual environments; install python3-venv" >&2; \
	  exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev,lab]'
	touch $(STAMP)

# The demo keeps its own per-user state (hash library, settings) in .demo/home and
# signs in with the demo account and password (printed by `triage demo`); real cases ask.
DEMO_ENV := TRIAGE_HOME=$(CURDIR)/.demo/home TRIAGE_USER='Demo Examiner' TRIAGE_PASSWORD=demo
# The GUI's system libraries are checked with ldd on Qt's platform plugin and installed
# with apt-get (as root or through sudo) before Qt loads. `make run SMOKE=1` quits after
# the first paint (CI uses it under xvfb-run).
SMOKE ?=
run: $(STAMP)
	$(BIN)/python -m triage_app.gui.platform_deps --install
	test -f $(DEMO_CASE)/case.db || $(DEMO_ENV) $(BIN)/triage demo $(DEMO_CASE) --import-lists
	$(DEMO_ENV) $(BIN)/triage-app $(if $(SMOKE),--smoke) $(DEMO_CASE)

lint: $(STAMP)
	$(BIN)/ruff check triage_app tests benchmarks
	$(BIN)/ruff format --check triage_app tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The reference PDQ hasher (tests/media/test_pdq.py) compiles C++: g++ and the Python
# headers come from apt when missing. Without them that test skips (CI requires it).
REFERENCE := $(VENV)/.reference
$(REFERENCE): $(STAMP)
	@command -v g++ >/dev/null && $(BIN)/python -c 'import sysconfig,os,sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || \
	  ($(APT_GET) install -y -q g++ python3-dev || ($(APT_GET) update -q && $(APT_GET) install -y -q g++ python3-dev)) || \
	  echo "make: note: no g++/Python headers: the PDQ reference test will skip" >&2
	$(BIN)/python -m pip install --quiet -e '.[reference]' || \
	  echo "make: note: pdqhash did not build: the PDQ reference test will skip" >&2
	touch $(REFERENCE)

pytest: $(STAMP) $(REFERENCE)
	$(BIN)/python -m pytest -m 'not stress' -q

stress: $(STAMP)
	$(BIN)/python -m pytest -m stress -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

# The offline distribution (see the README's last section): dist/triage/ is the
# one-folder build with both executables, dist/wheelhouse/ every wheel for
# `pip install --no-index --find-links dist/wheelhouse triage-workstation`.
package: $(STAMP)
	bash packaging/build-package.sh

wheelhouse: $(STAMP)
	bash packaging/build-wheelhouse.sh

package-check: package wheelhouse
	bash packaging/check.sh

clean:
	rm -rf $(VENV) .demo build *.egg-info
