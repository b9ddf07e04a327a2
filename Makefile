# Talent data platform. `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

UV     ?= uv
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: install run stop test test-fast lint format bench clean lock

# Exactly the locked versions, each checked against its hash; then the project itself, without
# dependencies and built with the locked setuptools (nothing unpinned is fetched).
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements-dev.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## Start PostgreSQL, S3, Kafka, an SMTP sink and every service (Ctrl-C or `make stop` ends it).
run: install
	scripts/ensure-kafka-tools
	$(PY) -m devstack run

stop:
	$(PY) -m devstack stop

## The whole suite on the real stack (Chromium, Java and Maven are installed if missing).
test: install
	scripts/ensure-kafka-tools
	scripts/ensure-chromium
	scripts/pytest-strict $(PY) -m pytest -q -p no:cacheprovider

## Everything but the browser tests.
test-fast: install
	scripts/ensure-kafka-tools
	scripts/pytest-strict $(PY) -m pytest -q -p no:cacheprovider -m "not browser"

## Ruff (lint and format) on everything; mypy on services/ (configured in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Load the local stack and write bench-report.json.
bench: install
	scripts/ensure-kafka-tools
	$(PY) -m bench

## Pin every dependency (with hashes) from pyproject.toml: requirements.lock for the image,
## requirements-dev.lock for `make install`. Needs uv (`pip install uv`).
lock:
	printf 'setuptools>=68\n' | $(UV) pip compile --quiet pyproject.toml - --generate-hashes \
	  --python-version 3.11 --no-annotate --custom-compile-command "make lock" -o requirements.lock
	printf 'setuptools>=68\n' | $(UV) pip compile --quiet pyproject.toml - --extra dev --extra local \
	  --generate-hashes --python-version 3.11 --no-annotate --custom-compile-command "make lock" \
	  -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
