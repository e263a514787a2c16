"""The Member type: a person's own record, as they (or staff) may see it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from models import Member as MemberModel
from resolvers import profile
from resolvers.messages import inbox
from resolvers.security.codes import mask_destination
from resolvers.security.sessions import MemberFields
from schema.access_log import AccessEventConnection, member_access_log
from schema.base import (
    AccountStatus,
    Language,
    Node,
    NotificationChannel,
    RequestStatus,
    Residency,
    Role,
    ServiceType,
    to_global_id,
)
from schema.context import Info
from schema.inbox import NotificationConnection, member_notifications
from schema.letters import ContributionCertificate, certificates_of
from schema.questions import QuestionConnection, member_questions
from schema.questions import StatusFilter as QuestionStatusFilter
from schema.record import (
    Eligibility,
    HijriDate,
    InsuranceRecord,
    PensionEstimate,
    UnemploymentBenefitEstimate,
    eligibility,
    insurance_record,
    pension_estimate,
    unemployment_benefit_estimate,
)
from schema.security.types import (
    SecondFactorSettings,
    SecurityEventConnection,
    SignInSession,
    member_second_factor,
    member_security_events,
    member_sign_ins,
)
from schema.service_requests.types import ServiceRequestConnection, member_requests


@strawberry.type(description="A postal address in the Kingdom.")
class Address:
    city: str = strawberry.field(description="City.")
    district: str | None = strawberry.field(description="District (hayy).")
    street: str | None = strawberry.field(description="Street.")
    building_number: str | None = strawberry.field(description="Building number.")
    postal_code: str | None = strawberry.field(description="Postal code.")

    @classmethod
    def from_json(cls, data: dict | None) -> Address | None:
        if not data or not data.get("city"):
            return None
        return cls(
            city=data["city"],
            district=data.get("district"),
            street=data.get("street"),
            building_number=data.get("building_number"),
            postal_code=data.get("postal_code"),
        )


@strawberry.type(description="A mobile or email change waiting for its confirmation code.")
class PendingContactChange:
    channel: NotificationChannel = strawberry.field(description="Which contact is changing.")
    destination: str = strawberry.field(description="Masked destination, e.g. +9665******78")
    expires_at: dt.datetime = strawberry.field(description="When the code sent there expires.")


@strawberry.type(description="The signed-in person's own record.")
class Member(Node):
    national_id: str = strawberry.field(description="10-digit national ID or iqama number.")
    residency: Residency = strawberry.field(description="Citizen or resident.")
    full_name: str = strawberry.field(description="Full name, at least two words.")
    date_of_birth: dt.date = strawberry.field(description="Date of birth.")
    mobile: str = strawberry.field(description="E.164, e.g. +966512345678")
    email: str | None = strawberry.field(description="Email address, if any.")
    preferred_channel: NotificationChannel = strawberry.field(
        description="Where notices go: SMS or email."
    )
    preferred_language: Language = strawberry.field(description="Language of messages.")
    address: Address | None = strawberry.field(description="Postal address, if given.")
    iban: str | None = strawberry.field(
        description="Masked: only the last four characters are shown, grouped in fours as printed, "
        "e.g. \"**** **** **** **** **** 7519\"."
    )
    status: AccountStatus = strawberry.field(description="Account status.")
    role: Role = strawberry.field(description="MEMBER or STAFF.")
    created_at: dt.datetime = strawberry.field(description="When the account was registered.")
    pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: MemberModel | MemberFields) -> Member:
        return cls(
            id=to_global_id("Member", row.id),
            pk=row.id,
            national_id=row.national_id,
            residency=row.residency,
            full_name=row.full_name,
            date_of_birth=row.date_of_birth,
            mobile=row.mobile,
            email=row.email,
            preferred_channel=row.preferred_channel,
            preferred_language=row.preferred_language,
            address=Address.from_json(row.address),
            iban=mask_iban(row.iban),
            status=row.status,
            role=row.role,
            created_at=row.created_at,
        )

    @strawberry.field(description="A mobile or email change waiting for its confirmation code.")
    async def pending_contact_change(self, info: Info) -> PendingContactChange | None:
        pending = await profile.pending_contact_change(
            member_id=self.pk, now=info.context.runtime.now()
        )
        if pending is None:
            return None
        return PendingContactChange(
            channel=pending.channel,
            destination=mask_destination(pending.channel, pending.destination),
            expires_at=pending.expires_at,
        )

    @strawberry.field(description="This member's service requests, newest first.")
    async def requests(
        self,
        info: Info,
        status: Annotated[
            RequestStatus | None, strawberry.argument(description="Only requests in this status.")
        ] = None,
        type: Annotated[
            ServiceType | None, strawberry.argument(description="Only requests for this service.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ServiceRequestConnection:
        return await member_requests(
            info, member_id=self.pk, status=status, type=type, first=first, after=after
        )

    @strawberry.field(description="This member's questions to the administration, newest first.")
    async def questions(
        self,
        info: Info,
        status: QuestionStatusFilter = None,
        first: int | None = None,
        after: str | None = None,
    ) -> QuestionConnection:
        return await member_questions(
            info, member_id=self.pk, status=status, first=first, after=after
        )

    @strawberry.field(description="Newest first.")
    async def notifications(
        self,
        info: Info,
        unread_only: Annotated[
            bool | None, strawberry.argument(description="Only the ones not marked read yet.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> NotificationConnection:
        return await member_notifications(
            info, member_id=self.pk, unread_only=bool(unread_only), first=first, after=after
        )

    @strawberry.field(description="How many of this member's notifications are unread.")
    async def unread_notification_count(self) -> int:
        return await inbox.unread_count(member_id=self.pk)

    @strawberry.field(description="The member's live sign-ins, the current one included.")
    async def sessions(
        self, info: Info
    ) -> list[SignInSession]:
        return await member_sign_ins(info, self.pk)

    @strawberry.field(
        description="Sign-ins, failures and security changes on this account, newest first."
    )
    async def security_events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> SecurityEventConnection:
        return await member_security_events(info, self.pk, first, after)

    @strawberry.field(description="The member's second factors.")
    async def second_factor(
        self,
    ) -> SecondFactorSettings:
        return await member_second_factor(self.pk)

    @strawberry.field(description="Every time staff opened this member's data, and why; newest first.")
    async def access_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AccessEventConnection:
        return await member_access_log(info, member_id=self.pk, first=first, after=after)

    @strawberry.field(description="The same day in the Umm al-Qura calendar.")
    def date_of_birth_hijri(self, info: Info) -> HijriDate:
        return HijriDate.of(self.date_of_birth, info.context.language)

    @strawberry.field(
        description="The member's insurance record: employers, periods, wages. Staff reading it is "
        "logged as MEMBER_LOOKUP."
    )
    async def insurance_record(self, info: Info) -> InsuranceRecord:
        return await insurance_record(info, self)

    @strawberry.field(
        description="Whether the member qualifies for a service on a date (today when absent), rule "
        "by rule: the same check submitRequest makes."
    )
    async def eligibility(
        self,
        info: Info,
        service: Annotated[ServiceType, strawberry.argument(description="The service to check.")],
        on: Annotated[
            dt.date | None, strawberry.argument(description="The day to check; today (Riyadh) when absent.")
        ] = None,
    ) -> Eligibility:
        return await eligibility(info, self, service, on)

    @strawberry.field(
        description="What the pension would be on a date (the statutory retirement date when "
        "absent); an estimate, not a decision."
    )
    async def pension_estimate(
        self,
        info: Info,
        retirement_date: Annotated[
            dt.date | None,
            strawberry.argument(description="The day to retire; the statutory retirement date when absent."),
        ] = None,
        assume_continued_contributions: Annotated[
            bool | None,
            strawberry.argument(
                description="The open engagements go on at their current wage until retirementDate; "
                "false: the record stops today."
            ),
        ] = True,
    ) -> PensionEstimate:
        return await pension_estimate(info, self, retirement_date, assume_continued_contributions is not False)

    @strawberry.field(description="What SANED would pay if work ended on lastWorkingDay (today when absent).")
    async def unemployment_benefit_estimate(
        self,
        info: Info,
        last_working_day: Annotated[
            dt.date | None, strawberry.argument(description="The last day of work; today when absent.")
        ] = None,
    ) -> UnemploymentBenefitEstimate:
        return await unemployment_benefit_estimate(info, self, last_working_day)

    @strawberry.field(description="Contribution certificates issued to the member, newest first.")
    async def certificates(self, info: Info) -> list[ContributionCertificate]:
        return await certificates_of(info, self.pk)


IBAN_GROUP = 4


def mask_iban(iban: str | None) -> str | None:
    """Only the last four characters, in the groups of four an IBAN is printed in, so a
    screen shows it as it is: `**** **** **** **** **** 7519`."""
    if not iban:
        return None
    masked = "*" * (len(iban) - 4) + iban[-4:]
    return " ".join(masked[i:i + IBAN_GROUP] for i in range(0, len(masked), IBAN_GROUP))
