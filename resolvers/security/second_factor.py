"""Second factors: an authenticator app (TOTP, RFC 6238) with recovery codes, passkeys, the
sign-in challenge that asks for one, and step-up (reauthenticate)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import io
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pyotp
import segno
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import (
    AuthChallenge,
    ChallengePurpose,
    Member,
    Passkey,
    RecoveryCode,
    SecondFactorMethod,
    SecurityEventKind,
    Session,
    TotpCredential,
)
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.throttle import LOGIN_FAILURES_PER_ID
from resolvers.platform.tokens import new_token
from resolvers.security import events as security
from resolvers.security import passkeys
from resolvers.security.devices import Client
from resolvers.security.sessions import IssuedSession
from resolvers.validation import normalize_digits

ISSUER = "GOSI"
CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
MAX_PROOFS = 5
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    otpauth_uri: str
    qr_code_svg: str


@dataclass(frozen=True)
class Proof:
    """Exactly one of them."""

    totp_code: str | None = None
    recovery_code: str | None = None
    passkey: str | None = None


@dataclass(frozen=True)
class Challenge:
    token: str
    methods: list[SecondFactorMethod]
    expires_at: dt.datetime
    passkey_options: str | None


@dataclass(frozen=True)
class Settings:
    totp_enabled: bool
    passkeys: list[Passkey]
    recovery_codes_left: int


# ------------------------------------------------------------------------- what is enrolled


async def confirmed_totp(member_id: object) -> TotpCredential | None:
    return await TotpCredential.filter(member_id=member_id, confirmed_at__isnull=False).first()


async def methods_of(member: Member) -> list[SecondFactorMethod]:
    methods: list[SecondFactorMethod] = []
    if await confirmed_totp(member.id):
        methods.append(SecondFactorMethod.TOTP)
    if await RecoveryCode.exists(member_id=member.id, used_at__isnull=True) and methods:
        methods.append(SecondFactorMethod.RECOVERY_CODE)
    if await Passkey.exists(member_id=member.id):
        methods.append(SecondFactorMethod.PASSKEY)
    return methods


async def settings_of(member_id: object) -> Settings:
    return Settings(
        totp_enabled=await confirmed_totp(member_id) is not None,
        passkeys=await Passkey.filter(member_id=member_id).order_by("created_at"),
        recovery_codes_left=await RecoveryCode.filter(
            member_id=member_id, used_at__isnull=True
        ).count(),
    )


# ------------------------------------------------------------------------------------ TOTP


def totp_account_name(member: Member) -> str:
    """What the authenticator app shows beside the code: enough to tell two accounts apart,
    not the national ID itself, which anyone glancing at the phone would read."""
    return f"ID-{member.national_id[-4:]}"


async def begin_totp_setup(
    *, runtime: Runtime, member: Member, authenticated_at: dt.datetime | None
) -> TotpSetup:
    security.require_recent_authentication(runtime, authenticated_at)
    if await confirmed_totp(member.id):
        raise DomainError.single(None, ErrorCode.INVALID, "totp_already_enabled")
    secret = pyotp.random_base32()
    async with in_transaction():
        await TotpCredential.filter(member_id=member.id, confirmed_at__isnull=True).delete()
        await TotpCredential.create(
            member_id=member.id, secret_sealed=runtime.keyring.seal(secret),
            created_at=runtime.now(),
        )
    uri = pyotp.TOTP(secret).provisioning_uri(name=totp_account_name(member), issuer_name=ISSUER)
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", scale=4, xmldecl=False)
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_code_svg=svg.getvalue().decode())


async def confirm_totp_setup(
    *, runtime: Runtime, member: Member, code: str, authenticated_at: dt.datetime | None,
    client: Client | None = None,
) -> list[str]:
    security.require_recent_authentication(runtime, authenticated_at)
    if await confirmed_totp(member.id):
        raise DomainError.single(None, ErrorCode.INVALID, "totp_already_enabled")
    pending = await TotpCredential.filter(member_id=member.id, confirmed_at__isnull=True).first()
    if pending is None:
        raise DomainError.single(None, ErrorCode.NOT_FOUND, "totp_not_enabled")
    async with attempt(runtime, member):
        if not await _spend_totp(runtime, pending, code):
            raise DomainError.wrong("code", ErrorCode.INVALID_CODE, await tries_left(runtime, member))
    async with in_transaction():
        await TotpCredential.filter(id=pending.id).update(confirmed_at=runtime.now())
        codes = await _new_recovery_codes(runtime, member)
        await security.record(runtime, member.id, SecurityEventKind.SECOND_FACTOR_ADDED, client)
    audit.record("second_factor_added", member_id=member.id, method="TOTP")
    return codes


async def disable_totp(
    *, runtime: Runtime, member: Member, code: str, authenticated_at: dt.datetime | None,
    client: Client | None = None,
) -> None:
    security.require_recent_authentication(runtime, authenticated_at)
    credential = await confirmed_totp(member.id)
    if credential is None:
        raise DomainError.single(None, ErrorCode.NOT_FOUND, "totp_not_enabled")
    async with attempt(runtime, member):
        if not await _spend_totp(runtime, credential, code):
            raise DomainError.wrong("code", ErrorCode.INVALID_CODE, await tries_left(runtime, member))
    async with in_transaction():
        await TotpCredential.filter(member_id=member.id).delete()
        if not await Passkey.exists(member_id=member.id):
            await RecoveryCode.filter(member_id=member.id).delete()
        await security.record(runtime, member.id, SecurityEventKind.SECOND_FACTOR_REMOVED, client)
    audit.record("second_factor_removed", member_id=member.id, method="TOTP")


async def regenerate_recovery_codes(
    *, runtime: Runtime, member: Member, authenticated_at: dt.datetime | None
) -> list[str]:
    security.require_recent_authentication(runtime, authenticated_at)
    if not await methods_of(member):
        raise DomainError.single(None, ErrorCode.NOT_FOUND, "totp_not_enabled")
    async with in_transaction():
        return await _new_recovery_codes(runtime, member)


async def _spend_totp(runtime: Runtime, credential: TotpCredential, code: str) -> bool:
    """A code of this step or one step either side, never one already used: the step it
    matched is stored in one conditional UPDATE, so a replay (even concurrent) fails."""
    secret = runtime.keyring.open(credential.secret_sealed)
    candidate = normalize_digits(code.strip()).replace(" ", "")
    if secret is None or len(candidate) != 6 or not candidate.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(runtime.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), candidate):
            return bool(await TotpCredential.filter(
                id=credential.id, last_step__lt=step
            ).update(last_step=step))
    return False


# -------------------------------------------------------------------------- recovery codes


async def _new_recovery_codes(runtime: Runtime, member: Member) -> list[str]:
    await RecoveryCode.filter(member_id=member.id).delete()
    now = runtime.now()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        await RecoveryCode.create(
            member_id=member.id, code_hash=_recovery_digest(runtime, member, raw), created_at=now
        )
    return codes


def _recovery_digest(runtime: Runtime, member: Member, raw: str) -> str:
    return runtime.keyring.digest(f"recovery:{member.id}:{raw}")


async def _spend_recovery_code(
    runtime: Runtime, member: Member, code: str, client: Client | None
) -> bool:
    raw = code.strip().upper().replace("-", "").replace(" ", "")
    spent = await RecoveryCode.filter(
        member_id=member.id, code_hash=_recovery_digest(runtime, member, raw), used_at__isnull=True
    ).update(used_at=runtime.now())
    if spent:
        await security.record(runtime, member.id, SecurityEventKind.RECOVERY_CODE_USED, client)
    return bool(spent)


# ------------------------------------------------------------------ proofs and the challenge


@contextlib.asynccontextmanager
async def attempt(runtime: Runtime, member: Member) -> AsyncIterator[None]:
    """Every check of a password or second-factor code for a member counts against the same
    limit as the sign-in's wrong passwords (LOGIN_FAILURES_PER_ID); a check that passes clears
    it. So a stolen session guesses no faster than a stranger at the sign-in page."""
    id_key = _id_key(member)
    if not await runtime.throttle.hit(LOGIN_FAILURES_PER_ID, id_key):
        raise await runtime.throttle.refused((LOGIN_FAILURES_PER_ID, id_key))
    yield
    await runtime.throttle.clear(LOGIN_FAILURES_PER_ID, id_key)


def _id_key(member: Member) -> str:
    return f"login-id:{member.national_id}"


async def tries_left(runtime: Runtime, member: Member) -> int:
    """Checks `attempt` still allows the member before RATE_LIMITED."""
    return await runtime.throttle.remaining(LOGIN_FAILURES_PER_ID, _id_key(member))


async def check_proof(
    runtime: Runtime, member: Member, proof: Proof, challenge: AuthChallenge | None,
    client: Client | None,
) -> bool:
    given = [p for p in (proof.totp_code, proof.recovery_code, proof.passkey) if p is not None]
    if len(given) != 1:
        raise DomainError.single("proof", ErrorCode.INVALID, "one_proof")
    if proof.totp_code is not None:
        credential = await confirmed_totp(member.id)
        return credential is not None and await _spend_totp(runtime, credential, proof.totp_code)
    if proof.recovery_code is not None:
        return await _spend_recovery_code(runtime, member, proof.recovery_code, client)
    return await passkeys.check_assertion(
        runtime=runtime, member=member, credential=proof.passkey or "",
        expected_challenge=challenge.webauthn_challenge if challenge else None,
    ) is not None


async def open_challenge(*, runtime: Runtime, member: Member) -> Challenge:
    """Asks for the second factor after a right password: no session yet."""
    methods = await methods_of(member)
    token = new_token()
    options = webauthn_challenge = None
    if SecondFactorMethod.PASSKEY in methods:
        options, webauthn_challenge = await passkeys.request_options(
            runtime=runtime, member=member
        )
    challenge = await AuthChallenge.create(
        member_id=member.id, purpose=ChallengePurpose.SECOND_FACTOR,
        token_hash=runtime.keyring.digest(token), webauthn_challenge=webauthn_challenge,
        expires_at=runtime.now() + CHALLENGE_LIFETIME, created_at=runtime.now(),
    )
    return Challenge(token=token, methods=methods, expires_at=challenge.expires_at,
                     passkey_options=options)


async def verify_challenge(
    *, runtime: Runtime, challenge_token: str, proof: Proof, client: Client
) -> tuple[Member, IssuedSession]:
    now = runtime.now()
    challenge = await AuthChallenge.filter(
        token_hash=runtime.keyring.digest(challenge_token), purpose=ChallengePurpose.SECOND_FACTOR,
        consumed_at__isnull=True, expires_at__gt=now,
    ).select_related("member").first()
    if challenge is None or challenge.member is None:
        raise DomainError.single("challenge_token", ErrorCode.CODE_EXPIRED,
                                 "second_factor_challenge_void")
    member = challenge.member
    async with attempt(runtime, member):
        # One conditional UPDATE per proof: concurrent guesses get five evaluations between them.
        counted = await AuthChallenge.filter(
            id=challenge.id, attempts__lt=MAX_PROOFS, consumed_at__isnull=True
        ).update(attempts=F("attempts") + 1)
        if not counted:
            raise DomainError.single("challenge_token", ErrorCode.TOO_MANY_ATTEMPTS,
                                     "second_factor_challenge_void")
        if not await check_proof(runtime, member, proof, challenge, client):
            await security.record(runtime, member.id, SecurityEventKind.SIGN_IN_FAILED, client)
            audit.record("second_factor_failed", member_id=member.id)
            left = min(MAX_PROOFS - challenge.attempts - 1, await tries_left(runtime, member))
            raise DomainError.wrong("proof", ErrorCode.INVALID_SECOND_FACTOR, left)
        used = await AuthChallenge.filter(id=challenge.id, consumed_at__isnull=True).update(
            consumed_at=now
        )
        if not used:
            raise DomainError.single("challenge_token", ErrorCode.CODE_EXPIRED,
                                     "second_factor_challenge_void")
    issued = await security.sign_in(runtime=runtime, member=member, client=client)
    audit.record("login_succeeded", member_id=member.id, client_ip=client.ip_address,
                 second_factor=True)
    return member, issued


# ---------------------------------------------------------------------------------- step-up


async def reauthenticate(
    *,
    runtime: Runtime,
    member: Member,
    session: Session,
    password: str | None,
    proof: Proof | None,
    client: Client,
) -> dt.datetime:
    """Confirms it is still the member: the sign-in counts as fresh for 10 more minutes."""
    if (password is None) == (proof is None):
        raise DomainError.single("password", ErrorCode.INVALID, "one_proof")
    async with attempt(runtime, member):
        if password is not None:
            ok = await runtime.passwords.verify(member.password_hash, password)
            field = "password"
        else:
            assert proof is not None
            # A passkey proof signs a challenge from beginPasskeySignIn with this member's ID.
            ok = await check_proof(runtime, member, proof, None, client)
            field = "proof"
        if not ok:
            await security.record(runtime, member.id, SecurityEventKind.SIGN_IN_FAILED, client)
            if field == "password":
                raise DomainError.single(field, ErrorCode.INVALID_CREDENTIALS)
            raise DomainError.wrong(field, ErrorCode.INVALID_SECOND_FACTOR,
                                    await tries_left(runtime, member))
    now = runtime.now()
    await Session.filter(family=session.family, revoked_at__isnull=True).update(
        authenticated_at=now
    )
    audit.record("reauthenticated", member_id=member.id, method=field)
    return now + security.STEP_UP_WINDOW
