"""Descriptions the served schema gets in one pass: every enum value a person sees is
described by its English label, every error code by what it means, and the arguments
every list or mutation shares (first, after, filter, input) alike everywhere."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLSchema,
    get_named_type,
)

from models.enums import Language
from resolvers.platform.i18n import MESSAGES

SCALARS = {
    "Date": 'A calendar date, ISO 8601 "YYYY-MM-DD", e.g. "1990-05-17" (Gregorian).',
    "DateTime": 'An instant, ISO 8601 with its UTC offset, e.g. "2026-12-04T18:52:13+00:00".',
    "Decimal": 'A decimal number as a string, e.g. "12500.00": never a float.',
}

ERROR_CODES = {
    "REQUIRED": "The field is required and was empty or absent.",
    "INVALID": "The value is not acceptable; the message says why.",
    "INVALID_NATIONAL_ID": "Not 10 digits starting with 1 or 2 with a valid check digit.",
    "INVALID_MOBILE": "Not a Saudi mobile number.",
    "INVALID_EMAIL": "Not an email address.",
    "INVALID_IBAN": "Not a valid Saudi IBAN.",
    "WEAK_PASSWORD": "The password breaks a rule of `policies.passwordRules`.",
    "ALREADY_REGISTERED": "An account with this national ID exists.",
    "NOT_FOUND": "Nothing the caller may see has this ID.",
    "INVALID_CODE": "The one-time code is wrong; `attemptsLeft` says how many tries remain.",
    "CODE_EXPIRED": "The code expired or was replaced: ask for a new one.",
    "TOO_MANY_ATTEMPTS": "The code had too many wrong tries and is void: ask for a new one.",
    "RATE_LIMITED": "Too many calls; `retryAfterSeconds` says when the same call can succeed.",
    "INVALID_CREDENTIALS": "The national ID or password is wrong (the same answer for both).",
    "ACCOUNT_NOT_ACTIVE": "The account is not activated yet.",
    "ACCOUNT_LOCKED": "The account is locked.",
    "INVALID_TRANSITION": "The request's status does not allow this now (see `availableActions`).",
    "DUPLICATE_REQUEST": "An open request for the same service exists.",
    "FILE_TOO_LARGE": "A file is larger than `policies.maxFileBytes`.",
    "UNSUPPORTED_FILE_TYPE": "A file's content is not one of `policies.acceptedFileTypes`.",
    "TOO_MANY_FILES": "More files than `policies.maxFilesPerRequest` on one request.",
    "DOCUMENTS_MISSING": "A required document is not attached; the message names each by its label.",
    "STORE_UNAVAILABLE": "Documents cannot be stored right now; nothing changed: try again.",
    "REAUTHENTICATION_REQUIRED": "Confirm it is you (reauthenticate) and try again.",
    "INVALID_SECOND_FACTOR": "The second-factor proof is wrong; `attemptsLeft` says how many tries remain.",
    "NOT_ELIGIBLE": "The member does not meet a rule of the service on the request's date "
    "(RULES.md); the message names each unmet rule.",
    "SESSION_EXPIRED": "refreshSession: the refresh token no longer works (expired, signed out, "
    "revoked or reused): sign in again.",
}

ARGUMENTS = {
    "first": "How many items to return (at most 100).",
    "after": "The `endCursor` of the previous page; from the start when absent.",
    "filter": "Narrows the list to what matches every field given; everything when absent.",
}


def describe(schema: GraphQLSchema) -> None:
    """Fills in what the declarations left undescribed; a declared description stays."""
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if name in SCALARS:
            named.description = SCALARS[name]
        if isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                if not value.description:
                    value.description = enum_value_description(name, value_name)
        for field in (getattr(named, "fields", None) or {}).values():
            for arg_name, arg in (getattr(field, "args", None) or {}).items():
                if not arg.description:
                    arg.description = argument_description(arg_name, arg.type)


def enum_value_description(enum: str, value: str) -> str | None:
    if enum == "ErrorCode":
        return ERROR_CODES.get(value)
    label = MESSAGES.get(f"{enum}.{value}")
    return label[Language.EN] if label else None


def argument_description(name: str, type_: GraphQLInputType) -> str | None:
    if name == "input":
        input_type = get_named_type(type_)
        if isinstance(input_type, GraphQLInputObjectType):
            return input_type.description or f"The {input_type.name}."
    return ARGUMENTS.get(name)
