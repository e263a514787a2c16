"""activate and the one-time code rules: expiry, attempts, single use, binding."""

import asyncio
import datetime as dt

from models import OneTimeCode, OutboundMessage
from tests.support import CODE_PATTERN, gql, new_person, register, wrong_code

ACTIVATE = """
mutation Activate($input: ActivateInput!) {
  activate(input: $input) {
    member { fullName status email dateOfBirth address { city district street } }
    session { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt }
    errors { field code message }
  }
}
"""
ME = "query { me { nationalId status } }"


async def activate(client, person, code, **extra):
    payload = {"nationalId": person.national_id, "code": code, "confirmDetails": True, **extra}
    return (await gql(client, ACTIVATE, {"input": payload}))["data"]["activate"]


async def pending(client, inbox):
    person = new_person()
    await register(client, person)
    return person, await inbox.code_for(person.e164)


async def test_the_right_code_activates_and_signs_in(client, inbox):
    person, code = await pending(client, inbox)
    result = await activate(client, person, code)

    assert result["errors"] == []
    assert result["member"]["status"] == "ACTIVE"
    session = result["session"]
    me = await gql(client, ME, token=session["accessToken"])
    assert me["data"]["me"] == {"nationalId": person.national_id, "status": "ACTIVE"}
    issued = dt.datetime.fromisoformat(session["accessTokenExpiresAt"])
    refresh = dt.datetime.fromisoformat(session["refreshTokenExpiresAt"])
    assert dt.timedelta(minutes=14) < issued - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    assert dt.timedelta(days=29) < refresh - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)


async def test_corrections_are_applied_on_activation(client, inbox):
    person, code = await pending(client, inbox)
    result = await activate(
        client, person, code,
        corrections={
            "fullName": "Sara Abdullah Al-Harbi",
            "dateOfBirth": "1988-05-12",
            "email": "sara.harbi@example.com",
            "address": {"city": "Riyadh", "district": "Al Olaya", "street": "King Fahd Road"},
        },
    )
    assert result["errors"] == []
    assert result["member"] == {
        "fullName": "Sara Abdullah Al-Harbi",
        "status": "ACTIVE",
        "email": "sara.harbi@example.com",
        "dateOfBirth": "1988-05-12",
        "address": {"city": "Riyadh", "district": "Al Olaya", "street": "King Fahd Road"},
    }


async def test_not_confirming_the_details_is_an_error_and_spends_no_attempt(client, inbox):
    person, code = await pending(client, inbox)
    refused = await activate(client, person, code, confirmDetails=False)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("confirmDetails", "INVALID")]
    assert refused["session"] is None

    bad_correction = await activate(client, person, code, corrections={"fullName": "X"})
    assert bad_correction["errors"][0]["field"] == "corrections.fullName"
    assert (await activate(client, person, code))["errors"] == []


async def test_a_wrong_code_is_refused(client, inbox):
    person, code = await pending(client, inbox)
    result = await activate(client, person, wrong_code(code))
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("code", "INVALID_CODE")]
    assert result["session"] is None


async def test_a_code_is_void_after_five_wrong_attempts(client, inbox):
    person, code = await pending(client, inbox)
    outcomes = [(await activate(client, person, wrong_code(code)))["errors"][0]["code"] for _ in range(6)]
    assert outcomes == ["INVALID_CODE"] * 5 + ["TOO_MANY_ATTEMPTS"]
    right = await activate(client, person, code)
    assert right["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"


async def test_fifty_concurrent_wrong_codes_get_at_most_five_evaluations(client, inbox):
    person, code = await pending(client, inbox)
    results = await asyncio.gather(*(activate(client, person, wrong_code(code)) for _ in range(50)))
    outcomes = [result["errors"][0]["code"] for result in results]
    assert outcomes.count("INVALID_CODE") <= 5
    assert set(outcomes) <= {"INVALID_CODE", "TOO_MANY_ATTEMPTS"}
    assert (await activate(client, person, code))["errors"][0]["code"] == "TOO_MANY_ATTEMPTS"
    row = await OneTimeCode.get(member__national_id=person.national_id)
    assert row.attempts == 5


async def test_a_code_expires_after_ten_minutes(client, inbox, app):
    person, code = await pending(client, inbox)
    later = app.state.runtime.clock() + dt.timedelta(minutes=10, seconds=1)
    app.state.runtime.clock = lambda: later
    assert (await activate(client, person, code))["errors"][0]["code"] == "CODE_EXPIRED"


async def test_a_code_works_once(client, inbox):
    person, code = await pending(client, inbox)
    assert (await activate(client, person, code))["errors"] == []
    assert (await activate(client, person, code))["errors"][0]["code"] == "INVALID_CODE"


async def test_an_unknown_national_id_gets_the_same_answer_as_a_wrong_code(client, inbox):
    person = new_person()
    result = await activate(client, person, "123456")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("code", "INVALID_CODE")]


async def test_codes_and_message_bodies_are_not_stored_in_plain_text(client, inbox, app, sms_gateway):
    sms_gateway.failing = True  # the message waits in the outbox
    person = new_person()
    await register(client, person)
    row = await OneTimeCode.get(member__national_id=person.national_id)
    queued = await OutboundMessage.get(destination=person.e164)
    assert queued.delivered_at is None and queued.body_encrypted
    opened = app.state.runtime.keyring.open(queued.body_encrypted)
    code = CODE_PATTERN.findall(opened or "")[0]
    assert code not in row.code_hash and code not in queued.body_encrypted

    sms_gateway.failing = False
    assert await inbox.code_for(person.e164) == code
    # Once delivered, the body is wiped from the outbox.
    for _ in range(250):
        delivered = await OutboundMessage.get(id=queued.id)
        if delivered.delivered_at is not None:
            break
        await asyncio.sleep(0.02)
    assert delivered.delivered_at is not None
    assert delivered.body_encrypted is None
