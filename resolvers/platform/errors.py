"""Expected failures: what a user can fix, with a stable code and a localizable message."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    INVALID_NATIONAL_ID = "INVALID_NATIONAL_ID"
    INVALID_MOBILE = "INVALID_MOBILE"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_IBAN = "INVALID_IBAN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_NOT_ACTIVE = "ACCOUNT_NOT_ACTIVE"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"
    TOO_MANY_FILES = "TOO_MANY_FILES"
    DOCUMENTS_MISSING = "DOCUMENTS_MISSING"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    REAUTHENTICATION_REQUIRED = "REAUTHENTICATION_REQUIRED"
    INVALID_SECOND_FACTOR = "INVALID_SECOND_FACTOR"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    SESSION_EXPIRED = "SESSION_EXPIRED"


@dataclass(frozen=True)
class FieldError:
    """One problem with the input. `message` names an entry of resolvers.i18n.MESSAGES
    (the code's own entry when None); `params` fill its placeholders. A refusal for too many
    calls says when the same call can succeed; a wrong code, how many tries are left."""

    field: str | None
    code: ErrorCode
    message: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    retry_after_seconds: int | None = None
    attempts_left: int | None = None


class DomainError(Exception):
    """Raised by a rule when the input cannot be accepted; carries every problem found."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__(", ".join(f"{e.field}: {e.code.value}" for e in errors))
        self.errors = list(errors)

    @classmethod
    def single(
        cls, field: str | None, code: ErrorCode, message: str | None = None, **params: Any
    ) -> DomainError:
        return cls(FieldError(field, code, message, params))

    @classmethod
    def rate_limited(cls, retry_after_seconds: int, message: str | None = None, **params: Any) -> DomainError:
        return cls(FieldError(None, ErrorCode.RATE_LIMITED, message, params,
                              retry_after_seconds=max(1, retry_after_seconds)))

    @classmethod
    def wrong(cls, field: str, code: ErrorCode, attempts_left: int) -> DomainError:
        """A wrong code or proof, and how many tries it has left."""
        return cls(FieldError(field, code, attempts_left=max(0, attempts_left)))


class ErrorCollector:
    """Gathers every field problem of one input before raising them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(
        self, field: str | None, code: ErrorCode, message: str | None = None, **params: Any
    ) -> None:
        self.errors.append(FieldError(field, code, message, params))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(*self.errors)
