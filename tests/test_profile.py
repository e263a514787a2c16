"""updateProfile and confirmContactChange: direct changes, and contact changes behind a code."""

from __future__ import annotations

import datetime as dt

from tests.support import gql, new_mobile, new_person, signed_up, wrong_code

UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    member {
      fullName mobile email preferredChannel preferredLanguage iban
      address { city district street buildingNumber postalCode }
    }
    delivery { channel destination expiresAt resendAvailableAt }
    errors { field code message }
  }
}
"""

CONFIRM_CONTACT_CHANGE = """
mutation ConfirmContactChange($input: ConfirmContactChangeInput!) {
  confirmContactChange(input: $input) {
    member { mobile email }
    delivery { channel }
    errors { field code message }
  }
}
"""

ME = """
query {
  me {
    fullName mobile email preferredChannel preferredLanguage iban address { city }
    pendingContactChange { channel destination expiresAt }
  }
}
"""

SAUDI_IBAN = "SA0380000000608010167519"
OTHER_SAUDI_IBAN = "SA4420000001234567891234"


def later(app, seconds: int = 61) -> None:
    """Moves the server's clock on, past the one-code-a-minute limit."""
    runtime = app.state.runtime
    earlier = runtime.clock
    runtime.clock = lambda: earlier() + dt.timedelta(seconds=seconds)


async def update(client, person, **fields):
    result = await gql(client, UPDATE_PROFILE, {"input": fields}, token=person.access_token)
    return result["data"]["updateProfile"]


async def confirm(client, person, code: str):
    result = await gql(
        client, CONFIRM_CONTACT_CHANGE, {"input": {"code": code}}, token=person.access_token
    )
    return result["data"]["confirmContactChange"]


async def asked_to_change_mobile(client, inbox, app):
    """A signed-up member who asked, a minute later, for a new mobile; and the code sent to it."""
    person = await signed_up(client, inbox)
    later(app)
    mobile = new_mobile()
    await update(client, person, mobile=mobile)
    return person, await inbox.code_for("+966" + mobile[1:])


async def me(client, person):
    return (await gql(client, ME, token=person.access_token))["data"]["me"]


async def test_anonymous_caller_cannot_update_a_profile(client):
    result = await gql(client, UPDATE_PROFILE, {"input": {"fullName": "Some One"}})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_anonymous_caller_cannot_confirm_a_contact_change(client):
    result = await gql(client, CONFIRM_CONTACT_CHANGE, {"input": {"code": "123456"}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_name_address_channel_and_language_change_at_once(client, inbox):
    person = await signed_up(client, inbox)
    payload = await update(
        client, person,
        fullName="  Sara   Abdullah Alqahtani ",
        address={"city": " Riyadh ", "district": "Al Olaya", "postalCode": "12211"},
        preferredChannel="EMAIL",
        preferredLanguage="AR",
    )
    assert payload["errors"] == []
    assert payload["delivery"] is None
    member = payload["member"]
    assert member["fullName"] == "Sara Abdullah Alqahtani"
    assert member["address"] == {"city": "Riyadh", "district": "Al Olaya", "street": None,
                                 "buildingNumber": None, "postalCode": "12211"}
    assert (member["preferredChannel"], member["preferredLanguage"]) == ("EMAIL", "AR")
    assert (await me(client, person))["fullName"] == "Sara Abdullah Alqahtani"


async def test_email_as_preferred_channel_needs_an_email_on_the_account(client, inbox):
    person = new_person()
    person.email = ""
    await signed_up(client, inbox, person)
    payload = await update(client, person, preferredChannel="EMAIL")
    assert payload["member"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("preferredChannel", "INVALID")]
    assert (await me(client, person))["preferredChannel"] == "SMS"


async def test_one_invalid_field_reports_every_problem_and_changes_nothing(client, inbox):
    person = await signed_up(client, inbox)
    payload = await update(
        client, person,
        fullName="Sara",
        address={"city": "   ", "postalCode": "1" * 11},
        iban="SA0380000000608010167518",
        mobile="0123",
        preferredLanguage="AR",
    )
    assert payload["member"] is None
    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("address.city", "REQUIRED"),
        ("address.postalCode", "INVALID"),
        ("fullName", "INVALID"),
        ("iban", "INVALID_IBAN"),
        ("mobile", "INVALID_MOBILE"),
    ]
    assert all(e["message"] for e in payload["errors"])
    now = await me(client, person)
    assert (now["fullName"], now["preferredLanguage"], now["address"]) == (
        person.full_name, "EN", None
    )
    assert now["pendingContactChange"] is None


async def test_only_a_valid_saudi_iban_is_accepted(client, inbox):
    person = await signed_up(client, inbox)
    for wrong in ("SA03800000006080101675", "DE89370400440532013000", "SA0380000000608010167518"):
        payload = await update(client, person, iban=wrong)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("iban", "INVALID_IBAN")]
    assert (await me(client, person))["iban"] is None


