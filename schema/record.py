"""The insurance record: contributions, eligibility and estimates, as members and staff read them."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import strawberry

from models import AccessPurpose, Engagement, Language, Role
from models import Member as MemberModel
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.pagination import page_size
from resolvers.record import eligibility as rules_check
from resolvers.record import estimates, hijri, record
from resolvers.record.counting import Wage, contributory, today_in_riyadh
from resolvers.record.regime import Regime
from resolvers.record.rules import rules_on
from schema.base import Money, Node, PageInfo, ServiceType, to_global_id
from schema.context import Info

if TYPE_CHECKING:
    from schema.member import Member

InsuranceBranch: TypeAlias = record.InsuranceBranch
PensionRegime: TypeAlias = Regime
EligibilityRule: TypeAlias = rules_check.EligibilityRule
strawberry.enum(InsuranceBranch, description="The insurance branches an engagement contributes to.")
strawberry.enum(PensionRegime, name="PensionRegime", description="Which pension rules apply to the member (RULES.md).")
strawberry.enum(EligibilityRule, description="One condition of a service's rules (RULES.md).")

# What a staff member opened, as the member reads it in their access log.
RECORD_SUBJECT = "INSURANCE_RECORD"


@strawberry.type(description="A day in the Umm al-Qura calendar.")
class HijriDate:
    year: int = strawberry.field(description="The Hijri year.")
    month: int = strawberry.field(description="1 to 12")
    day: int = strawberry.field(description="1 to 30")
    formatted: str = strawberry.field(
        description="In the caller's language, e.g. 12 ربيع الأول 1405 هـ or 12 Rabi' al-Awwal 1405 AH."
    )

    @classmethod
    def of(cls, day: dt.date, language: Language) -> HijriDate:
        converted = hijri.to_hijri(day)
        return cls(year=converted.year, month=converted.month, day=converted.day,
                   formatted=hijri.formatted(converted, language))


@strawberry.input(description="A day in the Umm al-Qura calendar.")
class HijriDateInput:
    year: int = strawberry.field(description="The Hijri year, e.g. 1405.")
    month: int = strawberry.field(description="1 to 12")
    day: int = strawberry.field(description="1 to 30")


def hijri_day(given: HijriDateInput | None) -> hijri.HijriDay | None:
    return None if given is None else hijri.HijriDay(given.year, given.month, given.day)


@strawberry.type(description="An employer (establishment) in the agency's register.")
class Employer:
    registration_number: str = strawberry.field(description="The establishment's number in the register.")
    name: str = strawberry.field(description="In the caller's language.")

    @classmethod
    def of(cls, row: Engagement, language: Language) -> Employer:
        name = row.employer_name_ar if language is Language.AR else row.employer_name_en
        return cls(registration_number=row.employer_registration_number, name=name)


@strawberry.type(description="The registered wage from a date on.")
class WageChange:
    effective_from: dt.date = strawberry.field(description="From this day on.")
    basic_wage: Money = strawberry.field(description="The basic wage.")
    housing_allowance: Money = strawberry.field(description="The housing allowance.")
    contributory_wage: Money = strawberry.field(
        description="Basic plus housing, held between the contributory floor and ceiling: what "
        "contributions and benefits are computed on."
    )

    @classmethod
    def of(cls, wage: Wage, on: dt.date) -> WageChange:
        return cls(
            effective_from=wage.effective_from,
            basic_wage=Money.sar(wage.basic),
            housing_allowance=Money.sar(wage.housing),
            contributory_wage=Money.sar(contributory(wage, rules_on(on))),
        )


@strawberry.type(description="One engagement with one employer, as the employer reported it.")
class ContributionPeriod(Node):
    employer: Employer = strawberry.field(description="The employer.")
    start_date: dt.date = strawberry.field(description="The first day.")
    end_date: dt.date | None = strawberry.field(description="Null while the engagement goes on.")
    occupation: str | None = strawberry.field(description="As the employer reported it.")
    branches: list[InsuranceBranch] = strawberry.field(description="What it contributes to.")
    months: int = strawberry.field(
        description="Contribution months this period counts up to today or its end (RULES.md says "
        "how months are counted)."
    )
    current_wage: WageChange = strawberry.field(description="The registered wage now, or at the end.")
    wage_history: list[WageChange] = strawberry.field(description="Oldest first.")

    @classmethod
    def of(cls, item: record.RecordedPeriod, language: Language, today: dt.date) -> ContributionPeriod:
        row = item.row
        return cls(
            id=to_global_id("ContributionPeriod", row.id),
            employer=Employer.of(row, language),
            start_date=row.start_date,
            end_date=row.end_date,
            occupation=row.occupation,
            branches=[InsuranceBranch(b) for b in row.branches],
            months=item.months,
            current_wage=WageChange.of(item.current_wage, today),
            wage_history=[WageChange.of(w, w.effective_from) for w in item.period.wages],
        )


@strawberry.type(description="One contribution period, with its cursor.")
class ContributionPeriodEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this period.")
    node: ContributionPeriod = strawberry.field(description="The period.")


@strawberry.type(description="A page of contribution periods, newest first.")
class ContributionPeriodConnection:
    edges: list[ContributionPeriodEdge] = strawberry.field(description="The periods on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="How many periods the record holds.")


@strawberry.type(description="The member's insurance record as the agency holds it.")
class InsuranceRecord:
    contribution_months: int = strawberry.field(
        description="Months with ANNUITIES contributions, all employers, a month counted once."
    )
    unemployment_months_last36: int = strawberry.field(
        name="unemploymentMonthsLast36",
        description="Months with UNEMPLOYMENT contributions in the 36 months before today.",
    )
    regime: PensionRegime = strawberry.field(description="Which pension rules apply.")
    statutory_retirement_date: dt.date = strawberry.field(
        description="The day the member reaches the retirement age of their regime."
    )
    current_employer: Employer | None = strawberry.field(
        description="The open engagement with the highest wage, if any."
    )
    updated_at: dt.datetime | None = strawberry.field(
        description="When the agency last brought the record up to date; null when it holds nothing."
    )
    held: strawberry.Private[record.InsuranceRecord]
    language: strawberry.Private[Language]
    today: strawberry.Private[dt.date]

    @strawberry.field(description="Newest first.")
    def periods(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="At most 100; 20 when absent.")] = None,
        after: Annotated[str | None, strawberry.argument(description="An endCursor, to continue after it.")] = None,
    ) -> ContributionPeriodConnection:
        items = self.held.periods
        try:
            size = page_size(first)
            start = 0 if after is None else position_after(items, after)
        except DomainError as error:
            raise info.context.bad_user_input(error) from None
        shown = items[start:start + size]
        cursors = [period_cursor(item.row.id) for item in shown]
        return ContributionPeriodConnection(
            edges=[
                ContributionPeriodEdge(cursor=cursor, node=ContributionPeriod.of(item, self.language, self.today))
                for item, cursor in zip(shown, cursors, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=start + size < len(items), has_previous_page=start > 0,
                start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=len(items),
        )


def position_after(items: list[record.RecordedPeriod], cursor: str) -> int:
    key = period_key(cursor)
    start = next((i + 1 for i, item in enumerate(items) if item.row.id == key), None)
    if start is None:
        raise DomainError.single("after", ErrorCode.INVALID)
    return start


def period_cursor(key: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(key.bytes).decode().rstrip("=")


def period_key(cursor: str) -> uuid.UUID:
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise DomainError.single("after", ErrorCode.INVALID) from None


@strawberry.type(description="One condition of a service, met or not.")
class EligibilityCondition:
    rule: EligibilityRule = strawberry.field(description="Which rule.")
    met: bool = strawberry.field(description="Whether the member meets it.")
    description: str = strawberry.field(
        description="In the caller's language, with the member's own figures, e.g. At least 120 "
        "contribution months; you have 96."
    )

    @classmethod
    def of(cls, condition: rules_check.Condition, language: Language) -> EligibilityCondition:
        return cls(rule=condition.rule, met=condition.met, description=condition.describe(language))


def conditions_of(conditions: Any, language: Language) -> list[EligibilityCondition]:
    return [EligibilityCondition.of(c, language) for c in conditions]


@strawberry.type(description="Whether the member qualifies for a service on a day, rule by rule.")
class Eligibility:
    service: ServiceType = strawberry.field(description="The service checked.")
    on: dt.date = strawberry.field(description="The day checked.")
    eligible: bool = strawberry.field(description="Every rule needed is met.")
    conditions: list[EligibilityCondition] = strawberry.field(
        description="Every rule the service has, met or not; empty for services without rules."
    )

    @classmethod
    def of(cls, checked: rules_check.Eligibility, language: Language) -> Eligibility:
        return cls(service=checked.service, on=checked.on, eligible=checked.eligible,
                   conditions=conditions_of(checked.conditions, language))

    @classmethod
    def stored(cls, data: dict[str, Any], language: Language) -> Eligibility:
        """As kept on a request at submission, in the reader's language."""
        return cls(
            service=ServiceType(data["service"]),
            on=dt.date.fromisoformat(data["on"]),
            eligible=data["eligible"],
            conditions=[
                EligibilityCondition(rule=EligibilityRule(c["rule"]), met=c["met"],
                                     description=c["description"][language.value])
                for c in data["conditions"]
            ],
        )


