"""Questions members ask the administration, and the conversation that follows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from models import (
    Actor,
    Member,
    Question,
    QuestionCategory,
    QuestionMessage,
    QuestionStatus,
    Role,
    ServiceRequest,
)
from resolvers import validation
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import QUESTION_ANSWERED
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.pagination import Page, grouped, paginate
from resolvers.platform.references import next_reference
from resolvers.platform.runtime import Runtime
from resolvers.service_requests.search import NOBODY, exact_reference, lookup_member

REFERENCE_PREFIX = "Q"
SUBJECT_MAX = 200
BODY_MAX = 5000
# A closed question takes no more messages, from either side.
TAKES_MESSAGES = (QuestionStatus.OPEN, QuestionStatus.ANSWERED)


async def ask_question(
    *,
    runtime: Runtime,
    member: Member,
    subject: str,
    body: str,
    category: QuestionCategory,
    related_request_id: uuid.UUID | None,
) -> Question:
    errors = ErrorCollector()
    subject_text = validation.bounded_text(errors, "subject", subject, max_length=SUBJECT_MAX)
    body_text = validation.bounded_text(errors, "body", body, max_length=BODY_MAX, multiline=True)
    # Someone else's request is "not found", exactly like one that does not exist.
    if related_request_id is not None and not await ServiceRequest.exists(
        id=related_request_id, member_id=member.id
    ):
        errors.add("related_request_id", ErrorCode.NOT_FOUND)
    errors.raise_if_any()

    now = runtime.now()
    async with in_transaction():
        reference = await next_reference(REFERENCE_PREFIX, runtime.today().year)
        question = await Question.create(
            reference_number=reference,
            member_id=member.id,
            subject=subject_text,
            category=category,
            status=QuestionStatus.OPEN,
            related_request_id=related_request_id,
            created_at=now,
            updated_at=now,
        )
        await QuestionMessage.create(
            question_id=question.id,
            actor=Actor.MEMBER,
            actor_member_id=member.id,
            body=body_text,
            created_at=now,
        )
    audit.record("question_asked", member_id=member.id, question_id=question.id)
    return question


async def reply_to_question(
    *, runtime: Runtime, member: Member, question_id: uuid.UUID, body: str
) -> Question:
    """The member adds to their question; an answered one is open again."""
    body_text = _body(body)
    question = await Question.get_or_none(id=question_id, member_id=member.id)
    if question is None:
        raise DomainError.single("question_id", ErrorCode.NOT_FOUND)
    async with in_transaction():
        await _add_message(
            runtime, question, QuestionStatus.OPEN, Actor.MEMBER, member, body_text
        )
    audit.record("question_replied", member_id=member.id, question_id=question.id)
    return question


async def answer_question(
    *, runtime: Runtime, staff: Member, question_id: uuid.UUID, body: str, close: bool
) -> Question:
    """Staff answer, or answer and close; the member is told either way."""
    body_text = _body(body)
    question = await Question.filter(id=question_id).select_related("member").first()
    if question is None:
        raise DomainError.single("question_id", ErrorCode.NOT_FOUND)
    status = QuestionStatus.CLOSED if close else QuestionStatus.ANSWERED
    async with in_transaction():
        await _add_message(runtime, question, status, Actor.STAFF, staff, body_text)
        # In the same transaction: the notice goes out if and only if the answer is stored.
        await _notify_member(runtime, question)
    audit.record("question_answered", staff_id=staff.id, question_id=question.id, status=status)
    return question


def _body(body: str) -> str:
    errors = ErrorCollector()
    text = validation.bounded_text(errors, "body", body, max_length=BODY_MAX, multiline=True)
    errors.raise_if_any()
    assert text is not None
    return text


async def _add_message(
    runtime: Runtime,
    question: Question,
    status: QuestionStatus,
    actor: Actor,
    actor_member: Member,
    body: str,
) -> None:
    updated_at = runtime.now()
    # One conditional UPDATE: a question closed meanwhile by someone else stays closed.
    moved = await Question.filter(id=question.id, status__in=TAKES_MESSAGES).update(
        status=status, updated_at=updated_at
    )
    if not moved:
        raise DomainError.single("question_id", ErrorCode.INVALID_TRANSITION, "question_closed")
    # Timed after the UPDATE, which holds the row until commit: messages that race are
    # ordered as the database ordered them.
    await QuestionMessage.create(
        question_id=question.id,
        actor=actor,
        actor_member_id=actor_member.id,
        body=body,
        created_at=runtime.now(),
    )
    question.status, question.updated_at = status, updated_at


async def _notify_member(runtime: Runtime, question: Question) -> None:
    await notify_member(
        runtime,
        question.member,
        QUESTION_ANSWERED,
        question_id=question.id,
        reference=question.reference_number,
        subject=question.subject,
    )


async def visible_question(*, viewer: Member | None, question_id: uuid.UUID) -> Question | None:
    """The question if the viewer asked it or is staff; None otherwise, as if it did not exist."""
    if viewer is None:
        return None
    query = Question.filter(id=question_id)
    if viewer.role is not Role.STAFF:
        query = query.filter(member_id=viewer.id)
    return await query.first()


async def member_questions(
    *, member_id: uuid.UUID, status: QuestionStatus | None, first: int | None, after: str | None
) -> Page[Question]:
    """One member's questions, newest first."""
    query = Question.filter(member_id=member_id)
    if status is not None:
        query = query.filter(status=status)
    return await paginate(query, time_field="created_at", first=first, after=after,
                          newest_first=True)


async def all_questions(
    *,
    runtime: Runtime,
    staff: Member,
    status: QuestionStatus | None,
    reference_number: str | None = None,
    national_id: str | None = None,
    first: int | None,
    after: str | None,
) -> Page[Question]:
    """Every member's questions, oldest first: the staff's work queue. A reference number
    is found by its unique index, a national ID's questions by (member_id, created_at, id)."""
    query = Question.all()
    if status is not None:
        query = query.filter(status=status)
    if reference_number is not None:
        query = query.filter(reference_number=exact_reference(reference_number))
    if national_id is not None:
        member_id = await lookup_member(
            runtime=runtime, staff=staff, national_id=national_id, field="national_id"
        )
        query = query.filter(member_id=member_id or NOBODY)
    return await paginate(query, time_field="created_at", first=first, after=after,
                          newest_first=False)


async def messages_of(question_ids: Sequence[uuid.UUID]) -> list[list[QuestionMessage]]:
    """The messages of each question, oldest first, in one query for all of them."""
    messages = await QuestionMessage.filter(question_id__in=list(question_ids)).order_by(
        "created_at", "id"
    )
    return grouped(messages, question_ids, key=lambda message: message.question_id)


