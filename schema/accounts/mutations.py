"""Registration, activation, sign-in, sessions and recovery: unpack the input, call the rule, shape the payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Member as MemberModel
from resolvers.accounts import recovery, registration, sign_in
from resolvers.security import sessions
from resolvers.security.second_factor import Challenge as DomainChallenge
from resolvers.security.sessions import IssuedSession
from schema import member as member_types
from schema.accounts.inputs import (
    ActivateInput,
    ChangePasswordInput,
    LoginInput,
    LogoutInput,
    RefreshSessionInput,
    RegisterInput,
    RequestPasswordResetInput,
    ResendActivationCodeInput,
    ResetPasswordInput,
)
from schema.accounts.types import CodeDelivery, SecondFactorChallenge, Session
from schema.base import UserError
from schema.context import Info
from schema.payloads import errors_field, mutation
from schema.record import hijri_day

if TYPE_CHECKING:
    from schema.member import Member


@strawberry.type(description="The result of register.")
class RegisterPayload:
    member: Annotated[Member, strawberry.lazy("schema.member")] | None = strawberry.field(
        description="The account, waiting for activation."
    )
    delivery: CodeDelivery | None = strawberry.field(description="Where the activation code went.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of resendActivationCode.")
class ResendActivationCodePayload:
    delivery: CodeDelivery | None = strawberry.field(description="Where the new code went.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of activate.")
class ActivatePayload:
    member: Annotated[Member, strawberry.lazy("schema.member")] | None = strawberry.field(
        description="The now active account."
    )
    session: Session | None = strawberry.field(description="Activation signs the member in.")
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of login or refreshSession.")
class LoginPayload:
    member: Annotated[Member, strawberry.lazy("schema.member")] | None = strawberry.field(
        description="The signed-in member."
    )
    session: Session | None = strawberry.field(description="The new session.")
    second_factor_challenge: SecondFactorChallenge | None = strawberry.field(
        default=None,
        description="Set instead of session when the account has a second factor: finish with "
        "verifySecondFactor.",
    )
    errors: list[UserError] = errors_field()

    @classmethod
    def signed_in(cls, member: MemberModel, outcome: IssuedSession | DomainChallenge) -> LoginPayload:
        if isinstance(outcome, DomainChallenge):
            return cls(member=None, session=None,
                       second_factor_challenge=SecondFactorChallenge.from_domain(outcome))
        return cls(member=member_types.Member.from_model(member), session=Session.from_domain(outcome))


@strawberry.type(description="The result of logout.")
class LogoutPayload:
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of requestPasswordReset.")
class RequestPasswordResetPayload:
    delivery: CodeDelivery | None = strawberry.field(
        description="Always present, whether or not the account exists."
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of resetPassword.")
class ResetPasswordPayload:
    errors: list[UserError] = errors_field()


@strawberry.type(description="The result of changePassword.")
class ChangePasswordPayload:
    errors: list[UserError] = errors_field()


@strawberry.type
class AccountMutation:
    @mutation(description="Register a personal account; sends an activation code.")
    async def register(self, info: Info, input: RegisterInput) -> RegisterPayload:
        member, delivery = await registration.register(
            runtime=info.context.runtime,
            national_id=input.national_id,
            full_name=input.full_name,
            date_of_birth=input.date_of_birth,
            date_of_birth_hijri=hijri_day(input.date_of_birth_hijri),
            mobile=input.mobile,
            email=input.email,
            password=input.password,
            channel=input.channel,
            preferred_language=input.preferred_language,
            client_ip=info.context.client_ip,
        )
        return RegisterPayload(
            member=member_types.Member.from_model(member),
            delivery=CodeDelivery.from_domain(delivery),
        )

    @mutation(description="Send a new activation code (one a minute, five an hour).")
    async def resend_activation_code(
        self, info: Info, input: ResendActivationCodeInput
    ) -> ResendActivationCodePayload:
        delivery = await registration.resend_activation_code(
            runtime=info.context.runtime, national_id=input.national_id, channel=input.channel
        )
        return ResendActivationCodePayload(delivery=CodeDelivery.from_domain(delivery))

    @mutation(description="Confirm the data and enter the code; signs the member in.")
    async def activate(self, info: Info, input: ActivateInput) -> ActivatePayload:
        corrections = input.corrections
        member, issued = await registration.activate(
            runtime=info.context.runtime,
            national_id=input.national_id,
            code=input.code,
            confirm_details=input.confirm_details,
            client=info.context.client,
            corrections=registration.Corrections(
                full_name=corrections.full_name,
                date_of_birth=corrections.date_of_birth,
                date_of_birth_hijri=hijri_day(corrections.date_of_birth_hijri),
                email=corrections.email,
                address=corrections.address.to_domain() if corrections.address else None,
            )
            if corrections
            else None,
        )
        return ActivatePayload(
            member=member_types.Member.from_model(member), session=Session.from_domain(issued)
        )

    @mutation(description="Sign in with national ID and password.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        member, outcome = await sign_in.login(
            runtime=info.context.runtime,
            national_id=input.national_id,
            password=input.password,
            client=info.context.client,
        )
        return LoginPayload.signed_in(member, outcome)

    @mutation(description="Rotate the refresh token: returns a new session.")
    async def refresh_session(self, info: Info, input: RefreshSessionInput) -> LoginPayload:
        member, issued = await sessions.refresh(
            runtime=info.context.runtime, refresh_token=input.refresh_token,
            client=info.context.client,
        )
        return LoginPayload(
            member=member_types.Member.from_model(member), session=Session.from_domain(issued)
        )

    @mutation(description="End this session, or every session with everywhere: true. Without an "
               "access token, the refresh token in the input names the session.")
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        session = await info.context.session()
        everywhere = bool(input and input.everywhere)
        if session is None and input is not None and input.refresh_token:
            await sign_in.logout_with_refresh_token(
                runtime=info.context.runtime, refresh_token=input.refresh_token,
                everywhere=everywhere, client=info.context.client,
            )
            return LogoutPayload()
        if session is None:
            raise info.context.unauthenticated()
        await sign_in.logout(
            runtime=info.context.runtime,
            session_family=session.family,
            member_id=session.member_id,
            everywhere=everywhere,
            client=info.context.client,
        )
        return LogoutPayload()

    @mutation(description="Send a password reset code to the account's contact.")
    async def request_password_reset(
        self, info: Info, input: RequestPasswordResetInput
    ) -> RequestPasswordResetPayload:
        delivery = await recovery.request_password_reset(
            runtime=info.context.runtime, national_id=input.national_id, channel=input.channel,
            client_ip=info.context.client_ip,
        )
        return RequestPasswordResetPayload(delivery=CodeDelivery.from_domain(delivery))

    @mutation(description="Set a new password with the reset code; ends all sessions.")
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> ResetPasswordPayload:
        await recovery.reset_password(
            runtime=info.context.runtime,
            national_id=input.national_id,
            code=input.code,
            new_password=input.new_password,
            client=info.context.client,
        )
        return ResetPasswordPayload()

    @mutation(description="Change the password; ends all sessions, this one too.")
    async def change_password(self, info: Info, input: ChangePasswordInput) -> ChangePasswordPayload:
        member = await info.context.require_member()
        await recovery.change_password(
            runtime=info.context.runtime,
            member=member,
            current_password=input.current_password,
            new_password=input.new_password,
            client=info.context.client,
        )
        return ChangePasswordPayload()


MUTATIONS = (AccountMutation,)
