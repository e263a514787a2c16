"""The inputs of service requests: the staff filter, each kind's details, and each mutation's input."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.service_requests import details as service_requests_details
from resolvers.service_requests import search
from schema.base import (
    DocumentKind,
    RequestStatus,
    ServiceType,
)
from schema.documents import (
    DocumentUploadInput,
)


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

    def to_domain(self) -> search.RequestSearch:
        return search.RequestSearch(
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
    last_employer: str | None = strawberry.field(
        default=None,
        description="Your last employer, up to 200 characters; left out, the employer your "
        "insurance record shows on that day.",
    )

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.RetirementPension(
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

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.DisabilityPension(
            disability_date=self.disability_date, medical_report_number=self.medical_report_number
        )


@strawberry.input(description="Applying for health insurance.")
class HealthInsuranceInput:
    dependents: int = strawberry.field(description="How many dependents to cover, 0 to 20.")
    preferred_hospital: str | None = strawberry.field(
        default=None, description="A hospital you would rather be treated at, up to 200 characters."
    )

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.HealthInsurance(
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

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.Physiotherapy(
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

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.WorkInjury(
            injury_date=self.injury_date, employer=self.employer, description=self.description
        )


@strawberry.input(description="Applying for the unemployment benefit (SANED).")
class UnemploymentBenefitInput:
    last_working_day: dt.date = strawberry.field(
        description="Your last day at work; not in the future."
    )
    last_employer: str | None = strawberry.field(
        default=None,
        description="Your last employer, up to 200 characters; left out, the employer your "
        "insurance record shows on that day.",
    )

    def to_domain(self) -> service_requests_details.Details:
        return service_requests_details.UnemploymentBenefit(
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

    def to_domain(self) -> service_requests_details.Details:
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

