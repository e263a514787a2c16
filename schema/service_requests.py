"""Service requests: the catalog, applying, the review workflow, and the lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Awaitable, Sequence
from typing import Annotated, Any

import strawberry

from models import AccessPurpose, Language, Role
from models import Member as MemberModel
from models import RequestEvent as RequestEventModel
from models import ServiceRequest as ServiceRequestModel
from resolvers import accounts, catalog, documents, letters, request_actions, service_requests
from resolvers.access_log import record_access
from resolvers.pagination import Page
from resolvers.request_actions import RequestAction
from schema.base import (
    Actor,
    DocumentKind,
    Node,
    RequestStatus,
    ServiceType,
    UserError,
    key_of,
    to_global_id,
)
from schema.connections import Connection
from schema.context import Info
from schema.documents import (
    DecisionLetter,
    Document,
    DocumentUploadInput,
    InformationRequest,
    to_uploads,
    verify_url,
)
from schema.member import Member
from schema.payloads import errors_field, mutation

strawberry.enum(RequestAction, description="What the caller may do with a request now.")


@strawberry.type(description="A document a service asks for.")
class DocumentRequirement:
    kind: DocumentKind = strawberry.field(description="What the document is.")
    name: str = strawberry.field(description="In the caller's language.")
    required: bool = strawberry.field(
        description="It must be attached before the request can be approved."
    )


@strawberry.type(description="One service a member can apply for, in the caller's language.")
class Service:
    type: ServiceType = strawberry.field(description="Which service this is.")
    name: str = strawberry.field(description="The service's name.")
    description: str = strawberry.field(description="What the service gives and to whom.")
    required_documents: list[str] = strawberry.field(
        description="What to have ready when applying."
    )
    documents: list[DocumentRequirement] = strawberry.field(
        description="The documents an application carries, typed; the required ones must be "
        "attached before approval."
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
            documents=[
                DocumentRequirement(kind=d.kind, name=d.name, required=d.required)
                for d in service.documents
            ],
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
    def from_model(
        cls, row: RequestEventModel | service_requests.HistoryStep, *, staff_view: bool = False,
        language: Language = Language.AR,
    ) -> RequestEvent:
        note = row.note
        if staff_view and (remark := service_requests.remark_text(row, language)):
            note = f"{note} {remark}" if note else remark
        return cls(status=row.status, note=note, actor=row.actor, at=row.at)

    @classmethod
    def history(
        cls, rows: Sequence[RequestEventModel | service_requests.HistoryStep], *, staff_view: bool,
        language: Language,
    ) -> list[RequestEvent]:
        """Staff see every step with its staff-only remarks; members never the internal
        steps (assignments) nor the remarks."""
        return [
            cls.from_model(row, staff_view=staff_view, language=language)
            for row in rows
            if staff_view or not row.internal
        ]


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
    assignee_id: strawberry.Private[uuid.UUID | None]
    # The row, for what only some queries ask (the details, parsed when asked).
    model: strawberry.Private[ServiceRequestModel]
    events: strawberry.Private[list[service_requests.HistoryStep] | None] = None
    # The staff member looking, or None for the applicant: decides what is shown and
    # whether opening the applicant's data goes into their access log.
    staff: strawberry.Private[MemberModel | None] = None

    @classmethod
    def from_model(
        cls, row: ServiceRequestModel, staff: MemberModel | None = None
    ) -> ServiceRequest:
        return cls(
            id=to_global_id("ServiceRequest", row.id),
            pk=row.id,
            member_id=row.member_id,
            assignee_id=row.assignee_id,
            staff=staff,
            reference_number=row.reference_number,
            type=row.type,
            status=row.status,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
            model=row,
        )

    @strawberry.field(description="The service applied for, in the caller's language.")
    def service(self, info: Info) -> Service:
        return Service.of(self.type, info.context.language)

    @strawberry.field(description="What the member stated, by the request's type.")
    def details(self, info: Info) -> ServiceRequestDetails:
        self._opened(info)
        stated = service_requests.details_of(self.model)
        return DETAILS_TYPES[type(stated)](**dataclasses.asdict(stated))

    @strawberry.field(description="Oldest first; the first event is SUBMITTED.")
    def history(self, info: Info) -> list[RequestEvent]:
        # A page loads its events with it: a plain list here spares an awaitable per item.
        if self.events is not None:
            return RequestEvent.history(
                self.events, staff_view=self.staff is not None, language=info.context.language
            )
        return self._load_events(info)  # type: ignore[return-value]  # graphql-core awaits it

    async def _load_events(self, info: Info) -> list[RequestEvent]:
        events = await info.context.loader(service_requests.events_of).load(self.pk)
        return RequestEvent.history(
            events, staff_view=self.staff is not None, language=info.context.language
        )

    @strawberry.field(description="The member who applied.")
    async def applicant(self, info: Info) -> Member:
        self._opened(info)
        row = await info.context.loader(accounts.members_by_id).load(self.member_id)
        return Member.from_model(row)

    @strawberry.field(description="Oldest first.")
    async def documents(self, info: Info) -> list[Document]:
        rows = await info.context.loader(documents.documents_of).load(self.pk)
        return [Document.from_model(row) for row in rows]

    @strawberry.field(description="Required documents of the service that are not attached yet.")
    async def missing_documents(self, info: Info) -> list[DocumentKind]:
        rows = await info.context.loader(documents.documents_of).load(self.pk)
        present = {row.kind for row in rows}
        return [kind for kind in catalog.required_kinds(self.type) if kind not in present]

    @strawberry.field(description="Set while the request is NEEDS_INFORMATION.")
    async def information_request(self, info: Info) -> InformationRequest | None:
        if self.status is not RequestStatus.NEEDS_INFORMATION:
            return None
        row = await info.context.loader(service_requests.open_information_requests).load(self.pk)
        return InformationRequest.from_model(row) if row else None

    @strawberry.field(description="Set once the request is APPROVED or REJECTED.")
    async def decision_letter(self, info: Info) -> DecisionLetter | None:
        if self.status not in service_requests.DECISIONS:
            return None
        row = await info.context.loader(letters.letters_of).load(self.pk)
        return DecisionLetter.from_model(info, row) if row else None

    @strawberry.field(
        description="What the caller may do with it now: exactly the changes the server would "
        "accept (APPROVE only while no required document is missing)."
    )
    async def available_actions(self, info: Info) -> list[RequestAction]:
        viewer = await info.context.viewer()
        if viewer is None:
            return []
        staff = viewer.role is Role.STAFF
        missing: list[DocumentKind] = []
        if staff and request_actions.staff_may(RequestAction.APPROVE, self.status):
            rows = await info.context.loader(documents.documents_of).load(self.pk)
            missing = documents.missing_kinds(self.model, rows)
        return request_actions.available(
            status=self.status, applicant=viewer.id == self.member_id, staff=staff, missing=missing
        )

    @strawberry.field(
        description="Staff only: the staff member handling the request; null for members."
    )
    async def assignee(self, info: Info) -> Member | None:
        if self.staff is None or self.assignee_id is None:
            return None
        row = await info.context.loader(accounts.members_by_id).load(self.assignee_id)
        return Member.from_model(row) if row else None

    def _opened(self, info: Info) -> None:
        """Staff reading the applicant or what they stated: one line in the member's log."""
        if self.staff is not None:
            record_access(
                info.context.runtime, staff=self.staff, member_id=self.member_id,
                purpose=AccessPurpose.REQUEST_REVIEW, subject=self.reference_number,
                thing=self.pk,
            )



