"""What second factors, step-up, passkeys and ending a sign-in take."""

from __future__ import annotations

import strawberry

from resolvers.security import second_factor


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


@strawberry.input(description="Turn the authenticator app on with a code from it.")
class ConfirmTotpSetupInput:
    code: str = strawberry.field(description="The 6-digit code the app shows now.")


@strawberry.input(description="Turn the authenticator app off.")
class DisableTotpInput:
    code: str = strawberry.field(description="A current code from the app.")


@strawberry.input(description="The new passkey from navigator.credentials.create.")
class FinishPasskeyRegistrationInput:
    challenge_token: str = strawberry.field(description="From beginPasskeyRegistration.")
    credential: str = strawberry.field(
        description="The PublicKeyCredential from navigator.credentials.create, as JSON."
    )
    name: str = strawberry.field(description="A name the member will recognise, e.g. My phone.")


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
