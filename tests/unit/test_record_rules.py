"""The insurance record's rules (RULES.md) as pure functions: every worked example and boundary."""

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest

from models.enums import Language, Residency, ServiceType
from resolvers.platform.errors import ErrorCollector
from resolvers.record.counting import (
    Period,
    Wage,
    average_wage,
    birthday,
    contribution_months,
    first_day,
    monthly_wages,
    round_money,
    today_in_riyadh,
)
from resolvers.record.eligibility import MemberFacts, check
from resolvers.record.estimates import pension_estimate, unemployment_benefit_estimate
from resolvers.record.hijri import (
    HijriDay,
    InvalidHijriDate,
    date_of_birth_given,
    formatted,
    hijri_age,
    hijri_birthday,
    to_gregorian,
    to_hijri,
)
from resolvers.record.regime import Regime, regime_of
from resolvers.record.rules import SA_2024_07, VERSIONS, figures_to_confirm, rules_on

ALL = frozenset({"ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"})
D = date.fromisoformat


def period(start: str, end: str | None = None, *, basic: str = "8000", housing: str = "2000",
           branches: frozenset[str] = ALL, wages: tuple[Wage, ...] = ()) -> Period:
    return Period(
        start=D(start), end=D(end) if end else None, branches=branches,
        wages=wages or (Wage(D(start), Decimal(basic), Decimal(housing)),),
        employer_name_ar="شركة", employer_name_en="Company",
    )


def wage(effective_from: str, basic: str) -> Wage:
    return Wage(D(effective_from), Decimal(basic), Decimal(0))


def months(*periods: Period, until: str = "2030-01-01") -> list[str]:
    found = contribution_months(periods, branch="ANNUITIES", until=D(until))
    return [first_day(m).isoformat()[:7] for m in sorted(found)]


@pytest.mark.parametrize(
    ("start", "end", "first", "last"),
    [
        ("2001-03-01", "2001-06-30", "2001-03", "2001-06"),  # from the first: March counts
        ("2001-03-15", "2001-06-30", "2001-04", "2001-06"),  # from the 15th: April first
        ("2025-11-01", "2026-02-28", "2025-11", "2026-02"),  # ending on the 28th: February counts
        ("2025-11-01", "2026-03-01", "2025-11", "2026-03"),  # ending on the 1st: that month counts
    ],
)
def test_a_month_counts_when_the_engagement_covers_its_first_day(start, end, first, last):
    counted = months(period(start, end))
    assert (counted[0], counted[-1]) == (first, last)


def test_an_engagement_within_one_month_after_its_first_day_counts_nothing():
    assert months(period("2001-03-02", "2001-03-31")) == []


def test_a_month_covered_by_two_employers_counts_once():
    counted = months(period("2020-01-01", "2020-06-30"), period("2020-06-01", "2020-12-31"))
    assert len(counted) == 12


def test_an_open_engagement_counts_up_to_the_day_given():
    assert len(months(period("2020-01-01"), until="2020-12-31")) == 12
    assert len(months(period("2020-01-01"), until="2021-01-01")) == 13


@pytest.mark.parametrize(
    ("basic", "housing", "contributory"),
    [
        ("1000", "400", "1500.00"),  # under the floor
        ("1200", "300", "1500.00"),  # on the floor
        ("1200", "301", "1501.00"),
        ("40000", "5000", "45000.00"),  # on the ceiling
        ("40000", "5001", "45000.00"),  # over the ceiling
        ("8000", "2000", "10000.00"),
    ],
)
def test_the_contributory_wage_is_held_between_floor_and_ceiling(basic, housing, contributory):
    wages = monthly_wages([period("2024-01-01", "2024-01-31", basic=basic, housing=housing)],
                          branch="ANNUITIES", until=D("2030-01-01"), rules=SA_2024_07)
    assert [round_money(w) for w in wages.values()] == [Decimal(contributory)]


