"""`server.py create-staff` and configuration checks, run as an operator would."""

import os
import sqlite3
import subprocess
import sys

from tests.conftest import ROOT
from tests.servers import start_servers, stop_server

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
    assert "password: WEAK_PASSWORD: The password must be 12 to 128 characters long." in refused.stderr


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


def test_the_server_says_where_to_go_once_it_has_started(tmp_path):
    env = {name: value for name, value in os.environ.items()
           if name not in ("APP_ENV", "SMTP_HOST", "SMS_WEBHOOK_URL")}
    env["DATABASE_URL"] = f"sqlite://{tmp_path / 'dev.sqlite3'}"
    [(process, url)] = start_servers(1, env, tmp_path)
    stop_server(process)
    lines = (tmp_path / "server-0.log").read_text().splitlines()
    [ready] = [index for index, line in enumerate(lines) if "GraphiQL:" in line]
    assert (f"GraphiQL: open {url}/graphql in a browser; without SMTP_HOST and SMS_WEBHOOK_URL, "
            "codes and notices are written to this log under gosi.dev_mailbox") in lines[ready]
    before = "\n".join(lines[:ready])
    assert "Application startup complete" in before and "Tortoise-ORM shutdown" not in before


def test_create_staff_help_explains_each_argument():
    shown = run("create-staff", "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())  # as wrapped to the terminal's width
    for told in ("NATIONAL_ID", "Luhn check digit", "--name NAME", "at least two words",
                 "--mobile MOBILE", "standard input", "12 to 128"):
        assert told in text, told
