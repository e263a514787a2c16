"""Service requests: the catalog, applying, the review workflow, and the lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Awaitable, Sequence
from typing import Annotated, Any

import strawberry

from models import Language, Role
from models import Member as MemberModel
from models import RequestEvent as RequestEventModel
from models import ServiceRequest as ServiceRequestModel
from resolvers import accounts, catalog, service_requests
from resolvers.pagination import Page
from schema.base import (
    Actor,
    Node,
    RequestStatus,
    ServiceType,
    UserError,
    key_of,
    to_global_id,
)
from schema.connections import Connection
from schema.context import Info
from schema.member import Member
from schema.payloads import errors_field, mutation


@strawberry.type(description="One service a member can apply for, in the caller's language.")
class Service:
    type: ServiceType = strawberry.field(description="Which service this is.")
    name: str = strawberry.field(description="The service's name.")
    description: str = strawberry.field(description="What the service gives and to whom.")
    required_documents: list[str] = strawberry.field(
        description="What to have ready when applying."
    )

    @staticmethod
    @functools.cache
    def of(service_type: ServiceType, language: Language) -> Service:
        """Twelve texts in all: built once, shared by every request."""
        return Service.from_domain(catalog.service(service_type, language))

    @classmethod
    def from_domain(cls, service: catalog.Service) -> Service:
        return cls(
            type=service.type,
            name=service.name,
            description=service.description,
            required_documents=list(service.required_documents),
        )


@strawberry.type(description="One step in a request's history.")
class RequestEvent:
    status: RequestStatus = strawberry.field(description="The status the request moved to.")
    note: str | None = strawberry.field(
        description="Why: the staff's note or the member's reason, if given."
    )
    actor: Actor = strawberry.field(description="Who made the move.")
    at: dt.datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, row: RequestEventModel | service_requests.Step) -> RequestEvent:
        return cls(status=row.status, note=row.note, actor=row.actor, at=row.at)


@strawberry.type(description="What a retirement pension application states.")
class RetirementPensionDetails:
    retirement_date: dt.date = strawberry.field(description="The day the member retired.")
    last_employer: str = strawberry.field(description="The employer the member last worked for.")


@strawberry.type(description="What a disability pension application states.")
class DisabilityPensionDetails:
    disability_date: dt.date = strawberry.field(description="The day the disability began.")
    medical_report_number: str = strawberry.field(
        description="Number of the medical report establishing the disability."
    )


@strawberry.type(description="What a health insurance application states.")
class HealthInsuranceDetails:
    dependents: int = strawberry.field(description="How many dependents to cover, 0 to 20.")
    preferred_hospital: str | None = strawberry.field(
        description="The hospital the member would rather be treated at, if any."
    )


@strawberry.type(description="What a physiotherapy application states.")
class PhysiotherapyDetails:
    injury_date: dt.date = strawberry.field(description="The day of the injury.")
    diagnosis: str = strawberry.field(description="The doctor's diagnosis.")
    sessions_requested: int = strawberry.field(description="How many sessions, 1 to 60.")
    preferred_city: str = strawberry.field(description="Where the member would attend.")


@strawberry.type(description="What a work injury report states.")
class WorkInjuryDetails:
    injury_date: dt.date = strawberry.field(description="The day of the injury.")
    employer: str = strawberry.field(description="The employer at the time of the injury.")
    description: str = strawberry.field(description="What happened.")


@strawberry.type(description="What an unemployment benefit (SANED) application states.")
class UnemploymentBenefitDetails:
    last_working_day: dt.date = strawberry.field(description="The member's last day at work.")
    last_employer: str = strawberry.field(description="The employer the member last worked for.")


ServiceRequestDetails = Annotated[
    RetirementPensionDetails
    | DisabilityPensionDetails
    | HealthInsuranceDetails
    | PhysiotherapyDetails
    | WorkInjuryDetails
    | UnemploymentBenefitDetails,
    strawberry.union(
        "ServiceRequestDetails", description="What the member stated, by the request's type."
    ),
]

DETAILS_TYPES: dict[type, type] = {
    service_requests.RetirementPension: RetirementPensionDetails,
    service_requests.DisabilityPension: DisabilityPensionDetails,
    service_requests.HealthInsurance: HealthInsuranceDetails,
    service_requests.Physiotherapy: PhysiotherapyDetails,
    service_requests.WorkInjury: WorkInjuryDetails,
    service_requests.UnemploymentBenefit: UnemploymentBenefitDetails,
}


@strawberry.type(description="A member's application for a service.")
class ServiceRequest(Node):
    reference_number: str = strawberry.field(description="Human-readable, e.g. SR-2026-000042")
    type: ServiceType = strawberry.field(description="The service applied for.")
    status: RequestStatus = strawberry.field(description="Where the request stands.")
    submitted_at: dt.datetime = strawberry.field(description="When the member applied.")
    updated_at: dt.datetime = strawberry.field(description="When the status last changed.")
    pk: strawberry.Private[uuid.UUID]
    member_id: strawberry.Private[uuid.UUID]
    row: strawberry.Private[ServiceRequestModel]
    events: strawberry.Private[list[RequestEventModel] | list[service_requests.Step] | None] = None

    @classmethod
    def from_model(cls, row: ServiceRequestModel) -> ServiceRequest:
        return cls(
            id=to_global_id("ServiceRequest", row.id),
            pk=row.id,
            member_id=row.member_id,
            reference_number=row.reference_number,
            type=row.type,
            status=row.status,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            row=row,
        )

    @property
    def stated(self) -> service_requests.Details:
        """What the member stated, read from the row only when asked for."""
        return service_requests.details_of(self.row)

    @strawberry.field(description="The service applied for, in the caller's language.")
    def service(self, info: Info) -> Service:
        return Service.of(self.type, info.context.language)

    @strawberry.field(description="What the member stated, by the request's type.")
    def details(self) -> ServiceRequestDetails:
        stated = self.stated
        return DETAILS_TYPES[type(stated)](**dataclasses.asdict(stated))

    @strawberry.field(description="Oldest first; the first event is SUBMITTED.")
    def history(self, info: Info) -> list[RequestEvent]:
        # A page loads its histories with it: a plain list here spares an awaitable per item.
        if self.events is not None:
            return [RequestEvent.from_model(event) for event in self.events]
        return self._load_history(info)  # type: ignore[return-value]  # graphql-core awaits it

    async def _load_history(self, info: Info) -> list[RequestEvent]:
        events = await info.context.loader(service_requests.histories).load(self.pk)
        return [RequestEvent.from_model(event) for event in events]

    @strawberry.field(description="The member who applied.")
    async def applicant(self, info: Info) -> Member:
        row = await info.context.loader(accounts.members_by_id).load(self.member_id)
        return Member.from_model(row)



@strawberry.type(name="ServiceRequestConnection", description="A page of service requests.")
class ServiceRequestConnection(Connection[ServiceRequest]):
    pass


async def _page(info: Info, fetch: Awaitable[Page[ServiceRequestModel]]) -> ServiceRequestConnection:
    connection = ServiceRequestConnection.from_page(
        await info.context.page(fetch), ServiceRequest.from_model
    )
    if selects(info.selected_fields, ("edges", "node", "history")):
        nodes = [edge.node for edge in connection.edges]
        histories = await service_requests.history_steps([node.pk for node in nodes])
        for node, events in zip(nodes, histories, strict=True):
            node.events = events
    return connection


def selects(fields: Sequence[Any], path: tuple[str, ...]) -> bool:
    """Whether the query asks for `path` below one of `fields` (through fragments too)."""
    for selected in fields:
        for child in getattr(selected, "selections", []):
            name = getattr(child, "name", None)
            if name is None:  # an inline fragment or a fragment spread
                if selects([child], path):
                    return True
            elif name == path[0] and (len(path) == 1 or selects([child], path[1:])):
                return True
    return False


async def member_requests(
    info: Info,
    *,
    member_id: uuid.UUID,
    status: RequestStatus | None,
    type: ServiceType | None,
    first: int | None,
    after: str | None,
) -> ServiceRequestConnection:
    """Member.requests: the Member object was already shown only to its owner or to staff."""
    return await _page(
        info,
        service_requests.member_requests(
            member_id=member_id, status=status, type=type, first=first, after=after
        ),
    )


async def load_service_request(info: Info, key: uuid.UUID) -> ServiceRequest | None:
    """The request if the viewer may see it; None, as if it did not exist, otherwise."""
    viewer = await info.context.viewer()
    if viewer is None:
        return None
    row = await info.context.loader(service_requests.requests_by_id).load(key)
    return ServiceRequest.from_model(row) if row and service_requests.can_see(viewer, row) else None


@strawberry.input(description="Narrows the staff's list of requests.")
class RequestFilter:
    status: RequestStatus | None = strawberry.field(
        default=None, description="Only requests in this status."
    )
    type: ServiceType | None = strawberry.field(
        default=None, description="Only requests for this service."
    )


@strawberry.input(description="Applying for a retirement pension.")
class RetirementPensionInput:
    retirement_date: dt.date = strawberry.field(
        description="The day you retired; not in the future."
    )
    last_employer: str = strawberry.field(description="Your last employer, up to 200 characters.")

    def to_domain(self) -> service_requests.Details:
        return service_requests.RetirementPension(
            retirement_date=self.retirement_date, last_employer=self.last_employer
        )


@strawberry.input(description="Applying for a disability pension.")
class DisabilityPensionInput:
    disability_date: dt.date = strawberry.field(
        description="The day the disability began; not in the future."
    )
    medical_report_number: str = strawberry.field(
        description="Number of the medical report, up to 50 characters."
    )

    def to_domain(self) -> service_requests.Details:
        return service_requests.DisabilityPension(
            disability_date=self.disability_date, medical_report_number=self.medical_report_number
        )


@strawberry.input(description="Applying for health insurance.")
class HealthInsuranceInput:
    dependents: int = strawberry.field(description="How many dependents to cover, 0 to 20.")
    preferred_hospital: str | None = strawberry.field(
        default=None, description="A hospital you would rather be treated at, up to 200 characters."
    )

    def to_domain(self) -> service_requests.Details:
        return service_requests.HealthInsurance(
            dependents=self.dependents, preferred_hospital=self.preferred_hospital
        )


@strawberry.input(description="Applying for physiotherapy.")
class PhysiotherapyInput:
    injury_date: dt.date = strawberry.field(description="The day of the injury; not in the future.")
    diagnosis: str = strawberry.field(description="The doctor's diagnosis, up to 1000 characters.")
    sessions_requested: int = strawberry.field(description="1 to 60")
    preferred_city: str = strawberry.field(
        description="Where you would attend, up to 100 characters."
    )

    def to_domain(self) -> service_requests.Details:
        return service_requests.Physiotherapy(
            injury_date=self.injury_date,
            diagnosis=self.diagnosis,
            sessions_requested=self.sessions_requested,
            preferred_city=self.preferred_city,
        )


@strawberry.input(description="Reporting a work injury.")
class WorkInjuryInput:
    injury_date: dt.date = strawberry.field(description="The day of the injury; not in the future.")
    employer: str = strawberry.field(
        description="Your employer at the time, up to 200 characters."
    )
    description: str = strawberry.field(description="What happened, up to 2000 characters.")

    def to_domain(self) -> service_requests.Details:
        return service_requests.WorkInjury(
            injury_date=self.injury_date, employer=self.employer, description=self.description
        )


@strawberry.input(description="Applying for the unemployment benefit (SANED).")
class UnemploymentBenefitInput:
    last_working_day: dt.date = strawberry.field(
        description="Your last day at work; not in the future."
    )
    last_employer: str = strawberry.field(description="Your last employer, up to 200 characters.")

    def to_domain(self) -> service_requests.Details:
        return service_requests.UnemploymentBenefit(
            last_working_day=self.last_working_day, last_employer=self.last_employer
        )


@strawberry.input(
    one_of=True, description="Exactly one member is set; it decides the request's type."
)
class ServiceRequestDetailsInput:
    retirement_pension: RetirementPensionInput | None = strawberry.field(
        description="Apply for a retirement pension."
    )
    disability_pension: DisabilityPensionInput | None = strawberry.field(
        description="Apply for a disability pension."
    )
    health_insurance: HealthInsuranceInput | None = strawberry.field(
        description="Apply for health insurance."
    )
    physiotherapy: PhysiotherapyInput | None = strawberry.field(
        description="Apply for physiotherapy."
    )
    work_injury: WorkInjuryInput | None = strawberry.field(
        description="Report a work injury."
    )
    unemployment_benefit: UnemploymentBenefitInput | None = strawberry.field(
        description="Apply for the unemployment benefit (SANED)."
    )

    def to_domain(self) -> service_requests.Details:
        # @oneOf guarantees exactly one member; the others are UNSET, which is falsy.
        chosen = (
            self.retirement_pension
            or self.disability_pension
            or self.health_insurance
            or self.physiotherapy
            or self.work_injury
            or self.unemployment_benefit
        )
        assert chosen
        return chosen.to_domain()


@strawberry.input(description="Apply for a service.")
class SubmitRequestInput:
    details: ServiceRequestDetailsInput = strawberry.field(
        description="What you state; its one member decides the service."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Sending the same key again returns the first request instead of a new one.",
    )


@strawberry.type(description="The result of submitRequest.")
class SubmitRequestPayload:
    request: ServiceRequest | None = strawberry.field(description="The request, when accepted.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Cancel one of your requests while it is still open.")
class CancelRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 2000 characters; shown in the history."
    )


@strawberry.input(description="Staff: move a request along the workflow.")
class ReviewRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    status: RequestStatus = strawberry.field(
        description="UNDER_REVIEW, NEEDS_INFORMATION, APPROVED or REJECTED"
    )
    note: str | None = strawberry.field(
        default=None,
        description="Up to 2000 characters; shown in the history and sent to the member.",
    )


@strawberry.type(description="The result of cancelRequest or reviewRequest.")
class ServiceRequestPayload:
    request: ServiceRequest | None = strawberry.field(description="The request after the change.")
    errors: list[UserError] = errors_field()


async def _applicant(info: Info) -> MemberModel:
    """Requests are the public's: staff review them, they do not file or cancel them."""
    member = await info.context.require_member()
    if member.role is Role.STAFF:
        raise info.context.error("FORBIDDEN", "members_only")
    return member


