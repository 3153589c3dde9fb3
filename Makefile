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

.PHONY: setup run test bench lint format migrate seed messages clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

## setup: virtual environment with the locked dependencies
setup: $(VENV)/.synced

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## run: migrate, load the demo data, serve the API with a Celery worker and beat (Ctrl-C stops all)
run: seed
	$(PY) scripts/run.py

## test: the whole suite (PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL say so)
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: the benchmarks in bench/ (see bench/README.md); they migrate and seed their own database
bench: setup
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh and compile the French catalogues (needs gettext): one for ecopole/ + accounts/, one per app
APPS_WITH_LOCALE := catalogue orders deliveries processing vending
messages: setup
	$(PY) manage.py makemessages -l fr --no-obsolete $(foreach d,.venv .tools tests var bench scripts $(APPS_WITH_LOCALE),--ignore=$(d))
	for app in $(APPS_WITH_LOCALE); do mkdir -p $$app/locale && (cd $$app && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=ecopole.settings.local ../$(PY) -P -m django makemessages -l fr --no-obsolete --ignore=routing); done
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) $(TOOLS) var
