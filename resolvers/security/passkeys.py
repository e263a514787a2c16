"""Passkeys (WebAuthn) with py_webauthn: registration, removal, and assertions as a second
factor or as a sign-in without a password. Every ceremony's challenge is single use, bound to
the member it was made for, and lives 5 minutes."""

from __future__ import annotations

import datetime as dt
import uuid

import orjson
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from models import AccountStatus, AuthChallenge, ChallengePurpose, Member, Passkey, SecurityEventKind
from resolvers import validation
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.platform.tokens import new_token
from resolvers.security import events as security
from resolvers.security.devices import Client
from resolvers.security.sessions import IssuedSession

RP_NAME = "GOSI"
CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
TIMEOUT_MS = 300_000


async def _new_challenge(
    runtime: Runtime, purpose: ChallengePurpose, member_id: uuid.UUID | None, challenge: bytes
) -> str:
    token = new_token()
    await AuthChallenge.create(
        member_id=member_id, purpose=purpose, token_hash=runtime.keyring.digest(token),
        webauthn_challenge=bytes_to_base64url(challenge),
        expires_at=runtime.now() + CHALLENGE_LIFETIME, created_at=runtime.now(),
    )
    return token


async def _take_challenge(
    runtime: Runtime, purpose: ChallengePurpose, token: str, member_id: uuid.UUID | None
) -> AuthChallenge:
    """The live challenge named by `token`, used up in one conditional UPDATE."""
    challenge = await AuthChallenge.filter(
        token_hash=runtime.keyring.digest(token), purpose=purpose, consumed_at__isnull=True,
        expires_at__gt=runtime.now(),
    ).first()
    if challenge is None or member_id is not None and challenge.member_id != member_id:
        raise DomainError.single("challenge_token", ErrorCode.CODE_EXPIRED)
    taken = await AuthChallenge.filter(id=challenge.id, consumed_at__isnull=True).update(
        consumed_at=runtime.now()
    )
    if not taken:
        raise DomainError.single("challenge_token", ErrorCode.CODE_EXPIRED)
    return challenge


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys]


# ---------------------------------------------------------------------------- registration


