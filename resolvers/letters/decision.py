"""Decision letters: issued when a request is APPROVED or REJECTED, in the member's language,
signed, and verifiable by anyone who holds the code printed on them, revealing no more than
the letter itself shows. What a letter says is a few lines on the shared layout."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from models import DecisionLetter, Language, Member, RequestStatus, ServiceRequest, ServiceType
from resolvers.letters import official
from resolvers.letters.layout import GREEN, RED, isolated
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.i18n import label
from resolvers.platform.runtime import Runtime
from resolvers.platform.signing import Signer
from resolvers.platform.store import StoreUnavailable
from resolvers.service_requests import catalog

LETTERS_PREFIX = "letters"

WORDS = {
    Language.EN: {
        "title": "Decision on your request",
        "greeting": "Dear {name},",
        "approved": "We have reviewed your request for {service} (reference {reference}) "
                    "and approved it.",
        "rejected": "We have reviewed your request for {service} (reference {reference}) "
                    "and are unable to approve it.",
        "decision": "Decision",
        "note": "Reviewer's note:",
        "verify": "To check this letter, open {url} and enter the code {code}.",
    },
    Language.AR: {
        "title": "قرار بشأن طلبكم",
        "greeting": "السلام عليكم ورحمة الله وبركاته، وبعد:",
        "approved": "نفيدكم بأننا درسنا طلبكم لخدمة {service} ذي الرقم المرجعي {reference}، "
                    "وتقرر قبوله.",
        "rejected": "نفيدكم بأننا درسنا طلبكم لخدمة {service} ذي الرقم المرجعي {reference}، "
                    "وتعذر قبوله.",
        "decision": "القرار",
        "note": "ملاحظة المراجع:",
        "verify": "للتحقق من هذا الخطاب افتح {url} وأدخل الرمز {code}.",
    },
}


@dataclass(frozen=True)
class LetterContent:
    language: Language
    reference_number: str
    service_name: str
    decision: str
    approved: bool
    issued_on: dt.date
    holder_name: str
    national_id: str
    note: str | None
    verification_code: str
    public_url: str


def render_letter(content: LetterContent) -> bytes:
    """The unsigned PDF. Blocking: run it in a thread."""
    words = WORDS[content.language]
    sheet = official.page(official.Heading(
        language=content.language, title=words["title"], issued_on=content.issued_on,
        reference=content.reference_number,
        addressee=official.addressee(content.language, name=content.holder_name,
                                     national_id=content.national_id),
    ))
    sheet.paragraph(words["greeting"].format(name=isolated(content.holder_name)), after=3)
    body = words["approved" if content.approved else "rejected"]
    sheet.paragraph(body.format(service=content.service_name,
                                reference=isolated(content.reference_number)), after=3)
    sheet.paragraph(f"{words['decision']}: {content.decision}", size=14, bold=True,
                    color=GREEN if content.approved else RED, after=3)
    if content.note:
        sheet.paragraph(words["note"], bold=True, after=0)
        sheet.paragraph(content.note, after=3)
    how = words["verify"].format(url=isolated(official.verify_page(content.public_url)),
                                 code=isolated(content.verification_code))
    return official.close(sheet, content.language, official.Closing(
        verification_code=content.verification_code, public_url=content.public_url,
        how_to_verify=how,
    ))


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


def rendered_and_signed(signer: Signer, content: LetterContent) -> bytes:
    """Blocking: run it in a thread."""
    return signer.sign(render_letter(content), reason=WORDS[Language.EN]["title"])


async def prepare(
    runtime: Runtime,
    *,
    request: ServiceRequest,
    decision: RequestStatus,
    note: str | None,
    issued_at: dt.datetime,
) -> PreparedLetter:
    """The letter rendered and signed (in a worker thread) in the member's language, not yet
    stored."""
    member: Member = request.member
    language = member.preferred_language
    code = official.new_code()
    content = LetterContent(
        language=language,
        reference_number=request.reference_number,
        service_name=catalog.service(request.type, language).name,
        decision=label(decision, language),
        approved=decision is RequestStatus.APPROVED,
        issued_on=official.saudi_date(issued_at),
        holder_name=member.full_name,
        national_id=member.national_id,
        note=note,
        verification_code=code,
        public_url=runtime.settings.public_url,
    )
    pdf = await asyncio.to_thread(rendered_and_signed, runtime.signer, content)
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
    normalized = official.normalize_code(code)
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
        holder_name=official.mask_name(request.member.full_name),
    )


def code_of(runtime: Runtime, letter: DecisionLetter) -> str:
    return runtime.keyring.open(letter.code_sealed) or ""


async def letters_of(request_ids: Sequence[uuid.UUID]) -> list[DecisionLetter | None]:
    rows = {row.request_id: row for row in await DecisionLetter.filter(request_id__in=list(request_ids))}
    return [rows.get(key) for key in request_ids]