@strawberry.type(description="An estimate from the record and the rules in force; not a decision.")
class PensionEstimate:
    retirement_date: dt.date = strawberry.field(description="The day estimated for.")
    age: int = strawberry.field(description="Whole Gregorian years on retirementDate.")
    eligible: bool = strawberry.field(description="Whether the member would qualify that day.")
    conditions: list[EligibilityCondition] = strawberry.field(description="Every rule, met or not.")
    contribution_months: int = strawberry.field(
        description="Counted to retirementDate (with assumeContinuedContributions the open "
        "engagements go on until then at their current wage)."
    )
    average_monthly_wage: Money = strawberry.field(description="Over the months the rules average (RULES.md).")
    accrual_rate: Decimal = strawberry.field(description='Per year of contributions, e.g. "0.025".')
    monthly_pension: Money | None = strawberry.field(description="Null when not eligible.")
    rules_version: str = strawberry.field(description="The rules used, e.g. SA-2024-07; RULES.md lists them.")


@strawberry.type(description="An estimate of SANED; not a decision.")
class UnemploymentBenefitEstimate:
    last_working_day: dt.date = strawberry.field(description="The day work ends.")
    eligible: bool = strawberry.field(description="Whether the member would qualify.")
    conditions: list[EligibilityCondition] = strawberry.field(description="Every rule, met or not.")
    average_monthly_wage: Money = strawberry.field(description="Over the 24 months before lastWorkingDay.")
    first_months_amount: Money | None = strawberry.field(
        description="Each of the first three months; null when not eligible."
    )
    later_months_amount: Money | None = strawberry.field(
        description="Each month after the third; null when not eligible."
    )
    months: int = strawberry.field(description="How many months it is paid; 0 when not eligible.")
    rules_version: str = strawberry.field(description="The rules used, e.g. SA-2024-07.")


