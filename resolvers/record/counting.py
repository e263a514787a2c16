"""Counting contribution months and wages (RULES.md, "Counting"). Pure functions over plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from resolvers.record.rules import RulesVersion

RIYADH = ZoneInfo("Asia/Riyadh")
CENT = Decimal("0.01")



class InsuranceBranch(StrEnum):
    ANNUITIES = "ANNUITIES"
    OCCUPATIONAL_HAZARDS = "OCCUPATIONAL_HAZARDS"
    UNEMPLOYMENT = "UNEMPLOYMENT"


ANNUITIES = InsuranceBranch.ANNUITIES
OCCUPATIONAL_HAZARDS = InsuranceBranch.OCCUPATIONAL_HAZARDS
UNEMPLOYMENT = InsuranceBranch.UNEMPLOYMENT


@dataclass(frozen=True)
class Wage:
    effective_from: date
    basic: Decimal
    housing: Decimal


@dataclass(frozen=True)
class Period:
    """One engagement, as counting needs it."""

    start: date
    end: date | None
    branches: frozenset[str]
    # Oldest first; never empty.
    wages: tuple[Wage, ...]
    employer_name_ar: str = ""
    employer_name_en: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def today_in_riyadh(now: datetime) -> date:
    return now.astimezone(RIYADH).date()


def round_money(amount: Decimal) -> Decimal:
    """Half up to two places: done once, at the end of a computation."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def month_of(day: date) -> int:
    """A calendar month as one number, so that consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def covered_months(period: Period, *, until: date) -> range:
    """The months whose first day the engagement covers, up to `until` (open engagements are
    assumed to go on until then)."""
    first = month_of(period.start) + (0 if period.start.day == 1 else 1)
    last_day = until if period.end is None else min(period.end, until)
    return range(first, month_of(last_day) + 1)


def contribution_months(periods: Iterable[Period], *, branch: str, until: date) -> set[int]:
    """Months with `branch` contributions; a month covered by two employers is one month."""
    months: set[int] = set()
    for period in periods:
        if branch in period.branches:
            months.update(covered_months(period, until=until))
    return months


def wage_on(period: Period, day: date) -> Wage:
    """The wage registered on `day` (the first one for days before it)."""
    registered = [wage for wage in period.wages if wage.effective_from <= day]
    return registered[-1] if registered else period.wages[0]


def contributory(wage: Wage, rules: RulesVersion) -> Decimal:
    """Basic plus housing, held between the floor and the ceiling."""
    return min(max(wage.basic + wage.housing, rules.wage_floor.value), rules.wage_ceiling.value)


def monthly_wages(
    periods: Iterable[Period], *, branch: str, until: date, rules: RulesVersion
) -> dict[int, Decimal]:
    """Each contribution month's contributory wage, two employers' added and held under the ceiling."""
    wages: dict[int, Decimal] = {}
    for period in periods:
        if branch not in period.branches:
            continue
        for month in covered_months(period, until=until):
            wage = contributory(wage_on(period, first_day(month)), rules)
            wages[month] = wages.get(month, Decimal(0)) + wage
    return {month: min(wage, rules.wage_ceiling.value) for month, wage in wages.items()}


def average_wage(wages: dict[int, Decimal], *, before: date, months: int) -> Decimal:
    """The average of the last `months` contribution months before `before`'s month (fewer when
    there are fewer; zero when none). Not rounded: the caller rounds its result once."""
    earlier = sorted((month for month in wages if month < month_of(before)), reverse=True)[:months]
    if not earlier:
        return Decimal(0)
    return sum((wages[month] for month in earlier), Decimal(0)) / len(earlier)


def months_in_window(months: set[int], *, before: date, window: int) -> int:
    """How many of `months` fall in the `window` calendar months before `before`'s month."""
    end = month_of(before)
    return sum(1 for month in months if end - window <= month < end)


def longest_run(months: Iterable[int]) -> int:
    """The most consecutive months."""
    ordered = sorted(set(months))
    best = run = 0
    for index, month in enumerate(ordered):
        run = run + 1 if index and month == ordered[index - 1] + 1 else 1
        best = max(best, run)
    return best


def age(born: date, on: date) -> int:
    """Whole Gregorian years (someone born on 29 February is a year older on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birthday(born: date, *, years: int, months: int = 0) -> date:
    """The day someone born on `born` is `years` years and `months` months old: as `age`
    counts, a day the month lacks falls on the next month's first day."""
    month = month_of(born) + years * 12 + months
    start = first_day(month)
    try:
        return start.replace(day=born.day)
    except ValueError:
        return first_day(month + 1)