@pytest.mark.parametrize(
    ("first", "second", "sum_"),
    [
        ("10000", "12000", "22000.00"),
        ("30000", "30000", "45000.00"),  # two wages added, the sum held under the ceiling
        ("1000", "1000", "3000.00"),  # each held over the floor first
    ],
)
def test_two_employers_in_one_month_add_their_wages(first, second, sum_):
    periods = [period("2024-01-01", "2024-01-31", basic=first, housing="0"),
               period("2024-01-01", "2024-01-31", basic=second, housing="0")]
    wages = monthly_wages(periods, branch="ANNUITIES", until=D("2030-01-01"), rules=SA_2024_07)
    assert wages == {2024 * 12: Decimal(sum_)}


def test_the_wage_of_a_month_is_the_one_registered_on_its_first_day():
    raised = (wage("2024-01-01", "5000"), wage("2024-03-02", "7000"))
    wages = monthly_wages([period("2024-01-01", "2024-04-30", wages=raised)], branch="ANNUITIES",
                          until=D("2030-01-01"), rules=SA_2024_07)
    assert [wages[2024 * 12 + m] for m in range(4)] == [Decimal(5000)] * 3 + [Decimal(7000)]


def test_the_average_is_over_the_months_before_the_dates_month_and_fewer_when_fewer():
    raised = (wage("2024-01-01", "1000"), wage("2024-03-01", "9000"))
    wages = monthly_wages([period("2024-01-01", "2024-12-31", wages=raised)], branch="ANNUITIES",
                          until=D("2030-01-01"), rules=SA_2024_07)
    # Before 2024-04-10: January (1,500 on the floor), February (1,500), March (9,000).
    assert round_money(average_wage(wages, before=D("2024-04-10"), months=24)) == Decimal("4000.00")
    assert round_money(average_wage(wages, before=D("2024-04-10"), months=2)) == Decimal("5250.00")
    assert average_wage(wages, before=D("2024-01-31"), months=24) == Decimal(0)


def test_money_is_rounded_half_up():
    assert round_money(Decimal("1000.005")) == Decimal("1000.01")
    assert round_money(Decimal("1000.004999")) == Decimal("1000.00")


def test_today_is_the_date_in_riyadh():
    from datetime import datetime
    assert today_in_riyadh(datetime(2026, 1, 31, 21, 0, tzinfo=UTC)) == D("2026-02-01")
    assert today_in_riyadh(datetime(2026, 1, 31, 20, 59, tzinfo=UTC)) == D("2026-01-31")


@pytest.mark.parametrize(
    ("born", "years", "months", "on"),
    [("1970-05-20", 65, 0, "2035-05-20"), ("1960-02-29", 65, 0, "2025-03-01"), ("1970-01-31", 58, 1, "2028-03-01")],
)
def test_a_gregorian_birthday(born, years, months, on):
    assert birthday(D(born), years=years, months=months) == D(on)


# ---------------------------------------------------------------- Hijri


@pytest.mark.parametrize(
    ("gregorian", "hijri", "arabic", "english"),
    [
        ("1984-12-04", (1405, 3, 12), "12 ربيع الأول 1405 هـ", "12 Rabi' al-Awwal 1405 AH"),
        ("2024-07-07", (1446, 1, 1), "1 محرم 1446 هـ", "1 Muharram 1446 AH"),
    ],
)
def test_gregorian_and_hijri_dates_convert_both_ways_and_read_in_both_languages(gregorian, hijri, arabic, english):
    day = to_hijri(D(gregorian))
    assert (day.year, day.month, day.day) == hijri
    assert to_gregorian(year=hijri[0], month=hijri[1], day=hijri[2]) == D(gregorian)
    assert formatted(day, Language.AR) == arabic
    assert formatted(day, Language.EN) == english


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(1445, 1, 30), (1405, 13, 1), (1405, 0, 1), (1405, 1, 0), (1342, 12, 29), (1501, 1, 1)],
)
def test_a_hijri_day_that_does_not_exist_or_is_out_of_range_is_invalid(year, month, day):
    with pytest.raises(InvalidHijriDate):
        to_gregorian(year=year, month=month, day=day)


