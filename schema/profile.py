"""The member's own profile: direct changes, and contact changes confirmed with a code."""

from __future__ import annotations

import strawberry

from resolvers import profile
from schema.accounts.inputs import AddressInput
from schema.accounts.types import CodeDelivery
from schema.base import Language, NotificationChannel, UserError
from schema.context import Info
from schema.member import Member
from schema.payloads import errors_field, mutation


@strawberry.input(
    description="Changes to the signed-in member's data; omitted fields stay as they are."
)
class UpdateProfileInput:
    full_name: str | None = strawberry.field(
        default=None, description="Full name, at least two words."
    )
    mobile: str | None = strawberry.field(
        default=None, description="A new mobile takes effect after confirmContactChange."
    )
    email: str | None = strawberry.field(
        default=None, description="A new email takes effect after confirmContactChange."
    )
    address: AddressInput | None = strawberry.field(
        default=None, description="Postal address; replaces the one on file."
    )
    iban: str | None = strawberry.field(
        default=None,
        description="Saudi IBAN (SA followed by 22 digits); the member is told of the change.",
    )
    preferred_channel: NotificationChannel | None = strawberry.field(
        default=None, description="Where notices go; EMAIL needs an email on the account."
    )
    preferred_language: Language | None = strawberry.field(
        default=None, description="Language of messages."
    )

    def to_domain(self) -> profile.ProfileChanges:
        return profile.ProfileChanges(
            full_name=self.full_name,
            mobile=self.mobile,
            email=self.email,
            address=self.address.to_domain() if self.address else None,
            iban=self.iban,
            preferred_channel=self.preferred_channel,
            preferred_language=self.preferred_language,
        )


@strawberry.input(description="Confirm a mobile or email change with the code sent to it.")
class ConfirmContactChangeInput:
    code: str = strawberry.field(description="The 6-digit code sent to the new mobile or email.")


@strawberry.type(description="The result of updateProfile or confirmContactChange.")
class UpdateProfilePayload:
    member: Member | None = strawberry.field(description="The member as changed.")
    delivery: CodeDelivery | None = strawberry.field(
        description="Set when a mobile or email change needs its code."
    )
    errors: list[UserError] = errors_field()


@strawberry.type
class ProfileMutation:
    @mutation(
        description="Change the signed-in member's data. Nothing changes when any field is "
        "invalid; a new mobile or email waits for confirmContactChange."
    )
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
        member = await info.context.require_member()
        session = await info.context.session()
        member, delivery = await profile.update_profile(
            runtime=info.context.runtime, member=member, changes=input.to_domain(),
            client=info.context.client,
            authenticated_at=session.authenticated_at if session else None,
        )
        return UpdateProfilePayload(
            member=Member.from_model(member),
            delivery=CodeDelivery.from_domain(delivery) if delivery else None,
        )

    @mutation(description="Apply the pending mobile or email change with its code.")
    async def confirm_contact_change(
        self, info: Info, input: ConfirmContactChangeInput
    ) -> UpdateProfilePayload:
        member = await info.context.require_member()
        member = await profile.confirm_contact_change(
            runtime=info.context.runtime, member=member, code=input.code,
            client=info.context.client,
        )
        return UpdateProfilePayload(member=Member.from_model(member), delivery=None)


QUERIES: tuple[type, ...] = ()
MUTATIONS = (ProfileMutation,)
