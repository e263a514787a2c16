import asyncio
import datetime as dt
import re
from typing import Any

from resolvers.platform.references import next_reference
from tests.record_support import record_for
from tests.support import (
    ACTIVATE,
    Person,
    attach_required,
    gql,
    new_person,
    register,
    signed_in_staff,
    signed_up,
)

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) {
    request {
      id referenceNumber type status submittedAt updatedAt
      service { type name }
      details {
        __typename
        ... on RetirementPensionDetails { retirementDate lastEmployer }
        ... on DisabilityPensionDetails { disabilityDate medicalReportNumber }
        ... on HealthInsuranceDetails { dependents preferredHospital }
        ... on PhysiotherapyDetails { injuryDate diagnosis sessionsRequested preferredCity }
        ... on WorkInjuryDetails { injuryDate employer description }
        ... on UnemploymentBenefitDetails { lastWorkingDay lastEmployer }
      }
      history { status actor note at }
      applicant { nationalId }
    }
    errors { field code message }
  }
}
"""

REVIEW = """
mutation Review($input: ReviewRequestInput!) {
  reviewRequest(input: $input) {
    request { id status updatedAt history { status actor note } }
    errors { field code message }
  }
}
"""

CANCEL = """
mutation Cancel($input: CancelRequestInput!) {
  cancelRequest(input: $input) {
    request { id status history { status actor note } }
    errors { field code message }
  }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) { id ... on ServiceRequest { referenceNumber status applicant { nationalId } } }
}
"""

HISTORY = """
query History($id: ID!) {
  node(id: $id) { ... on ServiceRequest { status history { status } } }
}
"""

MY_REQUESTS = "query { me { requests { totalCount edges { node { id type status } } } } }"

SAMPLE_DETAILS: dict[str, dict[str, Any]] = {
    "RETIREMENT_PENSION": {
        "retirementPension": {
            "retirementDate": "2025-06-30",
            "lastEmployer": "Saudi Electricity Company",
        }
    },
    "DISABILITY_PENSION": {
        "disabilityPension": {"disabilityDate": "2024-09-14", "medicalReportNumber": "MR-55812"}
    },
    "HEALTH_INSURANCE": {
        "healthInsurance": {"dependents": 3, "preferredHospital": "King Fahad Medical City"}
    },
    "PHYSIOTHERAPY": {
        "physiotherapy": {
            "injuryDate": "2025-11-02",
            "diagnosis": "Lumbar disc herniation",
            "sessionsRequested": 12,
            "preferredCity": "Riyadh",
        }
    },
    "WORK_INJURY": {
        "workInjury": {
            "injuryDate": "2025-10-20",
            "employer": "Al Rajhi Construction",
            "description": "Fell from scaffolding while fixing a beam.",
        }
    },
    "UNEMPLOYMENT_BENEFIT": {
        "unemploymentBenefit": {"lastWorkingDay": "2025-12-31", "lastEmployer": "Jarir Bookstore"}
    },
}

REFERENCE = re.compile(r"SR-(\d{4})-(\d{6,})")


def saudi_year() -> int:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).year


async def submit(
    client, person: Person, details: dict[str, Any], *, key: str | None = None,
    language: str = "en",
) -> dict[str, Any]:
    await record_for(person.national_id, details)
    data: dict[str, Any] = {"details": details}
    if key is not None:
        data["idempotencyKey"] = key
    result = await gql(client, SUBMIT, {"input": data}, token=person.access_token,
                       language=language)
    assert "errors" not in result, result
    return result["data"]["submitRequest"]


async def submitted(client, person: Person, service_type: str = "PHYSIOTHERAPY") -> dict[str, Any]:
    payload = await submit(client, person, SAMPLE_DETAILS[service_type])
    assert payload["errors"] == [], payload
    return payload["request"]


async def review(
    client, staff: Person, request_id: str, status: str, note: str | None = None
) -> dict[str, Any]:
    result = await gql(client, REVIEW,
                       {"input": {"requestId": request_id, "status": status, "note": note}},
                       token=staff.access_token)
    assert "errors" not in result, result
    return result["data"]["reviewRequest"]


async def cancel(
    client, person: Person, request_id: str, reason: str | None = None
) -> dict[str, Any]:
    result = await gql(client, CANCEL, {"input": {"requestId": request_id, "reason": reason}},
                       token=person.access_token)
    assert "errors" not in result, result
    return result["data"]["cancelRequest"]


async def member_with(client, inbox, **registration: Any) -> Person:
    """An active, signed-in member registered with the given overrides (channel, language)."""
    person = new_person()
    registered = await register(client, person, **registration)
    assert registered["errors"] == [], registered
    by_email = registration.get("channel") == "EMAIL"
    code = await inbox.code_for(person.email if by_email else person.e164)
    result = await gql(client, ACTIVATE, {"input": {"nationalId": person.national_id,
                                                    "code": code, "confirmDetails": True}})
    person.access_token = result["data"]["activate"]["session"]["accessToken"]
    return person


def error_code(result: dict[str, Any]) -> str:
    return result["errors"][0]["extensions"]["code"]


# ------------------------------------------------------------------ submitting


async def test_a_member_submits_a_request_and_gets_a_reference_and_a_submitted_history(
    client, inbox
):
    person = await signed_up(client, inbox)
    request = await submitted(client, person)
    year, number = REFERENCE.fullmatch(request["referenceNumber"]).groups()
    assert int(year) == saudi_year() and number == "000001"
    assert request["type"] == "PHYSIOTHERAPY" and request["status"] == "SUBMITTED"
    assert request["service"] == {"type": "PHYSIOTHERAPY", "name": "Physiotherapy"}
    assert request["details"] == {"__typename": "PhysiotherapyDetails",
                                  **SAMPLE_DETAILS["PHYSIOTHERAPY"]["physiotherapy"]}
    assert [(e["status"], e["actor"]) for e in request["history"]] == [("SUBMITTED", "MEMBER")]
    assert request["applicant"] == {"nationalId": person.national_id}
    mine = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]["requests"]
    assert [edge["node"]["id"] for edge in mine["edges"]] == [request["id"]]


async def test_every_service_type_can_be_submitted_with_its_own_details(client, inbox):
    person = await signed_up(client, inbox)
    for service_type, details in SAMPLE_DETAILS.items():
        request = await submitted(client, person, service_type)
        assert request["type"] == service_type
        (fields,) = details.values()
        shown = {k: v for k, v in request["details"].items() if k != "__typename"}
        assert shown == fields


async def test_invalid_details_report_every_problem_at_its_dotted_path(client, inbox):
    person = await signed_up(client, inbox)
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    payload = await submit(client, person, {"physiotherapy": {
        "injuryDate": tomorrow, "diagnosis": "   ", "sessionsRequested": 61,
        "preferredCity": "R" * 101,
    }})
    assert payload["request"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("details.physiotherapy.injuryDate", "INVALID"),
        ("details.physiotherapy.diagnosis", "REQUIRED"),
        ("details.physiotherapy.sessionsRequested", "INVALID"),
        ("details.physiotherapy.preferredCity", "INVALID"),
    }
    assert all(e["message"] for e in payload["errors"])
    nothing = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]
    assert nothing["requests"]["totalCount"] == 0


async def test_number_limits_hold_at_both_ends(client, inbox):
    person = await signed_up(client, inbox)
    too_few = await submit(client, person, {"physiotherapy": {
        **SAMPLE_DETAILS["PHYSIOTHERAPY"]["physiotherapy"], "sessionsRequested": 0}})
    assert [e["field"] for e in too_few["errors"]] == ["details.physiotherapy.sessionsRequested"]
    too_many = await submit(client, person, {"healthInsurance": {"dependents": 21}})
    assert [e["field"] for e in too_many["errors"]] == ["details.healthInsurance.dependents"]
    none = await submit(client, person, {"healthInsurance": {"dependents": 0}})
    assert none["errors"] == [] and none["request"]["details"]["dependents"] == 0


async def test_error_messages_follow_accept_language(client, inbox):
    person = await signed_up(client, inbox)
    details = {"workInjury": {"injuryDate": "2025-01-01", "employer": "", "description": "x"}}
    arabic = await submit(client, person, details, language="ar")
    english = await submit(client, person, details, language="en")
    assert arabic["errors"][0]["message"] == "هذا الحقل مطلوب."
    assert english["errors"][0]["message"] == "This field is required."


async def test_text_is_trimmed_and_a_blank_optional_hospital_is_left_out(client, inbox):
    person = await signed_up(client, inbox)
    request = (await submit(client, person, {"healthInsurance": {
        "dependents": 2, "preferredHospital": "   "}}))["request"]
    assert request["details"]["preferredHospital"] is None
    request = (await submit(client, person, {"retirementPension": {
        "retirementDate": "2025-01-31", "lastEmployer": "  Saudi Aramco  "}}))["request"]
    assert request["details"]["lastEmployer"] == "Saudi Aramco"


async def test_a_date_before_the_members_birth_is_refused(client, inbox):
    person = await signed_up(client, inbox)
    payload = await submit(client, person, {"disabilityPension": {
        "disabilityDate": "1970-01-01", "medicalReportNumber": "MR-1"}})
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("details.disabilityPension.disabilityDate", "INVALID")]


async def test_an_impossible_date_is_a_graphql_error(client, inbox):
    person = await signed_up(client, inbox)
    details = {"physiotherapy": {**SAMPLE_DETAILS["PHYSIOTHERAPY"]["physiotherapy"],
                                 "injuryDate": "2025-02-30"}}
    result = await gql(client, SUBMIT, {"input": {"details": details}}, token=person.access_token)
    assert result["data"] is None
    assert "injuryDate" in result["errors"][0]["message"]


async def test_details_with_two_services_are_refused_by_one_of(client, inbox):
    person = await signed_up(client, inbox)
    both = {**SAMPLE_DETAILS["PHYSIOTHERAPY"], **SAMPLE_DETAILS["WORK_INJURY"]}
    result = await gql(client, SUBMIT, {"input": {"details": both}}, token=person.access_token)
    assert result["data"] is None and "exactly one" in result["errors"][0]["message"]
    result = await gql(client, SUBMIT, {"input": {"details": {}}}, token=person.access_token)
    assert result["data"] is None


async def test_signed_out_callers_cannot_submit(client):
    result = await gql(client, SUBMIT, {"input": {"details": SAMPLE_DETAILS["PHYSIOTHERAPY"]}})
    assert result["data"] is None and error_code(result) == "UNAUTHENTICATED"


async def test_staff_cannot_submit_requests(client, app):
    staff = await signed_in_staff(client, app)
    result = await gql(client, SUBMIT, {"input": {"details": SAMPLE_DETAILS["PHYSIOTHERAPY"]}},
                       token=staff.access_token)
    assert result["data"] is None and error_code(result) == "FORBIDDEN"


# ------------------------------------------------------- duplicates and retries


async def test_a_second_open_request_for_the_same_service_is_a_duplicate(client, inbox):
    person = await signed_up(client, inbox)
    await submitted(client, person, "WORK_INJURY")
    again = await submit(client, person, SAMPLE_DETAILS["WORK_INJURY"])
    assert again["request"] is None
    assert [(e["field"], e["code"]) for e in again["errors"]] == [
        ("details", "DUPLICATE_REQUEST")]
    other_service = await submit(client, person, SAMPLE_DETAILS["HEALTH_INSURANCE"])
    assert other_service["errors"] == []


async def test_a_closed_request_frees_its_service_for_a_new_one(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    first = await submitted(client, person)
    assert (await cancel(client, person, first["id"]))["errors"] == []
    second = await submitted(client, person)
    for status in ("UNDER_REVIEW", "REJECTED"):
        assert (await review(client, staff, second["id"], status))["errors"] == []
    third = await submitted(client, person)
    assert len({first["referenceNumber"], second["referenceNumber"],
                third["referenceNumber"]}) == 3


async def test_the_same_idempotency_key_returns_the_first_request(client, inbox):
    person = await signed_up(client, inbox)
    first = await submit(client, person, SAMPLE_DETAILS["PHYSIOTHERAPY"], key="retry-7f3a")
    again = await submit(client, person, SAMPLE_DETAILS["PHYSIOTHERAPY"], key="retry-7f3a")
    assert again["errors"] == []
    assert again["request"]["id"] == first["request"]["id"]
    assert again["request"]["referenceNumber"] == first["request"]["referenceNumber"]
    mine = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]
    assert mine["requests"]["totalCount"] == 1


async def test_idempotency_keys_belong_to_one_member(client, inbox):
    one, two = await signed_up(client, inbox), await signed_up(client, inbox)
    first = await submit(client, one, SAMPLE_DETAILS["PHYSIOTHERAPY"], key="same-key")
    second = await submit(client, two, SAMPLE_DETAILS["PHYSIOTHERAPY"], key="same-key")
    assert second["errors"] == []
    assert second["request"]["id"] != first["request"]["id"]
    assert second["request"]["applicant"]["nationalId"] == two.national_id


async def test_fifty_concurrent_submissions_with_one_idempotency_key_create_one_request(
    client, inbox
):
    person = await signed_up(client, inbox)
    payloads = await asyncio.gather(*(
        submit(client, person, SAMPLE_DETAILS["PHYSIOTHERAPY"], key="double-click")
        for _ in range(50)
    ))
    assert all(payload["errors"] == [] for payload in payloads), payloads
    assert len({payload["request"]["id"] for payload in payloads}) == 1
    mine = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]
    assert mine["requests"]["totalCount"] == 1


async def test_concurrent_submissions_for_one_service_leave_one_open_request(client, inbox):
    person = await signed_up(client, inbox)
    payloads = await asyncio.gather(*(
        submit(client, person, SAMPLE_DETAILS["WORK_INJURY"]) for _ in range(30)
    ))
    accepted = [payload for payload in payloads if payload["errors"] == []]
    assert len(accepted) == 1
    assert all(payload["errors"][0]["code"] == "DUPLICATE_REQUEST"
               for payload in payloads if payload not in accepted)
    mine = (await gql(client, MY_REQUESTS, token=person.access_token))["data"]["me"]
    assert mine["requests"]["totalCount"] == 1


async def test_concurrent_submissions_get_unique_consecutive_reference_numbers(client, inbox):
    people = [await signed_up(client, inbox) for _ in range(5)]
    payloads = await asyncio.gather(*(
        submit(client, person, details) for person in people for details in SAMPLE_DETAILS.values()
    ))
    assert all(payload["errors"] == [] for payload in payloads), payloads
    numbers = sorted(
        int(REFERENCE.fullmatch(payload["request"]["referenceNumber"]).group(2))
        for payload in payloads
    )
    assert numbers == list(range(1, 31))


async def test_next_reference_counts_each_prefix_and_year_apart_under_concurrency(app):
    drawn = await asyncio.gather(*(next_reference("SR", 2031) for _ in range(50)))
    assert sorted(drawn) == [f"SR-2031-{n:06d}" for n in range(1, 51)]
    assert await next_reference("Q", 2031) == "Q-2031-000001"
    assert await next_reference("SR", 2032) == "SR-2032-000001"


# ---------------------------------------------------------------- the workflow


async def test_staff_move_a_request_through_the_whole_workflow(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person, "DISABILITY_PENSION")
    await attach_required(client, person, request, "DISABILITY_PENSION")
    steps = [
        ("UNDER_REVIEW", None),
        ("NEEDS_INFORMATION", "Please upload the full medical committee report."),
        ("UNDER_REVIEW", "Report received."),
        ("APPROVED", None),
    ]
    for status, note in steps:
        payload = await review(client, staff, request["id"], status, note)
        assert payload["errors"] == [], payload
        assert payload["request"]["status"] == status
    history = payload["request"]["history"]
    assert [(e["status"], e["actor"], e["note"]) for e in history] == [
        ("SUBMITTED", "MEMBER", None),
        *((status, "STAFF", note) for status, note in steps),
    ]


async def test_staff_cannot_skip_or_reverse_steps(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    for status in ("APPROVED", "REJECTED", "NEEDS_INFORMATION", "SUBMITTED", "CANCELLED"):
        payload = await review(client, staff, request["id"], status)
        assert payload["request"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("status", "INVALID_TRANSITION")]
    await attach_required(client, person, request, "PHYSIOTHERAPY")
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "APPROVED")
    for status in ("UNDER_REVIEW", "REJECTED", "APPROVED"):
        payload = await review(client, staff, request["id"], status)
        assert payload["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_member_cancels_an_open_request_with_a_reason(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "NEEDS_INFORMATION", "Which hospital?")
    payload = await cancel(client, person, request["id"], "  Treated privately instead.  ")
    assert payload["errors"] == []
    assert payload["request"]["status"] == "CANCELLED"
    assert payload["request"]["history"][-1] == {
        "status": "CANCELLED", "actor": "MEMBER", "note": "Treated privately instead."}


async def test_a_closed_request_cannot_be_cancelled(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    approved = await submitted(client, person, "RETIREMENT_PENSION")
    await attach_required(client, person, approved, "RETIREMENT_PENSION")
    await review(client, staff, approved["id"], "UNDER_REVIEW")
    await review(client, staff, approved["id"], "APPROVED")
    cancelled = await submitted(client, person, "WORK_INJURY")
    await cancel(client, person, cancelled["id"])
    for request in (approved, cancelled):
        payload = await cancel(client, person, request["id"])
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("requestId", "INVALID_TRANSITION")]


async def test_concurrent_reviews_of_one_request_move_it_once(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    payloads = await asyncio.gather(*(
        review(client, staff, request["id"], "UNDER_REVIEW") for _ in range(20)
    ))
    assert sum(payload["errors"] == [] for payload in payloads) == 1
    assert {payload["errors"][0]["code"] for payload in payloads if payload["errors"]} == {
        "INVALID_TRANSITION"}
    result = await gql(client, HISTORY,
                       {"id": request["id"]}, token=person.access_token)
    assert [e["status"] for e in result["data"]["node"]["history"]] == [
        "SUBMITTED", "UNDER_REVIEW"]


async def test_concurrent_cancel_and_review_leave_one_consistent_outcome(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    calls = [cancel(client, person, request["id"]) for _ in range(10)]
    calls += [review(client, staff, request["id"], "UNDER_REVIEW") for _ in range(10)]
    payloads = await asyncio.gather(*calls)
    winners = [payload for payload in payloads if payload["errors"] == []]
    final = (await gql(client, HISTORY,
                       {"id": request["id"]}, token=person.access_token))["data"]["node"]
    statuses = [e["status"] for e in final["history"]]
    # Cancelling after the review started is allowed; nothing else may happen twice.
    assert statuses in (["SUBMITTED", "CANCELLED"], ["SUBMITTED", "UNDER_REVIEW", "CANCELLED"],
                        ["SUBMITTED", "UNDER_REVIEW"])
    assert len(winners) == len(statuses) - 1
    assert final["status"] == statuses[-1]


# -------------------------------------------------------------- notifications


async def test_staff_approval_notifies_member_by_sms_in_their_language(client, inbox, app):
    person = await signed_up(client, inbox)  # registered with SMS and English
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await attach_required(client, person, request, "PHYSIOTHERAPY")
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "APPROVED")
    messages = await inbox.wait_for(person.e164, count=3)
    # Notices claimed in one batch of the outbox are sent at once: their order is not fixed.
    for status in ("Under review", "Approved"):
        notice = f"Your request {request['referenceNumber']} is now: {status}."
        assert [notice in message for message in messages[1:]].count(True) == 1, (status, messages)


async def test_a_member_who_prefers_email_in_arabic_gets_the_notice_there(client, inbox, app):
    person = await member_with(client, inbox, channel="EMAIL", preferredLanguage="AR")
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "NEEDS_INFORMATION", "أرفق التقرير الطبي.")
    messages = await inbox.wait_for(person.email, count=3)
    assert f"حالة طلبك {request['referenceNumber']} الآن: قيد المراجعة." in messages[1]
    assert "بحاجة إلى معلومات إضافية" in messages[2]
    assert "ملاحظة: أرفق التقرير الطبي." in messages[2]
    assert inbox.to(person.e164) == []


async def test_an_arabic_sms_member_gets_an_arabic_notice(client, inbox, app):
    person = await member_with(client, inbox, preferredLanguage="AR")
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "REJECTED", "Not eligible.")
    messages = await inbox.wait_for(person.e164, count=3)
    assert messages[2] == (
        f"حالة طلبك {request['referenceNumber']} الآن: مرفوض. ملاحظة: Not eligible."
    )


# ------------------------------------------------------------------ who sees what


async def test_node_shows_a_request_only_to_its_owner_and_staff(client, inbox, app):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, owner)
    variables = {"id": request["id"]}
    mine = await gql(client, NODE, variables, token=owner.access_token)
    assert mine["data"]["node"]["referenceNumber"] == request["referenceNumber"]
    theirs = await gql(client, NODE, variables, token=other.access_token)
    assert theirs == {"data": {"node": None}}
    reviewed = await gql(client, NODE, variables, token=staff.access_token)
    assert reviewed["data"]["node"]["applicant"]["nationalId"] == owner.national_id
    anonymous = await gql(client, NODE, variables)
    assert anonymous["data"] == {"node": None} and error_code(anonymous) == "UNAUTHENTICATED"


async def test_a_member_cannot_cancel_someone_elses_request(client, inbox):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    request = await submitted(client, owner)
    payload = await cancel(client, other, request["id"])
    assert payload["request"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("requestId", "NOT_FOUND")]
    still = await gql(client, NODE, {"id": request["id"]}, token=owner.access_token)
    assert still["data"]["node"]["status"] == "SUBMITTED"


async def test_a_member_cannot_review_requests_not_even_their_own(client, inbox):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    request = await submitted(client, owner)
    for person in (owner, other):
        result = await gql(client, REVIEW, {"input": {"requestId": request["id"],
                                                      "status": "APPROVED"}},
                           token=person.access_token)
        assert result["data"] is None and error_code(result) == "FORBIDDEN"
    still = await gql(client, NODE, {"id": request["id"]}, token=owner.access_token)
    assert still["data"]["node"]["status"] == "SUBMITTED"


async def test_signed_out_callers_cannot_review_or_cancel(client, inbox):
    owner = await signed_up(client, inbox)
    request = await submitted(client, owner)
    reviewed = await gql(client, REVIEW, {"input": {"requestId": request["id"],
                                                    "status": "UNDER_REVIEW"}})
    cancelled = await gql(client, CANCEL, {"input": {"requestId": request["id"]}})
    assert error_code(reviewed) == error_code(cancelled) == "UNAUTHENTICATED"


async def test_an_id_that_is_not_a_request_is_not_found(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    me = await gql(client, "query { me { id } }", token=person.access_token)
    for bogus in ("not-an-id", me["data"]["me"]["id"]):
        payload = await cancel(client, person, bogus)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("requestId", "NOT_FOUND")]
        payload = await review(client, staff, bogus, "UNDER_REVIEW")
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("requestId", "NOT_FOUND")]
