"""Passkeys: registered with a software authenticator (real ES256 signatures), used as a second
factor and to sign in without a password; challenges single use, bound, 5 minutes; counters."""

import dataclasses
import datetime as dt

import orjson

from tests.authenticator import SoftAuthenticator
from tests.support import gql, signed_up

BEGIN_REGISTRATION = """
mutation { beginPasskeyRegistration { options challengeToken errors { code } } }
"""
FINISH_REGISTRATION = """
mutation F($input: FinishPasskeyRegistrationInput!) {
  finishPasskeyRegistration(input: $input) { passkey { id name createdAt } errors { field code } }
}
"""
REMOVE = """
mutation R($id: ID!) {
  removePasskey(input: {passkeyId: $id}) { secondFactor { passkeys { id } } errors { code } }
}
"""
BEGIN_SIGN_IN = """
mutation B($input: BeginPasskeySignInInput) {
  beginPasskeySignIn(input: $input) { options challengeToken errors { code } }
}
"""
FINISH_SIGN_IN = """
mutation F($input: FinishPasskeySignInInput!) {
  finishPasskeySignIn(input: $input) { member { nationalId } session { accessToken } errors { field code } }
}
"""
LOGIN_2FA = """
mutation L($input: LoginInput!) {
  login(input: $input) { session { accessToken } secondFactorChallenge { token methods passkeyOptions } }
}
"""
VERIFY = """
mutation V($input: VerifySecondFactorInput!) {
  verifySecondFactor(input: $input) { session { accessToken } errors { field code } }
}
"""
PASSKEYS = "{ me { secondFactor { passkeys { id name lastUsedAt } } } }"


async def register_passkey(client, person, authenticator, name="My laptop"):
    begun = (await gql(client, BEGIN_REGISTRATION, token=person.access_token))["data"][
        "beginPasskeyRegistration"]
    finished = await gql(client, FINISH_REGISTRATION, {"input": {
        "challengeToken": begun["challengeToken"], "credential": authenticator.create(
            begun["options"]), "name": name}}, token=person.access_token)
    return finished["data"]["finishPasskeyRegistration"]


async def sign_in(client, token, credential):
    result = await gql(client, FINISH_SIGN_IN, {"input": {"challengeToken": token,
                                                          "credential": credential}})
    return result["data"]["finishPasskeySignIn"]


async def begin_sign_in(client, national_id=None):
    variables = {"input": {"nationalId": national_id}} if national_id else {}
    return (await gql(client, BEGIN_SIGN_IN, variables))["data"]["beginPasskeySignIn"]


async def test_a_passkey_signs_in_without_a_password_and_its_counter_must_grow(client, inbox):
    person = await signed_up(client, inbox)
    authenticator = SoftAuthenticator()
    registered = await register_passkey(client, person, authenticator)
    assert registered["errors"] == [] and registered["passkey"]["name"] == "My laptop"

    begun = await begin_sign_in(client)
    signed = await sign_in(client, begun["challengeToken"], authenticator.get(begun["options"]))
    assert signed["errors"] == [] and signed["member"]["nationalId"] == person.national_id
    listed = (await gql(client, PASSKEYS, token=signed["session"]["accessToken"]))["data"]
    assert listed["me"]["secondFactor"]["passkeys"][0]["lastUsedAt"]

    # The challenge is single use.
    again = await sign_in(client, begun["challengeToken"], authenticator.get(begun["options"]))
    assert again["errors"][0]["code"] == "CODE_EXPIRED"
    # A counter that did not grow past the last one seen (1) is a cloned authenticator.
    begun = await begin_sign_in(client, person.national_id)
    cloned = await sign_in(client, begun["challengeToken"],
                           authenticator.get(begun["options"], count=1))
    assert cloned["errors"] == [{"field": "credential", "code": "INVALID_CREDENTIALS"}]
    # An assertion made on another site is refused.
    elsewhere = SoftAuthenticator(origin="https://evil.example", key=authenticator.key,
                                  credential_id=authenticator.credential_id,
                                  sign_count=authenticator.sign_count)
    begun = await begin_sign_in(client)
    refused = await sign_in(client, begun["challengeToken"], elsewhere.get(begun["options"]))
    assert refused["session"] is None


