"""The server's configuration. Built once by server.py from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tortoise.backends.base.config_generator import expand_db_url

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
DEFAULT_DATABASE_URL = "sqlite://data/gosi.sqlite3"


class ConfigurationError(Exception):
    pass


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
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    hashing_concurrency: int = field(default_factory=lambda: default_hashing_concurrency())
    execution_timeout_seconds: float = 10.0
    webauthn_rp_id: str = "localhost"
    # Empty: http://localhost:8000 and the CORS origins.
    webauthn_allowed_origins: tuple[str, ...] = ()

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

        def integer(name: str, default: int) -> int:
            value = text(name)
            try:
                return int(value) if value is not None else default
            except ValueError as exc:
                raise ConfigurationError(f"{name} must be a whole number, got {value!r}") from exc

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
            cors_origins=tuple(
                origin.strip() for origin in (text("CORS_ORIGINS") or "").split(",") if origin.strip()
            ),
            argon2_memory_kib=integer("ARGON2_MEMORY_KIB", 19 * 1024),
            argon2_time_cost=integer("ARGON2_TIME_COST", 2),
            argon2_parallelism=integer("ARGON2_PARALLELISM", 1),
            hashing_concurrency=integer("HASHING_CONCURRENCY", default_hashing_concurrency()),
            webauthn_rp_id=text("WEBAUTHN_RP_ID") or "localhost",
            webauthn_allowed_origins=tuple(
                origin.strip() for origin in (text("WEBAUTHN_ORIGINS") or "").split(",")
                if origin.strip()
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if not self.production:
            return
        if self.secret_key == DEVELOPMENT_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError("APP_ENV=production needs SECRET_KEY (32 characters or more)")
        if not self.smtp_host or not self.sms_webhook_url:
            raise ConfigurationError(
                "APP_ENV=production needs SMTP_HOST and SMS_WEBHOOK_URL: "
                "codes are never written to the log in production"
            )

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
