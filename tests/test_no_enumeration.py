"""Answers that do not tell who is registered, and limits that hold under concurrency."""

import asyncio
import dataclasses
import datetime as dt

import pytest

from models import CodePurpose, Member, NotificationChannel, OneTimeCode
from resolvers.platform.settings import Settings
from resolvers.platform.throttle import LOGIN_FAILURES_PER_IP, REGISTRATIONS_PER_IP
from tests.support import LOGIN, gql, new_person, register, signed_up


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Cheaper password hashing: these tests are about other rules (test_login checks the
    production strength)."""
    return dataclasses.replace(settings, argon2_memory_kib=4096, argon2_time_cost=1)


REQUEST_RESET = """
mutation R($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) {
    delivery { channel destination }
    errors { field code }
  }
}
"""
RESET = """
mutation R($input: ResetPasswordInput!) { resetPassword(input: $input) { errors { field code } } }
"""
RESEND = """
mutation R($input: ResendActivationCodeInput!) {
  resendActivationCode(input: $input) { delivery { channel } errors { code } }
}
"""
WEAK = "short"


def shape(delivery):
    """What a stranger sees of a delivery, the masked text reduced to its form."""
    local, _, domain = delivery["destination"].partition("@")
    return delivery["channel"], local[:1].isalpha(), set(local[1:]), domain != ""


async def test_asking_for_a_reset_by_email_answers_alike_with_or_without_an_email(client, inbox):
    person = await signed_up(client, inbox)
    await Member.filter(national_id=person.national_id).update(email=None)
    known = await gql(client, REQUEST_RESET, {"input": {"nationalId": person.national_id,
                                                        "channel": "EMAIL"}})
    unknown = await gql(client, REQUEST_RESET, {"input": {"nationalId": new_person().national_id,
                                                          "channel": "EMAIL"}})
    known, unknown = known["data"]["requestPasswordReset"], unknown["data"]["requestPasswordReset"]

    assert known["errors"] == unknown["errors"] == []
    assert shape(known["delivery"]) == shape(unknown["delivery"]) == ("EMAIL", True, {"*"}, True)
    # The owner still gets a code, on the mobile.
    assert await inbox.code_for(person.e164, nth=2)


async def test_reset_checks_the_code_before_the_new_password(client, inbox):
    person = await signed_up(client, inbox)
    await gql(client, REQUEST_RESET, {"input": {"nationalId": person.national_id}})
    code = await inbox.code_for(person.e164, nth=2)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    real = await gql(client, RESET, {"input": {"nationalId": person.national_id, "code": wrong,
                                               "newPassword": WEAK}})
    stranger = await gql(client, RESET, {"input": {"nationalId": new_person().national_id,
                                                   "code": wrong, "newPassword": WEAK}})
    assert real["data"]["resetPassword"]["errors"] == [{"field": "code", "code": "INVALID_CODE"}]
    assert stranger["data"]["resetPassword"] == real["data"]["resetPassword"]

    # With the right code the weak password is refused, and the code still works after.
    weak = await gql(client, RESET, {"input": {"nationalId": person.national_id, "code": code,
                                               "newPassword": WEAK}})
    assert weak["data"]["resetPassword"]["errors"] == [{"field": "newPassword",
                                                        "code": "WEAK_PASSWORD"}]
    done = await gql(client, RESET, {"input": {"nationalId": person.national_id, "code": code,
                                               "newPassword": "cedar-lantern-harbor-77"}})
    assert done["data"]["resetPassword"]["errors"] == []


async def test_one_address_is_told_an_id_is_registered_five_times_an_hour(client, inbox):
    person = await signed_up(client, inbox)
    answers = await asyncio.gather(*(register(client, person) for _ in range(10)))
    codes = sorted(answer["errors"][0]["code"] for answer in answers)
    assert codes == ["ALREADY_REGISTERED"] * 5 + ["RATE_LIMITED"] * 5


async def test_ten_concurrent_resends_send_one_code(client, inbox):
    person = new_person()
    await register(client, person)
    await inbox.wait_for(person.e164)
    pending = await Member.get(national_id=person.national_id)
    # The registration's code was sent over a minute ago.
    await OneTimeCode.filter(member_id=pending.id).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    )
    answers = await asyncio.gather(*(
        gql(client, RESEND, {"input": {"nationalId": person.national_id}}) for _ in range(10)
    ))
    sent = [a for a in answers if a["data"]["resendActivationCode"]["errors"] == []]
    assert len(sent) == 1
    assert await OneTimeCode.filter(member_id=pending.id).count() == 2
    await inbox.wait_for(person.e164, 2)
    await asyncio.sleep(0.2)
    assert len(inbox.to(person.e164)) == 2


async def test_ten_concurrent_resends_keep_five_codes_an_hour(client, inbox):
    person = new_person()
    await register(client, person)
    pending = await Member.get(national_id=person.national_id)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    await OneTimeCode.filter(member_id=pending.id).update(created_at=long_ago)
    for _ in range(3):
        await OneTimeCode.create(
            member_id=pending.id, purpose=CodePurpose.ACTIVATION, channel=NotificationChannel.SMS,
            destination=pending.mobile, code_hash="-", expires_at=long_ago, created_at=long_ago,
        )
    answers = await asyncio.gather(*(
        gql(client, RESEND, {"input": {"nationalId": person.national_id}}) for _ in range(10)
    ))
    codes = sorted(e["code"] for a in answers for e in a["data"]["resendActivationCode"]["errors"])
    assert codes == ["RATE_LIMITED"] * 9
    assert await OneTimeCode.filter(member_id=pending.id).count() == 5


async def test_ten_concurrent_reset_requests_send_one_code(client, inbox):
    person = await signed_up(client, inbox)
    answers = await asyncio.gather(*(
        gql(client, REQUEST_RESET, {"input": {"nationalId": person.national_id}})
        for _ in range(10)
    ))
    codes = sorted(e["code"] for a in answers for e in a["data"]["requestPasswordReset"]["errors"])
    assert codes == ["RATE_LIMITED"] * 9
    await inbox.wait_for(person.e164, 2)  # activation, then one reset code
    await asyncio.sleep(0.3)
    assert len(inbox.to(person.e164)) == 2


async def login(client, national_id, password):
    result = await gql(client, LOGIN, {"input": {"nationalId": national_id, "password": password}})
    return result["data"]["login"]["errors"]


async def test_ten_concurrent_wrong_passwords_get_five_tries(client, inbox):
    person = await signed_up(client, inbox)
    answers = await asyncio.gather(*(
        login(client, person.national_id, "wrong-password-123") for _ in range(10)
    ))
    assert sorted(errors[0]["code"] for errors in answers) == (
        ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 5
    )


async def test_ten_concurrent_sign_ins_near_the_address_limit_get_what_is_left(client, app):
    throttle = app.state.runtime.throttle
    for _ in range(95):
        await throttle.hit(LOGIN_FAILURES_PER_IP, "login-ip:127.0.0.1")
    answers = await asyncio.gather(*(
        login(client, new_person().national_id, "wrong-password-123") for _ in range(10)
    ))
    assert sorted(errors[0]["code"] for errors in answers) == (
        ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 5
    )


async def test_ten_concurrent_registrations_near_the_address_limit_get_what_is_left(client, app):
    throttle = app.state.runtime.throttle
    for _ in range(27):
        await throttle.hit(REGISTRATIONS_PER_IP, "register-ip:127.0.0.1")
    answers = await asyncio.gather(*(register(client, new_person()) for _ in range(10)))
    assert sorted(e["code"] for a in answers for e in a["errors"]) == ["RATE_LIMITED"] * 7
