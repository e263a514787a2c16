"""The entry point: settings from the environment, the ASGI app, and the command line.

    python server.py                                   serve (migrating first)
    python server.py create-staff NATIONAL_ID --name "NAME" [--mobile 05XXXXXXXX]
    python server.py disable-staff NATIONAL_ID
    python server.py import-contributions FILE
    python server.py seed-demo
    python server.py migrate | export-schema
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from resolvers.platform.commands import (
    create_staff_command,
    disable_staff_command,
    import_contributions_command,
    read_password,
    seed_demo_command,
)
from resolvers.platform.database import migrate_database
from resolvers.platform.logs import configure_logging
from resolvers.platform.settings import ConfigurationError, Settings
from schema import build_schema
from schema.http.app import create_app

SCHEMA_EXPORT = Path(__file__).parent / "schema" / "schema.graphql"


def app() -> Starlette:
    """For `uvicorn server:app --factory --workers N`: each worker builds its app from the environment."""
    settings = Settings.from_environ(os.environ)
    configure_logging(production=settings.production)
    return create_app(settings)


def export_schema() -> str:
    return str(build_schema(production=False)) + "\n"


def __getattr__(name: str) -> Any:
    """`tortoise -c server.TORTOISE_ORM makemigrations` reads the configuration from here."""
    if name == "TORTOISE_ORM":
        return Settings.from_environ(os.environ).tortoise_config()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the API (the default)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    commands.add_parser("export-schema", help="write schema/schema.graphql")
    staff = commands.add_parser(
        "create-staff", help="create or promote a staff account",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Create an active staff account, or make an existing account staff: its name, its
mobile when given, and its password are set, and its sessions end.

The password is read from standard input (asked twice on a terminal): 12 to 128
characters, not one of the common passwords, without the national ID.""",
        epilog="""\
example:
  printf '%s\\n' 'a-long-staff-passphrase' | \\
    python server.py create-staff 1000000016 --name "Noura Saleh" --mobile 0551234567""",
    )
    staff.add_argument("national_id", metavar="NATIONAL_ID",
                       help="10 digits, starting with 1 (citizen) or 2 (resident), Luhn check digit")
    staff.add_argument("--name", required=True, metavar="NAME",
                       help='full name as shown to members, at least two words ("Noura Saleh")')
    staff.add_argument("--mobile", default=None, metavar="MOBILE",
                       help="Saudi mobile for codes, 05XXXXXXXX or +9665XXXXXXXX (kept when omitted)")
    disable = commands.add_parser(
        "disable-staff", help="end an account's staff role and every session of it at once"
    )
    disable.add_argument("national_id", metavar="NATIONAL_ID", help="the staff member's national ID")
    contributions = commands.add_parser(
        "import-contributions", help="load engagements from the core system's JSON Lines file"
    )
    contributions.add_argument("file")
    commands.add_parser("seed-demo", help="fill the development database with demo data")
    args = parser.parse_args(argv)

    if args.command == "export-schema":
        SCHEMA_EXPORT.write_text(export_schema(), encoding="utf-8")
        print(f"wrote {SCHEMA_EXPORT}")
        return 0
    try:
        settings = Settings.from_environ(os.environ)
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(production=settings.production)
    if args.command == "migrate":
        asyncio.run(migrate_database(settings))
        return 0
    if args.command == "create-staff":
        return asyncio.run(create_staff_command(settings, args, read_password()))
    if args.command == "disable-staff":
        return asyncio.run(disable_staff_command(settings, args))
    if args.command == "import-contributions":
        return asyncio.run(import_contributions_command(settings, args))
    if args.command == "seed-demo":
        return asyncio.run(seed_demo_command(settings))

    from schema.http.serve import serve

    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
