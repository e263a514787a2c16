"""The inbox: every notice sent by SMS or email is also a Notification, newest first."""

from __future__ import annotations

from tests.support import gql, signed_in_staff, signed_up
from tests.test_questions import ANSWER_QUESTION, ASK_QUESTION
from tests.test_subscriptions import review, submitted

INBOX = """
query Inbox($unread: Boolean, $first: Int, $after: String) {
  me {
    unreadNotificationCount
    notifications(unreadOnly: $unread, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id kind title body readAt request { referenceNumber } question { referenceNumber } } }
    }
  }
}
"""
MARK_READ = """
mutation Mark($input: MarkNotificationsReadInput) {
  markNotificationsRead(input: $input) { unreadCount errors { code } }
}
"""
UPDATE_PROFILE = """
mutation U($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }
"""


async def inbox_of(client, person, **variables) -> dict:
    result = await gql(client, INBOX, variables, token=person.access_token)
    assert "errors" not in result, result
    return result["data"]["me"]


async def mark_read(client, person, ids=None) -> int:
    variables = {"input": None if ids is None else {"ids": ids}}
    result = await gql(client, MARK_READ, variables, token=person.access_token)
    payload = result["data"]["markNotificationsRead"]
    assert payload["errors"] == []
    return payload["unreadCount"]


async def test_every_notice_lands_in_the_inbox_linked_to_what_it_is_about(client, inbox, app):
    person = await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    await review(client, staff, request["id"], "UNDER_REVIEW")
    await review(client, staff, request["id"], "NEEDS_INFORMATION", note="Send the report.")
    asked = await gql(client, ASK_QUESTION, {"input": {
        "subject": "Pension start", "body": "When?", "category": "PENSION"}},
        token=person.access_token)
    question = asked["data"]["askQuestion"]["question"]
    await gql(client, ANSWER_QUESTION, {"input": {"questionId": question["id"], "body": "Soon."}},
              token=staff.access_token)

    first = await inbox_of(client, person, first=2)
    assert first["unreadNotificationCount"] == 3
    assert first["notifications"]["totalCount"] == 3
    answered, information = (edge["node"] for edge in first["notifications"]["edges"])
    assert answered["kind"] == "QUESTION_ANSWERED"
    assert answered["question"] == {"referenceNumber": question["referenceNumber"]}
    assert answered["title"] == f"Answer to {question['referenceNumber']}"
    assert information["kind"] == "INFORMATION_REQUESTED" and information["readAt"] is None
    assert information["request"] == {"referenceNumber": request["referenceNumber"]}
    assert information["body"].startswith(f"Your request {request['referenceNumber']} is now: "
                                          "Information needed. Note: Send the report. "
                                          "Please answer by ")
    assert first["notifications"]["pageInfo"]["hasNextPage"] is True

    rest = await inbox_of(client, person, first=2, after=first["notifications"]["pageInfo"]["endCursor"])
    (moved,) = (edge["node"] for edge in rest["notifications"]["edges"])
    assert moved["kind"] == "REQUEST_STATUS_CHANGED" and moved["title"].endswith("Under review")
    assert rest["notifications"]["pageInfo"]["hasNextPage"] is False
    # Each notice also went out by SMS, with the same text.
    sms = await inbox.wait_for(person.e164, count=4)
    assert information["body"] in sms


async def test_a_notice_is_in_the_language_the_member_chose_in_the_same_change(client, inbox):
    person = await signed_up(client, inbox)
    changed = await gql(client, UPDATE_PROFILE, {"input": {
        "preferredLanguage": "AR", "iban": "SA0380000000608010167519"}}, token=person.access_token)
    assert changed["data"]["updateProfile"]["errors"] == []
    (notice,) = (edge["node"] for edge in (await inbox_of(client, person))["notifications"]["edges"])
    assert notice["kind"] == "PROFILE_CHANGED"
    assert notice["title"] == "تم تغيير حسابك البنكي" and "7519" in notice["body"]
    assert notice["request"] is None and notice["question"] is None


async def test_marking_read_some_or_all_answers_the_new_unread_count(client, inbox, app):
    person, other = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, person)
    for status in ("UNDER_REVIEW", "NEEDS_INFORMATION", "UNDER_REVIEW"):
        await review(client, staff, request["id"], status, note="Which centre?")
    theirs = await submitted(client, other)
    await review(client, staff, theirs["id"], "UNDER_REVIEW")
    (their_notice,) = [e["node"]["id"] for e in (await inbox_of(client, other))["notifications"]["edges"]]
    newest, middle, oldest = [e["node"]["id"] for e in (await inbox_of(client, person))["notifications"]["edges"]]

    assert await mark_read(client, person, [newest, middle]) == 1
    # Someone else's notification (or anything that is not a notification) changes nothing.
    assert await mark_read(client, person, [their_notice, request["id"], "garbage"]) == 1
    unread = await inbox_of(client, person, unread=True)
    assert [e["node"]["id"] for e in unread["notifications"]["edges"]] == [oldest]
    assert await mark_read(client, person) == 0
    assert all(e["node"]["readAt"] for e in (await inbox_of(client, person))["notifications"]["edges"])
    assert (await inbox_of(client, other))["unreadNotificationCount"] == 1
