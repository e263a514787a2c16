import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import CodePurpose, NotificationChannel
from models.member import Member


class OneTimeCode(Model):
    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="codes", on_delete=fields.CASCADE
    )
    member_id: uuid.UUID
    purpose = fields.CharEnumField(CodePurpose, max_length=16)
    channel = fields.CharEnumField(NotificationChannel, max_length=8)
    destination = fields.CharField(max_length=254)
    code_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "one_time_code"
        indexes = (("member_id", "purpose", "created_at"),)
