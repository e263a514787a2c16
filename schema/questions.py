"""Questions to the administration: the Question type, the lists, and the mutations."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import AccessPurpose, Role
from models import Question as QuestionModel
from models import QuestionMessage as QuestionMessageModel
from resolvers import questions
from resolvers.accounts import sign_in
from resolvers.platform.pagination import Page
from schema import member as member_types
from schema.base import (
    Actor,
    Node,
    QuestionCategory,
    QuestionStatus,
    UserError,
    key_of,
    to_global_id,
)
from schema.connections import Connection
from schema.context import Info
from schema.payloads import errors_field, mutation
from schema.service_requests.types import ServiceRequest, load_service_request

if TYPE_CHECKING:
    from schema.member import Member


@strawberry.type(description="One message in a question's conversation.")
class QuestionMessage:
    author: Actor = strawberry.field(description="MEMBER for the asker, STAFF for an answer.")
    body: str = strawberry.field(description="The text of the message.")
    created_at: dt.datetime = strawberry.field(description="When the message was written.")

    @classmethod
    def from_model(cls, row: QuestionMessageModel) -> QuestionMessage:
        return cls(author=row.actor, body=row.body, created_at=row.created_at)


@strawberry.type(description="A question a member asked the administration, with its conversation.")
class Question(Node):
    reference_number: str = strawberry.field(description="Human-readable, e.g. Q-2026-000042")
    subject: str = strawberry.field(description="What the question is about, in a line.")
    category: QuestionCategory = strawberry.field(description="The kind of question.")
    status: QuestionStatus = strawberry.field(
        description="OPEN until staff answer, ANSWERED after, CLOSED when it takes no more replies."
    )
    created_at: dt.datetime = strawberry.field(description="When the question was asked.")
    updated_at: dt.datetime = strawberry.field(description="When it last changed: a new message or status.")
    pk: strawberry.Private[uuid.UUID]
    member_id: strawberry.Private[uuid.UUID]
    related_request_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, row: QuestionModel) -> Question:
        return cls(
            id=to_global_id("Question", row.id),
            pk=row.id,
            member_id=row.member_id,
            related_request_id=row.related_request_id,
            reference_number=row.reference_number,
            subject=row.subject,
            category=row.category,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Oldest first; the first message is the member's question.")
    async def messages(self, info: Info) -> list[QuestionMessage]:
        await self._opened(info)
        rows = await info.context.loader(questions.messages_of).load(self.pk)
        return [QuestionMessage.from_model(row) for row in rows]

    @strawberry.field(description="The asker's service request this question is about, if any.")
    async def related_request(
        self, info: Info
    ) -> ServiceRequest | None:
        if self.related_request_id is None:
            return None
        return await load_service_request(info, self.related_request_id)

    @strawberry.field(description="The member who asked.")
    async def asker(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.member")]:
        await self._opened(info)
        row = await info.context.loader(sign_in.members_by_id).load(self.member_id)
        return member_types.Member.from_model(row)

    async def _opened(self, info: Info) -> None:
        """Staff reading the conversation or the asker: one line in the member's log."""
        viewer = await info.context.viewer()
        if viewer is not None and viewer.role is Role.STAFF:
            info.context.runtime.access_log.record(
                staff=viewer, member_id=self.member_id,
                purpose=AccessPurpose.QUESTION_ANSWER, subject=self.reference_number,
                thing=self.pk,
            )


@strawberry.type(name="QuestionConnection", description="A page of questions.")
class QuestionConnection(Connection[Question]):
    pass


async def connection(info: Info, page: Awaitable[Page[QuestionModel]]) -> QuestionConnection:
    return QuestionConnection.from_page(await info.context.page(page), Question.from_model)


async def member_questions(
    info: Info,
    *,
    member_id: uuid.UUID,
    status: QuestionStatus | None,
    first: int | None,
    after: str | None,
) -> QuestionConnection:
    return await connection(
        info,
        questions.member_questions(member_id=member_id, status=status, first=first, after=after),
    )


async def load_question(info: Info, key: uuid.UUID) -> Question | None:
    row = await questions.visible_question(viewer=await info.context.viewer(), question_id=key)
    return Question.from_model(row) if row else None


