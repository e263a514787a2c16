"""Answers that do not tell who is registered, and limits that hold under concurrency."""

import asyncio
import datetime as dt
import re

from models import CodePurpose, Member, NotificationChannel, OneTimeCode
from resolvers.platform.throttle import LOGIN_FAILURES_PER_IP, REGISTRATIONS_PER_IP
from tests.support import LOGIN, gql, new_person, register, signed_in_staff, signed_up, wrong_code

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
    wrong = wrong_code(code)

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


async def used_up(app, limit, key: str, *, times: int) -> None:
    """Spends `times` of `limit` for `key`, as earlier calls from this address would have."""
    for _ in range(times):
        await app.state.runtime.throttle.hit(limit, key)


async def test_ten_concurrent_wrong_passwords_get_five_tries(client, inbox):
    person = await signed_up(client, inbox)
    answers = await asyncio.gather(*(
        login(client, person.national_id, "wrong-password-123") for _ in range(10)
    ))
    assert sorted(errors[0]["code"] for errors in answers) == (
        ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 5
    )


async def test_ten_concurrent_sign_ins_near_the_address_limit_get_what_is_left(client, app):
    await used_up(app, LOGIN_FAILURES_PER_IP, "login-ip:127.0.0.1", times=95)
    answers = await asyncio.gather(*(
        login(client, new_person().national_id, "wrong-password-123") for _ in range(10)
    ))
    assert sorted(errors[0]["code"] for errors in answers) == (
        ["INVALID_CREDENTIALS"] * 5 + ["RATE_LIMITED"] * 5
    )


async def test_ten_concurrent_registrations_near_the_address_limit_get_what_is_left(client, app):
    await used_up(app, REGISTRATIONS_PER_IP, "register-ip:127.0.0.1", times=27)
    answers = await asyncio.gather(*(register(client, new_person()) for _ in range(10)))
    assert sorted(e["code"] for a in answers for e in a["errors"]) == ["RATE_LIMITED"] * 7


MASKED_EMAIL = re.compile(r"[a-z]\*{5}@(?P<domain>[a-z0-9.-]+)")
MASKED_MOBILE = re.compile(r"\+9665\*{6}\d{2}")


async def reset(client, national_id, channel=None):
    variables = {"input": {"nationalId": national_id, **({"channel": channel} if channel else {})}}
    return (await gql(client, REQUEST_RESET, variables))["data"]["requestPasswordReset"]


async def test_a_reset_shows_an_unknown_id_a_destination_shaped_like_a_real_one(client, inbox, app):
    members = [await signed_up(client, inbox) for _ in range(2)]
    # Addresses of different lengths at domains members really use.
    await Member.filter(national_id=members[0].national_id).update(email="fatimah.alharbi@stc.com.sa")
    await Member.filter(national_id=members[1].national_id).update(email="ali@mail.example.org")
    real = [await reset(client, m.national_id, "EMAIL") for m in members]
    strangers = [await reset(client, new_person().national_id, "EMAIL") for _ in range(6)]
    for answer in real + strangers:
        assert answer["errors"] == []
        assert MASKED_EMAIL.fullmatch(answer["delivery"]["destination"]), answer
    used = {"stc.com.sa", "mail.example.org"}
    for answer in strangers:
        assert MASKED_EMAIL.fullmatch(answer["delivery"]["destination"])["domain"] in used

    # A staff account has no mobile: it answers as any ID does, and nothing is sent.
    staff = await signed_in_staff(client, app)
    by_sms = await reset(client, staff.national_id)
    assert by_sms["errors"] == [] and MASKED_MOBILE.fullmatch(by_sms["delivery"]["destination"])


async def test_a_known_id_over_its_own_code_limit_answers_like_an_unknown_one(client, inbox, app):
    person = await signed_up(client, inbox)
    member = await Member.get(national_id=person.national_id)
    now = dt.datetime.now(dt.UTC)
    for minutes in (10, 20, 30, 40):
        await OneTimeCode.create(
            member_id=member.id, purpose=CodePurpose.ACTIVATION, channel=NotificationChannel.SMS,
            destination=member.mobile, code_hash="-", expires_at=now,
            created_at=now - dt.timedelta(minutes=minutes),
        )
    known = await reset(client, person.national_id)
    unknown = await reset(client, new_person().national_id)
    assert known["errors"] == unknown["errors"] == []
    assert MASKED_MOBILE.fullmatch(known["delivery"]["destination"])
    await app.state.runtime.deferred.drain()
    assert await OneTimeCode.filter(member_id=member.id, purpose=CodePurpose.PASSWORD_RESET).count() == 0


async def test_one_address_asks_for_ten_resets_an_hour_whatever_the_ids(client):
    answers = [await reset(client, new_person().national_id) for _ in range(11)]
    assert [a["errors"] for a in answers[:10]] == [[]] * 10
    assert answers[10]["errors"] == [{"field": None, "code": "RATE_LIMITED"}]


async def test_resending_an_activation_code_answers_alike_for_any_id(client, inbox):
    pending = new_person()
    await register(client, pending)
    await inbox.wait_for(pending.e164)
    await OneTimeCode.filter(member__national_id=pending.national_id).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    active = await signed_up(client, inbox)
    ids = {"pending": pending.national_id, "active": active.national_id,
           "unknown": new_person().national_id}

    resend = "mutation R($input: ResendActivationCodeInput!) { resendActivationCode(input: $input)" \
             " { delivery { channel destination } errors { field code message } } }"
    first = {name: (await gql(client, resend, {"input": {"nationalId": national_id}}))["data"][
        "resendActivationCode"] for name, national_id in ids.items()}
    for answer in first.values():
        assert answer["errors"] == [] and answer["delivery"]["channel"] == "SMS"
        assert MASKED_MOBILE.fullmatch(answer["delivery"]["destination"])
    again = {name: (await gql(client, resend, {"input": {"nationalId": national_id}}))["data"][
        "resendActivationCode"] for name, national_id in ids.items()}
    assert again["pending"]["errors"] == again["active"]["errors"] == again["unknown"]["errors"]
    assert [e["code"] for e in again["unknown"]["errors"]] == ["RATE_LIMITED"]
