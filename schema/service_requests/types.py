"""Service request types: catalog, details, the request node and its connection; the query."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models import AccessPurpose, Language, Role
from models import Member as MemberModel
from models import RequestEvent as RequestEventModel
from models import ServiceRequest as ServiceRequestModel
from resolvers import documents
from resolvers.accounts import sign_in
from resolvers.letters import decision as letters
from resolvers.platform.pagination import Page
from resolvers.service_requests import actions, catalog, loaders, search, workflow
from resolvers.service_requests import details as service_requests_details
from resolvers.service_requests.actions import RequestAction
from resolvers.service_requests.rows import RequestRow
from schema import member as member_types
from schema import record as record_schema
from schema.base import (
    Actor,
    DocumentKind,
    Node,
    RequestStatus,
    ServiceType,
    to_global_id,
)
from schema.connections import Connection
from schema.context import Info
from schema.documents import (
    DecisionLetter,
    Document,
    InformationRequest,
)
from schema.record import Eligibility
from schema.service_requests.inputs import RequestFilter

if TYPE_CHECKING:
    from schema.member import Member

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

    @strawberry.field(description="For the signed-in member: whether they qualify today; null when signed out.")
    async def eligibility(self, info: Info) -> Eligibility | None:
        viewer = await info.context.viewer()
        if viewer is None:
            return None
        return await record_schema.eligibility(info, member_types.Member.from_model(viewer), self.type, None)

    @strawberry.field(
        description="For the signed-in member: their open request of this type, which a new one "
        "would duplicate."
    )
    async def open_request(self, info: Info) -> ServiceRequest | None:
        viewer = await info.context.viewer()
        if viewer is None:
            return None
        row = await info.context.loader(loaders.open_requests).load((viewer.id, self.type.value))
        return ServiceRequest.from_model(row) if row else None

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
        cls, row: RequestEventModel | loaders.HistoryStep, *, staff_view: bool = False,
        language: Language = Language.AR,
    ) -> RequestEvent:
        note = row.note
        if staff_view and (remark := workflow.remark_text(row, language)):
            note = f"{note} {remark}" if note else remark
        return cls(status=row.status, note=note, actor=row.actor, at=row.at)

    @classmethod
    def history(
        cls, rows: Sequence[RequestEventModel | loaders.HistoryStep], *, staff_view: bool,
        language: Language,
    ) -> list[RequestEvent]:
        """Staff see every step with its staff-only remarks; members never the internal
        steps (assignments) nor the remarks."""
        if staff_view:
            return [cls.from_model(row, staff_view=True, language=language) for row in rows]
        # What from_model copies for a member (no remarks), without a call per step.
        return [
            cls(status=row.status, note=row.note, actor=row.actor, at=row.at)
            for row in rows
            if not row.internal
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
    service_requests_details.RetirementPension: RetirementPensionDetails,
    service_requests_details.DisabilityPension: DisabilityPensionDetails,
    service_requests_details.HealthInsurance: HealthInsuranceDetails,
    service_requests_details.Physiotherapy: PhysiotherapyDetails,
    service_requests_details.WorkInjury: WorkInjuryDetails,
    service_requests_details.UnemploymentBenefit: UnemploymentBenefitDetails,
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
    model: strawberry.Private[ServiceRequestModel | RequestRow]
    events: strawberry.Private[list[loaders.HistoryStep] | None] = None
    # The staff member looking, or None for the applicant: decides what is shown and
    # whether opening the applicant's data goes into their access log.
    staff: strawberry.Private[MemberModel | None] = None

    @classmethod
    def from_model(
        cls, row: ServiceRequestModel | RequestRow, staff: MemberModel | None = None
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
        stated = service_requests_details.details_of(self.model)
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
        events = await info.context.loader(loaders.events_of).load(self.pk)
        return RequestEvent.history(
            events, staff_view=self.staff is not None, language=info.context.language
        )

    @strawberry.field(description="The member who applied.")
    async def applicant(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.member")]:
        self._opened(info)
        row = await info.context.loader(sign_in.members_by_id).load(self.member_id)
        return member_types.Member.from_model(row)

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
        row = await info.context.loader(loaders.open_information_requests).load(self.pk)
        return InformationRequest.from_model(row) if row else None

    @strawberry.field(description="Set once the request is APPROVED or REJECTED.")
    async def decision_letter(self, info: Info) -> DecisionLetter | None:
        if self.status not in workflow.DECISIONS:
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
        if staff and actions.staff_may(RequestAction.APPROVE, self.status):
            rows = await info.context.loader(documents.documents_of).load(self.pk)
            missing = documents.missing_kinds(self.model, rows)
        return actions.available(
            status=self.status, applicant=viewer.id == self.member_id, staff=staff, missing=missing
        )

    @strawberry.field(
        description="Staff only: the staff member handling the request; null for members."
    )
    async def assignee(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.member")] | None:
        if self.staff is None or self.assignee_id is None:
            return None
        row = await info.context.loader(sign_in.members_by_id).load(self.assignee_id)
        return member_types.Member.from_model(row) if row else None

    @strawberry.field(
        description="The check submitRequest made, on the request's own date (retirementDate, "
        "lastWorkingDay...); null for services without rules."
    )
    def eligibility_at_submission(self, info: Info) -> Eligibility | None:
        stored = self.model.eligibility_at_submission
        if stored is None:
            return None
        self._opened(info)
        return Eligibility.stored(stored, info.context.language)

    def _opened(self, info: Info) -> None:
        """Staff reading the applicant or what they stated: one line in the member's log."""
        if self.staff is not None:
            info.context.runtime.access_log.record(
                staff=self.staff, member_id=self.member_id,
                purpose=AccessPurpose.REQUEST_REVIEW, subject=self.reference_number,
                thing=self.pk,
            )



@strawberry.type(name="ServiceRequestConnection", description="A page of service requests.")
class ServiceRequestConnection(Connection[ServiceRequest]):
    pass


async def _page(
    info: Info, fetch: Awaitable[Page[ServiceRequestModel] | Page[RequestRow]],
    staff: MemberModel | None,
) -> ServiceRequestConnection:
    connection = ServiceRequestConnection.from_page(
        await info.context.page(fetch), lambda row: ServiceRequest.from_model(row, staff)
    )
    if selects(info.selected_fields, ("edges", "node", "history")):
        nodes = [edge.node for edge in connection.edges]
        events = await loaders.events_of([node.pk for node in nodes])
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
        search.member_requests(
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
    row = await info.context.loader(loaders.requests_by_id).load(key)
    if row is None or not search.can_see(viewer, row):
        return None
    return ServiceRequest.from_model(row, viewer if viewer.role is Role.STAFF else None)


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
            search.all_requests(
                runtime=info.context.runtime,
                staff=staff,
                search=filter.to_domain() if filter else search.RequestSearch(),
                first=first,
                after=after,
            ),
            staff,
        )


QUERIES = (ServiceRequestQuery,)
