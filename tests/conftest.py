"""Every test runs against SQLite and against PostgreSQL, through HTTP, with real
SMTP and SMS servers on loopback.

Without a PostgreSQL server at 127.0.0.1:5432 the PostgreSQL half is skipped, and
says so; with CI=true (or REQUIRE_POSTGRES=1) it fails instead.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import strawberry
from aiosmtpd.controller import Controller
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from resolvers.platform import signing
from resolvers.platform.database import migrate_database
from resolvers.platform.logs import configure_structlog
from resolvers.platform.settings import Settings
from schema import build_schema
from schema.http.app import create_app
from tests.object_store import ObjectStore, seaweedfs
from tests.support import Inbox, SmsGateway, SmtpHandler

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
POSTGRES_REQUIRED = os.environ.get("CI") == "true" or os.environ.get("REQUIRE_POSTGRES") == "1"
TABLES = [
    "contribution_certificate",
    "engagement",
    "notification",
    "decision_letter",
    "information_request",
    "document",
    "security_event",
    "totp_credential",
    "recovery_code",
    "passkey",
    "auth_challenge",
    "access_event",
    "question_message",
    "question",
    "request_event",
    "service_request",
    "reference_counter",
    "outbound_message",
    "one_time_code",
    "session",
    "member",
]

# structlog hands every event to the logging module, as in the server: caplog sees them.
configure_structlog()

# Passwords are hashed with argon2's smallest parameters (microseconds, not 0.1 s a hash):
# the tests are about the rules around hashing. Tests marked production_hashing (the stored
# strength, upgrades, and the timing of unknown IDs) get the production parameters.
CHEAP_HASHING = {"argon2_memory_kib": 8, "argon2_time_cost": 1}


def on_engine(name: str) -> pytest.MarkDecorator:
    """Runs a test once, on one engine: for what does not depend on the database engine
    (SQLite), or needs several processes on one database (PostgreSQL)."""
    return pytest.mark.parametrize("database_url", [name], indirect=True)


ONCE = on_engine("sqlite")
POSTGRES_ONLY = on_engine("postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture(scope="session")
def smtp_server(inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(SmtpHandler(inbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(scope="session")
def sms_gateway(inbox: Inbox) -> Iterator[SmsGateway]:
    gateway = SmsGateway(inbox)
    gateway.start()
    yield gateway
    gateway.stop()


async def _postgres_database() -> tuple[str, str] | None:
    """(url of a new empty database, its name), or None when PostgreSQL is not reachable."""
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"),
                                      timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    name = f"gosi_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name


async def _drop_postgres_database(name: str) -> None:
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> AsyncIterator[str]:
    """A migrated database for the whole session, on each engine in turn."""
    dropped: str | None = None
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        created = await _postgres_database()
        if created is None:
            message = "PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL half was skipped"
            if POSTGRES_REQUIRED:
                pytest.fail(message + " (CI requires it)")
            pytest.skip(message)
        url, dropped = created
    settings = Settings(database_url=url)
    # Tortoise caches INSERT statements per connection name, not per engine; a process
    # that moves from SQLite to PostgreSQL must forget them.
    EXECUTOR_CACHE.clear()
    await migrate_database(settings)
    try:
        # pytest-asyncio hands the fixture's context (this Tortoise context) to every test.
        async with TortoiseContext() as orm:
            await orm.init(config=settings.tortoise_config())
            yield url
    finally:
        if dropped:
            await _drop_postgres_database(dropped)


async def _empty_tables(url: str) -> None:
    connection = connections.get("default")
    if url.startswith("postgres"):
        await connection.execute_script("TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES) + " CASCADE")
    else:
        # The access log's triggers refuse DELETE (TRUNCATE bypasses them on PostgreSQL):
        # set them aside for the clean-up and put them back as they were.
        _, triggers = await connection.execute_query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
        for trigger in triggers:
            await connection.execute_script(f'DROP TRIGGER "{trigger["name"]}"')
        for table in TABLES:
            await connection.execute_script(f'DELETE FROM "{table}"')
        for trigger in triggers:
            await connection.execute_script(trigger["sql"])


@pytest.fixture(scope="session")
def folder_store_url(tmp_path_factory) -> str:
    return f"file://{tmp_path_factory.mktemp('documents')}"


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[ObjectStore]:
    """A real SeaweedFS S3 server for the session; skipped (failed in CI) when it cannot start."""
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as started:
        if isinstance(started, str):
            message = f"SeaweedFS could not start: {started}: the S3 half was skipped"
            if POSTGRES_REQUIRED:
                pytest.fail(message + " (CI requires it)")
            pytest.skip(message)
        yield started


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory) -> tuple[Path, Path]:
    """The key and certificate that sign the session's letters and certificates."""
    return signing.development_pair(tmp_path_factory.mktemp("signing"))


def _settings(database_url: str, smtp_server: Controller, sms_gateway: SmsGateway,
              folder_store_url: str, signing_pair: tuple[Path, Path],
              hashing: dict[str, int]) -> Settings:
    return Settings(
        app_env="test",
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        sms_webhook_url=sms_gateway.url,
        document_store_url=folder_store_url,
        public_url="https://my.gosi.test",
        signing_key_file=str(signing_pair[0]),
        signing_cert_file=str(signing_pair[1]),
        **hashing,
    )


@pytest.fixture
def settings(
    request: pytest.FixtureRequest,
    database_url: str, smtp_server: Controller, sms_gateway: SmsGateway, folder_store_url: str,
    signing_pair: tuple[Path, Path],
) -> Settings:
    hashing = {} if request.node.get_closest_marker("production_hashing") else CHEAP_HASHING
    return _settings(database_url, smtp_server, sms_gateway, folder_store_url, signing_pair, hashing)


@pytest.fixture(scope="module")
def module_settings(
    database_url: str, smtp_server: Controller, sms_gateway: SmsGateway, folder_store_url: str,
    signing_pair: tuple[Path, Path],
) -> Settings:
    """The settings of a module's tests, for server processes a module starts once."""
    return _settings(database_url, smtp_server, sms_gateway, folder_store_url, signing_pair,
                     CHEAP_HASHING)


@pytest.fixture(autouse=True)
def _healthy_sms_gateway(sms_gateway: SmsGateway) -> None:
    """Every test starts with a gateway that answers (fault tests make it fail or hang)."""
    sms_gateway.reset()


@functools.cache
def served_schema(production: bool) -> strawberry.Schema:
    """Built once per process for the apps of every test (a tenth of a second each)."""
    return build_schema(production=production)


@pytest.fixture
async def app(settings: Settings, database_url: str, sms_gateway: SmsGateway):
    await _empty_tables(database_url)
    sms_gateway.reset()
    application = create_app(settings, manage_database=False, schema=served_schema(settings.production))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def engine(database_url: str) -> str:
    return "postgres" if database_url.startswith("postgres") else "sqlite"


def pytest_report_header(config) -> str:
    return f"PostgreSQL for tests: {POSTGRES_ADMIN_URL} ({'required' if POSTGRES_REQUIRED else 'optional'})"


ROOT = Path(__file__).resolve().parent.parent
