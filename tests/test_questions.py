"""Questions: members ask and reply, staff answer and close, and each sees only what is theirs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import uuid

from models import Actor, Member, RequestEvent, RequestStatus, ServiceRequest, ServiceType
from schema.base import to_global_id
from tests.support import gql, signed_in_staff, signed_up

QUESTION_FIELDS = """
  id referenceNumber subject category status createdAt updatedAt
  messages { author body createdAt }
  relatedRequest { id referenceNumber }
  asker { nationalId }
"""

ASK_QUESTION = f"""
mutation AskQuestion($input: AskQuestionInput!) {{
  askQuestion(input: $input) {{
    question {{ {QUESTION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

REPLY_TO_QUESTION = f"""
mutation ReplyToQuestion($input: ReplyToQuestionInput!) {{
  replyToQuestion(input: $input) {{
    question {{ {QUESTION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

ANSWER_QUESTION = f"""
mutation AnswerQuestion($input: AnswerQuestionInput!) {{
  answerQuestion(input: $input) {{
    question {{ {QUESTION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

NODE = f"""
query Node($id: ID!) {{
  node(id: $id) {{ ... on Question {{ {QUESTION_FIELDS} }} }}
}}
"""

MY_QUESTIONS = """
query MyQuestions($status: QuestionStatus, $first: Int, $after: String) {
  me {
    questions(status: $status, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { subject status } }
    }
  }
}
"""

ALL_QUESTIONS = """
query AllQuestions($status: QuestionStatus, $first: Int, $after: String) {
  questions(status: $status, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node { subject status messages { author body } asker { nationalId } }
    }
  }
}
"""

UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) { errors { field code } }
}
"""


async def ask(client, person, subject="Pension start date", body="When does my pension start?",
              category="PENSION", **extra):
    variables = {"input": {"subject": subject, "body": body, "category": category, **extra}}
    result = await gql(client, ASK_QUESTION, variables, token=person.access_token)
    return result["data"]["askQuestion"]


async def asked(client, person, **fields) -> dict:
    payload = await ask(client, person, **fields)
    assert payload["errors"] == [], payload
    return payload["question"]


async def reply(client, person, question_id, body="One more detail."):
    variables = {"input": {"questionId": question_id, "body": body}}
    result = await gql(client, REPLY_TO_QUESTION, variables, token=person.access_token)
    return result["data"]["replyToQuestion"]


async def answer(client, staff, question_id, body="It starts next month.", close=None):
    variables = {"input": {"questionId": question_id, "body": body, "close": close}}
    result = await gql(client, ANSWER_QUESTION, variables, token=staff.access_token)
    return result["data"]["answerQuestion"]


async def node(client, person, global_id):
    result = await gql(client, NODE, {"id": global_id}, token=person.access_token)
    return result["data"]["node"]


async def own_request(person) -> str:
    """A service request of `person`, stored directly: these tests are not about submitting."""
    member = await Member.get(national_id=person.national_id)
    now = dt.datetime.now(dt.UTC)
    row = await ServiceRequest.create(
        reference_number=f"SR-T-{uuid.uuid4().hex[:10]}",
        member=member,
        type=ServiceType.HEALTH_INSURANCE,
        status=RequestStatus.SUBMITTED,
        details={"dependents": 0, "preferred_hospital": None},
        open_type=ServiceType.HEALTH_INSURANCE.value,
        submitted_at=now,
        updated_at=now,
    )
    await RequestEvent.create(
        request=row, status=RequestStatus.SUBMITTED, actor=Actor.MEMBER, actor_member=member,
        at=now,
    )
    return to_global_id("ServiceRequest", row.id)


def error_codes(payload) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_a_member_asks_a_question_and_gets_a_reference_number(client, inbox):
    person = await signed_up(client, inbox)
    question = await asked(
        client, person, subject="  Pension start date ", body="  When does my pension start?  "
    )
    year = dt.datetime.now(dt.UTC).year
    assert re.fullmatch(rf"Q-({year}|{year + 1})-000001", question["referenceNumber"])
    assert question["subject"] == "Pension start date"
    assert (question["category"], question["status"]) == ("PENSION", "OPEN")
    assert [(m["author"], m["body"]) for m in question["messages"]] == [
        ("MEMBER", "When does my pension start?")
    ]
    assert question["asker"] == {"nationalId": person.national_id}
    assert question["relatedRequest"] is None
    assert dt.datetime.fromisoformat(question["createdAt"]).utcoffset() is not None


async def test_reference_numbers_count_up_across_members(client, inbox):
    first = await asked(client, await signed_up(client, inbox))
    second = await asked(client, await signed_up(client, inbox))
    assert first["referenceNumber"][-6:] == "000001"
    assert second["referenceNumber"][-6:] == "000002"


async def test_question_text_is_required_and_bounded(client, inbox):
    person = await signed_up(client, inbox)
    payload = await ask(client, person, subject="   ", body="x" * 5001)
    assert payload["question"] is None
    assert sorted(error_codes(payload)) == [("body", "INVALID"), ("subject", "REQUIRED")]
    payload = await ask(client, person, subject="s" * 201, body="   ")
    assert sorted(error_codes(payload)) == [("body", "REQUIRED"), ("subject", "INVALID")]
    assert (await asked(client, person, subject="s" * 200, body="b" * 5000))["status"] == "OPEN"


async def test_anonymous_caller_cannot_ask_a_question(client):
    variables = {"input": {"subject": "Hello", "body": "Anyone?", "category": "GENERAL"}}
    result = await gql(client, ASK_QUESTION, variables)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_question_can_be_about_the_askers_own_request(client, inbox):
    person = await signed_up(client, inbox)
    request_id = await own_request(person)
    question = await asked(client, person, relatedRequestId=request_id)
    assert question["relatedRequest"]["id"] == request_id


async def test_another_members_request_cannot_be_attached_to_a_question(client, inbox):
    owner, asker = await signed_up(client, inbox), await signed_up(client, inbox)
    foreign = await own_request(owner)
    for related in (foreign, "bm90LWFuLWlk", to_global_id("ServiceRequest", uuid.uuid4())):
        payload = await ask(client, asker, relatedRequestId=related)
        assert payload["question"] is None
        assert error_codes(payload) == [("relatedRequestId", "NOT_FOUND")]
    mine = await gql(client, MY_QUESTIONS, token=asker.access_token)
    assert mine["data"]["me"]["questions"]["totalCount"] == 0


async def test_staff_answer_marks_the_question_answered_and_tells_the_member(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, person)
    payload = await answer(client, staff, question["id"], body="  It starts next month.  ")
    assert payload["errors"] == []
    answered = payload["question"]
    assert answered["status"] == "ANSWERED"
    assert [(m["author"], m["body"]) for m in answered["messages"]] == [
        ("MEMBER", "When does my pension start?"),
        ("STAFF", "It starts next month."),
    ]
    notice = (await inbox.wait_for(person.e164, count=2))[1]
    assert question["referenceNumber"] in notice and "answered" in notice


async def test_the_answer_notice_uses_the_members_channel_and_language(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    changed = await gql(
        client, UPDATE_PROFILE,
        {"input": {"preferredChannel": "EMAIL", "preferredLanguage": "AR"}},
        token=person.access_token,
    )
    assert changed["data"]["updateProfile"]["errors"] == []
    question = await asked(client, person)
    await answer(client, staff, question["id"])
    notice = (await inbox.wait_for(person.email))[0]
    assert "ردّت التأمينات الاجتماعية" in notice and question["referenceNumber"] in notice


async def test_a_reply_reopens_an_answered_question(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, person)
    await answer(client, staff, question["id"])
    payload = await reply(client, person, question["id"], body="  But which day?  ")
    assert payload["errors"] == []
    assert payload["question"]["status"] == "OPEN"
    assert [(m["author"], m["body"]) for m in payload["question"]["messages"]][-1] == (
        "MEMBER", "But which day?"
    )
    assert payload["question"]["updatedAt"] > question["updatedAt"]


async def test_a_closed_question_takes_no_more_replies(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, person)
    closed = await answer(client, staff, question["id"], close=True)
    assert closed["question"]["status"] == "CLOSED"
    payload = await reply(client, person, question["id"])
    assert payload["question"] is None
    assert error_codes(payload) == [("questionId", "INVALID_TRANSITION")]
    assert payload["errors"][0]["message"] == "This question is closed and takes no more replies."
    again = await answer(client, staff, question["id"], body="Also this.")
    assert error_codes(again) == [("questionId", "INVALID_TRANSITION")]
    assert len((await node(client, person, question["id"]))["messages"]) == 2


async def test_a_reply_racing_the_close_never_lands_on_a_closed_question(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, person)
    await asyncio.gather(
        answer(client, staff, question["id"], close=True),
        *(reply(client, person, question["id"], body=f"reply {n}") for n in range(5)),
    )
    final = await node(client, person, question["id"])
    assert final["status"] == "CLOSED"
    assert final["messages"][-1]["author"] == "STAFF"


async def test_reply_and_answer_need_a_body(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, person)
    assert error_codes(await reply(client, person, question["id"], body=" ")) == [
        ("body", "REQUIRED")
    ]
    assert error_codes(await answer(client, staff, question["id"], body="x" * 5001)) == [
        ("body", "INVALID")
    ]
    assert (await node(client, person, question["id"]))["status"] == "OPEN"


async def test_members_cannot_answer_questions(client, inbox):
    person = await signed_up(client, inbox)
    question = await asked(client, person)
    variables = {"input": {"questionId": question["id"], "body": "Answering myself."}}
    as_member = await gql(client, ANSWER_QUESTION, variables, token=person.access_token)
    assert as_member["data"] is None
    assert as_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(client, ANSWER_QUESTION, variables)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert len((await node(client, person, question["id"]))["messages"]) == 1


async def test_a_member_cannot_reply_to_someone_elses_question(client, inbox):
    owner, intruder = await signed_up(client, inbox), await signed_up(client, inbox)
    question = await asked(client, owner)
    payload = await reply(client, intruder, question["id"], body="Let me in.")
    assert payload["question"] is None
    assert error_codes(payload) == [("questionId", "NOT_FOUND")]
    # The same answer as for a question that does not exist at all.
    missing = await reply(client, intruder, to_global_id("Question", uuid.uuid4()))
    assert missing["errors"] == payload["errors"]
    assert len((await node(client, owner, question["id"]))["messages"]) == 1


async def test_a_question_is_visible_by_node_only_to_its_asker_and_staff(client, inbox, app):
    owner, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    question = await asked(client, owner)
    assert (await node(client, owner, question["id"]))["referenceNumber"] == (
        question["referenceNumber"]
    )
    assert (await node(client, staff, question["id"]))["asker"] == {
        "nationalId": owner.national_id
    }
    assert await node(client, other, question["id"]) is None
    assert await node(client, other, to_global_id("Question", uuid.uuid4())) is None


async def test_the_related_request_shows_to_staff_and_asker_only(client, inbox, app):
    owner = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request_id = await own_request(owner)
    question = await asked(client, owner, relatedRequestId=request_id)
    assert (await node(client, staff, question["id"]))["relatedRequest"]["id"] == request_id


async def test_members_list_their_own_questions_newest_first(client, inbox, app):
    person, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    first = await asked(client, person, subject="First")
    await asked(client, person, subject="Second")
    await asked(client, person, subject="Third")
    await asked(client, other, subject="Not mine")
    await answer(client, staff, first["id"])

    result = await gql(client, MY_QUESTIONS, token=person.access_token)
    listing = result["data"]["me"]["questions"]
    assert listing["totalCount"] == 3
    assert [e["node"]["subject"] for e in listing["edges"]] == ["Third", "Second", "First"]

    page = await gql(client, MY_QUESTIONS, {"first": 2}, token=person.access_token)
    page = page["data"]["me"]["questions"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(client, MY_QUESTIONS, {"first": 2, "after": page["pageInfo"]["endCursor"]},
                     token=person.access_token)
    rest = rest["data"]["me"]["questions"]
    assert [e["node"]["subject"] for e in rest["edges"]] == ["First"]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)

    answered = await gql(client, MY_QUESTIONS, {"status": "ANSWERED"}, token=person.access_token)
    answered = answered["data"]["me"]["questions"]
    assert (answered["totalCount"], answered["edges"][0]["node"]["subject"]) == (1, "First")


async def test_staff_list_every_question_oldest_first_page_by_page(client, inbox, app):
    one, two = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    await asked(client, one, subject="A")
    closed = await asked(client, two, subject="B")
    await asked(client, one, subject="C")
    await answer(client, staff, closed["id"], close=True)

    page = await gql(client, ALL_QUESTIONS, {"first": 2}, token=staff.access_token)
    page = page["data"]["questions"]
    assert page["totalCount"] == 3
    assert [e["node"]["subject"] for e in page["edges"]] == ["A", "B"]
    assert page["edges"][1]["node"]["asker"] == {"nationalId": two.national_id}
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    rest = await gql(client, ALL_QUESTIONS, {"after": page["pageInfo"]["endCursor"]},
                     token=staff.access_token)
    assert [e["node"]["subject"] for e in rest["data"]["questions"]["edges"]] == ["C"]

    open_only = await gql(client, ALL_QUESTIONS, {"status": "OPEN"}, token=staff.access_token)
    assert [e["node"]["subject"] for e in open_only["data"]["questions"]["edges"]] == ["A", "C"]


async def test_the_list_of_every_question_is_for_staff_only(client, inbox):
    person = await signed_up(client, inbox)
    await asked(client, person)
    anonymous = await gql(client, ALL_QUESTIONS)
    assert anonymous["data"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    as_member = await gql(client, ALL_QUESTIONS, token=person.access_token)
    assert as_member["data"] is None
    assert as_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_bad_cursor_or_page_size_is_the_callers_error_not_a_server_error(
    client, inbox, app
):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    for query, token, variables in (
        (ALL_QUESTIONS, staff.access_token, {"after": "not-a-cursor"}),
        (MY_QUESTIONS, person.access_token, {"after": "not-a-cursor"}),
        (ALL_QUESTIONS, staff.access_token, {"first": -1}),
    ):
        result = await gql(client, query, variables, token=token)
        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"] != "Unexpected error."


async def test_a_page_of_questions_loads_messages_and_askers_in_one_query_each(
    client, inbox, app, caplog
):
    staff = await signed_in_staff(client, app)
    for _ in range(3):
        person = await signed_up(client, inbox)
        question = await asked(client, person)
        await reply(client, person, question["id"])
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()
    result = await gql(client, ALL_QUESTIONS, token=staff.access_token)
    assert len(result["data"]["questions"]["edges"]) == 3
    statements = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    messages = [s for s in statements if 'FROM "question_message"' in s]
    askers = [s for s in statements if 'FROM "member"' in s and '"id" IN' in s]
    assert len(messages) == 1, messages
    assert len(askers) == 1, askers
