"""Operator commands of `server.py` other than serving."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import AsyncIterator

from tortoise import Tortoise, connections

from models import AccountStatus, Member
from resolvers import staff
from resolvers.platform import demo
from resolvers.platform.database import migrate_database
from resolvers.platform.errors import DomainError
from resolvers.platform.i18n import Language, translate
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from resolvers.record.importer import ImportReport, import_contributions


@contextlib.asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Runtime]:
    """The database, migrated and open for one command; closed after it."""
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        yield Runtime.from_settings(settings)
    finally:
        await connections.close_all()


def _refused(error: DomainError) -> int:
    report(error)
    return 1


async def create_staff_command(settings: Settings, args: argparse.Namespace, password: str) -> int:
    try:
        async with _database(settings) as runtime:
            member, created = await staff.create_staff(
                runtime=runtime,
                national_id=args.national_id,
                full_name=args.name,
                password=password,
                mobile=args.mobile,
            )
    except DomainError as error:
        return _refused(error)
    print(f"{'created' if created else 'promoted'} staff account {describe(member)}")
    if member.status is not AccountStatus.ACTIVE:
        print(f"note: the account is {member.status.value} and stays so; it cannot sign in",
              file=sys.stderr)
    return 0


async def disable_staff_command(settings: Settings, args: argparse.Namespace) -> int:
    try:
        async with _database(settings) as runtime:
            member = await staff.disable_staff(runtime=runtime, national_id=args.national_id)
    except DomainError as error:
        return _refused(error)
    print(f"disabled staff account {describe(member)}; every session ended")
    return 0


def report(error: DomainError) -> None:
    """Each problem with its field, its code and what to do, in English."""
    for item in error.errors:
        advice = translate(item.message or item.code.value, Language.EN, **item.params)
        print(f"{item.field}: {item.code.value}: {advice}", file=sys.stderr)


async def import_contributions_command(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 1 when any line was refused, 2 when the file cannot be read, else 0."""
    try:
        source = open(args.file, "rb")  # noqa: SIM115 (closed below, after the import)
    except OSError as error:
        print(f"cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    progress = _show_progress if sys.stdout.isatty() else None
    async with _database(settings) as runtime:
        with source:
            report = await import_contributions(
                runtime=runtime, lines=source, on_refused=_show_refused, on_progress=progress,
            )
    if progress:
        print()
    print(f"{report.lines} lines: {report.added} added, {report.replaced} replaced, "
          f"{report.removed} removed, {report.unchanged} unchanged, {report.refused} refused; "
          f"{report.notified} members told")
    return 1 if report.refused else 0


SIGN_IN = """mutation {{ login(input: {{nationalId: "{national_id}", password: "{password}"}}) {{
  session {{ accessToken }} errors {{ code message }} }} }}"""


async def seed_demo_command(settings: Settings) -> int:
    if settings.production:
        print("seed-demo refuses to run with APP_ENV=production", file=sys.stderr)
        return 2
    async with _database(settings) as runtime, runtime.live.collect():
        seeded = await demo.seed(runtime)
    print("demo data added" if seeded else "the demo data is there already")
    print(f"\nsign in at http://{settings.host}:{settings.port}/graphql (GraphiQL) with login:")
    for person in (demo.STAFF, *demo.MEMBERS):
        print(f"  {person.national_id}  {person.password:<20} {person.full_name} ({person.regime})")
    first = demo.MEMBERS[0]
    print("\nfor example:\n" + SIGN_IN.format(national_id=first.national_id, password=first.password))
    print("then send the accessToken as the header  Authorization: Bearer <accessToken>")
    return 0


def _show_refused(number: int, reason: str) -> None:
    print(f"line {number}: refused: {reason}", file=sys.stderr)


def _show_progress(report: ImportReport) -> None:
    print(f"\r{report.lines} lines read, {report.added} added, {report.replaced} replaced, "
          f"{report.refused} refused", end="", flush=True)


def describe(member: Member) -> str:
    """The row as it is now in the database."""
    return (f"{member.national_id}: {member.full_name}, mobile {member.mobile or '-'}, "
            f"role {member.role.value}, status {member.status.value}")


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != first:
            raise SystemExit("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


