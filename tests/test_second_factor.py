"""Step-up for sensitive changes, the authenticator app with recovery codes, and signing in
with a second factor."""

import asyncio
import datetime as dt
import statistics
import time

import pyotp
import pytest

from models import RecoveryCode, TotpCredential
from tests.support import LOGIN, gql, new_person, signed_up

IBAN = "SA0380000000608010167519"
UPDATE = """
mutation U($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { iban } errors { field code message } }
}
"""
REAUTH = """
mutation R($input: ReauthenticateInput!) {
  reauthenticate(input: $input) { validUntil errors { field code } }
}
"""
BEGIN_TOTP = "mutation { beginTotpSetup { secret otpauthUri qrCodeSvg errors { code } } }"
CONFIRM_TOTP = """
mutation C($code: String!) {
  confirmTotpSetup(input: {code: $code}) { recoveryCodes errors { field code } }
}
"""
DISABLE_TOTP = """
mutation D($code: String!) {
  disableTotp(input: {code: $code}) { secondFactor { totpEnabled } errors { field code } }
}
"""
LOGIN_2FA = """
mutation L($input: LoginInput!) {
  login(input: $input) {
    session { accessToken refreshToken }
    secondFactorChallenge { token methods expiresAt passkeyOptions }
    errors { code }
  }
}
"""
VERIFY = """
mutation V($input: VerifySecondFactorInput!) {
  verifySecondFactor(input: $input) {
    member { nationalId } session { accessToken } errors { field code }
  }
}
"""
SETTINGS = """
query { me {
  secondFactor { totpEnabled recoveryCodesLeft passkeys { id } }
  securityEvents(first: 50) { edges { node { kind } } }
} }
"""


def at_offset(app, **delta):
    later = app.state.runtime.clock() + dt.timedelta(**delta)
    app.state.runtime.clock = lambda: later


def code_at(app, secret, steps=0):
    return pyotp.TOTP(secret).at(app.state.runtime.now(), counter_offset=steps)


async def with_totp(client, inbox, app):
    """A member with an authenticator app: (person, secret, recovery codes)."""
    person = await signed_up(client, inbox)
    setup = (await gql(client, BEGIN_TOTP, token=person.access_token))["data"]["beginTotpSetup"]
    confirmed = await gql(client, CONFIRM_TOTP, {"code": code_at(app, setup["secret"])},
                          token=person.access_token)
    return person, setup["secret"], confirmed["data"]["confirmTotpSetup"]["recoveryCodes"]


async def password_step(client, person):
    result = await gql(client, LOGIN_2FA, {"input": {"nationalId": person.national_id,
                                                     "password": person.password}})
    return result["data"]["login"]


async def verify(client, token, **proof):
    result = await gql(client, VERIFY, {"input": {"challengeToken": token, "proof": proof}})
    return result["data"]["verifySecondFactor"]


async def test_an_iban_change_needs_a_sign_in_in_the_last_ten_minutes(client, inbox, app):
    person = await signed_up(client, inbox)
    at_offset(app, minutes=11)
    # A refresh keeps the sign-in time: it does not make the session fresh again.
    refreshed = await gql(client, """mutation R($t: String!) { refreshSession(input:
        {refreshToken: $t}) { session { accessToken } } }""", {"t": person.refresh_token})
    token = refreshed["data"]["refreshSession"]["session"]["accessToken"]
    stale = await gql(client, UPDATE, {"input": {"iban": IBAN, "fullName": "Sara Noura Alharbi"}},
                      token=token)
    assert [e["code"] for e in stale["data"]["updateProfile"]["errors"]] == [
        "REAUTHENTICATION_REQUIRED"]
    for field, value in (("mobile", "0551234567"), ("email", "new@example.com")):
        refused = await gql(client, UPDATE, {"input": {field: value}}, token=token)
        assert refused["data"]["updateProfile"]["errors"][0]["code"] == "REAUTHENTICATION_REQUIRED"
    me = await gql(client, "{ me { iban fullName pendingContactChange { channel } } }", token=token)
    assert me["data"]["me"] == {"iban": None, "fullName": person.full_name,
                                "pendingContactChange": None}
    # Other changes need no step-up.
    name = await gql(client, UPDATE, {"input": {"fullName": "Sara Noura Alharbi"}}, token=token)
    assert name["data"]["updateProfile"]["errors"] == []

    wrong = await gql(client, REAUTH, {"input": {"password": "not-my-password-1"}}, token=token)
    assert wrong["data"]["reauthenticate"]["errors"] == [{"field": "password",
                                                          "code": "INVALID_CREDENTIALS"}]
    again = await gql(client, REAUTH, {"input": {"password": person.password}}, token=token)
    assert again["data"]["reauthenticate"]["validUntil"]
    changed = await gql(client, UPDATE, {"input": {"iban": IBAN}}, token=token)
    assert changed["data"]["updateProfile"]["errors"] == []
    assert changed["data"]["updateProfile"]["member"]["iban"].endswith("7519")
    events = await gql(client, SETTINGS, token=token)
    kinds = [e["node"]["kind"] for e in events["data"]["me"]["securityEvents"]["edges"]]
    assert "IBAN_CHANGED" in kinds and "SIGN_IN_FAILED" in kinds


