"""The benefit rules as data (shared/contract/RULES.md): one row per published version.

A change of law is a new version with the day it takes effect; code reads the version in
force on the day it computes for, and every estimate names it. A figure marked
`to_confirm` is built as RULES.md writes it but awaits the agency's confirmation (the
README lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")

GOSI_ANNUITY_FAQ = "GOSI annuity FAQ; SSA Social Security Programs Throughout the World"
LAW_2024_SOURCES = "GOSI annuity FAQ; WTW, CRS on the 2024 law"
LAW_2024_ANNOUNCEMENT = "GOSI announcement of the Social Insurance Law (in force 3 July 2024), via Siasat and Lockton"
CONTRIBUTOR_FAQ = "GOSI coverage and contributor FAQ pages; Saudi Gazette"
SANED_PAGE = "GOSI SANED page"
SANED_OKAZ = "GOSI via Okaz"
SANED_LAW = "SANED law, art. 9"
SAUDIPEDIA_SANED = "Saudipedia, Unemployment Insurance (SANED)"
SSA_PROGRAMS = "SSA Social Security Programs Throughout the World"


@dataclass(frozen=True)
class Figure(Generic[T]):
    value: T
    source: str
    to_confirm: bool = False


@dataclass(frozen=True)
class PensionRules:
    """One regime's retirement pension."""

    minimum_months: Figure[int]
    early_months: Figure[int]
    # None: early retirement at any age.
    early_age_years: Figure[int | None]
    accrual_rate: Figure[Decimal]
    average_months: Figure[int]
    # The pension is at most this share of the average wage.
    maximum_share: Figure[Decimal]
    minimum_pension: Figure[Decimal]


@dataclass(frozen=True)
class TransitionalStep:
    """Members this old (whole Gregorian years) on the cut-off day retire at this age."""

    age_on_cutoff_at_least: int
    retirement_age_years: int
    retirement_age_months: int


@dataclass(frozen=True)
class ClaimTier:
    """SANED's RECENT_UNEMPLOYMENT_MONTHS for the nth claim: months in a window."""

    months: int
    window: int


@dataclass(frozen=True)
class SanedRules:
    age_limit_years: Figure[int]
    # First claim, second, third, later ones.
    claim_tiers: Figure[tuple[ClaimTier, ...]]
    average_months: Figure[int]
    first_months: Figure[int]
    first_share: Figure[Decimal]
    first_cap: Figure[Decimal]
    later_share: Figure[Decimal]
    later_cap: Figure[Decimal]
    duration_months: Figure[int]


@dataclass(frozen=True)
class DisabilityRules:
    consecutive_months: Figure[int]
    total_months: Figure[int]


@dataclass(frozen=True)
class RulesVersion:
    name: str
    effective_from: date
    wage_floor: Figure[Decimal]
    wage_ceiling: Figure[Decimal]
    # Contributing before this day puts a member under the previous law or the transition.
    law_2024_cutoff: Figure[date]
    previous_law_age_hijri: Figure[int]
    # On the cut-off day, this Hijri age or these months keep the previous law.
    previous_law_keeps_age_hijri: Figure[int]
    previous_law_keeps_months: Figure[int]
    law_2024_age_years: Figure[int]
    # Oldest first; a member younger than every step retires at law_2024_age_years.
    transitional_schedule: Figure[tuple[TransitionalStep, ...]]
    previous_law: PensionRules
    law_2024: PensionRules
    saned: SanedRules
    disability: DisabilityRules


