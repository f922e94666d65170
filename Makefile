# Two commands do all the set-up:  `make run` (the dashboard) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench build seed chromium vendor-plotly clean

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

## Debian's Chromium: the browser tests drive it, and it prints the PDF board pack.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; }

## After upgrading plotly: the board pack's plotly.js basic bundle at plotly.py's own plotly.js version (npm).
vendor-plotly: $(VENV)/.app
	cd $$(mktemp -d) && npm pack --silent plotly.js-basic-dist-min@$$($(CURDIR)/$(PY) -c 'from plotly.offline import get_plotlyjs_version as v; print(v())') \
	  && tar xzf plotly.js-basic-dist-min-*.tgz && cp package/plotly-basic.min.js $(CURDIR)/libstats/vendor/ \
	  && cp package/LICENSE $(CURDIR)/libstats/vendor/plotly-basic.LICENSE

clean:
	rm -rf $(VENV) .pytest_cache