def test_a_gregorian_date_outside_the_tables_is_invalid():
    with pytest.raises(InvalidHijriDate):
        to_hijri(D("1900-01-01"))


@pytest.mark.parametrize(
    ("born", "sixtieth"),
    [
        ("1965-05-01", "2023-07-19"),  # 1 Muharram 1385 -> 1 Muharram 1445
        ("1965-05-30", "2023-08-16"),  # 30 Muharram 1385 -> Muharram 1445 has 29 days: its last day
    ],
)
def test_the_60th_hijri_birthday(born, sixtieth):
    assert hijri_birthday(D(born), 60) == D(sixtieth)
    assert hijri_age(D(born), D(sixtieth)) == 60
    assert hijri_age(D(born), D(sixtieth) - timedelta(days=1)) == 59


# ---------------------------------------------------------------- regime

CUTOFF = "2024-07-03"


@pytest.mark.parametrize(
    ("born", "periods", "regime", "retirement"),
    [
        # 50 Hijri years on 2024-07-03 = 27 Dhu al-Hijjah 1445 (born 27/12/1395 = 1975-12-30).
        ("1975-12-30", [period("2020-01-01")], Regime.PREVIOUS_LAW, hijri_birthday(D("1975-12-30"), 60)),
        # A day younger, and few months: the transition (48 Gregorian years on the cut-off: 58).
        ("1975-12-31", [period("2020-01-01")], Regime.TRANSITIONAL, D("2033-12-31")),
        # 240 months on the cut-off, however young: the previous law.
        ("1985-01-01", [period("2004-08-01")], Regime.PREVIOUS_LAW, hijri_birthday(D("1985-01-01"), 60)),
        ("1985-01-01", [period("2004-09-01")], Regime.TRANSITIONAL, D("2050-01-01")),  # 239; 39 on the cut-off: 65
        ("1980-01-01", [period("2010-01-01")], Regime.TRANSITIONAL, D("2042-01-01")),  # 44 on the cut-off: 62
        ("1980-01-01", [period("2024-07-03")], Regime.LAW_2024, D("2045-01-01")),  # first month August 2024
        ("1980-01-01", [period("2024-07-01")], Regime.TRANSITIONAL, D("2042-01-01")),  # July 2024 counts
        ("1980-01-01", [], Regime.LAW_2024, D("2045-01-01")),
    ],
)
def test_the_regime_and_the_retirement_date(born, periods, regime, retirement):
    facts = regime_of(born=D(born), periods=periods, rules=SA_2024_07)
    assert (facts.regime, facts.retirement_date) == (regime, retirement)


# ---------------------------------------------------------------- eligibility

BORN_1385 = "1965-05-01"  # 1 Muharram 1385: 60 Hijri years on 2023-07-19


def facts(*periods: Period, born: str = BORN_1385, residency: Residency = Residency.CITIZEN) -> MemberFacts:
    return MemberFacts(born=D(born), residency=residency, periods=tuple(periods))


def outcome(service: ServiceType, member: MemberFacts, on: str) -> tuple[bool, dict[str, bool]]:
    result = check(service=service, facts=member, on=D(on))
    return result.eligible, {c.rule: c.met for c in result.conditions}


