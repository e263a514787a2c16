"""Decision letters: issued when a request is APPROVED or REJECTED, verifiable by anyone who
holds the code printed on them, revealing no more than the letter itself shows."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from models import DecisionLetter, Member, RequestStatus, ServiceRequest, ServiceType
from resolvers.letter_pdf import LetterContent, render_letter
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.store import StoreUnavailable
from resolvers.service_requests import catalog

# No 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4
LETTERS_PREFIX = "letters"
DECISION_NAMES = {
    RequestStatus.APPROVED: {"EN": "Approved", "AR": "مقبول"},
    RequestStatus.REJECTED: {"EN": "Rejected", "AR": "مرفوض"},
}


@dataclass(frozen=True)
class PreparedLetter:
    id: uuid.UUID
    request_id: uuid.UUID
    code: str
    language: str
    pdf: bytes
    storage_key: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class Verification:
    reference_number: str
    type: ServiceType
    status: RequestStatus
    issued_at: dt.datetime
    holder_name: str


def new_code() -> str:
    """12 characters from CODE_ALPHABET, shown as 7KQ2-M9XD-4TPA."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
              for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalize_code(code: str) -> str | None:
    """What was typed, as printed: case and separators do not matter; None if it cannot be one."""
    compact = "".join(char for char in code.upper() if char not in " -")
    if len(compact) != CODE_GROUPS * CODE_GROUP_LENGTH or any(
        char not in CODE_ALPHABET for char in compact
    ):
        return None
    return "-".join(compact[i:i + CODE_GROUP_LENGTH]
                    for i in range(0, len(compact), CODE_GROUP_LENGTH))


def mask_name(full_name: str) -> str:
    """Sara Abdullah Alharbi -> S*** A*** A***"""
    return " ".join(f"{word[0]}***" for word in full_name.split())


def saudi_date(moment: dt.datetime) -> dt.date:
    """The date printed on a letter: the day in Riyadh (UTC+3, no daylight saving)."""
    return (moment + dt.timedelta(hours=3)).date()


def verify_link(verify_url: str, code: str) -> str:
    return f"{verify_url}?code={quote(code)}"


async def prepare(
    runtime: Runtime,
    *,
    request: ServiceRequest,
    decision: RequestStatus,
    note: str | None,
    issued_at: dt.datetime,
    verify_url: str,
) -> PreparedLetter:
    """The letter rendered (in a worker thread) in the member's language, not yet stored."""
    member: Member = request.member
    language = member.preferred_language
    code = new_code()
    content = LetterContent(
        language=language,
        reference_number=request.reference_number,
        service_name=catalog.service(request.type, language).name,
        decision=DECISION_NAMES[decision][language.value],
        approved=decision is RequestStatus.APPROVED,
        issued_on=saudi_date(issued_at).isoformat(),
        holder_name=member.full_name,
        national_id=member.national_id,
        note=note,
        verification_code=code,
        verify_url=verify_link(verify_url, code),
    )
    pdf = await asyncio.to_thread(render_letter, content)
    letter_id = uuid.uuid4()
    return PreparedLetter(
        id=letter_id, request_id=request.id, code=code, language=language.value, pdf=pdf,
        storage_key=f"{LETTERS_PREFIX}/{letter_id}", issued_at=issued_at,
    )


@contextlib.asynccontextmanager
async def kept(runtime: Runtime, letter: PreparedLetter | None) -> AsyncIterator[None]:
    """Stores the letter (sealed) for the block; deletes it again if the block fails."""
    if letter is None:
        yield
        return
    try:
        await runtime.store.put(letter.storage_key, runtime.cipher.seal(letter.pdf))
    except StoreUnavailable:
        # No decision without its letter: the review waits for the store.
        audit.record("document_store_unavailable", operation="put")
        raise DomainError.single("status", ErrorCode.STORE_UNAVAILABLE) from None
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            await runtime.store.delete(letter.storage_key)
        raise


async def record(runtime: Runtime, letter: PreparedLetter) -> DecisionLetter:
    return await DecisionLetter.create(
        id=letter.id,
        request_id=letter.request_id,
        code_hash=runtime.keyring.digest(letter.code),
        code_sealed=runtime.keyring.seal(letter.code),
        language=letter.language,
        storage_key=letter.storage_key,
        size=len(letter.pdf),
        issued_at=letter.issued_at,
    )


async def verify(runtime: Runtime, code: str) -> Verification | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    letter = await DecisionLetter.get_or_none(
        code_hash=runtime.keyring.digest(normalized)
    ).select_related("request__member")
    if letter is None:
        return None
    request: ServiceRequest = letter.request
    return Verification(
        reference_number=request.reference_number,
        type=request.type,
        status=request.status,
        issued_at=letter.issued_at,
        holder_name=mask_name(request.member.full_name),
    )


def code_of(runtime: Runtime, letter: DecisionLetter) -> str:
    return runtime.keyring.open(letter.code_sealed) or ""


async def letters_of(request_ids: Sequence[uuid.UUID]) -> list[DecisionLetter | None]:
    rows = {row.request_id: row for row in await DecisionLetter.filter(request_id__in=list(request_ids))}
    return [rows.get(key) for key in request_ids]