@strawberry.type(name="ServiceRequestConnection", description="A page of service requests.")
class ServiceRequestConnection(Connection[ServiceRequest]):
    pass


async def _page(
    info: Info, fetch: Awaitable[Page[ServiceRequestModel]], staff: MemberModel | None
) -> ServiceRequestConnection:
    connection = ServiceRequestConnection.from_page(
        await info.context.page(fetch), lambda row: ServiceRequest.from_model(row, staff)
    )
    if selects(info.selected_fields, ("edges", "node", "history")):
        nodes = [edge.node for edge in connection.edges]
        events = await service_requests.events_of([node.pk for node in nodes])
        for node, node_events in zip(nodes, events, strict=True):
            node.events = node_events
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
        await staff_viewer(info),
    )


async def staff_viewer(info: Info) -> MemberModel | None:
    viewer = await info.context.viewer()
    return viewer if viewer is not None and viewer.role is Role.STAFF else None


async def load_service_request(info: Info, key: uuid.UUID) -> ServiceRequest | None:
    """The request if the viewer may see it; None, as if it did not exist, otherwise."""
    viewer = await info.context.viewer()
    if viewer is None:
        return None
    row = await info.context.loader(service_requests.requests_by_id).load(key)
    if row is None or not service_requests.can_see(viewer, row):
        return None
    return ServiceRequest.from_model(row, viewer if viewer.role is Role.STAFF else None)


