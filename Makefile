# Rentan — `make help` lists the targets.
# Debian's own Python 3.11 where it can make a virtual environment (package python3-venv):
# the one a server runs (docs/operations.md), built with the compiler's profile-guided
# optimisation. Else the first python3 on PATH.
PYTHON ?= $(shell /usr/bin/python3 -c 'import ensurepip, sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.DEFAULT_GOAL := help
.PHONY: help install demo serve test lint fmt typecheck test-sqlite test-postgres bench messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Rentan with its development tools

demo: $(STAMP) ## Set up the SQLite database, load the Kota Pekalongan demo and serve on :8000
	$(BIN)/rentan migrate --noinput
	$(BIN)/rentan demo_data
	@echo "Rentan berjalan di http://127.0.0.1:8000  (Ctrl+C untuk berhenti)"
	$(WITH_WORKER) $(BIN)/rentan runserver 127.0.0.1:8000

serve: $(STAMP) ## Serve the existing database on :8000
	$(WITH_WORKER) $(BIN)/rentan runserver 127.0.0.1:8000

# Large imports run in the background: a django-tasks worker on the same database, stopped
# with the server.
WITH_WORKER = $(BIN)/rentan db_worker --interval 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM;

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy with Django stubs
	$(BIN)/mypy rentan config bench conftest.py

test-sqlite: $(STAMP) ## The whole suite on SQLite, with coverage (domain modules' figure printed)
	mkdir -p var/coverage
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n 2 --dist loadgroup -q --cov --cov-report=
	$(BIN)/python -m rentan.testing.coverage_report

# The browser walks (marked `browser`), the Spark test (`spark`) and the tests of plain logic,
# which touch no database, run once, in the SQLite run above: what they check does not depend
# on the database. Every test that touches one runs on both (conftest.py:
# RENTAN_TESTS_DATABASE_ONLY).
test-postgres: $(STAMP) ## The suite's database tests on a throwaway PostgreSQL cluster
	DJANGO_SETTINGS_MODULE=config.settings.test RENTAN_TESTS_DATABASE_ONLY=1 $(BIN)/python -m rentan.testing.postgres -- $(BIN)/pytest -n 2 --dist loadgroup -q -m "not browser and not spark"

test: lint typecheck test-sqlite test-postgres ## Everything CI runs: lint, types, SQLite and PostgreSQL suites

bench: $(STAMP) ## Benchmarks (large data sets), printing figures and ratios against raw floors
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m rentan.testing.postgres -- $(BIN)/python -m bench

messages: $(STAMP) ## Rebuild the translation catalogues (needs gettext)
	# Strings are gathered from the project root so that config/ (the language names) is
	# included; .mo files are compiled under rentan/ only, never in the virtualenv's packages.
	$(BIN)/rentan makemessages -l en --no-obsolete && cd rentan && ../$(BIN)/rentan compilemessages
