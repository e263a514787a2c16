"""Password reset by code, and password change."""

import asyncio

from tests.support import LOGIN, gql, new_person, signed_up, wrong_code

REQUEST_RESET = """
mutation R($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) {
    delivery { channel destination expiresAt resendAvailableAt }
    errors { field code message }
  }
}
"""
RESET = """
mutation R($input: ResetPasswordInput!) { resetPassword(input: $input) { errors { field code } } }
"""
CHANGE = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { field code } } }
"""
ME = "query { me { nationalId } }"
NEW_PASSWORD = "cedar-lantern-harbor-77"


async def login(client, person, password):
    result = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                 "password": password}})
    return result["data"]["login"]


async def test_a_reset_code_sets_a_new_password_and_ends_every_session(client, inbox):
    person = await signed_up(client, inbox)
    requested = await gql(client, REQUEST_RESET, {"input": {"nationalId": person.national_id}})
    delivery = requested["data"]["requestPasswordReset"]["delivery"]
    assert delivery["channel"] == "SMS"
    assert delivery["destination"] == person.e164[:5] + "******" + person.e164[-2:]
    code = await inbox.code_for(person.e164, nth=2)  # the first was the activation code

    reset = await gql(client, RESET, {"input": {"nationalId": person.national_id, "code": code,
                                                "newPassword": NEW_PASSWORD}})
    assert reset["data"]["resetPassword"]["errors"] == []
    assert (await gql(client, ME, token=person.access_token))["data"]["me"] is None
    assert (await login(client, person, person.password))["errors"][0]["code"] == (
        "INVALID_CREDENTIALS"
    )
    assert (await login(client, person, NEW_PASSWORD))["errors"] == []


async def test_an_unknown_id_gets_a_plausible_delivery_and_nothing_is_sent(client, inbox):
    stranger = new_person()
    first = await gql(client, REQUEST_RESET, {"input": {"nationalId": stranger.national_id}})
    delivery = first["data"]["requestPasswordReset"]["delivery"]
    assert first["data"]["requestPasswordReset"]["errors"] == []
    assert delivery["channel"] == "SMS"
    assert delivery["destination"].startswith("+9665") and "******" in delivery["destination"]
    by_email = await gql(client, REQUEST_RESET, {"input": {"nationalId": new_person().national_id,
                                                           "channel": "EMAIL"}})
    assert "@" in by_email["data"]["requestPasswordReset"]["delivery"]["destination"]
    await asyncio.sleep(0.3)
    assert inbox.to(stranger.e164) == []


async def test_a_second_reset_request_within_a_minute_is_refused_alike_for_everyone(client, inbox):
    person = await signed_up(client, inbox)
    for national_id in (person.national_id, new_person().national_id):
        await gql(client, REQUEST_RESET, {"input": {"nationalId": national_id}})
        again = await gql(client, REQUEST_RESET, {"input": {"nationalId": national_id}})
        assert again["data"]["requestPasswordReset"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_a_wrong_reset_code_changes_nothing(client, inbox):
    person = await signed_up(client, inbox)
    await gql(client, REQUEST_RESET, {"input": {"nationalId": person.national_id}})
    code = await inbox.code_for(person.e164, nth=2)
    wrong = wrong_code(code)
    reset = await gql(client, RESET, {"input": {"nationalId": person.national_id, "code": wrong,
                                                "newPassword": NEW_PASSWORD}})
    assert reset["data"]["resetPassword"]["errors"] == [{"field": "code", "code": "INVALID_CODE"}]
    assert (await login(client, person, person.password))["errors"] == []


async def test_an_activation_code_cannot_reset_a_password(client, inbox):
    person = await signed_up(client, inbox)
    activation_code = await inbox.code_for(person.e164)
    reset = await gql(client, RESET, {"input": {"nationalId": person.national_id,
                                                "code": activation_code,
                                                "newPassword": NEW_PASSWORD}})
    assert reset["data"]["resetPassword"]["errors"][0]["code"] in {"CODE_EXPIRED", "INVALID_CODE"}


async def test_changing_the_password_needs_the_current_one(client, inbox):
    person = await signed_up(client, inbox)
    wrong = await gql(client, CHANGE, {"input": {"currentPassword": "not-my-password-1",
                                                 "newPassword": NEW_PASSWORD}},
                      token=person.access_token)
    assert wrong["data"]["changePassword"]["errors"] == [
        {"field": "currentPassword", "code": "INVALID_CREDENTIALS"}
    ]
    weak = await gql(client, CHANGE, {"input": {"currentPassword": person.password,
                                                "newPassword": "short"}},
                     token=person.access_token)
    assert weak["data"]["changePassword"]["errors"] == [
        {"field": "newPassword", "code": "WEAK_PASSWORD"}
    ]


async def test_a_password_change_ends_every_session(client, inbox):
    person = await signed_up(client, inbox)
    other = (await login(client, person, person.password))["session"]
    changed = await gql(client, CHANGE, {"input": {"currentPassword": person.password,
                                                   "newPassword": NEW_PASSWORD}},
                        token=person.access_token)
    assert changed["data"]["changePassword"]["errors"] == []
    assert (await gql(client, ME, token=other["accessToken"]))["data"]["me"] is None
    assert (await gql(client, ME, token=person.access_token))["data"]["me"] is None
    assert (await login(client, person, NEW_PASSWORD))["errors"] == []


async def test_changing_the_password_signed_out_is_unauthenticated(client):
    result = await gql(client, CHANGE, {"input": {"currentPassword": "a", "newPassword": "b"}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
