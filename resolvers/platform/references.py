"""Human-readable reference numbers (SR-2026-000042), unique across server processes."""

from __future__ import annotations

from tortoise import connections

# One statement: the database serializes concurrent callers on the counter's row, so two
# server processes can never draw the same number. Valid on SQLite >= 3.35 and PostgreSQL.
_INCREMENT = (
    "INSERT INTO reference_counter (prefix, year, value) VALUES ({0}, {1}, 1) "
    "ON CONFLICT (prefix, year) DO UPDATE SET value = reference_counter.value + 1 "
    "RETURNING value"
)
_PLACEHOLDERS = {"postgres": ("$1", "$2")}


async def next_reference(prefix: str, year: int) -> str:
    """The next number of `prefix` in `year`, e.g. SR-2026-000042.

    Call it inside the transaction that stores the numbered row: a rollback then
    returns the number, and the counter's row stays locked only until the commit.
    """
    # Inside `async with in_transaction():` the connection looked up here is the
    # transaction's (Tortoise keeps it in a context variable), as for every model query.
    client = connections.get("default")
    placeholders = _PLACEHOLDERS.get(client.capabilities.dialect, ("?", "?"))
    rows = await client.execute_query_dict(_INCREMENT.format(*placeholders), [prefix, year])
    return f"{prefix}-{year}-{rows[0]['value']:06d}"