@strawberry.type
class ServiceRequestQuery:
    @strawberry.field(description="The service catalog; public.")
    def services(self, info: Info) -> list[Service]:
        return [Service.from_domain(s) for s in catalog.services(info.context.language)]

    @strawberry.field(description="Staff only: every member's requests, oldest first.")
    async def requests(
        self,
        info: Info,
        filter: RequestFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ServiceRequestConnection:
        await info.context.require_staff()
        return await _page(
            info,
            service_requests.all_requests(
                status=filter.status if filter else None,
                type=filter.type if filter else None,
                first=first,
                after=after,
            ),
        )


@strawberry.type
class ServiceRequestMutation:
    @mutation(description="Apply for a service; one open request per service.")
    async def submit_request(self, info: Info, input: SubmitRequestInput) -> SubmitRequestPayload:
        member = await _applicant(info)
        request = await service_requests.submit_request(
            runtime=info.context.runtime,
            member=member,
            details=input.details.to_domain(),
            idempotency_key=input.idempotency_key,
        )
        return SubmitRequestPayload(request=ServiceRequest.from_model(request))

    @mutation(description="Cancel one of your requests while it is still open.")
    async def cancel_request(self, info: Info, input: CancelRequestInput) -> ServiceRequestPayload:
        member = await _applicant(info)
        request = await service_requests.cancel_request(
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
        request = await service_requests.review_request(
            runtime=info.context.runtime,
            staff=staff,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            status=input.status,
            note=input.note,
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request))


QUERIES = (ServiceRequestQuery,)
MUTATIONS = (ServiceRequestMutation,)
