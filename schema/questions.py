"""PLACEHOLDER until the questions issue lands: types only, so the schema builds."""

from __future__ import annotations

import strawberry

from schema.base import PageInfo


@strawberry.type(description="A question to the administration.")
class Question:
    reference_number: str = strawberry.field(description="Human-readable reference.")


@strawberry.type(description="One question in a list, with its cursor.")
class QuestionEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: Question = strawberry.field(description="The question.")


@strawberry.type(description="A page of questions.")
class QuestionConnection:
    edges: list[QuestionEdge] = strawberry.field(description="The questions on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="How many questions match, on all pages.")


async def member_questions(info, **kwargs) -> QuestionConnection:
    raise NotImplementedError


QUERIES: tuple[type, ...] = ()
MUTATIONS: tuple[type, ...] = ()


async def load_question(info, key):
    raise NotImplementedError