@pytest.mark.parametrize(
    ("start", "on", "eligible", "months_met"),
    [
        ("2013-08-01", "2023-07-19", True, True),  # 120 months on the 60th Hijri birthday
        ("2013-09-01", "2023-07-19", False, False),  # 119
        ("2013-08-01", "2023-07-18", False, True),  # 120 months, the day before the birthday
    ],
)
def test_retirement_needs_the_age_and_120_months(start, on, eligible, months_met):
    member = facts(period(start, "2023-07-31"))
    assert outcome(ServiceType.RETIREMENT_PENSION, member, on) == (
        eligible, {"RETIREMENT_AGE": on >= "2023-07-19", "MINIMUM_CONTRIBUTION_MONTHS": months_met,
                   "EARLY_RETIREMENT_MONTHS": False},
    )


@pytest.mark.parametrize(("start", "eligible"), [("1998-01-01", True), ("1998-02-01", False)])
def test_early_retirement_under_the_previous_law_after_300_months_at_any_age(start, eligible):
    member = facts(period(start, "2022-12-31"), born="1975-01-01")  # 300 / 299 months to the end of 2022
    assert outcome(ServiceType.RETIREMENT_PENSION, member, "2023-01-10")[0] is eligible


@pytest.mark.parametrize(
    ("born", "start", "on", "eligible"),
    [
        ("1999-08-01", "2024-08-01", "2054-08-01", True),  # 2024 law: 360 months and 55 years
        ("1999-08-02", "2024-08-01", "2054-08-01", False),  # 360 months at 54
        ("1990-01-01", "2024-09-01", "2054-08-01", False),  # 359 months at 64
    ],
)
def test_early_retirement_under_the_2024_law_needs_360_months_and_55_years(born, start, on, eligible):
    member = facts(period(start, "2054-07-31"), born=born)
    result = check(service=ServiceType.RETIREMENT_PENSION, facts=member, on=D(on))
    assert {c.rule: c.met for c in result.conditions}["EARLY_RETIREMENT_MONTHS"] is eligible


def test_conditions_are_described_with_the_members_own_figures_in_both_languages():
    member = facts(period("2015-08-01", "2023-07-31"))  # 96 months
    result = check(service=ServiceType.RETIREMENT_PENSION, facts=member, on=D("2023-08-01"))
    months_condition = result.conditions[1]
    assert months_condition.describe(Language.EN) == "At least 120 contribution months; you have 96."
    assert months_condition.describe(Language.AR) == "120 شهر اشتراك على الأقل؛ لديك 96."
    assert result.conditions[0].describe(Language.EN) == (
        "At least 60 Hijri years old; you reach that age on 2023-07-19."
    )


SANED_MEMBER = period("2023-01-01", "2025-12-31")  # 36 months at SAR 10,000


@pytest.mark.parametrize(
    ("member", "last_day", "eligible", "unmet"),
    [
        (facts(SANED_MEMBER, born="1990-01-01"), "2025-12-31", True, []),
        (facts(SANED_MEMBER, born="1990-01-01", residency=Residency.RESIDENT), "2025-12-31", False, ["CITIZENSHIP"]),
        (facts(SANED_MEMBER, born="1965-12-31"), "2025-12-31", False, ["AGE_LIMIT"]),  # 60 on the day
        (facts(SANED_MEMBER, born="1966-01-01"), "2025-12-31", True, []),  # 59
        (facts(SANED_MEMBER, born="1990-01-01"), "2025-11-30", False, ["NOT_EMPLOYED"]),
        # 12 UNEMPLOYMENT months in the 36 before: the boundary.
        (facts(period("2025-01-01", "2025-12-31"), born="1990-01-01"), "2026-01-05", True, []),
        (facts(period("2025-02-01", "2025-12-31"), born="1990-01-01"), "2026-01-05", False,
         ["RECENT_UNEMPLOYMENT_MONTHS"]),
        (facts(period("2025-01-01", "2025-12-31", branches=frozenset({"ANNUITIES"})), born="1990-01-01"),
         "2026-01-05", False, ["RECENT_UNEMPLOYMENT_MONTHS"]),
    ],
)
def test_saned_conditions(member, last_day, eligible, unmet):
    result = check(service=ServiceType.UNEMPLOYMENT_BENEFIT, facts=member, on=D(last_day))
    assert (result.eligible, [c.rule for c in result.unmet()]) == (eligible, unmet)


