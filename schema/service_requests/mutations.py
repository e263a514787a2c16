"""Service request mutations and their payloads: unpack the input, call the rule, shape the payload."""

from __future__ import annotations

import strawberry

from models import Member as MemberModel
from models import Role
from resolvers import staff as staff_rules
from resolvers.service_requests import workflow
from schema.base import (
    UserError,
    key_of,
)
from schema.context import Info
from schema.documents import to_uploads
from schema.payloads import errors_field, mutation
from schema.service_requests.inputs import (
    AssignRequestInput,
    AttachDocumentsInput,
    CancelRequestInput,
    ProvideInformationInput,
    ReviewRequestInput,
    SubmitRequestInput,
)
from schema.service_requests.types import ServiceRequest


@strawberry.type(description="The result of submitRequest.")
class SubmitRequestPayload:
    request: ServiceRequest | None = strawberry.field(description="The request, when accepted.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of cancelRequest, reviewRequest or assignRequest.")
class ServiceRequestPayload:
    request: ServiceRequest | None = strawberry.field(description="The request after the change.")
    errors: list[UserError] = errors_field()


async def _member(info: Info) -> MemberModel:
    """Requests are the public's: staff review them, they do not file or cancel them."""
    member = await info.context.require_member()
    if member.role is Role.STAFF:
        raise info.context.error("FORBIDDEN", "members_only")
    return member


@strawberry.type
class ServiceRequestMutation:
    @mutation(description="Apply for a service; one open request per service.")
    async def submit_request(self, info: Info, input: SubmitRequestInput) -> SubmitRequestPayload:
        member = await _member(info)
        request = await workflow.submit_request(
            runtime=info.context.runtime,
            member=member,
            details=input.details.to_domain(),
            idempotency_key=input.idempotency_key,
            uploads=to_uploads(input.documents),
        )
        return SubmitRequestPayload(request=ServiceRequest.from_model(request))

    @mutation(description="Cancel one of your requests while it is still open.")
    async def cancel_request(self, info: Info, input: CancelRequestInput) -> ServiceRequestPayload:
        member = await _member(info)
        request = await workflow.cancel_request(
            runtime=info.context.runtime,
            member=member,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            reason=input.reason,
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request))

    @mutation(
        description="Staff only: move a request along the workflow; the member is told."
    )
    async def review_request(self, info: Info, input: ReviewRequestInput) -> ServiceRequestPayload:
        staff = await info.context.require_staff()
        request = await workflow.review_request(
            runtime=info.context.runtime,
            staff=staff,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            status=input.status,
            note=input.note,
            requested_documents=input.requested_documents,
            respond_by=input.respond_by,
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request, staff))

    @mutation(
        description="While the request is open (SUBMITTED, UNDER_REVIEW, NEEDS_INFORMATION); "
        "its member only."
    )
    async def attach_documents(
        self, info: Info, input: AttachDocumentsInput
    ) -> ServiceRequestPayload:
        member = await _member(info)
        request = await workflow.attach_documents(
            runtime=info.context.runtime,
            member=member,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            uploads=to_uploads(input.documents),
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request))

    @mutation(description="Answers NEEDS_INFORMATION: the request goes back to UNDER_REVIEW.")
    async def provide_information(
        self, info: Info, input: ProvideInformationInput
    ) -> ServiceRequestPayload:
        member = await _member(info)
        request = await workflow.provide_information(
            runtime=info.context.runtime,
            member=member,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            message=input.message,
            uploads=to_uploads(input.documents),
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request))

    @mutation(description="Staff only.")
    async def assign_request(self, info: Info, input: AssignRequestInput) -> ServiceRequestPayload:
        staff = await info.context.require_staff()
        request = await staff_rules.assign_request(
            runtime=info.context.runtime,
            staff=staff,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            assignee_id=key_of(input.assignee_id, "Member", "assignee_id")
            if input.assignee_id is not None
            else None,
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request, staff))
MUTATIONS = (ServiceRequestMutation,)