async def test_iban_is_only_ever_shown_by_its_last_four_characters(client, inbox):
    person = await signed_up(client, inbox)
    payload = await update(client, person, iban="sa03 8000 0000 6080 1016 7519")
    assert payload["errors"] == []
    assert payload["member"]["iban"] == "**** **** **** **** **** 7519"
    assert (await me(client, person))["iban"] == "**** **** **** **** **** 7519"


async def test_an_iban_change_is_announced_on_the_preferred_channel_in_the_members_language(
    client, inbox
):
    person = await signed_up(client, inbox)
    payload = await update(
        client, person, iban=SAUDI_IBAN, preferredChannel="EMAIL", preferredLanguage="AR"
    )
    assert payload["errors"] == []
    notice = (await inbox.wait_for(person.email))[0]
    assert "الآيبان" in notice and "7519" in notice
    assert SAUDI_IBAN not in notice


async def test_setting_the_same_iban_again_announces_nothing(client, inbox):
    person = await signed_up(client, inbox)
    await update(client, person, iban=SAUDI_IBAN)
    await inbox.wait_for(person.e164, count=2)
    payload = await update(client, person, iban=SAUDI_IBAN, fullName="Sara Abdullah Alharbi")
    assert payload["errors"] == []
    await update(client, person, iban=OTHER_SAUDI_IBAN)
    texts = await inbox.wait_for(person.e164, count=3)
    assert "1234" in texts[2]
    assert len(inbox.to(person.e164)) == 3


async def test_new_mobile_takes_effect_only_after_its_code(client, inbox, app):
    person = await signed_up(client, inbox)
    later(app)
    mobile = new_mobile()
    e164 = "+966" + mobile[1:]
    payload = await update(client, person, mobile=mobile)
    assert payload["errors"] == []
    assert payload["member"]["mobile"] == person.e164
    assert payload["delivery"]["channel"] == "SMS"
    assert payload["delivery"]["destination"] == e164[:5] + "******" + e164[-2:]

    pending = (await me(client, person))["pendingContactChange"]
    assert pending["channel"] == "SMS"
    assert pending["destination"] == payload["delivery"]["destination"]
    assert (await me(client, person))["mobile"] == person.e164

    code = await inbox.code_for(e164)
    confirmed = await confirm(client, person, code)
    assert confirmed["errors"] == []
    assert confirmed["member"]["mobile"] == e164
    after = await me(client, person)
    assert after["mobile"] == e164
    assert after["pendingContactChange"] is None


async def test_the_old_mobile_is_told_of_a_mobile_change(client, inbox, app):
    person = await signed_up(client, inbox)
    later(app)
    mobile = new_mobile()
    await update(client, person, mobile=mobile)
    notice = (await inbox.wait_for(person.e164, count=2))[1]
    assert "mobile number" in notice
    assert mobile[-2:] in notice and mobile[1:] not in notice


async def test_new_email_takes_effect_only_after_its_code_and_the_old_email_is_told(
    client, inbox, app
):
    person = await signed_up(client, inbox)
    later(app)
    payload = await update(client, person, email=f" New.{person.national_id}@Example.com ")
    assert payload["errors"] == []
    assert payload["delivery"]["channel"] == "EMAIL"
    assert payload["member"]["email"] == person.email

    notice = (await inbox.wait_for(person.email))[0]
    assert "email address" in notice
    code = await inbox.code_for(f"New.{person.national_id}@example.com")
    confirmed = await confirm(client, person, code)
    assert confirmed["errors"] == []
    assert confirmed["member"]["email"] == f"New.{person.national_id}@example.com"


async def test_a_first_email_is_announced_on_the_mobile(client, inbox, app):
    person = new_person()
    person.email = ""
    await signed_up(client, inbox, person)
    later(app)
    address = f"first{person.national_id}@example.com"
    payload = await update(client, person, email=address)
    assert payload["errors"] == []
    assert "email address" in (await inbox.wait_for(person.e164, count=2))[1]
    await confirm(client, person, await inbox.code_for(address))
    assert (await me(client, person))["email"] == address


async def test_mobile_and_email_cannot_change_in_one_call(client, inbox, app):
    person = await signed_up(client, inbox)
    later(app)
    payload = await update(
        client, person, mobile=new_mobile(), email="other@example.com", fullName="Sara Ali Saleh"
    )
    assert payload["member"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("email", "INVALID")]
    now = await me(client, person)
    assert now["pendingContactChange"] is None
    assert now["fullName"] == person.full_name


async def test_giving_the_current_mobile_starts_no_change(client, inbox, app):
    person = await signed_up(client, inbox)
    later(app)
    payload = await update(client, person, mobile=person.mobile, email="other@example.com")
    assert payload["errors"] == []
    assert payload["delivery"]["channel"] == "EMAIL"