def forget_messages(info: Info, question_id: uuid.UUID) -> None:
    """A payload after a new message must not show the messages as loaded before it."""
    cached = info.context.loaders.get(questions.messages_of)
    if cached is not None:
        cached.clear(question_id)


@strawberry.input(description="A question to the administration.")
class AskQuestionInput:
    subject: str = strawberry.field(description="What the question is about; up to 200 characters.")
    body: str = strawberry.field(description="The question itself; up to 5000 characters.")
    category: QuestionCategory = strawberry.field(description="The kind of question.")
    related_request_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of your own service requests the question is about."
    )


@strawberry.input(description="Add a message to your own question.")
class ReplyToQuestionInput:
    question_id: strawberry.ID = strawberry.field(description="The question's ID.")
    body: str = strawberry.field(description="The message; up to 5000 characters.")


@strawberry.input(description="Staff: answer a member's question.")
class AnswerQuestionInput:
    question_id: strawberry.ID = strawberry.field(description="The question's ID.")
    body: str = strawberry.field(description="The answer; up to 5000 characters.")
    close: bool | None = strawberry.field(
        default=None, description="Close the question with this answer."
    )


@strawberry.type(description="The result of askQuestion, replyToQuestion or answerQuestion.")
class QuestionPayload:
    question: Question | None = strawberry.field(description="The question as it now stands.")
    errors: list[UserError] = errors_field()


StatusFilter = Annotated[
    QuestionStatus | None, strawberry.argument(description="Only questions in this status.")
]
"""The `status` argument of every list of questions."""


@strawberry.type
class QuestionQuery:
    @strawberry.field(description="Staff only: every member's questions, oldest first.")
    async def questions(
        self,
        info: Info,
        status: StatusFilter = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size: 20 by default, 100 at most.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page.")
        ] = None,
        reference_number: Annotated[
            str | None,
            strawberry.argument(description="Exact reference number, e.g. Q-2026-000042."),
        ] = None,
        national_id: Annotated[
            str | None, strawberry.argument(description="The asker's national ID.")
        ] = None,
    ) -> QuestionConnection:
        staff = await info.context.require_staff()
        return await connection(
            info,
            questions.all_questions(
                runtime=info.context.runtime, staff=staff, status=status,
                reference_number=reference_number, national_id=national_id, first=first,
                after=after,
            ),
        )


@strawberry.type
class QuestionMutation:
    @mutation(description="Ask the administration a question.")
    async def ask_question(self, info: Info, input: AskQuestionInput) -> QuestionPayload:
        member = await info.context.require_member()
        row = await questions.ask_question(
            runtime=info.context.runtime,
            member=member,
            subject=input.subject,
            body=input.body,
            category=input.category,
            related_request_id=key_of(
                input.related_request_id, "ServiceRequest", "related_request_id"
            )
            if input.related_request_id is not None
            else None,
        )
        return QuestionPayload(question=Question.from_model(row))

    @mutation(
        description="Add to your own question; an answered question is open again, a closed "
        "one takes no more replies."
    )
    async def reply_to_question(self, info: Info, input: ReplyToQuestionInput) -> QuestionPayload:
        member = await info.context.require_member()
        row = await questions.reply_to_question(
            runtime=info.context.runtime,
            member=member,
            question_id=key_of(input.question_id, "Question", "question_id"),
            body=input.body,
        )
        forget_messages(info, row.id)
        return QuestionPayload(question=Question.from_model(row))

    @mutation(description="Staff only.")
    async def answer_question(self, info: Info, input: AnswerQuestionInput) -> QuestionPayload:
        staff = await info.context.require_staff()
        row = await questions.answer_question(
            runtime=info.context.runtime,
            staff=staff,
            question_id=key_of(input.question_id, "Question", "question_id"),
            body=input.body,
            close=bool(input.close),
        )
        forget_messages(info, row.id)
        return QuestionPayload(question=Question.from_model(row))


QUERIES = (QuestionQuery,)
MUTATIONS = (QuestionMutation,)
