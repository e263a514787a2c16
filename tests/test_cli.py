"""`server.py create-staff` and configuration checks, run as an operator would."""

import os
import sqlite3
import subprocess
import sys

from tests.conftest import ROOT

STAFF_ID = "1000000008"
STAFF_PASSWORD = "quiet-meadow-lantern-9"


def run(*args, stdin="", env=None):
    return subprocess.run(
        [sys.executable, "server.py", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120,
    )


def create_staff(env, *, password: str = STAFF_PASSWORD, name: str = "Noura Saleh", mobile=None):
    """`server.py create-staff` for STAFF_ID, the password typed at its prompt."""
    more = ("--mobile", mobile) if mobile else ()
    return run("create-staff", STAFF_ID, "--name", name, *more, stdin=password + "\n", env=env)


def test_create_staff_creates_then_promotes_an_active_staff_account(tmp_path):
    database = tmp_path / "staff.sqlite3"
    env = {"DATABASE_URL": f"sqlite://{database}"}
    created = create_staff(env)
    assert created.returncode == 0, created.stderr
    assert "created staff account 1000000008" in created.stdout
    again = create_staff(env)
    assert "promoted staff account 1000000008" in again.stdout

    with sqlite3.connect(database) as connection:
        role, status, password_hash = connection.execute(
            "SELECT role, status, password_hash FROM member WHERE national_id = ?", (STAFF_ID,)
        ).fetchone()
    assert (role, status) == ("STAFF", "ACTIVE")
    assert password_hash.startswith("$argon2id$") and STAFF_PASSWORD not in password_hash


def test_create_staff_refuses_a_weak_password(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'weak.sqlite3'}"}
    refused = create_staff(env, password="short")
    assert refused.returncode == 1
    assert "password: WEAK_PASSWORD" in refused.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"APP_ENV": "production", "SECRET_KEY": "", "DATABASE_URL": f"sqlite://{tmp_path}/p.db"}
    refused = run("migrate", env=env)
    assert refused.returncode == 2
    assert "SECRET_KEY" in refused.stderr


def test_production_refuses_console_delivery(tmp_path):
    env = {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "SMTP_HOST": "",
           "SMS_WEBHOOK_URL": "", "DATABASE_URL": f"sqlite://{tmp_path}/p.db"}
    refused = run("migrate", env=env)
    assert refused.returncode == 2
    assert "SMTP_HOST" in refused.stderr