async def test_invalid_new_email_is_refused(client, inbox):
    person = await signed_up(client, inbox)
    for wrong, code in (("not-an-email", "INVALID_EMAIL"), ("  ", "REQUIRED")):
        payload = await update(client, person, email=wrong)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("email", code)]
    assert (await me(client, person))["email"] == person.email


async def test_a_contact_change_refused_by_the_code_limit_changes_nothing_else(client, inbox):
    person = await signed_up(client, inbox)
    first = await update(client, person, mobile=new_mobile())
    # A code went out moments ago: the next one must wait a minute.
    payload = await update(client, person, mobile=new_mobile(), fullName="Sara Ali Saleh")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "RATE_LIMITED")]
    now = await me(client, person)
    assert now["fullName"] == person.full_name
    assert now["pendingContactChange"]["destination"] == first["delivery"]["destination"]


async def test_a_wrong_code_leaves_the_contact_as_it_was(client, inbox, app):
    person, code = await asked_to_change_mobile(client, inbox, app)
    wrong = wrong_code(code)
    payload = await confirm(client, person, wrong)
    assert payload["member"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("code", "INVALID_CODE")]
    assert (await me(client, person))["mobile"] == person.e164


async def test_a_contact_change_code_is_void_after_five_wrong_attempts(client, inbox, app):
    person, code = await asked_to_change_mobile(client, inbox, app)
    wrong = wrong_code(code)
    for _ in range(5):
        await confirm(client, person, wrong)
    payload = await confirm(client, person, code)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("code", "TOO_MANY_ATTEMPTS")]
    assert (await me(client, person))["mobile"] == person.e164


async def test_a_contact_change_code_works_once(client, inbox, app):
    person, code = await asked_to_change_mobile(client, inbox, app)
    assert (await confirm(client, person, code))["errors"] == []
    again = await confirm(client, person, code)
    assert [(e["code"], e["message"]) for e in again["errors"]] == [
        ("NOT_FOUND", "There is no contact change waiting for a code.")
    ]


async def test_an_expired_contact_change_code_is_refused(client, inbox, app):
    person, code = await asked_to_change_mobile(client, inbox, app)
    later(app, seconds=11 * 60)
    payload = await confirm(client, person, code)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("code", "CODE_EXPIRED")]
    assert (await me(client, person))["mobile"] == person.e164


async def test_confirming_with_nothing_pending_is_refused(client, inbox):
    person = await signed_up(client, inbox)
    payload = await confirm(client, person, "123456")
    assert payload["member"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "NOT_FOUND")]


async def test_a_new_contact_change_replaces_the_pending_one(client, inbox, app):
    person = await signed_up(client, inbox)
    later(app)
    first = new_mobile()
    await update(client, person, mobile=first)
    first_code = await inbox.code_for("+966" + first[1:])
    later(app)
    second = new_mobile()
    await update(client, person, mobile=second)
    second_code = await inbox.code_for("+966" + second[1:])
    if first_code != second_code:
        refused = await confirm(client, person, first_code)
        assert [e["code"] for e in refused["errors"]] == ["INVALID_CODE"]
    assert (await confirm(client, person, second_code))["errors"] == []
    assert (await me(client, person))["mobile"] == "+966" + second[1:]


INLINE_OVERRIDE = r"""
mutation { updateProfile(input: {fullName: "\u202eevil\u202c name"}) { errors { field code message } } }
"""


async def test_direction_controls_and_invisible_characters_are_refused_and_nothing_is_stored(
    client, inbox
):
    person = await signed_up(client, inbox)
    inline = await gql(client, INLINE_OVERRIDE, token=person.access_token)
    assert inline["data"]["updateProfile"]["errors"] == [{
        "field": "fullName", "code": "INVALID",
        "message": "Remove the invisible or control characters (such as direction marks) from this text.",
    }]
    payload = await update(client, person, fullName="Sara\u2066 Ali",
                           address={"city": "Riyadh", "street": "King\u200b Fahd Road"})
    assert payload["member"] is None
    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("address.street", "INVALID"), ("fullName", "INVALID")]
    in_arabic = await gql(client, INLINE_OVERRIDE, token=person.access_token, language="ar")
    assert in_arabic["data"]["updateProfile"]["errors"][0]["message"].startswith("أزل")
    now = await me(client, person)
    assert (now["fullName"], now["address"]) == (person.full_name, None)


async def test_an_arabic_name_with_a_zero_width_non_joiner_is_kept_and_text_is_stored_as_nfc(
    client, inbox
):
    person = await signed_up(client, inbox)
    payload = await update(client, person, fullName="Zoe\u0301 مهدی\u200cزاده",
                           address={"city": "Jedda\u0301h"})
    assert payload["errors"] == []
    assert payload["member"]["fullName"] == "Zo\u00e9 مهدی\u200cزاده"
    now = await me(client, person)
    assert now["fullName"] == "Zo\u00e9 مهدی\u200cزاده" and now["address"]["city"] == "Jedd\u00e1h"
