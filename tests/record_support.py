"""Insurance records for tests: engagements written as the import writes them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from models import Engagement

ALL_BRANCHES = ["ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"]


async def engagement(
    national_id: str,
    start: str,
    end: str | None = None,
    *,
    basic: str = "8000.00",
    housing: str = "2000.00",
    wages: list[dict[str, str]] | None = None,
    branches: list[str] | None = None,
    employer_en: str = "Al Noor Trading Company",
    employer_ar: str = "شركة النور للتجارة",
    registration_number: str = "7001234567",
    occupation: str | None = "Accountant",
    imported_at: dt.datetime | None = None,
) -> Engagement:
    """One engagement of the person with national ID `national_id` (an account or not)."""
    return await Engagement.create(
        engagement_id=f"E-{uuid.uuid4().hex[:20]}",
        national_id=national_id,
        employer_registration_number=registration_number,
        employer_name_ar=employer_ar,
        employer_name_en=employer_en,
        start_date=dt.date.fromisoformat(start),
        end_date=dt.date.fromisoformat(end) if end else None,
        occupation=occupation,
        branches=branches if branches is not None else list(ALL_BRANCHES),
        wages=wages or [{"from": start, "basic": str(Decimal(basic)), "housing": str(Decimal(housing))}],
        imported_at=imported_at or dt.datetime(2026, 1, 10, 6, 0, tzinfo=dt.UTC),
    )


async def qualifying_record(national_id: str) -> None:
    """Enough of a record for every service with rules, on any date from 2026 on: 300 months under
    the previous law (any age), 36 UNEMPLOYMENT months, hazards cover, ended 2025-12-31."""
    await engagement(national_id, "2001-01-01", "2025-12-31")


# The record each kind of request needs on its date: (input key, date field, first day of the
# engagement that ends on that date). 1995 gives a retirement 300 months under the previous law.
RECORD_FOR = {
    "retirementPension": ("retirementDate", lambda day: dt.date(1995, 1, 1)),
    "unemploymentBenefit": ("lastWorkingDay", lambda day: day.replace(year=day.year - 3)),
    "workInjury": ("injuryDate", lambda day: day.replace(year=day.year - 1)),
    "disabilityPension": ("disabilityDate", lambda day: day.replace(year=day.year - 3)),
}


async def record_for(national_id: str, details: dict) -> None:
    """Engagements ending on the request's date that make the member eligible for it, as the
    agency's import would hold them for a real applicant (services without rules need none)."""
    for kind, stated in details.items():
        if kind not in RECORD_FOR or not isinstance(stated, dict):
            continue
        field, first_day = RECORD_FOR[kind]
        try:
            day = dt.date.fromisoformat(stated.get(field, ""))
        except (TypeError, ValueError):
            continue  # a date the test means to be refused
        await engagement(national_id, first_day(day).isoformat(), day.isoformat())
