"""Whether a member qualifies for a service on a day, rule by rule, with their own figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from models.enums import Language, Residency, ServiceType
from resolvers.record.counting import (
    ANNUITIES,
    OCCUPATIONAL_HAZARDS,
    UNEMPLOYMENT,
    Period,
    age,
    contribution_months,
    longest_run,
    month_of,
    months_in_window,
)
from resolvers.record.regime import RegimeFacts, RetirementAge, regime_of
from resolvers.record.rules import RulesVersion, rules_on
from resolvers.record.wording import WORDING


class EligibilityRule(StrEnum):
    RETIREMENT_AGE = "RETIREMENT_AGE"
    MINIMUM_CONTRIBUTION_MONTHS = "MINIMUM_CONTRIBUTION_MONTHS"
    EARLY_RETIREMENT_MONTHS = "EARLY_RETIREMENT_MONTHS"
    RECENT_UNEMPLOYMENT_MONTHS = "RECENT_UNEMPLOYMENT_MONTHS"
    CITIZENSHIP = "CITIZENSHIP"
    AGE_LIMIT = "AGE_LIMIT"
    NOT_EMPLOYED = "NOT_EMPLOYED"
    INSURED_ON_DATE = "INSURED_ON_DATE"


RETIREMENT_AGE = EligibilityRule.RETIREMENT_AGE
MINIMUM_CONTRIBUTION_MONTHS = EligibilityRule.MINIMUM_CONTRIBUTION_MONTHS
EARLY_RETIREMENT_MONTHS = EligibilityRule.EARLY_RETIREMENT_MONTHS
RECENT_UNEMPLOYMENT_MONTHS = EligibilityRule.RECENT_UNEMPLOYMENT_MONTHS
CITIZENSHIP = EligibilityRule.CITIZENSHIP
AGE_LIMIT = EligibilityRule.AGE_LIMIT
NOT_EMPLOYED = EligibilityRule.NOT_EMPLOYED
INSURED_ON_DATE = EligibilityRule.INSURED_ON_DATE


@dataclass(frozen=True)
class MemberFacts:
    """What the rules read about a member: the record and a few details of the account."""

    born: date
    residency: Residency
    periods: tuple[Period, ...]
    # SANED claims already granted: later claims need more recent months.
    previous_claims: int = 0


@dataclass(frozen=True)
class Condition:
    rule: EligibilityRule
    met: bool
    # An entry of WORDING; params may be a {Language: text} pair (an employer's name).
    wording: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def describe(self, language: Language) -> str:
        values = {k: v[language] if isinstance(v, dict) else v for k, v in self.params.items()}
        return WORDING[self.wording][language].format(**values)


@dataclass(frozen=True)
class Eligibility:
    service: ServiceType
    on: date
    eligible: bool
    conditions: tuple[Condition, ...]
    rules_version: str

    def unmet(self) -> list[Condition]:
        return [condition for condition in self.conditions if not condition.met]

    def stored(self) -> dict[str, Any]:
        """As kept on a request: the words of the day in both languages, not re-derived later."""
        return {
            "service": self.service.value,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "rules_version": self.rules_version,
            "conditions": [
                {
                    "rule": c.rule,
                    "met": c.met,
                    "description": {language.value: c.describe(language) for language in Language},
                }
                for c in self.conditions
            ],
        }


def check(*, service: ServiceType, facts: MemberFacts, on: date) -> Eligibility:
    """Every rule of `service` on `on`. Open engagements are assumed to go on until `on`."""
    rules = rules_on(on)
    if service is ServiceType.RETIREMENT_PENSION:
        regime = regime_of(born=facts.born, periods=facts.periods, rules=rules)
        months = len(contribution_months(facts.periods, branch=ANNUITIES, until=on))
        conditions = retirement_conditions(facts=facts, regime=regime, months=months, on=on, rules=rules)
        eligible = retirement_eligible(conditions)
    elif service is ServiceType.UNEMPLOYMENT_BENEFIT:
        conditions = saned_conditions(facts=facts, last_working_day=on, rules=rules)
        eligible = all(c.met for c in conditions)
    elif service is ServiceType.WORK_INJURY:
        conditions = (insured_on(facts.periods, on),)
        eligible = all(c.met for c in conditions)
    elif service is ServiceType.DISABILITY_PENSION:
        conditions = disability_conditions(facts=facts, on=on, rules=rules)
        eligible = all(c.met for c in conditions)
    else:
        conditions, eligible = (), True
    return Eligibility(service, on, eligible, tuple(conditions), rules.name)


def retirement_eligible(conditions: Sequence[Condition]) -> bool:
    """The retirement age with the minimum months, or the early-retirement months."""
    met = {c.rule for c in conditions if c.met}
    return {RETIREMENT_AGE, MINIMUM_CONTRIBUTION_MONTHS} <= met or EARLY_RETIREMENT_MONTHS in met


def retirement_conditions(
    *, facts: MemberFacts, regime: RegimeFacts, months: int, on: date, rules: RulesVersion
) -> tuple[Condition, ...]:
    pension = regime.pension_rules(rules)
    years = age(facts.born, on)
    early_age = pension.early_age_years.value
    early_met = months >= pension.early_months.value and (early_age is None or years >= early_age)
    return (
        Condition(
            RETIREMENT_AGE,
            on >= regime.retirement_date,
            age_wording(regime.retirement_age),
            {
                "years": regime.retirement_age.years,
                "months": regime.retirement_age.months,
                "date": regime.retirement_date.isoformat(),
            },
        ),
        minimum_months(months, pension.minimum_months.value),
        Condition(
            EARLY_RETIREMENT_MONTHS,
            early_met,
            "early_any_age" if early_age is None else "early_with_age",
            {"required": pension.early_months.value, "have": months, "age": early_age, "current_age": years},
        ),
    )


def age_wording(retirement: RetirementAge) -> str:
    if retirement.hijri:
        return "retirement_age_hijri"
    return "retirement_age_years_months" if retirement.months else "retirement_age_years"


def minimum_months(have: int, required: int) -> Condition:
    return Condition(
        MINIMUM_CONTRIBUTION_MONTHS, have >= required, "minimum_months", {"required": required, "have": have}
    )


def saned_conditions(*, facts: MemberFacts, last_working_day: date, rules: RulesVersion) -> tuple[Condition, ...]:
    saned = rules.saned
    tiers = saned.claim_tiers.value
    tier = tiers[min(facts.previous_claims, len(tiers) - 1)]
    unemployment = contribution_months(facts.periods, branch=UNEMPLOYMENT, until=last_working_day)
    recent = months_in_window(unemployment, before=last_working_day, window=tier.window)
    years = age(facts.born, last_working_day)
    day_after = last_working_day + timedelta(days=1)
    employer = next((p for p in facts.periods if p.covers(day_after)), None)
    citizen = facts.residency is Residency.CITIZEN
    return (
        Condition(CITIZENSHIP, citizen, "citizen" if citizen else "not_citizen"),
        Condition(
            AGE_LIMIT,
            years < saned.age_limit_years.value,
            "saned_age_limit",
            {"limit": saned.age_limit_years.value, "date": last_working_day.isoformat(), "age": years},
        ),
        Condition(
            RECENT_UNEMPLOYMENT_MONTHS,
            recent >= tier.months,
            "recent_unemployment_months",
            {"required": tier.months, "window": tier.window, "date": last_working_day.isoformat(), "have": recent},
        ),
        Condition(
            NOT_EMPLOYED,
            employer is None,
            "not_employed" if employer is None else "still_employed",
            {"date": last_working_day.isoformat(), "employer": employer_name(employer)},
        ),
    )


def insured_on(periods: Sequence[Period], day: date) -> Condition:
    insured = next((p for p in periods if OCCUPATIONAL_HAZARDS in p.branches and p.covers(day)), None)
    return Condition(
        INSURED_ON_DATE,
        insured is not None,
        "insured_on_date" if insured is not None else "not_insured_on_date",
        {"date": day.isoformat(), "employer": employer_name(insured)},
    )


def disability_conditions(*, facts: MemberFacts, on: date, rules: RulesVersion) -> tuple[Condition, ...]:
    disability = rules.disability
    months = {m for m in contribution_months(facts.periods, branch=ANNUITIES, until=on) if m < month_of(on)}
    consecutive, total = longest_run(months), len(months)
    regime = regime_of(born=facts.born, periods=facts.periods, rules=rules)
    return (
        Condition(
            MINIMUM_CONTRIBUTION_MONTHS,
            consecutive >= disability.consecutive_months.value or total >= disability.total_months.value,
            "disability_months",
            {
                "consecutive": disability.consecutive_months.value,
                "total": disability.total_months.value,
                "date": on.isoformat(),
                "longest": consecutive,
                "have": total,
            },
        ),
        Condition(
            AGE_LIMIT,
            on < regime.retirement_date,
            "under_retirement_age",
            {"date": on.isoformat(), "retirement_date": regime.retirement_date.isoformat()},
        ),
    )


def employer_name(period: Period | None) -> dict[Language, str]:
    if period is None:
        return {Language.AR: "", Language.EN: ""}
    return {Language.AR: period.employer_name_ar, Language.EN: period.employer_name_en}
