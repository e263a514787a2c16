"""The insurance record through HTTP: what members read of their contributions, what they qualify
for and what they would receive (shared/contract/RULES.md), and who else may read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from resolvers.record.counting import today_in_riyadh
from tests.record_support import engagement
from tests.support import Person, gql, new_person, signed_in_staff, signed_up
from tests.test_request_lists import statements

RECORD = """
query Record($first: Int, $after: String) {
  me {
    insuranceRecord {
      contributionMonths unemploymentMonthsLast36 regime statutoryRetirementDate updatedAt
      currentEmployer { registrationNumber name }
      periods(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id startDate endDate occupation branches months
          employer { registrationNumber name }
          currentWage { effectiveFrom basicWage { amount currency } housingAllowance { amount }
                        contributoryWage { amount } }
          wageHistory { effectiveFrom basicWage { amount } housingAllowance { amount }
                        contributoryWage { amount } }
        } }
      }
    }
  }
}
"""

ELIGIBILITY = """
query Eligibility($service: ServiceType!, $on: Date) {
  me { eligibility(service: $service, on: $on) { service on eligible conditions { rule met description } } }
}
"""

PENSION = """
query Pension($retirementDate: Date, $assume: Boolean) {
  me { pensionEstimate(retirementDate: $retirementDate, assumeContinuedContributions: $assume) {
    retirementDate age eligible contributionMonths averageMonthlyWage { amount currency }
    accrualRate monthlyPension { amount currency } rulesVersion
    conditions { rule met description }
  } }
}
"""

SANED = """
query Saned($lastWorkingDay: Date) {
  me { unemploymentBenefitEstimate(lastWorkingDay: $lastWorkingDay) {
    lastWorkingDay eligible averageMonthlyWage { amount } firstMonthsAmount { amount }
    laterMonthsAmount { amount } months rulesVersion conditions { rule met description }
  } }
}
"""

HIJRI = "query { me { dateOfBirth dateOfBirthHijri { year month day formatted } } }"


async def member_born(client, inbox, born: str) -> Person:
    person = new_person()
    person.date_of_birth = born
    return await signed_up(client, inbox, person)


async def ask(client, person: Person, query: str, language: str = "en", **variables: Any) -> dict[str, Any]:
    result = await gql(client, query, variables, token=person.access_token, language=language)
    assert "errors" not in result, result
    return result["data"]["me"]


async def record(client, person: Person, **variables: Any) -> dict[str, Any]:
    return (await ask(client, person, RECORD, **variables))["insuranceRecord"]


async def test_a_member_reads_their_record_newest_first_with_wages_and_totals(client, inbox):
    sara = await signed_up(client, inbox)
    await engagement(sara.national_id, "2010-03-15", "2015-12-31", employer_en="Gulf Builders",
                     employer_ar="بناة الخليج", registration_number="7000000001",
                     wages=[{"from": "2010-03-15", "basic": "1000.00", "housing": "200.00"},
                            {"from": "2012-01-01", "basic": "6000.00", "housing": "1500.00"}])
    # Overlaps the first by three months (October to December 2015): each counted once.
    await engagement(sara.national_id, "2015-10-01", "2020-09-30", basic="50000.00", housing="5000.00",
                     branches=["ANNUITIES", "OCCUPATIONAL_HAZARDS"], occupation=None,
                     imported_at=dt.datetime(2026, 2, 1, 9, 30, tzinfo=dt.UTC))

    held = await record(client, sara)

    # April 2010 (started on the 15th) to December 2015: 69 months; then to September 2020: 57 more.
    assert held["contributionMonths"] == 69 + 57
    assert held["unemploymentMonthsLast36"] == 0
    assert held["regime"] == "TRANSITIONAL"
    assert held["statutoryRetirementDate"] == "2053-04-12"  # 36 on 2024-07-03: 65 years
    assert held["currentEmployer"] is None
    assert held["updatedAt"].startswith("2026-02-01T09:30:00")
    periods = [edge["node"] for edge in held["periods"]["edges"]]
    assert held["periods"]["totalCount"] == 2
    assert [(p["startDate"], p["endDate"], p["months"]) for p in periods] == [
        ("2015-10-01", "2020-09-30", 60), ("2010-03-15", "2015-12-31", 69)]
    newer, older = periods
    assert newer["employer"] == {"registrationNumber": "7001234567", "name": "Al Noor Trading Company"}
    assert newer["branches"] == ["ANNUITIES", "OCCUPATIONAL_HAZARDS"]
    assert newer["occupation"] is None
    # Over the ceiling: held at 45,000.
    assert newer["currentWage"]["basicWage"] == {"amount": "50000.00", "currency": "SAR"}
    assert newer["currentWage"]["contributoryWage"] == {"amount": "45000.00"}
    assert older["occupation"] == "Accountant"
    assert [(w["effectiveFrom"], w["basicWage"]["amount"], w["contributoryWage"]["amount"])
            for w in older["wageHistory"]] == [("2010-03-15", "1000.00", "1500.00"),  # under the floor
                                                ("2012-01-01", "6000.00", "7500.00")]
    assert older["currentWage"]["effectiveFrom"] == "2012-01-01"


async def test_an_open_engagement_makes_the_current_employer_and_counts_to_today(client, inbox):
    omar = await signed_up(client, inbox)
    await engagement(omar.national_id, "2025-01-01", employer_en="Small Shop", employer_ar="متجر صغير",
                     basic="3000.00", housing="0.00", registration_number="7000000002")
    await engagement(omar.national_id, "2025-06-01", employer_en="Big Bank", employer_ar="البنك الكبير",
                     basic="20000.00", housing="5000.00", registration_number="7000000003")
    held = await record(client, omar)
    today = today_in_riyadh(dt.datetime.now(dt.UTC))
    months_since_2025 = (today.year - 2025) * 12 + today.month
    assert held["contributionMonths"] == months_since_2025
    assert held["currentEmployer"] == {"registrationNumber": "7000000003", "name": "Big Bank"}
    arabic = (await ask(client, omar, RECORD, language="ar"))["insuranceRecord"]
    assert arabic["currentEmployer"]["name"] == "البنك الكبير"
    assert arabic["periods"]["edges"][0]["node"]["endDate"] is None


async def test_an_empty_record(client, inbox):
    held = await record(client, await signed_up(client, inbox))
    assert (held["contributionMonths"], held["regime"], held["updatedAt"], held["periods"]["totalCount"]) == (
        0, "LAW_2024", None, 0)
    assert held["statutoryRetirementDate"] == "2053-04-12"  # born 1988-04-12: 65 years


async def test_periods_are_paged(client, inbox):
    sara = await signed_up(client, inbox)
    for year in range(2001, 2006):
        await engagement(sara.national_id, f"{year}-01-01", f"{year}-12-31")
    first = (await record(client, sara, first=2))["periods"]
    assert [e["node"]["startDate"] for e in first["edges"]] == ["2005-01-01", "2004-01-01"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await record(client, sara, first=10, after=first["pageInfo"]["endCursor"]))["periods"]
    assert [e["node"]["startDate"] for e in rest["edges"]] == ["2003-01-01", "2002-01-01", "2001-01-01"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_the_pension_worked_example(client, inbox):
    """Previous law, 300 months at SAR 10,000: 10,000 x 0.025 x 25 = SAR 6,250.00 a month."""
    person = await member_born(client, inbox, "1960-01-01")
    await engagement(person.national_id, "2000-01-01", "2024-12-31")
    estimate = (await ask(client, person, PENSION, retirementDate="2025-01-01"))["pensionEstimate"]
    assert estimate == {
        "retirementDate": "2025-01-01", "age": 65, "eligible": True, "contributionMonths": 300,
        "averageMonthlyWage": {"amount": "10000.00", "currency": "SAR"}, "accrualRate": "0.025",
        "monthlyPension": {"amount": "6250.00", "currency": "SAR"}, "rulesVersion": "SA-2024-07",
        "conditions": [
            {"rule": "RETIREMENT_AGE", "met": True,
             "description": "At least 60 Hijri years old; you reach that age on 2018-03-19."},
            {"rule": "MINIMUM_CONTRIBUTION_MONTHS", "met": True,
             "description": "At least 120 contribution months; you have 300."},
            {"rule": "EARLY_RETIREMENT_MONTHS", "met": True,
             "description": "At least 300 contribution months, at any age; you have 300."},
        ],
    }


async def test_a_pension_estimate_by_default_is_for_the_statutory_date_with_contributions_going_on(
    client, inbox
):
    person = await member_born(client, inbox, "1970-01-01")
    await engagement(person.national_id, "2015-01-01")
    going_on = (await ask(client, person, PENSION))["pensionEstimate"]
    # 60 Hijri years (1389-10-23 + 60): the previous law, 56 Hijri years old on the cut-off.
    assert going_on["retirementDate"] == "2028-03-19"
    # January 2015 to March 2028 at 10,000: 10,000 x 0.025 x 159 / 12.
    assert (going_on["contributionMonths"], going_on["monthlyPension"]) == (159, {"amount": "3312.50",
                                                                                  "currency": "SAR"})
    stopped = (await ask(client, person, PENSION, assume=False))["pensionEstimate"]
    today = today_in_riyadh(dt.datetime.now(dt.UTC))
    assert stopped["contributionMonths"] == min((today.year - 2015) * 12 + today.month, 159)


async def test_the_saned_worked_example(client, inbox):
    """36 months at SAR 10,000, work ended, first claim: SAR 6,000.00 for three months, then 5,000.00."""
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2023-01-01", "2025-12-31")
    estimate = (await ask(client, person, SANED, lastWorkingDay="2025-12-31"))["unemploymentBenefitEstimate"]
    assert {k: estimate[k] for k in ("eligible", "averageMonthlyWage", "firstMonthsAmount",
                                     "laterMonthsAmount", "months", "rulesVersion")} == {
        "eligible": True, "averageMonthlyWage": {"amount": "10000.00"},
        "firstMonthsAmount": {"amount": "6000.00"}, "laterMonthsAmount": {"amount": "5000.00"},
        "months": 12, "rulesVersion": "SA-2024-07"}
    still_working = (await ask(client, person, SANED, lastWorkingDay="2025-06-30"))["unemploymentBenefitEstimate"]
    assert (still_working["eligible"], still_working["firstMonthsAmount"], still_working["months"]) == (
        False, None, 0)
    assert [c["description"] for c in still_working["conditions"] if not c["met"]] == [
        "No employment goes on after 2025-06-30; you are still employed by Al Noor Trading Company."]


async def eligible(client, person: Person, service: str, on: str, language: str = "en") -> dict[str, Any]:
    return (await ask(client, person, ELIGIBILITY, language=language, service=service, on=on))["eligibility"]


@pytest.mark.parametrize(
    ("start", "on", "eligible_", "months_text"),
    [
        ("2013-08-01", "2023-07-19", True, "you have 120."),  # 120 months, on the 60th Hijri birthday
        ("2013-09-01", "2023-07-19", False, "you have 119."),  # 119
        ("2013-08-01", "2023-07-18", False, "you have 120."),  # the day before the birthday
    ],
)
async def test_retirement_boundaries_of_months_and_the_60th_hijri_birthday(
    client, inbox, start, on, eligible_, months_text
):
    person = await member_born(client, inbox, "1965-05-01")  # 1 Muharram 1385
    await engagement(person.national_id, start, "2023-07-31")
    checked = await eligible(client, person, "RETIREMENT_PENSION", on)
    assert (checked["service"], checked["on"], checked["eligible"]) == ("RETIREMENT_PENSION", on, eligible_)
    rules = {c["rule"]: c for c in checked["conditions"]}
    assert rules["RETIREMENT_AGE"]["met"] is (on == "2023-07-19")
    assert rules["MINIMUM_CONTRIBUTION_MONTHS"]["description"].endswith(months_text)


async def test_conditions_read_in_arabic(client, inbox):
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2018-01-01", "2025-12-31")
    checked = await eligible(client, person, "RETIREMENT_PENSION", "2026-01-10", language="ar")
    months = next(c for c in checked["conditions"] if c["rule"] == "MINIMUM_CONTRIBUTION_MONTHS")
    assert months["description"] == "120 شهر اشتراك على الأقل؛ لديك 96."


async def test_two_employers_in_one_month_count_once_and_their_wages_add_up_to_the_ceiling(client, inbox):
    person = await member_born(client, inbox, "1960-01-01")
    # Both over the whole of 2000-2024: 300 months, not 600; 30,000 + 30,000 held at 45,000.
    await engagement(person.national_id, "2000-01-01", "2024-12-31", basic="30000.00", housing="0.00")
    await engagement(person.national_id, "2000-01-01", "2024-12-31", basic="30000.00", housing="0.00",
                     branches=["ANNUITIES"])
    estimate = (await ask(client, person, PENSION, retirementDate="2025-01-01"))["pensionEstimate"]
    assert (estimate["contributionMonths"], estimate["averageMonthlyWage"]["amount"],
            estimate["monthlyPension"]["amount"]) == (300, "45000.00", "28125.00")
    assert (await record(client, person))["contributionMonths"] == 300


async def test_the_floor_wage_and_the_minimum_pension(client, inbox):
    person = await member_born(client, inbox, "1960-01-01")
    await engagement(person.national_id, "2000-01-01", "2024-12-31", basic="1000.00", housing="0.00")
    estimate = (await ask(client, person, PENSION, retirementDate="2025-01-01"))["pensionEstimate"]
    # 1,500 x 0.025 x 25 = 937.50, raised to the minimum pension.
    assert (estimate["averageMonthlyWage"]["amount"], estimate["monthlyPension"]["amount"]) == (
        "1500.00", "1983.75")


@pytest.mark.parametrize(
    ("service", "on", "eligible_", "conditions"),
    [
        ("WORK_INJURY", "2025-03-03", True, ["INSURED_ON_DATE"]),
        ("WORK_INJURY", "2026-03-03", False, ["INSURED_ON_DATE"]),
        ("DISABILITY_PENSION", "2026-03-03", True, ["MINIMUM_CONTRIBUTION_MONTHS", "AGE_LIMIT"]),
        ("HEALTH_INSURANCE", "2026-03-03", True, []),
        ("PHYSIOTHERAPY", "2026-03-03", True, []),
    ],
)
async def test_other_services(client, inbox, service, on, eligible_, conditions):
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2024-01-01", "2025-12-31")
    checked = await eligible(client, person, service, on)
    assert (checked["eligible"], [c["rule"] for c in checked["conditions"]]) == (eligible_, conditions)


async def test_the_date_of_birth_in_the_hijri_calendar(client, inbox):
    person = await member_born(client, inbox, "1984-12-04")
    english = await ask(client, person, HIJRI)
    assert english["dateOfBirthHijri"] == {"year": 1405, "month": 3, "day": 12,
                                           "formatted": "12 Rabi' al-Awwal 1405 AH"}
    arabic = await ask(client, person, HIJRI, language="ar")
    assert arabic["dateOfBirthHijri"]["formatted"] == "12 ربيع الأول 1405 هـ"


# ------------------------------------------------------------------ who may read it

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    id
    ... on ContributionPeriod { startDate employer { name } }
    ... on Member { insuranceRecord { contributionMonths } }
  }
}
"""

