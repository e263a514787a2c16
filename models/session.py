import uuid

from tortoise import fields
from tortoise.models import Model

from models.member import Member


class Session(Model):
    """One link in a refresh-token chain. Every link of one sign-in shares a family."""

    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="sessions", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    family = fields.UUIDField(db_index=True)
    access_token_hash = fields.CharField(max_length=64, unique=True)
    access_expires_at = fields.DatetimeField()
    refresh_token_hash = fields.CharField(max_length=64, unique=True)
    refresh_expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Kept by every link of a family: when the sign-in began, and when the member last
    # proved who they are (sign-in or reauthenticate), for step-up.
    signed_in_at = fields.DatetimeField(null=True)
    authenticated_at = fields.DatetimeField(null=True)
    # Written at most once a minute per session.
    last_used_at = fields.DatetimeField(null=True)
    device = fields.CharField(max_length=120, null=True)
    ip_address = fields.CharField(max_length=45, null=True)

    class Meta:
        table = "session"
        indexes = (("member_id", "revoked_at"),)
