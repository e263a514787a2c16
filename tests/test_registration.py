"""register: validation, delivery of the activation code, and starting over."""

import datetime as dt

import pytest

from tests.support import (
    CODE_PATTERN,
    gql,
    new_mobile,
    new_national_id,
    new_person,
    register,
    signed_up,
)

RESEND = """
mutation Resend($input: ResendActivationCodeInput!) {
  resendActivationCode(input: $input) {
    delivery { channel destination expiresAt resendAvailableAt }
    errors { field code message }
  }
}
"""


def codes_of(errors):
    return {(error["field"], error["code"]) for error in errors}


async def test_registration_sends_the_code_by_sms_and_shows_a_masked_destination(client, inbox):
    person = new_person()
    result = await register(client, person)

    assert result["errors"] == []
    assert result["member"]["status"] == "PENDING_ACTIVATION"
    assert result["member"]["mobile"] == person.e164
    assert result["member"]["residency"] == "CITIZEN"
    delivery = result["delivery"]
    assert delivery["channel"] == "SMS"
    assert delivery["destination"] == person.e164[:5] + "******" + person.e164[-2:]
    message = (await inbox.wait_for(person.e164))[0]
    assert len(CODE_PATTERN.findall(message)) == 1
    assert "activation code" in message  # preferredLanguage EN


async def test_registration_by_email_sends_the_code_to_the_mailbox_in_arabic_by_default(
    client, inbox
):
    person = new_person()
    result = await register(client, person, channel="EMAIL", preferredLanguage=None)

    assert result["errors"] == []
    assert result["delivery"]["destination"].endswith("@example.com")
    assert result["delivery"]["destination"].startswith("m*")
    message = (await inbox.wait_for(person.email))[0]
    assert "رمز تفعيل" in message
    assert len(CODE_PATTERN.findall(message)) == 1


async def test_arabic_indic_digits_are_accepted_and_normalized(client, inbox):
    person = new_person()
    arabic = person.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    result = await register(client, person, nationalId=arabic)

    assert result["errors"] == []
    assert result["member"]["nationalId"] == person.national_id


@pytest.mark.parametrize(
    "national_id",
    ["123456789", "12345678901", "3000000001", "1000000001", "abcdefghij", ""],
)
async def test_invalid_national_ids_are_refused(client, national_id):
    result = await register(client, new_person(), nationalId=national_id)
    assert ("nationalId", "INVALID_NATIONAL_ID") in codes_of(result["errors"])
    assert result["member"] is None


async def test_resident_ids_start_with_2(client):
    person = new_person()
    result = await register(client, person, nationalId=new_national_id("2"))
    assert result["member"]["residency"] == "RESIDENT"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("fullName", "Sara", "INVALID"),
        ("fullName", "   ", "REQUIRED"),
        ("dateOfBirth", "2099-01-01", "INVALID"),
        ("dateOfBirth", "2020-01-01", "INVALID"),
        ("mobile", "0112345678", "INVALID_MOBILE"),
        ("mobile", "+971501234567", "INVALID_MOBILE"),
        ("email", "not-an-email", "INVALID_EMAIL"),
        ("password", "short", "WEAK_PASSWORD"),
        ("password", "x" * 129, "WEAK_PASSWORD"),
        ("password", "1qaz2wsx3edc", "WEAK_PASSWORD"),
    ],
)
async def test_each_bad_field_is_a_payload_error_naming_it(client, field, value, code):
    result = await register(client, new_person(), **{field: value})
    assert (field, code) in codes_of(result["errors"])
    assert result["member"] is None


async def test_password_may_not_contain_the_national_id_or_date_of_birth(client):
    person = new_person()
    with_id = await register(client, person, password=f"my-id-{person.national_id}")
    with_birthday = await register(client, person, password="born-1988-04-12-happy")
    assert codes_of(with_id["errors"]) == {("password", "WEAK_PASSWORD")}
    assert codes_of(with_birthday["errors"]) == {("password", "WEAK_PASSWORD")}


async def test_email_channel_needs_an_email(client):
    result = await register(client, new_person(), channel="EMAIL", email=None)
    assert codes_of(result["errors"]) == {("email", "REQUIRED")}