ACCESS_LOG = "query { me { accessLog(first: 20) { edges { node { purpose subject staffName } } } } }"


async def test_no_member_reaches_anothers_record(client, inbox):
    sara, omar = await signed_up(client, inbox), await signed_up(client, inbox)
    await engagement(sara.national_id, "2010-01-01", "2015-12-31")
    period_id = (await record(client, sara))["periods"]["edges"][0]["node"]["id"]
    mine = await gql(client, NODE, {"id": period_id}, token=sara.access_token)
    assert mine["data"]["node"] == {"id": period_id, "startDate": "2010-01-01",
                                    "employer": {"name": "Al Noor Trading Company"}}
    theirs = await gql(client, NODE, {"id": period_id}, token=omar.access_token)
    assert theirs == {"data": {"node": None}}
    assert (await record(client, omar))["periods"]["totalCount"] == 0


async def test_staff_reading_a_record_shows_in_the_members_access_log(client, inbox, app):
    sara = await signed_up(client, inbox)
    await engagement(sara.national_id, "2010-01-01", "2015-12-31")
    staff = await signed_in_staff(client, app)
    me = await gql(client, "query { me { id } }", token=sara.access_token)
    member_id = me["data"]["me"]["id"]
    read = await gql(client, NODE, {"id": member_id}, token=staff.access_token)
    assert read["data"]["node"]["insuranceRecord"] == {"contributionMonths": 72}
    log = await gql(client, ACCESS_LOG, token=sara.access_token)
    entries = [e["node"] for e in log["data"]["me"]["accessLog"]["edges"]]
    assert {"purpose": "MEMBER_LOOKUP", "subject": "INSURANCE_RECORD",
            "staffName": "Staff Reviewer One"} in entries
    # A member reading their own record leaves nothing in their log.
    await record(client, sara)
    again = await gql(client, ACCESS_LOG, token=sara.access_token)
    assert len(again["data"]["me"]["accessLog"]["edges"]) == len(entries)


