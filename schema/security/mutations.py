"""Security centre mutations: unpack the input, call the rule, shape the payload."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Member as MemberModel
from resolvers.security import events as security
from resolvers.security import passkeys, second_factor
from schema import accounts as account_types
from schema.base import UserError, key_of
from schema.context import Info
from schema.payloads import errors_field, mutation
from schema.security.inputs import (
    BeginPasskeySignInInput,
    ConfirmTotpSetupInput,
    DisableTotpInput,
    FinishPasskeyRegistrationInput,
    FinishPasskeySignInInput,
    ReauthenticateInput,
    RemovePasskeyInput,
    RevokeSessionInput,
    VerifySecondFactorInput,
)
from schema.security.types import Passkey, SecondFactorSettings, member_second_factor

if TYPE_CHECKING:
    from schema.accounts import LoginPayload, LogoutPayload


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


@strawberry.type(description="Recovery codes, shown this once.")
class RecoveryCodesPayload:
    recovery_codes: list[str] | None = strawberry.field(
        description="Shown once: ten single-use codes."
    )
    errors: list[UserError] = errors_field()


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


@strawberry.type(description="The result of finishPasskeyRegistration.")
class PasskeyPayload:
    passkey: Passkey | None = strawberry.field(description="The registered passkey.")
    errors: list[UserError] = errors_field()


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


MUTATIONS = (SecurityMutation,)
