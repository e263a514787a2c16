"""Certificates of contributions: issued to the member, verified by anyone holding the code
and the holder's national ID."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import strawberry

from models import ContributionCertificate as ContributionCertificateModel
from resolvers.letters import certificate
from resolvers.platform.links import LinkKind
from schema.base import Language, Money, UserError
from schema.context import Info
from schema.documents import VERIFICATIONS_PER_IP, download_url, verification_key
from schema.payloads import errors_field, mutation


@strawberry.type(description="A certificate of the member's contributions that anyone holding "
                             "its code and the member's national ID can verify.")
class ContributionCertificate:
    verification_code: str = strawberry.field(
        description="Printed on the certificate, e.g. 7KQ2-M9XD-4TPA."
    )
    issued_at: dt.datetime = strawberry.field(description="When it was issued.")
    language: Language = strawberry.field(description="The language it is written in.")
    pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, info: Info, row: ContributionCertificateModel) -> ContributionCertificate:
        return cls(
            verification_code=certificate.code_of(info.context.runtime, row),
            issued_at=row.issued_at, language=row.language, pk=row.id,
        )

    @strawberry.field(description="A link to the PDF; it works for at most 5 minutes.")
    async def download_url(self, info: Info) -> str:
        return await download_url(info, LinkKind.CERTIFICATE, self.pk)


@strawberry.type(description="What a certificate proves, no more than the certificate shows.")
class CertificateVerification:
    valid: bool = strawberry.field(
        description="The code belongs to a certificate of the holder with this national ID."
    )
    issued_at: dt.datetime | None = strawberry.field(default=None, description="When it was issued.")
    holder_name: str | None = strawberry.field(default=None, description="Masked, e.g. S*** A*** A***.")
    contribution_months: int | None = strawberry.field(
        default=None, description="Months of contributions it states."
    )
    current_employer: str | None = strawberry.field(
        default=None, description="The employer it names as current, in its language."
    )
    employed_since: dt.date | None = strawberry.field(
        default=None, description="Since when, with the current employer."
    )
    current_wage: Money | None = strawberry.field(
        default=None, description="Basic plus housing, monthly, as it states."
    )


@strawberry.input(description="Which language the certificate is written in.")
class IssueContributionCertificateInput:
    language: Language | None = strawberry.field(
        default=None, description="The member's preferred language when absent."
    )


@strawberry.type(description="The certificate issued, or what stopped it.")
class ContributionCertificatePayload:
    certificate: ContributionCertificate | None = strawberry.field(
        default=None, description="The new certificate; null when errors is not empty."
    )
    errors: list[UserError] = errors_field()


@strawberry.type
class CertificateQuery:
    @strawberry.field(description="Public: checks a contribution certificate; both the code and "
                                  "the holder's national ID must match.")
    async def verify_contribution_certificate(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="As printed on the certificate.")],
        national_id: Annotated[
            str, strawberry.argument(description="The holder's national ID, as printed on it.")
        ],
    ) -> CertificateVerification:
        runtime = info.context.runtime
        # One budget with decision letters: guessing either kind of code costs the same.
        key = verification_key(info.context.client_ip)
        if not await runtime.throttle.hit(VERIFICATIONS_PER_IP, key):
            raise await info.context.rate_limited(VERIFICATIONS_PER_IP, key)
        found = await certificate.verify(runtime, code=code, national_id=national_id)
        if found is None:
            return CertificateVerification(valid=False)
        return CertificateVerification(
            valid=True, issued_at=found.issued_at, holder_name=found.holder_name,
            contribution_months=found.contribution_months,
            current_employer=found.current_employer, employed_since=found.employed_since,
            current_wage=Money.maybe(found.current_wage),
        )


@strawberry.type
class CertificateMutation:
    @mutation(description="A PDF certificate of the member's record, in Arabic or English, "
                          "with a verification code.")
    async def issue_contribution_certificate(
        self, info: Info, input: IssueContributionCertificateInput | None = None
    ) -> ContributionCertificatePayload:
        member = await info.context.require_member()
        row = await certificate.issue(info.context.runtime, member=member,
                                      language=input.language if input else None)
        return ContributionCertificatePayload(certificate=ContributionCertificate.from_model(info, row))


async def certificates_of(info: Info, member_id: uuid.UUID) -> list[ContributionCertificate]:
    return [ContributionCertificate.from_model(info, row)
            for row in await certificate.certificates_of(member_id)]


QUERIES = (CertificateQuery,)
MUTATIONS = (CertificateMutation,)
