"""Relay-style connections: one generic shape for every paginated list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.platform.pagination import Page
from schema.base import PageInfo

T = TypeVar("T")


def _cursor(root: Edge[Any]) -> str:
    # Written only when the query asks for it: a list that shows no cursor writes none.
    return root.page.cursor(root.position)


@strawberry.type(description="One item of a list, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(resolver=_cursor, description="Pass as `after` to continue after this item.")
    node: T = strawberry.field(description="The item.")
    page: strawberry.Private[Page]
    position: strawberry.Private[int]


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    page: strawberry.Private[Page]

    @strawberry.field(description="How many items match, on all pages.")
    async def total_count(self) -> int:
        return await self.page.total_count()

    @classmethod
    def from_page(cls, page: Page[Any], node: Callable[[Any], T]) -> Any:
        return cls(
            edges=[
                Edge(node=node(row), page=page, position=position)
                for position, row in enumerate(page.items)
            ],
            page_info=PageInfo.from_page(page),
            page=page,
        )
