"""The staff desk: finding requests, assigning them, and the access log members read."""

import datetime as dt
from typing import Any

import pytest
from tortoise import connections

from models import AccessEvent
from resolvers import staff as resolvers_staff
from tests.support import LOGIN, Person, gql, new_person, signed_up

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { field code } }
}
"""

REVIEW = """
mutation Review($input: ReviewRequestInput!) {
  reviewRequest(input: $input) {
    request { id status history { status actor note } }
    errors { field code }
  }
}
"""

ASSIGN = """
mutation Assign($input: AssignRequestInput!) {
  assignRequest(input: $input) {
    request { id assignee { id fullName } history { status actor note } }
    errors { field code message }
  }
}
"""

SEARCH = """
query Search($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id referenceNumber type status } }
  }
}
"""

OPEN_REQUEST = """
query Open($id: ID!) {
  node(id: $id) {
    ... on ServiceRequest {
      referenceNumber assignee { fullName } history { status actor note }
      applicant { nationalId fullName }
      details { __typename }
    }
  }
}
"""

ACCESS_LOG = """
query AccessLog($first: Int, $after: String) {
  me {
    accessLog(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { at staffName purpose subject } }
    }
  }
}
"""

ASK = """
mutation Ask($input: AskQuestionInput!) {
  askQuestion(input: $input) { question { id referenceNumber } errors { field code } }
}
"""

STAFF_QUESTIONS = """
query Questions($referenceNumber: String, $nationalId: String) {
  questions(referenceNumber: $referenceNumber, nationalId: $nationalId) {
    totalCount edges { node { referenceNumber messages { body } } }
  }
}
"""

HEALTH = {"healthInsurance": {"dependents": 2}}
PHYSIO = {"physiotherapy": {"injuryDate": "2025-03-01", "diagnosis": "Torn ligament",
                            "sessionsRequested": 8, "preferredCity": "Jeddah"}}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


async def staff_member(client, app, name: str) -> Person:
    """A staff account made as `server.py create-staff` makes one, then signed in."""
    person = new_person()
    await resolvers_staff.create_staff(runtime=app.state.runtime, national_id=person.national_id,
                                full_name=name, password=person.password)
    result = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                 "password": person.password}})
    person.access_token = result["data"]["login"]["session"]["accessToken"]
    return person


async def submit(client, person: Person, details: dict[str, Any]) -> dict[str, Any]:
    result = await gql(client, SUBMIT, {"input": {"details": details}}, token=person.access_token)
    payload = result["data"]["submitRequest"]
    assert payload["errors"] == [], payload
    return payload["request"]


async def search(client, staff: Person, **filter: Any) -> dict[str, Any]:
    first = filter.pop("first", None)
    after = filter.pop("after", None)
    result = await gql(client, SEARCH, {"filter": filter, "first": first, "after": after},
                       token=staff.access_token)
    assert "errors" not in result, result
    return result["data"]["requests"]


def references(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["referenceNumber"] for edge in page["edges"]]


async def access_log(client, member: Person, **variables: Any) -> dict[str, Any]:
    result = await gql(client, ACCESS_LOG, variables, token=member.access_token)
    assert "errors" not in result, result
    return result["data"]["me"]["accessLog"]


def purposes(log: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["node"]["purpose"], e["node"]["subject"], e["node"]["staffName"])
            for e in log["edges"]]


async def test_staff_find_requests_by_reference_national_id_and_dates(client, inbox, app):
    sara, omar = await signed_up(client, inbox), await signed_up(client, inbox)
    health, physio = await submit(client, sara, HEALTH), await submit(client, sara, PHYSIO)
    other = await submit(client, omar, HEALTH)
    staff = await staff_member(client, app, "Noura Saleh Alqahtani")

    by_reference = await search(client, staff, referenceNumber=physio["referenceNumber"])
    assert references(by_reference) == [physio["referenceNumber"]]
    assert by_reference["totalCount"] == 1

    arabic_id = sara.national_id.translate(ARABIC_INDIC)
    hers = await search(client, staff, nationalId=arabic_id)
    assert references(hers) == [health["referenceNumber"], physio["referenceNumber"]]
    assert hers["totalCount"] == 2
    first = await search(client, staff, nationalId=sara.national_id, first=1)
    assert references(first) == [health["referenceNumber"]] and first["pageInfo"]["hasNextPage"]
    rest = await search(client, staff, nationalId=sara.national_id, first=1,
                        after=first["pageInfo"]["endCursor"])
    assert references(rest) == [physio["referenceNumber"]]
    assert not rest["pageInfo"]["hasNextPage"]
    combined = await search(client, staff, nationalId=sara.national_id, type="PHYSIOTHERAPY",
                            status="SUBMITTED")
    assert references(combined) == [physio["referenceNumber"]]

    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()
    in_range = await search(client, staff, submittedFrom=today.isoformat(),
                            submittedTo=today.isoformat())
    assert in_range["totalCount"] == 3
    assert other["referenceNumber"] in references(in_range)
    before = await search(client, staff, submittedTo=(today - dt.timedelta(days=1)).isoformat())
    assert before["totalCount"] == 0
    whole_calendar = await search(client, staff, submittedFrom="0001-01-01",
                                  submittedTo="9999-12-31")
    assert whole_calendar["totalCount"] == 3
    for odd in ("SR-2026-\x00", "x" * 300, physio["referenceNumber"].lower()[:-1]):
        assert (await search(client, staff, referenceNumber=odd))["totalCount"] == 0
    nobody = await search(client, staff, nationalId=new_person().national_id)
    assert nobody["totalCount"] == 0 and nobody["edges"] == []

    malformed = await gql(client, SEARCH, {"filter": {"nationalId": "12345"}},
                          token=staff.access_token)
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    # Three searches by her ID are one lookup in her log; listing Omar's request
    # without opening his data left nothing in his.
    assert purposes(await access_log(client, sara)) == [
        ("MEMBER_LOOKUP", sara.national_id, "Noura Saleh Alqahtani")
    ]
    assert (await access_log(client, omar))["totalCount"] == 0

    members_may_not = await gql(client, SEARCH, {"filter": {"nationalId": sara.national_id}},
                                token=omar.access_token)
    assert members_may_not["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_questions_are_found_by_reference_and_national_id(client, inbox, app):
    sara = await signed_up(client, inbox)
    asked = await gql(client, ASK, {"input": {"subject": "Pension date", "body": "When?",
                                              "category": "PENSION"}}, token=sara.access_token)
    question = asked["data"]["askQuestion"]["question"]
    staff = await staff_member(client, app, "Fahad Alharbi")

    result = await gql(client, STAFF_QUESTIONS, {"nationalId": sara.national_id.translate(
        ARABIC_INDIC)}, token=staff.access_token)
    assert result["data"]["questions"]["totalCount"] == 1
    result = await gql(client, STAFF_QUESTIONS, {"referenceNumber": question["referenceNumber"]},
                       token=staff.access_token)
    found = result["data"]["questions"]
    assert [e["node"]["referenceNumber"] for e in found["edges"]] == [question["referenceNumber"]]
    assert found["edges"][0]["node"]["messages"] == [{"body": "When?"}]

    # Newest first: reading the question came after looking her up.
    assert purposes(await access_log(client, sara)) == [
        ("QUESTION_ANSWER", question["referenceNumber"], "Fahad Alharbi"),
        ("MEMBER_LOOKUP", sara.national_id, "Fahad Alharbi"),
    ]


async def test_assignment_is_for_staff_and_shows_in_the_staff_history(client, inbox, app):
    sara = await signed_up(client, inbox)
    request = await submit(client, sara, HEALTH)
    noura = await staff_member(client, app, "Noura Saleh")
    fahad = await staff_member(client, app, "Fahad Alharbi")

    assert (await search(client, noura, unassigned=True))["totalCount"] == 1
    taken = await gql(client, ASSIGN, {"input": {"requestId": request["id"]}},
                      token=noura.access_token)
    payload = taken["data"]["assignRequest"]
    assert payload["errors"] == []
    assert payload["request"]["assignee"]["fullName"] == "Noura Saleh"
    assert payload["request"]["history"][-1] == {
        "status": "SUBMITTED", "actor": "STAFF", "note": "Assigned to Noura Saleh."
    }
    assert (await search(client, noura, assignedToMe=True))["totalCount"] == 1
    assert (await search(client, fahad, assignedToMe=True))["totalCount"] == 0
    assert (await search(client, fahad, unassigned=True))["totalCount"] == 0
    assert (await search(client, noura, assignedToMe=True, status="UNDER_REVIEW"))[
        "totalCount"] == 0

    # Reviewing a colleague's request is allowed, and the history says whose it was.
    reviewed = await gql(client, REVIEW, {"input": {"requestId": request["id"],
                                                    "status": "UNDER_REVIEW", "note": "Checking"}},
                         token=fahad.access_token)
    review = reviewed["data"]["reviewRequest"]
    assert review["errors"] == []
    assert review["request"]["history"][-1] == {
        "status": "UNDER_REVIEW", "actor": "STAFF",
        "note": "Checking Reviewed while assigned to Noura Saleh.",
    }

    fahad_id = (await gql(client, "{ me { id } }", token=fahad.access_token))["data"]["me"]["id"]
    handed = await gql(client, ASSIGN, {"input": {"requestId": request["id"],
                                                  "assigneeId": fahad_id}},
                       token=noura.access_token)
    assert handed["data"]["assignRequest"]["request"]["assignee"]["fullName"] == "Fahad Alharbi"
    assert (await search(client, fahad, assignedToMe=True, status="UNDER_REVIEW"))[
        "totalCount"] == 1

    sara_id = (await gql(client, "{ me { id } }", token=sara.access_token))["data"]["me"]["id"]
    refused = await gql(client, ASSIGN, {"input": {"requestId": request["id"],
                                                   "assigneeId": sara_id}},
                        token=noura.access_token)
    assert refused["data"]["assignRequest"]["errors"][0]["field"] == "assigneeId"
    assert refused["data"]["assignRequest"]["errors"][0]["code"] == "INVALID"
    assert refused["data"]["assignRequest"]["request"] is None
    by_member = await gql(client, ASSIGN, {"input": {"requestId": request["id"]}},
                          token=sara.access_token)
    assert by_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # The applicant sees neither the assignee nor the internal steps.
    own = await gql(client, OPEN_REQUEST, {"id": request["id"]}, token=sara.access_token)
    seen = own["data"]["node"]
    assert seen["assignee"] is None
    assert seen["history"] == [
        {"status": "SUBMITTED", "actor": "MEMBER", "note": None},
        {"status": "UNDER_REVIEW", "actor": "STAFF", "note": "Checking"},
    ]


async def test_overdue_finds_information_requests_past_their_date(client, inbox, app):
    sara, omar = await signed_up(client, inbox), await signed_up(client, inbox)
    late, waiting = await submit(client, sara, HEALTH), await submit(client, omar, PHYSIO)
    staff = await staff_member(client, app, "Noura Saleh")
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()
    for request, days in ((late, 1), (waiting, 10)):
        for status, extra in (("UNDER_REVIEW", {}), ("NEEDS_INFORMATION", {
                "note": "Send the report.", "respondBy": (today + dt.timedelta(days=days)).isoformat()})):
            moved = await gql(client, REVIEW, {"input": {"requestId": request["id"],
                                                         "status": status, **extra}},
                              token=staff.access_token)
            assert moved["data"]["reviewRequest"]["errors"] == []
    assert (await search(client, staff, overdue=True))["totalCount"] == 0
    # Three days on, the first answer-by day has passed, the second has not.
    runtime = app.state.runtime
    clock = runtime.clock
    runtime.clock = lambda: clock() + dt.timedelta(days=3)
    try:
        staff = await staff_member(client, app, "Fahad Alharbi")  # signed in three days on
        overdue = await search(client, staff, overdue=True)
        assert references(overdue) == [late["referenceNumber"]]
        assert (await search(client, staff, overdue=True, type="PHYSIOTHERAPY"))["totalCount"] == 0
        assert (await search(client, staff, overdue=True, unassigned=True))["totalCount"] == 1
    finally:
        runtime.clock = clock


async def test_the_member_reads_who_opened_their_data(client, inbox, app):
    sara = await signed_up(client, inbox)
    request = await submit(client, sara, HEALTH)
    staff = await staff_member(client, app, "Noura Saleh")

    listed = await search(client, staff)
    assert listed["totalCount"] == 1
    # Opened three times an hour ago: one event, in the database once the first answer came.
    runtime = app.state.runtime
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1, minutes=1)
    runtime.clock = lambda: an_hour_ago
    for _ in range(3):
        opened = await gql(client, OPEN_REQUEST, {"id": request["id"]}, token=staff.access_token)
        assert opened["data"]["node"]["applicant"]["nationalId"] == sara.national_id
        assert await AccessEvent.filter(subject=request["referenceNumber"]).count() == 1

    log = await access_log(client, sara)
    assert purposes(log) == [("REQUEST_REVIEW", request["referenceNumber"], "Noura Saleh")]
    assert log["totalCount"] == 1

    assert dt.datetime.fromisoformat(log["edges"][0]["node"]["at"]) == an_hour_ago

    # An hour later the same opening is a new event, listed first.
    runtime.clock = lambda: dt.datetime.now(dt.UTC)
    await gql(client, OPEN_REQUEST, {"id": request["id"]}, token=staff.access_token)
    page = await access_log(client, sara, first=1)
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"]
    assert dt.datetime.fromisoformat(page["edges"][0]["node"]["at"]) > an_hour_ago
    rest = await access_log(client, sara, first=1, after=page["pageInfo"]["endCursor"])
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]

    # Staff themselves have no one else's events in their log.
    assert (await access_log(client, staff))["totalCount"] == 0


async def test_the_access_log_is_append_only_in_the_database(client, inbox, app):
    sara = await signed_up(client, inbox)
    request = await submit(client, sara, HEALTH)
    staff = await staff_member(client, app, "Noura Saleh")
    await gql(client, OPEN_REQUEST, {"id": request["id"]}, token=staff.access_token)
    assert (await access_log(client, sara))["totalCount"] == 1

    connection = connections.get("default")
    for statement in ("UPDATE access_event SET staff_name = 'Nobody'",
                      "DELETE FROM access_event"):
        with pytest.raises(Exception, match="append-only"):
            await connection.execute_script(statement)
    with pytest.raises(Exception, match="append-only"):
        await AccessEvent.filter(subject=request["referenceNumber"]).delete()
    assert purposes(await access_log(client, sara)) == [
        ("REQUEST_REVIEW", request["referenceNumber"], "Noura Saleh")
    ]

    schema = await gql(client, "{ __schema { mutationType { fields { name } } } }")
    names = [field["name"].lower() for field in schema["data"]["__schema"]["mutationType"]["fields"]]
    assert not [name for name in names if "access" in name]
