import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import ChallengePurpose, SecurityEventKind
from models.member import Member


# Something that happened to the security of an account, shown to its member.
class SecurityEvent(Model):

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="security_events", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    kind = fields.CharEnumField(SecurityEventKind, max_length=24)
    at = fields.DatetimeField()
    device = fields.CharField(max_length=120, null=True)
    ip_address = fields.CharField(max_length=45, null=True)

    class Meta:
        table = "security_event"
        indexes = (("member_id", "at", "id"), ("member_id", "kind", "device", "at"))


# An authenticator app: the secret sealed with the server key, confirmed once a code from
# the app came back. `last_step` refuses a code already used in its window.
class TotpCredential(Model):

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="totp_credentials", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    secret_sealed = fields.TextField()
    confirmed_at = fields.DatetimeField(null=True)
    last_step = fields.BigIntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "totp_credential"
        indexes = (("member_id", "confirmed_at"),)


class RecoveryCode(Model):
    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "recovery_code"
        indexes = (("member_id", "code_hash"),)


class Passkey(Model):
    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="passkeys", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    # base64url, as WebAuthn sends it.
    credential_id = fields.CharField(max_length=255, unique=True)
    public_key = fields.TextField()
    sign_count = fields.BigIntField(default=0)
    name = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "passkey"
        indexes = (("member_id", "created_at"),)


# A single-use step of a sign-in or passkey ceremony, named by a token kept hashed.
class AuthChallenge(Model):

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="auth_challenges", null=True, on_delete=fields.CASCADE
    )
    member_id: uuid.UUID | None
    purpose = fields.CharEnumField(ChallengePurpose, max_length=24)
    token_hash = fields.CharField(max_length=64, unique=True)
    # base64url of the WebAuthn challenge, for passkey ceremonies.
    webauthn_challenge = fields.CharField(max_length=128, null=True)
    attempts = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "auth_challenge"