async def test_staff_reach_any_period_and_it_is_logged(client, inbox, app):
    sara = await signed_up(client, inbox)
    await engagement(sara.national_id, "2010-01-01", "2015-12-31")
    period_id = (await record(client, sara))["periods"]["edges"][0]["node"]["id"]
    staff = await signed_in_staff(client, app)
    read = await gql(client, NODE, {"id": period_id}, token=staff.access_token)
    assert read["data"]["node"]["startDate"] == "2010-01-01"
    log = await gql(client, ACCESS_LOG, token=sara.access_token)
    assert [e["node"]["subject"] for e in log["data"]["me"]["accessLog"]["edges"]] == ["INSURANCE_RECORD"]


# ------------------------------------------------------------------ cost


async def test_the_record_page_and_the_estimates_cost_the_same_statements_whatever_the_periods(client, inbox):
    counts = []
    for periods in (1, 40):
        person = await member_born(client, inbox, "1960-01-01")
        for n in range(periods):
            year = 1980 + n
            await engagement(person.national_id, f"{year}-01-01", f"{year}-06-30",
                             wages=[{"from": f"{year}-01-01", "basic": "5000.00", "housing": "0.00"},
                                    {"from": f"{year}-04-01", "basic": "6000.00", "housing": "0.00"}])
        await record(client, person)  # the sign-in's last-used time is written before the count
        seen_for = []
        for query, variables in ((RECORD, {"first": 20}), (PENSION, {}), (SANED, {}),
                                 (ELIGIBILITY, {"service": "RETIREMENT_PENSION"})):
            with statements() as seen:
                await ask(client, person, query, **variables)
            seen_for.append(len(seen))
        counts.append(seen_for)
    assert counts[0] == counts[1], counts


