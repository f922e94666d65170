# Two commands do all the set-up:  `make run` (the dashboard) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench build seed chromium vendor-plotly lock clean

# Installs come from the lock files (every package pinned, transitive ones too), compiled by `make lock`
# from requirements.txt (what the dashboard needs) and requirements-dev.txt (what the tests add).
$(VENV)/.app: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e . 2>/dev/null || $(PIP) --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.app
	$(PIP) -r requirements-dev.lock
	touch $@

## Install, build the database from the seed if it is missing, and start the dashboard (PORT=, ADDRESS=).
run: $(VENV)/.app
	-@$(MAKE) --no-print-directory chromium || echo "Note: PDF board packs need Debian's chromium (apt-get install chromium)."
	$(PY) -m libstats build --if-missing
	$(PY) -m streamlit run dashboard.py --server.port $(PORT) --server.address $(ADDRESS)

## Install the test requirements and Debian's Chromium when missing, lint (ruff, sqlfluff), then run every test.
test: $(VENV)/.dev chromium
	$(PY) -m ruff check .
	$(PY) -m sqlfluff lint --nocolor queries statements data/schema
	$(PY) -m pytest

## Lint only (ruff, configured in pyproject.toml; sqlfluff, in .sqlfluff).
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m sqlfluff lint --nocolor queries statements data/schema

## Benchmarks (not part of the tests): prints the table and writes bench/RESULTS.md in about 9 minutes (under 15 on a busy machine).
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

## After changing requirements*.txt: recompile the lock files (pip-tools, at its pinned version).
lock: $(VENV)/.app
	$(PIP) pip-tools==7.6.2
	$(PY) -m piptools compile -q --strip-extras --allow-unsafe --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt
	$(PY) -m piptools compile -q --strip-extras --allow-unsafe --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.lock requirements-dev.txt

clean:
	rm -rf $(VENV) .pytest_cache
