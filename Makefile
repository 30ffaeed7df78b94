# Burnout detector: set-up, run and test from a fresh clone.
#   make run    install everything, prepare the database, serve http://127.0.0.1:8000/
#   make test   install everything (dev tools too), lint, run the whole test suite
# Installs are remembered by stamp files, so a second run skips them until a
# requirements or package file changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

# The venv's bin first, so the Procfile's `gunicorn` and `python` are the venv's.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help run test lint migrate static schedules superuser demo chromium clean

help:
	@echo "make run        install, migrate and start the web server + task worker on http://127.0.0.1:8000/"
	@echo "make test       install (with dev tools), lint and run the whole test suite"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make migrate    apply database migrations"
	@echo "make superuser  create the first admin account"
	@echo "make demo       load demo data"
	@echo "make clean      remove installed and generated files (keeps .env, the database and media)"

# --- installs -----------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --progress-bar off -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt, so this covers the runtime too.
$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --progress-bar off -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Only when missing: an existing .env (and its SECRET_KEY) is never overwritten.
.env:
	umask 077 && printf '# Local settings: see .env.example for every variable.\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Created .env with a new random SECRET_KEY."

# --- run ----------------------------------------------------------------------

migrate: $(VENV)/.runtime-installed node_modules/.installed .env
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

static: $(VENV)/.runtime-installed node_modules/.installed .env
	$(MANAGE) collectstatic --noinput --verbosity 0

# setup_schedules may not exist in every version: run it only when it does.
schedules: migrate
	if $(MANAGE) help setup_schedules >/dev/null 2>&1; then $(MANAGE) setup_schedules; fi

run: migrate static schedules
	@echo "Starting the web server and the task worker: open http://127.0.0.1:8000/ (Ctrl+C stops both)."
	$(VENV)/bin/honcho start -f Procfile

superuser: migrate
	$(MANAGE) createsuperuser

demo: migrate
	$(MANAGE) seed_demo

# --- test ---------------------------------------------------------------------

# The browser test drives Debian's chromium (Playwright's own browser download is not used).
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "NOTE: $(CHROMIUM) is missing and installing it needs root." \
		"Run 'sudo apt-get install chromium' for the browser tests."; exit 0; fi; \
	echo "Installing chromium for the browser tests..."; \
	$$SUDO apt-get update -qq; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# pytest exits 5 when it collected no tests: that is a failure too (set -e stops on it).
test: $(VENV)/.dev-installed node_modules/.installed .env chromium lint
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc = 5 ] && echo "pytest ran no tests." >&2; exit $$rc; }

# --- clean --------------------------------------------------------------------

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