async def test_setting_up_an_authenticator_app(client, inbox, app):
    person = await signed_up(client, inbox)
    setup = (await gql(client, BEGIN_TOTP, token=person.access_token))["data"]["beginTotpSetup"]
    assert setup["errors"] == []
    assert setup["otpauthUri"].startswith("otpauth://totp/GOSI:")
    assert f"secret={setup['secret']}" in setup["otpauthUri"]
    assert setup["qrCodeSvg"].startswith("<svg") and "</svg>" in setup["qrCodeSvg"]
    stored = await TotpCredential.get()
    assert setup["secret"] not in stored.secret_sealed

    wrong = await gql(client, CONFIRM_TOTP, {"code": "000000"}, token=person.access_token)
    assert wrong["data"]["confirmTotpSetup"]["errors"] == [{"field": "code",
                                                            "code": "INVALID_CODE"}]
    # One 30-second step of drift is accepted.
    done = await gql(client, CONFIRM_TOTP, {"code": code_at(app, setup["secret"], -1)},
                     token=person.access_token)
    codes = done["data"]["confirmTotpSetup"]["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for row in await RecoveryCode.all():
        assert all(code.replace("-", "") not in row.code_hash for code in codes)
    settings = (await gql(client, SETTINGS, token=person.access_token))["data"]["me"]
    assert settings["secondFactor"] == {"totpEnabled": True, "recoveryCodesLeft": 10,
                                        "passkeys": []}

    # Turning it off needs a current code, not an old one, and a recent sign-in.
    replay = await gql(client, DISABLE_TOTP, {"code": code_at(app, setup["secret"], -1)},
                       token=person.access_token)
    assert replay["data"]["disableTotp"]["errors"] == [{"field": "code", "code": "INVALID_CODE"}]
    at_offset(app, minutes=11)
    stale = await gql(client, DISABLE_TOTP, {"code": code_at(app, setup["secret"])},
                      token=person.access_token)
    assert stale["data"]["disableTotp"]["errors"][0]["code"] == "REAUTHENTICATION_REQUIRED"
    await gql(client, REAUTH, {"input": {"proof": {"totpCode": code_at(app, setup["secret"])}}},
              token=person.access_token)
    at_offset(app, seconds=30)
    off = await gql(client, DISABLE_TOTP, {"code": code_at(app, setup["secret"])},
                    token=person.access_token)
    assert off["data"]["disableTotp"] == {"secondFactor": {"totpEnabled": False}, "errors": []}
    kinds = [e["node"]["kind"] for e in (await gql(client, SETTINGS, token=person.access_token))[
        "data"]["me"]["securityEvents"]["edges"]]
    assert "SECOND_FACTOR_ADDED" in kinds and "SECOND_FACTOR_REMOVED" in kinds


async def test_signing_in_with_an_authenticator_app(client, inbox, app):
    person, secret, recovery = await with_totp(client, inbox, app)
    at_offset(app, seconds=30)
    step = await password_step(client, person)
    challenge = step["secondFactorChallenge"]
    assert step["session"] is None and step["errors"] == []
    assert challenge["methods"] == ["TOTP", "RECOVERY_CODE"] and challenge["passkeyOptions"] is None

    signed_in = await verify(client, challenge["token"], totpCode=code_at(app, secret))
    assert signed_in["errors"] == [] and signed_in["member"]["nationalId"] == person.national_id
    assert (await gql(client, "{ me { id } }", token=signed_in["session"]["accessToken"]))[
        "data"]["me"]
    # The challenge is single use, and so is the code (replay within its window).
    used = await verify(client, challenge["token"], totpCode=code_at(app, secret))
    assert used["errors"][0]["code"] == "CODE_EXPIRED"
    replay = await verify(client, (await password_step(client, person))["secondFactorChallenge"][
        "token"], totpCode=code_at(app, secret))
    assert replay["errors"] == [{"field": "proof", "code": "INVALID_SECOND_FACTOR"}]

    # A recovery code works once.
    first = await verify(client, (await password_step(client, person))["secondFactorChallenge"][
        "token"], recoveryCode=recovery[0].lower())
    assert first["errors"] == []
    second = await verify(client, (await password_step(client, person))["secondFactorChallenge"][
        "token"], recoveryCode=recovery[0])
    assert second["errors"][0]["code"] == "INVALID_SECOND_FACTOR"
    kinds = [e["node"]["kind"] for e in (await gql(client, SETTINGS, token=first["session"][
        "accessToken"]))["data"]["me"]["securityEvents"]["edges"]]
    assert "RECOVERY_CODE_USED" in kinds


async def test_five_wrong_proofs_void_the_challenge_even_at_once(client, inbox, app):
    person, secret, _ = await with_totp(client, inbox, app)
    challenge = (await password_step(client, person))["secondFactorChallenge"]["token"]
    answers = await asyncio.gather(*(verify(client, challenge, totpCode="000000")
                                     for _ in range(10)))
    codes = sorted(a["errors"][0]["code"] for a in answers)
    assert codes.count("INVALID_SECOND_FACTOR") <= 5
    assert set(codes) <= {"INVALID_SECOND_FACTOR", "TOO_MANY_ATTEMPTS", "RATE_LIMITED"}
    late = await verify(client, challenge, totpCode=code_at(app, secret, 1))
    assert late["session"] is None
    # The wrong proofs count toward the ID's lockout: the password alone no longer opens one.
    locked = await password_step(client, person)
    assert locked["errors"][0]["code"] == "RATE_LIMITED"


async def test_wrong_codes_to_turn_the_app_off_share_the_sign_in_limit(client, inbox, app):
    person, secret, _ = await with_totp(client, inbox, app)
    at_offset(app, seconds=30)
    wrong = [code for code in (f"{n:06d}" for n in range(0, 1_000_000, 111_111))
             if code not in {code_at(app, secret, step) for step in (-1, 0, 1)}][:5]
    answers = [(await gql(client, DISABLE_TOTP, {"code": code}, token=person.access_token))[
        "data"]["disableTotp"]["errors"][0]["code"] for code in wrong]
    assert answers == ["INVALID_CODE"] * 5
    # A stolen session guesses no further than a stranger at the sign-in page: the right code
    # is refused too, the app stays on, and the password alone opens nothing either.
    blocked = await gql(client, DISABLE_TOTP, {"code": code_at(app, secret)},
                        token=person.access_token)
    assert blocked["data"]["disableTotp"]["errors"][0]["code"] == "RATE_LIMITED"
    settings = (await gql(client, SETTINGS, token=person.access_token))["data"]["me"]
    assert settings["secondFactor"]["totpEnabled"] is True
    assert (await password_step(client, person))["errors"][0]["code"] == "RATE_LIMITED"


@pytest.mark.production_hashing  # the hash must outweigh the noise it is timed against
async def test_a_second_factor_does_not_tell_unknown_ids_apart(client, inbox, app):
    person, _, _ = await with_totp(client, inbox, app)

    async def timed(national_id):
        started = time.perf_counter()
        result = await gql(client, LOGIN, {"input": {"nationalId": national_id,
                                                     "password": "not-the-password-at-all"}})
        return time.perf_counter() - started, result["data"]["login"]["errors"]

    known = [await timed(person.national_id) for _ in range(2)]
    unknown = [await timed(new_person().national_id) for _ in range(2)]
    assert {str(e) for _, e in known} == {str(e) for _, e in unknown}
    assert statistics.median(t for t, _ in unknown) > statistics.median(t for t, _ in known) / 3