SA_2024_07 = RulesVersion(
    name="SA-2024-07",
    effective_from=date(2024, 7, 3),
    wage_floor=Figure(Decimal("1500.00"), CONTRIBUTOR_FAQ),
    wage_ceiling=Figure(Decimal("45000.00"), CONTRIBUTOR_FAQ),
    law_2024_cutoff=Figure(date(2024, 7, 3), LAW_2024_ANNOUNCEMENT),
    previous_law_age_hijri=Figure(60, "Lockton on the previous law"),
    previous_law_keeps_age_hijri=Figure(50, LAW_2024_ANNOUNCEMENT),
    previous_law_keeps_months=Figure(240, LAW_2024_ANNOUNCEMENT),
    law_2024_age_years=Figure(65, LAW_2024_ANNOUNCEMENT),
    transitional_schedule=Figure(
        (
            TransitionalStep(48, 58, 0),
            TransitionalStep(47, 59, 0),
            TransitionalStep(46, 60, 0),
            TransitionalStep(45, 61, 0),
            TransitionalStep(44, 62, 0),
            TransitionalStep(43, 63, 0),
            TransitionalStep(42, 64, 0),
        ),
        LAW_2024_ANNOUNCEMENT + " (the schedule's steps were not found published)",
        to_confirm=True,
    ),
    previous_law=PensionRules(
        minimum_months=Figure(120, GOSI_ANNUITY_FAQ),
        early_months=Figure(300, GOSI_ANNUITY_FAQ),
        early_age_years=Figure(None, GOSI_ANNUITY_FAQ),
        accrual_rate=Figure(Decimal("0.025"), GOSI_ANNUITY_FAQ),
        average_months=Figure(24, GOSI_ANNUITY_FAQ),
        maximum_share=Figure(Decimal("1"), GOSI_ANNUITY_FAQ),
        minimum_pension=Figure(Decimal("1983.75"), "GOSI annuity FAQ (minimum)"),
    ),
    law_2024=PensionRules(
        minimum_months=Figure(120, GOSI_ANNUITY_FAQ),
        early_months=Figure(360, LAW_2024_SOURCES),
        early_age_years=Figure(55, LAW_2024_SOURCES),
        accrual_rate=Figure(Decimal("0.0225"), LAW_2024_SOURCES),
        # One source says the best 180 months.
        average_months=Figure(24, LAW_2024_SOURCES, to_confirm=True),
        maximum_share=Figure(Decimal("1"), LAW_2024_SOURCES),
        # The previous law's minimum, kept until the 2024 law's is published.
        minimum_pension=Figure(Decimal("1983.75"), "GOSI annuity FAQ (previous law)", to_confirm=True),
    ),
    saned=SanedRules(
        age_limit_years=Figure(60, SANED_PAGE),
        claim_tiers=Figure(
            (ClaimTier(12, 36), ClaimTier(18, 36), ClaimTier(24, 36), ClaimTier(36, 48)), SANED_OKAZ
        ),
        average_months=Figure(24, SAUDIPEDIA_SANED),
        first_months=Figure(3, SAUDIPEDIA_SANED),
        first_share=Figure(Decimal("0.60"), SAUDIPEDIA_SANED),
        first_cap=Figure(Decimal("9000.00"), SAUDIPEDIA_SANED),
        later_share=Figure(Decimal("0.50"), SAUDIPEDIA_SANED),
        later_cap=Figure(Decimal("7500.00"), SAUDIPEDIA_SANED),
        duration_months=Figure(12, SAUDIPEDIA_SANED),
    ),
    disability=DisabilityRules(
        consecutive_months=Figure(12, SSA_PROGRAMS, to_confirm=True),
        total_months=Figure(18, SSA_PROGRAMS, to_confirm=True),
    ),
)

# Oldest first. A published change is a new RulesVersion appended here.
VERSIONS: tuple[RulesVersion, ...] = (SA_2024_07,)


def rules_on(day: date) -> RulesVersion:
    """The version in force on `day` (the first one for days before every version)."""
    in_force = [version for version in VERSIONS if version.effective_from <= day]
    return in_force[-1] if in_force else VERSIONS[0]


def figures_to_confirm(version: RulesVersion) -> list[str]:
    """Dotted names of the version's figures that await the agency's confirmation."""
    found: list[str] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, Figure):
            if value.to_confirm:
                found.append(path)
            return
        for name in getattr(value, "__dataclass_fields__", {}):
            walk(getattr(value, name), f"{path}.{name}" if path else name)

    walk(version, "")
    return found
