"""A member's insurance record as the database holds it, and the rules applied to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from models import Engagement, RequestStatus, Residency, ServiceRequest, ServiceType
from resolvers.record.counting import (
    ANNUITIES,
    UNEMPLOYMENT,
    InsuranceBranch,
    Period,
    Wage,
    contribution_months,
    contributory,
    covered_months,
    months_in_window,
    wage_on,
)
from resolvers.record.eligibility import Eligibility, MemberFacts, check
from resolvers.record.regime import RegimeFacts, regime_of
from resolvers.record.rules import RulesVersion, rules_on

__all__ = ["InsuranceBranch"]


@dataclass(frozen=True)
class Person:
    """Who the record is about: what the rules read of the account."""

    national_id: str
    born: dt.date
    residency: Residency


@dataclass(frozen=True)
class RecordedPeriod:
    """One engagement with what the record page shows of it."""

    row: Engagement
    period: Period
    months: int
    current_wage: Wage


@dataclass(frozen=True)
class InsuranceRecord:
    contribution_months: int
    unemployment_months_last_36: int
    regime: RegimeFacts
    current_employer: Engagement | None
    # Newest first.
    periods: list[RecordedPeriod]
    updated_at: dt.datetime | None
    rules: RulesVersion


def recorded_period(row: Engagement, period: Period, today: dt.date) -> RecordedPeriod:
    return RecordedPeriod(
        row=row, period=period, months=len(covered_months(period, until=today)),
        current_wage=wage_on(period, today if period.end is None else min(period.end, today)),
    )


async def engagements_of(national_id: str) -> list[Engagement]:
    """Every engagement of the person, newest first, in one statement."""
    return (await engagements_by_national_id([national_id]))[0]


async def engagements_by_national_id(national_ids: Sequence[str]) -> list[list[Engagement]]:
    """For a DataLoader: each person's engagements, newest first, all in one statement."""
    rows = await Engagement.filter(national_id__in=list(set(national_ids))).order_by(
        "-start_date", "-engagement_id"
    )
    found: dict[str, list[Engagement]] = {key: [] for key in national_ids}
    for row in rows:
        found[row.national_id].append(row)
    return [found[key] for key in national_ids]


def period_of(row: Engagement) -> Period:
    wages = tuple(
        Wage(dt.date.fromisoformat(w["from"]), Decimal(w["basic"]), Decimal(w["housing"]))
        for w in row.wages
    )
    return Period(
        start=row.start_date, end=row.end_date, branches=frozenset(row.branches), wages=wages,
        employer_name_ar=row.employer_name_ar, employer_name_en=row.employer_name_en,
    )


def insurance_record(*, person: Person, rows: Sequence[Engagement], today: dt.date) -> InsuranceRecord:
    rules = rules_on(today)
    periods = [period_of(row) for row in rows]
    recorded = [recorded_period(row, period, today) for row, period in zip(rows, periods, strict=True)]
    open_now = [r for r in recorded if r.period.covers(today)]
    current = max(open_now, key=lambda r: contributory(r.current_wage, rules), default=None)
    unemployment = contribution_months(periods, branch=UNEMPLOYMENT, until=today)
    return InsuranceRecord(
        contribution_months=len(contribution_months(periods, branch=ANNUITIES, until=today)),
        unemployment_months_last_36=months_in_window(unemployment, before=today, window=36),
        regime=regime_of(born=person.born, periods=periods, rules=rules),
        current_employer=current.row if current else None,
        periods=recorded,
        updated_at=max((row.imported_at for row in rows), default=None),
        rules=rules,
    )


async def member_facts(*, person: Person, member_id: object, rows: Sequence[Engagement],
                       service: ServiceType | None = None) -> MemberFacts:
    """The facts the rules read; SANED's count of earlier granted claims only when asked."""
    previous_claims = 0
    if service is ServiceType.UNEMPLOYMENT_BENEFIT:
        previous_claims = await ServiceRequest.filter(
            member_id=member_id, type=ServiceType.UNEMPLOYMENT_BENEFIT, status=RequestStatus.APPROVED
        ).count()
    return MemberFacts(
        born=person.born, residency=person.residency,
        periods=tuple(period_of(row) for row in rows), previous_claims=previous_claims,
    )


async def eligibility(
    *, person: Person, member_id: object, service: ServiceType, on: dt.date,
    rows: Sequence[Engagement] | None = None,
) -> Eligibility:
    """The check `eligibility` shows and `submitRequest` makes, on `on`."""
    if rows is None:
        rows = await engagements_of(person.national_id)
    facts = await member_facts(person=person, member_id=member_id, rows=rows, service=service)
    return check(service=service, facts=facts, on=on)
