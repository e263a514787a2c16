"""Fresh databases for one benchmark run, migrated by the project and seeded by seed.py."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
from argon2 import PasswordHasher
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from resolvers.platform.database import migrate_database
from resolvers.platform.settings import Settings
from tests.bench import seed

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class Databases:
    """Fresh databases for one run, dropped at the end unless kept."""

    def __init__(self, *, keep: bool) -> None:
        self.keep = keep
        self.run_id = uuid.uuid4().hex[:8]
        self.workdir = Path(tempfile.mkdtemp(prefix=f"gosi-bench-{self.run_id}-"))
        self.postgres: list[str] = []

    def sqlite(self) -> str:
        return f"sqlite://{self.workdir / 'bench.sqlite3'}"

    async def create_postgres(self, suffix: str) -> str:
        name = f"gosi_bench_{self.run_id}_{suffix}"
        admin = await admin_connection()
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.postgres.append(name)
        return f"postgres://postgres@127.0.0.1:5432/{name}"

    async def close(self) -> None:
        if self.keep:
            print(f"kept: {self.workdir} (SQLite, server logs) and PostgreSQL databases "
                  f"{', '.join(self.postgres) or '-'}", file=sys.stderr)
            return
        try:
            if self.postgres:
                admin = await admin_connection()
                try:
                    for name in self.postgres:
                        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                finally:
                    await admin.close()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


async def admin_connection(patience: float = 30) -> asyncpg.Connection:
    """To the maintenance database; waits out a PostgreSQL that is (re)starting."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        except (OSError, asyncpg.CannotConnectNowError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def postgres_started() -> dt.datetime | None:
    """When PostgreSQL last (re)started: a change means someone restarted it meanwhile."""
    admin = await admin_connection()
    try:
        return await admin.fetchval("SELECT pg_postmaster_start_time()")
    finally:
        await admin.close()


async def postgres_version() -> str:
    admin = await admin_connection()
    try:
        return str(await admin.fetchval("SHOW server_version")).split()[0]
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def orm(settings: Settings) -> AsyncIterator[None]:
    """Tortoise in this process, on the server's database (seeding, in-process requests)."""
    # Tortoise caches INSERT statements per connection name, not per engine.
    EXECUTOR_CACHE.clear()
    async with TortoiseContext() as context:
        await context.init(config=settings.tortoise_config())
        yield


async def seed_database(settings: Settings, plan: seed.Plan) -> seed.Seeded:
    """Migrations first (the project's own), then rows: COPY on PostgreSQL, models on SQLite."""
    await migrate_database(settings)
    hasher = password_hasher(settings)
    now = dt.datetime.now(dt.UTC)
    if settings.database_url.startswith("postgres"):
        connection = await asyncpg.connect(
            settings.database_url.replace("postgres://", "postgresql://", 1)
        )
        try:
            writer = seed.CopyWriter(connection)
            await writer.start()
            seeded = await seed.seed(
                writer, plan, password_hash=hasher.hash(seed.PASSWORD), now=now
            )
            await connection.execute("VACUUM (ANALYZE)")
        finally:
            await connection.close()
        return seeded
    async with orm(settings):
        return await seed.seed(
            seed.TortoiseWriter(), plan, password_hash=hasher.hash(seed.PASSWORD), now=now
        )


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )
