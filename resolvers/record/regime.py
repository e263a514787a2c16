"""Which pension rules apply to a member, and the day they reach its retirement age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from resolvers.record.counting import ANNUITIES, Period, age, birthday, contribution_months
from resolvers.record.hijri import hijri_age, hijri_birthday
from resolvers.record.rules import PensionRules, RulesVersion


class Regime(StrEnum):
    PREVIOUS_LAW = "PREVIOUS_LAW"
    TRANSITIONAL = "TRANSITIONAL"
    LAW_2024 = "LAW_2024"


@dataclass(frozen=True)
class RetirementAge:
    years: int
    months: int = 0
    hijri: bool = False


@dataclass(frozen=True)
class RegimeFacts:
    regime: Regime
    retirement_age: RetirementAge
    retirement_date: date

    def pension_rules(self, rules: RulesVersion) -> PensionRules:
        """Transitional members keep the previous law's months and rates."""
        return rules.law_2024 if self.regime is Regime.LAW_2024 else rules.previous_law


def regime_of(*, born: date, periods: Sequence[Period], rules: RulesVersion) -> RegimeFacts:
    cutoff = rules.law_2024_cutoff.value
    before = contribution_months(periods, branch=ANNUITIES, until=cutoff - timedelta(days=1))
    if not before:
        retirement = RetirementAge(rules.law_2024_age_years.value)
        return RegimeFacts(Regime.LAW_2024, retirement, retirement_date(born, retirement))
    on_cutoff = contribution_months(periods, branch=ANNUITIES, until=cutoff)
    if (
        hijri_age(born, cutoff) >= rules.previous_law_keeps_age_hijri.value
        or len(on_cutoff) >= rules.previous_law_keeps_months.value
    ):
        retirement = RetirementAge(rules.previous_law_age_hijri.value, hijri=True)
        return RegimeFacts(Regime.PREVIOUS_LAW, retirement, retirement_date(born, retirement))
    retirement = transitional_age(age(born, cutoff), rules)
    return RegimeFacts(Regime.TRANSITIONAL, retirement, retirement_date(born, retirement))


def transitional_age(age_on_cutoff: int, rules: RulesVersion) -> RetirementAge:
    for step in rules.transitional_schedule.value:
        if age_on_cutoff >= step.age_on_cutoff_at_least:
            return RetirementAge(step.retirement_age_years, step.retirement_age_months)
    return RetirementAge(rules.law_2024_age_years.value)


def retirement_date(born: date, retirement: RetirementAge) -> date:
    if retirement.hijri:
        return hijri_birthday(born, retirement.years)
    return birthday(born, years=retirement.years, months=retirement.months)
