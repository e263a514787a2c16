"""Shared GraphQL building blocks: enums, UserError, Node and global IDs, PageInfo."""

from __future__ import annotations

import base64
import binascii
import uuid
from decimal import Decimal
from typing import TypeAlias

import strawberry
from strawberry.schema.name_converter import NameConverter

from models import enums
from resolvers.platform.errors import DomainError
from resolvers.platform.errors import ErrorCode as DomainErrorCode
from resolvers.platform.i18n import translate
from resolvers.platform.pagination import Page
from resolvers.record.counting import round_money

# The schema's enums are the domain's own classes: strawberry.enum registers each one in
# place, and the aliases keep them types for the type checker.
ErrorCode: TypeAlias = DomainErrorCode
NotificationChannel: TypeAlias = enums.NotificationChannel
Language: TypeAlias = enums.Language
Residency: TypeAlias = enums.Residency
AccountStatus: TypeAlias = enums.AccountStatus
Role: TypeAlias = enums.Role
ServiceType: TypeAlias = enums.ServiceType
RequestStatus: TypeAlias = enums.RequestStatus
Actor: TypeAlias = enums.Actor
QuestionCategory: TypeAlias = enums.QuestionCategory
QuestionStatus: TypeAlias = enums.QuestionStatus
DocumentKind: TypeAlias = enums.DocumentKind

strawberry.enum(ErrorCode, name="ErrorCode", description="Stable codes of the errors a user can fix.")
strawberry.enum(NotificationChannel, description="Where codes and notices are sent.")
strawberry.enum(Language, description="Language of messages: Arabic or English.")
strawberry.enum(Residency, description="Citizen (ID starts with 1) or resident (ID starts with 2).")
strawberry.enum(AccountStatus, description="Where the account stands.")
strawberry.enum(Role, description="Member of the public, or staff of the agency.")
strawberry.enum(ServiceType, description="The services one can apply for.")
strawberry.enum(RequestStatus, description="Where a request stands.")
strawberry.enum(Actor, description="Who did something: the member, staff or the system.")
strawberry.enum(QuestionCategory, description="What a question is about.")
strawberry.enum(QuestionStatus, description="Where a question stands.")
strawberry.enum(DocumentKind, description="What a document is.")


@strawberry.type(description="An amount of money.")
class Money:
    amount: Decimal = strawberry.field(description='Two decimal places, e.g. "12500.00".')
    currency: str = strawberry.field(description="ISO 4217; SAR.")

    @classmethod
    def sar(cls, amount: Decimal) -> Money:
        return cls(amount=round_money(amount), currency="SAR")

    @classmethod
    def maybe(cls, amount: Decimal | None) -> Money | None:
        return None if amount is None else cls.sar(amount)


@strawberry.type(description="A problem with the input that the user can fix.")
class UserError:
    field: str | None = strawberry.field(
        description='Dotted path inside `input`, e.g. "details.physiotherapy.sessionsRequested"; '
        "null when the problem is not about one field."
    )
    code: ErrorCode = strawberry.field(description="Stable code for programs.")
    message: str = strawberry.field(description="Text for people, in the caller's language.")
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="With RATE_LIMITED: seconds until the same call can succeed."
    )
    attempts_left: int | None = strawberry.field(
        default=None,
        description="With INVALID_CODE or INVALID_SECOND_FACTOR: tries left before the code or "
        "challenge is void.",
    )


def user_errors(
    error: DomainError, language: enums.Language, name_converter: NameConverter
) -> list[UserError]:
    return [
        UserError(
            field=graphql_path(item.field, name_converter),
            code=item.code,
            message=translate(item.message or item.code.value, language, **item.params),
            retry_after_seconds=item.retry_after_seconds,
            attempts_left=item.attempts_left,
        )
        for item in error.errors
    ]


def graphql_path(path: str | None, name_converter: NameConverter) -> str | None:
    """`details.physiotherapy.sessions_requested` as the schema names it:
    `details.physiotherapy.sessionsRequested`."""
    if path is None:
        return None
    return ".".join(name_converter.apply_naming_config(part) for part in path.split("."))


@strawberry.interface(description="An object that can be fetched again with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")


@strawberry.type(description="Where a page of a connection stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass as `after`.")

    @classmethod
    def from_page(cls, page: Page) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(0) if page.items else None,
            end_cursor=page.cursor(-1) if page.items else None,
        )


def to_global_id(type_name: str, key: uuid.UUID) -> strawberry.ID:
    raw = f"{type_name}:{key}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def decode_global_id(global_id: str, expected_type: str) -> uuid.UUID | None:
    """The key of a global ID of `expected_type`; None for anything else."""
    decoded = from_global_id(global_id)
    return decoded[1] if decoded and decoded[0] == expected_type else None


def key_of(global_id: str, expected_type: str, field: str) -> uuid.UUID:
    """The key behind an ID given in `input`: an ID of another type is simply not found."""
    key = decode_global_id(global_id, expected_type)
    if key is None:
        raise DomainError.single(field, ErrorCode.NOT_FOUND)
    return key


def from_global_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """(type name, key), or None for anything that is not one of our IDs."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, uuid.UUID(key)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