@strawberry.input(description="Narrows the staff's list of requests.")
class RequestFilter:
    status: RequestStatus | None = strawberry.field(
        default=None, description="Only requests in this status."
    )
    type: ServiceType | None = strawberry.field(
        default=None, description="Only requests for this service."
    )
    reference_number: str | None = strawberry.field(
        default=None, description="Exact reference number, e.g. SR-2026-000042."
    )
    national_id: str | None = strawberry.field(
        default=None,
        description="The applicant's national ID.",
    )
    assigned_to_me: bool | None = strawberry.field(
        default=None, description="Only requests assigned to the caller."
    )
    unassigned: bool | None = strawberry.field(
        default=None, description="Only requests nobody is assigned to."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="NEEDS_INFORMATION past its respondBy date."
    )
    submitted_from: dt.date | None = strawberry.field(
        default=None, description="Submitted on or after this day (Saudi time)."
    )
    submitted_to: dt.date | None = strawberry.field(
        default=None, description="Submitted on or before this day (Saudi time)."
    )

    def to_domain(self) -> service_requests.RequestSearch:
        return service_requests.RequestSearch(
            status=self.status,
            type=self.type,
            reference_number=self.reference_number,
            national_id=self.national_id,
            assigned_to_me=bool(self.assigned_to_me),
            unassigned=bool(self.unassigned),
            overdue=bool(self.overdue),
            submitted_from=self.submitted_from,
            submitted_to=self.submitted_to,
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
    documents: list[DocumentUploadInput] | None = strawberry.field(
        default=None, description="Sent in the same multipart request; all are stored or none."
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
    requested_documents: list[DocumentKind] | None = strawberry.field(
        default=None, description="With NEEDS_INFORMATION: the documents asked for."
    )
    respond_by: dt.date | None = strawberry.field(
        default=None,
        description="With NEEDS_INFORMATION: when the member should answer by; 14 days when absent.",
    )


@strawberry.input(description="Attach files to one of your open requests.")
class AttachDocumentsInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    documents: list[DocumentUploadInput] = strawberry.field(
        description="At most 10 per request in all."
    )


@strawberry.input(description="Answer staff's request for information.")
class ProvideInformationInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    message: str = strawberry.field(description="Your answer, up to 2000 characters.")
    documents: list[DocumentUploadInput] | None = strawberry.field(
        default=None, description="The files asked for, if any."
    )


@strawberry.input(description="Staff: give a request to a staff member.")
class AssignRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="A staff member's ID; yourself when absent."
    )


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
        staff = await info.context.require_staff()
        return await _page(
            info,
            service_requests.all_requests(
                runtime=info.context.runtime,
                staff=staff,
                search=filter.to_domain() if filter else service_requests.RequestSearch(),
                first=first,
                after=after,
            ),
            staff,
        )


@strawberry.type
class ServiceRequestMutation:
    @mutation(description="Apply for a service; one open request per service.")
    async def submit_request(self, info: Info, input: SubmitRequestInput) -> SubmitRequestPayload:
        member = await _member(info)
        request = await service_requests.submit_request(
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
            requested_documents=input.requested_documents,
            respond_by=input.respond_by,
            verify_url=verify_url(info),
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
        request = await service_requests.attach_documents(
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
        request = await service_requests.provide_information(
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
        request = await service_requests.assign_request(
            runtime=info.context.runtime,
            staff=staff,
            request_id=key_of(input.request_id, "ServiceRequest", "request_id"),
            assignee_id=key_of(input.assignee_id, "Member", "assignee_id")
            if input.assignee_id is not None
            else None,
        )
        return ServiceRequestPayload(request=ServiceRequest.from_model(request, staff))


QUERIES = (ServiceRequestQuery,)
MUTATIONS = (ServiceRequestMutation,)
