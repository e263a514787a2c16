"""Staff ask for information, the member answers; approval waits for the required documents;
a reminder goes out once before the answer is due."""

from __future__ import annotations

import asyncio
import datetime as dt

from resolvers.platform import jobs
from resolvers.platform.runtime import Runtime
from tests.support import PDF, attach_required, gql, gql_upload, signed_in_staff, signed_up
from tests.test_service_requests import review, submitted

ASK = """
mutation Ask($input: ReviewRequestInput!) {
  reviewRequest(input: $input) {
    request { status informationRequest { note documents respondBy requestedAt } }
    errors { field code }
  }
}
"""

PROVIDE = """
mutation Provide($input: ProvideInformationInput!) {
  provideInformation(input: $input) {
    request {
      status informationRequest { note }
      history { status actor note }
      documents { kind uploadedBy }
    }
    errors { field code }
  }
}
"""

MISSING = "query($id: ID!) { node(id: $id) { ... on ServiceRequest { missingDocuments } } }"


def saudi_today() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()


async def ask(client, staff, request_id: str, **fields) -> dict:
    result = await gql(client, ASK, {"input": {"requestId": request_id,
                                               "status": "NEEDS_INFORMATION", **fields}},
                       token=staff.access_token)
    return result["data"]["reviewRequest"]


async def test_staff_ask_for_information_and_the_member_answers_with_files(client, inbox, app):
    person, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    early = await gql(client, PROVIDE, {"input": {"requestId": request["id"], "message": "Hi"}},
                      token=person.access_token)
    assert early["data"]["provideInformation"]["errors"] == [
        {"field": "requestId", "code": "INVALID_TRANSITION"}]
    await review(client, staff, request["id"], "UNDER_REVIEW")

    asked = await ask(client, staff, request["id"], note="Attach the doctor's report.",
                      requestedDocuments=["MEDICAL_REPORT"])
    assert asked["errors"] == []
    information = asked["request"]["informationRequest"]
    assert information["note"] == "Attach the doctor's report."
    assert information["documents"] == ["MEDICAL_REPORT"]
    respond_by = (saudi_today() + dt.timedelta(days=14)).isoformat()
    assert information["respondBy"] == respond_by
    # The review's notice and this one may leave in one outbox batch, in either order.
    [notice] = [message for message in await inbox.wait_for(person.e164, count=3)
                if "Attach the doctor's report." in message]
    assert respond_by in notice

    theirs = await gql(client, PROVIDE, {"input": {"requestId": request["id"], "message": "x"}},
                       token=other.access_token)
    assert theirs["data"]["provideInformation"]["errors"] == [
        {"field": "requestId", "code": "NOT_FOUND"}]

    variables = {"input": {"requestId": request["id"], "message": "The report is attached.",
                           "documents": [{"kind": "MEDICAL_REPORT", "file": None}]}}
    answered = await gql_upload(client, PROVIDE, variables,
                                {"input.documents.0.file": ("report.pdf", PDF, "application/pdf")},
                                token=person.access_token)
    payload = answered.json()["data"]["provideInformation"]
    assert payload["errors"] == []
    assert payload["request"]["status"] == "UNDER_REVIEW"
    assert payload["request"]["informationRequest"] is None
    assert payload["request"]["history"][-1] == {
        "status": "UNDER_REVIEW", "actor": "MEMBER", "note": "The report is attached."}
    assert payload["request"]["documents"] == [{"kind": "MEDICAL_REPORT", "uploadedBy": "MEMBER"}]

    again = await gql(client, PROVIDE, {"input": {"requestId": request["id"], "message": "More"}},
                      token=person.access_token)
    assert again["data"]["provideInformation"]["errors"] == [
        {"field": "requestId", "code": "INVALID_TRANSITION"}]


async def test_staff_cannot_approve_while_required_documents_are_missing(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person, "PHYSIOTHERAPY")
    await review(client, staff, request["id"], "UNDER_REVIEW")
    missing = await gql(client, MISSING, {"id": request["id"]}, token=person.access_token)
    assert missing["data"]["node"]["missingDocuments"] == ["NATIONAL_ID_COPY", "MEDICAL_REPORT"]
    refused = await review(client, staff, request["id"], "APPROVED")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("status", "DOCUMENTS_MISSING")]
    await attach_required(client, person, request, "PHYSIOTHERAPY")
    assert (await review(client, staff, request["id"], "APPROVED"))["errors"] == []


async def test_a_reminder_goes_out_once_three_days_before_the_answer_is_due(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    respond_by = saudi_today() + dt.timedelta(days=5)
    asked = await ask(client, staff, request["id"], note="Which centre?",
                      respondBy=respond_by.isoformat())
    assert asked["errors"] == []
    runtime: Runtime = app.state.runtime
    assert await jobs.send_due_reminders(runtime) == 0
    # The outbox keeps the runtime's clock: what is queued goes out before the days pass.
    await inbox.wait_for(person.e164, count=3)
    clock = runtime.clock
    runtime.clock = lambda: clock() + dt.timedelta(days=2)
    try:
        # Several server processes run the job at once: one of them sends it.
        sent = await asyncio.gather(*(jobs.send_due_reminders(runtime) for _ in range(4)))
        assert sum(sent) == 1
        assert await jobs.send_due_reminders(runtime) == 0
        # Sent while the days have passed: the reminder is due only then.
        messages = await inbox.wait_for(person.e164, count=4)
    finally:
        runtime.clock = clock
    assert "Reminder" not in "".join(messages[:3])
    assert f"Please answer by {respond_by.isoformat()}" in messages[3]
    await asyncio.sleep(0.2)
    assert len(inbox.to(person.e164)) == 4


async def test_respond_by_must_be_ahead_and_a_note_is_needed(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    past = await ask(client, staff, request["id"], note="Why?",
                     respondBy=saudi_today().isoformat())
    assert past["errors"] == [{"field": "respondBy", "code": "INVALID"}]
    silent = await ask(client, staff, request["id"])
    assert silent["errors"] == [{"field": "note", "code": "REQUIRED"}]
