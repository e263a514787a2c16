"""Operator commands of `server.py` other than serving."""

from __future__ import annotations

import argparse
import getpass
import sys

from tortoise import Tortoise, connections

from models import AccountStatus, Member
from resolvers import staff
from resolvers.platform.database import migrate_database
from resolvers.platform.errors import DomainError
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings


async def create_staff_command(settings: Settings, args: argparse.Namespace, password: str) -> int:
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        member, created = await staff.create_staff(
            runtime=Runtime.from_settings(settings),
            national_id=args.national_id,
            full_name=args.name,
            password=password,
            mobile=args.mobile,
        )
    except DomainError as error:
        for item in error.errors:
            print(f"{item.field}: {item.code.value}", file=sys.stderr)
        return 1
    finally:
        await connections.close_all()
    print(f"{'created' if created else 'promoted'} staff account {describe(member)}")
    if member.status is not AccountStatus.ACTIVE:
        print(f"note: the account is {member.status.value} and stays so; it cannot sign in",
              file=sys.stderr)
    return 0


async def disable_staff_command(settings: Settings, args: argparse.Namespace) -> int:
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        member = await staff.disable_staff(
            runtime=Runtime.from_settings(settings), national_id=args.national_id
        )
    except DomainError as error:
        for item in error.errors:
            print(f"{item.field}: {item.code.value}", file=sys.stderr)
        return 1
    finally:
        await connections.close_all()
    print(f"disabled staff account {describe(member)}; every session ended")
    return 0


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