# ------------------------------------------------------------------ at submission

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) {
    request { id referenceNumber
      details { ... on RetirementPensionDetails { retirementDate lastEmployer }
                ... on UnemploymentBenefitDetails { lastWorkingDay lastEmployer } }
      eligibilityAtSubmission { service on eligible conditions { rule met description } } }
    errors { field code message }
  }
}
"""
MY_REQUESTS = "query { me { requests { totalCount } } }"
SERVICES = """
query { services { type eligibility { eligible conditions { rule met } } openRequest { id } } }
"""


async def submit(client, person: Person, details: dict[str, Any], language: str = "en") -> dict[str, Any]:
    result = await gql(client, SUBMIT, {"input": {"details": details}}, token=person.access_token,
                       language=language)
    assert "errors" not in result, result
    return result["data"]["submitRequest"]


async def test_an_unmet_condition_refuses_the_request_on_its_date_and_stores_nothing(client, inbox):
    person = await signed_up(client, inbox)
    # 96 months, from before the 2024 law: the transition, with its age (65 for 36 on the
    # cut-off) and the previous law's months.
    await engagement(person.national_id, "2018-01-01", "2025-12-31")
    refused = await submit(client, person, {"retirementPension": {"retirementDate": "2026-01-10"}})
    assert refused["request"] is None
    assert refused["errors"] == [{
        "field": "details.retirementPension.retirementDate", "code": "NOT_ELIGIBLE",
        "message": "You do not qualify on this date: "
                   "At least 65 years old; you reach that age on 2053-04-12. "
                   "At least 120 contribution months; you have 96. "
                   "At least 300 contribution months, at any age; you have 96.",
    }]
    arabic = await submit(client, person, {"retirementPension": {"retirementDate": "2026-01-10"}}, "ar")
    assert arabic["errors"][0]["message"].startswith("لا تستوفي الشروط في هذا التاريخ: بلوغ 65 سنة")
    mine = await gql(client, MY_REQUESTS, token=person.access_token)
    assert mine["data"]["me"]["requests"]["totalCount"] == 0


async def test_saned_refused_while_still_employed_and_granted_once_work_ended(client, inbox):
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2022-01-01", "2025-12-31", employer_en="Jarir Bookstore",
                     employer_ar="مكتبة جرير")
    refused = await submit(client, person, {"unemploymentBenefit": {"lastWorkingDay": "2025-10-31"}})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("details.unemploymentBenefit.lastWorkingDay", "NOT_ELIGIBLE")]
    assert "you are still employed by Jarir Bookstore" in refused["errors"][0]["message"]
    # lastEmployer left out: the record's employer on that day, in the member's language (EN here).
    accepted = await submit(client, person, {"unemploymentBenefit": {"lastWorkingDay": "2025-12-31"}})
    assert accepted["errors"] == []
    request = accepted["request"]
    assert request["details"] == {"lastWorkingDay": "2025-12-31", "lastEmployer": "Jarir Bookstore"}
    assert request["eligibilityAtSubmission"]["on"] == "2025-12-31"
    assert request["eligibilityAtSubmission"]["eligible"] is True
    assert [c["rule"] for c in request["eligibilityAtSubmission"]["conditions"]] == [
        "CITIZENSHIP", "AGE_LIMIT", "RECENT_UNEMPLOYMENT_MONTHS", "NOT_EMPLOYED"]


async def test_last_employer_is_required_where_the_record_does_not_know_it(client, inbox):
    person = await signed_up(client, inbox)
    refused = await submit(client, person, {"retirementPension": {"retirementDate": "2026-01-10"}})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("details.retirementPension.lastEmployer", "REQUIRED")]


STAFF_REQUEST = """
query Request($id: ID!) {
  node(id: $id) {
    ... on ServiceRequest { eligibilityAtSubmission { on eligible conditions { rule met description } } }
  }
}
"""


async def test_staff_read_the_check_made_at_submission_in_their_language(client, inbox, app):
    person = await member_born(client, inbox, "1960-01-01")
    await engagement(person.national_id, "2000-01-01", "2024-12-31")
    accepted = await submit(client, person, {"retirementPension": {"retirementDate": "2025-01-01",
                                                                   "lastEmployer": "Aramco"}})
    staff = await signed_in_staff(client, app)
    read = await gql(client, STAFF_REQUEST, {"id": accepted["request"]["id"]}, token=staff.access_token,
                     language="ar")
    checked = read["data"]["node"]["eligibilityAtSubmission"]
    assert (checked["on"], checked["eligible"]) == ("2025-01-01", True)
    assert checked["conditions"][1] == {"rule": "MINIMUM_CONTRIBUTION_MONTHS", "met": True,
                                        "description": "120 شهر اشتراك على الأقل؛ لديك 300."}


async def test_services_say_whether_the_member_qualifies_today_and_which_request_is_open(client, inbox):
    anonymous = await gql(client, SERVICES)
    assert all(s["eligibility"] is None and s["openRequest"] is None
               for s in anonymous["data"]["services"])
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2020-01-01", "2025-12-31")
    physio = await submit(client, person, {"physiotherapy": {
        "injuryDate": "2025-03-01", "diagnosis": "Torn ligament", "sessionsRequested": 8,
        "preferredCity": "Jeddah"}})
    services = {s["type"]: s for s in (await gql(client, SERVICES, token=person.access_token))["data"]["services"]}
    assert services["PHYSIOTHERAPY"]["openRequest"] == {"id": physio["request"]["id"]}
    assert services["HEALTH_INSURANCE"]["openRequest"] is None
    assert services["HEALTH_INSURANCE"]["eligibility"] == {"eligible": True, "conditions": []}
    assert services["RETIREMENT_PENSION"]["eligibility"]["eligible"] is False
    assert services["UNEMPLOYMENT_BENEFIT"]["eligibility"]["eligible"] is True


# ------------------------------------------------------------------ Hijri registration

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { dateOfBirth } errors { field code message } }
}
"""


