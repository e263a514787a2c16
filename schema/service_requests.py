"""PLACEHOLDER until the services issue lands: types only, so the schema builds."""

from __future__ import annotations

import strawberry

from schema.base import PageInfo


@strawberry.type(description="A member's application for a service.")
class ServiceRequest:
    reference_number: str = strawberry.field(description="Human-readable, e.g. SR-2026-000042")


@strawberry.type(description="One request in a list, with its cursor.")
class ServiceRequestEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: ServiceRequest = strawberry.field(description="The request.")


@strawberry.type(description="A page of service requests.")
class ServiceRequestConnection:
    edges: list[ServiceRequestEdge] = strawberry.field(description="The requests on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="How many requests match, on all pages.")


async def member_requests(info, **kwargs) -> ServiceRequestConnection:
    raise NotImplementedError


QUERIES: tuple[type, ...] = ()
MUTATIONS: tuple[type, ...] = ()


async def load_service_request(info, key):
    raise NotImplementedError