def test_a_later_saned_claim_needs_more_recent_months():
    member = MemberFacts(born=D("1990-01-01"), residency=Residency.CITIZEN,
                         periods=(period("2025-01-01", "2025-12-31"),), previous_claims=1)
    result = check(service=ServiceType.UNEMPLOYMENT_BENEFIT, facts=member, on=D("2026-01-05"))
    assert [c.describe(Language.EN) for c in result.unmet()] == [
        "At least 18 unemployment insurance months in the 36 months before 2026-01-05; you have 12."
    ]


@pytest.mark.parametrize(
    ("branches", "injury", "eligible"),
    [
        (ALL, "2025-06-10", True),
        (ALL, "2026-01-01", False),  # after the engagement ended
        (frozenset({"ANNUITIES"}), "2025-06-10", False),  # not insured against hazards
    ],
)
def test_a_work_injury_needs_hazards_cover_on_the_day(branches, injury, eligible):
    member = facts(period("2025-01-15", "2025-12-31", branches=branches))
    assert outcome(ServiceType.WORK_INJURY, member, injury)[0] is eligible


@pytest.mark.parametrize(
    ("periods", "on", "eligible"),
    [
        ([period("2024-01-01", "2024-12-31")], "2025-01-01", True),  # 12 consecutive
        ([period("2024-02-01", "2024-12-31")], "2025-01-01", False),  # 11
        ([period("2020-01-01", "2020-08-31"), period("2022-01-01", "2022-10-31")], "2025-01-01", True),  # 18
        ([period("2020-01-01", "2020-08-31"), period("2022-01-01", "2022-09-30")], "2025-01-01", False),  # 17
    ],
)
def test_a_disability_pension_needs_12_consecutive_or_18_months_and_to_be_under_the_age(periods, on, eligible):
    assert outcome(ServiceType.DISABILITY_PENSION, facts(*periods, born="1980-01-01"), on)[0] is eligible


def test_no_disability_pension_past_the_retirement_age():
    member = facts(period("2000-01-01", "2024-12-31"))
    assert outcome(ServiceType.DISABILITY_PENSION, member, "2023-07-18") == (
        True, {"MINIMUM_CONTRIBUTION_MONTHS": True, "AGE_LIMIT": True})
    assert outcome(ServiceType.DISABILITY_PENSION, member, "2023-07-19") == (
        False, {"MINIMUM_CONTRIBUTION_MONTHS": True, "AGE_LIMIT": False})


@pytest.mark.parametrize("service", [ServiceType.HEALTH_INSURANCE, ServiceType.PHYSIOTHERAPY])
def test_services_without_rules_are_open_to_everyone(service):
    assert outcome(service, facts(), "2026-01-01") == (True, {})


# ---------------------------------------------------------------- estimates


def test_the_pension_worked_example():
    """Previous law, 300 months at SAR 10,000: 10,000 x 0.025 x 25 = 6,250.00 a month."""
    member = facts(period("2000-01-01", "2024-12-31"), born="1960-01-01")
    estimate = pension_estimate(facts=member, today=D("2026-01-01"), retirement_date=D("2025-01-01"),
                                assume_continued=True)
    assert (estimate.eligible, estimate.contribution_months, estimate.average_monthly_wage,
            estimate.accrual_rate, estimate.monthly_pension, estimate.rules_version) == (
        True, 300, Decimal("10000.00"), Decimal("0.025"), Decimal("6250.00"), "SA-2024-07")


