"""Pension and SANED estimates: Decimal throughout, rounded half up once, at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.enums import ServiceType
from resolvers.record.counting import (
    ANNUITIES,
    UNEMPLOYMENT,
    age,
    average_wage,
    contribution_months,
    monthly_wages,
    round_money,
)
from resolvers.record.eligibility import (
    Condition,
    MemberFacts,
    retirement_conditions,
    retirement_eligible,
    saned_conditions,
)
from resolvers.record.regime import regime_of
from resolvers.record.rules import rules_on


@dataclass(frozen=True)
class PensionEstimate:
    retirement_date: date
    age: int
    eligible: bool
    conditions: tuple[Condition, ...]
    contribution_months: int
    average_monthly_wage: Decimal
    accrual_rate: Decimal
    monthly_pension: Decimal | None
    rules_version: str


@dataclass(frozen=True)
class UnemploymentBenefitEstimate:
    last_working_day: date
    eligible: bool
    conditions: tuple[Condition, ...]
    average_monthly_wage: Decimal
    first_months_amount: Decimal | None
    later_months_amount: Decimal | None
    months: int
    rules_version: str


def pension_estimate(
    *, facts: MemberFacts, today: date, retirement_date: date | None, assume_continued: bool
) -> PensionEstimate:
    """With `assume_continued` the open engagements go on at their current wage until the
    retirement date; without, the record stops today."""
    rules = rules_on(today)
    regime = regime_of(born=facts.born, periods=facts.periods, rules=rules)
    retiring = retirement_date or regime.retirement_date
    rules = rules_on(retiring)
    pension = regime.pension_rules(rules)
    until = retiring if assume_continued else min(today, retiring)
    months = len(contribution_months(facts.periods, branch=ANNUITIES, until=until))
    conditions = retirement_conditions(facts=facts, regime=regime, months=months, on=retiring, rules=rules)
    eligible = retirement_eligible(conditions)
    wages = monthly_wages(facts.periods, branch=ANNUITIES, until=until, rules=rules)
    average = average_wage(wages, before=retiring, months=pension.average_months.value)
    amount = None
    if eligible:
        accrued = average * pension.accrual_rate.value * months / 12
        amount = round_money(
            max(min(accrued, average * pension.maximum_share.value), pension.minimum_pension.value)
        )
    return PensionEstimate(
        retirement_date=retiring,
        age=age(facts.born, retiring),
        eligible=eligible,
        conditions=conditions,
        contribution_months=months,
        average_monthly_wage=round_money(average),
        accrual_rate=pension.accrual_rate.value,
        monthly_pension=amount,
        rules_version=rules.name,
    )


def unemployment_benefit_estimate(*, facts: MemberFacts, last_working_day: date) -> UnemploymentBenefitEstimate:
    rules = rules_on(last_working_day)
    saned = rules.saned
    conditions = saned_conditions(facts=facts, last_working_day=last_working_day, rules=rules)
    eligible = all(c.met for c in conditions)
    wages = monthly_wages(facts.periods, branch=UNEMPLOYMENT, until=last_working_day, rules=rules)
    average = average_wage(wages, before=last_working_day, months=saned.average_months.value)
    first = later = None
    if eligible:
        first = round_money(min(average * saned.first_share.value, saned.first_cap.value))
        later = round_money(min(average * saned.later_share.value, saned.later_cap.value))
    return UnemploymentBenefitEstimate(
        last_working_day=last_working_day,
        eligible=eligible,
        conditions=conditions,
        average_monthly_wage=round_money(average),
        first_months_amount=first,
        later_months_amount=later,
        months=saned.duration_months.value if eligible else 0,
        rules_version=rules.name,
    )


SERVICES_WITH_DATES = {
    ServiceType.RETIREMENT_PENSION: "retirement_date",
    ServiceType.UNEMPLOYMENT_BENEFIT: "last_working_day",
    ServiceType.WORK_INJURY: "injury_date",
    ServiceType.DISABILITY_PENSION: "disability_date",
}
