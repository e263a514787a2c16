"""`make bench`: throughput, latency and SQL counts of the API against a raw baseline.

    python -m tests.bench.run [--postgres] [--seconds N]

Nothing here is a test: pytest collects no module of this package (none is named test_*).
"""