# ------------------------------------------------------------------ reading


def person_of(member: Member) -> record.Person:
    return record.Person(national_id=member.national_id, born=member.date_of_birth,
                         residency=member.residency)


async def opened(info: Info, member: Member) -> None:
    """The record is the owner's, or staff's to read; staff reading it is logged."""
    viewer = await info.context.require_member()
    if viewer.id == member.pk:
        return
    if viewer.role is not Role.STAFF:
        raise info.context.error("FORBIDDEN", "forbidden")
    info.context.runtime.access_log.record(staff=viewer, member_id=member.pk,
                                           purpose=AccessPurpose.MEMBER_LOOKUP, subject=RECORD_SUBJECT,
                                           thing=f"record:{member.pk}")


async def engagements(info: Info, national_id: str) -> list[Engagement]:
    """Once per request, however many fields read the record."""
    rows: list[Engagement] = await info.context.loader(record.engagements_by_national_id).load(national_id)
    return rows


def today(info: Info) -> dt.date:
    return today_in_riyadh(info.context.runtime.now())


async def insurance_record(info: Info, member: Member) -> InsuranceRecord:
    await opened(info, member)
    day = today(info)
    held = record.insurance_record(person=person_of(member), rows=await engagements(info, member.national_id),
                                   today=day)
    language = info.context.language
    return InsuranceRecord(
        contribution_months=held.contribution_months,
        unemployment_months_last36=held.unemployment_months_last_36,
        regime=held.regime.regime,
        statutory_retirement_date=held.regime.retirement_date,
        current_employer=Employer.of(held.current_employer, language) if held.current_employer else None,
        updated_at=held.updated_at,
        held=held, language=language, today=day,
    )