async def begin_registration(
    *, runtime: Runtime, member: Member, authenticated_at: dt.datetime | None
) -> tuple[str, str]:
    """(PublicKeyCredentialCreationOptions as JSON, the challenge token)."""
    security.require_recent_authentication(runtime, authenticated_at)
    options = generate_registration_options(
        rp_id=runtime.settings.webauthn_rp_id,
        rp_name=RP_NAME,
        user_name=member.national_id,
        user_id=member.id.bytes,
        user_display_name=member.full_name,
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(await Passkey.filter(member_id=member.id)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    token = await _new_challenge(runtime, ChallengePurpose.PASSKEY_REGISTRATION, member.id,
                                 options.challenge)
    return options_to_json(options), token


async def finish_registration(
    *,
    runtime: Runtime,
    member: Member,
    challenge_token: str,
    credential: str,
    name: str,
    authenticated_at: dt.datetime | None,
    client: Client | None = None,
) -> Passkey:
    security.require_recent_authentication(runtime, authenticated_at)
    errors = ErrorCollector()
    label = validation.bounded_text(errors, "name", name, max_length=64) or ""
    errors.raise_if_any()
    challenge = await _take_challenge(
        runtime, ChallengePurpose.PASSKEY_REGISTRATION, challenge_token, member.id
    )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge.webauthn_challenge or ""),
            expected_rp_id=runtime.settings.webauthn_rp_id,
            expected_origin=list(runtime.settings.webauthn_origins),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        audit.record("passkey_registration_refused", member_id=member.id, reason=str(error)[:200])
        raise DomainError.single("credential", ErrorCode.INVALID_SECOND_FACTOR) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if await Passkey.exists(credential_id=credential_id):
        raise DomainError.single("credential", ErrorCode.ALREADY_REGISTERED)
    passkey = await Passkey.create(
        member_id=member.id, credential_id=credential_id,
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count, name=label, created_at=runtime.now(),
    )
    await security.record(runtime, member.id, SecurityEventKind.SECOND_FACTOR_ADDED, client)
    audit.record("second_factor_added", member_id=member.id, method="PASSKEY")
    return passkey


async def remove(
    *, runtime: Runtime, member: Member, passkey_id: uuid.UUID,
    authenticated_at: dt.datetime | None, client: Client | None = None,
) -> None:
    security.require_recent_authentication(runtime, authenticated_at)
    removed = await Passkey.filter(id=passkey_id, member_id=member.id).delete()
    if not removed:
        raise DomainError.single("passkey_id", ErrorCode.NOT_FOUND)
    await security.record(runtime, member.id, SecurityEventKind.SECOND_FACTOR_REMOVED, client)
    audit.record("second_factor_removed", member_id=member.id, method="PASSKEY")


# ------------------------------------------------------------------------------ assertions


async def request_options(
    *, runtime: Runtime, member: Member | None, verify_user: bool = False
) -> tuple[str, str]:
    """(PublicKeyCredentialRequestOptions as JSON, its challenge in base64url). `verify_user`
    asks the authenticator for a PIN or biometric, which a passkey alone needs to sign in."""
    passkeys = await Passkey.filter(member_id=member.id) if member else []
    options = generate_authentication_options(
        rp_id=runtime.settings.webauthn_rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(passkeys),
        user_verification=(UserVerificationRequirement.REQUIRED if verify_user
                           else UserVerificationRequirement.PREFERRED),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def _client_challenge(credential: str) -> str | None:
    try:
        data = orjson.loads(credential)
        client_data = parse_client_data_json(base64url_to_bytes(data["response"]["clientDataJSON"]))
        return bytes_to_base64url(client_data.challenge)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, WebAuthnException):
        return None


async def check_assertion(
    *, runtime: Runtime, member: Member | None, credential: str, expected_challenge: str | None,
    verify_user: bool = False,
) -> Member | None:
    """The member whose passkey signed `expected_challenge` (or, for step-up, a live sign-in
    challenge made for `member`); None when anything does not hold. The sign counter must
    grow, and is stored in one conditional UPDATE. With `verify_user`, the authenticator must
    say it verified the user (PIN or biometric), not only that someone touched it."""
    if expected_challenge is None:
        if member is None:
            return None
        signed = _client_challenge(credential)
        pending = signed and await AuthChallenge.filter(
            member_id=member.id, purpose=ChallengePurpose.PASSKEY_SIGN_IN, webauthn_challenge=signed,
            consumed_at__isnull=True, expires_at__gt=runtime.now(),
        ).first()
        if not pending or not await AuthChallenge.filter(
            id=pending.id, consumed_at__isnull=True
        ).update(consumed_at=runtime.now()):
            return None
        expected_challenge = pending.webauthn_challenge or ""
    try:
        credential_id = str(orjson.loads(credential)["id"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    query = Passkey.filter(credential_id=credential_id)
    if member is not None:
        query = query.filter(member_id=member.id)
    passkey = await query.select_related("member").first()
    if passkey is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(expected_challenge),
            expected_rp_id=runtime.settings.webauthn_rp_id,
            expected_origin=list(runtime.settings.webauthn_origins),
            credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=verify_user,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        audit.record("passkey_assertion_refused", member_id=passkey.member_id,
                     reason=str(error)[:200])
        return None
    counted = await Passkey.filter(id=passkey.id, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=runtime.now()
    )
    return passkey.member if counted else None


# ---------------------------------------------------------------- sign-in without a password


async def begin_sign_in(*, runtime: Runtime, national_id: str | None) -> tuple[str, str]:
    """Answers alike for any ID: an unknown one gets options that no passkey will match."""
    parsed = validation.parse_national_id(national_id) if national_id else None
    member = await Member.get_or_none(national_id=parsed, status=AccountStatus.ACTIVE) if (
        parsed) else None
    # Without a password, the passkey is both factors: possession and the PIN or biometric.
    options, challenge = await request_options(runtime=runtime, member=member, verify_user=True)
    token = await _new_challenge(runtime, ChallengePurpose.PASSKEY_SIGN_IN,
                                 member.id if member else None, base64url_to_bytes(challenge))
    return options, token


async def finish_sign_in(
    *, runtime: Runtime, challenge_token: str, credential: str, client: Client
) -> tuple[Member, IssuedSession]:
    challenge = await _take_challenge(runtime, ChallengePurpose.PASSKEY_SIGN_IN, challenge_token,
                                      None)
    bound = await Member.get_or_none(id=challenge.member_id) if challenge.member_id else None
    member = await check_assertion(
        runtime=runtime, member=bound, credential=credential,
        expected_challenge=challenge.webauthn_challenge, verify_user=True,
    )
    if member is None or member.status is not AccountStatus.ACTIVE:
        raise DomainError.single("credential", ErrorCode.INVALID_CREDENTIALS)
    issued = await security.sign_in(runtime=runtime, member=member, client=client)
    audit.record("login_succeeded", member_id=member.id, client_ip=client.ip_address,
                 passkey=True)
    return member, issued
