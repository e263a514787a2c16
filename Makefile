VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test lint schema bench bench-postgres bench-tools clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) server.py

# Demo members, requests, questions and a staff account (passwords printed), then serve.
demo: $(STAMP)
	$(PY) server.py seed-demo
	$(PY) server.py

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff, then mypy on schema/ resolvers/ models/ server.py (configured in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

schema: $(STAMP)
	$(PY) server.py export-schema

# Throughput, latency and SQL counts against an independent raw app and the in-app raw
# routes (tests/bench), in alternating rounds. BENCH_ARGS is
# passed on, e.g. make bench BENCH_ARGS="--seconds 5".
bench: $(STAMP) bench-tools
	$(PY) -m tests.bench.run $(BENCH_ARGS)

# The same on PostgreSQL (127.0.0.1:5432), plus the 1,000,000-request part, then the insurance
# record's figures (tests/bench/contributions.py): a million engagements imported against a plain
# COPY, and the record page with 10,000,000 engagements against 1,000. RECORD_BENCH_ARGS is passed
# on, e.g. RECORD_BENCH_ARGS="--lines 100000 --record-large 1000000".
bench-postgres: $(STAMP) bench-tools
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
