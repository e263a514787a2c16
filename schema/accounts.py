"""Registration, activation, sign-in, sessions and password recovery."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import Member as MemberModel
from models import enums
from resolvers.accounts import recovery, registration, sign_in
from resolvers.security import sessions
from resolvers.security.codes import CodeDelivery as DomainCodeDelivery
from resolvers.security.second_factor import Challenge as DomainChallenge
from resolvers.security.sessions import IssuedSession
from schema import member as member_types
from schema.base import Language, NotificationChannel, UserError
from schema.context import Info
from schema.payloads import errors_field, mutation
from schema.record import HijriDateInput, hijri_day

if TYPE_CHECKING:
    from schema.member import Member


@strawberry.type(description="Where a one-time code was sent.")
class CodeDelivery:
    channel: NotificationChannel = strawberry.field(description="SMS or EMAIL.")
    destination: str = strawberry.field(description="Masked destination, e.g. a*****@example.com")
    expires_at: dt.datetime = strawberry.field(description="When the code stops working.")
    resend_available_at: dt.datetime = strawberry.field(
        description="When the next code may be asked for."
    )

    @classmethod
    def from_domain(cls, delivery: DomainCodeDelivery) -> CodeDelivery:
        return cls(
            channel=delivery.channel,
            destination=delivery.destination,
            expires_at=delivery.expires_at,
            resend_available_at=delivery.resend_available_at,
        )


@strawberry.type(description="A signed-in session: send the access token with every request.")
class Session:
    access_token: str = strawberry.field(
        description="Send as: Authorization: Bearer <accessToken>. Lasts 15 minutes."
    )
    access_token_expires_at: dt.datetime = strawberry.field(
        description="When the access token stops working."
    )
    refresh_token: str = strawberry.field(
        description="Single use: refreshSession returns a new one and the old one stops working."
    )
    refresh_token_expires_at: dt.datetime = strawberry.field(
        description="When the refresh token stops working (30 days)."
    )

    @classmethod
    def from_domain(cls, issued: IssuedSession) -> Session:
        return cls(
            access_token=issued.access_token,
            access_token_expires_at=issued.access_token_expires_at,
            refresh_token=issued.refresh_token,
            refresh_token_expires_at=issued.refresh_token_expires_at,
        )


@strawberry.input(description="A postal address in the Kingdom.")
class AddressInput:
    city: str = strawberry.field(description="City.")
    district: str | None = strawberry.field(default=None, description="District (hayy).")
    street: str | None = strawberry.field(default=None, description="Street.")
    building_number: str | None = strawberry.field(default=None, description="Building number.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")

    def to_domain(self) -> registration.Address:
        return registration.Address(
            city=self.city,
            district=self.district,
            street=self.street,
            building_number=self.building_number,
            postal_code=self.postal_code,
        )


@strawberry.input(description="A new personal account.")
class RegisterInput:
    national_id: str = strawberry.field(
        description="10 digits with a valid check digit; starts with 1 (citizen) or 2 (resident)."
    )
    full_name: str = strawberry.field(description="Full name, at least two words.")
    date_of_birth: dt.date | None = strawberry.field(
        default=None, description="Exactly one of dateOfBirth and dateOfBirthHijri; at least 15 years ago."
    )
    date_of_birth_hijri: HijriDateInput | None = strawberry.field(
        default=None, description="As on a citizen's ID card (Umm al-Qura)."
    )
    mobile: str = strawberry.field(description="Saudi mobile, 05XXXXXXXX or +9665XXXXXXXX.")
    email: str | None = strawberry.field(default=None, description="Email address.")
    password: str = strawberry.field(
        description="12 to 128 characters; not a common password, not containing the national "
        "ID or the date of birth."
    )
    channel: NotificationChannel = strawberry.field(
        description="Where the activation code goes; EMAIL needs an email."
    )
    preferred_language: Language | None = strawberry.field(
        default=None, description="Language of messages; Arabic when not given."
    )


@strawberry.type(description="The result of register.")
class RegisterPayload:
    member: Annotated[Member, strawberry.lazy("schema.member")] | None = strawberry.field(
        description="The account, waiting for activation."
    )
    delivery: CodeDelivery | None = strawberry.field(description="Where the activation code went.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Ask for a new activation code.")
class ResendActivationCodeInput:
    national_id: str = strawberry.field(description="The national ID registered.")
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="SMS or EMAIL; the channel chosen at registration when omitted."
    )


@strawberry.type(description="The result of resendActivationCode.")
class ResendActivationCodePayload:
    delivery: CodeDelivery | None = strawberry.field(description="Where the new code went.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Corrections the person makes to their data while activating.")
class ProfileCorrectionInput:
    full_name: str | None = strawberry.field(default=None, description="Corrected full name.")
    date_of_birth: dt.date | None = strawberry.field(
        default=None, description="Corrected date of birth."
    )
    date_of_birth_hijri: HijriDateInput | None = strawberry.field(
        default=None, description="Corrected date of birth, as on a citizen's ID card (Umm al-Qura)."
    )
    email: str | None = strawberry.field(default=None, description="Corrected email address.")
    address: AddressInput | None = strawberry.field(default=None, description="Postal address.")


@strawberry.input(description="Activate an account with the code that was sent.")
class ActivateInput:
    national_id: str = strawberry.field(description="The national ID registered.")
    code: str = strawberry.field(description="The 6-digit code.")
    confirm_details: bool = strawberry.field(
        description="The person confirms the data shown to them is correct (after corrections)."
    )
    corrections: ProfileCorrectionInput | None = strawberry.field(
        default=None, description="Changes to the registered data."
    )


@strawberry.type(description="The result of activate.")
class ActivatePayload:
    member: Annotated[Member, strawberry.lazy("schema.member")] | None = strawberry.field(
        description="The now active account."
    )
    session: Session | None = strawberry.field(description="Activation signs the member in.")
    errors: list[UserError] = errors_field()


@strawberry.input(description="Sign in.")
class LoginInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    password: str = strawberry.field(description="Password.")


strawberry.enum(enums.SecondFactorMethod, description="A way to show the second factor.")
SecondFactorMethod = enums.SecondFactorMethod


@strawberry.type(
    description="Returned by login instead of a session when the account has a second factor."
)
class SecondFactorChallenge:
    token: str = strawberry.field(
        description="Pass to verifySecondFactor; single use, valid 5 minutes."
    )
    methods: list[SecondFactorMethod] = strawberry.field(
        description="The second factors the account has."
    )
    expires_at: dt.datetime = strawberry.field(description="When the token stops working.")
    passkey_options: str | None = strawberry.field(
        description="With PASSKEY among the methods: WebAuthn PublicKeyCredentialRequestOptions "
        "as JSON."
    )

    @classmethod
    def from_domain(cls, challenge: DomainChallenge) -> SecondFactorChallenge:
        return cls(
            token=challenge.token,
            methods=list(challenge.methods),
            expires_at=challenge.expires_at,
            passkey_options=challenge.passkey_options,
        )


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


@strawberry.input(description="Exchange a refresh token for a new session.")
class RefreshSessionInput:
    refresh_token: str = strawberry.field(description="The refresh token last received.")


@strawberry.input(description="Sign out.")
class LogoutInput:
    everywhere: bool | None = strawberry.field(
        default=None, description="Also end every other session of this member."
    )
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Sign out with the refresh token alone (a tab that lost its access token).",
    )


@strawberry.type(description="The result of logout.")
class LogoutPayload:
    errors: list[UserError] = errors_field()


@strawberry.input(description="Ask for a password reset code.")
class RequestPasswordResetInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="SMS (default) or EMAIL."
    )


@strawberry.type(description="The result of requestPasswordReset.")
class RequestPasswordResetPayload:
    delivery: CodeDelivery | None = strawberry.field(
        description="Always present, whether or not the account exists."
    )
    errors: list[UserError] = errors_field()


@strawberry.input(description="Set a new password with a reset code.")
class ResetPasswordInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    code: str = strawberry.field(description="The 6-digit code.")
    new_password: str = strawberry.field(description="The new password.")


@strawberry.type(description="The result of resetPassword.")
class ResetPasswordPayload:
    errors: list[UserError] = errors_field()


@strawberry.input(description="Change the password of the signed-in member.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="The new password.")


@strawberry.type(description="The result of changePassword.")
class ChangePasswordPayload:
    errors: list[UserError] = errors_field()


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="The signed-in member, or null when the request carries no valid session."
    )
    async def me(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.member")] | None:
        member = await info.context.viewer()
        return member_types.Member.from_model(member) if member else None


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


QUERIES = (AccountQuery,)
MUTATIONS = (AccountMutation,)
