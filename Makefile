# The two commands of the README: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# make run: the runtime requirements only (requirements.txt), in a venv of its own.
RUN_VENV ?= .venv-run
RUN_PY := $(RUN_VENV)/bin/python
RUN_STAMP := $(RUN_VENV)/.installed

.PHONY: run run-venv test test-fast e2e bench lint format venv clean check-services

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

$(RUN_STAMP): requirements.txt
	@test -x $(RUN_PY) || $(PYTHON) -m venv $(RUN_VENV) || python3 -m venv $(RUN_VENV)
	$(RUN_PY) -m pip install --quiet --upgrade pip
	$(RUN_PY) -m pip install --quiet -r requirements.txt
	@touch $(RUN_STAMP)

run-venv: $(RUN_STAMP)

## make run: web server, Celery worker and Celery beat together, with demo data (Ctrl-C stops all three).
run: $(RUN_STAMP)
	DEBUG=$${DEBUG:-true} $(RUN_PY) manage.py runplatform

# The suite runs in one pytest-xdist worker per core, at most 4 (each worker has its own test database,
# Redis databases and var/ directory: project/test_settings.py); TEST_WORKERS=1 runs one.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min(4, os.cpu_count() or 1))" 2>/dev/null || echo 2)
XDIST := -n $(TEST_WORKERS) --dist loadfile

## make test: the whole suite (unit, flow, permission and browser tests) on PostgreSQL and Redis.
test: $(STAMP) check-services
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

## make test-fast: everything but the browser tests.
test-fast: $(STAMP) check-services
	$(PY) -m pytest $(XDIST) -m "not e2e" $(PYTEST_ARGS)

check-services: $(STAMP)
	@$(PY) -m support.checks

## make bench: search, timer-sweep, request round-trip, matching-round, bulk-import and staff-list benchmarks on PostgreSQL; writes BENCHMARKS.md.
bench: $(STAMP) check-services
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_search
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_timers
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_round_trip --what-if
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_matching
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_import
	ALLOW_DEV_SECRET=$${ALLOW_DEV_SECRET:-true} $(PY) manage.py bench_staff_lists

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(RUN_VENV) var