async def test_a_passkey_is_a_second_factor_after_the_password(client, inbox):
    person = await signed_up(client, inbox)
    authenticator = SoftAuthenticator()
    await register_passkey(client, person, authenticator)
    login = (await gql(client, LOGIN_2FA, {"input": {"nationalId": person.national_id,
                                                     "password": person.password}}))["data"]["login"]
    challenge = login["secondFactorChallenge"]
    assert login["session"] is None and challenge["methods"] == ["PASSKEY"]
    wrong_key = SoftAuthenticator(credential_id=authenticator.credential_id)
    forged = await gql(client, VERIFY, {"input": {"challengeToken": challenge["token"], "proof": {
        "passkey": wrong_key.get(challenge["passkeyOptions"])}}})
    assert forged["data"]["verifySecondFactor"]["errors"] == [
        {"field": "proof", "code": "INVALID_SECOND_FACTOR"}]
    verified = await gql(client, VERIFY, {"input": {"challengeToken": challenge["token"], "proof": {
        "passkey": authenticator.get(challenge["passkeyOptions"])}}})
    assert verified["data"]["verifySecondFactor"]["errors"] == []


async def test_registration_challenges_are_bound_single_use_and_short_lived(client, inbox, app):
    person, other = await signed_up(client, inbox), await signed_up(client, inbox)
    authenticator = SoftAuthenticator()
    begun = (await gql(client, BEGIN_REGISTRATION, token=person.access_token))["data"][
        "beginPasskeyRegistration"]
    credential = authenticator.create(begun["options"])
    stolen = await gql(client, FINISH_REGISTRATION, {"input": {
        "challengeToken": begun["challengeToken"], "credential": credential, "name": "x"}},
        token=other.access_token)
    assert stolen["data"]["finishPasskeyRegistration"]["errors"][0]["code"] == "CODE_EXPIRED"

    later = app.state.runtime.clock() + dt.timedelta(minutes=5, seconds=1)
    app.state.runtime.clock = lambda: later
    late = await gql(client, FINISH_REGISTRATION, {"input": {
        "challengeToken": begun["challengeToken"], "credential": credential, "name": "x"}},
        token=person.access_token)
    assert late["data"]["finishPasskeyRegistration"]["errors"][0]["code"] in {
        "CODE_EXPIRED", "REAUTHENTICATION_REQUIRED"}


async def test_a_removed_passkey_no_longer_signs_in(client, inbox):
    person = await signed_up(client, inbox)
    authenticator = SoftAuthenticator()
    passkey = (await register_passkey(client, person, authenticator))["passkey"]
    removed = await gql(client, REMOVE, {"id": passkey["id"]}, token=person.access_token)
    assert removed["data"]["removePasskey"] == {"secondFactor": {"passkeys": []}, "errors": []}
    begun = await begin_sign_in(client)
    refused = await sign_in(client, begun["challengeToken"], authenticator.get(begun["options"]))
    assert refused["errors"] == [{"field": "credential", "code": "INVALID_CREDENTIALS"}]


async def test_a_passkey_without_user_verification_is_a_second_factor_but_no_sign_in(client, inbox):
    person = await signed_up(client, inbox)
    authenticator = SoftAuthenticator()
    await register_passkey(client, person, authenticator)
    # A security key without a PIN: someone touched it, nobody proved who.
    pinless = dataclasses.replace(authenticator, verifies_user=False)

    begun = await begin_sign_in(client, person.national_id)
    assert orjson.loads(begun["options"])["userVerification"] == "required"
    refused = await sign_in(client, begun["challengeToken"], pinless.get(begun["options"]))
    assert refused["session"] is None
    assert refused["errors"] == [{"field": "credential", "code": "INVALID_CREDENTIALS"}]

    # After the password it is the second factor, and presence is enough there.
    login = (await gql(client, LOGIN_2FA, {"input": {"nationalId": person.national_id,
                                                     "password": person.password}}))["data"]["login"]
    challenge = login["secondFactorChallenge"]
    verified = await gql(client, VERIFY, {"input": {"challengeToken": challenge["token"], "proof": {
        "passkey": pinless.get(challenge["passkeyOptions"])}}})
    assert verified["data"]["verifySecondFactor"]["errors"] == []
    assert verified["data"]["verifySecondFactor"]["session"]["accessToken"]
