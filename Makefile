VENV := .venv
PY := $(VENV)/bin/python
# --no-compile, then compileall on every core: pip compiles one file at a time, and without
# bytecode the test workers and the servers they start would each compile the same modules
# at once on their first import.
INSTALL := $(PY) -m pip install --quiet --no-compile
BYTECODE := $(PY) -m compileall -q -j 0 $(VENV)/lib >/dev/null 2>&1 || true
# What serving needs, and that plus the test tools: exact versions and hashes, resolved
# from the ranges in pyproject.toml by `make lock`.
RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt
# pytest-xdist processes for `make test` (0: one process). A module marked xdist_group runs
# on one worker, so what it starts once (module-scoped servers) starts once. Three on a
# 2-core machine: many tests wait on servers they started, and a third worker fills that time.
TEST_WORKERS ?= 3

.PHONY: run demo test lint schema lock bench bench-postgres bench-tools clean

$(PY):
	python3 -m venv $(VENV)

# The project itself goes in editable, without its dependencies (the lock brought them) and
# with the locked setuptools instead of an isolated build environment.
$(VENV)/.run: $(RUN_LOCK) | $(PY)
	$(INSTALL) --require-hashes --no-deps -r $(RUN_LOCK)
	$(INSTALL) --no-deps --no-build-isolation -e .
	$(BYTECODE)
	touch $@

$(VENV)/.test: $(TEST_LOCK) | $(PY)
	$(INSTALL) --require-hashes --no-deps -r $(TEST_LOCK)
	$(INSTALL) --no-deps --no-build-isolation -e .
	$(BYTECODE)
	touch $@

run: $(VENV)/.run
	$(PY) server.py

# Demo members, requests, questions and a staff account (passwords printed), then serve.
demo: $(VENV)/.run
	$(PY) server.py seed-demo
	$(PY) server.py

test: $(VENV)/.test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# After editing the dependencies in pyproject.toml: pins what they add, keeps the other pins
# (LOCK_ARGS=--upgrade moves every pin to the newest release in range). tests/unit/test_lock.py
# fails while a dependency is missing from the locks.
LOCK_TOOLS := $(VENV)/pip-tools
COMPILE := $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--build-deps-for editable --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || { python3 -m venv $(LOCK_TOOLS) \
		&& $(LOCK_TOOLS)/bin/python -m pip install --quiet "pip-tools>=7.5"; }
	$(COMPILE) --extra test -o $(TEST_LOCK) pyproject.toml
	$(COMPILE) --constraint $(TEST_LOCK) -o $(RUN_LOCK) pyproject.toml

# ruff, then mypy on schema/ resolvers/ models/ server.py (configured in pyproject.toml).
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

schema: $(VENV)/.run
	$(PY) server.py export-schema

# Throughput, latency and SQL counts against an independent raw app and the in-app raw
# routes (tests/bench), in alternating rounds. BENCH_ARGS is
# passed on, e.g. make bench BENCH_ARGS="--seconds 5".
bench: $(VENV)/.test bench-tools
	$(PY) -m tests.bench.run $(BENCH_ARGS)

# The same on PostgreSQL (127.0.0.1:5432), plus the 1,000,000-request part, then the insurance
# record's figures (tests/bench/contributions.py): a million engagements imported against a plain
# COPY, and the record page with 10,000,000 engagements against 1,000. RECORD_BENCH_ARGS is passed
# on, e.g. RECORD_BENCH_ARGS="--lines 100000 --record-large 1000000".
bench-postgres: $(VENV)/.test bench-tools
	$(PY) -m tests.bench.run --postgres $(BENCH_ARGS)
	$(PY) -m tests.bench.contributions $(RECORD_BENCH_ARGS)

# wrk drives the load when it is installed; as root, install it from Debian. Without it
# the benchmark falls back to its own Python load client.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] \
		|| apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; } \
		|| true
	@command -v wrk >/dev/null 2>&1 || echo "wrk is not installed: using the Python load client"

clean:
	rm -rf $(VENV) data .pytest_cache
