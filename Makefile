# Two commands matter: `make run` and `make test`. `make help` lists the rest.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Where the integration tests find PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/referral_site
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

# The first of python3.13 / python3.12 that actually runs (pyenv shims exist for
# versions they will not run, so `command -v` alone is not enough).
PYTHON := $(shell for p in python3.13 python3.12; do \
	$$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: help venv lock run test lint format test-fast test-integration test-postgres test-security test-faults bench audit up down

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "This project needs Python 3.13 (or 3.12): neither python3.13 nor python3.12 runs here." >&2; \
		echo "Install one (e.g. 'pyenv install 3.13'), then run make again." >&2; exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed ## Create .venv and install the hash-pinned requirements

# requirements*.txt say what we depend on and why; the .lock files pin every
# package, dependencies included, to the exact files by hash. Change a .txt, then:
lock: venv ## Regenerate requirements.lock and requirements-dev.lock (with hashes)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
		--no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
		--no-emit-index-url --no-emit-find-links \
		--output-file requirements-dev.lock requirements-dev.txt

run: venv ## Start the whole system on SQLite with an embedded broker: web, worker, beat
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  The site:   http://127.0.0.1:$(PORT)/"
	@echo "  The admin:  http://127.0.0.1:$(PORT)/admin/"
	@echo "  Demo staff: lead, clinician, editor; password: $${DEMO_PASSWORD:-demo-password-only}"
	@echo "  Ctrl-C stops the web server, the worker and beat."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" RUN_PORT=$(PORT) SITE_URL=http://127.0.0.1:$(PORT) \
		$(BIN)/honcho --procfile Procfile.dev start

# The project's Python files, for django-upgrade (which takes no folders).
PY_FILES = find . \( -name .git -o -name .venv -o -name node_modules -o -name var \
	-o -name build \) -prune -o -name '*.py' -print0

lint: venv ## ruff, mypy, bandit, django-upgrade and djhtml checks, and no model change without its migration
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -q -r referral_site articles enquiries clinicians
	$(PY_FILES) | xargs -0 $(BIN)/django-upgrade --target-version 6.1 --check
	$(BIN)/djhtml --check templates
	DJANGO_SETTINGS_MODULE=referral_site.settings.test \
		$(BIN)/python manage.py makemigrations --check --dry-run

format: venv ## Format and fix what ruff, django-upgrade and djhtml can
	$(PY_FILES) | xargs -0 $(BIN)/django-upgrade --target-version 6.1
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates

test: lint test-fast test-integration ## Lint, the fast suite, then the integration suite

test-fast: venv ## The fast suite: in-memory SQLite, tasks run eagerly, browser tests in Chromium
	$(BIN)/pytest -m "not integration and not security and not faults and not postgres"

test-integration: venv ## Real PostgreSQL, Redis and Celery worker + beat (skipped, saying why, when they are not running)
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/pytest -m integration

test-postgres: venv ## The fast suite again, on PostgreSQL
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not integration and not browser and not security and not faults"

test-faults: venv ## Redis, PostgreSQL, mail, web and worker broken on purpose (own servers, tmp folders)
	$(BIN)/pytest -m faults

test-security: venv ## The attacker's probe (tests/security/), on PostgreSQL
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m security

bench: venv ## Speed measurements (not tests)
	$(BIN)/python bench/run.py

# audit/package-lock.json pins Lighthouse and vnu-jar; npm ci again when it changes.
# --ignore-scripts: vnu-jar's install script would fetch a Java; we use Debian's.
audit: venv ## Lighthouse and the Nu Html Checker against the production-settings server
	@[ audit/node_modules/.package-lock.json -nt audit/package-lock.json ] || \
		(cd audit && npm ci --ignore-scripts --no-audit --no-fund)
	$(BIN)/python audit/run.py

up: ## The production shape in Docker: postgres, redis, web, worker, beat, mailpit
	docker compose up --build

down: ## Stop what `make up` started
	docker compose down
