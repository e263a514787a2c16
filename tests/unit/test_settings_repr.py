"""Settings print without their secrets: a repr ends up in logs and tracebacks."""

from __future__ import annotations

import pytest

from resolvers.platform.settings import Settings, without_credentials

ENVIRONMENT = {
    "DATABASE_URL": "postgres://gosi:db-pass-7731@db.internal:5432/gosi",
    "REDIS_URL": "redis://:redis-pass-9902@cache.internal:6379/0",
    "SMS_WEBHOOK_URL": "https://sms.example.sa/send?api_key=sms-key-5521",
    "SECRET_KEY": "k" * 40,
    "SMTP_USERNAME": "mailer",
    "SMTP_PASSWORD": "smtp-pass-4410",
}


def test_repr_and_str_hide_every_secret_but_keep_the_rest() -> None:
    settings = Settings.from_environ(ENVIRONMENT)
    for shown in (repr(settings), str(settings), f"{settings!r}"):
        for secret in ("db-pass-7731", "redis-pass-9902", "sms-key-5521", "k" * 40, "smtp-pass-4410"):
            assert secret not in shown
        assert "db.internal:5432/gosi" in shown and "mailer" in shown
    # The settings themselves keep the real values.
    assert settings.secret_key == "k" * 40 and "db-pass-7731" in settings.database_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite://data/gosi.sqlite3", "sqlite://data/gosi.sqlite3"),
        ("postgres://gosi@db/gosi", "postgres://gosi@db/gosi"),
        ("postgres://gosi:pw@db:5432/gosi", "postgres://gosi:***@db:5432/gosi"),
        ("redis://:pw@cache:6379/0", "redis://:***@cache:6379/0"),
        ("https://sms.example.sa/send?key=pw", "https://sms.example.sa/send?***"),
        ("postgres://gosi:p@ss@db/gosi", "postgres://gosi:***@db/gosi"),
    ],
)
def test_without_credentials(url: str, shown: str) -> None:
    assert without_credentials(url) == shown
