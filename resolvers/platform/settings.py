"""The server's configuration. Built once by server.py from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from tortoise.backends.base.config_generator import expand_db_url

T = TypeVar("T")

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
DEFAULT_DATABASE_URL = "sqlite://data/gosi.sqlite3"
# Browser clients send these: Sentry/OpenTelemetry tracing, Apollo client awareness, and the
# preflight header of multipart uploads. CORS_ALLOW_HEADERS adds more.
DEFAULT_CORS_ALLOW_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept-Language",
    "traceparent",
    "tracestate",
    "baggage",
    "sentry-trace",
    "apollographql-client-name",
    "apollographql-client-version",
    "Apollo-Require-Preflight",
    "GraphQL-Require-Preflight",
)
SECRET_FIELDS = frozenset({"secret_key", "secret_key_previous", "smtp_password", "aws_secret_access_key"})
URL_FIELDS = frozenset({"database_url", "redis_url", "sms_webhook_url"})
DEFAULT_DOCUMENT_STORE_URL = "file://data/documents"


class ConfigurationError(Exception):
    pass


def without_credentials(url: str) -> str:
    """The URL with its password (and any query, which may hold a key) masked."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "***"
    netloc = parts.netloc
    if password is not None:
        netloc = f"{parts.username or ''}:***@{netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc, query="***" if parts.query else ""))


def _extended(defaults: tuple[str, ...], extra: str | None) -> tuple[str, ...]:
    known = {name.lower() for name in defaults}
    added = [name.strip() for name in (extra or "").split(",") if name.strip()]
    return defaults + tuple(dict.fromkeys(name for name in added if name.lower() not in known))


async def _keep_session(connection: object) -> None:
    return None


