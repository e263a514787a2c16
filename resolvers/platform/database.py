"""The database's schema: migrations, applied once even when several processes start together."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

from resolvers.platform.settings import Settings

MIGRATION_LOCK = 7_240_511  # any constant: the PostgreSQL advisory lock key for migrations


async def migrate_database(settings: Settings) -> None:
    """Applies pending migrations; several processes starting at once take turns."""
    if not settings.database_url.startswith(("postgres://", "postgresql://")):
        await run_migrations(config=settings.tortoise_config())
        await Tortoise.close_connections()
        return
    import asyncpg

    lock = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://", 1))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await run_migrations(config=settings.tortoise_config())
        await Tortoise.close_connections()
    finally:
        await lock.close()


