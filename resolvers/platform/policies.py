"""The limits the server enforces, read from the constants that enforce them, for clients
to check before sending."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Language
from resolvers import validation
from resolvers.documents import uploads as documents
from resolvers.platform import tokens
from resolvers.platform.i18n import translate
from resolvers.security import codes


@dataclass(frozen=True)
class Policies:
    max_file_bytes: int
    max_files_per_request: int
    accepted_file_types: tuple[str, ...]
    password_min_length: int
    password_rules: str
    code_length: int
    code_valid_seconds: int
    resend_after_seconds: int


def policies(language: Language) -> Policies:
    rules = ("password_length", "password_common", "password_personal")
    return Policies(
        max_file_bytes=documents.MAX_FILE_BYTES,
        max_files_per_request=documents.MAX_FILES,
        accepted_file_types=tuple(documents.ALLOWED_TYPES),
        password_min_length=validation.PASSWORD_MIN,
        password_rules=" ".join(
            translate(rule, language, min=validation.PASSWORD_MIN, max=validation.PASSWORD_MAX)
            for rule in rules
        ),
        code_length=tokens.CODE_LENGTH,
        code_valid_seconds=int(codes.CODE_LIFETIME.total_seconds()),
        resend_after_seconds=int(codes.RESEND_INTERVAL.total_seconds()),
    )