@pytest.mark.parametrize(
    ("start", "basic", "pension"),
    [
        ("1960-01-01", "10000", "10000.00"),  # 780 months: held at 100% of the average
        ("2000-01-01", "1500", "1983.75"),  # 300 months at the floor: 937.50, raised to the minimum
        ("2000-01-01", "3333.33", "2083.33"),  # 2,083.33125 rounded once, at the end
    ],
)
def test_the_pension_is_held_between_the_minimum_and_the_average(start, basic, pension):
    member = facts(period(start, "2024-12-31", basic=basic, housing="0"), born="1940-01-01")
    estimate = pension_estimate(facts=member, today=D("2026-01-01"), retirement_date=D("2025-01-01"),
                                assume_continued=True)
    assert estimate.monthly_pension == Decimal(pension)


def test_an_estimate_assumes_open_engagements_go_on_unless_told_not_to():
    member = facts(period("2015-01-01"), born="1970-01-01")
    on = dict(facts=member, today=D("2026-01-15"), retirement_date=D("2030-01-15"))
    going_on = pension_estimate(**on, assume_continued=True)
    assert (going_on.contribution_months, going_on.monthly_pension) == (181, Decimal("3770.83"))
    stopped = pension_estimate(**on, assume_continued=False)
    assert (stopped.contribution_months, stopped.monthly_pension) == (133, Decimal("2770.83"))


def test_an_ineligible_pension_estimate_has_no_amount():
    estimate = pension_estimate(facts=facts(period("2020-01-01", "2024-12-31")), today=D("2026-01-01"),
                                retirement_date=None, assume_continued=True)
    assert (estimate.retirement_date, estimate.eligible, estimate.monthly_pension) == (D("2023-07-19"), False, None)


def test_the_saned_worked_example():
    """36 months at SAR 10,000, work ended, first claim: 6,000.00 for three months, then 5,000.00, 12 months."""
    estimate = unemployment_benefit_estimate(facts=facts(SANED_MEMBER, born="1990-01-01"),
                                             last_working_day=D("2025-12-31"))
    assert (estimate.eligible, estimate.average_monthly_wage, estimate.first_months_amount,
            estimate.later_months_amount, estimate.months) == (
        True, Decimal("10000.00"), Decimal("6000.00"), Decimal("5000.00"), 12)


def test_saned_is_capped():
    member = facts(period("2023-01-01", "2025-12-31", basic="40000", housing="5000"), born="1990-01-01")
    estimate = unemployment_benefit_estimate(facts=member, last_working_day=D("2025-12-31"))
    assert (estimate.first_months_amount, estimate.later_months_amount) == (Decimal("9000.00"), Decimal("7500.00"))


# ---------------------------------------------------------------- the table


def test_the_table_names_its_versions_and_the_figures_to_confirm():
    assert rules_on(D("2026-01-01")) is VERSIONS[-1]
    assert figures_to_confirm(SA_2024_07) == [
        "transitional_schedule",
        "law_2024.average_months",
        "law_2024.minimum_pension",
        "disability.consecutive_months",
        "disability.total_months",
    ]


@pytest.mark.parametrize(
    ("gregorian", "hijri", "required", "result", "problems"),
    [
        (None, HijriDay(1405, 3, 12), True, D("1984-12-04"), []),
        (D("1984-12-04"), None, True, D("1984-12-04"), []),
        (None, None, False, None, []),
        (None, None, True, None, [("date_of_birth", "REQUIRED")]),
        (D("1984-12-04"), HijriDay(1405, 3, 12), True, None, [("date_of_birth_hijri", "INVALID")]),
        (None, HijriDay(1445, 1, 30), True, None, [("date_of_birth_hijri", "INVALID")]),
        (None, HijriDay(1300, 1, 1), True, None, [("date_of_birth_hijri", "INVALID")]),
    ],
)
def test_a_date_of_birth_in_one_calendar_or_the_other(gregorian, hijri, required, result, problems):
    errors = ErrorCollector()
    assert date_of_birth_given(errors, prefix="", gregorian=gregorian, hijri=hijri, required=required) == result
    assert [(e.field, e.code.value) for e in errors.errors] == problems
