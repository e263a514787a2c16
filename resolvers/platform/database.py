"""The database's schema: migrations, applied once even when several processes start together."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as run_migrations

from resolvers.platform.settings import Settings

MIGRATION_LOCK = 7_240_511  # any constant: the PostgreSQL advisory lock key for migrations


async def migrate_database(settings: Settings) -> None:
    """Applies pending migrations; several processes starting at once take turns."""
    if not settings.database_url.startswith(("postgres://", "postgresql://")):
        await _migrate(settings)
        return
    import asyncpg

    lock = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://", 1))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await _migrate(settings)
    finally:
        await lock.close()


async def _migrate(settings: Settings) -> None:
    # In a context of its own, closed on the way out: the server's ORM starts after it, and
    # the log no longer says "Tortoise-ORM shutdown" before the server has started.
    async with TortoiseContext():
        await run_migrations(config=settings.tortoise_config())


