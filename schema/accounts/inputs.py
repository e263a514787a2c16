"""What registration, activation, sign-in and recovery take."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.accounts import registration
from schema.base import Language, NotificationChannel
from schema.record import HijriDateInput


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


@strawberry.input(description="Ask for a new activation code.")
class ResendActivationCodeInput:
    national_id: str = strawberry.field(description="The national ID registered.")
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="SMS or EMAIL; the channel chosen at registration when omitted."
    )


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


@strawberry.input(description="Sign in.")
class LoginInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    password: str = strawberry.field(description="Password.")


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


@strawberry.input(description="Ask for a password reset code.")
class RequestPasswordResetInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    channel: NotificationChannel | None = strawberry.field(
        default=None, description="SMS (default) or EMAIL."
    )


@strawberry.input(description="Set a new password with a reset code.")
class ResetPasswordInput:
    national_id: str = strawberry.field(description="National ID or iqama number.")
    code: str = strawberry.field(description="The 6-digit code.")
    new_password: str = strawberry.field(description="The new password.")


@strawberry.input(description="Change the password of the signed-in member.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="The new password.")
