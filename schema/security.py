"""The security centre: sign-ins, security events, second factors, step-up and passkeys."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Member as MemberModel
from models import Passkey as PasskeyModel
from models import SecurityEvent as SecurityEventModel
from models import enums
from resolvers.security import events as security
from resolvers.security import passkeys, second_factor
from schema import accounts as account_types
from schema.base import Node, UserError, key_of, to_global_id
from schema.connections import Connection
from schema.context import Info
from schema.payloads import errors_field, mutation

if TYPE_CHECKING:
    from schema.accounts import LoginPayload, LogoutPayload

strawberry.enum(enums.SecurityEventKind, description="What happened to the security of the account.")
SecurityEventKind = enums.SecurityEventKind


@strawberry.type(description="One live sign-in (a refresh-token family) of the member.")
class SignInSession(Node):
    device: str = strawberry.field(description="From the User-Agent, e.g. Chrome on Windows.")
    ip_address: str = strawberry.field(description="The address it was last refreshed from.")
    signed_in_at: dt.datetime = strawberry.field(description="When the member signed in.")
    last_used_at: dt.datetime = strawberry.field(
        description="When it was last used, to the minute."
    )
    current: bool = strawberry.field(description="The sign-in this request is made with.")

    @classmethod
    def from_domain(cls, sign_in: security.SignIn, current: bool) -> SignInSession:
        return cls(
            id=to_global_id("SignInSession", sign_in.family),
            device=sign_in.device,
            ip_address=sign_in.ip_address,
            signed_in_at=sign_in.signed_in_at,
            last_used_at=sign_in.last_used_at,
            current=current,
        )


@strawberry.type(description="A sign-in, a failure or a security change on the account.")
class SecurityEvent:
    kind: SecurityEventKind = strawberry.field(description="What happened.")
    at: dt.datetime = strawberry.field(description="When.")
    device: str | None = strawberry.field(description="The device, e.g. Firefox on Linux.")
    ip_address: str | None = strawberry.field(description="The address it came from.")

    @classmethod
    def from_model(cls, row: SecurityEventModel) -> SecurityEvent:
        return cls(kind=row.kind, at=row.at, device=row.device, ip_address=row.ip_address)


@strawberry.type(name="SecurityEventConnection", description="A page of security events.")
class SecurityEventConnection(Connection[SecurityEvent]):
    pass


async def member_sign_ins(info: Info, member_id: object) -> list[SignInSession]:
    viewer_session = await info.context.session()
    if viewer_session is None or viewer_session.member_id != member_id:
        # Where and from what a member is signed in is theirs alone, not staff's.
        return []
    sign_ins = await security.live_sign_ins(runtime=info.context.runtime, member_id=member_id)  # type: ignore[arg-type]
    current = viewer_session.family
    return [SignInSession.from_domain(s, s.family == current) for s in sign_ins]


async def member_security_events(
    info: Info, member_id: object, first: int | None, after: str | None
) -> SecurityEventConnection:
    viewer_session = await info.context.session()
    page = await info.context.page(security.member_events(
        member_id=member_id,  # type: ignore[arg-type]
        viewer_id=viewer_session.member_id if viewer_session else None,
        first=first, after=after,
    ))
    return SecurityEventConnection.from_page(page, SecurityEvent.from_model)


@strawberry.type(description="A passkey (WebAuthn credential) on the account.")
class Passkey(Node):
    name: str = strawberry.field(description="The name the member gave it.")
    created_at: dt.datetime = strawberry.field(description="When it was registered.")
    last_used_at: dt.datetime | None = strawberry.field(description="When it last signed in.")

    @classmethod
    def from_model(cls, row: PasskeyModel) -> Passkey:
        return cls(id=to_global_id("Passkey", row.id), name=row.name, created_at=row.created_at,
                   last_used_at=row.last_used_at)


@strawberry.type(description="The member's second factors.")
class SecondFactorSettings:
    totp_enabled: bool = strawberry.field(description="An authenticator app is set up.")
    passkeys: list[Passkey] = strawberry.field(description="Registered passkeys, oldest first.")
    recovery_codes_left: int = strawberry.field(description="Unused recovery codes.")

    @classmethod
    def from_domain(cls, settings: second_factor.Settings) -> SecondFactorSettings:
        return cls(totp_enabled=settings.totp_enabled,
                   passkeys=[Passkey.from_model(p) for p in settings.passkeys],
                   recovery_codes_left=settings.recovery_codes_left)


async def member_second_factor(member_id: uuid.UUID) -> SecondFactorSettings:
    return SecondFactorSettings.from_domain(await second_factor.settings_of(member_id))


@strawberry.input(description="Exactly one proof.", one_of=True)
class SecondFactorProofInput:
    totp_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="A code from the authenticator app."
    )
    recovery_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="One of the ten recovery codes (single use)."
    )
    passkey: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The WebAuthn assertion (PublicKeyCredential) as JSON.",
    )

    def to_domain(self) -> second_factor.Proof:
        def given(value: str | None) -> str | None:
            return None if value is strawberry.UNSET else value

        return second_factor.Proof(totp_code=given(self.totp_code),
                                   recovery_code=given(self.recovery_code),
                                   passkey=given(self.passkey))


@strawberry.input(description="Finish a sign-in with the second factor.")
class VerifySecondFactorInput:
    challenge_token: str = strawberry.field(description="SecondFactorChallenge.token.")
    proof: SecondFactorProofInput = strawberry.field(description="The second factor.")


@strawberry.input(description="Confirm it is still the member: the password or a second factor.")
class ReauthenticateInput:
    password: str | None = strawberry.field(
        default=None, description="The password, or a second-factor proof; exactly one."
    )
    proof: SecondFactorProofInput | None = strawberry.field(
        default=None, description="A second-factor proof instead of the password."
    )


@strawberry.type(description="The result of reauthenticate.")
class ReauthenticatePayload:
    valid_until: dt.datetime | None = strawberry.field(
        description="Sensitive changes are allowed until then."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of beginTotpSetup.")
class TotpSetupPayload:
    secret: str | None = strawberry.field(description="Base32, for manual entry.")
    otpauth_uri: str | None = strawberry.field(description="otpauth://totp/... for authenticator apps.")
    qr_code_svg: str | None = strawberry.field(description="The same URI as an SVG QR code.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Turn the authenticator app on with a code from it.")
class ConfirmTotpSetupInput:
    code: str = strawberry.field(description="The 6-digit code the app shows now.")


@strawberry.type(description="Recovery codes, shown this once.")
class RecoveryCodesPayload:
    recovery_codes: list[str] | None = strawberry.field(
        description="Shown once: ten single-use codes."
    )
    errors: list[UserError] = errors_field()


@strawberry.input(description="Turn the authenticator app off.")
class DisableTotpInput:
    code: str = strawberry.field(description="A current code from the app.")


@strawberry.type(description="The member's second factors after a change.")
class SecondFactorPayload:
    second_factor: SecondFactorSettings | None = strawberry.field(
        description="The second factors now."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Options for a WebAuthn ceremony.")
class PasskeyOptionsPayload:
    options: str | None = strawberry.field(
        description="WebAuthn options as JSON: PublicKeyCredentialCreationOptions or "
        "RequestOptions."
    )
    challenge_token: str | None = strawberry.field(description="Pass back with the credential.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="The new passkey from navigator.credentials.create.")
class FinishPasskeyRegistrationInput:
    challenge_token: str = strawberry.field(description="From beginPasskeyRegistration.")
    credential: str = strawberry.field(
        description="The PublicKeyCredential from navigator.credentials.create, as JSON."
    )
    name: str = strawberry.field(description="A name the member will recognise, e.g. My phone.")


@strawberry.type(description="The result of finishPasskeyRegistration.")
class PasskeyPayload:
    passkey: Passkey | None = strawberry.field(description="The registered passkey.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Start a sign-in with a passkey.")
class BeginPasskeySignInInput:
    national_id: str | None = strawberry.field(
        default=None,
        description="Optional: without it the browser offers any passkey for this site.",
    )


@strawberry.input(description="Finish a sign-in with a passkey.")
class FinishPasskeySignInInput:
    challenge_token: str = strawberry.field(description="From beginPasskeySignIn.")
    credential: str = strawberry.field(
        description="The PublicKeyCredential from navigator.credentials.get, as JSON."
    )


@strawberry.input(description="The passkey to remove.")
class RemovePasskeyInput:
    passkey_id: strawberry.ID = strawberry.field(description="A Passkey's id.")


@strawberry.input(description="Which sign-in to end.")
class RevokeSessionInput:
    session_id: strawberry.ID = strawberry.field(description="A SignInSession's id.")


@strawberry.type
class SecurityMutation:
    @mutation(description="Ends one of the member's sign-ins at once.")
    async def revoke_session(self, info: Info, input: RevokeSessionInput) -> Annotated[
        LogoutPayload, strawberry.lazy("schema.accounts")
    ]:
        member = await info.context.require_member()
        await security.revoke_sign_in(
            runtime=info.context.runtime,
            member_id=member.id,
            family=key_of(input.session_id, "SignInSession", "session_id"),
            client=info.context.client,
        )
        return account_types.LogoutPayload()

    @mutation(description="Finish a sign-in that asked for a second factor.")
    async def verify_second_factor(
        self, info: Info, input: VerifySecondFactorInput
    ) -> Annotated[LoginPayload, strawberry.lazy("schema.accounts")]:
        member, issued = await second_factor.verify_challenge(
            runtime=info.context.runtime, challenge_token=input.challenge_token,
            proof=input.proof.to_domain(), client=info.context.client,
        )
        return account_types.LoginPayload.signed_in(member, issued)

    @mutation(description="Step-up: confirms it is still the member before a sensitive change.")
    async def reauthenticate(self, info: Info, input: ReauthenticateInput) -> ReauthenticatePayload:
        member = await info.context.require_member()
        session = await info.context.session()
        assert session is not None
        valid_until = await second_factor.reauthenticate(
            runtime=info.context.runtime, member=member, session=session,
            password=input.password, proof=input.proof.to_domain() if input.proof else None,
            client=info.context.client,
        )
        return ReauthenticatePayload(valid_until=valid_until)

    @mutation(description="Start setting up an authenticator app (needs a recent sign-in).")
    async def begin_totp_setup(self, info: Info) -> TotpSetupPayload:
        member, authenticated_at = await _step_up_context(info)
        setup = await second_factor.begin_totp_setup(
            runtime=info.context.runtime, member=member, authenticated_at=authenticated_at
        )
        return TotpSetupPayload(secret=setup.secret, otpauth_uri=setup.otpauth_uri,
                                qr_code_svg=setup.qr_code_svg)

    @mutation(description="Turn the authenticator app on; returns ten recovery codes, shown once.")
    async def confirm_totp_setup(
        self, info: Info, input: ConfirmTotpSetupInput
    ) -> RecoveryCodesPayload:
        member, authenticated_at = await _step_up_context(info)
        codes = await second_factor.confirm_totp_setup(
            runtime=info.context.runtime, member=member, code=input.code,
            authenticated_at=authenticated_at, client=info.context.client,
        )
        return RecoveryCodesPayload(recovery_codes=codes)

    @mutation(description="Turn the authenticator app off with a current code from it.")
    async def disable_totp(self, info: Info, input: DisableTotpInput) -> SecondFactorPayload:
        member, authenticated_at = await _step_up_context(info)
        await second_factor.disable_totp(
            runtime=info.context.runtime, member=member, code=input.code,
            authenticated_at=authenticated_at, client=info.context.client,
        )
        return SecondFactorPayload(second_factor=await member_second_factor(member.id))

    @mutation(description="Ten new recovery codes; the old ones stop working.")
    async def regenerate_recovery_codes(self, info: Info) -> RecoveryCodesPayload:
        member, authenticated_at = await _step_up_context(info)
        codes = await second_factor.regenerate_recovery_codes(
            runtime=info.context.runtime, member=member, authenticated_at=authenticated_at
        )
        return RecoveryCodesPayload(recovery_codes=codes)

    @mutation(description="Options for navigator.credentials.create (needs a recent sign-in).")
    async def begin_passkey_registration(self, info: Info) -> PasskeyOptionsPayload:
        member, authenticated_at = await _step_up_context(info)
        options, token = await passkeys.begin_registration(
            runtime=info.context.runtime, member=member, authenticated_at=authenticated_at
        )
        return PasskeyOptionsPayload(options=options, challenge_token=token)

    @mutation(description="Store the passkey the browser created.")
    async def finish_passkey_registration(
        self, info: Info, input: FinishPasskeyRegistrationInput
    ) -> PasskeyPayload:
        member, authenticated_at = await _step_up_context(info)
        passkey = await passkeys.finish_registration(
            runtime=info.context.runtime, member=member, challenge_token=input.challenge_token,
            credential=input.credential, name=input.name, authenticated_at=authenticated_at,
            client=info.context.client,
        )
        return PasskeyPayload(passkey=Passkey.from_model(passkey))

    @mutation(description="Remove a passkey (needs a recent sign-in).")
    async def remove_passkey(self, info: Info, input: RemovePasskeyInput) -> SecondFactorPayload:
        member, authenticated_at = await _step_up_context(info)
        await passkeys.remove(
            runtime=info.context.runtime, member=member,
            passkey_id=key_of(input.passkey_id, "Passkey", "passkey_id"),
            authenticated_at=authenticated_at, client=info.context.client,
        )
        return SecondFactorPayload(second_factor=await member_second_factor(member.id))

    @mutation(description="Options for navigator.credentials.get, to sign in with a passkey.")
    async def begin_passkey_sign_in(
        self, info: Info, input: BeginPasskeySignInInput | None = None
    ) -> PasskeyOptionsPayload:
        options, token = await passkeys.begin_sign_in(
            runtime=info.context.runtime, national_id=input.national_id if input else None
        )
        return PasskeyOptionsPayload(options=options, challenge_token=token)

    @mutation(description="Sign in with the passkey assertion the browser made.")
    async def finish_passkey_sign_in(
        self, info: Info, input: FinishPasskeySignInInput
    ) -> Annotated[LoginPayload, strawberry.lazy("schema.accounts")]:
        member, issued = await passkeys.finish_sign_in(
            runtime=info.context.runtime, challenge_token=input.challenge_token,
            credential=input.credential, client=info.context.client,
        )
        return account_types.LoginPayload.signed_in(member, issued)


async def _step_up_context(info: Info) -> tuple[MemberModel, dt.datetime | None]:
    member = await info.context.require_member()
    session = await info.context.session()
    return member, session.authenticated_at if session else None


QUERIES: tuple[type, ...] = ()
MUTATIONS = (SecurityMutation,)
