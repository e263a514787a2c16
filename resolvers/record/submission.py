"""The eligibility check `submitRequest` makes on the request's own date, and what it keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from models import Engagement, Language, Member, ServiceType
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.record.record import Person, eligibility, engagements_of, period_of

# The date each service is checked on, as its details name it.
DATE_FIELDS: dict[ServiceType, str] = {
    ServiceType.RETIREMENT_PENSION: "retirement_date",
    ServiceType.UNEMPLOYMENT_BENEFIT: "last_working_day",
    ServiceType.WORK_INJURY: "injury_date",
    ServiceType.DISABILITY_PENSION: "disability_date",
}


def person_of(member: Member) -> Person:
    return Person(national_id=member.national_id, born=member.date_of_birth, residency=member.residency)


async def check_at_submission(
    *, member: Member, service: ServiceType, details: Any, details_path: str
) -> dict[str, Any] | None:
    """The check on the request's date, as kept on the request (None for services without
    rules). Any unmet condition refuses with NOT_ELIGIBLE on that date's field, naming each one."""
    field = DATE_FIELDS.get(service)
    if field is None:
        return None
    on = getattr(details, field)
    checked = await eligibility(person=person_of(member), member_id=member.id, service=service, on=on)
    if not checked.eligible:
        unmet = checked.unmet()
        raise DomainError.single(
            f"{details_path}.{field}", ErrorCode.NOT_ELIGIBLE,
            **{f"unmet_{language.value.lower()}": " ".join(c.describe(language) for c in unmet)
               for language in Language},
        )
    return checked.stored()


def employer_on(rows: Sequence[Engagement], day: dt.date, language: Language) -> str | None:
    """The employer of the engagement covering `day`, else of the last one ended before it."""
    periods = [(row, period_of(row)) for row in rows]
    covering = [row for row, period in periods if period.covers(day)]
    earlier = sorted((row for row, period in periods if period.end is not None and period.end < day),
                     key=lambda row: row.end_date or dt.date.min)
    row = covering[0] if covering else (earlier[-1] if earlier else None)
    if row is None:
        return None
    return row.employer_name_ar if language is Language.AR else row.employer_name_en


async def last_employer(*, member: Member, day: dt.date) -> str | None:
    """`lastEmployer` where the member left it out: what the record knows, in their language."""
    return employer_on(await engagements_of(member.national_id), day, member.preferred_language)