def default_hashing_concurrency() -> int:
    """One core less than the machine has: password hashing must leave the event loop a core."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEVELOPMENT_SECRET_KEY
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "no-reply@gosi.localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    sms_webhook_url: str | None = None
    redis_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    cors_allow_headers: tuple[str, ...] = DEFAULT_CORS_ALLOW_HEADERS
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    hashing_concurrency: int = field(default_factory=lambda: default_hashing_concurrency())
    execution_timeout_seconds: float = 10.0
    secret_key_previous: tuple[str, ...] = ()
    delivery_timeout_seconds: float = 10.0
    outbox_lease_seconds: float = 60.0
    retention_interval_seconds: float = 3600.0
    shutdown_timeout_seconds: float = 10.0
    metrics_allow: tuple[str, ...] = ()
    prometheus_multiproc_dir: str | None = None
    otel_exporter_otlp_endpoint: str | None = None
    # graphql-codegen's persisted-documents manifest: the documents known by ID; with
    # trusted_documents_only, the only ones that run.
    trusted_documents: str | None = None
    trusted_documents_only: bool = False

    document_store_url: str = DEFAULT_DOCUMENT_STORE_URL
    s3_endpoint_url: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_region: str | None = None
    # How often the scheduled jobs (information reminders, orphaned files) run.
    jobs_interval_seconds: float = 60.0
    live_sockets_per_member: int = 5
    live_sockets_per_process: int = 10_000
    live_session_check_seconds: float = 2.0
    live_ping_seconds: float = 15.0
    webauthn_rp_id: str = "localhost"
    # Empty: http://localhost:8000 and the CORS origins.
    webauthn_allowed_origins: tuple[str, ...] = ()
    # Where people reach the server; empty: http://HOST:PORT. Every printed and downloadable
    # link is under it, never under the address of the request that caused it. An https
    # address turns on Strict-Transport-Security.
    public_url: str = ""
    # The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (uvicorn's
    # --forwarded-allow-ips); empty: none, the peer's own address is the client's.
    forwarded_allow_ips: tuple[str, ...] = ()
    # PEM key and certificate (chain) that sign letters and certificates; development
    # without them: a self-signed pair made under data/ at first start.
    signing_key_file: str | None = None
    signing_cert_file: str | None = None

    def __post_init__(self) -> None:
        public = (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
        object.__setattr__(self, "public_url", public)

    @property
    def https(self) -> bool:
        return self.public_url.lower().startswith("https://")

    def __repr__(self) -> str:
        """Without the secrets: a repr ends up in logs and tracebacks."""
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value and item.name in SECRET_FIELDS:
                value = "***"
            elif value and item.name in URL_FIELDS:
                value = without_credentials(value)
            shown.append(f"{item.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def webauthn_origins(self) -> tuple[str, ...]:
        return self.webauthn_allowed_origins or ("http://localhost:8000", *self.cors_origins)

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @classmethod
    def from_environ(cls, env: Mapping[str, str]) -> Settings:
        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def converted(name: str, default: T, convert: Callable[[str], T], kind: str) -> T:
            value = text(name)
            try:
                return convert(value) if value is not None else default
            except ValueError as exc:
                raise ConfigurationError(f"{name} must be {kind}, got {value!r}") from exc

        def integer(name: str, default: int) -> int:
            return converted(name, default, int, "a whole number")

        def number(name: str, default: float) -> float:
            return converted(name, default, float, "a number")

        def listed(name: str) -> tuple[str, ...]:
            return tuple(item.strip() for item in (text(name) or "").split(",") if item.strip())

        app_env = text("APP_ENV") or "development"
        if app_env not in {"development", "production", "test"}:
            raise ConfigurationError(f"APP_ENV must be development or production, got {app_env!r}")
        settings = cls(
            app_env=app_env,
            host=text("HOST") or "127.0.0.1",
            port=integer("PORT", 8000),
            database_url=text("DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key=text("SECRET_KEY") or DEVELOPMENT_SECRET_KEY,
            smtp_host=text("SMTP_HOST"),
            smtp_port=integer("SMTP_PORT", 25),
            smtp_from=text("SMTP_FROM") or "no-reply@gosi.localhost",
            smtp_username=text("SMTP_USERNAME"),
            smtp_password=text("SMTP_PASSWORD"),
            smtp_starttls=(text("SMTP_STARTTLS") or "").lower() in {"1", "true", "yes"},
            sms_webhook_url=text("SMS_WEBHOOK_URL"),
            redis_url=text("REDIS_URL"),
            cors_origins=listed("CORS_ORIGINS"),
            cors_allow_headers=_extended(DEFAULT_CORS_ALLOW_HEADERS, text("CORS_ALLOW_HEADERS")),
            argon2_memory_kib=integer("ARGON2_MEMORY_KIB", 19 * 1024),
            argon2_time_cost=integer("ARGON2_TIME_COST", 2),
            argon2_parallelism=integer("ARGON2_PARALLELISM", 1),
            hashing_concurrency=integer("HASHING_CONCURRENCY", default_hashing_concurrency()),
            secret_key_previous=listed("SECRET_KEY_PREVIOUS"),
            delivery_timeout_seconds=number("DELIVERY_TIMEOUT_SECONDS", 10.0),
            outbox_lease_seconds=number("OUTBOX_LEASE_SECONDS", 60.0),
            retention_interval_seconds=number("RETENTION_INTERVAL_SECONDS", 3600.0),
            shutdown_timeout_seconds=number("SHUTDOWN_TIMEOUT_SECONDS", 10.0),
            metrics_allow=listed("METRICS_ALLOW"),
            prometheus_multiproc_dir=text("PROMETHEUS_MULTIPROC_DIR"),
            otel_exporter_otlp_endpoint=text("OTEL_EXPORTER_OTLP_ENDPOINT"),
            trusted_documents=text("TRUSTED_DOCUMENTS"),
            trusted_documents_only=(text("TRUSTED_DOCUMENTS_ONLY") or "").lower()
            in {"1", "true", "yes"},
            document_store_url=text("DOCUMENT_STORE_URL") or DEFAULT_DOCUMENT_STORE_URL,
            s3_endpoint_url=text("S3_ENDPOINT_URL"),
            aws_access_key_id=text("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=text("AWS_SECRET_ACCESS_KEY"),
            aws_region=text("AWS_REGION"),
            live_sockets_per_member=integer("LIVE_SOCKETS_PER_MEMBER", 5),
            live_sockets_per_process=integer("LIVE_SOCKETS_PER_PROCESS", 10_000),
            webauthn_rp_id=text("WEBAUTHN_RP_ID") or "localhost",
            webauthn_allowed_origins=listed("WEBAUTHN_ORIGINS"),
            public_url=text("PUBLIC_URL") or "",
            forwarded_allow_ips=listed("FORWARDED_ALLOW_IPS"),
            signing_key_file=text("SIGNING_KEY_FILE"),
            signing_cert_file=text("SIGNING_CERT_FILE"),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.outbox_lease_seconds <= 2 * self.delivery_timeout_seconds:
            # A lease that ends while its sender still waits lets a second process send again.
            raise ConfigurationError(
                "OUTBOX_LEASE_SECONDS must be more than twice DELIVERY_TIMEOUT_SECONDS"
            )
        if not self.document_store_url.startswith(("file://", "s3://")):
            raise ConfigurationError(
                f"DOCUMENT_STORE_URL must be file://... or s3://..., got {self.document_store_url!r}"
            )
        if self.trusted_documents_only and not self.trusted_documents:
            raise ConfigurationError("TRUSTED_DOCUMENTS_ONLY needs TRUSTED_DOCUMENTS (the manifest)")
        if not self.public_url.lower().startswith(("http://", "https://")):
            raise ConfigurationError(f"PUBLIC_URL must start with http:// or https://, got {self.public_url!r}")
        if not self.production:
            return
        if any(len(key) < 32 for key in self.secret_key_previous):
            raise ConfigurationError("every SECRET_KEY_PREVIOUS key needs 32 characters or more")
        if self.secret_key == DEVELOPMENT_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError("APP_ENV=production needs SECRET_KEY (32 characters or more)")
        if not self.smtp_host or not self.sms_webhook_url:
            raise ConfigurationError(
                "APP_ENV=production needs SMTP_HOST and SMS_WEBHOOK_URL: "
                "codes are never written to the log in production"
            )
        if not (self.signing_key_file and self.signing_cert_file):
            raise ConfigurationError(
                "APP_ENV=production needs SIGNING_KEY_FILE and SIGNING_CERT_FILE: the PEM key and "
                "certificate that sign letters and certificates"
            )
        for name, path in (("SIGNING_KEY_FILE", self.signing_key_file),
                           ("SIGNING_CERT_FILE", self.signing_cert_file)):
            if not Path(path).is_file():
                raise ConfigurationError(f"{name} points to {path}, which is not a readable file")

    def tortoise_config(self) -> dict:
        url = self.database_url
        if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
            Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith("postgresql://"):
            url = "postgres://" + url.removeprefix("postgresql://")
        connection: str | dict = url
        if url.startswith("postgres://"):
            connection = expand_db_url(url)
            # asyncpg's default reset (RESET ALL, UNLISTEN, ...) costs a round trip after every
            # statement; the app keeps no session state outside its transactions.
            connection["credentials"]["reset"] = _keep_session
        return {
            "connections": {"default": connection},
            "apps": {
                "models": {
                    "models": ["models"],
                    "migrations": "models.migrations",
                    "default_connection": "default",
                }
            },
            "use_tz": True,
            "timezone": "UTC",
        }