async def test_every_problem_is_reported_at_once_in_the_callers_language(client):
    person = new_person()
    variables = {"input": person.registration(fullName="X", mobile="123", password="short")}
    english = (await gql(client, REGISTER_ERRORS, variables, language="en"))["data"]["register"]
    arabic = (await gql(client, REGISTER_ERRORS, variables, language="ar"))["data"]["register"]
    default = (await gql(client, REGISTER_ERRORS, variables, language=""))["data"]["register"]

    assert {e["field"] for e in english["errors"]} == {"fullName", "mobile", "password"}
    assert english["errors"][1]["message"] == "Enter a Saudi mobile number, e.g. 05XXXXXXXX."
    assert arabic["errors"][1]["message"] == "أدخل رقم جوال سعودي، مثل 05XXXXXXXX."
    assert default["errors"] == arabic["errors"]


REGISTER_ERRORS = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { id } errors { field code message } }
}
"""


async def test_an_active_national_id_cannot_register_again(client, inbox):
    person = await signed_up(client, inbox)
    again = await register(client, person, mobile=new_mobile())
    assert codes_of(again["errors"]) == {("nationalId", "ALREADY_REGISTERED")}


async def test_registering_a_pending_id_again_replaces_the_data_and_sends_a_new_code(
    client, inbox, app
):
    person = new_person()
    await register(client, person)
    first_code = await inbox.code_for(person.e164)
    later = app.state.runtime.clock() + dt.timedelta(seconds=61)
    app.state.runtime.clock = lambda: later

    person.mobile = new_mobile()
    again = await register(client, person, fullName="Sara Abdullah Alotaibi")

    assert again["errors"] == []
    assert again["member"]["fullName"] == "Sara Abdullah Alotaibi"
    assert again["member"]["mobile"] == person.e164
    new_code = await inbox.code_for(person.e164)
    if new_code != first_code:  # one chance in a million that they are equal
        stale = await gql(client, ACTIVATE_CODE, {"id": person.national_id, "code": first_code})
        assert stale["data"]["activate"]["errors"][0]["code"] == "INVALID_CODE"
    fresh = await gql(client, ACTIVATE_CODE, {"id": person.national_id, "code": new_code})
    assert fresh["data"]["activate"]["member"]["status"] == "ACTIVE"


ACTIVATE_CODE = """
mutation A($id: String!, $code: String!) {
  activate(input: {nationalId: $id, code: $code, confirmDetails: true}) {
    member { status } errors { field code }
  }
}
"""


async def test_a_resend_within_a_minute_is_refused_with_the_seconds_left(client, inbox, app):
    registered_at = app.state.runtime.clock()
    app.state.runtime.clock = lambda: registered_at
    person = new_person()
    await register(client, person)
    waits = []
    for elapsed in (0, 15, 59.5):
        moment = registered_at + dt.timedelta(seconds=elapsed)
        app.state.runtime.clock = lambda moment=moment: moment
        result = await gql(client, RESEND, {"input": {"nationalId": person.national_id}})
        [error] = result["data"]["resendActivationCode"]["errors"]
        assert error["code"] == "RATE_LIMITED"
        waits.append(error["message"])
    assert waits == [f"Wait {seconds} seconds before asking for a new code." for seconds in (60, 45, 1)]


async def test_at_most_five_codes_an_hour(client, inbox, app):
    person = new_person()
    await register(client, person)
    start = app.state.runtime.clock()
    outcomes = []
    for minute in range(1, 6):
        moment = start + dt.timedelta(minutes=minute)
        app.state.runtime.clock = lambda moment=moment: moment
        result = await gql(client, RESEND, {"input": {"nationalId": person.national_id}})
        outcomes.append([e["code"] for e in result["data"]["resendActivationCode"]["errors"]])
    assert outcomes == [[], [], [], [], ["RATE_LIMITED"]]
    await inbox.wait_for(person.e164, count=5)


async def test_resend_can_switch_to_email(client, inbox, app):
    person = new_person()
    await register(client, person)
    later = app.state.runtime.clock() + dt.timedelta(seconds=61)
    app.state.runtime.clock = lambda: later
    result = await gql(
        client, RESEND, {"input": {"nationalId": person.national_id, "channel": "EMAIL"}}
    )
    assert result["data"]["resendActivationCode"]["delivery"]["channel"] == "EMAIL"
    assert await inbox.code_for(person.email)


async def test_thirty_registrations_an_hour_from_one_address(client):
    outcomes = []
    for _ in range(31):
        result = await register(client, new_person())
        outcomes.append([e["code"] for e in result["errors"]])
    assert outcomes[:30] == [[]] * 30
    assert outcomes[30] == ["RATE_LIMITED"]