async def eligibility(info: Info, member: Member, service: ServiceType, on: dt.date | None) -> Eligibility:
    await opened(info, member)
    checked = await record.eligibility(
        person=person_of(member), member_id=member.pk, service=service, on=on or today(info),
        rows=await engagements(info, member.national_id),
    )
    return Eligibility.of(checked, info.context.language)


async def pension_estimate(
    info: Info, member: Member, retirement_date: dt.date | None, assume_continued: bool
) -> PensionEstimate:
    await opened(info, member)
    rows = await engagements(info, member.national_id)
    facts = await record.member_facts(person=person_of(member), member_id=member.pk, rows=rows)
    estimate = estimates.pension_estimate(facts=facts, today=today(info), retirement_date=retirement_date,
                                          assume_continued=assume_continued)
    return PensionEstimate(
        retirement_date=estimate.retirement_date,
        age=estimate.age,
        eligible=estimate.eligible,
        conditions=conditions_of(estimate.conditions, info.context.language),
        contribution_months=estimate.contribution_months,
        average_monthly_wage=Money.sar(estimate.average_monthly_wage),
        accrual_rate=estimate.accrual_rate,
        monthly_pension=Money.maybe(estimate.monthly_pension),
        rules_version=estimate.rules_version,
    )


async def unemployment_benefit_estimate(
    info: Info, member: Member, last_working_day: dt.date | None
) -> UnemploymentBenefitEstimate:
    await opened(info, member)
    rows = await engagements(info, member.national_id)
    facts = await record.member_facts(person=person_of(member), member_id=member.pk, rows=rows,
                                      service=ServiceType.UNEMPLOYMENT_BENEFIT)
    estimate = estimates.unemployment_benefit_estimate(facts=facts, last_working_day=last_working_day or today(info))
    return UnemploymentBenefitEstimate(
        last_working_day=estimate.last_working_day,
        eligible=estimate.eligible,
        conditions=conditions_of(estimate.conditions, info.context.language),
        average_monthly_wage=Money.sar(estimate.average_monthly_wage),
        first_months_amount=Money.maybe(estimate.first_months_amount),
        later_months_amount=Money.maybe(estimate.later_months_amount),
        months=estimate.months,
        rules_version=estimate.rules_version,
    )


async def load_contribution_period(info: Info, key: uuid.UUID) -> ContributionPeriod | None:
    """node(id:): the person's own period, or any for staff (logged when the person has an account)."""
    viewer = await info.context.viewer()
    row = await Engagement.get_or_none(id=key)
    if viewer is None or row is None:
        return None
    if row.national_id != viewer.national_id:
        if viewer.role is not Role.STAFF:
            return None
        owner = await MemberModel.get_or_none(national_id=row.national_id)
        if owner is not None:
            info.context.runtime.access_log.record(staff=viewer, member_id=owner.id,
                                                   purpose=AccessPurpose.MEMBER_LOOKUP,
                                                   subject=RECORD_SUBJECT, thing=f"record:{owner.id}")
    day = today(info)
    item = record.recorded_period(row, record.period_of(row), day)
    return ContributionPeriod.of(item, info.context.language, day)