def registration(person: Person, **overrides: Any) -> dict[str, Any]:
    """The person's registration with the date of birth only as `overrides` give it."""
    data = {k: v for k, v in person.registration().items() if k != "dateOfBirth"}
    return {**data, **overrides}


async def test_registering_with_a_hijri_date_of_birth(client, inbox):
    person = new_person()
    result = await gql(client, REGISTER, {"input": registration(
        person, dateOfBirthHijri={"year": 1405, "month": 3, "day": 12})})
    assert result["data"]["register"] == {"member": {"dateOfBirth": "1984-12-04"}, "errors": []}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"dateOfBirthHijri": {"year": 1445, "month": 1, "day": 30}}, "dateOfBirthHijri", "INVALID"),  # 29 days
        ({"dateOfBirthHijri": {"year": 1405, "month": 13, "day": 1}}, "dateOfBirthHijri", "INVALID"),
        ({"dateOfBirthHijri": {"year": 1300, "month": 1, "day": 1}}, "dateOfBirthHijri", "INVALID"),
        ({"dateOfBirthHijri": {"year": 1440, "month": 1, "day": 1}}, "dateOfBirthHijri", "INVALID"),  # too young
        ({"dateOfBirthHijri": {"year": 1405, "month": 3, "day": 12}, "dateOfBirth": "1984-12-04"},
         "dateOfBirthHijri", "INVALID"),
        ({}, "dateOfBirth", "REQUIRED"),
    ],
)
async def test_a_hijri_date_of_birth_that_does_not_exist_is_refused_on_its_field(
    client, inbox, overrides, field, code
):
    person = new_person()
    result = await gql(client, REGISTER, {"input": registration(person, **overrides)}, language="ar")
    payload = result["data"]["register"]
    assert payload["member"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["message"]  # worded, in Arabic


ACTIVATE = """
mutation Activate($input: ActivateInput!) {
  activate(input: $input) { member { dateOfBirth } errors { field code } }
}
"""


async def test_the_date_of_birth_is_corrected_in_hijri_at_activation(client, inbox):
    person = new_person()
    await gql(client, REGISTER, {"input": person.registration()})
    code = await inbox.code_for(person.e164)
    wrong = await gql(client, ACTIVATE, {"input": {
        "nationalId": person.national_id, "code": code, "confirmDetails": True,
        "corrections": {"dateOfBirthHijri": {"year": 1405, "month": 2, "day": 30}}}})
    assert wrong["data"]["activate"]["errors"] == [
        {"field": "corrections.dateOfBirthHijri", "code": "INVALID"}]  # Safar 1405 has 29 days
    fixed = await gql(client, ACTIVATE, {"input": {
        "nationalId": person.national_id, "code": code, "confirmDetails": True,
        "corrections": {"dateOfBirthHijri": {"year": 1405, "month": 3, "day": 12}}}})
    assert fixed["data"]["activate"] == {"member": {"dateOfBirth": "1984-12-04"}, "errors": []}


@pytest.mark.parametrize(("first", "after"), [(101, None), (2, "not-a-cursor"), (-1, None)])
async def test_a_bad_page_of_periods_is_the_callers_error(client, inbox, first, after):
    sara = await signed_up(client, inbox)
    result = await gql(client, RECORD, {"first": first, "after": after}, token=sara.access_token)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", result


async def test_rules_worked_examples_of_counting_months(client, inbox):
    """RULES.md: from 2001-03-01 counts March 2001; from 2001-03-15 counts April first; ending
    2026-02-28 counts February 2026."""
    person = await signed_up(client, inbox)
    await engagement(person.national_id, "2001-03-01", "2001-03-31")
    await engagement(person.national_id, "2001-03-15", "2001-04-30")
    await engagement(person.national_id, "2026-01-01", "2026-02-28")
    held = await record(client, person)
    assert [(e["node"]["startDate"], e["node"]["months"]) for e in held["periods"]["edges"]] == [
        ("2026-01-01", 2), ("2001-03-15", 1), ("2001-03-01", 1)]
    assert held["contributionMonths"] == 4


async def test_born_on_the_30th_of_a_month_that_has_29_days_60_years_on(client, inbox):
    """30 Muharram 1385: Muharram 1445 has 29 days, so the 60th Hijri birthday is its last day."""
    person = await member_born(client, inbox, "1965-05-30")
    await engagement(person.national_id, "2000-01-01", "2024-12-31")
    held = await record(client, person)
    assert (held["regime"], held["statutoryRetirementDate"]) == ("PREVIOUS_LAW", "2023-08-16")
    hijri = (await ask(client, person, HIJRI))["dateOfBirthHijri"]
    assert (hijri["year"], hijri["month"], hijri["day"]) == (1385, 1, 30)
