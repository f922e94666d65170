# Two commands do all the set-up:  `make run` (the dashboard) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench build seed chromium clean

$(VENV)/.app: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.app
	$(PIP) -r requirements-dev.txt
	touch $@

## Install, build the database from the seed if it is missing, and start the dashboard (PORT=, ADDRESS=).
run: $(VENV)/.app
	-@$(MAKE) --no-print-directory chromium || echo "Note: PDF board packs need Debian's chromium (apt-get install chromium)."
	$(PY) -m libstats build --if-missing
	$(PY) -m streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS)

## Install the test requirements and Debian's Chromium when missing, then run every test.
test: $(VENV)/.dev chromium
	$(PY) -m pytest

## Benchmarks (not part of the tests): prints the table and writes bench/RESULTS.md in about 5 minutes (under 15 on a busy machine).
## FULL=1 for more repetitions and the 1,000,000-row import (much longer).
bench: $(VENV)/.dev chromium
	$(PY) bench/run.py $(if $(FULL),,--quick)

## Rebuild the warehouse from the seed (replaces data/library.duckdb; the entries store beside it is kept).
build: $(VENV)/.app
	$(PY) -m libstats build --force

## Regenerate the modelled seed CSVs from the generator.
seed: $(VENV)/.app
	$(PY) -m libstats generate-seed

## Debian's Chromium: the browser tests drive it, and kaleido draws the PDF pack's charts with it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache
