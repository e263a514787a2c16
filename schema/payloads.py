"""The one boundary from domain errors to mutation payloads."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.extensions.field_extension import AsyncExtensionResolver
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType

from resolvers.platform import after_commit
from resolvers.platform.errors import DomainError
from schema.base import UserError
from schema.http.metrics import observe_payload_errors


class DomainErrorsAsPayload(FieldExtension):
    """Runs the mutation; on a DomainError answers its payload type with `errors` filled
    and every other field null. Publishes the live events the mutation raised and wakes
    the outbox, once its transactions committed."""

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        # Live events and outbox wake-ups go out once the mutation is done, its transactions
        # committed.
        with after_commit.scope():
            async with info.context.runtime.live.collect():
                try:
                    return await next_(source, info, **kwargs)
                except DomainError as error:
                    observe_payload_errors(info.context, [e.code.value for e in error.errors])
                    return failed(self.field.type, info.context.user_errors(error))  # type: ignore[arg-type]


def failed(payload_type: type | LazyType, errors: list[UserError]) -> Any:
    if isinstance(payload_type, LazyType):  # a payload named with strawberry.lazy (a back-reference)
        payload_type = payload_type.resolve_type()
    values = {f.name: None for f in dataclasses.fields(payload_type) if f.init and f.name != "errors"}
    return payload_type(**values, errors=errors)


def mutation(*, description: str) -> Any:
    """`@strawberry.mutation` whose domain errors become the payload's `errors`."""
    return strawberry.mutation(description=description, extensions=[DomainErrorsAsPayload()])


def errors_field() -> Any:
    """The `errors` field every payload ends with; empty on success."""
    return strawberry.field(default_factory=list, description="What to fix; empty on success.")
